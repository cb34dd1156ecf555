import { json, type RequestHandler } from '@sveltejs/kit';
import { firingAlerts } from '$shared/clients/probes';
import { operatorRefusal } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { config } from '$lib/server/services';

/** GET /api/alerts (operator): the alerts Prometheus has firing, with the reason when it does not answer. */
export const GET: RequestHandler = async ({ locals }) => {
  const refusal = operatorRefusal(locals);
  if (refusal) return refusal;
  return json(await firingAlerts(config), { headers: { 'cache-control': 'no-store' } });
};

export const fallback = methodNotAllowed('GET');
