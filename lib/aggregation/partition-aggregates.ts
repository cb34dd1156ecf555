/**
 * The aggregation state of one input partition, kept incrementally (per-minute and per-30-minute
 * buckets, bounded "latest" lists) and stored as key/value pairs, the form of both the RocksDB
 * store and the compacted changelog topic:
 *
 *   progress                       {nextOffset, streamTime, counted, rejected}
 *   minute/<minuteStart>           MinuteSummary: visits, devices, products, categories
 *   session/<bucketStart>/<userId> "1": the visitor was seen in that 30-minute bucket
 *   visitor/<userId>               the visitor's newest click, while among the latest visitors
 *   click/<timestamp>/<clickId>    EnrichedClick, while among the latest clicks
 *
 * Every change marks its key; `takeChanges` returns the marked keys' values (null when deleted,
 * a tombstone on the changelog) so one transaction can write exactly what a batch changed.
 *
 * Buckets are evicted once out of the longest window as of the partition's own stream time. The
 * merged `asOf` is never older than that, so no evicted bucket (and no click too late to land in
 * a kept bucket) could fall in any window of the dashboard: eviction needs no further slack.
 */
import { DEVICE_TYPES, type DeviceType, type EnrichedClick } from '../schema';
import type { MinuteSummary, PartitionSnapshot, ProductCount, VisitorSighting } from './partial';
import { newestClickFirst, newestVisitorFirst } from './recency';
import { LATEST_VISITORS, MINUTE_MS, MINUTE_RETENTION, RAW_CLICKS, SESSIONS_WINDOW, bucketOf, windowStart } from './windows';

/** The new value of a state key, or null once the key is gone. */
export interface StateChange {
  key: string;
  value: string | null;
}

interface Progress {
  nextOffset: string | null;
  streamTime: number;
  counted: number;
  rejected: number;
}

interface MinuteCounts {
  visits: number;
  devices: Record<DeviceType, number>;
  products: Map<string, ProductCount>;
  categories: Map<string, number>;
}

/** A visitor's newest click; clickId breaks ties between their clicks of the same millisecond. */
interface Sighting extends VisitorSighting {
  clickId: string;
}

const PROGRESS_KEY = 'progress';
const minuteKey = (minute: number) => `minute/${minute}`;
const sessionKey = (bucket: number, userId: string) => `session/${bucket}/${userId}`;
const visitorKey = (userId: string) => `visitor/${userId}`;
const clickKey = (click: { timestamp: number; clickId: string }) => `click/${click.timestamp}/${click.clickId}`;
const SEEN = '1';

/** `kind/rest` → [kind, rest]. Only the first `/` splits: ids may hold `/` themselves. */
function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
}

const zeroDevices = (): Record<DeviceType, number> => Object.fromEntries(DEVICE_TYPES.map((d) => [d, 0])) as Record<DeviceType, number>;

export class PartitionAggregates {
  private progress: Progress = { nextOffset: null, streamTime: 0, counted: 0, rejected: 0 };
  private readonly minutes = new Map<number, MinuteCounts>();
  private readonly sessions = new Map<number, Set<string>>();
  private readonly visitors = new Map<string, Sighting>();
  /** By `clickKey`. */
  private readonly clicks = new Map<string, EnrichedClick>();
  private readonly changed = new Set<string>();

  /** Rebuilds the state from its key/value pairs, e.g. a RocksDB store after changelog replay. */
  static fromEntries(entries: Iterable<readonly [string, string]>): PartitionAggregates {
    const state = new PartitionAggregates();
    for (const [key, value] of entries) state.load(key, value);
    // A store restored from an old checkpoint may hold keys whose deletion compaction has since
    // removed from the changelog: evicting and trimming again drops them (and records the drop).
    state.evict();
    while (state.visitors.size > LATEST_VISITORS) state.forgetVisitor(state.oldestVisitor());
    while (state.clicks.size > RAW_CLICKS) state.forgetClick(state.oldestClick());
    return state;
  }

  get nextOffset(): string | null {
    return this.progress.nextOffset;
  }

  get streamTime(): number {
    return this.progress.streamTime;
  }

