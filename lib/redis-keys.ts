/**
 * Every Redis key the project uses, with the shape of its value: the one place to read what is
 * in Redis. Lookups are hashes; dashboard data is JSON.
 */
import type { ProductFacts, VisitorFacts } from './enrichment/enrich-click';
import type { DeviceType, EnrichedClick, Product, Visitor } from './schema';

/** Hash `{cat, title}` per product, as in the original template. */
export const productKey = (productId: string) => `product:${productId}`;

/**
 * Hash `{gender, birthday?}` per visitor (birthday is YYYY-MM-DD), as in the original template;
 * gender is `U` when not given, so every known visitor has a key, even one who gave nothing.
 */
export const visitorKey = (userId: string) => `visitor:${userId}`;

export const productHash = (p: Product): Record<string, string> => ({ cat: p.category, title: p.title });
export const visitorHash = (v: Visitor): Record<string, string> => ({
  gender: v.gender ?? 'U',
  ...(v.birthDate ? { birthday: v.birthDate } : {}),
});

/** Reads a `product:<id>` hash; an empty hash (no such key) is an unknown product. */
export function productFacts(hash: Record<string, string>): ProductFacts | undefined {
  return hash.cat ? { category: hash.cat, title: hash.title ?? '' } : undefined;
}

/** Reads a `visitor:<id>` hash; an empty hash (no such key) is an unknown visitor. */
export function visitorFacts(hash: Record<string, string>): VisitorFacts | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  return {
    ...(hash.gender === 'M' || hash.gender === 'F' ? { gender: hash.gender } : {}),
    ...(hash.birthday ? { birthDate: hash.birthday } : {}),
  };
}

/**
 * String written by the ingestion after every product and visitor: JSON `LookupsMarker`
 * (lib/ingestion/lookups-marker.ts). Missing means the lookups are not (or no longer, after a
 * Redis restart) loaded: enrichment then reloads them rather than call every id unknown.
 */
export const LOOKUPS_LOADED_KEY = 'lookups:loaded';

/** JSON `DashboardAggregates`, rewritten by the aggregation workers about once a second. */
export const DASHBOARD_KEY = 'dashboard:aggregates';

/** Pub/sub channel: a message (the `asOf` time) each time `DASHBOARD_KEY` changes. */
export const DASHBOARD_CHANNEL = 'dashboard:updates';

/** Hash: field = input partition, value = JSON of that partition's share of the aggregates. */
export const AGGREGATE_PARTIALS_KEY = 'dashboard:partials';

/**
 * What the dashboard shows. Times are event times in ms since the epoch. Each window is a run of
 * whole minutes (or half hours) ending with the one holding `asOf`; series are zero-filled, oldest
 * first. "Latest" lists are newest first, ties to the larger id; counts tie in name order. Before
 * the first click `asOf` is 0 and every list is empty.
 */
export interface DashboardAggregates {
  /** The newest event time seen, over all partitions: "now" for every window below. */
  asOf: number;
  /** 15 points: visits in each of the last 15 minutes; `minute` is the minute's start. */
  visitsPerMinute: { minute: number; visits: number }[];
  /** 16 points: distinct visitors in each of the last 16 half hours (8 hours); `bucket` is its start. */
  sessions: { bucket: number; sessions: number }[];
  /** Clicks of the last `windowMinutes` (10) minutes per device type, every type present. */
  devices: { windowMinutes: number; total: number; counts: Record<DeviceType, number> };
  /** The 10 most clicked products of the last 60 minutes, with their newest category and title. */
  topProducts: { productId: string; category: string; title: string; count: number }[];
  /** Clicks per category over the last 60 minutes, most popular first. */
  categories: { category: string; count: number }[];
  /** The 10 latest distinct visitors, each as of their newest click. */
  latestVisitors: { userId: string; timestamp: number; ip: string; country: string }[];
  /** The 100 latest enriched clicks. */
  rawClicks: EnrichedClick[];
}

/**
 * Stream of the offer state machines' transitions, newest last, capped at about
 * `STATE_MACHINE_LOG_LENGTH` entries: each entry's fields are a `TransitionLogEntry`
 * (userId, state, productId, category, clickId, timestamp, line), shown by the dashboard.
 */
export const STATE_MACHINE_LOG_KEY = 'offers:state-machine-log';
export const STATE_MACHINE_LOG_LENGTH = 100;
