import { json, type RequestHandler } from '@sveltejs/kit';
import { audienceOf, feedFunnel } from '$shared/lib/web/public-feed';
import { currentFunnel } from '$lib/server/funnel';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/funnel: running visitors per step of the current rules, and the latest near misses (short visitor ids but for the operator). */
export const GET: RequestHandler = async ({ locals }) => {
  try {
    const funnel = await currentFunnel();
    if (!funnel) return json({ error: 'no funnel: OFFER_STATE_SEARCH_ATTRIBUTE is empty, so visitor workflows keep no state to count' }, { status: 404 });
    return json(feedFunnel(funnel, audienceOf(locals.operator)), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return json({ error: `offer funnel: ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('GET');
