import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayClickId, START_OF_LOG, type ReplayChunkResult } from '../../lib/replay/chunk';
import { ClickReplay, DEFAULT_CHUNKS_PER_RUN, DEFAULT_COMMANDS_PER_RUN, PACE_CHANGES_KEPT, type CarriedState } from '../../lib/replay/click-replay';
import { DEFAULT_PACE, delayBeforeNextRow } from '../../lib/replay/pacing';

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
  replay.recordChunk(chunk(replay.startChunk().position, rows, rejected, endOfFile));
}

describe('ClickReplay', () => {
  afterEach(() => vi.useRealTimers());

  it('starts at the top of the log, looping at the default pace', () => {
    vi.useFakeTimers({ now: T });
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    expect(replay.startChunk()).toEqual({ replayId: 'run-1', file: FILE, loopNumber: 1, pace: DEFAULT_PACE, position: START_OF_LOG });
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
      chunkUnderWay: true,
      paceChanges: [{ at: T, pace: DEFAULT_PACE }],
    });
  });

  it('records each pace change at its time, not a refused or repeated one, and keeps the last ten', () => {
    vi.useFakeTimers({ now: T });
    const replay = new ClickReplay({ file: FILE, pace: { mode: 'fixed', rate: 5 } }, 'run-1');
    vi.setSystemTime(T + 60_000);
    replay.setPace({ mode: 'original', speed: 600 });
    vi.setSystemTime(T + 120_000);
    replay.setPace({ mode: 'original', speed: 600 });
    replay.setPace({ mode: 'fixed', rate: -1 });
    expect(replay.progress().paceChanges).toEqual([
      { at: T, pace: { mode: 'fixed', rate: 5 } },
      { at: T + 60_000, pace: { mode: 'original', speed: 600 } },
    ]);

    for (let i = 1; i <= PACE_CHANGES_KEPT; i++) {
      vi.setSystemTime(T + 120_000 + i * 1_000);
      replay.setPace({ mode: 'fixed', rate: i });
    }
    const kept = replay.progress().paceChanges;
    expect(PACE_CHANGES_KEPT).toBe(10);
    expect(kept).toHaveLength(PACE_CHANGES_KEPT);
    expect(kept[0]).toEqual({ at: T + 121_000, pace: { mode: 'fixed', rate: 1 } });
    expect(kept.at(-1)).toEqual({ at: T + 130_000, pace: { mode: 'fixed', rate: 10 } });
  });

  it('takes the state of a run from before pace changes were carried, without inventing one', () => {
    const old: CarriedState = { paused: false, loopNumber: 3, position: START_OF_LOG, rowsSent: 7, rowsRejected: 0, chunks: 2 };
    vi.useFakeTimers({ now: T });
    const replay = new ClickReplay(JSON.parse(JSON.stringify({ file: FILE, pace: { mode: 'max' }, carried: old })), 'run-1');
    expect(replay.progress()).toMatchObject({ loopNumber: 3, rowsSent: 7, paceChanges: [] });
    replay.setPace({ mode: 'fixed', rate: 50 });
    expect(replay.progress().paceChanges).toEqual([{ at: T, pace: { mode: 'fixed', rate: 50 } }]);
  });

  it('says a chunk is under way from its start until its result, paused or not', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    expect(replay.progress().chunkUnderWay).toBe(false);
    const under = replay.startChunk();
    replay.pause();
    expect(replay.progress()).toMatchObject({ paused: true, chunkUnderWay: true });
    replay.recordChunk(chunk(under.position, 5));
    expect(replay.progress()).toMatchObject({ paused: true, chunkUnderWay: false, rowsSent: 5 });
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
    expect(replay.startChunk().pace).toEqual({ mode: 'fixed', rate: 20 });
  });

  it('refuses a pace out of bounds and carries on at the one it had', () => {
    const replay = new ClickReplay({ file: FILE, pace: { mode: 'fixed', rate: 20 } }, 'run-1');
    expect(replay.setPace({ mode: 'fixed', rate: 1e-300 })).toMatchObject({ ok: false, reason: expect.stringContaining('from 0.1 to 100000') });
    expect(replay.setPace({ mode: 'max', rate: 5 })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown field "rate"') });
    expect(replay.startChunk().pace).toEqual({ mode: 'fixed', rate: 20 });
    expect(replay.setPace({ mode: 'original', speed: 600 })).toEqual({ ok: true, value: { mode: 'original', speed: 600 } });
    expect(replay.progress().pace).toEqual({ mode: 'original', speed: 600 });
  });

  it("answers each update with the progress after it; the pace's validator refuses with the parser's reason and counts nothing", () => {
    const replay = new ClickReplay({ file: FILE, commandsPerRun: 3 }, 'run-1');
    replay.startChunk();
    expect(replay.pause()).toMatchObject({ paused: true, chunkUnderWay: true });
    expect(() => replay.validatePace({ mode: 'fixed', rate: 0.01 })).toThrow('rate must be a positive number from 0.1 to 100000 rows per second, got 0.01');
    expect(() => replay.validatePace({ mode: 'max', speed: 60 })).toThrow('unknown field "speed" for mode max: allowed are mode');
    expect(() => replay.validatePace({ mode: 'fixed', rate: 7 })).not.toThrow();
    expect(replay.changePace({ mode: 'fixed', rate: 7 })).toMatchObject({ paused: true, pace: { mode: 'fixed', rate: 7 } });
    expect(replay.commandBudgetSpent).toBe(false);
    expect(replay.resume()).toMatchObject({ paused: false, pace: { mode: 'fixed', rate: 7 } });
    expect(replay.commandBudgetSpent).toBe(true);
  });

  it('after a chunk ends in a gap of 0.01 rows/s, a pace of 60x sends the next row within a second', () => {
    const replay = new ClickReplay({ file: FILE, pace: { mode: 'fixed', rate: 0.01 } }, 'run-1');
    runChunk(replay, 3);
    // The next chunk at 0.01 rows/s ended 1 s into its 100 s gap, as the activity reports it.
    replay.recordChunk({ ...replay.startChunk().position, owedDelayMs: 99_000, sent: 0, rejected: 0, endOfFile: false });
    const slow = replay.startChunk();
    expect(delayBeforeNextRow(slow.pace, slow.position, T + 5_000)).toBe(99_000);

    replay.setPace({ mode: 'original', speed: 60 });
    const fast = replay.startChunk();
    expect(fast.position.owedDelayMs).toBe(99_000);
    expect(delayBeforeNextRow(fast.pace, fast.position, T + 5_000)).toBeCloseTo(2_000 / 60);

    // Paused meanwhile, the replay resumes at the new pace just as soon.
    replay.pause();
    replay.resume();
    const resumed = replay.startChunk();
    expect(delayBeforeNextRow(resumed.pace, resumed.position, T + 5_000)).toBeLessThan(1_000);
  });

  it('says when the run has taken enough commands to continue as new, paused or not, refused paces included', () => {
    const replay = new ClickReplay({ file: FILE, commandsPerRun: 4 }, 'run-1');
    replay.pause();
    replay.setPace({ mode: 'fixed', rate: 1e-300 });
    replay.resume();
    expect(replay.commandBudgetSpent).toBe(false);
    replay.pause();
    expect(replay.commandBudgetSpent).toBe(true);
    expect(replay.runIsLong).toBe(false);

    const next = new ClickReplay(JSON.parse(JSON.stringify(replay.continueAsNewInput())), 'run-1');
    expect(next.paused).toBe(true);
    expect(next.commandBudgetSpent).toBe(false);
    for (let i = 0; i < 3; i++) next.setPace({ mode: 'max' });
    expect(next.commandBudgetSpent).toBe(false);
    next.resume();
    expect(next.commandBudgetSpent).toBe(true);
    expect(new ClickReplay({ file: FILE, commandsPerRun: 0 }, 'run-1').commandBudgetSpent).toBe(false);
    expect(DEFAULT_COMMANDS_PER_RUN).toBe(500);
  });

  it('continues each chunk where the last one stopped and adds up the counts', () => {
    const replay = new ClickReplay({ file: FILE }, 'run-1');
    runChunk(replay, 40, 1);
    runChunk(replay, 60, 2);
    expect(replay.startChunk().position).toEqual({ byteOffset: 10_000, row: 100, lastOriginalTimestamp: T + 100_000, owedDelayMs: 0 });
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
    expect(replay.startChunk()).toMatchObject({ loopNumber: 2, position: START_OF_LOG });
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
    vi.useFakeTimers({ now: T });
    const replay = new ClickReplay({ file: FILE, loop: true, pace: { mode: 'max' }, chunksPerRun: 2 }, 'run-1');
    runChunk(replay, 40, 2, true);
    runChunk(replay, 15, 1);
    vi.setSystemTime(T + 5_000);
    replay.setPace({ mode: 'original', speed: 120 });
    replay.pause();
    expect(replay.runIsLong).toBe(true);

    // Through JSON, as Temporal carries it.
    const next = new ClickReplay(JSON.parse(JSON.stringify(replay.continueAsNewInput())), 'run-1');
    vi.setSystemTime(T + 9_000);
    expect(next.progress()).toEqual(replay.progress());
    expect(next.progress().paceChanges).toEqual([
      { at: T, pace: { mode: 'max' } },
      { at: T + 5_000, pace: { mode: 'original', speed: 120 } },
    ]);
    expect(next.startChunk()).toEqual(replay.startChunk());
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
