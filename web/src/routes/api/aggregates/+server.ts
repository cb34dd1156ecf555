import { json, type RequestHandler } from '@sveltejs/kit';
import { DASHBOARD_KEY, type DashboardAggregates } from '$shared/lib/redis-keys';
import { audienceOf, feedAggregates } from '$lib/server/public-feed';
import { redisClient } from '$lib/server/services';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/aggregates: every dashboard aggregate as one JSON object (`PublicAggregates`: no IPs; short visitor ids but for the operator). */
export const GET: RequestHandler = async ({ locals }) => {
  let stored: string | null;
  try {
    stored = await redisClient().get(DASHBOARD_KEY);
  } catch (err) {
    return json({ error: `Redis: ${(err as Error).message}` }, { status: 503 });
  }
  if (!stored) return json({ error: 'no aggregates yet: the aggregation workers have not counted a click' }, { status: 404 });
  return json(feedAggregates(JSON.parse(stored) as DashboardAggregates, audienceOf(locals.operator)), { headers: { 'cache-control': 'no-store' } });
};

export const fallback = methodNotAllowed('GET');
