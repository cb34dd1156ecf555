import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { describeOfferRules } from '$shared/lib/offers/describe-rules';
import { RULES_EDITOR_OPERATOR_ONLY } from '$shared/lib/web/visitor-details';
import { parseRulesPageQuery } from '$shared/lib/web/rules-request';
import { rulesPage } from '$lib/server/rule-versions';

/** The offer rules editor: the current rule set, in JSON and in words, and a page of the versions (`?before=`). */
export const load: PageServerLoad = async ({ locals, setHeaders, url }) => {
  if (!locals.operator) error(401, RULES_EDITOR_OPERATOR_ONLY);
  setHeaders({ 'cache-control': 'no-store' });
  const request = parseRulesPageQuery(url.searchParams);
  if (!request.ok) error(400, request.reason);
  try {
    const page = await rulesPage(request.value);
    const current = page.current.version > 0 ? page.current : null;
    return { current, versions: page.versions, next: page.next, paged: request.value.before !== undefined, words: current ? describeOfferRules(current.rules) : null, error: null };
  } catch (err) {
    return { current: null, versions: [], next: null, paged: false, words: null, error: `Temporal did not answer: ${(err as Error).message}` };
  }
};
