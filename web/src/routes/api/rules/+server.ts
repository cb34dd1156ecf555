import { json, type RequestHandler } from '@sveltejs/kit';
import { currentRuleSet, publishRuleSet, rollbackRuleSet, ruleSetVersions } from '$shared/clients/offer-rules';
import { OFFER_RULES } from '$shared/lib/offers/offer-rules';
import { RuleSetRequestError, type RuleSetVersion } from '$shared/lib/offers/rule-sets';
import { MAX_RULES_REQUEST_BYTES, parseRulesRequest, RULES_REQUEST_FIELDS } from '$shared/lib/web/rules-request';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { config, temporalClient } from '$lib/server/services';

/** Before the first start of the rule-sets workflow, the feed runs its built-in rules: say so. */
const BUILT_IN: RuleSetVersion = { version: 0, rules: OFFER_RULES, note: 'built-in rules: no rule set published yet', publishedAt: 0 };

/** GET /api/rules: the current rule set and every version (newest first, without their rules). */
export const GET: RequestHandler = async () => {
  try {
    const client = await temporalClient();
    const current = await currentRuleSet(client, config.temporal);
    return json({ current: current ?? BUILT_IN, versions: current ? await ruleSetVersions(client, config.temporal) : [] });
  } catch (err) {
    return json({ error: `offer rule sets: ${(err as Error).message}` }, { status: 503 });
  }
};

/** PUT /api/rules (operator only) {rules, note} or {rollbackTo, note}: 200 with the new version, 400 naming the first problem. */
export const PUT: RequestHandler = async ({ request }) => {
  const body = await readJsonObject(request, MAX_RULES_REQUEST_BYTES, RULES_REQUEST_FIELDS);
  if (!body.ok) return body.response;
  const parsed = parseRulesRequest(body.value);
  if (!parsed.ok) return json({ error: parsed.reason }, { status: 400 });
  const { action, ...args } = parsed.value;
  try {
    const client = await temporalClient();
    const published = 'rules' in args ? await publishRuleSet(client, config.temporal, args) : await rollbackRuleSet(client, config.temporal, args);
    return json(published);
  } catch (err) {
    if (err instanceof RuleSetRequestError) return json({ error: err.message }, { status: 400 });
    return json({ error: `offer rule sets (${action}): ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('GET', 'PUT');
