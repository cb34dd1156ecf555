import { describe, expect, it } from 'vitest';
import { Backtest, demographicBand } from '../../lib/offers/backtest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { EnrichedClick, Gender } from '../../lib/schema';
import { shoesWithoutClothing } from '../offer-rule-examples';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
let n = 0;
const click = (
  userId: string,
  category: string,
  productId: string,
  minute: number,
  gender: Gender | 'U',
  age: number | null,
  deviceType: EnrichedClick['deviceType'] = 'Desktop',
): EnrichedClick => ({
  clickId: `c${++n}`,
  userId,
  productId,
  category,
  timestamp: T0 + minute * MINUTE,
  gender,
  age,
  deviceType,
  ip: '',
  userAgent: '',
  source: 'replay',
  title: productId,
  birthDate: null,
  country: 'NL',
});

describe('a backtest of a candidate rule set beside the live one', () => {
  it('counts offers per rule set, offer id and demographic, over the same clicks', () => {
    const backtest = new Backtest({ candidate: shoesWithoutClothing(10), live: OFFER_RULES });
    const add = (userId: string, gender: Gender, age: number, steps: [string, string, number][]) => {
      for (const [category, product, minute] of steps) backtest.add(click(userId, category, product, minute, gender, age));
    };
    // Clothing, shoes, clothing: the live rule's offers; the candidate's wait for no clothing ends at the clothing.
    add('ann', 'F', 31, [
      ['clothing', 'A', 0],
      ['shoes', 'S', 1],
      ['clothing', 'B', 2],
    ]);
    add('bob', 'M', 40, [
      ['clothing', 'A', 10],
      ['shoes', 'S', 11],
      ['clothing', 'B', 12],
    ]);
    // Shoes and then nothing for 10 minutes: the candidate's offer, by minute 15, for a woman of 52.
    add('eve', 'F', 52, [['shoes', 'S', 5]]);
    // The same for a man: the candidate has no offer for men.
    add('cid', 'M', 40, [['shoes', 'S', 13]]);
    // Shoes 25 minutes in: the absence is not due by the end of the read.
    add('dee', 'F', 30, [['shoes', 'S', 25]]);
    backtest.add(click('bot', 'shoes', 'S', 3, 'F', 30, 'Bot'));
    // A clothing item put in the basket is no view: eve's wait for no clothing view still passes.
    backtest.add({ ...click('eve', 'clothing', 'B', 6, 'F', 52), kind: 'basket' });

    const report = backtest.report(T0 + 30 * MINUTE);
    expect(report).toMatchObject({ from: T0, to: T0 + 25 * MINUTE, clicks: 9, botClicks: 1, visitors: 5 });
    expect(report.live).toEqual({
      name: OFFER_RULES.name,
      offers: 2,
      visitorsOffered: 2,
      byOfferId: { offer1: 1, offer2: 1 },
      byDemographic: { 'F 30-39': 1, 'M 40-49': 1 },
      suppressed: {},
    });
    expect(report.candidate).toEqual({
      name: 'shoes-without-clothing',
      offers: 1,
      visitorsOffered: 1,
      byOfferId: { 'offer-shoes': 1 },
      byDemographic: { 'F 50-59': 1 },
      suppressed: { 'no-offer-for-gender': 1 },
    });
  });

  it('groups ages by decade and leaves out whom it cannot place', () => {
    expect(demographicBand({ gender: 'F', age: 30 })).toBe('F 30-39');
    expect(demographicBand({ gender: 'M', age: 29 })).toBe('M 20-29');
    expect(demographicBand({ gender: 'U', age: 30 })).toBe('unknown');
    expect(demographicBand({ gender: 'F', age: null })).toBe('unknown');
  });
});
