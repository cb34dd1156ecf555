/** The dashboard's live feed: GET /api/dashboard's server-sent events, kept as reactive state. */
import type { DashboardFeed } from '$shared/lib/web/dashboard-feed';

export class DashboardStream {
  feed = $state<DashboardFeed | null>(null);
  connected = $state(false);
  private source: EventSource | undefined;

  open(): () => void {
    const source = new EventSource('/api/dashboard');
    this.source = source;
    source.onopen = () => (this.connected = true);
    source.onerror = () => (this.connected = false);
    source.onmessage = (event: MessageEvent<string>) => (this.feed = JSON.parse(event.data) as DashboardFeed);
    return () => source.close();
  }
}
