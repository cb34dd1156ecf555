/**
 * What one input partition contributes to the dashboard. Visitors are partitioned by userId, so
 * per-partition distinct-visitor counts, sessions and "latest" lists combine exactly; counts are
 * kept per minute (sessions per half hour) so the merge can cut every window at the merged
 * `asOf`, which may be newer than the partition's own stream time.
 */
import type { DashboardAggregates, ProductCount } from '../redis-keys';
import { parseJsonObject, type EnrichedClick, type HumanDeviceType, type Parsed } from '../schema';
import type { SessionSummary } from './sessions';

export type { ProductCount };
export type CategoryCount = DashboardAggregates['categories'][number];
export type VisitorSighting = DashboardAggregates['latestVisitors'][number];

/** One event-time minute of a partition's clicks. */
export interface MinuteSummary {
  /** Start of the minute, ms since the epoch. */
  minute: number;
  /** Human page views, and bot clicks apart. */
  views: number;
  bots: number;
  products: ProductCount[];
  categories: CategoryCount[];
}

/** Visitors whose newest page view is in one minute, by that view's device. */
export interface LastSeenMinute {
  minute: number;
  devices: Record<HumanDeviceType, number>;
}

export interface PartitionSnapshot {
  /** Newest event time of the partition: 0 before its first click. */
  streamTime: number;
  /** Next input offset to process: null before the first batch. */
  nextOffset: string | null;
  /** Valid clicks aggregated (late ones included) and invalid messages dead-lettered, all time. */
  counted: number;
  rejected: number;
  /** Clicks that came after their minute closed, all time; and the lateness allowed. */
  late: number;
  allowedLatenessMs: number;
  /** Minutes with clicks in the longest minute window as of `streamTime`, oldest first. */
  minutes: MinuteSummary[];
  /** Half hours with sessions started in the sessions window, open sessions included, oldest first. */
  sessions: SessionSummary[];
  /** The open sessions' visitors by the minute of their newest page view, oldest first. */
  lastSeen: LastSeenMinute[];
  /** The partition's latest distinct visitors and clicks, newest first. */
  latestVisitors: VisitorSighting[];
  rawClicks: EnrichedClick[];
}

/** A snapshot as stored in the `AGGREGATE_PARTIALS_KEY` hash, under the partition's number. */
export interface AggregatePartial extends PartitionSnapshot {
  partition: number;
  /** WORKER_NAME of the worker that wrote it. */
  owner: string;
  /** Wall-clock ms of the write. */
  updatedAt: number;
}

/** Reads a partial back from Redis; a malformed one is reported, not merged. */
export function parsePartial(text: string): Parsed<AggregatePartial> {
  // Partials are the workers' own output, sized by the windows rather than by a message limit.
  const parsed = parseJsonObject(text, Infinity);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const numbers = ['partition', 'updatedAt', 'streamTime', 'counted', 'rejected', 'late', 'allowedLatenessMs'].filter((k) => typeof o[k] !== 'number');
  const arrays = ['minutes', 'sessions', 'lastSeen', 'latestVisitors', 'rawClicks'].filter((k) => !Array.isArray(o[k]));
  if (numbers.length + arrays.length > 0) return { ok: false, reason: `not a partial: bad ${[...numbers, ...arrays].join(', ')}` };
  return { ok: true, value: o as unknown as AggregatePartial };
}
