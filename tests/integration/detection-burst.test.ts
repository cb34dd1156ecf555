/**
 * A burst of new visitors against offer detection as `make up` runs it: the orchestrator process
 * (control and visitor Workers) and a detection worker process whose feed the stream-consumers
 * workflow hosts. 2,000 distinct visitors who can all start an offer sequence click at once (the
 * benchmark's burst phase makes it 3,000), while visitors already browsing click on to an offer.
 * Before the fix a batch of signal-with-starts outlasted the Kafka session, the feed lost its group
 * membership and fell minutes behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionFeedTotals } from '../../activities/detection/run-detection-feed';
import { defaultPayloadConverter } from '@temporalio/client';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { consumerActivity, probeAllWorkers } from '../../clients/probes';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { spreadIdleTimeoutMs } from '../../lib/offers/idle-spread';
import { VISITOR_OFFER_WORKFLOW, visitorOfferWorkflowId, visitorStateQuery } from '../../lib/offers/messages';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { parseOffer, type EnrichedClick } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { eventually, isolatedEnv, WorkerProcess } from './pipeline-support';
import { scriptedClick, uniqueName } from './support';

const BURST = 2_000;
/** Steady visitors, browsing before the burst; one finishes a clothing-shoes-clothing sequence every STEADY_GAP_MS from the burst on. */
const STEADY = 10;
const STEADY_GAP_MS = 2_000;
/** A steady visitor's click to offer, at most, during the burst: running visitors go ahead of its starts. */
const STEADY_OFFER_MS = 3_000;
/**
 * New visitors' workflows start as fast as the visitors' Worker takes them in: 10 to 20 a second
 * on 2 busy cores, fewer when other work shares them. So the drain is bounded by its progress (the
 * uncommitted count must go down at least once every DRAIN_STALL_MS), and in all by the test's timeout.
 */
const DRAIN_STALL_MS = 60_000;
const TEST_TIMEOUT_MS = 600_000;
const BURST_CATEGORIES = ['clothing', 'shoes', 'handbags', 'books'];
const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

const dir = mkdtempSync(join(tmpdir(), 'detection-burst-'));
// Two partitions: a batch holds half the burst, far more signals than fit in one Kafka session.
const env = { ...isolatedEnv(join(dir, 'state'), dir, 8), KAFKA_PARTITIONS: '2' };
const config = loadConfig(env);
const { input: enriched, groupId: detectionGroup } = stageSpec(config, 'detection');
const { offers: offersTopic, deadLetter } = config.kafka.topics;
const kafka = createKafka(config.kafka, 'test');
const redis = createRedis(config.redis);
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
const offerReader = kafka.consumer({ groupId: uniqueName('it-burst-offers'), maxWaitTimeInMs: 50 });
const client = await connectTemporal(config.temporal);
const processes = [
  new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' }),
  new WorkerProcess('detection', ['workers/stream-worker.ts', 'detection'], { ...env, WORKER_NAME: 'detection-1' }),
];
const consumersWorkflowId = `${config.temporal.taskQueue}-detection`;
/** When each offer arrived, by visitor. */
const offerArrivals = new Map<string, number[]>();

/** The feed's consumer activity: its attempt (1: never failed) and the totals of its last heartbeat. */
async function feed(): Promise<{ attempt: number; totals: DetectionFeedTotals | undefined }> {
  const { attempt, details } = await consumerActivity<DetectionFeedTotals>(client, consumersWorkflowId);
  return { attempt, totals: details };
}

/** Messages on the enriched topic the feed's group has not committed yet. */
async function feedLag(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(enriched), admin.fetchOffsets({ groupId: detectionGroup, topics: [enriched] })]);
    const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((lag, p) => lag + Number(p.high) - Math.max(0, at.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

const durationMs = (d: { seconds?: { toString(): string } | null; nanos?: number | null }) =>
  Number(d.seconds?.toString() ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);

const send = (clicks: EnrichedClick[]) => producer.send({ topic: enriched, messages: clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c) })) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A steady visitor, a man of 40: clothing, then shoes and other clothing a second apart. */
const steadyClick = (userId: string, step: number) =>
  scriptedClick({
    clickId: `${userId}-${step}`,
    userId,
    productId: ['A', 'S', 'B'][step]!,
    category: ['clothing', 'shoes', 'clothing'][step]!,
    gender: 'M',
    age: 40,
    timestamp: T0 + step * MINUTE,
  });

/** The rest of a steady visitor's sequence; resolves with when the third click was sent. */
async function finishSequence(userId: string): Promise<number> {
  await send([steadyClick(userId, 1)]);
  await sleep(1_000);
  await send([steadyClick(userId, 2)]);
  return performance.now();
}

