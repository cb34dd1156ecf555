import { json, type RequestHandler } from '@sveltejs/kit';
import { currentUplift } from '$lib/server/uplift';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/uplift: per rule set and offer, visitors qualified, offered, held out, taken, bought, and the uplift with its 95% interval. */
export const GET: RequestHandler = async () => {
  try {
    return json({ offers: await currentUplift() }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return json({ error: `uplift counters: ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('GET');
