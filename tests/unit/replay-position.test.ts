import { describe, expect, it } from 'vitest';
import type { ReplayChunkInput } from '../../lib/replay/chunk';
import { parsePositionRecord, positionRecordValue, replayTransactionalId, resumePoint } from '../../lib/replay/position-record';

const input: ReplayChunkInput = {
  replayId: 'run-1',
  file: 'data/clicks.csv',
  loopNumber: 2,
  pace: { mode: 'max' },
  position: { byteOffset: 4_000, row: 40, lastOriginalTimestamp: 1_780_315_200_000, owedDelayMs: 12 },
};
const progress = { byteOffset: 9_000, row: 90, lastOriginalTimestamp: 1_780_315_260_000, owedDelayMs: 0, sent: 48, rejected: 2 };

describe('replay position records', () => {
  it("round-trips a chunk's progress with its chunk id", () => {
    expect(parsePositionRecord(positionRecordValue('run-a/7', progress))).toEqual({ ok: true, value: { chunkId: 'run-a/7', ...progress } });
    expect(parsePositionRecord(positionRecordValue('run-a/1', { ...progress, lastOriginalTimestamp: null }))).toMatchObject({
      ok: true,
      value: { lastOriginalTimestamp: null },
    });
  });

  it('rejects a record it cannot resume from, naming each problem', () => {
    expect(parsePositionRecord('not json').ok).toBe(false);
    expect(
      parsePositionRecord(JSON.stringify({ chunkId: '', byteOffset: -1, row: 1.5, sent: 0, rejected: 0, owedDelayMs: 'x', lastOriginalTimestamp: 'y' })),
    ).toEqual({
      ok: false,
      reason:
        'chunkId must be a non-empty string; byteOffset must be a whole number >= 0; row must be a whole number >= 0; lastOriginalTimestamp must be a number or null; owedDelayMs must be a number >= 0',
    });
  });

  it('resumes a chunk from its own last committed record', () => {
    expect(resumePoint(input, 'run-a/7', { chunkId: 'run-a/7', ...progress })).toEqual(progress);
  });

  it("starts at the workflow's position when nothing of this chunk was committed", () => {
    const fresh = { ...input.position, sent: 0, rejected: 0 };
    expect(resumePoint(input, 'run-a/7', undefined)).toEqual(fresh);
    // The replay's latest record belongs to the chunk before: the crashed attempt committed nothing.
    expect(resumePoint(input, 'run-a/7', { chunkId: 'run-a/6', ...progress })).toEqual(fresh);
    // The same activity id in another run (after continue-as-new) is another chunk.
    expect(resumePoint(input, 'run-b/7', { chunkId: 'run-a/7', ...progress })).toEqual(fresh);
  });

  it('gives each replay one transactional id, the same for every chunk and attempt', () => {
    expect(replayTransactionalId('clickstream', 'run-1')).toBe('clickstream-replay-run-1');
    expect(replayTransactionalId('clickstream', 'run-2')).not.toBe(replayTransactionalId('clickstream', 'run-1'));
  });
});
