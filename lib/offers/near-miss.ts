/**
 * Near misses: sequences that ended one step short of the offer. The dashboard lists the newest
 * and counts those of the last hour, beside the funnel of visitors standing at each step.
 */
import type { OfferRules } from './offer-rules';

export interface NearMiss {
  userId: string;
  /** The rule set's name and version the visitor ran. */
  rules: string;
  version: number;
  /** The state the sequence stood in: one transition short of the offer state. */
  state: string;
  /** What ended it: its window ran out, or a click that fit no step (or a reset rule's category). */
  endedBy: 'window' | 'click';
  /** Event time it ended: the ending click's, or when its window ran out. */
  at: number;
  /** The click that ended it; for a window that ran out, the sequence's last click. */
  clickId: string;
}

/** Whether a sequence standing in `state` was one step short: a transition leads from it to the offer state. */
export function isOneStepShort(rules: OfferRules, state: string): boolean {
  if (state === rules.initialState) return false;
  const leadsToOffer = (step: { from: string; to: string }) => step.from === state && step.to === rules.offerState;
  return rules.transitions.some(leadsToOffer) || (rules.absences ?? []).some(leadsToOffer);
}

/** Near misses as the Redis sorted set holds them (JSON members), newest first; a member this version cannot read is skipped. */
export function parseNearMisses(members: readonly string[]): NearMiss[] {
  const misses: NearMiss[] = [];
  for (const member of members) {
    try {
      const m = JSON.parse(member) as Partial<NearMiss>;
      if (
        typeof m.userId === 'string' &&
        typeof m.rules === 'string' &&
        typeof m.state === 'string' &&
        typeof m.at === 'number' &&
        (m.endedBy === 'window' || m.endedBy === 'click')
      ) {
        misses.push({
          userId: m.userId,
          rules: m.rules,
          version: Number(m.version ?? 0),
          state: m.state,
          endedBy: m.endedBy,
          at: m.at,
          clickId: String(m.clickId ?? ''),
        });
      }
    } catch {
      // Not JSON: written by something else; the panel shows the rest.
    }
  }
  return misses;
}
