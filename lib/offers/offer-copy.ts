/**
 * An offer in a shopper's words, derived from its definition (offer-rules.ts) and nothing else,
 * so that what the shop says and what the basket gives cannot disagree: "20% off clothing and
 * shoes" takes 20% off every product of those two categories and of no other.
 */
import { CATEGORIES, type Category } from '../schema';
import type { OfferDefinition } from './offer-rules';

export interface OfferWords {
  /** e.g. "20% off" */
  headline: string;
  /** What it applies to, e.g. "clothing and shoes", "everything". */
  covers: string;
  /** e.g. "20% off clothing and shoes" */
  summary: string;
}

/** A category as the shop's pages name it. */
export const categoryWords = (category: Category): string => category.replace('&', ' and ');

/** "a", "a and b", "a, b and c" */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function offerWords({ discountPercent, categories }: Pick<OfferDefinition, 'discountPercent' | 'categories'>): OfferWords {
  const headline = `${discountPercent}% off`;
  // In the shop's own order, so two definitions of the same categories read alike.
  const ordered = CATEGORIES.filter((c) => categories.includes(c));
  const covers = ordered.length === CATEGORIES.length ? 'everything' : listInWords(ordered.map(categoryWords));
  return { headline, covers, summary: `${headline} ${covers}` };
}

/** Whether the offer's discount applies to a product of `category`: exactly when its words name that category. */
export const offerCovers = (definition: Pick<OfferDefinition, 'categories'>, category: string): boolean => definition.categories.some((c) => c === category);

/**
 * The offer dialog's sentence: "You looked at <titles>: 20% off clothing and shoes, just for you."
 * when the shop knows which products led to it, else a general thanks for browsing.
 */
export function offerMessage(definition: OfferDefinition, viewedTitles: readonly string[]): string {
  const unique = [...new Set(viewedTitles)];
  const because = unique.length > 0 ? `You looked at ${listInWords(unique)}` : 'Thanks for browsing';
  return `${because}: ${offerWords(definition).summary}, just for you.`;
}
