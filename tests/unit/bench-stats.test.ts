import { describe, expect, it } from 'vitest';
import { perSecond, percentile, progressFraction, ratio, summariseLatencies } from '../../bench/stats';

describe('benchmark figures', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises latencies', () => {
    expect(summariseLatencies([10, 20, 30, 40])).toEqual({ samples: 4, p50: 20, p95: 40, p99: 40, max: 40 });
  });

  it('turns counts and times into rates and ratios', () => {
    expect(perSecond(5_000, 2_000)).toBe(2_500);
    expect(perSecond(5, 0)).toBe(0);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBe(0);
  });

  it('measures progress over offsets, capped at each end and ignoring unknown partitions', () => {
    const ends = new Map([
      [0, 100],
      [1, 300],
    ]);
    expect(
      progressFraction(
        new Map([
          [0, 50],
          [1, 150],
        ]),
        ends,
      ),
    ).toBe(0.5);
    expect(
      progressFraction(
        new Map([
          [0, -1],
          [1, 400],
          [7, 9],
        ]),
        ends,
      ),
    ).toBe(0.75);
    expect(progressFraction(new Map(), new Map())).toBe(0);
  });
});
