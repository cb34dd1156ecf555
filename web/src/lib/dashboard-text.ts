/**
 * The dashboard's figures in words: durations, shares, the replay's pace, the two clocks (the
 * replay's, which the charts run on, and the log's own date), and where pace changes fall on a
 * time chart.
 */
import type { PaceChange, ReplayProgress } from '../../../lib/replay/click-replay';
import type { ReplayPace } from '../../../lib/replay/pacing';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "3 min 20 s", "45 s", "1 h 5 min": the two largest units, rounded to the second. */
export function durationText(ms: number): string {
  const s = Math.round(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
  return `${rest} s`;
}

/** A share (0..1) as a percentage with at most one decimal: "12.3%". */
export const percentText = (share: number) => share.toLocaleString('en', { style: 'percent', maximumFractionDigits: 1 });

/** A pace as a chart marker's label: "60×", "5 clicks/s", "max". */
export function paceText(pace: ReplayPace): string {
  switch (pace.mode) {
    case 'original':
      return `${pace.speed.toLocaleString('en')}×`;
    case 'fixed':
      return `${pace.rate.toLocaleString('en')} clicks/s`;
    case 'max':
      return 'max';
  }
}

/** A span of log time in words: "a minute", "an hour", "10 hours", "2.5 days". */
export function spanText(ms: number): string {
  const amount = (n: number, one: string, unit: string) => (n === 1 ? one : `${n.toLocaleString('en', { maximumFractionDigits: 1 })} ${unit}`);
  if (ms < MINUTE) return amount(ms / 1000, 'a second', 'seconds');
  if (ms < HOUR) return amount(ms / MINUTE, 'a minute', 'minutes');
  if (ms < 2 * DAY) return amount(ms / HOUR, 'an hour', 'hours');
  return amount(ms / DAY, 'a day', 'days');
}

/** The log's date, as a newcomer reads it: "3 March 2024". */
const logDate = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

/** The header's explanation of the two clocks: what a minute on the charts holds. */
export function clocksText(replay: ReplayProgress | null): string {
  if (!replay) return 'No replay runs: the charts show the shop’s own clicks, at the time they happen.';
  const from = replay.logTime ? `Clicks from the log of ${logDate(replay.logTime)}` : 'Clicks from the log';
  const moved = 'Each click is counted at the time it is replayed, not at its time in the log.';
  switch (replay.pace.mode) {
    case 'original':
      return `${from} are replayed at ${paceText(replay.pace)}: one minute on these charts holds ${spanText(replay.pace.speed * MINUTE)} of the log. ${moved}`;
    case 'fixed':
      return `${from} are replayed at ${paceText(replay.pace)}, whatever their spacing in the log: the charts show the replay’s rate, not the shop’s. ${moved}`;
    case 'max':
      return `${from} are replayed as fast as the pipeline takes them: the charts show its throughput, not the shop’s traffic. ${moved}`;
  }
}

/** A vertical mark on a time chart: at the point `index`, with its label. */
export interface ChartMarker {
  index: number;
  label: string;
}

/** Markers closer than this many points share one: their lines and labels would overlap. */
const MARKER_GAP = 2;

/**
 * The pace changes that fall within a series of buckets (each `bucketMs` long, starting at
 * `starts`), at their bucket. Changes close together are one marker, at the last of them, with
 * the pace they ended at: "→ 600×" after two quick changes reads better than two labels on top of
 * each other.
 */
export function paceMarkers(starts: number[], bucketMs: number, changes: PaceChange[]): ChartMarker[] {
  const placed = changes
    .map(({ at, pace }) => ({ index: starts.findIndex((start) => at >= start && at < start + bucketMs), label: paceText(pace) }))
    .filter((m) => m.index >= 0)
    .sort((a, b) => a.index - b.index);
  const markers: (ChartMarker & { merged: boolean })[] = [];
  for (const m of placed) {
    const last = markers.at(-1);
    if (last && m.index - last.index < MARKER_GAP) markers[markers.length - 1] = { index: m.index, label: m.label, merged: true };
    else markers.push({ ...m, merged: false });
  }
  return markers.map(({ index, label, merged }) => ({ index, label: merged ? `→ ${label}` : label }));
}

/**
 * A duration measured on the replay clock, as the charts' axes would give it in the log's time:
 * at 60× a session of 2 s on the replay clock spanned 2 minutes of the log. At a fixed rate or
 * as fast as possible the log's spacing is not kept, so the replay clock's duration is all there is.
 */
export function logDurationText(ms: number, replay: ReplayProgress | null): { text: string; clock: string } {
  if (!replay) return { text: durationText(ms), clock: 'the shop’s own time' };
  if (replay.pace.mode !== 'original') return { text: durationText(ms), clock: `replay clock: at ${paceText(replay.pace)} the log’s own spacing is not kept` };
  if (replay.pace.speed === 1) return { text: durationText(ms), clock: 'log time' };
  return { text: durationText(ms * replay.pace.speed), clock: `log time: ${durationText(ms)} on the replay clock at ${paceText(replay.pace)}` };
}

const points = (share: number) => {
  const p = Math.round(share * 1000) / 10;
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p).toFixed(1)}`;
};

/**
 * An offer's uplift in words: "+10.0 points (95% CI −3.1 to +22.4): not shown yet", or what to
 * wait for while a group is empty. An interval that holds zero shows no effect either way yet.
 */
export function upliftText(uplift: { difference: number; low: number; high: number } | null, holdout: number): string {
  if (uplift === null) return holdout === 0 ? 'no holdout: set holdoutPercent in the rules to measure it' : 'waiting for offered visitors';
  const verdict = uplift.low > 0 ? 'the offer helps' : uplift.high < 0 ? 'the offer hurts' : 'no clear effect yet';
  return `${points(uplift.difference)} points (95% CI ${points(uplift.low)} to ${points(uplift.high)}): ${verdict}`;
}
