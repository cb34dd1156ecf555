import { describe, expect, it } from 'vitest';
import {
  ACTIVE_WINDOW,
  MINUTE_MS,
  PRODUCTS_WINDOW,
  SESSION_BUCKET_MS,
  SESSIONS_WINDOW,
  PAGE_VIEWS_WINDOW,
  bucketOf,
  inWindow,
  windowBuckets,
  windowStart,
} from '../../lib/aggregation/windows';

const at = (hh: number, mm: number, ss = 0, ms = 0) => Date.UTC(2026, 0, 1, hh, mm, ss, ms);

describe('bucketOf', () => {
  it('maps a time to the start of its minute or 30-minute bucket', () => {
    expect(bucketOf(at(10, 7, 30), MINUTE_MS)).toBe(at(10, 7));
    expect(bucketOf(at(10, 7), MINUTE_MS)).toBe(at(10, 7));
    expect(bucketOf(at(10, 7, 59, 999), MINUTE_MS)).toBe(at(10, 7));
    expect(bucketOf(at(10, 29, 59, 999), SESSION_BUCKET_MS)).toBe(at(10, 0));
    expect(bucketOf(at(10, 30), SESSION_BUCKET_MS)).toBe(at(10, 30));
  });
});

describe('windows', () => {
  it('"the last 30 minutes" at 10:07:30 are the minutes 09:38 to 10:07', () => {
    const asOf = at(10, 7, 30);
    expect(windowStart(PAGE_VIEWS_WINDOW, asOf)).toBe(at(9, 38));
    expect(inWindow(PAGE_VIEWS_WINDOW, asOf, at(9, 38))).toBe(true);
    expect(inWindow(PAGE_VIEWS_WINDOW, asOf, at(9, 37))).toBe(false);
    expect(inWindow(PAGE_VIEWS_WINDOW, asOf, at(10, 7))).toBe(true);
    expect(inWindow(PAGE_VIEWS_WINDOW, asOf, at(10, 8))).toBe(false);
  });

  it('move at a minute boundary, not before', () => {
    expect(windowStart(PAGE_VIEWS_WINDOW, at(10, 7, 59, 999))).toBe(at(9, 38));
    expect(windowStart(PAGE_VIEWS_WINDOW, at(10, 8))).toBe(at(9, 39));
  });

  it('have their documented lengths', () => {
    expect(windowStart(ACTIVE_WINDOW, at(10, 7, 30))).toBe(at(10, 3));
    expect(windowStart(PRODUCTS_WINDOW, at(10, 7, 30))).toBe(at(9, 8));
    // 16 half hours: 8 hours ending with the bucket of asOf.
    expect(windowStart(SESSIONS_WINDOW, at(10, 7, 30))).toBe(at(2, 30));
  });

  it('list their buckets oldest first', () => {
    const minutes = windowBuckets(PAGE_VIEWS_WINDOW, at(10, 7, 30));
    expect(minutes).toHaveLength(30);
    expect(minutes[0]).toBe(at(9, 38));
    expect(minutes[29]).toBe(at(10, 7));
    expect(minutes.every((m, i) => i === 0 || m - minutes[i - 1]! === MINUTE_MS)).toBe(true);

    const halfHours = windowBuckets(SESSIONS_WINDOW, at(10, 7, 30));
    expect(halfHours).toHaveLength(16);
    expect(halfHours[0]).toBe(at(2, 30));
    expect(halfHours[15]).toBe(at(10, 0));
  });
});
