/** Pure helpers for the benchmark's figures. */

/** Nearest-rank percentile (p in 0..100) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summariseLatencies(values: readonly number[]): LatencySummary {
  return {
    samples: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
  };
}

/** Records per second, rounded to whole records. */
export function perSecond(records: number, ms: number): number {
  return ms > 0 ? Math.round((records * 1000) / ms) : 0;
}

export function ratio(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) / 100 : 0;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * How far a consumer group is through its input: committed offsets over end offsets, summed over
 * partitions. Offsets count transaction markers too, so a fraction (not a record count) is what
 * compares across transactional and plain topics.
 */
export function progressFraction(committed: ReadonlyMap<number, number>, ends: ReadonlyMap<number, number>): number {
  let done = 0;
  let total = 0;
  for (const [partition, end] of ends) {
    total += end;
    done += Math.min(end, Math.max(0, committed.get(partition) ?? 0));
  }
  return total === 0 ? 0 : done / total;
}

/**
 * A backlog's peak, and when it was worked off: the first sample after the peak at or under
 * `settled` (undefined if it never was). Samples in time order, `at` in ms.
 */
export function backlogCleared(
  samples: readonly { at: number; lag: number }[],
  settled: number,
): { peak: number; peakAtMs: number; clearedAtMs: number | undefined } {
  let peakIndex = 0;
  samples.forEach((s, i) => {
    if (s.lag > samples[peakIndex]!.lag) peakIndex = i;
  });
  const cleared = samples.slice(peakIndex).find((s) => s.lag <= settled);
  return { peak: samples[peakIndex]?.lag ?? 0, peakAtMs: samples[peakIndex]?.at ?? 0, clearedAtMs: cleared?.at };
}
