import { json, type RequestHandler } from '@sveltejs/kit';
import { offersHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';

/** GET /api/offers?userId=...: server-sent events, one `data:` line per offer, as on special-offers. */
export const GET: RequestHandler = ({ url, request }) => {
  const userId = url.searchParams.get('userId')?.trim();
  if (!userId || userId.length > 512) return json({ error: 'userId query parameter required (at most 512 characters)' }, { status: 400 });
  return sseResponse(request.signal, (send) => offersHub.subscribe(userId, send));
};
