import { json, type RequestHandler } from '@sveltejs/kit';
import { isVisitorId } from '$shared/lib/web/request-fields';
import { offersHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/offers?userId=...: server-sent events, one `data:` line per offer, as on special-offers. */
export const GET: RequestHandler = ({ url, request }) => {
  const userId = url.searchParams.get('userId')?.trim();
  if (!userId || !isVisitorId(userId)) return json({ error: 'userId query parameter required: 1-128 letters, digits, -, _, . or :' }, { status: 400 });
  return sseResponse(request.signal, (send) => offersHub.subscribe(userId, send));
};

export const fallback = methodNotAllowed('GET');
