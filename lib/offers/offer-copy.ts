/**
 * What each offer gives, in a shopper's words and as the basket applies it, and the sentence the
 * shop shows when one arrives. The offer ids are those of the rules' `offerByGender` (offer-rules.ts).
 */
import type { Category } from '../schema';

export interface OfferCopy {
  /** e.g. "20% off" */
  headline: string;
  /** What it applies to, e.g. "men's shoes and jackets". */
  subject: string;
  /** The discount the basket gives on products of `categories`. */
  discountPercent: number;
  categories: readonly Category[];
}

const discount = (discountPercent: number, subject: string, categories: readonly Category[]): OfferCopy => ({
  headline: `${discountPercent}% off`,
  subject,
  discountPercent,
  categories,
});

const OFFER_COPY: Record<string, OfferCopy> = {
  offer1: discount(20, "men's shoes and jackets", ['shoes', 'clothing']),
  offer2: discount(25, "women's shoes and dresses", ['shoes', 'clothing']),
};

/** An offer id the shop has no words for still reads as an offer, never as its id, and gives 10% on everything. */
export function offerCopy(offerId: string): OfferCopy {
  return OFFER_COPY[offerId] ?? { headline: 'A special offer', subject: 'on selected items', discountPercent: 10, categories: [] };
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
