import { describe, expect, it } from 'vitest';
import { diffRules, MAX_RULE_CHANGES } from '../../lib/offers/rule-diff';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';

const copy = (): OfferRules => structuredClone(OFFER_RULES);

describe('what changed between two rule sets', () => {
  it('finds nothing between equal sets', () => {
    expect(diffRules(OFFER_RULES, copy())).toEqual({ changes: [], more: 0 });
  });

  it('names each changed field in words with its value before and after', () => {
    const after = copy();
    after.windowMinutes = 20;
    after.transitions[0]!.demographics![1]!.maxAge = 45;
    after.offers!.offer2!.discountPercent = 30;
    after.holdoutPercent = 10;
    expect(diffRules(OFFER_RULES, after).changes).toEqual([
      { kind: 'changed', where: 'window (minutes)', before: '30', after: '20' },
      { kind: 'changed', where: 'steps · step 1 (init → clothes_visited, clothing) · who · group 2 · to age', before: '35', after: '45' },
      { kind: 'changed', where: 'offers · offer offer2 · discount (%)', before: '25', after: '30' },
      { kind: 'added', where: 'holdout (% of visitors)', after: '10' },
    ]);
  });

  it('shows a step put in the middle as one step added, not every later step changed', () => {
    const after = copy();
    after.transitions.splice(1, 0, { from: 'clothes_visited', to: 'clothes_visited', category: 'handbags' });
    expect(diffRules(OFFER_RULES, after).changes).toEqual([
      {
        kind: 'added',
        where: 'steps · step 2 (clothes_visited → clothes_visited, handbags)',
        after: '{"from":"clothes_visited","to":"clothes_visited","category":"handbags"}',
      },
    ]);
    expect(diffRules(after, OFFER_RULES).changes).toEqual([
      { kind: 'removed', where: 'steps · step 2 (clothes_visited → clothes_visited, handbags)', before: expect.any(String) },
    ]);
  });

  it('reads a new offer for women as the id changed and a definition added and removed', () => {
    const after = copy();
    after.offerByGender.F = 'offer3';
    after.offers = { offer1: after.offers!.offer1!, offer3: { title: 'Winter', copy: 'Boots.', discountPercent: 30, categories: ['shoes'] } };
    expect(diffRules(OFFER_RULES, after).changes.map((c) => `${c.kind} ${c.where}`)).toEqual([
      'changed offer by gender · women',
      'removed offers · offer offer2',
      'added offers · offer offer3',
    ]);
  });

  it('counts the changes past those it lists', () => {
    const after = copy();
    after.transitions = Array.from({ length: 60 }, (_, i) => ({ from: 'init', to: `s${i}`, category: 'books' }));
    const { changes, more } = diffRules(OFFER_RULES, after);
    expect(changes).toHaveLength(MAX_RULE_CHANGES);
    expect(changes.length + more).toBeGreaterThan(60);
  });
});
