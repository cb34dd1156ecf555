import { describe, expect, it } from 'vitest';
import type { ReplayProgress } from '../../lib/replay/click-replay';
import { clocksText, durationText, logDurationText, paceMarkers, paceText, percentText, spanText, upliftText } from '../../web/src/lib/dashboard-text';

const progress = (over: Partial<ReplayProgress>): ReplayProgress => ({
  file: 'data/clicks.csv',
  loop: true,
  pace: { mode: 'original', speed: 60 },
  paused: false,
  finished: false,
  loopNumber: 1,
  row: 10,
  byteOffset: 1000,
  logTime: '2024-03-03T12:00:00.000Z',
  rowsSent: 10,
  rowsRejected: 0,
  chunks: 1,
  chunkUnderWay: false,
  paceChanges: [],
  ...over,
});

describe('dashboard text', () => {
  it('writes durations with their two largest units', () => {
    expect(durationText(200_000)).toBe('3 min 20 s');
    expect(durationText(45_400)).toBe('45 s');
    expect(durationText(0)).toBe('0 s');
    expect(durationText(120_000)).toBe('2 min');
    expect(durationText(3_900_000)).toBe('1 h 5 min');
    expect(durationText(7_200_000)).toBe('2 h');
  });

  it('writes shares as percentages and paces as marker labels', () => {
    expect(percentText(0.1234)).toBe('12.3%');
    expect(percentText(1)).toBe('100%');
    expect(paceText({ mode: 'original', speed: 3600 })).toBe('3,600×');
    expect(paceText({ mode: 'fixed', rate: 5 })).toBe('5 clicks/s');
    expect(paceText({ mode: 'max' })).toBe('max');
  });

  it('writes spans of log time in the unit a person would', () => {
    expect(spanText(60 * 60_000)).toBe('an hour');
    expect(spanText(600 * 60_000)).toBe('10 hours');
    expect(spanText(3600 * 60_000)).toBe('2.5 days');
    expect(spanText(60_000)).toBe('a minute');
    expect(spanText(6_000)).toBe('6 seconds');
  });

  it('explains the two clocks for each pace', () => {
    expect(clocksText(progress({}))).toMatch(/^Clicks from the log of 3 March 2024 are replayed at 60×: one minute on these charts holds an hour of the log\./);
    expect(clocksText(progress({ pace: { mode: 'original', speed: 600 }, logTime: null }))).toMatch(
      /^Clicks from the log are replayed at 600×: one minute on these charts holds 10 hours of the log/,
    );
    expect(clocksText(progress({ pace: { mode: 'fixed', rate: 5 } }))).toContain('replayed at 5 clicks/s, whatever their spacing in the log');
    expect(clocksText(progress({ pace: { mode: 'max' } }))).toContain('as fast as the pipeline takes them');
    expect(clocksText(null)).toContain('No replay runs');
  });

  it('puts each pace change at the bucket it fell in, and leaves out the ones outside the series', () => {
    const t = 1_780_315_200_000;
    const minutes = [0, 1, 2, 3].map((i) => t + i * 60_000);
    const changes = [
      { at: t - 1, pace: { mode: 'max' as const } },
      { at: t + 60_000, pace: { mode: 'original' as const, speed: 60 } },
      { at: t + 3 * 60_000 + 59_999, pace: { mode: 'fixed' as const, rate: 50 } },
      { at: t + 4 * 60_000, pace: { mode: 'max' as const } },
    ];
    expect(paceMarkers(minutes, 60_000, changes)).toEqual([
      { index: 1, label: '60×' },
      { index: 3, label: '50 clicks/s' },
    ]);
    expect(paceMarkers([], 60_000, changes)).toEqual([]);
  });

  it('makes changes close together one marker, at the last of them, with the pace they ended at', () => {
    const t = 1_780_315_200_000;
    const minutes = [0, 1, 2, 3, 4, 5, 6].map((i) => t + i * 60_000);
    const changes = [
      { at: t + 60_000, pace: { mode: 'original' as const, speed: 60 } },
      { at: t + 60_500, pace: { mode: 'original' as const, speed: 600 } },
      { at: t + 2 * 60_000, pace: { mode: 'original' as const, speed: 3600 } },
      { at: t + 6 * 60_000, pace: { mode: 'max' as const } },
    ];
    expect(paceMarkers(minutes, 60_000, changes)).toEqual([
      { index: 2, label: '→ 3,600×' },
      { index: 6, label: 'max' },
    ]);
  });
});

describe('logDurationText', () => {
  const replay = (pace: ReplayProgress['pace']) => ({ pace }) as ReplayProgress;

  it("gives a duration in the log's time at an original pace, with the replay clock's beside it", () => {
    expect(logDurationText(2_000, replay({ mode: 'original', speed: 60 }))).toEqual({ text: '2 min', clock: 'log time: 2 s on the replay clock at 60×' });
    expect(logDurationText(90_000, replay({ mode: 'original', speed: 1 }))).toEqual({ text: '1 min 30 s', clock: 'log time' });
  });

  it("says the replay clock is all there is at a fixed rate, and the shop's time without a replay", () => {
    expect(logDurationText(2_000, replay({ mode: 'fixed', rate: 40 })).text).toBe('2 s');
    expect(logDurationText(2_000, replay({ mode: 'max' })).clock).toMatch(/^replay clock/);
    expect(logDurationText(2_000, null)).toEqual({ text: '2 s', clock: 'the shop’s own time' });
  });
});

describe('upliftText', () => {
  it('says the uplift in points with its interval and what it shows', () => {
    expect(upliftText({ difference: 0.1, low: -0.031, high: 0.224 }, 10)).toBe('+10.0 points (95% CI −3.1 to +22.4): no clear effect yet');
    expect(upliftText({ difference: 0.2, low: 0.0524, high: 0.3339 }, 80)).toBe('+20.0 points (95% CI +5.2 to +33.4): the offer helps');
    expect(upliftText({ difference: -0.2, low: -0.3, high: -0.01 }, 80)).toBe('−20.0 points (95% CI −30.0 to −1.0): the offer hurts');
  });

  it('says what it waits for while a group is empty', () => {
    expect(upliftText(null, 0)).toMatch(/^no holdout/);
    expect(upliftText(null, 3)).toBe('waiting for offered visitors');
  });
});
