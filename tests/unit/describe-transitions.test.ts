import { describe, expect, it } from 'vitest';
import { describeTransition } from '../../lib/offers/describe-transitions';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';

describe('describeTransition', () => {
  it('says what the visitor viewed and how far towards the offer, for the shipped rules', () => {
    expect(describeTransition(OFFER_RULES, { state: 'clothes_visited', category: 'clothing' })).toEqual({
      text: 'viewed clothing (step 1 of 3)',
      kind: 'step',
      step: 1,
      steps: 3,
    });
    expect(describeTransition(OFFER_RULES, { state: 'shoes_visited', category: 'shoes' }).text).toBe('viewed shoes (step 2 of 3)');
    expect(describeTransition(OFFER_RULES, { state: 'offer', category: 'clothing' })).toEqual({
      text: 'viewed a different clothing item: offer',
      kind: 'offer',
      step: 3,
      steps: 3,
    });
    expect(describeTransition(OFFER_RULES, { state: 'offer', category: 'clothing', heldOut: true })).toMatchObject({
      text: 'viewed a different clothing item: qualified, held out (no offer sent)',
      kind: 'held-out',
    });
    expect(describeTransition(OFFER_RULES, { state: 'init', category: 'electronics' })).toMatchObject({
      text: 'viewed electronics: started over',
      kind: 'start-over',
      step: 0,
    });
  });

  it('names the product condition when every transition into the state has it, and follows other rules', () => {
    const rules: OfferRules = {
      name: 'bags-twice',
      initialState: 'start',
      offerState: 'deal',
      windowMinutes: 10,
      transitions: [
        { from: 'start', to: 'bag_seen', category: 'bags' },
        { from: 'bag_seen', to: 'deal', category: 'bags', product: 'same-as-first' },
      ],
      offerByGender: { F: 'offer2' },
    };
    expect(describeTransition(rules, { state: 'bag_seen', category: 'bags' }).text).toBe('viewed bags (step 1 of 2)');
    expect(describeTransition(rules, { state: 'deal', category: 'bags' })).toMatchObject({ text: 'viewed the same bags item again: offer', kind: 'offer' });
    expect(describeTransition(rules, { state: 'gone', category: 'bags' })).toEqual({ text: 'viewed bags', kind: 'step', step: null, steps: 2 });
  });
});
