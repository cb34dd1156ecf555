import { describe, expect, it } from 'vitest';
import { describeOfferRule, describeOfferRules } from '../../lib/offers/describe-rules';
import { listInWords, offerMessage, offerWords } from '../../lib/offers/offer-copy';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import { CATEGORIES } from '../../lib/schema';

const BOOKS_TWICE: OfferRules = {
  name: 'books-twice',
  initialState: 'start',
  offerState: 'done',
  windowMinutes: 10,
  transitions: [
    {
      from: 'start',
      to: 'one',
      category: 'books',
      demographics: [
        { gender: 'F', minAge: 18, maxAge: 99 },
        { gender: 'M', minAge: 18, maxAge: 99 },
      ],
    },
    { from: 'one', to: 'one', category: 'games' },
    { from: 'one', to: 'done', category: 'books', product: 'same-as-first' },
  ],
  offerByGender: { F: 'offer9' },
  offers: { offer9: { title: 'For readers', copy: 'Any book or game.', discountPercent: 15, categories: ['games', 'books'] } },
};

describe("the offer rules in a shopper's words", () => {
  it('names who the current rules target, what they get, and what they must view in which order', () => {
    expect(describeOfferRules(OFFER_RULES)).toEqual({
      audiences: ['Men aged 35 to 45: 20% off clothing and shoes', 'Women aged 25 to 35: 25% off clothing and shoes'],
      steps: ['a clothing item', 'shoes', 'a different clothing item'],
      sequence: 'View a clothing item, then shoes, then a different clothing item within 30 minutes.',
    });
  });

  it('follows a change of rules: another path, another window, a gender without an offer left out, anyone of any age', () => {
    expect(describeOfferRules(BOOKS_TWICE)).toEqual({
      audiences: ['Women aged 18 to 99: 15% off books and games'],
      steps: ['a books item', 'the same books item again'],
      sequence: 'View a books item, then the same books item again within 10 minutes.',
    });
    const open = { ...BOOKS_TWICE, transitions: BOOKS_TWICE.transitions.map(({ demographics: _, ...t }) => t) };
    expect(describeOfferRules(open).audiences).toEqual(['Women of any age: 15% off books and games']);
  });

  it('leaves out a group whose offer has no definition (a rule set from before offers were data), and reads offer1 and offer2 of such a set as built in', () => {
    const old: OfferRules = { ...OFFER_RULES, offerByGender: { M: 'offer1', F: 'offer3' } };
    delete old.offers;
    expect(describeOfferRules(old).audiences).toEqual(['Men aged 35 to 45: 20% off clothing and shoes']);
  });

  it('says nothing to view when the offer cannot be reached', () => {
    expect(describeOfferRules({ ...OFFER_RULES, transitions: OFFER_RULES.transitions.slice(0, 2) })).toMatchObject({ steps: [], sequence: '' });
  });

  it('explains one offer: who it is for, the steps and the window', () => {
    expect(describeOfferRule(OFFER_RULES, 'offer2')).toEqual({
      forWhom: 'women aged 25 to 35',
      steps: ['a clothing item', 'shoes', 'a different clothing item'],
      windowMinutes: 30,
    });
    const both = { ...OFFER_RULES, offerByGender: { M: 'offer1', F: 'offer1' } };
    expect(describeOfferRule(both, 'offer1').forWhom).toBe('men aged 35 to 45 and women aged 25 to 35');
  });
});

describe("an offer in a shopper's words", () => {
  it("says the discount and the categories it covers, in the shop's order, with every category named alike", () => {
    expect(offerWords(OFFER_RULES.offers!.offer1!)).toEqual({ headline: '20% off', covers: 'clothing and shoes', summary: '20% off clothing and shoes' });
    expect(offerWords({ discountPercent: 5, categories: ['home&garden', 'books', 'tools'] }).summary).toBe('5% off books, home and garden and tools');
    expect(offerWords({ discountPercent: 10, categories: [...CATEGORIES] }).summary).toBe('10% off everything');
  });

  it('names the products looked at, each once, and what the offer gives; never the offer id', () => {
    expect(offerMessage(OFFER_RULES.offers!.offer1!, ['Orla T-Shirt', 'Vantage Loafers', 'Orla T-Shirt', 'Northwind Skirt'])).toBe(
      'You looked at Orla T-Shirt, Vantage Loafers and Northwind Skirt: 20% off clothing and shoes, just for you.',
    );
    expect(offerMessage(OFFER_RULES.offers!.offer2!, [])).toBe('Thanks for browsing: 25% off clothing and shoes, just for you.');
    expect([listInWords([]), listInWords(['a']), listInWords(['a', 'b'])]).toEqual(['', 'a', 'a and b']);
  });
});
