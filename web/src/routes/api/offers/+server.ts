import { json, type RequestHandler } from '@sveltejs/kit';
import { offersVisitor } from '$shared/lib/web/access';
import { offersHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * GET /api/offers: server-sent events, one `data:` line per offer for the browser's own visitor
 * (its cookie), as on special-offers; the operator's token may name any visitor with `?userId=`.
 */
export const GET: RequestHandler = ({ url, request, platform, locals }) => {
  const visitor = offersVisitor(url.searchParams.get('userId'), locals);
  if (!visitor.ok) return json({ error: visitor.message }, { status: visitor.status });
  return sseResponse('offers', { request, platform }, (send) => offersHub.subscribe(visitor.userId, send));
};

export const fallback = methodNotAllowed('GET');
