/**
 * The dashboard's live feed: GET /api/dashboard's server-sent events (the whole feed, then the
 * parts that change), merged into reactive state. It starts from the feed the page was
 * server-rendered with, so the first paint already shows the current figures.
 */
import type { DashboardFeed } from '$shared/lib/web/dashboard-feed';
import { applyDashboardFrame, type DashboardFrame } from '$shared/lib/web/dashboard-frames';

/** EventSource retries a dropped stream by itself, but not a refused one (e.g. `503`, too many open). */
const RETRY_REFUSED_MS = 10_000;

export class DashboardStream {
  // Replaced, never mutated, by each frame: no deep proxy over the feed needed.
  feed = $state.raw<DashboardFeed | null>(null);
  connected = $state(false);

  constructor(initial: DashboardFeed | null) {
    this.feed = initial;
  }

  open(): () => void {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      source = new EventSource('/api/dashboard');
      source.onopen = () => (this.connected = true);
      source.onerror = () => {
        this.connected = false;
        if (source?.readyState === EventSource.CLOSED) retry = setTimeout(connect, RETRY_REFUSED_MS);
      };
      source.onmessage = (event: MessageEvent<string>) => (this.feed = applyDashboardFrame(this.feed, JSON.parse(event.data) as DashboardFrame));
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }
}
