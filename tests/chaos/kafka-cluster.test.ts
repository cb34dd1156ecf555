/**
 * Kafka as users run it: a private three-broker KRaft cluster, topics at replication factor 3 and
 * min.insync.replicas 2. The whole pipeline (replay, enrichment, aggregation, detection, offers)
 * runs on it; mid-replay the broker that coordinates the stages' consumer groups (the most of them)
 * is SIGKILLed and started again. Every stage commits again within 30 s of the kill (kafkajs could
 * hang on the dead coordinator for good: the runtime's watchdog replaces a silent consumer), every
 * row is still a click or a dead letter exactly once, every click enriched exactly once, the
 * dashboard equals the reference, the offers come exactly once, and no worker restarts.
 * Temporal and Redis are the shared ones (a private task queue and Redis db): the fault is Kafka's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer } from '@platformatic/kafka';
import { ConfigResourceTypes, logLevel } from 'kafkajs';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { platformaticOptions } from '../../clients/platformatic';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { replayProgressQuery } from '../../lib/replay/messages';
import { stageSpec } from '../../lib/topology';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { clicksInWindow } from '../integration/dashboard-reference';
import { eventually, ingestDataDir, isolatedEnv, stopAll } from '../integration/pipeline-support';
import { dashboardOf, expectDashboardOf, expectEnrichedExactlyOnce, expectOffers, expectRowsExactlyOnce, pipelineReaders, StallWatch } from './pipeline-checks';
import { PrivateKafkaCluster, partitionsOf } from './private-cluster';
import { consumerAttempts, pipelineProcesses, removePipeline, startConsumers } from './private-pipeline';
import { alive, printWorkerOutput } from './private-stack';
import { scriptedClickLog } from './scripted-log';

const BACKGROUND_ROWS = 2_400;
/** Clicks per second: the replay lasts about a minute, the kill and the restart inside it. */
const RATE = 40;
/** How long the killed broker stays down before it is started again (its JVM start comes on top). */
const DOWN_MS = 5_000;
/** A worker's graceful stop gets 30 s to cancel its activities, plus a margin. */

const dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-'));
const cluster = new PrivateKafkaCluster();
// Without vitest's NODE_ENV=test, which gives kafkajs test-only retry defaults: the workers retry as `make up` runs them.
const env = { ...isolatedEnv(join(dir, 'state'), dir, 9), ...(await cluster.clientVars()), NODE_ENV: undefined };
const config = loadConfig(env);
const taskQueue = config.temporal.taskQueue;
// The test's own readers lose a broker too: their reconnect errors are expected, the counts tell.
const kafka = createKafka(config.kafka, 'chaos', logLevel.NOTHING);
const redis = createRedis(config.redis);
const client = await connectTemporal(config.temporal);
const log = scriptedClickLog({ seed: 29, backgroundRows: BACKGROUND_ROWS, malformedRate: 0.003 });
const workers = pipelineProcesses(env);
/**
 * Read once the replay is done: a reader of its own loses its broker too, restarts and reads some
 * records again, so it would neither count exactly nor time the pipeline.
 */
const readers = pipelineReaders(kafka, config.kafka.topics);
const dashboardStall = new StallWatch(async () => clicksInWindow(await dashboardOf(redis)), 200);
let replayStall: StallWatch | undefined;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every topic the pipeline wrote, the aggregation's changelog and the replay positions included, and the cluster's internal ones. */
async function pipelineTopics(): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(config.kafka.clientId) || t === config.kafka.topics.replayPositions);
    return [...new Set([...projectTopics(config.kafka), ...ours])];
  } finally {
    await admin.disconnect();
  }
}

async function minInsyncReplicasOf(topics: string[]): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
      includeSynonyms: false,
    });
    return Object.fromEntries(resources.map((r) => [r.resourceName, r.configEntries[0]!.configValue]));
  } finally {
    await admin.disconnect();
  }
}

/** The stage's consumer group. */
const stageGroups = CONSUMER_KINDS.map((kind) => stageSpec(config, kind).groupId);
/** After the kill, every stage commits again within this long. */
const COMMIT_AGAIN_MS = 30_000;

