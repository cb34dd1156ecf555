import { describe, expect, it } from 'vitest';
import { replayClickId, START_OF_LOG, type ReplayChunkResult } from '../../lib/replay/chunk';
import { ClickReplay, DEFAULT_CHUNKS_PER_RUN } from '../../lib/replay/click-replay';
import { DEFAULT_PACE } from '../../lib/replay/pacing';

const FILE = 'data/clicks.csv';
const T = 1_780_315_200_000;

/** A chunk that read `rows` rows from `from`, `rejected` of them malformed. */
function chunk(from: { row: number; byteOffset: number }, rows: number, rejected = 0, endOfFile = false): ReplayChunkResult {
  return {
    byteOffset: from.byteOffset + rows * 100,
    row: from.row + rows,
    lastOriginalTimestamp: T + (from.row + rows) * 1000,
    owedDelayMs: 0,
    sent: rows - rejected,
    rejected,
    endOfFile,
  };
}

/** Feeds the replay the chunk it asks for, as the workflow does. */
function runChunk(replay: ClickReplay, rows: number, rejected = 0, endOfFile = false): void {
  replay.recordChunk(chunk(replay.nextChunk().position, rows, rejected, endOfFile));
}

describe('ClickReplay', () => {
  it('starts at the top of the log, looping at the default pace', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    expect(replay.nextChunk()).toEqual({ replayId: 'run-1', file: FILE, loopNumber: 1, pace: DEFAULT_PACE, position: START_OF_LOG });
    expect(replay.progress()).toEqual({
      file: FILE,
      loop: true,
      pace: DEFAULT_PACE,
      paused: false,
      finished: false,
      loopNumber: 1,
      row: 0,
      byteOffset: 0,
      logTime: null,
      rowsSent: 0,
      rowsRejected: 0,
      chunks: 0,
    });
  });

  it('pauses, resumes and changes pace; the next chunk runs at the new pace', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    replay.pause();
    expect(replay.paused).toBe(true);
    expect(replay.progress().paused).toBe(true);
    replay.resume();
    expect(replay.paused).toBe(false);
    replay.setPace({ mode: 'fixed', rate: 20 });
    expect(replay.progress().pace).toEqual({ mode: 'fixed', rate: 20 });
    expect(replay.nextChunk().pace).toEqual({ mode: 'fixed', rate: 20 });
  });

  it('continues each chunk where the last one stopped and adds up the counts', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    runChunk(replay, 40, 1);
    runChunk(replay, 60, 2);
    expect(replay.nextChunk().position).toEqual({ byteOffset: 10_000, row: 100, lastOriginalTimestamp: T + 100_000, owedDelayMs: 0 });
    expect(replay.progress()).toMatchObject({
      loopNumber: 1,
      row: 100,
      byteOffset: 10_000,
      logTime: new Date(T + 100_000).toISOString(),
      rowsSent: 97,
      rowsRejected: 3,
      chunks: 2,
    });
  });

  it('starts the next loop at the end of the file, keeping the totals', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    runChunk(replay, 30, 1);
    runChunk(replay, 10, 0, true);
    expect(replay.finished).toBe(false);
    expect(replay.nextChunk()).toMatchObject({ loopNumber: 2, position: START_OF_LOG });
    runChunk(replay, 25, 1);
    expect(replay.progress()).toMatchObject({ loopNumber: 2, row: 25, rowsSent: 63, rowsRejected: 2, chunks: 3 });
  });

  it('finishes at the end of the file when not looping', () => {
    const replay = new ClickReplay({ file: FILE, loop: false }, 'run-1');
    runChunk(replay, 30, 0, true);
    expect(replay.finished).toBe(true);
    expect(replay.progress()).toMatchObject({ finished: true, loopNumber: 1, row: 30, rowsSent: 30 });
  });

  it('says when the run is long enough to continue as new', () => {
    const replay = new ClickReplay({ file: FILE, chunksPerRun: 3 }, 'run-1');
    runChunk(replay, 1);
    runChunk(replay, 1);
    expect(replay.runIsLong).toBe(false);
    runChunk(replay, 1);
    expect(replay.runIsLong).toBe(true);
    expect(new ClickReplay({ file: FILE }, 'run-1').runIsLong).toBe(false);
    expect(new ClickReplay({ file: FILE, chunksPerRun: 0 }, 'run-1').runIsLong).toBe(false);
    expect(DEFAULT_CHUNKS_PER_RUN).toBeGreaterThan(100);
  });

  it('carries everything over continue-as-new, and counts the new run afresh', () => {
    const replay = new ClickReplay({ file: FILE, loop: true, pace: { mode: 'max' }, chunksPerRun: 2 }, 'run-1');
    runChunk(replay, 40, 2, true);
    runChunk(replay, 15, 1);
    replay.setPace({ mode: 'original', speed: 120 });
    replay.pause();
    expect(replay.runIsLong).toBe(true);

    // Through JSON, as Temporal carries it.
    const next = new ClickReplay(JSON.parse(JSON.stringify(replay.continueAsNewInput())), 'run-1');
    expect(next.progress()).toEqual(replay.progress());
    expect(next.nextChunk()).toEqual(replay.nextChunk());
    expect(next.paused).toBe(true);
    expect(next.runIsLong).toBe(false);
    runChunk(next, 5);
    expect(next.progress()).toMatchObject({ loopNumber: 2, row: 20, rowsSent: 57, rowsRejected: 3, chunks: 3 });
  });
});

describe('replayClickId', () => {
  it('is the same for the same row of the same loop of the same replay, and only then', () => {
    const ids = ['a', 'b'].flatMap((run) => [1, 2].flatMap((loop) => [1, 2, 12].map((row) => replayClickId(run, loop, row))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(replayClickId('a', 1, 12)).toBe(replayClickId('a', 1, 12));
    expect(replayClickId('a', 11, 2)).not.toBe(replayClickId('a', 1, 12));
  });
});
