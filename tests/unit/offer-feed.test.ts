import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { mayStartSequence, clicksByVisitor } from '../../lib/offers/feed-filter';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import { RunningVisitors } from '../../lib/offers/running-visitors';
import type { EnrichedClick } from '../../lib/schema';

describe('mayStartSequence', () => {
  it.each([
    ['F', 24, false],
    ['F', 25, true],
    ['F', 35, true],
    ['F', 36, false],
    ['M', 34, false],
    ['M', 35, true],
    ['M', 45, true],
    ['M', 46, false],
    ['M', 30, false], // the women's range does not count for a man
  ] as const)('%s aged %i: %s', (gender, age, expected) => {
    expect(mayStartSequence(OFFER_RULES, { gender, age })).toBe(expected);
  });

  it('starts nothing for visitors of unknown gender or age', () => {
    expect(mayStartSequence(OFFER_RULES, { gender: 'U', age: 30 })).toBe(false);
    expect(mayStartSequence(OFFER_RULES, { gender: 'F', age: null })).toBe(false);
  });

  it('keeps everyone when an entry transition has no demographic condition', () => {
    const rules: OfferRules = { ...OFFER_RULES, transitions: [...OFFER_RULES.transitions, { from: 'init', to: 'shoes_visited', category: 'shoes' }] };
    expect(mayStartSequence(rules, { gender: 'U', age: null })).toBe(true);
  });
});

describe('clicksByVisitor', () => {
  const noneRunning = () => false;
  const message = (value: string, offset: number): KafkaMessage =>
    ({ key: null, value: Buffer.from(value), offset: String(offset), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
  const enriched = (clickId: string, userId: string, category: string, gender: EnrichedClick['gender'], age: number | null, deviceType = 'Desktop'): string =>
    JSON.stringify({
      clickId,
      userId,
      productId: `P-${clickId}`,
      ip: '',
      userAgent: '',
      timestamp: 1,
      source: 'shop',
      category,
      title: 't',
      gender,
      birthDate: null,
      age,
      country: 'NL',
      deviceType,
    });

  it('never forwards a bot, whatever demographic its visitor has', () => {
    const { byVisitor, dropped } = clicksByVisitor(
      [message(enriched('1', 'ann', 'clothing', 'F', 30, 'Bot'), 0), message(enriched('2', 'ann', 'shoes', 'F', 30, 'Mobile'), 1)],
      OFFER_RULES,
      noneRunning,
    );
    expect(byVisitor.get('ann')?.clicks.map((c) => c.clickId)).toEqual(['2']);
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
      noneRunning,
    );
    expect([...byVisitor.keys()]).toEqual(['ann']);
    expect(byVisitor.get('ann')?.mayStart).toBe(true);
    expect(byVisitor.get('ann')?.clicks).toEqual([
      { clickId: '1', productId: 'P-1', category: 'clothing', gender: 'F', age: 30, timestamp: 1 },
      { clickId: '3', productId: 'P-3', category: 'books', gender: 'F', age: 30, timestamp: 1 },
      { clickId: '5', productId: 'P-5', category: 'shoes', gender: 'F', age: 30, timestamp: 1 },
    ]);
    expect(dropped).toBe(2);
    expect(rejected).toEqual([{ offset: '3', reason: expect.stringContaining('invalid JSON') }]);
  });

  it("gives each forwarded visitor's first offset, in the order of first clicks", () => {
    const { firstOffsets } = clicksByVisitor(
      [
        message(enriched('1', 'dan', 'clothing', 'M', 40), 10),
        message(enriched('2', 'bob', 'clothing', 'M', 20), 11),
        message(enriched('3', 'eve', 'books', 'F', 30), 12),
        message(enriched('4', 'dan', 'shoes', 'M', 40), 13),
      ],
      OFFER_RULES,
      noneRunning,
    );
    expect([...firstOffsets]).toEqual([
      ['dan', '10'],
      ['eve', '12'],
    ]);
  });

  it('keeps every click of a visitor whose workflow may be running, and of one from a click that may start a sequence on', () => {
    const { byVisitor, dropped } = clicksByVisitor(
      [
        message(enriched('1', 'gil', 'books', 'F', 50), 0), // running: may be mid-sequence
        message(enriched('2', 'hal', 'books', 'M', 20), 1), // not running, starts nothing: left out
        message(enriched('3', 'hal', 'clothing', 'M', 40), 2), // hal's age changed: this one may start
        message(enriched('4', 'hal', 'shoes', 'M', 20), 3), // and so this one may continue it
      ],
      OFFER_RULES,
      (userId) => userId === 'gil',
    );
    expect([...byVisitor].map(([userId, b]) => [userId, b.mayStart, b.clicks.map((c) => c.clickId)])).toEqual([
      ['gil', false, ['1']],
      ['hal', true, ['3', '4']],
    ]);
    expect(dropped).toBe(1);
  });

  it('sends a shop event only to a workflow that may be running, never starting one, with its kind', () => {
    const basket = (id: string, userId: string, extra: Partial<EnrichedClick>) =>
      JSON.stringify({ ...JSON.parse(enriched(id, userId, 'clothing', 'M', 40)), ...extra });
    const { byVisitor, dropped } = clicksByVisitor(
      [
        message(basket('1', 'ivy', { kind: 'buy' }), 0), // not running: nothing to attribute it to
        message(basket('2', 'jon', { kind: 'offer-taken', offerId: 'offer1' }), 1), // running
      ],
      OFFER_RULES,
      (userId) => userId === 'jon',
    );
    expect([...byVisitor]).toEqual([['jon', { mayStart: false, clicks: [expect.objectContaining({ clickId: '2', kind: 'offer-taken', offerId: 'offer1' })] }]]);
    expect(dropped).toBe(1);
  });
});

describe('RunningVisitors', () => {
  const idle = 10 * 60_000;
  // A workflow waits its idle timeout plus up to a fifth more (lib/offers/idle-spread.ts).
  const lifetime = idle * 1.2;

  it('holds a signalled visitor until their workflow must have completed', () => {
    const running = new RunningVisitors(idle);
    running.mark('ann', 0);
    expect(running.has('ann', lifetime - 1)).toBe(true);
    expect(running.has('ann', lifetime)).toBe(false);
    expect(running.has('bob', 0)).toBe(false);
  });

  it('counts from the last signal, and forgets the expired as new visitors come', () => {
    const running = new RunningVisitors(idle);
    running.mark('ann', 0);
    running.mark('bob', 1_000);
    running.mark('ann', 2_000);
    expect(running.has('ann', lifetime + 1_000)).toBe(true);
    running.mark('cid', lifetime + 1_500);
    expect(running.size).toBe(2);
    expect(running.has('bob', lifetime + 1_500)).toBe(false);
  });
});
