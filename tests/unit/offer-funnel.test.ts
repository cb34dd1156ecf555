import { describe, expect, it } from 'vitest';
import { funnelBase, funnelSteps, newestNearMisses, RUNNING_VISITORS_QUERY, visitorsInStateQuery, type OfferFunnel } from '../../lib/offers/funnel';
import { isOneStepShort, type NearMiss } from '../../lib/offers/near-miss';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import { parseOfferRules } from '../../lib/offers/rule-validation';
import { feedFunnel } from '../../web/src/lib/server/public-feed';
import { shoesWithoutClothing } from '../offer-rule-examples';

const USER = '5F2D1E7A-0000-4000-8000-000000000001';
const miss: NearMiss = { userId: USER, rules: OFFER_RULES.name, version: 1, state: 'shoes_visited', endedBy: 'window', at: 1_000, clickId: 'c2' };

/** Shoes, then either handbags or ten minutes without a click, then shoes again: an absence into a step that is not the offer. */
const HESITANT: OfferRules = {
  name: 'hesitant',
  initialState: 'init',
  offerState: 'offer',
  windowMinutes: 60,
  transitions: [
    { from: 'init', to: 'shoes_visited', category: 'shoes' },
    { from: 'hesitated', to: 'offer', category: 'shoes' },
    { from: 'shoes_visited', to: 'handbags_visited', category: 'handbags' },
    { from: 'handbags_visited', to: 'offer', category: 'shoes' },
  ],
  offerByGender: { F: 'offer-shoes' },
  offers: { 'offer-shoes': { title: 'Take your time', copy: 'Any pair in the shop.', discountPercent: 10, categories: ['shoes'] } },
  absences: [{ from: 'shoes_visited', to: 'hesitated', minutes: 10 }],
};

describe('the offer funnel', () => {
  it('lists the steps a visitor can stand in, nearest the start first, in words', () => {
    expect(funnelSteps(OFFER_RULES)).toEqual([
      { state: 'clothes_visited', step: 1, words: 'viewed clothing' },
      { state: 'shoes_visited', step: 2, words: 'viewed clothing, then shoes' },
    ]);
    // An absence into the offer state adds no step.
    expect(funnelSteps(shoesWithoutClothing(10))).toEqual([{ state: 'shoes_visited', step: 1, words: 'viewed shoes' }]);
  });

  it('counts a state reached by an absence as a step, ties in the order the rules name them', () => {
    expect(parseOfferRules(HESITANT).ok).toBe(true);
    expect(funnelSteps(HESITANT)).toEqual([
      { state: 'shoes_visited', step: 1, words: 'viewed shoes' },
      { state: 'handbags_visited', step: 2, words: 'viewed shoes, then handbags' },
      { state: 'hesitated', step: 2, words: 'viewed shoes, then 10 minutes without a click' },
    ]);
    const withCategory: OfferRules = { ...HESITANT, absences: [{ from: 'shoes_visited', to: 'hesitated', minutes: 5, category: 'clothing' }] };
    expect(funnelSteps(withCategory).at(-1)?.words).toBe('viewed shoes, then 5 minutes without viewing clothing');
  });

  it('queries the running visitor workflows standing in a state, as the Temporal UI takes it', () => {
    expect(RUNNING_VISITORS_QUERY).toBe("WorkflowType = 'visitorOfferWorkflow' AND ExecutionStatus = 'Running'");
    expect(visitorsInStateQuery('OfferState', 'shoes_visited')).toBe(
      "WorkflowType = 'visitorOfferWorkflow' AND ExecutionStatus = 'Running' AND OfferState = 'shoes_visited'",
    );
    // Rule validation allows spaces and hyphens in state names: they stay inside the quoted value.
    expect(visitorsInStateQuery('OfferState', 'two shoes-seen')).toMatch(/ AND OfferState = 'two shoes-seen'$/);
  });

  it('refuses a state or attribute that would break out of the query', () => {
    expect(() => visitorsInStateQuery('OfferState', "x' OR '1'='1")).toThrow(/cannot be queried/);
    expect(() => visitorsInStateQuery('OfferState', 'x" OR "1"="1')).toThrow(/cannot be queried/);
    expect(() => visitorsInStateQuery('OfferState', 'x\\')).toThrow(/cannot be queried/);
    expect(() => visitorsInStateQuery("OfferState = 'a' OR WorkflowId", 'shoes_visited')).toThrow(/search attribute .* cannot be queried/);
  });

  it('calls a sequence one step short where a transition or an absence leads from its state to the offer', () => {
    expect(isOneStepShort(OFFER_RULES, 'shoes_visited')).toBe(true);
    expect(isOneStepShort(OFFER_RULES, 'clothes_visited')).toBe(false);
    expect(isOneStepShort(OFFER_RULES, 'init')).toBe(false);
    expect(isOneStepShort(shoesWithoutClothing(10), 'shoes_visited')).toBe(true);
  });

  it('reads the newest near misses and the newest score from ZREVRANGE WITHSCORES, skipping what it cannot read', () => {
    const older: NearMiss = { ...miss, userId: 'B', at: 500, endedBy: 'click', clickId: 'c9' };
    const reply = ['not json', '2000', JSON.stringify(miss), '1000', JSON.stringify({ userId: 'x' }), '700', JSON.stringify(older), '500'];
    // The unreadable newest member still ends the counting window: it is a near miss all the same.
    expect(newestNearMisses(reply)).toEqual({ newestAt: 2_000, latest: [miss, older] });
    expect(newestNearMisses([])).toEqual({ newestAt: null, latest: [] });
  });

  it('shows the public short visitor ids and no click ids, the operator whole ones', () => {
    const funnel: OfferFunnel = { rules: OFFER_RULES.name, steps: [], running: 3, nearMisses: { windowMinutes: 60, count: 1, latest: [miss] } };
    expect(feedFunnel(funnel, 'public').nearMisses.latest).toEqual([{ ...miss, userId: '5F2D1E7A', clickId: '' }]);
    expect(feedFunnel(funnel, 'operator').nearMisses.latest).toEqual([miss]);
  });
});

describe('the funnel base', () => {
  it('counts the running visitors, those on no step, and the offers sent', () => {
    const steps = funnelSteps(OFFER_RULES).map((s, i) => ({ ...s, visitors: [7, 3][i]! }));
    expect(funnelBase({ running: 25, steps }, 4)).toEqual({ running: 25, atStart: 15, offered: 4 });
    // Counts a moment apart: never a negative number at the start.
    expect(funnelBase({ running: 9, steps }, null)).toEqual({ running: 9, atStart: 0, offered: null });
  });
});
