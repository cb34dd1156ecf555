/** What the dashboard's replay controls send to `POST /api/replay`. */
import type { ReplayCommand } from '../../../../lib/replay/messages';
import { parseReplayPace } from '../../../../lib/replay/pacing';
import type { Parsed } from '../../../../lib/schema';
import { cut, shown } from './json-body';

/** A command is an action and maybe a pace: a few dozen bytes. */
export const MAX_REPLAY_REQUEST_BYTES = 1024;
export const REPLAY_COMMAND_FIELDS = ['action', 'pace'] as const;

export function parseReplayCommand(raw: unknown): Parsed<ReplayCommand> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'expected an object with an action' };
  const o = raw as Record<string, unknown>;
  switch (o.action) {
    case 'pause':
    case 'resume':
      // A pace here would be ignored: say so rather than let the caller think it was taken.
      if (o.pace !== undefined) return { ok: false, reason: `pace goes with the speed action only, not with ${o.action}` };
      return { ok: true, value: { action: o.action } };
    case 'speed': {
      const pace = parseReplayPace(o.pace);
      return pace.ok ? { ok: true, value: { action: 'speed', pace: pace.value } } : { ok: false, reason: `pace: ${cut(pace.reason)}` };
    }
    default:
      return { ok: false, reason: `action must be pause, resume or speed, got ${shown(o.action)}` };
  }
}
