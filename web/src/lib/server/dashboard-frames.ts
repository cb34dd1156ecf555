/**
 * The dashboard's event stream in parts: each aggregate panel, the state-machine log and the
 * replay's progress is a part, sent as a frame of its own only when its JSON changed. Frames are
 * serialised once per change and audience (public, operator) and shared by every stream of that
 * audience; a client that lags keeps only the newest frame of each part (`SseOutbox`). A new
 * client first gets the whole feed as one frame. The page applies them with `applyDashboardFrame`
 * (`../dashboard-feed.ts`).
 */
import { AGGREGATES_PREFIX } from '../dashboard-feed';
import type { AggregatePart, Audience, DashboardFeed, DashboardFrame, StoredFeed } from '../feed-types';
import { feedFor } from './public-feed';
import { sseJsonFrame, type SseFrame } from './sse';

/** The frame of `part` whose value is the JSON text `valueJson`; the part is the outbox key. */
const partFrame = (part: DashboardFrame['part'], valueJson: string): SseFrame => sseJsonFrame(part, `{"part":${JSON.stringify(part)},"value":${valueJson}}`);

/** Each part's JSON; the aggregates split by panel unless there are none yet. */
function partsOf(feed: DashboardFeed): Map<DashboardFrame['part'], string> {
  const parts = new Map<DashboardFrame['part'], string>();
  if (feed.aggregates === null) parts.set('aggregates', 'null');
  else for (const [key, value] of Object.entries(feed.aggregates)) parts.set(`${AGGREGATES_PREFIX}${key}` as AggregatePart, JSON.stringify(value));
  parts.set('stateMachineLog', JSON.stringify(feed.stateMachineLog));
  parts.set('replay', JSON.stringify(feed.replay));
  return parts;
}

const sameKeys = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a.keys()].every((k) => b.has(k));

/** Turns each new feed into the frames of what changed since the previous one. */
export class DashboardFrames {
  private feed: DashboardFeed | undefined;
  private parts = new Map<DashboardFrame['part'], string>();
  private whole: SseFrame | undefined;

  /** The frames that bring a client holding the previous feed up to `feed`; none when nothing changed. */
  update(feed: DashboardFeed): SseFrame[] {
    const previous = this.parts;
    const next = partsOf(feed);
    const first = this.feed === undefined;
    this.feed = feed;
    this.parts = next;
    if (first) return [this.current()!];
    const changed = [...next].filter(([part, json]) => previous.get(part) !== json);
    if (changed.length > 0) this.whole = undefined;
    if (!sameKeys(previous, next)) {
      // The aggregates appeared, vanished or changed shape: send them whole, then the rest.
      const rest = changed.filter(([part]) => !part.startsWith(AGGREGATES_PREFIX) && part !== 'aggregates');
      return [partFrame('aggregates', JSON.stringify(feed.aggregates)), ...rest.map(([part, json]) => partFrame(part, json))];
    }
    return changed.map(([part, json]) => partFrame(part, json));
  }

  /** The whole current feed as one frame, for a stream that starts now; undefined before the first feed. */
  current(): SseFrame | undefined {
    if (!this.feed) return undefined;
    this.whole ??= partFrame('feed', JSON.stringify(this.feed));
    return this.whole;
  }
}

/** A `DashboardFrames` per audience that has streams. */
export class AudienceFrames {
  private readonly byAudience = new Map<Audience, DashboardFrames>();

  /**
   * Each watched audience's frames from the previous feed to `stored`. An audience nobody watches
   * is not serialised at all: its frames are dropped, and its next stream starts from a new feed.
   */
  update(stored: StoredFeed, watched: readonly Audience[]): Map<Audience, SseFrame[]> {
    for (const audience of this.byAudience.keys()) if (!watched.includes(audience)) this.byAudience.delete(audience);
    const out = new Map<Audience, SseFrame[]>();
    for (const audience of watched) {
      const frames = this.byAudience.get(audience) ?? new DashboardFrames();
      this.byAudience.set(audience, frames);
      out.set(audience, frames.update(feedFor(stored, audience)));
    }
    return out;
  }

  /** Nobody watches `audience` any more: its feed is dropped, so the next stream starts from a new one, not from what the last viewer saw. */
  forget(audience: Audience): void {
    this.byAudience.delete(audience);
  }

  /** The audience's whole current feed as one frame; undefined until it was watched at an update. */
  current(audience: Audience): SseFrame | undefined {
    return this.byAudience.get(audience)?.current();
  }
}