  /** Counts a valid click in every aggregate whose window it can still fall in. */
  apply(click: EnrichedClick): void {
    this.progress.counted++;
    this.changed.add(PROGRESS_KEY);
    if (click.timestamp > this.progress.streamTime) {
      const minuteMoved = bucketOf(click.timestamp, MINUTE_MS) > bucketOf(this.progress.streamTime, MINUTE_MS);
      this.progress.streamTime = click.timestamp;
      if (minuteMoved) this.evict();
    }
    this.countMinute(click);
    this.countSession(click);
    this.offerVisitor(click);
    this.offerClick(click);
  }

  /** Counts a message that went to the dead-letter topic. */
  reject(): void {
    this.progress.rejected++;
    this.changed.add(PROGRESS_KEY);
  }

  /** Records that every input offset below `nextOffset` is in the state. */
  advanceTo(nextOffset: string): void {
    this.progress.nextOffset = nextOffset;
    this.changed.add(PROGRESS_KEY);
  }

  /** The changes since the last call, one per key, and forgets them. */
  takeChanges(): StateChange[] {
    const changes = [...this.changed].map((key) => ({ key, value: this.valueOf(key) }));
    this.changed.clear();
    return changes;
  }

  snapshot(): PartitionSnapshot {
    const { nextOffset, streamTime, counted, rejected } = this.progress;
    return {
      streamTime,
      nextOffset,
      counted,
      rejected,
      minutes: [...this.minutes.keys()].sort((a, b) => a - b).map((m) => this.minuteSummary(m)),
      sessions: [...this.sessions].sort(([a], [b]) => a - b).map(([bucket, visitors]) => ({ bucket, sessions: visitors.size })),
      latestVisitors: [...this.visitors.values()].sort(newestVisitorFirst).map(({ userId, timestamp, ip, country }) => ({ userId, timestamp, ip, country })),
      rawClicks: [...this.clicks.values()].sort(newestClickFirst),
    };
  }

  private countMinute(click: EnrichedClick): void {
    const minute = bucketOf(click.timestamp, MINUTE_MS);
    if (minute < windowStart(MINUTE_RETENTION, this.progress.streamTime)) return;
    let counts = this.minutes.get(minute);
    if (!counts) {
      counts = { visits: 0, devices: zeroDevices(), products: new Map(), categories: new Map() };
      this.minutes.set(minute, counts);
    }
    counts.visits++;
    counts.devices[click.deviceType]++;
    const product = counts.products.get(click.productId);
    // The product's latest category and title win, as in the merge.
    counts.products.set(click.productId, { productId: click.productId, category: click.category, title: click.title, count: (product?.count ?? 0) + 1 });
    counts.categories.set(click.category, (counts.categories.get(click.category) ?? 0) + 1);
    this.changed.add(minuteKey(minute));
  }

  private countSession(click: EnrichedClick): void {
    const bucket = bucketOf(click.timestamp, SESSIONS_WINDOW.bucketMs);
    if (bucket < windowStart(SESSIONS_WINDOW, this.progress.streamTime)) return;
    let visitors = this.sessions.get(bucket);
    if (!visitors) {
      visitors = new Set();
      this.sessions.set(bucket, visitors);
    }
    if (visitors.has(click.userId)) return;
    visitors.add(click.userId);
    this.changed.add(sessionKey(bucket, click.userId));
  }

  /**
   * Keeps each visitor's newest click among the latest visitors. A visitor's sighting only ever
   * gets newer, so one that drops out of the top can never belong there again.
   */
  private offerVisitor(click: EnrichedClick): void {
    const sighting: Sighting = { userId: click.userId, timestamp: click.timestamp, ip: click.ip, country: click.country, clickId: click.clickId };
    const current = this.visitors.get(click.userId);
    if (current) {
      if (newestClickFirst(sighting, current) >= 0) return;
    } else if (this.visitors.size >= LATEST_VISITORS) {
      const oldest = this.oldestVisitor();
      if (newestVisitorFirst(sighting, oldest) >= 0) return;
      this.forgetVisitor(oldest);
    }
    this.visitors.set(click.userId, sighting);
    this.changed.add(visitorKey(click.userId));
  }

