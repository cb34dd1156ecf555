import { json, type RequestHandler } from '@sveltejs/kit';
import { checkHealth } from '$lib/server/health';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/health: 200 when everything is up, 503 otherwise; the body says what and why. */
export const GET: RequestHandler = async () => {
  const health = await checkHealth();
  return json(health, { status: health.up ? 200 : 503, headers: { 'cache-control': 'no-store' } });
};

export const fallback = methodNotAllowed('GET');
