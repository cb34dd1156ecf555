/**
 * The stream consumers workflow on the time-skipping test server, with plain mocked consumer
 * activities: one activity per consumer on its kind's task queue, a failed or silent attempt
 * retried with the same index and its last heartbeat, and a cancel that waits for the consumers to
 * stop. And hostConsumer, the activities' wrapper, in a MockActivityEnvironment.
 *
 * The test server skips no time while an activity is outstanding (an activity's timeouts run in
 * real time), and these consumers never end: so the retry backoff (1 s) and the heartbeat timeout
 * (15 s, fixed in the workflow) are waited out in real time here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { hostConsumer } from '../../activities/stream-consumer-activities';
import type { ConsumerKind } from '../../lib/consumer-kinds';
import type { ConsumerRun } from '../../lib/consumer-run';
import { consumerTaskQueue } from '../../lib/task-queues';
import type { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { bundle, eventually, outcome, uniqueName, useTestServer } from './support';

const taskQueue = 'stream-consumers-test';
const KINDS: ConsumerKind[] = ['enrichment', 'detection'];

/** One call of a mocked consumer activity, as it saw itself. */
interface Call {
  workflowId: string;
  /** The stage it was asked to run. */
  kind: ConsumerKind;
  taskQueue: string;
  index: number;
  attempt: number;
  /** The last heartbeat of the attempt before, as Temporal hands it to this one. */
  resumedFrom: unknown;
  /** Set when the attempt saw its cancellation. */
  cancelled: boolean;
  /** Set when the attempt ended, one way or another. */
  ended: boolean;
}

/** What an attempt does: given its record and context; it ends when the promise settles. */
type Behaviour = (call: Call, ctx: Context) => Promise<void>;

const calls: Call[] = [];
const behaviours = new Map<string, Behaviour>();

/** A consumer as hostConsumer runs one: heartbeats its position often, until cancelled. */
const liveConsumer =
  (onCancel: () => Promise<void> = async () => {}): Behaviour =>
  async (call, ctx) => {
    let position = 0;
    const ticker = setInterval(() => ctx.heartbeat({ position: `${call.index}:${++position}` }), 100);
    try {
      await new Promise((resolve) => ctx.cancellationSignal.addEventListener('abort', resolve, { once: true }));
    } finally {
      clearInterval(ticker);
    }
    call.cancelled = true;
    await onCancel();
    throw new CancelledFailure('consumer cancelled by its workflow');
  };

async function consumer(kind: ConsumerKind, index: number): Promise<void> {
  const ctx = Context.current();
  const { workflowExecution, taskQueue: queue, attempt, heartbeatDetails } = ctx.info;
  const call: Call = {
    workflowId: workflowExecution?.workflowId ?? '',
    kind,
    taskQueue: queue,
    index,
    attempt,
    resumedFrom: heartbeatDetails,
    cancelled: false,
    ended: false,
  };
  calls.push(call);
  try {
    await (behaviours.get(call.workflowId) ?? liveConsumer())(call, ctx);
  } finally {
    call.ended = true;
  }
}

const activities = { runStage: consumer };

// Heartbeats reach the server at once, and so do cancellations, which answer them.
const heartbeats = { defaultHeartbeatThrottleInterval: '50ms', maxHeartbeatThrottleInterval: '50ms' } as const;
const testEnv = useTestServer([
  { taskQueue, workflowBundle: bundle() },
  ...KINDS.map((kind) => ({ taskQueue: consumerTaskQueue(taskQueue, kind), activities, ...heartbeats })),
]);
let env: TestWorkflowEnvironment;
beforeAll(() => {
  env = testEnv();
});

async function start(kind: ConsumerKind, consumers: number, behaviour?: Behaviour): Promise<WorkflowHandle<typeof streamConsumersWorkflow>> {
  const workflowId = uniqueName(`stream-consumers-${kind}`);
  if (behaviour) behaviours.set(workflowId, behaviour);
  return env.client.workflow.start<typeof streamConsumersWorkflow>('streamConsumersWorkflow', { taskQueue, workflowId, args: [{ kind, consumers }] });
}

const callsOf = (handle: WorkflowHandle) => calls.filter((c) => c.workflowId === handle.workflowId);
const statusOf = async (handle: WorkflowHandle) => (await handle.describe()).status.name;
const waitFor = <T>(what: string, probe: () => T | undefined, timeoutMs = 10_000) => eventually(what, probe, timeoutMs);

/** Cancels the workflow and waits for its consumers to have stopped and the workflow to end cancelled. */
async function cancelAndWait(handle: WorkflowHandle): Promise<void> {
  await handle.cancel();
  const { status, error } = await outcome(handle);
  expect(status).toBe('CANCELLED');
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
}

