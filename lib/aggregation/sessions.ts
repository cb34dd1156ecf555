/**
 * Sessions as analytics tools count them: a visitor's page views with gaps under
 * `SESSION_GAP_MS`. A partition keeps each visitor's open session; once it has ended it is folded
 * into the summary of the half hour it started in, which is all the dashboard needs: counts,
 * bounces, pages, a duration histogram (for the median), entry and exit pages and countries.
 */
import type { ProductCount } from '../redis-keys';
import type { HumanDeviceType } from '../schema';

export type PageRef = Omit<ProductCount, 'count'>;

export interface OpenSession {
  /** Event times of its first and newest page view. */
  start: number;
  last: number;
  pages: number;
  entry: PageRef;
  /** The page of its newest page view, and that view's device. */
  exit: PageRef;
  device: HumanDeviceType;
  country: string;
}

/** Sessions that started in one half hour, summed; mergeable across partitions by adding. */
export interface SessionSummary {
  /** Start of the half hour. */
  bucket: number;
  sessions: number;
  /** Of them, ended ones (the others were open when summed). */
  ended: number;
  /** One-page sessions. */
  bounces: number;
  pageViews: number;
  /** Sessions per duration bin (`durationBin`, in seconds). */
  durations: Record<string, number>;
  /** By product id. */
  entries: Record<string, ProductCount>;
  /** Last pages of the ended sessions only: an open session's last page may not be its exit. */
  exits: Record<string, ProductCount>;
  countries: Record<string, number>;
}

export const emptySummary = (bucket: number): SessionSummary => ({
  bucket,
  sessions: 0,
  ended: 0,
  bounces: 0,
  pageViews: 0,
  durations: {},
  entries: {},
  exits: {},
  countries: {},
});

/** A copy that shares nothing mutable with the original (summaries are changed in place). */
export function copySummary(s: SessionSummary): SessionSummary {
  const pages = (r: Record<string, ProductCount>) => Object.fromEntries(Object.entries(r).map(([id, p]) => [id, { ...p }]));
  return { ...s, durations: { ...s.durations }, entries: pages(s.entries), exits: pages(s.exits), countries: { ...s.countries } };
}

/**
 * A duration's bin in whole seconds: exact under a minute, then 10-second steps, then minutes
 * past an hour, so the histogram stays small however many sessions it holds.
 */
export function durationBin(durationMs: number): number {
  const s = Math.max(0, Math.floor(durationMs / 1000));
  if (s < 60) return s;
  if (s < 3600) return s - (s % 10);
  return s - (s % 60);
}

export function startSession(timestamp: number, page: PageRef, device: HumanDeviceType, country: string): OpenSession {
  return { start: timestamp, last: timestamp, pages: 1, entry: page, exit: page, device, country };
}

/**
 * Adds a page view to the session. One older than its first view moves its start and entry; the
 * newest view sets its exit page and device.
 */
export function extendSession(session: OpenSession, timestamp: number, page: PageRef, device: HumanDeviceType): void {
  session.pages++;
  if (timestamp < session.start) {
    session.start = timestamp;
    session.entry = page;
  }
  if (timestamp >= session.last) {
    session.last = timestamp;
    session.exit = page;
    session.device = device;
  }
}

/** Whether a page view at `timestamp` belongs to the session: within the gap of its views. */
export const inSession = (session: OpenSession, timestamp: number, gapMs: number): boolean =>
  timestamp > session.start - gapMs && timestamp < session.last + gapMs;

/** Adds one session to a summary; its exit page counts only when it has `ended`. */
export function addToSummary(summary: SessionSummary, session: OpenSession, ended: boolean): void {
  summary.sessions++;
  if (ended) summary.ended++;
  if (session.pages === 1) summary.bounces++;
  summary.pageViews += session.pages;
  const bin = String(durationBin(session.last - session.start));
  summary.durations[bin] = (summary.durations[bin] ?? 0) + 1;
  countPage(summary.entries, session.entry, 1);
  if (ended) countPage(summary.exits, session.exit, 1);
  summary.countries[session.country] = (summary.countries[session.country] ?? 0) + 1;
}

/** Sums summaries of the same half hour (from several partitions, or closed plus open sessions). */
export function mergeSummaries(bucket: number, summaries: readonly SessionSummary[]): SessionSummary {
  const merged = emptySummary(bucket);
  for (const s of summaries) {
    merged.sessions += s.sessions;
    merged.ended += s.ended;
    merged.bounces += s.bounces;
    merged.pageViews += s.pageViews;
    for (const [bin, n] of Object.entries(s.durations)) merged.durations[bin] = (merged.durations[bin] ?? 0) + n;
    for (const p of Object.values(s.entries)) countPage(merged.entries, p, p.count);
    for (const p of Object.values(s.exits)) countPage(merged.exits, p, p.count);
    for (const [country, n] of Object.entries(s.countries)) merged.countries[country] = (merged.countries[country] ?? 0) + n;
  }
  return merged;
}

/** The lower median of a duration histogram, in ms; 0 when it is empty. */
export function medianDurationMs(durations: Record<string, number>): number {
  const bins = Object.entries(durations)
    .map(([bin, n]) => [Number(bin), n] as const)
    .sort(([a], [b]) => a - b);
  const total = bins.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  for (const [bin, n] of bins) {
    seen += n;
    if (seen * 2 >= total) return bin * 1000;
  }
  return 0;
}

/** Counts `page` `n` more times; its newest category and title win. */
function countPage(pages: Record<string, ProductCount>, page: PageRef, n: number): void {
  pages[page.productId] = { productId: page.productId, category: page.category, title: page.title, count: (pages[page.productId]?.count ?? 0) + n };
}
