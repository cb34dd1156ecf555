/**
 * Offers as data: each rule set defines what its offers give, the rule validation refuses an offer
 * without a definition, and the shop's words derived from a definition are exactly what the
 * basket gives.
 */
import { describe, expect, it } from 'vitest';
import { offerWords } from '../../lib/offers/offer-copy';
import { offerDefinition, OFFER_RULES, type OfferDefinition, type OfferRules } from '../../lib/offers/offer-rules';
import { DISCOUNT_PERCENT_BOUNDS, MAX_OFFERS, parseOfferDefinition, parseOfferRules } from '../../lib/offers/rule-validation';
import { RuleSets, RuleSetRequestError } from '../../lib/offers/rule-sets';
import { priceBasket, type PricedLine } from '../../lib/shop/basket';
import { CATEGORIES, type Category } from '../../lib/schema';
import { booksThenGames, shoesWithoutClothing } from '../offer-rule-examples';

const GAMES: OfferDefinition = { title: 'For players', copy: 'Any game in the shop.', discountPercent: 15, categories: ['games'] };
/** The built-in rules as published before offers were data: no definitions, and offer3 from the editor for women. */
const BEFORE_DEFINITIONS = (() => {
  const { offers: _, ...rules } = OFFER_RULES;
  return { ...rules, offerByGender: { M: 'offer1', F: 'offer3' } } as OfferRules;
})();

const reason = (input: unknown): string => {
  const parsed = parseOfferRules(input);
  if (parsed.ok) throw new Error('expected the rules to be refused');
  return parsed.reason;
};
const value = (input: unknown, definitions?: 'required' | 'as-stored'): OfferRules => {
  const parsed = parseOfferRules(input, definitions);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const withOffers = (offerByGender: OfferRules['offerByGender'], offers?: Record<string, unknown>): unknown => ({ ...OFFER_RULES, offerByGender, offers });

describe('offer definitions in the rule set', () => {
  it('keeps the built-in rules faithful to the original: offer1 for men, offer2 for women, each defined and valid', () => {
    expect(OFFER_RULES.offerByGender).toEqual({ M: 'offer1', F: 'offer2' });
    expect(value(OFFER_RULES)).toEqual(OFFER_RULES);
    for (const d of Object.values(OFFER_RULES.offers!)) expect(parseOfferDefinition(d)).toEqual({ ok: true, value: d });
  });

  it('refuses an offer no definition gives: the API answers 400 with this reason', () => {
    expect(reason(withOffers({ M: 'offer1', F: 'offer3' }, { offer1: OFFER_RULES.offers!.offer1 }))).toBe(
      'offerByGender.F: offer "offer3" has no definition: add offers.offer3 with its title, copy, discountPercent and categories',
    );
    expect(reason(withOffers({ F: 'offer3' }))).toContain('offer "offer3" has no definition');
  });

  it('writes the built-in definitions of offer1 and offer2 into a set that names them without its own, so each version carries what it gives', () => {
    const published = value(withOffers({ M: 'offer2' }));
    expect(published.offers).toEqual({ offer2: OFFER_RULES.offers!.offer2 });
    expect(published.offers!.offer2!.categories).not.toBe(OFFER_RULES.offers!.offer2!.categories);
    expect(value(withOffers({ M: 'offer-games', F: 'offer-games' }, { 'offer-games': GAMES })).offers).toEqual({ 'offer-games': GAMES });
  });

  it('refuses a definition no gender gets, and one offer too many', () => {
    expect(reason(withOffers({ M: 'offer1' }, { offer1: OFFER_RULES.offers!.offer1, spare: GAMES }))).toBe(
      'offers.spare: no gender gets it (offerByGender names "offer1"): remove it, or name it in offerByGender',
    );
    const many = Object.fromEntries(Array.from({ length: MAX_OFFERS + 1 }, (_, i) => [`o${i}`, GAMES]));
    expect(reason(withOffers({ M: 'o0' }, many))).toBe(`offers: ${MAX_OFFERS + 1} offers, at most ${MAX_OFFERS} allowed`);
  });

  it.each([
    [
      'a discount of 0',
      { discountPercent: 0 },
      `offers.o.discountPercent: must be a whole number from ${DISCOUNT_PERCENT_BOUNDS.min} to ${DISCOUNT_PERCENT_BOUNDS.max}, got 0`,
    ],
    ['a discount of 95', { discountPercent: 95 }, 'offers.o.discountPercent: must be a whole number from 1 to 90, got 95'],
    ['a fractional discount', { discountPercent: 12.5 }, 'offers.o.discountPercent: must be a whole number from 1 to 90, got 12.5'],
    ['no category', { categories: [] }, 'offers.o.categories: must name at least one category the discount applies to, got an array'],
    ['an unknown category', { categories: ['jackets'] }, 'offers.o.categories[0]: unknown category "jackets"'],
    ['a category twice', { categories: ['shoes', 'shoes'] }, 'offers.o.categories: "shoes" named twice'],
    ['an amount in the title', { title: '50% off everything' }, 'offers.o.title: must not state an amount ("%")'],
    ['an amount in the copy', { copy: 'Ten percent off today.' }, 'offers.o.copy: must not state an amount ("percent")'],
    ['a price in the copy', { copy: 'Save €10.' }, 'offers.o.copy: must not state an amount ("€")'],
    ['an empty title', { title: ' ' }, 'offers.o.title: must be a non-empty string, got " "'],
    ['a long copy', { copy: 'x'.repeat(201) }, 'offers.o.copy: longer than 200 characters'],
    ['a hidden character', { title: 'Hi\u202Ethere' }, 'offers.o.title: must not hold control or formatting characters'],
    ['an unknown field', { headline: 'Big' }, 'offers.o: unknown field "headline"'],
  ])('refuses %s', (_, patch, expected) => {
    expect(reason(withOffers({ F: 'o' }, { o: { ...GAMES, ...patch } }))).toContain(expected);
  });

  it('keeps an offer id "__proto__" an id, never a prototype', () => {
    // JSON.parse makes "__proto__" an own key, as a request body would.
    const parsed = value(withOffers({ F: '__proto__' }, JSON.parse(`{"__proto__":${JSON.stringify(GAMES)}}`) as Record<string, unknown>));
    expect(Object.getPrototypeOf(parsed.offers)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed.offers!, '__proto__')).toBe(true);
    expect(offerDefinition(parsed, '__proto__')).toEqual(GAMES);
    expect(offerDefinition(parsed, 'constructor')).toBeNull();
  });

  it('reads a set from before offers were data as it was stored: offer1 and offer2 by the built-in definitions, any other without one', () => {
    expect(reason(BEFORE_DEFINITIONS)).toContain('offer "offer3" has no definition');
    const stored = value(BEFORE_DEFINITIONS, 'as-stored');
    expect(stored).toEqual(BEFORE_DEFINITIONS);
    expect(stored).not.toHaveProperty('offers');
    expect(offerDefinition(stored, 'offer1')).toEqual(OFFER_RULES.offers!.offer1);
    expect(offerDefinition(stored, 'offer3')).toBeNull();
  });

  it('has the rule-sets workflow validate a new publication strictly, and store (and so replay) what its handler is given as it came', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    expect(() => sets.validatePublish({ rules: BEFORE_DEFINITIONS, note: 'offer3 for women' })).toThrow(RuleSetRequestError);
    // What an update accepted before offers were data replays through the handler to the same version.
    expect(sets.publish({ rules: BEFORE_DEFINITIONS, note: 'offer3 for women' }, 1).rules).toEqual(BEFORE_DEFINITIONS);
    expect(sets.publish({ rules: booksThenGames(), note: 'games' }, 2).rules.offers).toEqual(booksThenGames().offers);
  });
});

