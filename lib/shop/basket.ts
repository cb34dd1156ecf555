/**
 * The shop's basket, priced: lines of products and quantities, the discount of the offer the
 * visitor took (on the products of the categories its definition names, and no other), and the
 * total, all in euro cents so sums stay exact. Pure: the browser keeps the lines and the offer.
 */
import { offerCovers, offerWords } from '../offers/offer-copy';
import type { OfferDefinition } from '../offers/offer-rules';
import type { Product } from '../schema';

export interface BasketLine {
  productId: string;
  quantity: number;
}

/** The offer a visitor took, with what it gives as its rule set defined it when it was made. */
export interface TakenOffer {
  offerId: string;
  definition: OfferDefinition;
}

/** A basket is for one shopping trip: a bounded number of lines and items per line. */
export const MAX_BASKET_LINES = 50;
export const MAX_QUANTITY = 20;

export interface PricedLine {
  product: Pick<Product, 'id' | 'title' | 'category' | 'priceCents'>;
  quantity: number;
  /** At full price. */
  totalCents: number;
  /** What the taken offer takes off this line: 0 when it does not cover the product. */
  discountCents: number;
}

export interface PricedBasket {
  lines: PricedLine[];
  items: number;
  subtotalCents: number;
  /** The taken offer's discount, when it covers a line: the sum of the lines' discounts. */
  discount: { offerId: string; label: string; cents: number } | null;
  totalCents: number;
}

/**
 * A product's price with the offer, or null when the offer does not cover it. Rounded per item
 * to the nearest cent, so the product page, each line and the total say the same.
 */
export function offerPrice(
  product: Pick<Product, 'category' | 'priceCents'>,
  offer: Pick<OfferDefinition, 'discountPercent' | 'categories'> | null,
): number | null {
  if (!offer || !offerCovers(offer, product.category)) return null;
  return product.priceCents - Math.round((product.priceCents * offer.discountPercent) / 100);
}

/** One more of the product, within the bounds: a full basket or line stays as it is. */
export function addToBasket(lines: readonly BasketLine[], productId: string): BasketLine[] {
  const line = lines.find((l) => l.productId === productId);
  if (line) return setQuantity(lines, productId, line.quantity + 1);
  return lines.length >= MAX_BASKET_LINES ? [...lines] : [...lines, { productId, quantity: 1 }];
}

/** The line's quantity, held to 1..MAX_QUANTITY (0 or less removes the line); a product not in the basket is not added. */
export function setQuantity(lines: readonly BasketLine[], productId: string, quantity: number): BasketLine[] {
  if (!Number.isFinite(quantity) || quantity < 1) return lines.filter((l) => l.productId !== productId);
  const held = Math.min(MAX_QUANTITY, Math.floor(quantity));
  return lines.map((l) => (l.productId === productId ? { ...l, quantity: held } : l));
}

/** Prices the lines against the catalogue; a product it no longer has is left out. */
export function priceBasket(lines: readonly BasketLine[], products: ReadonlyMap<string, PricedLine['product']>, taken: TakenOffer | null): PricedBasket {
  const priced: PricedLine[] = [];
  for (const { productId, quantity } of lines) {
    const product = products.get(productId);
    if (!product) continue;
    const each = offerPrice(product, taken?.definition ?? null);
    const totalCents = product.priceCents * quantity;
    priced.push({ product, quantity, totalCents, discountCents: each === null ? 0 : totalCents - each * quantity });
  }
  const subtotalCents = priced.reduce((n, l) => n + l.totalCents, 0);
  const cents = priced.reduce((n, l) => n + l.discountCents, 0);
  return {
    lines: priced,
    items: priced.reduce((n, l) => n + l.quantity, 0),
    subtotalCents,
    discount: taken && cents > 0 ? { offerId: taken.offerId, label: offerWords(taken.definition).summary, cents } : null,
    totalCents: subtotalCents - cents,
  };
}
