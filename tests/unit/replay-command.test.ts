import { describe, expect, it } from 'vitest';
import { parseReplayCommand } from '../../web/src/lib/server/replay-command';

/** What POST /api/replay answers 400 with: the parser's reason. */
const reasonOf = (raw: unknown) => {
  const parsed = parseReplayCommand(raw);
  return parsed.ok ? null : parsed.reason;
};

describe('replay commands: paces within bounds', () => {
  it("takes the issue's paces only within the bounds", () => {
    expect(parseReplayCommand({ action: 'speed', pace: { mode: 'original', speed: 60 } })).toEqual({
      ok: true,
      value: { action: 'speed', pace: { mode: 'original', speed: 60 } },
    });
    expect(reasonOf({ action: 'speed', pace: { mode: 'fixed', rate: 0.01 } })).toBe(
      'pace: rate must be a positive number from 0.1 to 100000 rows per second, got 0.01',
    );
    expect(reasonOf({ action: 'speed', pace: { mode: 'fixed', rate: 1e-300 } })).toBe(
      'pace: rate must be a positive number from 0.1 to 100000 rows per second, got 1e-300',
    );
    expect(reasonOf({ action: 'speed', pace: { mode: 'original', speed: 1e6 } })).toBe(
      "pace: speed must be a positive number from 0.1 to 100000 (times the log's timing), got 1000000",
    );
  });

  it('refuses unknown fields inside the pace', () => {
    expect(reasonOf({ action: 'speed', pace: { mode: 'fixed', rate: 5, burst: 100 } })).toBe(
      'pace: unknown field "burst" for mode fixed: allowed are mode, rate',
    );
    expect(reasonOf({ action: 'speed', pace: { mode: 'max', speed: 60 } })).toBe('pace: unknown field "speed" for mode max: allowed are mode');
  });

  it('refuses a pace with pause or resume, which would ignore it', () => {
    expect(reasonOf({ action: 'pause', pace: { mode: 'max' } })).toBe('pace goes with the speed action only, not with pause');
    expect(reasonOf({ action: 'resume', pace: null })).toBe('pace goes with the speed action only, not with resume');
    expect(parseReplayCommand({ action: 'resume' })).toEqual({ ok: true, value: { action: 'resume' } });
  });
});
