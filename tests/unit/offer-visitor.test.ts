import { describe, expect, it } from 'vitest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { BATCHES_PER_RUN, RECENT_CLICKS, SEEN_CLICK_IDS, VisitorOffers } from '../../lib/offers/visitor-offers';
import { parseOffer } from '../../lib/schema';

const T0 = Date.UTC(2026, 0, 1, 12);
const click = (clickId: string, category: string, productId: string): VisitorClick => ({ clickId, productId, category, gender: 'M', age: 40, timestamp: T0 });
const offerSequence = [click('c1', 'clothing', 'A'), click('c2', 'shoes', 'S'), click('c3', 'clothing', 'B')];
const visitor = () => new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });

describe('a visitor\'s offers', () => {
  it('turns a batch into one offer and the transition log lines', () => {
    const v = visitor();
    v.receive(offerSequence);
    const { offers, transitions } = v.processPending();
    expect(offers).toEqual([{ userId: 'U1', offerId: 'offer1', reason: expect.stringContaining('clothes-shoes-clothes'), clickIds: ['c1', 'c2', 'c3'], timestamp: T0 }]);
    expect(parseOffer(JSON.stringify(offers[0]))).toEqual({ ok: true, value: offers[0] });
    expect(transitions.map((t) => t.line)).toEqual([
      'User U1 entered state clothes_visited, clicked A, category clothing',
      'User U1 entered state shoes_visited, clicked S, category shoes',
      'User U1 entered state offer, clicked B, category clothing',
    ]);
    expect(v.view()).toMatchObject({ state: 'init', offersSent: offers, clicksProcessed: 3, duplicatesIgnored: 0 });
  });

  it('drops redelivered clicks by id, so a replayed batch sends no second offer', () => {
    const v = visitor();
    v.receive(offerSequence);
    v.processPending();
    v.receive(offerSequence);
    expect(v.hasPending).toBe(false);
    v.receive([...offerSequence.slice(1), click('c4', 'books', 'K')]);
    expect(v.processPending().offers).toEqual([]);
    expect(v.view()).toMatchObject({ clicksProcessed: 4, duplicatesIgnored: 5 });
  });

  it('remembers a bounded number of click ids and recent clicks', () => {
    const v = visitor();
    const many = Array.from({ length: SEEN_CLICK_IDS + 1 }, (_, i) => click(`m${i}`, 'books', `K${i}`));
    v.receive(many);
    v.processPending();
    expect(v.view().recentClicks).toEqual(many.slice(-RECENT_CLICKS));
    v.receive([many[0]!, many[1]!]); // m0 has been forgotten, m1 not
    expect(v.view().duplicatesIgnored).toBe(1);
    expect(v.continueAsNewInput().carried?.seenClickIds).toHaveLength(SEEN_CLICK_IDS);
  });

  it('carries machine, memory and unprocessed clicks across continue-as-new', () => {
    const v = visitor();
    v.receive(offerSequence.slice(0, 2));
    v.processPending();
    v.receive([offerSequence[2]!]);
    const next = new VisitorOffers(v.continueAsNewInput());
    next.receive(offerSequence); // all seen before the continue-as-new
    expect(next.processPending().offers.map((o) => o.clickIds)).toEqual([['c1', 'c2', 'c3']]);
    expect(next.view()).toMatchObject({ rules: OFFER_RULES.name, clicksProcessed: 3, duplicatesIgnored: 3 });
  });

  it('asks to continue as new after a bounded number of batches', () => {
    const v = visitor();
    for (let i = 0; i < BATCHES_PER_RUN; i++) {
      expect(v.runIsLong).toBe(false);
      v.receive([click(`b${i}`, 'books', `K${i}`)]);
      v.processPending();
    }
    expect(v.runIsLong).toBe(true);
    expect(new VisitorOffers(v.continueAsNewInput()).runIsLong).toBe(false);
  });
});

describe('parseOffer', () => {
  it('names every problem', () => {
    const parsed = parseOffer(JSON.stringify({ userId: 'U1', offerId: '', clickIds: [], timestamp: 0 }));
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/offerId.*reason.*clickIds.*timestamp/) });
  });
});
