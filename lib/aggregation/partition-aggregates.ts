/**
 * The aggregation state of one input partition, kept incrementally and stored as key/value pairs,
 * the form of both the LevelDB store and the compacted changelog topic:
 *
 *   progress                       {nextOffset, streamTime, counted, rejected, late}
 *   minute/<minuteStart>           MinuteSummary: page views, bot clicks, products, categories
 *   visit/<userId>                 the visitor's session that may still go on, compact: [start, last,
 *                                  pages, entry product, exit product, device, country]
 *   page/<productId>               {category, title} of a product a session names, as last seen
 *   sessions/<bucketStart>         SessionSummary of the ended sessions that started in that half hour
 *   visitor/<userId>               the visitor's newest page view, while among the latest visitors
 *   click/<timestamp>/<clickId>    EnrichedClick, while among the latest clicks
 *
 * Every change marks its key; `takeChanges` returns the marked keys' values (null when deleted,
 * a tombstone on the changelog) so one transaction can write exactly what a batch changed.
 *
 * Event time is the partition's newest click (`streamTime`). A click whose minute ended more than
 * the allowed lateness before it is late: counted as such and nowhere else, so no closed window
 * ever changes. Bot clicks count as bot clicks only. A session ends once no click could still come
 * on time to extend it; buckets are evicted once out of the longest window. The merged `asOf` is
 * never older than any partition's stream time, so nothing evicted could fall in a window.
 */
import { BOT_DEVICE, HUMAN_DEVICE_TYPES, isPageView, type EnrichedClick, type HumanDeviceType } from '../schema';
import type { StateChange } from '../state-change';
import type { LastSeenMinute, MinuteSummary, PartitionSnapshot, ProductCount, VisitorSighting } from './partial';
import { newestClickFirst, newestVisitorFirst } from './recency';
import {
  addToSummary,
  copySummary,
  emptySummary,
  extendSession,
  inSession,
  mergeSummaries,
  startSession,
  type OpenSession,
  type PageRef,
  type SessionSummary,
} from './sessions';
import {
  LATEST_VISITORS,
  MINUTE_MS,
  MINUTE_RETENTION,
  OPEN_SESSION_WINDOW,
  RAW_CLICKS,
  SESSION_GAP_MS,
  SESSIONS_WINDOW,
  bucketOf,
  windowStart,
} from './windows';

interface Progress {
  nextOffset: string | null;
  streamTime: number;
  counted: number;
  rejected: number;
  late: number;
}

interface MinuteCounts {
  views: number;
  bots: number;
  products: Map<string, ProductCount>;
  categories: Map<string, number>;
}

/** A visitor's newest click; clickId breaks ties between their clicks of the same millisecond. */
interface Sighting extends VisitorSighting {
  clickId: string;
}

export interface AggregationOptions {
  /** How long after its minute ends a click still counts in the windows. */
  allowedLatenessMs: number;
}

const PROGRESS_KEY = 'progress';
const minuteKey = (minute: number) => `minute/${minute}`;
const visitKey = (userId: string) => `visit/${userId}`;
const pageKey = (productId: string) => `page/${productId}`;

/** How an open session is stored: a visit is written at every page view, so it names products by id only. */
type StoredVisit = [start: number, last: number, pages: number, entry: string, exit: string, device: HumanDeviceType, country: string];
const sessionsKey = (bucket: number) => `sessions/${bucket}`;
const visitorKey = (userId: string) => `visitor/${userId}`;
const clickKey = (click: { timestamp: number; clickId: string }) => `click/${click.timestamp}/${click.clickId}`;
/** Written by versions that counted distinct visitors per half hour: dropped on load. */
const LEGACY_SESSION_KIND = 'session';

/** `kind/rest` → [kind, rest]. Only the first `/` splits: ids may hold `/` themselves. */
function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
}

const zeroDevices = (): Record<HumanDeviceType, number> => Object.fromEntries(HUMAN_DEVICE_TYPES.map((d) => [d, 0])) as Record<HumanDeviceType, number>;

export class PartitionAggregates {
  private progress: Progress = { nextOffset: null, streamTime: 0, counted: 0, rejected: 0, late: 0 };
  private readonly minutes = new Map<number, MinuteCounts>();
  private readonly visits = new Map<string, OpenSession>();
  /** The category and title of every product a session names, shared by its sessions. */
  private readonly pages = new Map<string, PageRef>();
  private readonly ended = new Map<number, SessionSummary>();
  private readonly visitors = new Map<string, Sighting>();
  /** By `clickKey`. */
  private readonly clicks = new Map<string, EnrichedClick>();
  private readonly changed = new Set<string>();

  constructor(private readonly options: AggregationOptions) {}

