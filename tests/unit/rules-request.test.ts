import { describe, expect, it } from 'vitest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { requiredCaller } from '../../web/src/lib/server/route-access';
import { parseBacktestRequest } from '../../web/src/lib/server/backtest-request';
import { parseRulesRequest } from '../../web/src/lib/server/rules-request';

describe('PUT /api/rules requests', () => {
  it('publish a valid rule set with a note', () => {
    expect(parseRulesRequest({ rules: OFFER_RULES, note: 'why' })).toEqual({ ok: true, value: { action: 'publish', rules: OFFER_RULES, note: 'why' } });
  });

  it('roll back to a version number', () => {
    expect(parseRulesRequest({ rollbackTo: 2, note: 'back' })).toEqual({ ok: true, value: { action: 'rollback', version: 2, note: 'back' } });
  });

  it.each([
    [{ rules: OFFER_RULES }, 'note: say in a few words'],
    [{ rules: OFFER_RULES, note: '   ' }, 'note: say in a few words'],
    [{ note: 'x' }, 'rules: the rule set to publish'],
    [{ rules: OFFER_RULES, rollbackTo: 1, note: 'x' }, 'not both'],
    [{ rollbackTo: 0, note: 'x' }, 'rollbackTo: a version number, got 0'],
    [{ rollbackTo: '2', note: 'x' }, 'rollbackTo: a version number, got "2"'],
    [{ rules: { ...OFFER_RULES, windowMinutes: 0 }, note: 'x' }, 'windowMinutes'],
  ])('refuse %j naming the problem', (body, reason) => {
    const parsed = parseRulesRequest(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('need the operator to publish, not to read', () => {
    expect(requiredCaller('/api/rules', 'PUT')).toBe('operator');
    expect(requiredCaller('/api/rules', 'GET')).toBe('anyone');
  });
});

describe('POST /api/rules/backtest requests', () => {
  it('take a rule set and hours, an hour by default', () => {
    expect(parseBacktestRequest({ rules: OFFER_RULES, hours: 6 })).toEqual({ ok: true, value: { rules: OFFER_RULES, hours: 6 } });
    expect(parseBacktestRequest({ rules: OFFER_RULES })).toEqual({ ok: true, value: { rules: OFFER_RULES, hours: 1 } });
  });

  it.each([
    [{ rules: OFFER_RULES, hours: 0 }, 'hours: a whole number from 1 to 168, got 0'],
    [{ rules: OFFER_RULES, hours: 169 }, 'got 169'],
    [{ rules: OFFER_RULES, hours: 1.5 }, 'got 1.5'],
    [{ hours: 2 }, 'rules: the rule set to backtest'],
    [{ rules: { ...OFFER_RULES, transitions: [] } }, 'transitions: empty'],
  ])('refuse %j naming the problem', (body, reason) => {
    const parsed = parseBacktestRequest(body);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('need the operator', () => {
    expect(requiredCaller('/api/rules/backtest', 'POST')).toBe('operator');
  });
});
