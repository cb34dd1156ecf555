/**
 * Which clicks the detection feed may leave out. Not clicks of other categories: those reset a
 * machine mid-sequence. Only a visitor who can be in no sequence at all, because their demographic
 * fits no transition out of the initial state, can be skipped entirely; and bots, whose clicks
 * never reach offer detection.
 */
import { BOT_DEVICE, parseEnrichedClick } from '../schema';
import type { OfferRules } from './offer-rules';
import type { VisitorClick } from './offer-state-machine';

/**
 * Whether the click's visitor could have started a sequence, so the click may matter. The age is
 * checked one year back too: a visitor who had a birthday since their sequence started is still in
 * it (a window lasts minutes, not a year).
 */
export function clickMayMatter(rules: OfferRules, { gender, age }: Pick<VisitorClick, 'gender' | 'age'>): boolean {
  return rules.transitions
    .filter((t) => t.from === rules.initialState)
    .some((t) => !t.demographics || t.demographics.some((d) => d.gender === gender && age !== null && age >= d.minAge && age - 1 <= d.maxAge));
}

/** A message the feed could not read, and why: for the dead-letter topic. */
export interface RejectedMessage {
  offset: string;
  reason: string;
}

/**
 * A batch's usable clicks per visitor, in offset order, with each visitor's first offset (for
 * `CommitWatermark`); counts the clicks no rule can use (bots' included), and names the malformed.
 */
export function clicksByVisitor(
  messages: readonly { value: Buffer | null; offset: string }[],
  rules: OfferRules,
): { byVisitor: Map<string, VisitorClick[]>; firstOffsets: Map<string, string>; dropped: number; rejected: RejectedMessage[] } {
  const byVisitor = new Map<string, VisitorClick[]>();
  const firstOffsets = new Map<string, string>();
  let dropped = 0;
  const rejected: RejectedMessage[] = [];
  for (const m of messages) {
    const parsed = parseEnrichedClick(m.value?.toString('utf8') ?? '');
    if (!parsed.ok) {
      rejected.push({ offset: m.offset, reason: parsed.reason });
      continue;
    }
    const { userId, clickId, productId, category, gender, age, timestamp, deviceType } = parsed.value;
    if (deviceType === BOT_DEVICE || !clickMayMatter(rules, { gender, age })) {
      dropped += 1;
      continue;
    }
    const clicks = byVisitor.get(userId) ?? [];
    clicks.push({ clickId, productId, category, gender, age, timestamp });
    byVisitor.set(userId, clicks);
    if (!firstOffsets.has(userId)) firstOffsets.set(userId, m.offset);
  }
  return { byVisitor, firstOffsets, dropped, rejected };
}
