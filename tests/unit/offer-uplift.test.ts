import { describe, expect, it } from 'vitest';
import { isHeldOut } from '../../lib/offers/holdout';
import { OfferOutcomes, EXPOSURES_KEPT } from '../../lib/offers/offer-outcomes';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { differenceInterval, noCounts, offerUplift, wilsonInterval } from '../../lib/offers/uplift';

describe('the holdout', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `VISITOR-${i}`);

  it("holds out about the rule set's share of visitors, the same ones every time", () => {
    const rules = { ...OFFER_RULES, holdoutPercent: 10 };
    const heldOut = ids.filter((id) => isHeldOut(id, rules));
    expect(heldOut.length).toBeGreaterThan(900);
    expect(heldOut.length).toBeLessThan(1100);
    expect(ids.filter((id) => isHeldOut(id, rules))).toEqual(heldOut);
  });

  it('holds out nobody without a share, and picks other visitors for another rule set', () => {
    expect(ids.some((id) => isHeldOut(id, OFFER_RULES))).toBe(false);
    const a = ids.filter((id) => isHeldOut(id, { name: 'a', holdoutPercent: 10 }));
    const b = new Set(ids.filter((id) => isHeldOut(id, { name: 'b', holdoutPercent: 10 })));
    expect(a.filter((id) => b.has(id)).length).toBeLessThan(a.length / 4);
  });
});

describe("what became of a visitor's offers", () => {
  const offered = { rules: 'r', offerId: 'offer1', group: 'offered' as const, at: 1 };

  it('counts qualifying, taking and buying once per offer', () => {
    const o = new OfferOutcomes('U1');
    expect(o.qualified(offered)).toEqual({ userId: 'U1', rules: 'r', offerId: 'offer1', group: 'offered', stage: 'qualified' });
    expect(o.record({ kind: 'basket' })).toEqual([]);
    expect(o.record({ kind: 'offer-taken', offerId: 'offer1' }).map((x) => x.stage)).toEqual(['taken']);
    expect(o.record({ kind: 'offer-taken', offerId: 'offer1' })).toEqual([]);
    expect(o.record({ kind: 'buy' }).map((x) => x.stage)).toEqual(['bought']);
    expect(o.record({ kind: 'buy' })).toEqual([]);
    expect(o.exposures).toEqual([{ ...offered, answered: 'taken', bought: true }]);
  });

  it('ignores an answer to an offer it did not make, and answers from the holdout', () => {
    const o = new OfferOutcomes('U1');
    expect(o.record({ kind: 'offer-dismissed', offerId: 'offer1' })).toEqual([]);
    o.qualified({ ...offered, group: 'holdout' });
    expect(o.record({ kind: 'offer-taken', offerId: 'offer1' })).toEqual([]);
    expect(o.record({ kind: 'buy' })).toEqual([{ userId: 'U1', rules: 'r', offerId: 'offer1', group: 'holdout', stage: 'bought' }]);
  });

  it('gives a purchase to the newest offer, and keeps a bounded memory across runs', () => {
    const o = new OfferOutcomes('U1');
    for (let i = 0; i < EXPOSURES_KEPT + 2; i++) o.qualified({ ...offered, offerId: `offer${i}`, at: i });
    expect(o.record({ kind: 'buy' })[0]!.offerId).toBe(`offer${EXPOSURES_KEPT + 1}`);
    const next = new OfferOutcomes('U1', o.exposures);
    expect(next.exposures).toHaveLength(EXPOSURES_KEPT);
    expect(next.record({ kind: 'buy' })).toEqual([]);
    expect(next.record({ kind: 'offer-dismissed', offerId: 'offer5' }).map((x) => x.stage)).toEqual(['dismissed']);
  });
});

describe('the uplift and its confidence interval', () => {
  it("matches Wilson's interval and Newcombe's worked example", () => {
    // Newcombe (1998), "Interval estimation for the difference between independent proportions", table II (a), method 10.
    const d = differenceInterval(56, 70, 48, 80);
    expect(d.difference).toBeCloseTo(0.2, 10);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
    // ... and (h): no success in either group still gives an interval around zero.
    const none = differenceInterval(0, 10, 0, 20);
    expect(none.low).toBeCloseTo(-0.1611, 4);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const w = wilsonInterval(0, 10);
    expect(w.low).toBe(0);
    expect(w.high).toBeCloseTo(0.2775, 4);
  });

  it("turns the counters into the panel's row", () => {
    const counts = noCounts();
    counts.offered = { qualified: 90, taken: 30, dismissed: 20, bought: 18 };
    counts.holdout = { qualified: 10, taken: 0, dismissed: 0, bought: 1 };
    const row = offerUplift({ rules: 'r', offerId: 'offer1', counts });
    expect(row).toMatchObject({ qualified: 100, offered: 90, heldOut: 10, taken: 30, dismissed: 20, bought: { offered: 18, heldOut: 1 } });
    expect(row.conversion.offered).toBeCloseTo(0.2, 10);
    expect(row.conversion.heldOut).toBeCloseTo(0.1, 10);
    expect(row.uplift!.difference).toBeCloseTo(0.1, 10);
    expect(row.uplift!.low).toBeLessThan(0);
    expect(row.uplift!.high).toBeGreaterThan(0.2);
  });

  it('has no uplift until both groups have visitors', () => {
    const counts = noCounts();
    counts.offered.qualified = 5;
    counts.offered.bought = 1;
    const row = offerUplift({ rules: 'r', offerId: 'offer1', counts });
    expect(row.conversion).toEqual({ offered: 0.2, heldOut: null });
    expect(row.uplift).toBeNull();
  });
});
