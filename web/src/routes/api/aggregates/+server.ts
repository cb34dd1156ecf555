import { json, type RequestHandler } from '@sveltejs/kit';
import { DASHBOARD_KEY } from '$shared/lib/redis-keys';
import { redisClient } from '$lib/server/services';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/aggregates: every dashboard aggregate as one JSON object (`DashboardAggregates`). */
export const GET: RequestHandler = async () => {
  let stored: string | null;
  try {
    stored = await redisClient().get(DASHBOARD_KEY);
  } catch (err) {
    return json({ error: `Redis: ${(err as Error).message}` }, { status: 503 });
  }
  if (!stored) return json({ error: 'no aggregates yet: the aggregation workers have not counted a click' }, { status: 404 });
  return new Response(stored, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
};

export const fallback = methodNotAllowed('GET');
