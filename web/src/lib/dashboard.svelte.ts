/**
 * The dashboard's live feed: GET /api/dashboard's server-sent events (the whole feed, then the
 * parts that change), merged into reactive state. It starts from the feed the page was
 * server-rendered with, so the first paint already shows the current figures, and says whether
 * what it shows is live: a refused or dropped stream leaves figures that no longer move.
 */
import { applyDashboardFrame } from '$lib/dashboard-feed';
import type { DashboardFeed, DashboardFrame } from '$lib/feed-types';

/** EventSource retries a dropped stream by itself, but not a refused one (`503`, too many open; `429`, too many from this address). */
export const RETRY_REFUSED_MS = 10_000;

/** `connecting`: not yet open; `live`: open; `dropped`: lost, the browser reconnects by itself; `refused`: the server said no, this retries at `retryAt`. */
export type StreamStatus = { kind: 'connecting' | 'live' } | { kind: 'dropped'; since: number } | { kind: 'refused'; since: number; retryAt: number };

export class DashboardStream {
  // Replaced, never mutated, by each frame: no deep proxy over the feed needed.
  feed = $state.raw<DashboardFeed | null>(null);
  status = $state.raw<StreamStatus>({ kind: 'connecting' });
  /** Wall-clock now, ticking each second while not live, for the retry countdown. */
  now = $state(Date.now());

  constructor(initial: DashboardFeed | null) {
    this.feed = initial;
  }

  get live(): boolean {
    return this.status.kind === 'live';
  }

  open(): () => void {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ticker = setInterval(() => {
      if (!this.live) this.now = Date.now();
    }, 1_000);
    const connect = () => {
      source = new EventSource('/api/dashboard');
      source.onopen = () => (this.status = { kind: 'live' });
      source.onerror = () => {
        const since = this.status.kind === 'dropped' || this.status.kind === 'refused' ? this.status.since : Date.now();
        this.now = Date.now();
        if (source?.readyState === EventSource.CLOSED) {
          this.status = { kind: 'refused', since, retryAt: Date.now() + RETRY_REFUSED_MS };
          retry = setTimeout(connect, RETRY_REFUSED_MS);
        } else {
          this.status = { kind: 'dropped', since };
        }
      };
      source.onmessage = (event: MessageEvent<string>) => (this.feed = applyDashboardFrame(this.feed, JSON.parse(event.data) as DashboardFrame));
    };
    connect();
    return () => {
      clearInterval(ticker);
      clearTimeout(retry);
      source?.close();
    };
  }
}