  private offerClick(click: EnrichedClick): void {
    const key = clickKey(click);
    if (this.clicks.has(key)) return;
    if (this.clicks.size >= RAW_CLICKS) {
      const oldest = this.oldestClick();
      if (newestClickFirst(click, oldest) >= 0) return;
      this.forgetClick(oldest);
    }
    this.clicks.set(key, click);
    this.changed.add(key);
  }

  private evict(): void {
    const oldestMinute = windowStart(MINUTE_RETENTION, this.progress.streamTime);
    for (const minute of this.minutes.keys()) {
      if (minute >= oldestMinute) continue;
      this.minutes.delete(minute);
      this.changed.add(minuteKey(minute));
    }
    const oldestBucket = windowStart(SESSIONS_WINDOW, this.progress.streamTime);
    for (const [bucket, visitors] of this.sessions) {
      if (bucket >= oldestBucket) continue;
      this.sessions.delete(bucket);
      for (const userId of visitors) this.changed.add(sessionKey(bucket, userId));
    }
  }

  private oldestVisitor(): Sighting {
    return [...this.visitors.values()].reduce((a, b) => (newestVisitorFirst(a, b) > 0 ? a : b));
  }

  private forgetVisitor({ userId }: Sighting): void {
    this.visitors.delete(userId);
    this.changed.add(visitorKey(userId));
  }

  private oldestClick(): EnrichedClick {
    return [...this.clicks.values()].reduce((a, b) => (newestClickFirst(a, b) > 0 ? a : b));
  }

  private forgetClick(click: EnrichedClick): void {
    const key = clickKey(click);
    this.clicks.delete(key);
    this.changed.add(key);
  }

  private minuteSummary(minute: number): MinuteSummary {
    const counts = this.minutes.get(minute)!;
    return {
      minute,
      visits: counts.visits,
      devices: { ...counts.devices },
      // Product counts are replaced, never changed in place, so the snapshot may share them.
      products: [...counts.products.values()],
      categories: [...counts.categories].map(([category, count]) => ({ category, count })),
    };
  }

  /** The current value of a key in its stored form, or null when it is gone. */
  private valueOf(key: string): string | null {
    const [kind, rest] = splitKey(key);
    switch (kind) {
      case PROGRESS_KEY:
        return JSON.stringify(this.progress);
      case 'minute':
        return this.minutes.has(Number(rest)) ? JSON.stringify(this.minuteSummary(Number(rest))) : null;
      case 'session': {
        const [bucket, userId] = splitKey(rest);
        return this.sessions.get(Number(bucket))?.has(userId) ? SEEN : null;
      }
      case 'visitor': {
        const sighting = this.visitors.get(rest);
        return sighting ? JSON.stringify(sighting) : null;
      }
      case 'click': {
        const click = this.clicks.get(key);
        return click ? JSON.stringify(click) : null;
      }
      default:
        throw new Error(`unknown state key "${key}"`);
    }
  }

  private load(key: string, value: string): void {
    const [kind, rest] = splitKey(key);
    switch (kind) {
      case PROGRESS_KEY:
        this.progress = JSON.parse(value) as Progress;
        return;
      case 'minute': {
        const summary = JSON.parse(value) as MinuteSummary;
        this.minutes.set(summary.minute, {
          visits: summary.visits,
          devices: { ...zeroDevices(), ...summary.devices },
          products: new Map(summary.products.map((p) => [p.productId, p])),
          categories: new Map(summary.categories.map((c) => [c.category, c.count])),
        });
        return;
      }
      case 'session': {
        const [bucket, userId] = splitKey(rest);
        const visitors = this.sessions.get(Number(bucket)) ?? new Set<string>();
        this.sessions.set(Number(bucket), visitors.add(userId));
        return;
      }
      case 'visitor':
        this.visitors.set(rest, JSON.parse(value) as Sighting);
        return;
      case 'click':
        this.clicks.set(key, JSON.parse(value) as EnrichedClick);
        return;
      default:
        throw new Error(`unknown state key "${key}"`);
    }
  }
}
