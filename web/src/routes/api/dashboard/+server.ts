import type { RequestHandler } from '@sveltejs/kit';
import { dashboardHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** GET /api/dashboard: server-sent events, a `DashboardFeed` each time aggregates, log or replay change. */
export const GET: RequestHandler = ({ request }) => sseResponse(request.signal, (send) => dashboardHub.subscribe(send));

export const fallback = methodNotAllowed('GET');
