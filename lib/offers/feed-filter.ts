/**
 * Which clicks the detection feed may leave out. Not clicks of other categories: those reset a
 * machine mid-sequence. Only a visitor who can be in no sequence at all, because their demographic
 * fits no transition out of the initial state, can be skipped entirely.
 */
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
