/**
 * Whether an offer works: the conversion of visitors who were offered it against that of the
 * holdout, who qualified the same way and were not. The uplift is the difference of the two
 * conversions, with a 95% confidence interval by Newcombe's hybrid score method (Wilson intervals
 * per group), which stays honest for small groups and conversions near 0 or 1, where the textbook
 * (Wald) interval collapses to nothing.
 */
import { OUTCOME_STAGES, type OfferGroup, type OutcomeStage } from './offer-outcomes';

/** Visitors per stage and group of one offer of one rule set, as the counters hold them. */
export interface OfferCounts {
  rules: string;
  offerId: string;
  counts: Record<OfferGroup, Record<OutcomeStage, number>>;
}

export interface Interval {
  low: number;
  high: number;
}

/** One row of the uplift panel; shares are 0..1, null where a group has nobody yet. */
export interface OfferUplift {
  rules: string;
  offerId: string;
  /** Visitors who qualified: offered plus held out. */
  qualified: number;
  offered: number;
  heldOut: number;
  taken: number;
  dismissed: number;
  /** Bought after the offer (offered) or after qualifying (held out). */
  bought: { offered: number; heldOut: number };
  conversion: { offered: number | null; heldOut: number | null };
  /** Conversion offered minus held out, with its 95% interval; null until both groups have visitors. */
  uplift: ({ difference: number } & Interval) | null;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson's score interval for `successes` of `n` (n > 0). */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval for p1 − p2 (his method 10). */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): { difference: number } & Interval {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilsonInterval(x1, n1, z);
  const b = wilsonInterval(x2, n2, z);
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: difference + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

export function offerUplift({ rules, offerId, counts }: OfferCounts): OfferUplift {
  const offered = counts.offered.qualified;
  const heldOut = counts.holdout.qualified;
  const bought = { offered: counts.offered.bought, heldOut: counts.holdout.bought };
  return {
    rules,
    offerId,
    qualified: offered + heldOut,
    offered,
    heldOut,
    taken: counts.offered.taken,
    dismissed: counts.offered.dismissed,
    bought,
    conversion: { offered: offered > 0 ? bought.offered / offered : null, heldOut: heldOut > 0 ? bought.heldOut / heldOut : null },
    uplift: offered > 0 && heldOut > 0 ? differenceInterval(bought.offered, offered, bought.heldOut, heldOut) : null,
  };
}

/** No visitor at any stage: where a counter is missing. */
export const noCounts = (): OfferCounts['counts'] => ({
  offered: Object.fromEntries(OUTCOME_STAGES.map((s) => [s, 0])) as Record<OutcomeStage, number>,
  holdout: Object.fromEntries(OUTCOME_STAGES.map((s) => [s, 0])) as Record<OutcomeStage, number>,
});
