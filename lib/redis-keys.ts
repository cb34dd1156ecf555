/**
 * Every Redis key the project uses, with the shape of its value: the one place to read what is
 * in Redis. Lookups are hashes; dashboard data is JSON.
 */
import type { ProductFacts, VisitorFacts } from './enrichment/enrich-click';
import type { EnrichedClick, HumanDeviceType, Product, Visitor } from './schema';

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

/** A product with a count, its newest category and title. */
export interface ProductCount {
  productId: string;
  category: string;
  title: string;
  count: number;
}

/**
 * What the dashboard shows (docs/architecture.md, "The dashboard: what each figure counts"). Times are event times
 * in ms since the epoch. Each window is a run of whole minutes (or half hours) ending with the one
 * holding `asOf`; series are zero-filled, oldest first. Human figures leave bot clicks out; late
 * clicks (after their minute closed, plus the allowed lateness) are counted in `lateEvents` only.
 * "Latest" lists are newest first, ties to the larger id; counts tie in name order. Before the
 * first click `asOf` is 0, every list is empty and every figure 0.
 */
export interface DashboardAggregates {
  /** The newest event time seen, over all partitions: "now" for every window below. */
  asOf: number;
  /** Distinct visitors whose newest page view is in the last 5 minutes. */
  activeVisitors: number;
  /** Those visitors by the device of their newest page view, every human device type present. */
  devices: { windowMinutes: number; total: number; counts: Record<HumanDeviceType, number> };
  /** 30 points: page views per minute; the last one holds `asOf` and is still filling (`partial`). */
  pageViewsPerMinute: { minute: number; views: number; partial: boolean }[];
  /** 16 points: sessions started in each of the last 16 half hours (8 hours); `bucket` is its start. */
  sessionsStarted: { bucket: number; sessions: number }[];
  /**
   * Sessions started in the last 8 hours: a visitor's page views with gaps under 30 minutes.
   * Open ones count with their duration and pages so far. `bounceRate` is the share of one-page
   * sessions (0..1); `open` those with a page view in the last 30 minutes.
   */
  sessions: { windowHours: number; count: number; open: number; medianDurationMs: number; pagesPerSession: number; bounceRate: number };
  /** The 10 products that started most of those sessions. */
  entryPages: ProductCount[];
  /** The 10 products that ended most of those sessions that have ended. */
  exitPages: ProductCount[];
  /** Those sessions by the visitor's country, most first (10 at most), with their share (0..1). */
  countries: { country: string; sessions: number; share: number }[];
  /** Bot clicks over the page-view window, and their share of all clicks in it (0..1). */
  bots: { windowMinutes: number; count: number; share: number };
  /** Clicks that came after their minute had closed, all time, counted here and nowhere else. */
  lateEvents: { count: number; allowedLatenessMs: number };
  /** The 10 most viewed products of the last 60 minutes. */
  topProducts: ProductCount[];
  /** Page views per category over the last 60 minutes, most popular first. */
  categories: { category: string; count: number }[];
  /** The 10 latest distinct (human) visitors, each as of their newest page view. */
  latestVisitors: { userId: string; timestamp: number; ip: string; country: string }[];
  /** The 100 latest enriched clicks, bots included (their device says so). */
  rawClicks: EnrichedClick[];
}

/** Per visitor: JSON `EnrichedClick`s, newest first, at most `VISITOR_CLICKS_LENGTH`; expires a day after the last. */
export const visitorClicksKey = (userId: string) => `visitor-clicks:${userId}`;
export const VISITOR_CLICKS_LENGTH = 100;
export const VISITOR_CLICKS_TTL_S = 24 * 60 * 60;

/**
 * Stream of the offer state machines' transitions, newest last, capped at about
 * `STATE_MACHINE_LOG_LENGTH` entries: each entry's fields are a `TransitionLogEntry`
 * (userId, state, productId, category, clickId, timestamp, line), shown by the dashboard.
 */
export const STATE_MACHINE_LOG_KEY = 'offers:state-machine-log';
export const STATE_MACHINE_LOG_LENGTH = 100;

/**
 * Sorted set of near misses: sequences that ended one step short of the offer (their window ran
 * out, or a click reset them). Member: JSON `NearMiss` (lib/offers/near-miss.ts), score: its event
 * time; the newest `NEAR_MISSES_LENGTH` are kept. The same near miss written twice is one member.
 */
export const NEAR_MISSES_KEY = 'offers:near-misses';
export const NEAR_MISSES_LENGTH = 500;

/** Set of JSON `[rules, offerId]`: every rule set and offer that has outcome counters. */
export const UPLIFT_OFFERS_KEY = 'offers:uplift';

/**
 * Set of the ids of the visitors who reached `stage` of the offer in `group`
 * (lib/offers/offer-outcomes.ts): its size is the count, and a retried write adds nobody twice.
 */
export const upliftVisitorsKey = ({ rules, offerId, group, stage }: { rules: string; offerId: string; group: string; stage: string }) =>
  `offers:uplift:${encodeURIComponent(rules)}:${encodeURIComponent(offerId)}:${group}:${stage}`;
