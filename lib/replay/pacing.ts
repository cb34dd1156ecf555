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
 * The speed factors a pace may have. At 0.1 the log's longest gap (MAX_GAP_MS) lasts 100 s;
 * slower, a dashboard shows nothing moving. At 100,000 the 15-day log takes 13 s, beyond what
 * the replay sends (the `max` pace says "as fast as possible" without a number).
 */
export const SPEED_BOUNDS = { min: 0.1, max: 100_000 } as const;
/**
 * The fixed rates a pace may have, in rows per second. At 0.1 a row comes every 10 s, the log's
 * longest gap at its own timing; at 100,000 one every 10 µs, beyond what the replay sends.
 */
export const RATE_BOUNDS = { min: 0.1, max: 100_000 } as const;

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

/**
 * Milliseconds to wait before the next row of a chunk that starts at `from`. A chunk that ended
 * inside a gap left the rest of it owed, measured at that chunk's pace: at the current pace it
 * is never longer than the row's whole gap, so a faster pace takes effect at once.
 */
export function delayBeforeNextRow(pace: ReplayPace, from: { lastOriginalTimestamp: number | null; owedDelayMs: number }, originalMs: number): number {
  const delay = delayBeforeRow(pace, from.lastOriginalTimestamp, originalMs);
  return from.owedDelayMs > 0 ? Math.min(from.owedDelayMs, delay) : delay;
}

/** The fields each mode takes: any other is refused, not silently dropped. */
const PACE_FIELDS: Record<ReplayMode, readonly string[]> = { original: ['mode', 'speed'], fixed: ['mode', 'rate'], max: ['mode'] };

/** A value as an error message shows it: NaN and Infinity as themselves, anything else as JSON, cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const within = (v: unknown, bounds: { min: number; max: number }): v is number => typeof v === 'number' && v >= bounds.min && v <= bounds.max;

/** Validates a pace from outside (a request, a signal, the command line), naming the problem and the bounds. */
export function parseReplayPace(raw: unknown): Parsed<ReplayPace> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'expected an object with a mode' };
  const o = raw as Record<string, unknown>;
  if (!(REPLAY_MODES as readonly unknown[]).includes(o.mode))
    return { ok: false, reason: `mode must be one of ${REPLAY_MODES.join(', ')}, got ${shown(o.mode)}` };
  const mode = o.mode as ReplayMode;
  const unknown = Object.keys(o).filter((k) => !PACE_FIELDS[mode].includes(k));
  if (unknown.length > 0) {
    return { ok: false, reason: `unknown field ${unknown.slice(0, 3).map(shown).join(', ')} for mode ${mode}: allowed are ${PACE_FIELDS[mode].join(', ')}` };
  }
  switch (mode) {
    case 'original':
      return within(o.speed, SPEED_BOUNDS)
        ? { ok: true, value: { mode, speed: o.speed } }
        : {
            ok: false,
            reason: `speed must be a positive number from ${SPEED_BOUNDS.min} to ${SPEED_BOUNDS.max} (times the log's timing), got ${shown(o.speed)}`,
          };
    case 'fixed':
      return within(o.rate, RATE_BOUNDS)
        ? { ok: true, value: { mode, rate: o.rate } }
        : { ok: false, reason: `rate must be a positive number from ${RATE_BOUNDS.min} to ${RATE_BOUNDS.max} rows per second, got ${shown(o.rate)}` };
    case 'max':
      return { ok: true, value: { mode } };
  }
}

/**
 * A pace from a replay's start input. Code before the bounds took any positive number, and a run
 * it started carries its pace on through continue-as-new: such a pace is brought to the nearest
 * bound, so the replay carries on instead of failing. Anything else is judged as from outside.
 */
export function paceOfStartInput(raw: unknown): Parsed<ReplayPace> {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const clamp = (v: number, { min, max }: { min: number; max: number }) => Math.min(max, Math.max(min, v));
  if (o.mode === 'original' && positive(o.speed)) return { ok: true, value: { mode: 'original', speed: clamp(o.speed, SPEED_BOUNDS) } };
  if (o.mode === 'fixed' && positive(o.rate)) return { ok: true, value: { mode: 'fixed', rate: clamp(o.rate, RATE_BOUNDS) } };
  if (o.mode === 'max') return { ok: true, value: { mode: 'max' } };
  return parseReplayPace(raw);
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
