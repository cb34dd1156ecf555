/**
 * The replay workflow on the time-skipping test server, its chunk activity mocked: chunks chained
 * by position, pause and resume between chunks, a new pace at the next chunk, by update (the
 * commands clients send) and by signal (what older clients sent), continue-as-new after its chunks
 * or (while paused) after its commands, each run carrying where the replay stands.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { ReplayActivities } from '../../activities/replay/replay-activities';
import type { ReplayChunkInput, ReplayChunkResult } from '../../lib/replay/chunk';
import type { ReplayClicksInput, ReplayProgress } from '../../lib/replay/click-replay';
import {
  pauseReplaySignal,
  pauseReplayUpdate,
  replayProgressQuery,
  resumeReplaySignal,
  resumeReplayUpdate,
  setReplayPaceUpdate,
  setReplaySpeedSignal,
} from '../../lib/replay/messages';
import { DEFAULT_PACE } from '../../lib/replay/pacing';
import type { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { replayCommandsBy } from '../replay-commands';
import { bundle, eventually, outcome, runChain, uniqueName, useTestServer } from './support';

const taskQueue = 'replay-clicks-test';
const ROWS_PER_CHUNK = 10;

interface ChunkCall {
  workflowId: string;
  attempt: number;
  input: ReplayChunkInput;
}

const calls: ChunkCall[] = [];
/** Chunks each workflow may complete; a chunk past that waits (running, heartbeating) until allowed. */
const allowed = new Map<string, number>();
const completed = new Map<string, number>();
/** Per workflow: what an attempt does before its chunk, e.g. fail. */
const failures = new Map<string, (call: ChunkCall) => void>();

/**
 * A click log of `clicks-<rows>.csv` rows, ten per chunk, one rejected in each chunk of the second
 * loop: the result follows from the input's position alone, as the real chunk's does.
 */
const activities: ReplayActivities = {
  async replayChunk(input): Promise<ReplayChunkResult> {
    const ctx = Context.current();
    const call: ChunkCall = { workflowId: ctx.info.workflowExecution?.workflowId ?? '', attempt: ctx.info.attempt, input };
    calls.push(call);
    failures.get(call.workflowId)?.(call);
    while ((completed.get(call.workflowId) ?? 0) >= (allowed.get(call.workflowId) ?? Infinity)) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      ctx.heartbeat();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    completed.set(call.workflowId, (completed.get(call.workflowId) ?? 0) + 1);
    const rows = Number(/(\d+)\.csv$/.exec(input.file)?.[1]);
    const row = Math.min(rows, input.position.row + ROWS_PER_CHUNK);
    const read = row - input.position.row;
    const rejected = input.loopNumber === 2 ? 1 : 0;
    return { byteOffset: row * 100, row, lastOriginalTimestamp: 1_000 * row, owedDelayMs: 0, sent: read - rejected, rejected, endOfFile: row === rows };
  },
};

const testEnv = useTestServer([{ taskQueue, workflowBundle: bundle(), activities }]);
let env: TestWorkflowEnvironment;
beforeAll(() => {
  env = testEnv();
});

async function start(
  input: ReplayClicksInput,
  chunksAllowed = Infinity,
  fail?: (call: ChunkCall) => void,
): Promise<{ handle: WorkflowHandle<typeof replayClicksWorkflow>; firstRunId: string }> {
  const workflowId = uniqueName('replay');
  allowed.set(workflowId, chunksAllowed);
  if (fail) failures.set(workflowId, fail);
  const started = await env.client.workflow.start<typeof replayClicksWorkflow>('replayClicksWorkflow', { taskQueue, workflowId, args: [input] });
  // Not bound to the first run: signals and queries go to whichever run is current.
  return { handle: env.client.workflow.getHandle<typeof replayClicksWorkflow>(workflowId), firstRunId: started.firstExecutionRunId };
}

const allow = (handle: WorkflowHandle, more: number) => allowed.set(handle.workflowId, (allowed.get(handle.workflowId) ?? 0) + more);
const callsOf = (handle: WorkflowHandle) => calls.filter((c) => c.workflowId === handle.workflowId);
const rowsAsked = (handle: WorkflowHandle) => callsOf(handle).map((c) => c.input.position.row);
const progressOf = (handle: WorkflowHandle) => handle.query(replayProgressQuery);

async function chunksAsked(handle: WorkflowHandle, count: number): Promise<void> {
  await eventually(`${count} chunks asked for`, () => (callsOf(handle).length >= count ? true : undefined));
}

/** The progress once `probe` holds for it. */
async function progressWhen(handle: WorkflowHandle, what: string, probe: (p: Awaited<ReturnType<typeof progressOf>>) => boolean) {
  return eventually(what, async () => {
    const progress = await progressOf(handle);
    return probe(progress) ? progress : undefined;
  });
}

