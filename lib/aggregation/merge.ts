import type { DashboardAggregates, ProductCount } from '../redis-keys';
import { HUMAN_DEVICE_TYPES, type HumanDeviceType } from '../schema';
import type { LastSeenMinute, MinuteSummary, PartitionSnapshot } from './partial';
import { newestClickFirst, newestVisitorFirst } from './recency';
import { medianDurationMs, mergeSummaries } from './sessions';
import {
  ACTIVE_WINDOW,
  LATEST_VISITORS,
  MINUTE_MS,
  OPEN_SESSION_WINDOW,
  PAGE_VIEWS_WINDOW,
  PRODUCTS_WINDOW,
  RAW_CLICKS,
  SESSIONS_WINDOW,
  TOP_ENTRIES,
  TOP_PRODUCTS,
  bucketOf,
  inWindow,
  windowBuckets,
  type Window,
} from './windows';

/** Largest count first; ties in name order, so the lists do not flicker. */
function mostFirst<T extends { count: number }>(name: (item: T) => string) {
  return (a: T, b: T) => b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/**
 * The dashboard from every partition's snapshot: `asOf` is the newest stream time of them all,
 * and each window is cut at it. Series are zero-filled, oldest first; with no click at all yet,
 * `asOf` is 0, every list is empty and every figure 0.
 */
export function mergePartials(partials: readonly PartitionSnapshot[]): DashboardAggregates {
  const asOf = partials.reduce((max, p) => Math.max(max, p.streamTime), 0);
  const minutes = partials.flatMap((p) => p.minutes).sort((a, b) => a.minute - b.minute);
  const within = <T>(window: Window, items: readonly T[], start: (item: T) => number) =>
    asOf === 0 ? [] : items.filter((m) => inWindow(window, asOf, start(m)));
  const minutesIn = (window: Window) => within(window, minutes, (m) => m.minute);
  const series = (window: Window) => (asOf === 0 ? [] : windowBuckets(window, asOf));
  const lastSeen = partials.flatMap((p) => p.lastSeen);

  const viewsByMinute = sumBy(minutesIn(PAGE_VIEWS_WINDOW), (m) => [[m.minute, m.views]]);
  const views = [...viewsByMinute.values()].reduce((a, b) => a + b, 0);
  const bots = minutesIn(PAGE_VIEWS_WINDOW).reduce((n, m) => n + m.bots, 0);
  const devices = sumBy(
    within(ACTIVE_WINDOW, lastSeen, (m) => m.minute),
    (m) => Object.entries(m.devices) as [HumanDeviceType, number][],
  );
  const active = [...devices.values()].reduce((a, b) => a + b, 0);
  const categories = sumBy(minutesIn(PRODUCTS_WINDOW), (m) => m.categories.map((c) => [c.category, c.count]));

  const summaries = within(
    SESSIONS_WINDOW,
    partials.flatMap((p) => p.sessions),
    (s) => s.bucket,
  );
  const startedByBucket = sumBy(summaries, (s) => [[s.bucket, s.sessions]]);
  const sessions = mergeSummaries(0, summaries);
  const countries = Object.entries(sessions.countries)
    .map(([country, count]) => ({ country, count }))
    .sort(mostFirst((c) => c.country))
    .slice(0, TOP_ENTRIES);

  return {
    asOf,
    activeVisitors: active,
    devices: {
      windowMinutes: ACTIVE_WINDOW.buckets,
      total: active,
      counts: Object.fromEntries(HUMAN_DEVICE_TYPES.map((d) => [d, devices.get(d) ?? 0])) as Record<HumanDeviceType, number>,
    },
    pageViewsPerMinute: series(PAGE_VIEWS_WINDOW).map((minute) => ({
      minute,
      views: viewsByMinute.get(minute) ?? 0,
      partial: minute === bucketOf(asOf, MINUTE_MS),
    })),
    sessionsStarted: series(SESSIONS_WINDOW).map((bucket) => ({ bucket, sessions: startedByBucket.get(bucket) ?? 0 })),
    sessions: {
      windowHours: (SESSIONS_WINDOW.buckets * SESSIONS_WINDOW.bucketMs) / 3_600_000,
      count: sessions.sessions,
      open: openSessions(lastSeen, asOf),
      medianDurationMs: medianDurationMs(sessions.durations),
      pagesPerSession: share(sessions.pageViews, sessions.sessions),
      bounceRate: share(sessions.bounces, sessions.sessions),
    },
    entryPages: top(Object.values(sessions.entries)),
    exitPages: top(Object.values(sessions.exits)),
    countries: countries.map(({ country, count }) => ({ country, sessions: count, share: share(count, sessions.sessions) })),
    bots: { windowMinutes: PAGE_VIEWS_WINDOW.buckets, count: bots, share: share(bots, bots + views) },
    lateEvents: {
      count: partials.reduce((n, p) => n + p.late, 0),
      allowedLatenessMs: partials.reduce((max, p) => Math.max(max, p.allowedLatenessMs), 0),
    },
    topProducts: topProducts(minutesIn(PRODUCTS_WINDOW)),
    categories: [...categories].map(([category, count]) => ({ category, count })).sort(mostFirst((c) => c.category)),
    latestVisitors: distinctByUser(partials.flatMap((p) => p.latestVisitors).sort(newestVisitorFirst)).slice(0, LATEST_VISITORS),
    rawClicks: partials
      .flatMap((p) => p.rawClicks)
      .sort(newestClickFirst)
      .slice(0, RAW_CLICKS),
  };
}

/** Sessions whose newest page view is in the last 30 minutes as of `asOf`: they may go on. */
function openSessions(lastSeen: readonly LastSeenMinute[], asOf: number): number {
  if (asOf === 0) return 0;
  return lastSeen.filter((m) => inWindow(OPEN_SESSION_WINDOW, asOf, m.minute)).reduce((n, m) => n + Object.values(m.devices).reduce((a, b) => a + b, 0), 0);
}

function sumBy<T, K>(items: readonly T[], entries: (item: T) => (readonly [K, number])[]): Map<K, number> {
  const sums = new Map<K, number>();
  for (const item of items) for (const [key, n] of entries(item)) sums.set(key, (sums.get(key) ?? 0) + n);
  return sums;
}

function top(pages: ProductCount[]): ProductCount[] {
  return pages.sort(mostFirst((p) => p.productId)).slice(0, TOP_ENTRIES);
}

/** Minutes come oldest first, so a product's newest category and title win. */
function topProducts(minutes: readonly MinuteSummary[]): ProductCount[] {
  const products = new Map<string, ProductCount>();
  for (const m of minutes) {
    for (const p of m.products) products.set(p.productId, { ...p, count: (products.get(p.productId)?.count ?? 0) + p.count });
  }
  return [...products.values()].sort(mostFirst((p) => p.productId)).slice(0, TOP_PRODUCTS);
}

/**
 * Each visitor's clicks are all on one partition, so a visitor shows up in one partial only;
 * this keeps the list distinct even if the input was ever partitioned otherwise.
 */
function distinctByUser<T extends { userId: string }>(newestFirst: readonly T[]): T[] {
  const seen = new Set<string>();
  return newestFirst.filter((v) => !seen.has(v.userId) && seen.add(v.userId));
}
