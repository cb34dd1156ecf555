import type { RequestHandler } from '@sveltejs/kit';
import { audienceOf } from '$lib/server/public-feed';
import { dashboardHub } from '$lib/server/services';
import { sseResponse } from '$lib/server/sse-response';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * GET /api/dashboard: server-sent events, the whole `DashboardFeed` first, then each part that
 * changes (`DashboardFrame`); the operator's stream names visitors in full, anyone else's by short id.
 */
export const GET: RequestHandler = (event) => sseResponse('dashboard', event, (send) => dashboardHub.subscribe(audienceOf(event.locals.operator), send));

export const fallback = methodNotAllowed('GET');
