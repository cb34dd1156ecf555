import { describe, expect, it } from 'vitest';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { BATCHES_PER_RUN, RECENT_CLICKS, SEEN_CLICK_IDS, VisitorOffers } from '../../lib/offers/visitor-offers';
import { parseOffer } from '../../lib/schema';
import { booksThenGames } from '../offer-rule-examples';

const T0 = Date.UTC(2026, 0, 1, 12);
const click = (clickId: string, category: string, productId: string): VisitorClick => ({ clickId, productId, category, gender: 'M', age: 40, timestamp: T0 });
const offerSequence = [click('c1', 'clothing', 'A'), click('c2', 'shoes', 'S'), click('c3', 'clothing', 'B')];
const visitor = () => new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });

describe("a visitor's offers", () => {
  it('turns a batch into one offer and the transition log lines', () => {
    const v = visitor();
    v.receive(offerSequence);
    const { offers, transitions } = v.processPending();
    expect(offers).toEqual([
      {
        userId: 'U1',
        offerId: 'offer1',
        reason: expect.stringContaining('clothes-shoes-clothes'),
        clickIds: ['c1', 'c2', 'c3'],
        timestamp: T0,
        rules: { name: 'clothes-shoes-clothes', version: 0 },
        steps: offerSequence.map((c, i) => ({
          state: ['clothes_visited', 'shoes_visited', 'offer'][i],
          at: T0,
          clickId: c.clickId,
          productId: c.productId,
          category: c.category,
        })),
      },
    ]);
    // The reason says in words which click took which step.
    expect(offers[0]!.reason).toContain('clicked A (clothing) → clothes_visited, clicked S (shoes) → shoes_visited, clicked B (clothing) → offer');
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

describe('a visitor moving to a newer rule set', () => {
  const published = (version: number, rules: OfferRules): RuleSetVersion => ({ version, rules, note: 'test', publishedAt: T0 });
  /** The default with its offers renamed and a window of 10 minutes. */
  const renamed: OfferRules = { ...OFFER_RULES, name: 'renamed', windowMinutes: 10, offerByGender: { M: 'offer-m', F: 'offer-f' } };
  /** Books then games: none of the default's states but init. */
  const booksOnly = booksThenGames();

  it('asks for a version newer than its own that a signal names, and not for its own or older', () => {
    const v = new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, rulesVersion: 2, idleTimeoutMs: 1_000 });
    v.receive([offerSequence[0]!], 2);
    expect(v.rulesToLoad).toBeNull();
    v.receive([offerSequence[1]!], 1);
    expect(v.rulesToLoad).toBeNull();
    v.receive([offerSequence[2]!], 3);
    expect(v.rulesToLoad).toBe(3);
  });

  it('keeps a sequence in progress where the new rules have its state, and its offers carry the new version', () => {
    const v = visitor();
    v.receive(offerSequence.slice(0, 2));
    v.processPending();
    v.receive([offerSequence[2]!], 4);
    v.adopt(4, published(4, renamed));
    expect(v.rulesToLoad).toBeNull();
    const { offers } = v.processPending();
    expect(offers.map((o) => [o.offerId, o.rules])).toEqual([['offer-m', { name: 'renamed', version: 4 }]]);
    expect(v.view()).toMatchObject({ rules: 'renamed', rulesVersion: 4 });
  });

  it('starts over where the new rules do not have the state of the sequence in progress', () => {
    const v = visitor();
    v.receive(offerSequence.slice(0, 2));
    v.processPending();
    expect(v.view().state).toBe('shoes_visited');
    v.adopt(2, published(2, booksOnly));
    expect(v.view()).toMatchObject({ state: 'init', sequenceStartedAt: null, rulesVersion: 2 });
    v.receive([click('c4', 'books', 'K'), click('c5', 'games', 'G')], 2);
    expect(v.processPending().offers.map((o) => o.offerId)).toEqual(['offer-games']);
  });

  it('stays on its rules when the version cannot be found, and carries the adopted ones across continue-as-new', () => {
    const v = visitor();
    v.receive([offerSequence[0]!], 5);
    v.adopt(5, null);
    expect(v.rulesToLoad).toBeNull();
    expect(v.view().rulesVersion).toBe(0);
    v.adopt(6, published(6, renamed));
    const next = v.continueAsNewInput();
    expect(next).toMatchObject({ rules: renamed, rulesVersion: 6 });
    expect(new VisitorOffers(next).view()).toMatchObject({ rules: 'renamed', rulesVersion: 6 });
  });
});

describe('parseOffer', () => {
  it('names every problem', () => {
    const parsed = parseOffer(JSON.stringify({ userId: 'U1', offerId: '', clickIds: [], timestamp: 0 }));
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/offerId.*reason.*clickIds.*timestamp/) });
  });
});
