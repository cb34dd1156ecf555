/** What the rule editor sends to `PUT /api/rules`: a new rule set, or a rollback to an earlier version. */
import { parseOfferRules } from '../../../../lib/offers/rule-validation';
import { MAX_RULE_VERSIONS_PAGE, type PublishRequest, type RollbackRequest, type RuleVersionsPageRequest } from '../../../../lib/offers/rule-sets';
import type { Parsed } from '../../../../lib/schema';
import { shown } from './json-body';

export type RulesRequest = ({ action: 'publish' } & PublishRequest) | ({ action: 'rollback' } & RollbackRequest);

/** A rule set is a few kilobytes; a hundred transitions fit well within this. */
export const MAX_RULES_REQUEST_BYTES = 64 * 1024;
export const RULES_REQUEST_FIELDS = ['rules', 'rollbackTo', 'note'] as const;

/** `{rules, note}` publishes, `{rollbackTo, note}` rolls back; the rules are checked here already, so a bad set costs no round trip. */
export function parseRulesRequest(o: Record<string, unknown>): Parsed<RulesRequest> {
  if (typeof o.note !== 'string' || o.note.trim() === '') return { ok: false, reason: 'note: say in a few words why this version' };
  const note = o.note;
  if (o.rules !== undefined && o.rollbackTo !== undefined) return { ok: false, reason: 'send rules or rollbackTo, not both' };
  if (o.rollbackTo !== undefined) {
    if (!Number.isInteger(o.rollbackTo) || (o.rollbackTo as number) < 1)
      return { ok: false, reason: `rollbackTo: a version number, got ${shown(o.rollbackTo)}` };
    return { ok: true, value: { action: 'rollback', version: o.rollbackTo as number, note } };
  }
  if (o.rules === undefined) return { ok: false, reason: 'rules: the rule set to publish (or rollbackTo: an earlier version)' };
  const rules = parseOfferRules(o.rules);
  if (!rules.ok) return { ok: false, reason: rules.reason };
  return { ok: true, value: { action: 'publish', rules: rules.value, note } };
}

/** Versions `GET /api/rules` lists when the query names no `limit`. */
export const RULE_VERSIONS_PAGE_DEFAULT = 20;

/** `GET /api/rules?before=<version>&limit=<n>`: a page of the version list, newest first. */
export function parseRulesPageQuery(query: URLSearchParams): Parsed<RuleVersionsPageRequest> {
  const whole = (name: string, min: number, max: number): number | string | undefined => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const n = Number(raw);
    return /^\d{1,9}$/.test(raw) && n >= min && n <= max ? n : `${name}: a whole number from ${min} to ${max}, got ${shown(raw)}`;
  };
  const before = whole('before', 1, 1e9);
  const limit = whole('limit', 1, MAX_RULE_VERSIONS_PAGE) ?? RULE_VERSIONS_PAGE_DEFAULT;
  if (typeof before === 'string') return { ok: false, reason: before };
  if (typeof limit === 'string') return { ok: false, reason: limit };
  return { ok: true, value: before === undefined ? { limit } : { before, limit } };
}
