import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { currentRuleSet, ruleSetVersions } from '$shared/clients/offer-rules';
import { describeOfferRules } from '$shared/lib/offers/describe-rules';
import { RULES_EDITOR_OPERATOR_ONLY } from '$shared/lib/web/visitor-details';
import { config, temporalClient } from '$lib/server/services';

/** The offer rules editor: the current rule set, in JSON and in words, and every version. */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  if (!locals.operator) error(401, RULES_EDITOR_OPERATOR_ONLY);
  setHeaders({ 'cache-control': 'no-store' });
  try {
    const client = await temporalClient();
    const current = await currentRuleSet(client, config.temporal);
    const versions = current ? await ruleSetVersions(client, config.temporal) : [];
    return { current, versions, words: current ? describeOfferRules(current.rules) : null, error: null };
  } catch (err) {
    return { current: null, versions: [], words: null, error: `Temporal did not answer: ${(err as Error).message}` };
  }
};
