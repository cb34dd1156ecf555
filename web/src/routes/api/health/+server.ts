import { json, type RequestHandler } from '@sveltejs/kit';
import { checkHealth, publicHealth } from '$lib/server/health';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * GET /api/health: 200 when everything is up, 503 otherwise. The operator gets what is down and why,
 * with addresses and workers; anyone else what is up, the lags and the refusals.
 */
export const GET: RequestHandler = async ({ locals }) => {
  const health = await checkHealth();
  return json(locals.operator ? health : publicHealth(health), { status: health.up ? 200 : 503, headers: { 'cache-control': 'no-store' } });
};

export const fallback = methodNotAllowed('GET');