/** The broker coordinating each stage group now, by group. */
async function groupCoordinators(): Promise<Map<string, number>> {
  const coordinators = new Map<string, number>();
  for (const groupId of stageGroups) {
    const consumer = new Consumer({ ...platformaticOptions(config.kafka, 'chaos'), groupId });
    try {
      coordinators.set(groupId, await consumer.findGroupCoordinator());
    } finally {
      await consumer.close();
    }
  }
  return coordinators;
}

/** The group's committed input offsets, summed over its partitions. */
async function committedTotal(groupId: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId });
    return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + (p.offset === '-1' ? 0n : BigInt(p.offset)), 0n);
  } finally {
    await admin.disconnect();
  }
}

/** How long after `since` each group's committed offsets first moved past `before` (the test's cluster client rides the failover too). */
async function firstCommitsAfter(since: number, before: Map<string, bigint>): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await eventually(
    'every stage committing again',
    async () => {
      for (const groupId of stageGroups) {
        if (seen.has(groupId)) continue;
        const total = await committedTotal(groupId).catch(() => null);
        if (total !== null && total > before.get(groupId)!) seen.set(groupId, Date.now() - since);
      }
      return seen.size === stageGroups.length ? seen : undefined;
    },
    120_000,
    250,
  );
  return seen;
}

