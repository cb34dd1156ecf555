import { describe, expect, it } from 'vitest';
import { backlogCleared } from '../../bench/stats';

describe("a burst's backlog, from lag samples", () => {
  it('finds the peak and the first sample after it back at or under the settled lag', () => {
    const samples = [
      { at: 0, lag: 20 },
      { at: 250, lag: 2_900 },
      { at: 500, lag: 3_010 },
      { at: 750, lag: 1_200 },
      { at: 1_000, lag: 90 },
      { at: 1_250, lag: 140 },
    ];
    expect(backlogCleared(samples, 100)).toEqual({ peak: 3_010, peakAtMs: 500, clearedAtMs: 1_000 });
  });

  it('does not count the quiet before the burst as cleared, and says when it never cleared', () => {
    expect(
      backlogCleared(
        [
          { at: 0, lag: 5 },
          { at: 250, lag: 800 },
          { at: 500, lag: 400 },
        ],
        100,
      ),
    ).toEqual({ peak: 800, peakAtMs: 250, clearedAtMs: undefined });
    expect(backlogCleared([], 100)).toEqual({ peak: 0, peakAtMs: 0, clearedAtMs: undefined });
  });
});
