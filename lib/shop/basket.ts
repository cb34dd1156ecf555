/**
 * The shop's basket, priced: lines of products and quantities, the discount of an offer the
 * visitor took (on the products of the offer's categories; every product when it names none), and
 * the total, all in euro cents so sums stay exact. Pure: the browser keeps the lines.
 */
import { offerCopy } from '../offers/offer-copy';
import type { Product } from '../schema';

export interface BasketLine {
  productId: string;
  quantity: number;
}

/** A basket is for one shopping trip: a bounded number of lines and items per line. */
export const MAX_BASKET_LINES = 50;
export const MAX_QUANTITY = 20;

export interface PricedLine {
  product: Pick<Product, 'id' | 'title' | 'category' | 'priceCents'>;
  quantity: number;
  totalCents: number;
  /** The taken offer applies to it. */
  discounted: boolean;
}

export interface PricedBasket {
  lines: PricedLine[];
  items: number;
  subtotalCents: number;
  /** The taken offer's discount, when it applies to a line. */
  discount: { offerId: string; label: string; cents: number } | null;
  totalCents: number;
}

/** One more of the product, within the bounds: a full basket or line stays as it is. */
export function addToBasket(lines: readonly BasketLine[], productId: string): BasketLine[] {
  const line = lines.find((l) => l.productId === productId);
  if (line) return lines.map((l) => (l === line ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + 1) } : l));
  return lines.length >= MAX_BASKET_LINES ? [...lines] : [...lines, { productId, quantity: 1 }];
}

/** Prices the lines against the catalogue; a product it no longer has is left out. */
export function priceBasket(lines: readonly BasketLine[], products: ReadonlyMap<string, PricedLine['product']>, takenOfferId: string | null): PricedBasket {
  const copy = takenOfferId === null ? null : offerCopy(takenOfferId);
  const priced: PricedLine[] = [];
  for (const { productId, quantity } of lines) {
    const product = products.get(productId);
    if (!product) continue;
    const discounted = copy !== null && (copy.categories.length === 0 || copy.categories.some((c) => c === product.category));
    priced.push({ product, quantity, totalCents: product.priceCents * quantity, discounted });
  }
  const subtotalCents = priced.reduce((n, l) => n + l.totalCents, 0);
  const discountable = priced.filter((l) => l.discounted).reduce((n, l) => n + l.totalCents, 0);
  const cents = copy ? Math.round((discountable * copy.discountPercent) / 100) : 0;
  return {
    lines: priced,
    items: priced.reduce((n, l) => n + l.quantity, 0),
    subtotalCents,
    discount: copy && cents > 0 ? { offerId: takenOfferId!, label: `${copy.headline} ${copy.subject}`, cents } : null,
    totalCents: subtotalCents - cents,
  };
}