describe("a three-broker Kafka cluster losing the stages' group coordinator mid-replay", () => {
  beforeAll(async () => {
    log.writeTo(dir);
    await cluster.start(env);
    // The stack script created them already, with the same settings: this is the pipeline's own path.
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.flushdb();
    await Promise.all(workers.map((w) => w.start(120_000)));
  });

  afterAll(async () => {
    dashboardStall.stop();
    replayStall?.stop();
    // Every worker ends by itself after the failover: one that had to be killed fails the file, after the cleanup.
    const hung = await stopAll(workers).then(
      () => null,
      (err: unknown) => err,
    );
    await Promise.all(Object.values(readers).map((r) => r.stop().catch(() => {})));
    await removePipeline(client, kafka, config, redis).catch((err: unknown) => console.error(`[chaos] removing the pipeline: ${String(err)}`));
    await cluster.stop();
    await client.connection.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
    if (hung) throw hung;
  });

  it('loses and duplicates no click, aggregate or offer, and no worker restarts', async ({ onTestFailed }) => {
    onTestFailed(() => printWorkerOutput(workers));
    await ingestDataDir(client, taskQueue, dir);
    await startConsumers(client, taskQueue, CONSUMER_KINDS);
    const replay = await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: `${taskQueue}-replay`,
      args: [{ file: join(dir, 'clicks.csv'), loop: false, pace: { mode: 'fixed', rate: RATE } }],
    });
    // The pipeline's output is the dashboard, in Redis: its progress is timed without Kafka in the way.
    dashboardStall.start();
    // The replay's own progress (rows committed with their position), from its workflow.
    replayStall = new StallWatch(async () => (await replay.query(replayProgressQuery)).rowsSent, 500).start();
    const pids = workers.map((w) => alive(w));

    // The broker coordinating the most stage groups dies once a third of the log is on the dashboard.
    const rows = log.rows.length;
    const replayStartedAt = Date.now();
    // Short of a third, the count seen is the error the timeout reports: a slow pipeline and a stuck one differ.
    await eventually(
      'a third of the clicks on the dashboard',
      async () => {
        const counted = clicksInWindow(await dashboardOf(redis));
        if (counted < rows / 3) throw new Error(`${counted} of ${rows} rows counted ${seconds(Date.now() - replayStartedAt)} after the replay started`);
        return true;
      },
      120_000,
    );
    const thirdAfterMs = Date.now() - replayStartedAt;
    const coordinators = await groupCoordinators();
    const groupsOf = (broker: number) => [...coordinators].filter(([, b]) => b === broker).map(([g]) => g);
    const victim = [...new Set(coordinators.values())].sort((a, b) => groupsOf(b).length - groupsOf(a).length)[0]!;
    const committedAtKill = new Map(await Promise.all(stageGroups.map(async (g) => [g, await committedTotal(g)] as const)));
    const countedAtKill = clicksInWindow(await dashboardOf(redis));
    await cluster.kill(victim);
    const killedAt = Date.now();
    const newCoordinators = await eventually(
      "a new coordinator of the victim's groups",
      async () => {
        const now = await groupCoordinators().catch(() => null);
        return now && groupsOf(victim).every((g) => now.get(g) !== victim) ? now : undefined;
      },
      60_000,
      200,
    );
    const failoverMs = Date.now() - killedAt;
    const commitsAgain = await firstCommitsAfter(killedAt, committedAtKill);
    expect(Object.fromEntries(commitsAgain)).toEqual(Object.fromEntries(stageGroups.map((g) => [g, expect.any(Number)])));
    for (const ms of commitsAgain.values()) expect(ms).toBeLessThan(COMMIT_AGAIN_MS);
    await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - failoverMs)));
    await cluster.start();
    const backAt = Date.now();

    const progress = await replay.result();
    replayStall.stop();
    await Promise.all(Object.values(readers).map((r) => r.start()));
    const clicks = await expectRowsExactlyOnce(readers, rows, progress, replay.firstExecutionRunId);
    expect(progress.rowsRejected).toBeGreaterThan(0);
    const { enrichable, lost, duplicated } = await expectEnrichedExactlyOnce(readers, clicks, log.products);
    expect(enrichable.length).toBeGreaterThan(clicks.length / 2);
    await expectDashboardOf(redis, enrichable, log.products);
    const expectedOffers = log.expectedOffers(replay.firstExecutionRunId);
    const offersSeen = await expectOffers(readers.offers, expectedOffers);
    dashboardStall.stop();

    // The clients rode over the lost broker: the same worker processes, and what each consumer's activity attempt is.
    expect(workers.map((w) => alive(w))).toEqual(pids);
    const attempts = await consumerAttempts(client, taskQueue, CONSUMER_KINDS);

    // Every topic of the pipeline on three brokers with min.insync.replicas 2, the restarted one back in sync.
    const topics = await pipelineTopics();
    expect(topics.length).toBeGreaterThan(projectTopics(config.kafka).length);
    expect(Object.values(await minInsyncReplicasOf(topics))).toEqual(topics.map(() => '2'));
    const internal = await partitionsOf(kafka, ['__consumer_offsets', '__transaction_state']);
    expect(internal.length).toBeGreaterThan(0);
    expect(internal.every((p) => p.replicas.length === 3)).toBe(true);
    await eventually(
      'the restarted broker in sync on every partition',
      async () => {
        const partitions = [...(await partitionsOf(kafka, topics)), ...(await partitionsOf(kafka, ['__consumer_offsets', '__transaction_state']))];
        const behind = partitions.filter((p) => p.replicas.length !== 3 || !p.isr.includes(victim));
        return behind.length === 0 ? partitions.length : undefined;
      },
      60_000,
    );
    const inSyncMs = Date.now() - backAt;

    console.log(
      `[chaos] kafka cluster (KAFKA_CLIENT=${config.kafka.client}): 3 brokers, replication factor 3, min.insync.replicas 2; SIGKILL of broker ${victim} (coordinator of ${groupsOf(victim).join(', ')}) ` +
        `at ${countedAtKill} clicks on the dashboard (a third ${seconds(thirdAfterMs)} after the replay started), new coordinators ${JSON.stringify(Object.fromEntries(newCoordinators))} after ${seconds(failoverMs)}, ` +
        `first commits after the kill ${JSON.stringify(Object.fromEntries([...commitsAgain].map(([g, ms]) => [g, seconds(ms)])))}, broker back ${seconds(backAt - killedAt)} after the kill ` +
        `and in sync on every partition ${seconds(inSyncMs)} later; ${rows} rows, ${clicks.length} clicks (${enrichable.length} enriched, ` +
        `${clicks.length - enrichable.length} dead-lettered as unknown product, ${progress.rowsRejected} malformed), ${lost} lost, ${duplicated} duplicated; ` +
        `offers ${expectedOffers.length} expected, ${offersSeen} seen; longest stall of the dashboard ${seconds(dashboardStall.longest.ms)} ` +
        `(ended ${seconds(dashboardStall.longest.endedAt - killedAt)} after the kill), of the replay ${seconds(replayStall.longest.ms)}; consumer attempts ${JSON.stringify(attempts)}; the same ${workers.length} worker processes; ` +
        `the test's readers read ${Object.values(readers).reduce((n, r) => n + r.rereads, 0)} records again after their own rejoin (counted once)`,
    );
  });
});
