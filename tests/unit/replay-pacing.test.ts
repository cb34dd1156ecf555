import { describe, expect, it } from 'vitest';
import { REPLAY_CHUNK_MS } from '../../lib/replay/chunk';
import {
  DEFAULT_PACE,
  delayBeforeNextRow,
  delayBeforeRow,
  MAX_GAP_MS,
  paceOfStartInput,
  parseReplayPace,
  RATE_BOUNDS,
  SPEED_BOUNDS,
  type ReplayPace,
} from '../../lib/replay/pacing';

const T = 1_780_315_200_000;

describe('delayBeforeRow', () => {
  const original = (speed: number): ReplayPace => ({ mode: 'original', speed });

  it('waits the gap of the log at speed 1', () => {
    expect(delayBeforeRow(original(1), T, T + 3_500)).toBe(3_500);
  });

  it('does not wait before the first row', () => {
    expect(delayBeforeRow(original(1), null, T)).toBe(0);
  });

  it('sends a row older than the one before it at once', () => {
    expect(delayBeforeRow(original(1), T, T - 60_000)).toBe(0);
  });

  it('cuts a long pause to 10 s before applying the speed factor', () => {
    expect(MAX_GAP_MS).toBe(10_000);
    expect(delayBeforeRow(original(1), T, T + 3_600_000)).toBe(10_000);
    expect(delayBeforeRow(original(60), T, T + 3_600_000)).toBeCloseTo(10_000 / 60);
  });

  it('divides gaps by the speed factor', () => {
    expect(delayBeforeRow(original(60), T, T + 9_000)).toBe(150);
    expect(delayBeforeRow(original(0.5), T, T + 1_000)).toBe(2_000);
  });

  it('spaces rows evenly at a fixed rate, whatever the log says', () => {
    expect(delayBeforeRow({ mode: 'fixed', rate: 5 }, T, T + 9_000)).toBe(200);
    expect(delayBeforeRow({ mode: 'fixed', rate: 20 }, null, T)).toBe(50);
  });

  it('never waits at the max pace', () => {
    expect(delayBeforeRow({ mode: 'max' }, T, T + 9_000)).toBe(0);
  });

  it('defaults to the log timing at 60x: one hour of log per minute', () => {
    expect(DEFAULT_PACE).toEqual({ mode: 'original', speed: 60 });
    expect(delayBeforeRow(DEFAULT_PACE, T, T + 6_000)).toBe(100);
  });
});

describe('delayBeforeNextRow', () => {
  it("waits the row's own gap when nothing is owed", () => {
    expect(delayBeforeNextRow({ mode: 'original', speed: 60 }, { lastOriginalTimestamp: T, owedDelayMs: 0 }, T + 6_000)).toBe(100);
    expect(delayBeforeNextRow({ mode: 'fixed', rate: 5 }, { lastOriginalTimestamp: null, owedDelayMs: 0 }, T)).toBe(200);
  });

  it('waits the rest of a gap owed at the same pace', () => {
    expect(delayBeforeNextRow({ mode: 'fixed', rate: 5 }, { lastOriginalTimestamp: T, owedDelayMs: 150 }, T + 1_000)).toBe(150);
    expect(delayBeforeNextRow({ mode: 'original', speed: 1 }, { lastOriginalTimestamp: T, owedDelayMs: 4_000 }, T + 9_000)).toBe(4_000);
  });

  it('after 0.01 rows/s then 60x, sends the next row within a second, not after the old gap', () => {
    // A chunk at 0.01 rows/s ends inside its 100 s gap: the rest is owed to the next chunk.
    const owedDelayMs = 1000 / 0.01 - REPLAY_CHUNK_MS;
    expect(owedDelayMs).toBe(99_000);
    const due = delayBeforeNextRow({ mode: 'original', speed: 60 }, { lastOriginalTimestamp: T, owedDelayMs }, T + 2_200);
    expect(due).toBeCloseTo(2_200 / 60);
    expect(due).toBeLessThan(1_000);
    expect(delayBeforeNextRow({ mode: 'fixed', rate: 5 }, { lastOriginalTimestamp: T, owedDelayMs }, T + 2_200)).toBe(200);
    expect(delayBeforeNextRow({ mode: 'max' }, { lastOriginalTimestamp: T, owedDelayMs }, T + 2_200)).toBe(0);
  });

  it('never lengthens an owed wait when the pace slows down', () => {
    expect(delayBeforeNextRow({ mode: 'fixed', rate: 0.1 }, { lastOriginalTimestamp: T, owedDelayMs: 150 }, T + 2_200)).toBe(150);
  });
});

