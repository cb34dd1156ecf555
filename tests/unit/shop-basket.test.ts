import { describe, expect, it } from 'vitest';
import { offerDefinition, OFFER_RULES, type OfferDefinition } from '../../lib/offers/offer-rules';
import { addToBasket, MAX_BASKET_LINES, MAX_QUANTITY, offerPrice, priceBasket, setQuantity, type PricedLine, type TakenOffer } from '../../lib/shop/basket';

const catalogue = new Map<string, PricedLine['product']>([
  ['S1', { id: 'S1', title: 'Trail shoe', category: 'shoes', priceCents: 8_999 }],
  ['C1', { id: 'C1', title: 'Linen shirt', category: 'clothing', priceCents: 3_450 }],
  ['B1', { id: 'B1', title: 'Atlas', category: 'books', priceCents: 1_999 }],
]);

const taken = (offerId: string): TakenOffer => ({ offerId, definition: offerDefinition(OFFER_RULES, offerId)! });
const books: TakenOffer = {
  offerId: 'offer-books',
  definition: { title: 'For readers', copy: 'Any book.', discountPercent: 15, categories: ['books'] } satisfies OfferDefinition,
};

describe('the basket', () => {
  it('adds a product once per click, within the bounds', () => {
    let lines = addToBasket([], 'S1');
    lines = addToBasket(lines, 'B1');
    lines = addToBasket(lines, 'S1');
    expect(lines).toEqual([
      { productId: 'S1', quantity: 2 },
      { productId: 'B1', quantity: 1 },
    ]);
    let many = lines;
    for (let i = 0; i < MAX_QUANTITY + 5; i++) many = addToBasket(many, 'B1');
    expect(many.find((l) => l.productId === 'B1')!.quantity).toBe(MAX_QUANTITY);
    const full = Array.from({ length: MAX_BASKET_LINES }, (_, i) => ({ productId: `P${i}`, quantity: 1 }));
    expect(addToBasket(full, 'S1')).toEqual(full);
  });

  it('sets a quantity within the bounds, removes a line at 0, and adds no product that is not in it', () => {
    const lines = [
      { productId: 'S1', quantity: 2 },
      { productId: 'B1', quantity: 1 },
    ];
    expect(setQuantity(lines, 'S1', 5)).toEqual([
      { productId: 'S1', quantity: 5 },
      { productId: 'B1', quantity: 1 },
    ]);
    expect(setQuantity(lines, 'S1', 500)[0]).toEqual({ productId: 'S1', quantity: MAX_QUANTITY });
    expect(setQuantity(lines, 'S1', 2.7)[0]).toEqual({ productId: 'S1', quantity: 2 });
    expect(setQuantity(lines, 'S1', 0)).toEqual([{ productId: 'B1', quantity: 1 }]);
    expect(setQuantity(lines, 'B1', Number.NaN)).toEqual([{ productId: 'S1', quantity: 2 }]);
    expect(setQuantity(lines, 'C1', 3)).toEqual(lines);
  });

  it("gives the taken offer's discount on the lines of its categories only, per item (worked by hand)", () => {
    const lines = [
      { productId: 'S1', quantity: 2 },
      { productId: 'C1', quantity: 1 },
      { productId: 'B1', quantity: 1 },
    ];
    const basket = priceBasket(lines, catalogue, taken('offer1'));
    // 20% of 89.99 is 17.998: 18.00 off each shoe, 36.00 for two; of 34.50, 6.90; the book is not covered.
    expect(basket).toMatchObject({
      items: 4,
      subtotalCents: 23_447,
      discount: { offerId: 'offer1', label: '20% off clothing and shoes', cents: 4_290 },
      totalCents: 19_157,
    });
    expect(basket.lines.map((l) => [l.product.id, l.totalCents, l.discountCents])).toEqual([
      ['S1', 17_998, 3_600],
      ['C1', 3_450, 690],
      ['B1', 1_999, 0],
    ]);
    expect(offerPrice(catalogue.get('S1')!, taken('offer1').definition)).toBe(7_199);
    expect(offerPrice(catalogue.get('B1')!, taken('offer1').definition)).toBeNull();
  });

  it('rounds each item to the nearest cent, so the product page, the line and the total agree', () => {
    // 25% of 89.99 is 22.4975: 22.50 off; the book adds 19.99 at full price.
    const basket = priceBasket(
      [
        { productId: 'S1', quantity: 3 },
        { productId: 'B1', quantity: 1 },
      ],
      catalogue,
      taken('offer2'),
    );
    expect(basket).toMatchObject({ subtotalCents: 28_996, discount: { label: '25% off clothing and shoes', cents: 3 * 2_250 }, totalCents: 28_996 - 6_750 });
    expect(basket.lines[0]!.totalCents - basket.lines[0]!.discountCents).toBe(3 * offerPrice(catalogue.get('S1')!, taken('offer2').definition)!);
  });

  it('has no discount without a taken offer or a line it covers, and leaves out products the shop no longer has', () => {
    expect(priceBasket([{ productId: 'S1', quantity: 1 }], catalogue, null)).toMatchObject({ discount: null, totalCents: 8_999 });
    expect(priceBasket([{ productId: 'B1', quantity: 1 }], catalogue, taken('offer2'))).toMatchObject({ discount: null, totalCents: 1_999 });
    expect(
      priceBasket(
        [
          { productId: 'GONE', quantity: 3 },
          { productId: 'B1', quantity: 1 },
        ],
        catalogue,
        null,
      ),
    ).toMatchObject({ items: 1, subtotalCents: 1_999 });
    expect(
      priceBasket(
        [
          { productId: 'S1', quantity: 1 },
          { productId: 'B1', quantity: 1 },
        ],
        catalogue,
        books,
      ),
    ).toMatchObject({ discount: { label: '15% off books', cents: 300 }, totalCents: 10_698 });
  });
});
