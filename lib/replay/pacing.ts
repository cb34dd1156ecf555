/**
 * How fast the click log is replayed. Three paces, as the original template offered two of them:
 * the log's own timing sped up by a factor, a fixed number of rows per second, or as fast as Kafka
 * takes them.
 */
import type { Parsed } from '../schema';

export const REPLAY_MODES = ['original', 'fixed', 'max'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

export type ReplayPace =
  /** The gaps between the log's rows, divided by `speed`. */
  | { mode: 'original'; speed: number }
  /** `rate` rows per second, whatever the log's timing. */
  | { mode: 'fixed'; rate: number }
  | { mode: 'max' };

/** As in the original: a pause in the log longer than this is cut to it (before the speed factor). */
export const MAX_GAP_MS = 10_000;

/**
 * One hour of the log per minute. The 15-day log (600,000 rows, a row every 2.2 s on average) then
 * sends about 30 clicks/s, a few times more in the evening peak, which fills every dashboard panel;
 * the daily rhythm shows within half an hour, and one loop takes 6 hours.
 */
export const DEFAULT_SPEED = 60;
/** The original template's fixed pace: one click every 200 ms. */
export const DEFAULT_RATE = 5;
export const DEFAULT_PACE: ReplayPace = { mode: 'original', speed: DEFAULT_SPEED };

/** Milliseconds to wait before sending a row, given the log time of the row sent before it (null for none). */
export function delayBeforeRow(pace: ReplayPace, previousOriginalMs: number | null, originalMs: number): number {
  switch (pace.mode) {
    case 'max':
      return 0;
    case 'fixed':
      return 1000 / pace.rate;
    case 'original': {
      if (previousOriginalMs === null) return 0;
      // The log is not strictly ordered: a row older than the one before it goes out at once.
      const gap = Math.min(MAX_GAP_MS, Math.max(0, originalMs - previousOriginalMs));
      return gap / pace.speed;
    }
  }
}

/** Validates a pace from outside (a signal, the command line), naming the problem. */
export function parseReplayPace(raw: unknown): Parsed<ReplayPace> {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'expected an object with a mode' };
  const o = raw as Record<string, unknown>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  switch (o.mode) {
    case 'original':
      return positive(o.speed) ? { ok: true, value: { mode: 'original', speed: o.speed } } : { ok: false, reason: `speed must be a positive number, got ${String(o.speed)}` };
    case 'fixed':
      return positive(o.rate) ? { ok: true, value: { mode: 'fixed', rate: o.rate } } : { ok: false, reason: `rate must be a positive number of rows per second, got ${String(o.rate)}` };
    case 'max':
      return { ok: true, value: { mode: 'max' } };
    default:
      return { ok: false, reason: `mode must be one of ${REPLAY_MODES.join(', ')}, got ${String(o.mode)}` };
  }
}

/** The pace in words, for logs and the command line. */
export function describePace(pace: ReplayPace): string {
  switch (pace.mode) {
    case 'original':
      return `the log's timing at ${pace.speed}x`;
    case 'fixed':
      return `${pace.rate} rows/s`;
    case 'max':
      return 'as fast as possible';
  }
}
