import { json, type RequestHandler } from '@sveltejs/kit';
import { audienceOf, feedFunnel } from '$lib/server/public-feed';
import { currentFunnel } from '$lib/server/funnel';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/funnel: running visitors per step of the current rules, and the latest near misses (short visitor ids but for the operator). */
export const GET: RequestHandler = async ({ locals }) => {
  let funnel;
  try {
    funnel = await currentFunnel();
  } catch (err) {
    // The message names the service that failed, Temporal or Redis, and its reason.
    return json({ error: `the offer funnel cannot be read now: ${(err as Error).message}` }, { status: 503, headers: { ...NO_STORE, 'retry-after': '5' } });
  }
  if (!funnel)
    return json({ error: 'no funnel: OFFER_STATE_SEARCH_ATTRIBUTE is none, so visitor workflows keep no state to count' }, { status: 404, headers: NO_STORE });
  return json(feedFunnel(funnel, audienceOf(locals.operator)), { headers: NO_STORE });
};

export const fallback = methodNotAllowed('GET');