describe('stream consumers workflow', () => {
  it("runs one consumer activity per index, on its kind's task queue, for as long as it runs", async () => {
    const enrichment = await start('enrichment', 3);
    const detection = await start('detection', 2);
    await waitFor('five consumers', () => (callsOf(enrichment).length + callsOf(detection).length === 5 ? true : undefined));
    // A while later the same consumers still run: nothing restarts a live one.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const seen = (h: WorkflowHandle) => callsOf(h).map(({ kind, taskQueue, index, attempt, ended }) => ({ kind, taskQueue, index, attempt, ended }));
    expect(seen(enrichment).sort((a, b) => a.index - b.index)).toEqual(
      [0, 1, 2].map((index) => ({ kind: 'enrichment', taskQueue: `${taskQueue}-enrichment`, index, attempt: 1, ended: false })),
    );
    expect(seen(detection).sort((a, b) => a.index - b.index)).toEqual(
      [0, 1].map((index) => ({ kind: 'detection', taskQueue: `${taskQueue}-detection`, index, attempt: 1, ended: false })),
    );
    expect([await statusOf(enrichment), await statusOf(detection)]).toEqual(['RUNNING', 'RUNNING']);
    await Promise.all([cancelAndWait(enrichment), cancelAndWait(detection)]);
    expect([...callsOf(enrichment), ...callsOf(detection)].map((c) => c.cancelled)).toEqual([true, true, true, true, true]);
  });

  it('retries a consumer that failed, with the same index, and keeps the others running', async () => {
    const handle = await start('enrichment', 2, async (call, ctx) => {
      if (call.index === 1 && call.attempt === 1) throw ApplicationFailure.retryable(`consumer ${call.index} lost its Kafka connection`);
      return liveConsumer()(call, ctx);
    });
    // The retry follows after the workflow's initial interval, 1 s.
    await waitFor('the second attempt of consumer 1', () => (callsOf(handle).some((c) => c.index === 1 && c.attempt === 2) ? true : undefined));

    expect(
      callsOf(handle)
        .map(({ index, attempt, ended }) => ({ index, attempt, ended }))
        .sort((a, b) => a.index - b.index || a.attempt - b.attempt),
    ).toEqual([
      { index: 0, attempt: 1, ended: false },
      { index: 1, attempt: 1, ended: true },
      { index: 1, attempt: 2, ended: false },
    ]);
    expect(await statusOf(handle)).toBe('RUNNING');
    await cancelAndWait(handle);
  });

  it('starts a consumer again when its heartbeats stop, from its last heartbeat', { timeout: 40_000 }, async () => {
    const handle = await start('detection', 1, async (call, ctx) => {
      if (call.attempt > 1) return liveConsumer()(call, ctx);
      // The first attempt heartbeats once, then hangs (its worker is gone, as far as Temporal knows).
      ctx.heartbeat({ position: 'before-the-hang' });
      await new Promise((resolve) => ctx.cancellationSignal.addEventListener('abort', resolve, { once: true }));
    });
    await waitFor('the first attempt', () => (callsOf(handle).length === 1 ? true : undefined));
    // 15 s without a heartbeat time the attempt out (in real time, see above); the retry follows 1 s later.
    const retry = await waitFor('the second attempt', () => callsOf(handle).find((c) => c.attempt === 2), 30_000);

    expect(retry).toMatchObject({ index: 0, kind: 'detection', resumedFrom: { position: 'before-the-hang' } });
    expect(await statusOf(handle)).toBe('RUNNING');
    await cancelAndWait(handle);
  });

  it('a cancel waits until every consumer has stopped', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handle = await start(
      'enrichment',
      2,
      liveConsumer(() => released),
    );
    await waitFor('two consumers', () => (callsOf(handle).length === 2 ? true : undefined));

    await handle.cancel();
    await waitFor('both consumers told to stop', () => (callsOf(handle).every((c) => c.cancelled) ? true : undefined));
    // They have not stopped yet: the workflow waits for them (WAIT_CANCELLATION_COMPLETED).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await statusOf(handle)).toBe('RUNNING');
    expect(callsOf(handle).map((c) => c.ended)).toEqual([false, false]);

    release();
    await cancelAndWait(handle);
    expect(callsOf(handle).map((c) => c.ended)).toEqual([true, true]);
  });
});

describe("hostConsumer, the consumer activities' host", () => {
  const quiet = new DefaultLogger('ERROR');
  /** A consumer that records its heartbeats' details and stops when `stop` says so. */
  function fakeConsumer(stop: (run: ConsumerRun) => Promise<void>) {
    return (run: ConsumerRun) => {
      run.heartbeat({ position: 7 });
      return stop(run);
    };
  }

  it("heartbeats the attempt's carried position at once, then the consumer's, and stops on cancellation", async () => {
    const env = new MockActivityEnvironment({ activityType: 'runStage', heartbeatDetails: { position: 3 } }, { logger: quiet });
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const result = env.run(
      hostConsumer,
      fakeConsumer((run) => new Promise((resolve) => run.signal.addEventListener('abort', () => resolve(), { once: true }))),
    );
    await eventually("the consumer's heartbeat", () => (heartbeats.length >= 2 ? true : undefined));
    env.cancel();

    await expect(result).rejects.toBeInstanceOf(CancelledFailure);
    expect(heartbeats.slice(0, 2)).toEqual([{ position: 3 }, { position: 7 }]);
  });

  it('fails retryably when the consumer stops by itself, so Temporal starts it again', async () => {
    const env = new MockActivityEnvironment({ activityType: 'runStage' }, { logger: quiet });
    const failure: unknown = await env
      .run(
        hostConsumer,
        fakeConsumer(async () => {}),
      )
      .catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: false, message: expect.stringContaining('runStage stopped') });
  });
});
