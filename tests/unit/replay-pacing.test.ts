import { describe, expect, it } from 'vitest';
import { DEFAULT_PACE, delayBeforeRow, MAX_GAP_MS, parseReplayPace, type ReplayPace } from '../../lib/replay/pacing';

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

describe('parseReplayPace', () => {
  it('accepts each mode', () => {
    for (const pace of [{ mode: 'original', speed: 2.5 }, { mode: 'fixed', rate: 20 }, { mode: 'max' }]) {
      expect(parseReplayPace(pace)).toEqual({ ok: true, value: pace });
    }
  });

  it('drops fields that do not belong to the mode', () => {
    expect(parseReplayPace({ mode: 'max', speed: 3 })).toEqual({ ok: true, value: { mode: 'max' } });
  });

  it('names what is wrong', () => {
    expect(parseReplayPace(null)).toEqual({ ok: false, reason: 'expected an object with a mode' });
    expect(parseReplayPace({ mode: 'fast' })).toEqual({ ok: false, reason: 'mode must be one of original, fixed, max, got fast' });
    expect(parseReplayPace({ mode: 'original', speed: 0 })).toEqual({ ok: false, reason: 'speed must be a positive number, got 0' });
    expect(parseReplayPace({ mode: 'original', speed: Number.NaN })).toMatchObject({ ok: false });
    expect(parseReplayPace({ mode: 'fixed', rate: '20' })).toEqual({ ok: false, reason: 'rate must be a positive number of rows per second, got 20' });
  });
});