describe('replay workflow', () => {
  it('replays the log chunk after chunk, each from where the one before ended, and finishes when not looping', async () => {
    const { handle, firstRunId } = await start({ file: 'clicks-30.csv', loop: false });
    const { status, result: progress } = await outcome(handle);
    expect(status).toBe('COMPLETED');

    const { paceChanges, ...rest } = progress as ReplayProgress;
    expect(rest).toEqual({
      file: 'clicks-30.csv',
      loop: false,
      pace: DEFAULT_PACE,
      paused: false,
      finished: true,
      loopNumber: 1,
      row: 30,
      byteOffset: 3_000,
      logTime: new Date(30_000).toISOString(),
      rowsSent: 30,
      rowsRejected: 0,
      chunks: 3,
      chunkUnderWay: false,
    });
    // The pace it started at, at the workflow's start.
    expect(paceChanges).toEqual([{ at: expect.any(Number), pace: DEFAULT_PACE }]);
    expect(rowsAsked(handle)).toEqual([0, 10, 20]);
    // Click ids stay unique per replay: every chunk carries the first run's id.
    expect(callsOf(handle).map((c) => [c.input.replayId, c.input.loopNumber, c.input.pace])).toEqual(Array(3).fill([firstRunId, 1, DEFAULT_PACE]));
  });

  it('pauses between chunks, however long, and resumes where it stopped at the pace signalled meanwhile', async () => {
    const { handle } = await start({ file: 'clicks-1000.csv' }, 2);
    await chunksAsked(handle, 3); // the third waits
    await handle.signal(pauseReplaySignal);
    allow(handle, 1);
    const paused = await progressWhen(handle, 'paused after the third chunk', (p) => p.paused && p.chunks === 3);
    expect(paused).toMatchObject({ row: 30, rowsSent: 30 });

    // An hour paused, in no time: no chunk is asked for.
    const before = await env.currentTimeMs();
    await env.sleep('1 hour');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callsOf(handle)).toHaveLength(3);

    await handle.signal(setReplaySpeedSignal, { mode: 'fixed', rate: 50 });
    await handle.signal(setReplaySpeedSignal, { mode: 'fixed', rate: 1e9 }); // out of bounds: ignored
    expect(await progressWhen(handle, 'the new pace', (p) => p.pace.mode === 'fixed')).toMatchObject({ pace: { mode: 'fixed', rate: 50 }, paused: true });
    await handle.signal(resumeReplaySignal);
    await chunksAsked(handle, 4);

    expect(callsOf(handle)[3]?.input).toMatchObject({ pace: { mode: 'fixed', rate: 50 }, position: { row: 30, byteOffset: 3_000 }, loopNumber: 1 });
    expect(
      callsOf(handle)
        .slice(0, 3)
        .map((c) => c.input.pace),
    ).toEqual(Array(3).fill(DEFAULT_PACE));
    expect(await progressOf(handle)).toMatchObject({ paused: false, chunks: 3 });
    await handle.terminate('test over');
  });

  for (const by of ['signals', 'updates'] as const) {
    it(`continues as new while paused once its commands (here ${by}) are spent; the next run stays paused where it stood`, async () => {
      const { handle, firstRunId } = await start({ file: 'clicks-1000.csv', commandsPerRun: 3 }, 1);
      const send = replayCommandsBy[by](handle);
      await chunksAsked(handle, 2);
      await send.pause();
      allow(handle, 1);
      await progressWhen(handle, 'paused after two chunks', (p) => p.paused && p.chunks === 2);
      await send.pace({ mode: 'max' });
      await send.pace({ mode: 'original', speed: 10 }); // the third command ends the run

      const secondRunId = await eventually('a second run', async () => {
        const { runId } = await handle.describe();
        return runId !== firstRunId ? runId : undefined;
      });
      expect(await env.client.workflow.getHandle(handle.workflowId, firstRunId).describe()).toMatchObject({ status: { name: 'CONTINUED_AS_NEW' } });
      expect(await progressOf(handle)).toMatchObject({ paused: true, chunks: 2, row: 20, rowsSent: 20, pace: { mode: 'original', speed: 10 } });
      expect(callsOf(handle)).toHaveLength(2);

      await send.resume();
      await chunksAsked(handle, 3);
      expect(callsOf(handle)[2]?.input).toEqual({
        replayId: firstRunId,
        file: 'clicks-1000.csv',
        loopNumber: 1,
        pace: { mode: 'original', speed: 10 },
        position: { byteOffset: 2_000, row: 20, lastOriginalTimestamp: 20_000, owedDelayMs: 0 },
      });
      expect((await handle.describe()).runId).toBe(secondRunId);

      // The first run's history, its commands and the continue-as-new while paused, replays with this code.
      const [first] = await runChain(env.client, handle.workflowId, firstRunId);
      const replays = [];
      for await (const r of Worker.runReplayHistories({ workflowBundle: bundle() }, [{ workflowId: handle.workflowId, history: first!.history }]))
        replays.push(r.error?.message ?? 'ok');
      expect(replays).toEqual(['ok']);
      await handle.terminate('test over');
    });
  }

  it('pauses, resumes and changes pace by update, each answering with its progress; a bad pace is refused before the history', async () => {
    const { handle } = await start({ file: 'clicks-1000.csv' }, 2);
    await chunksAsked(handle, 3); // the third waits
    // The pause lands when the chunk under way ends: the answer says so.
    expect(await handle.executeUpdate(pauseReplayUpdate)).toMatchObject({ paused: true, chunkUnderWay: true, chunks: 2 });
    allow(handle, 1);
    await progressWhen(handle, 'paused after the third chunk', (p) => p.paused && p.chunks === 3);

    const refused = await handle.executeUpdate(setReplayPaceUpdate, { args: [{ mode: 'fixed', rate: 1e9 }] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toBe('rate must be a positive number from 0.1 to 100000 rows per second, got 1000000000');
    expect(await handle.executeUpdate(setReplayPaceUpdate, { args: [{ mode: 'fixed', rate: 50 }] })).toMatchObject({
      paused: true,
      chunks: 3,
      pace: { mode: 'fixed', rate: 50 },
    });
    expect(await handle.executeUpdate(resumeReplayUpdate)).toMatchObject({ paused: false, chunks: 3, row: 30 });
    await chunksAsked(handle, 4);
    expect(callsOf(handle)[3]?.input).toMatchObject({ pace: { mode: 'fixed', rate: 50 }, position: { row: 30, byteOffset: 3_000 } });

    // Three updates in the history: the validator refused the fourth before it got there.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(3);
    await handle.terminate('test over');
  });

  it('continues as new every chunksPerRun chunks, carrying position, loop and totals', async () => {
    const { handle, firstRunId } = await start({ file: 'clicks-50.csv', chunksPerRun: 2 }, 7);
    await chunksAsked(handle, 8); // seven done, the eighth waits
    const progress = await progressWhen(handle, 'seven chunks', (p) => p.chunks === 7);

    // Five chunks of the first loop, then two of the second, each rejecting one row.
    expect(rowsAsked(handle)).toEqual([0, 10, 20, 30, 40, 0, 10, 20]);
    expect(callsOf(handle).map((c) => c.input.loopNumber)).toEqual([1, 1, 1, 1, 1, 2, 2, 2]);
    expect(progress).toMatchObject({ loopNumber: 2, row: 20, rowsSent: 68, rowsRejected: 2, chunks: 7, paused: false });
    expect(new Set(callsOf(handle).map((c) => c.input.replayId))).toEqual(new Set([firstRunId]));
    // A run per two chunks: the fourth run asked for the seventh and eighth.
    const runs = await runChain(env.client, handle.workflowId, firstRunId);
    expect(runs).toHaveLength(4);
    await handle.terminate('test over');
  });

  it('retries a failed chunk from the same position; a problem of the log itself fails the replay', async () => {
    const retried = await start({ file: 'clicks-20.csv', loop: false }, Infinity, (call) => {
      if (call.input.position.row === 10 && call.attempt === 1) throw ApplicationFailure.retryable('Kafka is restarting');
    });
    const broken = await start({ file: 'clicks-20.csv', loop: false }, Infinity, (call) => {
      if (call.input.position.row === 10) throw ApplicationFailure.nonRetryable('row 11 has no timestamp', 'BadClickLog');
    });

    expect(await outcome(retried.handle)).toMatchObject({ status: 'COMPLETED', result: { finished: true, rowsSent: 20, chunks: 2 } });
    expect(callsOf(retried.handle).map((c) => [c.input.position.row, c.attempt])).toEqual([
      [0, 1],
      [10, 1],
      [10, 2],
    ]);
    expect(callsOf(retried.handle)[2]?.input).toEqual(callsOf(retried.handle)[1]?.input);

    const { status, error: failure } = await outcome(broken.handle);
    expect(status).toBe('FAILED');
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(ActivityFailure);
    expect((failure as WorkflowFailedError).cause?.cause).toMatchObject({ message: 'row 11 has no timestamp', type: 'BadClickLog' });
    expect(callsOf(broken.handle).map((c) => [c.input.position.row, c.attempt])).toEqual([
      [0, 1],
      [10, 1],
    ]);
  });

  it('refuses to start at a pace out of bounds, before any chunk', async () => {
    const { handle } = await start({ file: 'clicks-20.csv', pace: { mode: 'fixed', rate: 0 } });
    const { status, error: failure } = await outcome(handle);
    expect(status).toBe('FAILED');

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      message: expect.stringContaining('invalid pace: rate must be a positive number'),
      nonRetryable: true,
    });
    expect(callsOf(handle)).toEqual([]);
  });
});