/** The words' own claim, read back from the text the shopper sees: "<n>% off <a>, <b> and <c>" or "<n>% off everything". */
function claimOf(summary: string): { percent: number; covers: (category: Category) => boolean } {
  const match = /^(\d+)% off (.+)$/.exec(summary);
  if (!match) throw new Error(`not an offer's words: ${summary}`);
  const named = match[2]!;
  const covers = (category: Category): boolean => {
    if (named === 'everything') return true;
    // The category as the words spell it, between list separators.
    const word = category.replace('&', ' and ');
    return new RegExp(`(^|, | and )${word}(,|$| and )`).test(named);
  };
  return { percent: Number(match[1]), covers };
}

describe('the words of every offer, and what the basket gives', () => {
  /** Every definition the project ships or the tests use, and a spread of others over all categories and discounts. */
  const definitions: OfferDefinition[] = [
    ...Object.values(OFFER_RULES.offers!),
    ...Object.values(booksThenGames().offers!),
    ...Object.values(shoesWithoutClothing(10).offers!),
    GAMES,
    ...CATEGORIES.map((c, i) => ({ title: 'One', copy: 'One category.', discountPercent: 1 + ((i * 7) % 90), categories: [c] })),
    ...CATEGORIES.map((_, i) => ({
      title: 'Many',
      copy: 'Some categories.',
      discountPercent: 5 * (1 + (i % 18)),
      categories: CATEGORIES.filter((__, j) => (j * (i + 3)) % 4 === 0),
    })),
    { title: 'All', copy: 'Everything.', discountPercent: 90, categories: [...CATEGORIES] },
  ];
  /** One product of every category, at prices whose percentages round differently. */
  const catalogue = new Map<string, PricedLine['product']>(
    CATEGORIES.map((c, i) => [`P-${c}`, { id: `P-${c}`, title: `A ${c} product`, category: c, priceCents: 999 + i * 1_237 }]),
  );
  const lines = [...catalogue.keys()].map((productId, i) => ({ productId, quantity: 1 + (i % 3) }));

  it.each(definitions.map((d) => [offerWords(d).summary, d] as const))(
    '"%s": the basket takes exactly that off exactly those products',
    (summary, definition) => {
      expect(parseOfferDefinition(definition).ok).toBe(true);
      const claim = claimOf(summary);
      const basket = priceBasket(lines, catalogue, { offerId: 'o', definition });
      for (const line of basket.lines) {
        const each = line.product.priceCents - Math.round((line.product.priceCents * claim.percent) / 100);
        const expected = claim.covers(line.product.category as Category) ? line.totalCents - each * line.quantity : 0;
        expect(line.discountCents, `${summary}: ${line.product.category}`).toBe(expected);
      }
      expect(basket.discount?.label).toBe(summary);
      expect(basket.discount?.cents).toBe(basket.lines.reduce((n, l) => n + l.discountCents, 0));
      expect(basket.totalCents).toBe(basket.subtotalCents - basket.discount!.cents);
    },
  );
});
