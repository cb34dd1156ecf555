import { json, type RequestHandler } from '@sveltejs/kit';
import { offersVisitor } from '$lib/server/access-checks';
import { offersHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * GET /api/offers: server-sent events, one `data:` line per offer for the browser's own visitor
 * (its cookie), as on special-offers; the operator's token may name any visitor with `?userId=`.
 */
export const GET: RequestHandler = (event) => {
  const visitor = offersVisitor(event.url.searchParams.get('userId'), event.locals);
  if (!visitor.ok) return json({ error: visitor.message }, { status: visitor.status });
  return sseResponse('offers', event, (send) => offersHub.subscribe(visitor.userId, send));
};

export const fallback = methodNotAllowed('GET');
