/**
 * Which clicks the detection feed may leave out. Not clicks of other categories: those reset a
 * machine mid-sequence. Not clicks of a visitor whose demographic fits no transition out of the
 * initial state either, if the visitor may be in a sequence already: their age or gender may have
 * changed since it started, and the original resets or continues the sequence on such a click as
 * on any other. Only clicks of a visitor with no workflow running and no way to start a sequence
 * can be left out; and bots' clicks, which never reach offer detection. What a visitor did with the
 * basket or an offer goes only to a workflow that may be running: it measures the offers it made.
 */
import { BOT_DEVICE, isPageView, parseEnrichedClick } from '../schema';
import { fitsDemographics, type OfferRules } from './offer-rules';
import type { VisitorClick } from './offer-state-machine';

/** Whether the click may start a sequence: its demographic fits a transition out of the initial state. */
export function mayStartSequence(rules: OfferRules, who: Pick<VisitorClick, 'gender' | 'age'>): boolean {
  return rules.transitions.some((t) => t.from === rules.initialState && fitsDemographics(t.demographics, who));
}

/** A message the feed could not read, and why: for the dead-letter topic. */
export interface RejectedMessage {
  offset: string;
  reason: string;
}

/** One visitor's usable clicks of a batch, in offset order. */
export interface VisitorBatch {
  clicks: VisitorClick[];
  /** One of them may start a sequence, so the visitor's workflow may be started for them. */
  mayStart: boolean;
}

/**
 * A batch's usable clicks per visitor, with each visitor's first offset (for `CommitWatermark`);
 * counts the clicks no rule can use (bots' included), and names the malformed. `mayBeRunning`
 * says whether a visitor's workflow may be running: their clicks are all usable then.
 */
export function clicksByVisitor(
  messages: readonly { value: Buffer | null; offset: string }[],
  rules: OfferRules,
  mayBeRunning: (userId: string) => boolean,
): { byVisitor: Map<string, VisitorBatch>; firstOffsets: Map<string, string>; dropped: number; rejected: RejectedMessage[] } {
  const byVisitor = new Map<string, VisitorBatch>();
  const firstOffsets = new Map<string, string>();
  let dropped = 0;
  const rejected: RejectedMessage[] = [];
  for (const m of messages) {
    const parsed = parseEnrichedClick(m.value?.toString('utf8') ?? '');
    if (!parsed.ok) {
      rejected.push({ offset: m.offset, reason: parsed.reason });
      continue;
    }
    const { userId, clickId, productId, category, gender, age, timestamp, deviceType, kind, offerId } = parsed.value;
    const view = isPageView(parsed.value);
    const starts = view && mayStartSequence(rules, { gender, age });
    const batch = byVisitor.get(userId) ?? (starts || mayBeRunning(userId) ? { clicks: [], mayStart: false } : undefined);
    if (deviceType === BOT_DEVICE || !batch) {
      dropped += 1;
      continue;
    }
    batch.clicks.push(
      view
        ? { clickId, productId, category, gender, age, timestamp }
        : { clickId, productId, category, gender, age, timestamp, kind, ...(offerId ? { offerId } : {}) },
    );
    batch.mayStart ||= starts;
    byVisitor.set(userId, batch);
    if (!firstOffsets.has(userId)) firstOffsets.set(userId, m.offset);
  }
  return { byVisitor, firstOffsets, dropped, rejected };
}
