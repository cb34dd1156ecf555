import { describe, expect, it } from 'vitest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { RuleSetRequestError, RuleSets } from '../../lib/offers/rule-sets';

const T0 = Date.UTC(2026, 0, 1, 12);
const shorter = { ...OFFER_RULES, name: 'quick', windowMinutes: 10 };

describe('the published rule sets', () => {
  it('start with the built-in rules as version 1', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    expect(sets.current).toEqual({ version: 1, rules: OFFER_RULES, note: 'built-in default', publishedAt: 0 });
  });

  it('publish validated rules as the next version, and keep every earlier one unchanged', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    const v2 = sets.publish({ rules: shorter, note: ' ten minutes is enough ' }, T0);
    expect(v2).toEqual({ version: 2, rules: shorter, note: 'ten minutes is enough', publishedAt: T0 });
    expect(sets.current.version).toBe(2);
    expect(sets.version(1)?.rules).toEqual(OFFER_RULES);
    expect(sets.version(3)).toBeNull();
    expect(sets.list().map((s) => [s.version, s.name])).toEqual([
      [2, 'quick'],
      [1, OFFER_RULES.name],
    ]);
  });

  it('refuse bad rules and missing notes with the first problem, writing nothing', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    expect(() => sets.publish({ rules: { ...OFFER_RULES, transitions: [] }, note: 'x' }, T0)).toThrow(/transitions: empty/);
    expect(() => sets.publish({ rules: shorter, note: '  ' }, T0)).toThrow(RuleSetRequestError);
    expect(() => sets.publish({ rules: shorter, note: 'n'.repeat(501) }, T0)).toThrow(/at most 500/);
    expect(sets.current.version).toBe(1);
    expect(sets.publishedThisRun).toBe(0);
  });

  it('roll back by publishing an earlier version again, as a new version', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    sets.publish({ rules: shorter, note: 'try' }, T0);
    const v3 = sets.rollback({ version: 1, note: 'back to the original' }, T0 + 1);
    expect(v3).toMatchObject({ version: 3, rules: OFFER_RULES, rollbackOf: 1 });
    expect(() => sets.rollback({ version: 3, note: 'again' }, T0)).toThrow(/is the current version/);
    expect(() => sets.rollback({ version: 9, note: 'nope' }, T0)).toThrow(/no version 9 \(1 to 3\)/);
    expect(() => sets.rollback({ version: 1.5, note: 'nope' }, T0)).toThrow(/no version 1.5/);
  });

  it('carry every version to the next run', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    sets.publish({ rules: shorter, note: 'try' }, T0);
    const next = new RuleSets(sets.carried());
    expect(next.current).toEqual(sets.current);
    expect(next.list()).toEqual(sets.list());
    expect(next.publishedThisRun).toBe(0);
  });
});
