import type { DashboardAggregates } from '../redis-keys';
import { DEVICE_TYPES, type DeviceType } from '../schema';
import type { MinuteSummary, PartitionSnapshot, ProductCount } from './partial';
import { newestClickFirst, newestVisitorFirst } from './recency';
import {
  DEVICES_WINDOW,
  LATEST_VISITORS,
  PRODUCTS_WINDOW,
  RAW_CLICKS,
  SESSIONS_WINDOW,
  TOP_PRODUCTS,
  VISITS_WINDOW,
  inWindow,
  windowBuckets,
  type Window,
} from './windows';

/** Largest count first; ties in name order, so the lists do not flicker. */
function mostFirst<T extends { count: number }>(name: (item: T) => string) {
  return (a: T, b: T) => b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/**
 * The dashboard from every partition's snapshot: `asOf` is the newest stream time of them all,
 * and each window is cut at it. Series are zero-filled, oldest first; with no click at all yet,
 * `asOf` is 0 and every list is empty.
 */
export function mergePartials(partials: readonly PartitionSnapshot[]): DashboardAggregates {
  const asOf = partials.reduce((max, p) => Math.max(max, p.streamTime), 0);
  const minutes = partials.flatMap((p) => p.minutes).sort((a, b) => a.minute - b.minute);
  const within = (window: Window) => (asOf === 0 ? [] : minutes.filter((m) => inWindow(window, asOf, m.minute)));
  const series = (window: Window) => (asOf === 0 ? [] : windowBuckets(window, asOf));

  const visitsByMinute = sumBy(within(VISITS_WINDOW), (m) => [[m.minute, m.visits]]);
  const sessionsByBucket = sumBy(
    partials.flatMap((p) => p.sessions),
    (s) => [[s.bucket, s.sessions]],
  );
  const devices = sumBy(within(DEVICES_WINDOW), (m) => Object.entries(m.devices) as [DeviceType, number][]);
  const categories = sumBy(within(PRODUCTS_WINDOW), (m) => m.categories.map((c) => [c.category, c.count]));

  return {
    asOf,
    visitsPerMinute: series(VISITS_WINDOW).map((minute) => ({ minute, visits: visitsByMinute.get(minute) ?? 0 })),
    sessions: series(SESSIONS_WINDOW).map((bucket) => ({ bucket, sessions: sessionsByBucket.get(bucket) ?? 0 })),
    devices: {
      windowMinutes: DEVICES_WINDOW.buckets,
      total: [...devices.values()].reduce((a, b) => a + b, 0),
      counts: Object.fromEntries(DEVICE_TYPES.map((d) => [d, devices.get(d) ?? 0])) as Record<DeviceType, number>,
    },
    topProducts: topProducts(within(PRODUCTS_WINDOW)),
    categories: [...categories].map(([category, count]) => ({ category, count })).sort(mostFirst((c) => c.category)),
    latestVisitors: distinctByUser(partials.flatMap((p) => p.latestVisitors).sort(newestVisitorFirst)).slice(0, LATEST_VISITORS),
    rawClicks: partials
      .flatMap((p) => p.rawClicks)
      .sort(newestClickFirst)
      .slice(0, RAW_CLICKS),
  };
}

function sumBy<T, K>(items: readonly T[], entries: (item: T) => (readonly [K, number])[]): Map<K, number> {
  const sums = new Map<K, number>();
  for (const item of items) for (const [key, n] of entries(item)) sums.set(key, (sums.get(key) ?? 0) + n);
  return sums;
}

/** Minutes come oldest first, so a product's newest category and title win. */
function topProducts(minutes: readonly MinuteSummary[]): ProductCount[] {
  const products = new Map<string, ProductCount>();
  for (const m of minutes) {
    for (const p of m.products) products.set(p.productId, { ...p, count: (products.get(p.productId)?.count ?? 0) + p.count });
  }
  return [...products.values()]
    .sort(mostFirst((p) => p.productId))
    .slice(0, TOP_PRODUCTS);
}

/**
 * Each visitor's clicks are all on one partition, so a visitor shows up in one partial only;
 * this keeps the list distinct even if the input was ever partitioned otherwise.
 */
function distinctByUser<T extends { userId: string }>(newestFirst: readonly T[]): T[] {
  const seen = new Set<string>();
  return newestFirst.filter((v) => !seen.has(v.userId) && seen.add(v.userId));
}
