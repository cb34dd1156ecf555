import { describe, expect, it } from 'vitest';
import { isHeldOut } from '../../lib/offers/holdout';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { VisitorOffers } from '../../lib/offers/visitor-offers';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const click = (clickId: string, category: string, productId: string, at = T0): VisitorClick => ({
  clickId,
  productId,
  category,
  gender: 'M',
  age: 40,
  timestamp: at,
});
const shopEvent = (clickId: string, kind: NonNullable<VisitorClick['kind']>, offerId?: string): VisitorClick => ({
  ...click(clickId, 'shoes', 'S2'),
  kind,
  ...(offerId ? { offerId } : {}),
});
const offerSequence = [click('c1', 'clothing', 'A'), click('c2', 'shoes', 'S'), click('c3', 'clothing', 'B')];

/** Visitor ids in and out of a 50% holdout of the default rules. */
const withHoldout = { ...OFFER_RULES, holdoutPercent: 50 };
const ids = Array.from({ length: 40 }, (_, i) => `V${i}`);
const heldOutId = ids.find((id) => isHeldOut(id, withHoldout))!;
const offeredId = ids.find((id) => !isHeldOut(id, withHoldout))!;

describe('offers measured', () => {
  it('sends the offer and counts what the visitor did with it', () => {
    const v = new VisitorOffers({ userId: offeredId, rules: withHoldout, idleTimeoutMs: 1_000 });
    v.receive(offerSequence);
    const first = v.processPending();
    expect(first.offers.map((o) => o.offerId)).toEqual(['offer1']);
    expect(first.measures.outcomes).toEqual([{ userId: offeredId, rules: withHoldout.name, offerId: 'offer1', group: 'offered', stage: 'qualified' }]);
    v.receive([shopEvent('e1', 'offer-taken', 'offer1'), shopEvent('e2', 'basket'), shopEvent('e3', 'buy')]);
    const after = v.processPending();
    expect(after.measures.outcomes.map((o) => `${o.group}:${o.stage}`)).toEqual(['offered:taken', 'offered:bought']);
    // Shop events are no page views: the machine did not move, and no transition was logged.
    expect(after.transitions).toEqual([]);
    expect(v.view().state).toBe('init');
  });

  it('holds the offer back from a visitor in the holdout, and says so in the log', () => {
    const v = new VisitorOffers({ userId: heldOutId, rules: withHoldout, idleTimeoutMs: 1_000 });
    v.receive(offerSequence);
    const { offers, transitions, measures } = v.processPending();
    expect(offers).toEqual([]);
    expect(measures.outcomes).toEqual([{ userId: heldOutId, rules: withHoldout.name, offerId: 'offer1', group: 'holdout', stage: 'qualified' }]);
    expect(transitions.at(-1)).toMatchObject({ state: 'offer', heldOut: true, line: expect.stringContaining('50% holdout: no offer sent') });
    v.receive([shopEvent('e1', 'buy')]);
    expect(v.processPending().measures.outcomes.map((o) => `${o.group}:${o.stage}`)).toEqual(['holdout:bought']);
  });

  it('keeps the exposures across continue-as-new', () => {
    const v = new VisitorOffers({ userId: offeredId, rules: withHoldout, idleTimeoutMs: 1_000 });
    v.receive(offerSequence);
    v.processPending();
    const next = new VisitorOffers(v.continueAsNewInput());
    next.receive([shopEvent('e1', 'offer-dismissed', 'offer1')]);
    expect(next.processPending().measures.outcomes.map((o) => o.stage)).toEqual(['dismissed']);
  });
});

describe('near misses', () => {
  it('records a sequence a click ended one step short of the offer', () => {
    const v = new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });
    v.receive([...offerSequence.slice(0, 2), click('c4', 'books', 'K', T0 + MINUTE)]);
    expect(v.processPending().measures.nearMisses).toEqual([
      { userId: 'U1', rules: OFFER_RULES.name, version: 0, state: 'shoes_visited', endedBy: 'click', at: T0 + MINUTE, clickId: 'c4' },
    ]);
  });

  it('records a window that ran out the same way whether a late click or the idle close-out finds it', () => {
    const windowEnd = T0 + OFFER_RULES.windowMinutes * MINUTE;
    const expected = { userId: 'U1', rules: OFFER_RULES.name, version: 0, state: 'shoes_visited', endedBy: 'window', at: windowEnd, clickId: 'c2' };
    const late = new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });
    late.receive([...offerSequence.slice(0, 2), click('c4', 'clothing', 'C', windowEnd + MINUTE)]);
    expect(late.processPending().measures.nearMisses).toEqual([expected]);
    const idle = new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });
    idle.receive(offerSequence.slice(0, 2));
    expect(idle.processPending().measures.nearMisses).toEqual([]);
    expect(idle.closeOut().nearMisses).toEqual([expected]);
  });

  it('is no near miss two steps short, or after the offer', () => {
    const v = new VisitorOffers({ userId: 'U1', rules: OFFER_RULES, idleTimeoutMs: 1_000 });
    v.receive([
      click('c1', 'clothing', 'A'),
      click('c4', 'books', 'K'),
      click('c5', 'clothing', 'A2'),
      click('c6', 'shoes', 'S'),
      click('c7', 'clothing', 'B'),
    ]);
    const { offers, measures } = v.processPending();
    expect(offers.map((o) => o.clickIds)).toEqual([['c5', 'c6', 'c7']]);
    expect(measures.nearMisses).toEqual([]);
    expect(v.closeOut().nearMisses).toEqual([]);
  });
});
