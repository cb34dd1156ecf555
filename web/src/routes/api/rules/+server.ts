import { json, type RequestHandler } from '@sveltejs/kit';
import { publishRuleSet, rollbackRuleSet } from '$shared/clients/offer-rules';
import { RuleSetRequestError } from '$shared/lib/offers/rule-sets';
import { undefinedOfferReason } from '$shared/lib/offers/rule-validation';
import { MAX_RULES_REQUEST_BYTES, parseRulesPageQuery, parseRulesRequest, RULES_REQUEST_FIELDS } from '$lib/server/rules-request';
import { operatorRefusal } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { forgetRulesPages, rulesOfVersion, rulesPage } from '$lib/server/rule-versions';
import { config, temporalClient } from '$lib/server/services';

/**
 * GET /api/rules[?before=<version>&limit=<n>]: the current rule set and a page of the versions,
 * newest first and without their rules; `next` is the next page's `before` (null at version 1).
 */
export const GET: RequestHandler = async ({ url }) => {
  const request = parseRulesPageQuery(url.searchParams);
  if (!request.ok) return json({ error: request.reason }, { status: 400 });
  try {
    return json(await rulesPage(request.value));
  } catch (err) {
    // Temporal's own words stay in the server's log: the public learns only that it is not answering.
    console.error(`GET /api/rules: ${(err as Error).message}`);
    return json({ error: 'the offer rule sets cannot be read now: try again in a moment' }, { status: 503, headers: { 'retry-after': '5' } });
  }
};

/** PUT /api/rules (operator only) {rules, note} or {rollbackTo, note}: 200 with the new version, 400 naming the first problem. */
export const PUT: RequestHandler = async ({ request, locals }) => {
  const refusal = operatorRefusal(locals);
  if (refusal) return refusal;
  const body = await readJsonObject(request, MAX_RULES_REQUEST_BYTES, RULES_REQUEST_FIELDS);
  if (!body.ok) return body.response;
  const parsed = parseRulesRequest(body.value);
  if (!parsed.ok) return json({ error: parsed.reason }, { status: 400 });
  const { action, ...args } = parsed.value;
  if ('version' in args) {
    // A version from before offers were data may name one without a definition: the shop could not show it.
    const target = await rulesOfVersion(args.version);
    const undefinedOffer = target && undefinedOfferReason(target);
    if (undefinedOffer) return json({ error: `version ${args.version}: ${undefinedOffer}` }, { status: 400 });
  }
  try {
    const client = await temporalClient();
    const published = 'rules' in args ? await publishRuleSet(client, config.temporal, args) : await rollbackRuleSet(client, config.temporal, args);
    forgetRulesPages();
    return json(published);
  } catch (err) {
    if (err instanceof RuleSetRequestError) return json({ error: err.message }, { status: 400 });
    return json({ error: `offer rule sets (${action}): ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('GET', 'PUT');