describe('a burst of new visitors', () => {
  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, [enriched, offersTopic, deadLetter]);
    await redis.flushdb();
    await producer.connect();
    await offerReader.connect();
    await offerReader.subscribe({ topic: offersTopic, fromBeginning: true });
    await offerReader.run({
      eachMessage: async ({ message }) => {
        const offer = parseOffer(message.value?.toString() ?? '');
        if (offer.ok) offerArrivals.set(offer.value.userId, [...(offerArrivals.get(offer.value.userId) ?? []), performance.now()]);
      },
    });
    await Promise.all(processes.map((p) => p.start()));
    await client.workflow.start(streamConsumersWorkflow, {
      taskQueue: config.temporal.taskQueue,
      workflowId: consumersWorkflowId,
      args: [{ kind: 'detection', consumers: 1 }],
    });
    await eventually('the feed in its group', async () => ((await feed()).totals?.groupJoins === 1 ? true : undefined), 60_000);
    // Health (`make status`, /api/health) sees both of the orchestrator's Workers.
    const health = await probeAllWorkers(config);
    expect(health.orchestrator).toMatchObject({
      up: true,
      taskQueue: config.temporal.taskQueue,
      workers: [expect.stringMatching(/^orchestrator \(pid \d+ on .+\)$/)],
    });
    expect(health.visitors).toMatchObject({
      up: true,
      taskQueue: config.temporal.visitorTaskQueue,
      workers: [expect.stringMatching(/^orchestrator visitors \(pid \d+ on .+\)$/)],
    });
    expect(health.detection.up).toBe(true);
  });

  afterAll(async () => {
    await client.workflow
      .getHandle(consumersWorkflowId)
      .terminate('test over')
      .catch(() => {});
    // Thousands of visitor workflows: one batch operation of the server rather than a call each.
    const temporal = resolve(config.toolsDir, 'bin', 'temporal');
    const query = `TaskQueue = '${config.temporal.visitorTaskQueue}' AND ExecutionStatus = 'Running'`;
    spawnSync(temporal, ['workflow', 'terminate', '--query', query, '--reason', 'test over', '--yes', '--address', config.temporal.address], {
      stdio: 'ignore',
    });
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all([producer.disconnect(), offerReader.disconnect()]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [enriched, offersTopic, deadLetter] }).catch(() => {});
    await admin.disconnect();
    await client.connection.close();
    await redis.flushdb();
    redis.disconnect();
  });

  it(
    "keeps the feed in its group, signals every visitor, and makes the steady visitors' offers quickly during the burst",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      // Visitors already browsing when the burst comes: each has viewed clothing.
      const steady = Array.from({ length: STEADY }, (_, i) => uniqueName(`steady-${i}`));
      await send(steady.map((userId) => steadyClick(userId, 0)));
      for (const userId of steady) {
        await eventually(
          `${userId} browsing`,
          async () =>
            (
              await client.workflow
                .getHandle(visitorOfferWorkflowId(userId))
                .query(visitorStateQuery)
                .catch(() => undefined)
            )?.state === 'clothes_visited'
              ? true
              : undefined,
          20_000,
        );
      }
      // New visitors, each of a demographic that can start a sequence, viewing what shoppers view:
      // one in four clothing (a sequence starts, and its transition is logged), the others not.
      const crowd = Array.from({ length: BURST }, (_, i) => `burst-${i}-${uniqueName('v')}`);
      const burstClicks = crowd.map((userId, i) => {
        const category = BURST_CATEGORIES[i % BURST_CATEGORIES.length]!;
        return scriptedClick({ clickId: `${userId}-1`, userId, productId: category, category, gender: 'M', age: 40, timestamp: T0 });
      });
      const burstStart = performance.now();
      const written = (async () => {
        for (let i = 0; i < burstClicks.length; i += 500) await send(burstClicks.slice(i, i + 500));
        return performance.now() - burstStart;
      })();
      const thirdClickSent = Promise.all(steady.map(async (userId, i) => (await sleep(i * STEADY_GAP_MS), [userId, await finishSequence(userId)] as const)));

      // A control workflow's task while the visitors' queue is full: the built-in stack trace query.
      const controlQueryMs: number[] = [];
      const probing = (async () => {
        while (controlQueryMs.length < 10) {
          const asked = performance.now();
          await client.workflow.getHandle(consumersWorkflowId).query('__stack_trace');
          controlQueryMs.push(performance.now() - asked);
          await sleep(2_000);
        }
      })();

      const writtenMs = await written;
      let allSent = false;
      const sentAt = thirdClickSent.then((sent) => ((allSent = true), new Map(sent)));
      // The feed's uncommitted clicks, every 250 ms from the burst on, until it has committed them all.
      const lags: number[] = [];
      const drained = (async () => {
        let progressAt = performance.now();
        for (;;) {
          const lag = await feedLag().catch(() => undefined);
          if (lag !== undefined) {
            if (allSent && lag === 0) return performance.now() - burstStart;
            if (!allSent || lag < (lags.at(-1) ?? Infinity)) progressAt = performance.now();
            lags.push(lag);
          }
          if (performance.now() - progressAt > DRAIN_STALL_MS) {
            throw new Error(
              `the feed committed nothing for ${DRAIN_STALL_MS} ms with ${lags.at(-1)} clicks uncommitted; the feed's activity: ${JSON.stringify(await feed())}`,
            );
          }
          await sleep(250);
        }
      })();
      await eventually("every steady visitor's offer", async () => (allSent && steady.every((v) => offerArrivals.has(v)) ? true : undefined), 60_000);
      // What of the burst the feed had still to hand over when the last steady visitor's offer came.
      const burstLeft = lags.at(-1)!;
      const thirdClickAt = await sentAt;
      const latencies = steady.map((v) => offerArrivals.get(v)![0]! - thirdClickAt.get(v)!);
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(
        `[burst] steady visitors' click to offer: ${sorted.map((ms) => Math.round(ms)).join(', ')} ms (p50 ${Math.round(sorted[Math.floor(STEADY / 2)]!)} ms, ` +
          `max ${Math.round(sorted[STEADY - 1]!)} ms), the last with ${burstLeft} clicks of the burst still uncommitted`,
      );
      const drainedMs = await drained;
      await probing;

      const forwarded = BURST + 3 * STEADY;
      // Activity heartbeats reach the server throttled: the last totals come within seconds.
      const { attempt, totals } = await eventually(
        "the feed's final totals",
        async () => {
          const f = await feed();
          return (f.totals?.forwarded ?? 0) >= forwarded ? f : undefined;
        },
        30_000,
      );
      // A batch holds about half the burst: a commit between a half and all of it uncommitted came mid-batch.
      const midBatchLags = lags.filter((lag) => lag > 0.55 * BURST && lag < 0.95 * BURST);
      console.log(
        `[burst] ${BURST} visitors written in ${Math.round(writtenMs)} ms, all committed ${(drainedMs / 1000).toFixed(1)} s after the burst began ` +
          `(${midBatchLags.length} of ${lags.length} samples of the uncommitted count caught a commit mid-batch); ` +
          `feed: ${JSON.stringify(totals)}, activity attempt ${attempt}; control workflow query: max ${Math.round(Math.max(...controlQueryMs))} ms`,
      );

      // Never left its group, never crashed, never retried.
      expect(attempt).toBe(1);
      expect(totals).toMatchObject({ groupJoins: 1, crashes: 0, forwarded, dropped: 0, rejected: 0 });
      // One signal-with-start per visitor and batch: at least one each.
      expect(totals!.signals).toBeGreaterThanOrEqual(BURST + STEADY);
      // It committed its progress part-way through its batches, not only at their ends.
      expect(midBatchLags.length).toBeGreaterThan(1);
      // Each steady visitor got exactly one offer, quickly, with the burst still being worked through.
      for (const v of steady) expect(offerArrivals.get(v)).toHaveLength(1);
      expect(Math.max(...latencies)).toBeLessThan(STEADY_OFFER_MS);
      expect(burstLeft).toBeGreaterThan(0);
      expect(Math.max(...controlQueryMs)).toBeLessThan(5_000);

      // Every visitor has a workflow on the visitors' task queue, each started with its click.
      const visitorWorkflows = `TaskQueue = '${config.temporal.visitorTaskQueue}' AND WorkflowType = '${VISITOR_OFFER_WORKFLOW}'`;
      await eventually(
        `${BURST + STEADY} visitor workflows`,
        async () => ((await client.workflow.count(visitorWorkflows)).count === BURST + STEADY ? true : undefined),
        30_000,
      );
      expect((await client.workflow.count(visitorWorkflows)).count).toBe(BURST + STEADY);
      // Each started by its own click: update-with-start starts it and hands it the click in one step.
      for (const userId of [crowd[0]!, crowd[BURST / 2]!, crowd[BURST - 1]!]) {
        const history = await client.workflow.getHandle(visitorOfferWorkflowId(userId)).fetchHistory();
        const updates = (history.events ?? []).flatMap((e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes] : [],
        );
        const clickIds = updates.map((a) =>
          defaultPayloadConverter
            .fromPayload<VisitorClick[]>(a.acceptedRequest!.input!.args!.payloads![0] as Parameters<typeof defaultPayloadConverter.fromPayload>[0])
            .map((c) => c.clickId),
        );
        expect(clickIds).toEqual([[`${userId}-1`]]);
        expect((history.events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);
      }
      // Each idle wait of a visitor is their own: the burst's visitors will not all complete at once.
      const idleMs = config.offers.visitorIdleMinutes * MINUTE;
      for (const userId of steady) {
        const history = await client.workflow.getHandle(visitorOfferWorkflowId(userId)).fetchHistory();
        const timers = (history.events ?? []).flatMap((e) =>
          e.timerStartedEventAttributes ? [durationMs(e.timerStartedEventAttributes.startToFireTimeout!)] : [],
        );
        // Clicks that reach the run before its next task are one wait: under the burst, that can be all three.
        expect(timers.length).toBeGreaterThanOrEqual(1);
        expect(new Set(timers)).toEqual(new Set([spreadIdleTimeoutMs(userId, idleMs)]));
      }
    },
  );
});
