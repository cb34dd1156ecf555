/** How the log's rows spread over its hours: quiet nights, a lunch bump, an evening peak. */
import { CLICK_LOG_DAYS, CLICK_LOG_START_MS } from './log-period';
import type { Rng } from './prng';

/** Relative traffic per hour of the day (UTC). */
export const HOURLY_RHYTHM: readonly number[] = [
  0.3, 0.2, 0.14, 0.11, 0.1, 0.12, 0.2, 0.35, 0.5, 0.6, 0.66, 0.7, 0.76, 0.74, 0.7, 0.7, 0.74, 0.82, 0.92, 1, 1, 0.9, 0.7, 0.48,
];

const WEEKEND_FACTOR = 1.2;

/**
 * Rows per hour of the log, summing to exactly `rows`: the daily rhythm, busier weekends and a
 * little day-to-day and hour-to-hour noise, rounded by largest remainder.
 */
export function hourlyQuotas(rng: Rng, rows: number): number[] {
  const weights: number[] = [];
  for (let day = 0; day < CLICK_LOG_DAYS; day++) {
    const weekday = new Date(CLICK_LOG_START_MS + day * 86_400_000).getUTCDay();
    const dayFactor = (weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1) * (0.9 + 0.2 * rng.next());
    for (const hourly of HOURLY_RHYTHM) weights.push(hourly * dayFactor * (0.95 + 0.1 * rng.next()));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rows * w) / total);
  const quotas = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  let missing = rows - quotas.reduce((a, b) => a + b, 0);
  for (const { i } of byRemainder) {
    if (missing-- <= 0) break;
    quotas[i]! += 1;
  }
  return quotas;
}
