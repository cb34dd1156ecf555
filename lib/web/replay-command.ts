/** What the dashboard's replay controls send to `POST /api/replay`. */
import { parseReplayPace, type ReplayPace } from '../replay/pacing';
import type { Parsed } from '../schema';

export type ReplayCommand = { action: 'pause' } | { action: 'resume' } | { action: 'speed'; pace: ReplayPace };

export function parseReplayCommand(raw: unknown): Parsed<ReplayCommand> {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'expected an object with an action' };
  const o = raw as Record<string, unknown>;
  switch (o.action) {
    case 'pause':
    case 'resume':
      return { ok: true, value: { action: o.action } };
    case 'speed': {
      const pace = parseReplayPace(o.pace);
      return pace.ok ? { ok: true, value: { action: 'speed', pace: pace.value } } : { ok: false, reason: `pace: ${pace.reason}` };
    }
    default:
      return { ok: false, reason: `action must be pause, resume or speed, got ${String(o.action)}` };
  }
}