describe('parseReplayPace', () => {
  it('accepts each mode, up to and including the bounds', () => {
    const paces = [
      { mode: 'original', speed: 2.5 },
      { mode: 'original', speed: SPEED_BOUNDS.min },
      { mode: 'original', speed: SPEED_BOUNDS.max },
      { mode: 'fixed', rate: 20 },
      { mode: 'fixed', rate: RATE_BOUNDS.min },
      { mode: 'fixed', rate: RATE_BOUNDS.max },
      { mode: 'max' },
    ];
    for (const pace of paces) expect(parseReplayPace(pace)).toEqual({ ok: true, value: pace });
    expect(SPEED_BOUNDS).toEqual({ min: 0.1, max: 100_000 });
    expect(RATE_BOUNDS).toEqual({ min: 0.1, max: 100_000 });
  });

  it('refuses a rate outside 0.1 to 100,000 rows/s, naming the bounds', () => {
    for (const rate of [1e-300, 0.01, 0.099, 100_001, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(parseReplayPace({ mode: 'fixed', rate })).toEqual({
        ok: false,
        reason: `rate must be a positive number from 0.1 to 100000 rows per second, got ${rate}`,
      });
    }
    for (const rate of ['20', null, true, [5], { n: 5 }]) {
      expect(parseReplayPace({ mode: 'fixed', rate })).toEqual({
        ok: false,
        reason: `rate must be a positive number from 0.1 to 100000 rows per second, got ${JSON.stringify(rate)}`,
      });
    }
    expect(parseReplayPace({ mode: 'fixed' })).toEqual({
      ok: false,
      reason: 'rate must be a positive number from 0.1 to 100000 rows per second, got undefined',
    });
  });

  it("refuses a speed outside 0.1 to 100,000 times the log's timing, naming the bounds", () => {
    for (const speed of [1e-300, 0.01, 0, 1e6, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(parseReplayPace({ mode: 'original', speed })).toEqual({
        ok: false,
        reason: `speed must be a positive number from 0.1 to 100000 (times the log's timing), got ${speed}`,
      });
    }
    expect(parseReplayPace({ mode: 'original', speed: '60' })).toMatchObject({ ok: false, reason: expect.stringContaining('got "60"') });
  });

  it('refuses fields that do not belong to the mode', () => {
    expect(parseReplayPace({ mode: 'max', speed: 3 })).toEqual({ ok: false, reason: 'unknown field "speed" for mode max: allowed are mode' });
    expect(parseReplayPace({ mode: 'fixed', rate: 5, speed: 60 })).toEqual({
      ok: false,
      reason: 'unknown field "speed" for mode fixed: allowed are mode, rate',
    });
    expect(parseReplayPace({ mode: 'original', speed: 60, burst: 1, __proto__x: 2 })).toEqual({
      ok: false,
      reason: 'unknown field "burst", "__proto__x" for mode original: allowed are mode, speed',
    });
  });

  it('names what is wrong, cut short', () => {
    expect(parseReplayPace(null)).toEqual({ ok: false, reason: 'expected an object with a mode' });
    expect(parseReplayPace([{ mode: 'max' }])).toEqual({ ok: false, reason: 'expected an object with a mode' });
    expect(parseReplayPace({ mode: 'fast' })).toEqual({ ok: false, reason: 'mode must be one of original, fixed, max, got "fast"' });
    const long = parseReplayPace({ mode: 'fixed', rate: 'y'.repeat(1000) });
    expect(long.ok ? '' : long.reason).toMatch(/got "y{39}…$/);
  });
});

describe('paceOfStartInput', () => {
  it('takes a pace within the bounds as it is', () => {
    expect(paceOfStartInput({ mode: 'fixed', rate: 20 })).toEqual({ ok: true, value: { mode: 'fixed', rate: 20 } });
    expect(paceOfStartInput(DEFAULT_PACE)).toEqual({ ok: true, value: DEFAULT_PACE });
  });

  it('brings a positive pace older code accepted to the nearest bound, so its run carries on', () => {
    expect(paceOfStartInput({ mode: 'fixed', rate: 1e-300 })).toEqual({ ok: true, value: { mode: 'fixed', rate: 0.1 } });
    expect(paceOfStartInput({ mode: 'original', speed: 1e9 })).toEqual({ ok: true, value: { mode: 'original', speed: 100_000 } });
    expect(paceOfStartInput({ mode: 'max', speed: 3 })).toEqual({ ok: true, value: { mode: 'max' } });
  });

  it('refuses what older code refused too', () => {
    expect(paceOfStartInput({ mode: 'fixed', rate: 0 })).toMatchObject({ ok: false, reason: expect.stringContaining('rate must be') });
    expect(paceOfStartInput({ mode: 'fixed', rate: Number.POSITIVE_INFINITY })).toMatchObject({ ok: false });
    expect(paceOfStartInput({ mode: 'fast' })).toMatchObject({ ok: false, reason: expect.stringContaining('mode must be') });
    expect(paceOfStartInput('max')).toEqual({ ok: false, reason: 'expected an object with a mode' });
  });
});
