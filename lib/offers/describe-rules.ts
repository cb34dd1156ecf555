/**
 * The offer rules in a shopper's words, for the shop's landing page: who may get an offer, what
 * they must view, in which order and how fast, and what the offer gives. Derived from the rules,
 * so a change of rules changes the words.
 */
import type { Gender } from '../schema';
import { listInWords, offerWords } from './offer-copy';
import { offerDefinition, type Demographic, type OfferRules, type Transition } from './offer-rules';
import { shortestPaths, viewWords } from './rule-paths';

export interface RulesInWords {
  /** One line per targeted group and its offer, e.g. "Men aged 35 to 45: 20% off clothing and shoes". */
  audiences: string[];
  /** What to view, in order, e.g. ["a clothing item", "shoes", "a different clothing item"]. */
  steps: string[];
  /** e.g. "View a clothing item, then shoes, then a different clothing item within 30 minutes." */
  sequence: string;
}

const PEOPLE: Record<Gender, string> = { M: 'men', F: 'women' };

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Categories named as people say them: "shoes" stays, "clothing" becomes "a clothing item". */
function viewOf(t: Transition): string {
  if (t.product) return viewWords(t.category, t.product);
  return t.category === 'shoes' ? 'shoes' : `a ${t.category} item`;
}

/** Who a demographic is, e.g. "women aged 25 to 35". */
export function whoInWords(d: Demographic): string {
  return `${PEOPLE[d.gender]} ${d.minAge <= 0 && d.maxAge >= 130 ? 'of any age' : `aged ${d.minAge} to ${d.maxAge}`}`;
}

/** A group and what it gets; none for a group whose offer has no definition (only a rule set from before offers were data has one), which the shop does not show. */
function audience(d: Demographic, rules: OfferRules): string | null {
  const offerId = rules.offerByGender[d.gender];
  const definition = offerId ? offerDefinition(rules, offerId) : null;
  if (!definition) return null;
  return `${capitalised(whoInWords(d))}: ${offerWords(definition).summary}`;
}

/** The groups a first step open to anyone reaches: every gender that has an offer. */
export function audienceOf(rules: OfferRules): Demographic[] {
  const first = shortestPaths(rules).get(rules.offerState)?.[0];
  return first?.demographics ?? (Object.keys(rules.offerByGender) as Gender[]).map((gender) => ({ gender, minAge: 0, maxAge: 130 }));
}

export function describeOfferRules(rules: OfferRules): RulesInWords {
  const path = shortestPaths(rules).get(rules.offerState) ?? [];
  const audiences = audienceOf(rules)
    .map((d) => audience(d, rules))
    .filter((a): a is string => a !== null);
  const steps = path.map(viewOf);
  const sequence = steps.length > 0 ? `View ${steps.join(', then ')} within ${rules.windowMinutes} minutes.` : '';
  return { audiences, steps, sequence };
}

/** "Why this offer?" in words, from the rule set that sent it: who it is for, what they view in which order, and the window. */
export interface OfferRuleInWords {
  /** e.g. "women aged 25 to 35"; "anyone" when the first step names no one. */
  forWhom: string;
  /** e.g. ["a clothing item", "shoes", "a different clothing item"] */
  steps: string[];
  windowMinutes: number;
}

export function describeOfferRule(rules: OfferRules, offerId: string): OfferRuleInWords {
  const groups = audienceOf(rules).filter((d) => rules.offerByGender[d.gender] === offerId);
  return {
    forWhom: groups.length > 0 ? listInWords(groups.map(whoInWords)) : 'anyone',
    steps: (shortestPaths(rules).get(rules.offerState) ?? []).map(viewOf),
    windowMinutes: rules.windowMinutes,
  };
}
