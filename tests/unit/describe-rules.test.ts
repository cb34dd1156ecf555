import { describe, expect, it } from 'vitest';
import { describeOfferRules } from '../../lib/offers/describe-rules';
import { listInWords, offerCopy, offerMessage } from '../../lib/offers/offer-copy';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';

describe('the offer rules in a shopper\'s words', () => {
  it('names who the current rules target, what they get, and what they must view in which order', () => {
    expect(describeOfferRules(OFFER_RULES)).toEqual({
      audiences: ["Men aged 35 to 45: 20% off men's shoes and jackets", "Women aged 25 to 35: 25% off women's shoes and dresses"],
      steps: ['a clothing item', 'shoes', 'a different clothing item'],
      sequence: 'View a clothing item, then shoes, then a different clothing item within 30 minutes.',
    });
  });

  it('follows a change of rules: another path, another window, a gender without an offer left out, anyone of any age', () => {
    const rules: OfferRules = {
      name: 'books-twice',
      initialState: 'start',
      offerState: 'done',
      windowMinutes: 10,
      transitions: [
        { from: 'start', to: 'one', category: 'books', demographics: [{ gender: 'F', minAge: 18, maxAge: 99 }, { gender: 'M', minAge: 18, maxAge: 99 }] },
        { from: 'one', to: 'one', category: 'games' },
        { from: 'one', to: 'done', category: 'books', product: 'same-as-first' },
      ],
      offerByGender: { F: 'offer9' },
    };
    expect(describeOfferRules(rules)).toEqual({
      audiences: ['Women aged 18 to 99: A special offer on selected items'],
      steps: ['a books item', 'the same books item again'],
      sequence: 'View a books item, then the same books item again within 10 minutes.',
    });
    const open = { ...rules, transitions: rules.transitions.map(({ demographics: _, ...t }) => t) };
    expect(describeOfferRules(open).audiences).toEqual(['Women of any age: A special offer on selected items']);
  });

  it('says nothing to view when the offer cannot be reached', () => {
    expect(describeOfferRules({ ...OFFER_RULES, transitions: OFFER_RULES.transitions.slice(0, 2) })).toMatchObject({ steps: [], sequence: '' });
  });
});

describe('an offer in a shopper\'s words', () => {
  it('names the products looked at, each once, and what the offer gives; never the offer id', () => {
    expect(offerMessage('offer1', ['Orla T-Shirt', 'Vantage Loafers', 'Orla T-Shirt', 'Northwind Skirt'])).toBe(
      "You looked at Orla T-Shirt, Vantage Loafers and Northwind Skirt: 20% off men's shoes and jackets, just for you.",
    );
    expect(offerMessage('offer2', [])).toBe("Thanks for browsing: 25% off women's shoes and dresses, just for you.");
    expect(offerMessage('offer77', ['A'])).not.toContain('offer77');
    expect(offerCopy('offer77')).toEqual({ headline: 'A special offer', subject: 'on selected items', discountPercent: 10, categories: [] });
    expect(offerCopy('offer1')).toEqual({ headline: '20% off', subject: "men's shoes and jackets", discountPercent: 20, categories: ['shoes', 'clothing'] });
    expect([listInWords([]), listInWords(['a']), listInWords(['a', 'b'])]).toEqual(['', 'a', 'a and b']);
  });
});
