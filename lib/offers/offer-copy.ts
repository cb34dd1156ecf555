/**
 * What each offer gives, in a shopper's words, and the sentence the shop shows when one arrives.
 * The offer ids are those of the rules' `offerByGender` (offer-rules.ts).
 */

export interface OfferCopy {
  /** e.g. "20% off" */
  headline: string;
  /** What it applies to, e.g. "men's shoes and jackets". */
  subject: string;
}

const OFFER_COPY: Record<string, OfferCopy> = {
  offer1: { headline: '20% off', subject: "men's shoes and jackets" },
  offer2: { headline: '25% off', subject: "women's shoes and dresses" },
};

/** An offer id the shop has no words for still reads as an offer, never as its id. */
export function offerCopy(offerId: string): OfferCopy {
  return OFFER_COPY[offerId] ?? { headline: 'A special offer', subject: 'on selected items' };
}

/** "a", "a and b", "a, b and c" */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The offer dialog's sentence: "You looked at <titles>: 20% off men's shoes and jackets." when the
 * shop knows which products led to it, else a general thanks for browsing.
 */
export function offerMessage(offerId: string, viewedTitles: readonly string[]): string {
  const { headline, subject } = offerCopy(offerId);
  const unique = [...new Set(viewedTitles)];
  const because = unique.length > 0 ? `You looked at ${listInWords(unique)}` : 'Thanks for browsing';
  return `${because}: ${headline} ${subject}, just for you.`;
}
