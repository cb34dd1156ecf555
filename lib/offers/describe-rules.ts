/**
 * The offer rules in a shopper's words, for the shop's landing page: who may get an offer, what
 * they must view, in which order and how fast, and what the offer gives. Derived from the rules,
 * so a change of rules changes the words.
 */
import type { Gender } from '../schema';
import { offerCopy } from './offer-copy';
import type { Demographic, OfferRules, Transition } from './offer-rules';
import { shortestPaths, viewWords } from './rule-paths';

export interface RulesInWords {
  /** One line per targeted group and its offer, e.g. "Men aged 35 to 45: 20% off men's shoes and jackets". */
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

function audience(d: Demographic, offerByGender: OfferRules['offerByGender']): string | null {
  const offerId = offerByGender[d.gender];
  if (!offerId) return null;
  const { headline, subject } = offerCopy(offerId);
  const ages = d.minAge <= 0 && d.maxAge >= 130 ? 'of any age' : `aged ${d.minAge} to ${d.maxAge}`;
  return `${capitalised(PEOPLE[d.gender])} ${ages}: ${headline} ${subject}`;
}

export function describeOfferRules(rules: OfferRules): RulesInWords {
  const path = shortestPaths(rules).get(rules.offerState) ?? [];
  const first = path[0];
  // A first step open to anyone reaches every gender that has an offer.
  const demographics: Demographic[] =
    first?.demographics ?? (Object.keys(rules.offerByGender) as Gender[]).map((gender) => ({ gender, minAge: 0, maxAge: 130 }));
  const audiences = demographics.map((d) => audience(d, rules.offerByGender)).filter((a): a is string => a !== null);
  const steps = path.map(viewOf);
  const sequence = steps.length > 0 ? `View ${steps.join(', then ')} within ${rules.windowMinutes} minutes.` : '';
  return { audiences, steps, sequence };
}
