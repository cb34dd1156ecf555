/**
 * What one input partition contributes to the dashboard. Visitors are partitioned by userId, so
 * per-partition distinct-visitor counts and "latest" lists combine exactly; counts are kept per
 * minute so the merge can cut every window at the merged `asOf`, which may be newer than the
 * partition's own stream time.
 */
import type { DashboardAggregates } from '../redis-keys';
import { parseJsonObject, type DeviceType, type EnrichedClick, type Parsed } from '../schema';

export type ProductCount = DashboardAggregates['topProducts'][number];
export type CategoryCount = DashboardAggregates['categories'][number];
export type VisitorSighting = DashboardAggregates['latestVisitors'][number];
export type SessionCount = DashboardAggregates['sessions'][number];

/** One event-time minute of a partition's clicks. */
export interface MinuteSummary {
  /** Start of the minute, ms since the epoch. */
  minute: number;
  visits: number;
  devices: Record<DeviceType, number>;
  products: ProductCount[];
  categories: CategoryCount[];
}

export interface PartitionSnapshot {
  /** Newest event time of the partition: 0 before its first click. */
  streamTime: number;
  /** Next input offset to process: null before the first batch. */
  nextOffset: string | null;
  /** Valid clicks aggregated and invalid messages dead-lettered, all time. */
  counted: number;
  rejected: number;
  /** Minutes with clicks in the longest minute window as of `streamTime`, oldest first. */
  minutes: MinuteSummary[];
  /** 30-minute buckets with visitors in the sessions window as of `streamTime`, oldest first. */
  sessions: SessionCount[];
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
  const numbers = ['partition', 'updatedAt', 'streamTime', 'counted', 'rejected'].filter((k) => typeof o[k] !== 'number');
  const arrays = ['minutes', 'sessions', 'latestVisitors', 'rawClicks'].filter((k) => !Array.isArray(o[k]));
  if (numbers.length + arrays.length > 0) return { ok: false, reason: `not a partial: bad ${[...numbers, ...arrays].join(', ')}` };
  return { ok: true, value: o as unknown as AggregatePartial };
}
