import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { describeOfferRules } from '$shared/lib/offers/describe-rules';
import { diffRules } from '$shared/lib/offers/rule-diff';
import { RULES_EDITOR_OPERATOR_ONLY } from '$lib/visitor-page';
import { parseRulesPageQuery } from '$lib/server/rules-request';
import { rulesOfVersion, rulesPage } from '$lib/server/rule-versions';

/**
 * The offer rules editor: the live rule set (in words and as data for the form), and a page of
 * the versions (`?before=`), newest first, each with what it changed from the version before it.
 */
export const load: PageServerLoad = async ({ locals, setHeaders, url }) => {
  if (!locals.operator) error(401, RULES_EDITOR_OPERATOR_ONLY);
  setHeaders({ 'cache-control': 'no-store' });
  const request = parseRulesPageQuery(url.searchParams);
  if (!request.ok) error(400, request.reason);
  try {
    const page = await rulesPage(request.value);
    const current = page.current.version > 0 ? page.current : null;
    // Versions never change once published: each is read once, then kept (rule-versions.ts).
    const versions = await Promise.all(
      page.versions.map(async (v) => {
        const [rules, previous] = await Promise.all([rulesOfVersion(v.version), v.version > 1 ? rulesOfVersion(v.version - 1) : null]);
        return { ...v, changes: rules && previous ? diffRules(previous, rules) : null };
      }),
    );
    return {
      current,
      live: page.current,
      versions,
      next: page.next,
      paged: request.value.before !== undefined,
      words: describeOfferRules(page.current.rules),
      error: null,
    };
  } catch (err) {
    return { current: null, live: null, versions: [], next: null, paged: false, words: null, error: `Temporal did not answer: ${(err as Error).message}` };
  }
};
