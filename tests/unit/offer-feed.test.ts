import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { clickMayMatter, clicksByVisitor } from '../../lib/offers/feed-filter';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import type { EnrichedClick } from '../../lib/schema';

describe('clickMayMatter', () => {
  it.each([
    ['F', 24, false],
    ['F', 25, true],
    ['F', 36, true], // may have turned 36 during a sequence started at 35
    ['F', 37, false],
    ['M', 34, false],
    ['M', 35, true],
    ['M', 46, true],
    ['M', 47, false],
    ['M', 30, false], // the women's range does not count for a man
  ] as const)('%s aged %i: %s', (gender, age, expected) => {
    expect(clickMayMatter(OFFER_RULES, { gender, age })).toBe(expected);
  });

  it('drops visitors of unknown gender or age', () => {
    expect(clickMayMatter(OFFER_RULES, { gender: 'U', age: 30 })).toBe(false);
    expect(clickMayMatter(OFFER_RULES, { gender: 'F', age: null })).toBe(false);
  });

  it('keeps everyone when an entry transition has no demographic condition', () => {
    const rules: OfferRules = { ...OFFER_RULES, transitions: [...OFFER_RULES.transitions, { from: 'init', to: 'shoes_visited', category: 'shoes' }] };
    expect(clickMayMatter(rules, { gender: 'U', age: null })).toBe(true);
  });
});

describe('clicksByVisitor', () => {
  const message = (value: string, offset: number): KafkaMessage =>
    ({ key: null, value: Buffer.from(value), offset: String(offset), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
  const enriched = (clickId: string, userId: string, category: string, gender: EnrichedClick['gender'], age: number | null, deviceType = 'Desktop'): string =>
    JSON.stringify({ clickId, userId, productId: `P-${clickId}`, ip: '', userAgent: '', timestamp: 1, source: 'shop', category, title: 't', gender, birthDate: null, age, country: 'NL', deviceType });

  it('never forwards a bot, whatever demographic its visitor has', () => {
    const { byVisitor, dropped } = clicksByVisitor(
      [message(enriched('1', 'ann', 'clothing', 'F', 30, 'Bot'), 0), message(enriched('2', 'ann', 'shoes', 'F', 30, 'Mobile'), 1)],
      OFFER_RULES,
    );
    expect(byVisitor.get('ann')?.map((c) => c.clickId)).toEqual(['2']);
    expect(dropped).toBe(1);
  });

  it('groups usable clicks per visitor in offset order, keeps other categories, drops visitors no rule can use', () => {
    const { byVisitor, dropped, rejected } = clicksByVisitor(
      [
        message(enriched('1', 'ann', 'clothing', 'F', 30), 0),
        message(enriched('2', 'bob', 'clothing', 'M', 20), 1),
        message(enriched('3', 'ann', 'books', 'F', 30), 2),
        message('not json', 3),
        message(enriched('4', 'cid', 'shoes', 'U', null), 4),
        message(enriched('5', 'ann', 'shoes', 'F', 30), 5),
      ],
      OFFER_RULES,
    );
    expect([...byVisitor.keys()]).toEqual(['ann']);
    expect(byVisitor.get('ann')).toEqual([
      { clickId: '1', productId: 'P-1', category: 'clothing', gender: 'F', age: 30, timestamp: 1 },
      { clickId: '3', productId: 'P-3', category: 'books', gender: 'F', age: 30, timestamp: 1 },
      { clickId: '5', productId: 'P-5', category: 'shoes', gender: 'F', age: 30, timestamp: 1 },
    ]);
    expect(dropped).toBe(2);
    expect(rejected).toEqual([{ offset: '3', reason: expect.stringContaining('invalid JSON') }]);
  });

  it('gives each forwarded visitor\'s first offset, in the order of first clicks', () => {
    const { firstOffsets } = clicksByVisitor(
      [
        message(enriched('1', 'dan', 'clothing', 'M', 40), 10),
        message(enriched('2', 'bob', 'clothing', 'M', 20), 11),
        message(enriched('3', 'eve', 'books', 'F', 30), 12),
        message(enriched('4', 'dan', 'shoes', 'M', 40), 13),
      ],
      OFFER_RULES,
    );
    expect([...firstOffsets]).toEqual([
      ['dan', '10'],
      ['eve', '12'],
    ]);
  });
});