  /** Rebuilds the state from its key/value pairs, e.g. a LevelDB store after changelog replay. */
  static fromEntries(entries: Iterable<readonly [string, string]>, options: AggregationOptions): PartitionAggregates {
    const state = new PartitionAggregates(options);
    const visits: [string, StoredVisit][] = [];
    for (const [key, value] of entries) {
      if (key.startsWith('visit/')) visits.push([key.slice('visit/'.length), JSON.parse(value) as StoredVisit]);
      else state.load(key, value);
    }
    // After the pages they name, whatever order the entries came in.
    for (const [userId, visit] of visits) state.visits.set(userId, state.sessionOf(visit));
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

  /** Counts a valid click in every aggregate it belongs to, or as late. */
  apply(click: EnrichedClick): void {
    this.progress.counted++;
    this.changed.add(PROGRESS_KEY);
    if (click.timestamp > this.progress.streamTime) {
      const minuteMoved = bucketOf(click.timestamp, MINUTE_MS) > bucketOf(this.progress.streamTime, MINUTE_MS);
      this.progress.streamTime = click.timestamp;
      if (minuteMoved) this.evict();
    }
    // Basket, buy and offer answers are no page views: they move time on and show in the raw feed only.
    if (!isPageView(click)) {
      this.offerClick(click);
      return;
    }
    if (this.isLate(click.timestamp)) {
      this.progress.late++;
      return;
    }
    const minute = this.minuteOf(click.timestamp);
    if (click.deviceType === BOT_DEVICE) {
      minute.bots++;
    } else {
      this.countPageView(minute, click);
      this.countSession(click, click.deviceType);
      this.offerVisitor(click);
    }
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
    const { nextOffset, streamTime, counted, rejected, late } = this.progress;
    return {
      streamTime,
      nextOffset,
      counted,
      rejected,
      late,
      allowedLatenessMs: this.options.allowedLatenessMs,
      minutes: [...this.minutes.keys()].sort((a, b) => a - b).map((m) => this.minuteSummary(m)),
      sessions: this.sessionSummaries(),
      lastSeen: this.lastSeen(),
      latestVisitors: [...this.visitors.values()].sort(newestVisitorFirst).map(({ userId, timestamp, ip, country }) => ({ userId, timestamp, ip, country })),
      rawClicks: [...this.clicks.values()].sort(newestClickFirst),
    };
  }

  /** Whether the click's minute ended more than the allowed lateness before the stream time. */
  private isLate(timestamp: number): boolean {
    return bucketOf(timestamp, MINUTE_MS) + MINUTE_MS + this.options.allowedLatenessMs <= this.progress.streamTime;
  }

  private minuteOf(timestamp: number): MinuteCounts {
    const minute = bucketOf(timestamp, MINUTE_MS);
    let counts = this.minutes.get(minute);
    if (!counts) {
      counts = { views: 0, bots: 0, products: new Map(), categories: new Map() };
      this.minutes.set(minute, counts);
    }
    this.changed.add(minuteKey(minute));
    return counts;
  }

  private countPageView(counts: MinuteCounts, click: EnrichedClick): void {
    counts.views++;
    const product = counts.products.get(click.productId);
    // The product's latest category and title win, as in the merge.
    counts.products.set(click.productId, { productId: click.productId, category: click.category, title: click.title, count: (product?.count ?? 0) + 1 });
    counts.categories.set(click.category, (counts.categories.get(click.category) ?? 0) + 1);
  }

  private countSession(click: EnrichedClick, device: HumanDeviceType): void {
    const page = this.pageOf(click);
    const open = this.visits.get(click.userId);
    if (open && inSession(open, click.timestamp, SESSION_GAP_MS)) {
      extendSession(open, click.timestamp, page, device);
    } else if (open && click.timestamp <= open.start - SESSION_GAP_MS) {
      // Long before the open session, yet on time: a session of its own, over already.
      this.endSession(startSession(click.timestamp, page, device, click.country));
      return;
    } else {
      if (open) this.endSession(open);
      this.visits.set(click.userId, startSession(click.timestamp, page, device, click.country));
    }
    this.changed.add(visitKey(click.userId));
  }

  /**
   * The click's product as sessions name it; a new product, or a new title or category, is stored.
   * A product's sessions share one object, so a new title reaches them all, as it does on restore.
   */
  private pageOf(click: EnrichedClick): PageRef {
    let page = this.pages.get(click.productId);
    if (page && page.category === click.category && page.title === click.title) return page;
    if (page) Object.assign(page, { category: click.category, title: click.title });
    else this.pages.set(click.productId, (page = { productId: click.productId, category: click.category, title: click.title }));
    this.changed.add(pageKey(click.productId));
    return page;
  }

  private sessionOf([start, last, pages, entry, exit, device, country]: StoredVisit): OpenSession {
    const page = (productId: string) => this.pages.get(productId) ?? { productId, category: '', title: '' };
    return { start, last, pages, entry: page(entry), exit: page(exit), device, country };
  }

  /** Folds an ended session into its half hour's summary, if that is still in the window. */
  private endSession(session: OpenSession): void {
    const bucket = bucketOf(session.start, SESSIONS_WINDOW.bucketMs);
    if (bucket < windowStart(SESSIONS_WINDOW, this.progress.streamTime)) return;
    const summary = this.ended.get(bucket) ?? emptySummary(bucket);
    addToSummary(summary, session, true);
    this.ended.set(bucket, summary);
    this.changed.add(sessionsKey(bucket));
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

  /**
   * Drops minutes and half hours out of their windows, and ends the sessions no click can extend
   * any more: one on time is at most a minute plus the allowed lateness older than the stream time.
   */
  private evict(): void {
    const { streamTime } = this.progress;
    const oldestMinute = windowStart(MINUTE_RETENTION, streamTime);
    for (const minute of this.minutes.keys()) {
      if (minute >= oldestMinute) continue;
      this.minutes.delete(minute);
      this.changed.add(minuteKey(minute));
    }
    const endedBefore = streamTime - SESSION_GAP_MS - MINUTE_MS - this.options.allowedLatenessMs;
    for (const [userId, session] of this.visits) {
      if (session.last > endedBefore) continue;
      this.visits.delete(userId);
      this.changed.add(visitKey(userId));
      this.endSession(session);
    }
    const oldestBucket = windowStart(SESSIONS_WINDOW, streamTime);
    for (const bucket of this.ended.keys()) {
      if (bucket >= oldestBucket) continue;
      this.ended.delete(bucket);
      this.changed.add(sessionsKey(bucket));
    }
  }

  /** Ended sessions plus the open ones, per half hour of their start, in the window. */
  private sessionSummaries(): SessionSummary[] {
    const oldestBucket = windowStart(SESSIONS_WINDOW, this.progress.streamTime);
    const open = new Map<number, SessionSummary>();
    for (const session of this.visits.values()) {
      const bucket = bucketOf(session.start, SESSIONS_WINDOW.bucketMs);
      if (bucket < oldestBucket) continue;
      const summary = open.get(bucket) ?? emptySummary(bucket);
      addToSummary(summary, session, false);
      open.set(bucket, summary);
    }
    const buckets = [...new Set([...this.ended.keys(), ...open.keys()])].sort((a, b) => a - b);
    return buckets.map((bucket) => {
      const parts = [this.ended.get(bucket), open.get(bucket)].filter((s): s is SessionSummary => s !== undefined);
      return parts.length === 1 ? copySummary(parts[0]!) : mergeSummaries(bucket, parts);
    });
  }

  /** The open sessions by the minute of their newest page view, over the open-session window. */
  private lastSeen(): LastSeenMinute[] {
    const oldestMinute = windowStart(OPEN_SESSION_WINDOW, this.progress.streamTime);
    const byMinute = new Map<number, Record<HumanDeviceType, number>>();
    for (const session of this.visits.values()) {
      const minute = bucketOf(session.last, MINUTE_MS);
      if (minute < oldestMinute) continue;
      const devices = byMinute.get(minute) ?? zeroDevices();
      devices[session.device]++;
      byMinute.set(minute, devices);
    }
    return [...byMinute].sort(([a], [b]) => a - b).map(([minute, devices]) => ({ minute, devices }));
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
      views: counts.views,
      bots: counts.bots,
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
      case 'visit': {
        const session = this.visits.get(rest);
        if (!session) return null;
        const { start, last, pages, entry, exit, device, country } = session;
        return JSON.stringify([start, last, pages, entry.productId, exit.productId, device, country] satisfies StoredVisit);
      }
      case 'page': {
        const page = this.pages.get(rest);
        return page ? JSON.stringify({ category: page.category, title: page.title }) : null;
      }
      case 'sessions': {
        const summary = this.ended.get(Number(rest));
        return summary ? JSON.stringify(summary) : null;
      }
      case LEGACY_SESSION_KIND:
        return null;
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
      case PROGRESS_KEY: {
        // Older versions kept no late count.
        const { nextOffset, streamTime, counted, rejected, late } = JSON.parse(value) as Omit<Progress, 'late'> & { late?: number };
        this.progress = { nextOffset, streamTime, counted, rejected, late: late ?? 0 };
        return;
      }
      case 'minute': {
        const summary = JSON.parse(value) as MinuteSummary & { visits?: number };
        this.minutes.set(summary.minute, {
          // Older versions counted every click as a visit, bots included.
          views: summary.views ?? summary.visits ?? 0,
          bots: summary.bots ?? 0,
          products: new Map(summary.products.map((p) => [p.productId, p])),
          categories: new Map(summary.categories.map((c) => [c.category, c.count])),
        });
        return;
      }
      case 'page': {
        const { category, title } = JSON.parse(value) as Omit<PageRef, 'productId'>;
        this.pages.set(rest, { productId: rest, category, title });
        return;
      }
      case 'sessions':
        this.ended.set(Number(rest), JSON.parse(value) as SessionSummary);
        return;
      case LEGACY_SESSION_KIND:
        this.changed.add(key);
        return;
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
