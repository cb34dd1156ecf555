import { describe, expect, it } from 'vitest';
import { addToBasket, MAX_BASKET_LINES, MAX_QUANTITY, priceBasket, type PricedLine } from '../../lib/shop/basket';

const catalogue = new Map<string, PricedLine['product']>([
  ['S1', { id: 'S1', title: 'Trail shoe', category: 'shoes', priceCents: 8_999 }],
  ['C1', { id: 'C1', title: 'Linen shirt', category: 'clothing', priceCents: 3_450 }],
  ['B1', { id: 'B1', title: 'Atlas', category: 'books', priceCents: 1_999 }],
]);

describe('the basket', () => {
  it('adds a product once per click, within the bounds', () => {
    let lines = addToBasket([], 'S1');
    lines = addToBasket(lines, 'B1');
    lines = addToBasket(lines, 'S1');
    expect(lines).toEqual([{ productId: 'S1', quantity: 2 }, { productId: 'B1', quantity: 1 }]);
    let many = lines;
    for (let i = 0; i < MAX_QUANTITY + 5; i++) many = addToBasket(many, 'B1');
    expect(many.find((l) => l.productId === 'B1')!.quantity).toBe(MAX_QUANTITY);
    const full = Array.from({ length: MAX_BASKET_LINES }, (_, i) => ({ productId: `P${i}`, quantity: 1 }));
    expect(addToBasket(full, 'S1')).toEqual(full);
  });

  it('gives the taken offer\'s discount on the lines of its categories only (worked by hand)', () => {
    const lines = [{ productId: 'S1', quantity: 2 }, { productId: 'C1', quantity: 1 }, { productId: 'B1', quantity: 1 }];
    const basket = priceBasket(lines, catalogue, 'offer1');
    // Shoes 2 × 89.99 + shirt 34.50 = 214.48 discounted by 20%: 42.896, 42.90; the book is not.
    expect(basket).toMatchObject({ items: 4, subtotalCents: 23_447, discount: { offerId: 'offer1', label: "20% off men's shoes and jackets", cents: 4_290 }, totalCents: 19_157 });
    expect(basket.lines.map((l) => [l.product.id, l.totalCents, l.discounted])).toEqual([
      ['S1', 17_998, true],
      ['C1', 3_450, true],
      ['B1', 1_999, false],
    ]);
  });

  it('rounds the discount to the nearest cent once, over the lines it covers', () => {
    // 25% of 89.99 is 22.4975: 22.50 off; the book adds 19.99 at full price.
    const basket = priceBasket([{ productId: 'S1', quantity: 1 }, { productId: 'B1', quantity: 1 }], catalogue, 'offer2');
    expect(basket).toMatchObject({ subtotalCents: 10_998, discount: { label: "25% off women's shoes and dresses", cents: 2_250 }, totalCents: 8_748 });
  });

  it('has no discount without a taken offer or a line it covers, and leaves out products the shop no longer has', () => {
    expect(priceBasket([{ productId: 'S1', quantity: 1 }], catalogue, null)).toMatchObject({ discount: null, totalCents: 8_999 });
    expect(priceBasket([{ productId: 'B1', quantity: 1 }], catalogue, 'offer2')).toMatchObject({ discount: null, totalCents: 1_999 });
    expect(priceBasket([{ productId: 'GONE', quantity: 3 }, { productId: 'B1', quantity: 1 }], catalogue, null)).toMatchObject({ items: 1, subtotalCents: 1_999 });
  });

  it('gives an offer it has no words for 10% on everything', () => {
    expect(priceBasket([{ productId: 'B1', quantity: 1 }], catalogue, 'offer-games')).toMatchObject({ discount: { cents: 200 }, totalCents: 1_799 });
  });
});
