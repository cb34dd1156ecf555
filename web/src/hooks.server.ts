import { json, type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import type { Server } from 'node:http';
import { building } from '$app/environment';
import { cut } from '$lib/server/json-body';
import {
  bearerToken,
  isAllowedHost,
  isForeignOrigin,
  isOperatorCookie,
  isToken,
  OPERATOR_COOKIE,
  VISITOR_COOKIE,
  visitorFromCookie,
} from '$lib/server/access-checks';
import { closeServices, config, dashboardHub, offersHub } from '$lib/server/services';
import { getCatalogue } from '$lib/server/catalogue';
import { closeAllStreams } from '$lib/server/sse-response';
import { issueVisitor, serverSecret } from '$lib/server/access';
import { isPageRoute, OPERATOR_REQUIRED, requiredCaller } from '$lib/server/route-access';
import { credentialRefusal, newVisitorRefusal, wrongCredential } from '$lib/server/limits';
import { countRequest } from '$lib/server/metrics';
import { observe } from '$lib/server/services';
import { activeTraceId, contextOfRequest, inSpan, SpanKind } from '$shared/clients/tracing';
import { logLine, READY_MARK } from '$shared/lib/log-line';

/** Connects once at start; `[ready]` tells the stack scripts and tests the offers consumer listens. */
export const init: ServerInit = async () => {
  if (building) return;
  serverSecret();
  const { products } = getCatalogue();
  const port = process.env.PORT ?? String(config.web.port);
  // Tracing first: the offers consumer's fan-out continues the traces of the offers it reads.
  const metrics = await observe(port);
  await Promise.all([offersHub.start(), dashboardHub.start()]);
  console.log(
    logLine(
      'INFO',
      `${READY_MARK} web on port ${port}: ${products.length} products, offers group ${offersHub.groupId}`,
      { metrics: metrics.address },
      new Date(),
    ),
  );
};

// On SIGTERM/SIGINT adapter-node waits for open connections to end: end the event streams at once.
// Then it emits `sveltekit:shutdown`, and the connections to Kafka, Redis and Temporal close.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, closeAllStreams);
process.on('sveltekit:shutdown', () => void closeServices());

let timeoutsSet = false;
const REQUEST_TIMEOUT_MARGIN_S = 5;
/**
 * adapter-node's server waits 60 s for headers and 300 s for a body by default: long enough for a
 * few slow clients to hold every socket. It has no setting for the body's limit, so the server
 * gets both from the config at its first request (Node reads them at each connection check).
 */
function setTimeouts(platform: App.Platform | undefined): void {
  const server = (platform?.req.socket as { server?: Server } | undefined)?.server;
  if (timeoutsSet || !server) return;
  server.headersTimeout = config.web.headersTimeoutS * 1000;
  // Routes that read a body answer 408 at the limit themselves (read-body.ts); this is the backstop
  // for the rest, a little later so that it never cuts such an answer off.
  server.requestTimeout = (config.web.bodyTimeoutS + REQUEST_TIMEOUT_MARGIN_S) * 1000;
  timeoutsSet = true;
}

const refuse = (status: 401 | 403, error: string) => json({ error }, { status, headers: { 'cache-control': 'no-store' } });

/** Pages (not the API or pictures) give a new visitor their identity. */
const isPage = (routeId: string | null) => routeId !== null && !/^\/(api|images)(\/|$)/.test(routeId);

/** A browser opening a page: it gets the page's own refusal, not a JSON one. Data requests and endpoints get JSON. */
const isPageView = (event: RequestEvent) =>
  event.route.id !== null &&
  isPageRoute(event.route.id) &&
  (event.request.method === 'GET' || event.request.method === 'HEAD') &&
  !event.isDataRequest &&
  (event.request.headers.get('accept') ?? '').includes('text/html');

/** Every request counted by its route id and status, and (tracing on) a span of its own, in which a click's record starts its trace. */
export const handle: Handle = async (input) => {
  const { request, route } = input.event;
  const started = performance.now();
  const name = `${request.method} ${route.id ?? 'unmatched'}`;
  const response = await inSpan(name, SpanKind.SERVER, async () => guarded(input), {
    parent: contextOfRequest(request.headers),
    attributes: { 'http.request.method': request.method, 'http.route': route.id ?? '' },
  });
  countRequest(route.id, request.method, response.status, (performance.now() - started) / 1000);
  return response;
};

const guarded: Handle = async ({ event, resolve }) => {
  setTimeouts(event.platform);
  const { request, url, cookies, locals } = event;
  const host = request.headers.get('host');
  // A DNS-rebinding page reaches this server under its own name: only the names it serves pass.
  if (!isAllowedHost(host, config.web.allowedHosts)) return refuse(403, `host ${cut(host ?? '(none)', 80)} is not served here (WEB_ALLOWED_HOSTS)`);
  if (request.method !== 'GET' && request.method !== 'HEAD' && isForeignOrigin(request.headers.get('origin'), host)) {
    return refuse(403, `requests from another site's page are refused (Origin ${cut(request.headers.get('origin') ?? '', 80)})`);
  }
  const secret = serverSecret();
  const address = (locals.clientAddress = clientAddress(event));
  const bearer = bearerToken(request.headers.get('authorization'));
  const operatorCookie = cookies.get(OPERATOR_COOKIE);
  if (bearer !== null || operatorCookie !== undefined) {
    const throttled = credentialRefusal(address);
    if (throttled) return throttled;
  }
  locals.operator = isToken(secret, bearer) || isOperatorCookie(secret, operatorCookie, Date.now());
  if (!locals.operator && (bearer !== null || operatorCookie !== undefined)) wrongCredential(address);
  locals.visitorId = visitorFromCookie(secret, cookies.get(VISITOR_COOKIE));
  // Decided by the route SvelteKit matched, however the path was spelled; no route: its 404 follows.
  const caller = event.route.id === null ? 'anyone' : requiredCaller(event.route.id, request.method);
  if (caller === 'unlisted') return refuse(403, `route ${event.route.id} has no access rule (route-access.ts): refused to everyone`);
  const refused = caller === 'operator' && !locals.operator;
  if (refused && !isPageView(event)) return refuse(401, OPERATOR_REQUIRED);
  // A shop's page makes a new visitor, not an operator's page (signed out, it only says how to sign
  // in). Past its address's limit of new visitors, a page is served without one (its clicks then
  // need a later visit).
  if (!locals.visitorId && caller !== 'operator' && request.method === 'GET' && isPage(event.route.id) && !newVisitorRefusal(locals.operator, address)) {
    locals.visitorId = issueVisitor(cookies, url);
  }

  let response = await resolve(event);
  // An operator page opened signed out renders its own 401 page (how to sign in); should its load
  // ever forget to refuse, nothing it rendered leaves here.
  if (refused && response.status < 400) response = refuse(401, OPERATOR_REQUIRED);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  // What the operator sees names visitors in full: no cache keeps it.
  if (locals.operator && !response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
  // A request that timed out may still be sending: end the connection once it has the answer.
  if (response.status === 408) response.headers.set('connection', 'close');
  return response;
};

/** The client's address, or undefined when adapter-node has none (the client went, or a socket path without ADDRESS_HEADER). */
function clientAddress(event: RequestEvent): string | undefined {
  try {
    return event.getClientAddress();
  } catch {
    return undefined;
  }
}

/**
 * One short JSON line per server fault, and none for a client's bad request (a malformed URI, a page
 * that does not exist): SvelteKit's own logs a stack for each, which any client could use to fill
 * the disk. The client gets no internals either.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status < 500) return { message };
  const where = event.route.id ?? cut(event.url.pathname, 120);
  const what = error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 3).join(' | ') : String(error);
  const traceId = activeTraceId();
  console.error(logLine('ERROR', `${status} ${event.request.method} ${where}`, { error: cut(what, 500), ...(traceId && { trace_id: traceId }) }, new Date()));
  return { message: 'The server could not answer.' };
};
