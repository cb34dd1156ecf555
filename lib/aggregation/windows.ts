/**
 * The dashboard's event-time windows. Each is a run of whole, aligned buckets that ends with the
 * bucket holding `asOf` (hopping windows, as Kafka Streams would keep them): "the last 15 minutes"
 * at 10:07:30 is the 15 minute buckets 09:53 … 10:07, whatever the seconds.
 */

export const MINUTE_MS = 60_000;
export const SESSION_BUCKET_MS = 30 * MINUTE_MS;
/** A visitor's session ends after this long without a page view, as analytics tools count them. */
export const SESSION_GAP_MS = 30 * MINUTE_MS;

export interface Window {
  bucketMs: number;
  buckets: number;
}

/** Page views per minute, and bot clicks beside them. */
export const PAGE_VIEWS_WINDOW: Window = { bucketMs: MINUTE_MS, buckets: 30 };
/** "Visitors now": a page view in the last 5 minutes. */
export const ACTIVE_WINDOW: Window = { bucketMs: MINUTE_MS, buckets: 5 };
/** A session with a page view in the last 30 minutes may go on: it is open. */
export const OPEN_SESSION_WINDOW: Window = { bucketMs: MINUTE_MS, buckets: SESSION_GAP_MS / MINUTE_MS };
/** Top products and category popularity. */
export const PRODUCTS_WINDOW: Window = { bucketMs: MINUTE_MS, buckets: 60 };
/** 8 hours of 30-minute buckets, sessions counted in the one they started in. */
export const SESSIONS_WINDOW: Window = { bucketMs: SESSION_BUCKET_MS, buckets: 16 };
/** The longest window over minute buckets: how long a minute bucket stays in state. */
export const MINUTE_RETENTION: Window = PRODUCTS_WINDOW;

export const TOP_PRODUCTS = 10;
export const LATEST_VISITORS = 10;
/** Entry pages, exit pages and countries shown. */
export const TOP_ENTRIES = 10;
export const RAW_CLICKS = 100;

/** Start of the bucket of `bucketMs` that holds `time`. */
export function bucketOf(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/** Start of the oldest bucket of `window` as of `asOf`. */
export function windowStart(window: Window, asOf: number): number {
  return bucketOf(asOf, window.bucketMs) - (window.buckets - 1) * window.bucketMs;
}

/** Whether the bucket starting at `bucket` is in `window` as of `asOf`. */
export function inWindow(window: Window, asOf: number, bucket: number): boolean {
  return bucket >= windowStart(window, asOf) && bucket <= bucketOf(asOf, window.bucketMs);
}

/** Starts of the buckets of `window` as of `asOf`, oldest first. */
export function windowBuckets(window: Window, asOf: number): number[] {
  const first = windowStart(window, asOf);
  return Array.from({ length: window.buckets }, (_, i) => first + i * window.bucketMs);
}
