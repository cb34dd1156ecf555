/**
 * Kafka as users run it: a private three-broker KRaft cluster, topics at replication factor 3 and
 * min.insync.replicas 2. The whole pipeline (replay, enrichment, aggregation, detection, offers)
 * runs on it; mid-replay the leader of partition 0 of the clicks topic is SIGKILLed and started
 * again. Every row is still a click or a dead letter exactly once, every click enriched exactly
 * once, the dashboard equals the reference, the offers come exactly once, and no worker restarts.
 * Temporal and Redis are the shared ones (a private task queue and Redis db): the fault is Kafka's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, logLevel } from 'kafkajs';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { replayProgressQuery } from '../../lib/replay/messages';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { clicksInWindow } from '../integration/dashboard-reference';
import { eventually, ingestDataDir, isolatedEnv, type WorkerProcess } from '../integration/pipeline-support';
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
const STOP_TIMEOUT_MS = 45_000;

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

/** A graceful stop, and SIGKILL when it takes longer than STOP_TIMEOUT_MS: returns the worker if it hung. */
async function stopOrKill(worker: WorkerProcess): Promise<WorkerProcess | undefined> {
  const stopped = await Promise.race([worker.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS))]);
  if (stopped) return undefined;
  await worker.kill();
  return worker;
}

describe('a three-broker Kafka cluster losing a partition leader mid-replay', () => {
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
    const hung = (await Promise.all(workers.map(stopOrKill))).filter((w) => w !== undefined);
    await Promise.all(Object.values(readers).map((r) => r.stop().catch(() => {})));
    await removePipeline(client, kafka, config, redis).catch((err: unknown) => console.error(`[chaos] removing the pipeline: ${String(err)}`));
    await cluster.stop();
    await client.connection.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
    // Known after a broker failover: the worker prints `[stopped]` but something of kafkajs keeps it alive.
    for (const w of hung) console.warn(`[chaos] ${w.name} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM and was killed; its last output:\n${w.output.slice(-2_000)}`);
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

    // The leader of the clicks topic's partition 0 dies once a third of the log is on the dashboard.
    const rows = log.rows.length;
    await eventually('a third of the clicks on the dashboard', async () => (clicksInWindow(await dashboardOf(redis)) >= rows / 3 ? true : undefined), 120_000);
    const leaderOfFirst = async () => (await partitionsOf(kafka, [config.kafka.topics.clicks])).find((p) => p.partition === 0)!.leader;
    const victim = await leaderOfFirst();
    const countedAtKill = clicksInWindow(await dashboardOf(redis));
    await cluster.kill(victim);
    const killedAt = Date.now();
    const newLeader = await eventually('a new leader of partition 0', async () => {
      const leader = await leaderOfFirst();
      return leader >= 0 && leader !== victim ? leader : undefined;
    }, 60_000, 200);
    const failoverMs = Date.now() - killedAt;
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
    await eventually('the restarted broker in sync on every partition', async () => {
      const partitions = [...(await partitionsOf(kafka, topics)), ...(await partitionsOf(kafka, ['__consumer_offsets', '__transaction_state']))];
      const behind = partitions.filter((p) => p.replicas.length !== 3 || !p.isr.includes(victim));
      return behind.length === 0 ? partitions.length : undefined;
    }, 60_000);
    const inSyncMs = Date.now() - backAt;

    console.log(
      `[chaos] kafka cluster: 3 brokers, replication factor 3, min.insync.replicas 2; SIGKILL of broker ${victim} (leader of ${config.kafka.topics.clicks}/0) ` +
        `at ${countedAtKill} clicks on the dashboard, new leader broker ${newLeader} after ${seconds(failoverMs)}, broker back ${seconds(backAt - killedAt)} after the kill ` +
        `and in sync on every partition ${seconds(inSyncMs)} later; ${rows} rows, ${clicks.length} clicks (${enrichable.length} enriched, ` +
        `${clicks.length - enrichable.length} dead-lettered as unknown product, ${progress.rowsRejected} malformed), ${lost} lost, ${duplicated} duplicated; ` +
        `offers ${expectedOffers.length} expected, ${offersSeen} seen; longest stall of the dashboard ${seconds(dashboardStall.longest.ms)} ` +
        `(ended ${seconds(dashboardStall.longest.endedAt - killedAt)} after the kill), of the replay ${seconds(replayStall.longest.ms)}; consumer attempts ${JSON.stringify(attempts)}; the same ${workers.length} worker processes; ` +
        `the test's readers read ${Object.values(readers).reduce((n, r) => n + r.rereads, 0)} records again after their own rejoin (counted once)`,
    );
  });
});
