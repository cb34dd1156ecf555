/**
 * The web server's metrics (lib/metrics.ts names them), served by clients/metrics.ts on its own
 * loopback port, never on the public one: requests by SvelteKit's route id (never the raw path),
 * method and status; their latency; open and refused event streams; each limit's refusals.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { DURATION_BUCKETS, WEB_METRICS as M } from '$shared/lib/metrics';
import { refusals } from './limits';
import { openStreams, type StreamKind } from './sse-response';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const requests = new Counter({
  name: M.requests,
  help: 'Requests answered, by route id (`unmatched` for none), method and status.',
  labelNames: ['route', 'method', 'status'],
});
const requestSeconds = new Histogram({
  name: M.requestSeconds,
  help: "Time to a response's headers, by route id and method (an event stream counts until it opens).",
  labelNames: ['route', 'method'],
  buckets: DURATION_BUCKETS,
});

new Gauge({
  name: M.openStreams,
  help: 'Event streams open now, by kind.',
  labelNames: ['kind'],
  collect() {
    for (const [kind, open] of Object.entries(openStreams())) this.set({ kind }, open);
  },
});

const refusedStreams = new Counter({
  name: M.refusedStreams,
  help: "Event streams refused because their kind's cap was reached (`503`).",
  labelNames: ['kind'],
});

// limits.ts counts each limit's refusals; read at each scrape, never counted twice.
new Counter({
  name: M.refusals,
  help: "Requests a limit refused, by limit (the counts of GET /api/health's web.refusals).",
  labelNames: ['limit'],
  collect() {
    this.reset();
    for (const [limit, count] of Object.entries(refusals())) this.inc({ limit }, count);
  },
});

/** Counts one answered request. */
export function countRequest(routeId: string | null, method: string, status: number, seconds: number): void {
  const labels = { route: routeId ?? 'unmatched', method: METHODS.has(method) ? method : 'other' };
  requests.inc({ ...labels, status: String(status) });
  requestSeconds.observe(labels, seconds);
}

export function countRefusedStream(kind: StreamKind): void {
  refusedStreams.inc({ kind });
}
