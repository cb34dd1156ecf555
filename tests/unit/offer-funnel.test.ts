import { describe, expect, it } from 'vitest';
import { funnelSteps, stepWords, visitorsQuery, type OfferFunnel } from '../../lib/offers/funnel';
import { isOneStepShort, parseNearMisses, type NearMiss } from '../../lib/offers/near-miss';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { feedFunnel } from '../../lib/web/public-feed';
import { shoesWithoutClothing } from '../offer-rule-examples';

const USER = '5F2D1E7A-0000-4000-8000-000000000001';
const miss: NearMiss = { userId: USER, rules: OFFER_RULES.name, version: 1, state: 'shoes_visited', endedBy: 'window', at: 1_000, clickId: 'c2' };

describe('the offer funnel', () => {
  it('lists the steps a visitor can stand in, nearest the start first, in words', () => {
    expect(funnelSteps(OFFER_RULES)).toEqual([
      { state: 'clothes_visited', step: 1 },
      { state: 'shoes_visited', step: 2 },
    ]);
    expect(stepWords(OFFER_RULES, 'shoes_visited')).toBe('viewed clothing, then shoes');
    expect(funnelSteps(shoesWithoutClothing(10))).toEqual([{ state: 'shoes_visited', step: 1 }]);
  });

  it('queries the running visitor workflows standing in a state, as the Temporal UI takes it', () => {
    expect(visitorsQuery()).toBe("WorkflowType = 'visitorOfferWorkflow' AND ExecutionStatus = 'Running'");
    expect(visitorsQuery('OfferState', 'shoes_visited')).toBe("WorkflowType = 'visitorOfferWorkflow' AND ExecutionStatus = 'Running' AND OfferState = 'shoes_visited'");
    expect(() => visitorsQuery('OfferState', "x' OR '1'='1")).toThrow(/cannot be queried/);
  });

  it('calls a sequence one step short where a transition or an absence leads from its state to the offer', () => {
    expect(isOneStepShort(OFFER_RULES, 'shoes_visited')).toBe(true);
    expect(isOneStepShort(OFFER_RULES, 'clothes_visited')).toBe(false);
    expect(isOneStepShort(OFFER_RULES, 'init')).toBe(false);
    expect(isOneStepShort(shoesWithoutClothing(10), 'shoes_visited')).toBe(true);
  });

  it('reads near misses back, skipping what it cannot read', () => {
    expect(parseNearMisses([JSON.stringify(miss), 'not json', JSON.stringify({ userId: 'x' })])).toEqual([miss]);
  });

  it('shows the public short visitor ids and no click ids, the operator whole ones', () => {
    const funnel: OfferFunnel = { rules: OFFER_RULES.name, steps: [], running: 3, nearMisses: { windowMinutes: 60, count: 1, latest: [miss] } };
    expect(feedFunnel(funnel, 'public').nearMisses.latest).toEqual([{ ...miss, userId: '5F2D1E7A', clickId: '' }]);
    expect(feedFunnel(funnel, 'operator').nearMisses.latest).toEqual([miss]);
  });
});
