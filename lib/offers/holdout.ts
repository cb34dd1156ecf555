/**
 * The holdout: a fixed share of visitors who qualify for an offer but are not sent it, so the
 * offer's effect can be measured against them. Chosen per visitor and rule set by a hash, so a
 * visitor stays in one group on every replay, worker and continue-as-new.
 */
import { fnv1a } from '../fnv1a';
import type { OfferRules } from './offer-rules';

/** Whether the visitor is in the rule set's holdout: hash of rule set and visitor, in 100 buckets. */
export function isHeldOut(userId: string, rules: Pick<OfferRules, 'name' | 'holdoutPercent'>): boolean {
  const percent = rules.holdoutPercent ?? 0;
  return percent > 0 && fnv1a(`${rules.name}\u0000${userId}`) % 100 < percent;
}
