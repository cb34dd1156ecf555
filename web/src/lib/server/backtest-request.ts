/** What the rule editor sends to `POST /api/rules/backtest`: a candidate rule set and how many hours of clicks to run it over. */
import { parseOfferRules } from '../../../../lib/offers/rule-validation';
import type { OfferRules } from '../../../../lib/offers/offer-rules';
import type { Parsed } from '../../../../lib/schema';
import { shown } from './json-body';

export const MAX_BACKTEST_HOURS = 7 * 24;
export const BACKTEST_REQUEST_FIELDS = ['rules', 'hours'] as const;

export function parseBacktestRequest(o: Record<string, unknown>): Parsed<{ rules: OfferRules; hours: number }> {
  const hours = o.hours ?? 1;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > MAX_BACKTEST_HOURS)
    return { ok: false, reason: `hours: a whole number from 1 to ${MAX_BACKTEST_HOURS}, got ${shown(hours)}` };
  if (o.rules === undefined) return { ok: false, reason: 'rules: the rule set to backtest' };
  const rules = parseOfferRules(o.rules);
  return rules.ok ? { ok: true, value: { rules: rules.value, hours } } : rules;
}
