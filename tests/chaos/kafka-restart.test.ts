/**
 * The Kafka broker stops mid-replay and comes back ~10 s later, on a private stack: the whole
 * pipeline (replay, enrichment, aggregation, detection) resumes by itself, no worker restarted,
 * and every click is enriched and counted exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { DASHBOARD_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import { replayProgressQuery } from '../../lib/replay/messages';
import type { ClickEvent, DeadLetterRecord, EnrichedClick } from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { clicksInWindow, deviceOfClick } from '../integration/dashboard-reference';
import { eventually, ingestDataDir, isolatedEnv, stopAll } from '../integration/pipeline-support';
import { uniqueName } from '../integration/support';
import { startConsumers, writeDataSet } from './private-pipeline';
import { alive, pipelineWorkers, printWorkerOutput, PrivateStack } from './private-stack';

const ROWS = 2_000;
const DOWN_MS = 10_000;
const stack = new PrivateStack();
const dir = mkdtempSync(join(tmpdir(), 'chaos-kafka-'));
const env = { ...isolatedEnv(join(dir, 'state'), dir, 1), ...stack.vars };
const config = loadConfig(env);
const kafka = createKafka(config.kafka, 'chaos-test');
const redis = createRedis(config.redis, { lazyConnect: true });
const { products, visitors } = writeDataSet(dir, 200, { seed: 7, clickRows: ROWS });
const workers = pipelineWorkers(env);

/** Reads whole topics (committed records only) until `enough` says so, then a moment more for any duplicate. */
async function readTopics(topics: string[], enough: (count: number) => boolean): Promise<Map<string, KafkaMessage[]>> {
  const consumer = kafka.consumer({ groupId: uniqueName('chaos-reader'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const got = new Map(topics.map((t) => [t, [] as KafkaMessage[]]));
  let count = 0;
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      got.get(topic)!.push(message);
      count += 1;
    },
  });
  try {
    await eventually(
      `enough records on ${topics.join(', ')}`,
      async () => {
        if (!enough(count)) throw new Error(`${count} records so far`);
        return true;
      },
      120_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
  } finally {
    await consumer.disconnect();
  }
  return got;
}

const tally = <K>(items: K[]) => {
  const m = new Map<K, number>();
  for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};
const categoryOf = new Map(products.map((p) => [p.id, p.category]));
const isBot = (c: ClickEvent) => deviceOfClick(c) === 'Bot';
async function dashboard(): Promise<DashboardAggregates | undefined> {
  const json = await redis.get(DASHBOARD_KEY);
  return json ? (JSON.parse(json) as DashboardAggregates) : undefined;
}

describe('a Kafka broker restart mid-replay', () => {
  beforeAll(async () => {
    await stack.start();
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.connect();
    await Promise.all(workers.map((w) => w.start()));
  });

  afterAll(async () => {
    try {
      await stopAll(workers);
    } finally {
      redis.disconnect();
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loses and doubles nothing, and resumes without any worker restarted', async () => {
    onTestFailed(() => printWorkerOutput(workers));
    const client = await connectTemporal(config.temporal);
    const taskQueue = config.temporal.taskQueue;
    const ingestion = await ingestDataDir(client, taskQueue, dir);
    expect(ingestion.visitors.loaded).toBe(visitors.length);
    await startConsumers(client, taskQueue, CONSUMER_KINDS);
    const replay = await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: `${taskQueue}-replay`,
      args: [{ file: resolve(dir, 'clicks.csv'), loop: false, pace: { mode: 'fixed', rate: 100 } }],
    });
    const pids = workers.map((w) => alive(w));

    // The broker goes away once the aggregates show clicks flowing end to end.
    await eventually(
      'aggregates counting',
      async () => ((await dashboard()) && (await replay.query(replayProgressQuery)).rowsSent > ROWS / 4 ? true : undefined),
      90_000,
    );
    const stoppedAt = Date.now();
    await stack.stopService('kafka');
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await stack.startService('kafka');
    const backAt = Date.now();
    // A replayed click's event time is when it was sent: a newer one than the restart made it through.
    await eventually('aggregates counting clicks sent after the restart', async () => ((await dashboard())!.asOf > backAt ? true : undefined), 90_000);
    const resumedAt = Date.now();

    const progress = await replay.result();
    expect(progress.rowsSent).toBe(ROWS);
    const { clicks: clicksTopic, enriched: enrichedTopic, deadLetter: deadTopic } = config.kafka.topics;
    const clicks = (await readTopics([clicksTopic], (n) => n >= ROWS)).get(clicksTopic)!.map((m) => JSON.parse(m.value!.toString()) as ClickEvent);
    expect(clicks).toHaveLength(ROWS);
    expect(new Set(clicks.map((c) => c.clickId)).size).toBe(ROWS);
    // Clicks of products missing from the catalogue are dead-lettered by enrichment, the rest enriched.
    const outcomes = await readTopics([enrichedTopic, deadTopic], (n) => n >= ROWS);
    const enriched = outcomes.get(enrichedTopic)!.map((m) => JSON.parse(m.value!.toString()) as EnrichedClick);
    const deadLetters = outcomes.get(deadTopic)!.map((m) => JSON.parse(m.value!.toString()) as DeadLetterRecord);
    const dead = deadLetters.length;
    expect(deadLetters.filter((d) => d.stage !== 'enrichment' || !/^unknown product /.test(d.reason)).map((d) => `${d.stage}: ${d.reason}`)).toEqual([]);
    const outcomesPerId = tally([...enriched.map((e) => e.clickId), ...deadLetters.map((d) => (JSON.parse(d.payload) as ClickEvent).clickId)]);
    const lost = clicks.filter((c) => !outcomesPerId.has(c.clickId)).length;
    const duplicated = [...outcomesPerId.values()].filter((n) => n > 1).length;
    expect({ lost, duplicated, outcomes: enriched.length + deadLetters.length }).toEqual({ lost: 0, duplicated: 0, outcomes: ROWS });
    const enrichedIds = new Set(enriched.map((e) => e.clickId));
    const counted = clicks.filter((c) => enrichedIds.has(c.clickId));
    expect(counted.length).toBeGreaterThan(ROWS / 2);

    // Every click happened during the test: all of them are inside every dashboard window.
    const final = await eventually(
      'the aggregates to count every click',
      async () => {
        const d = await dashboard();
        return d && clicksInWindow(d) >= counted.length && d.asOf === Math.max(...counted.map((c) => c.timestamp)) ? d : undefined;
      },
      120_000,
    );
    expect(clicksInWindow(final)).toBe(counted.length);
    const views = counted.filter((c) => !isBot(c));
    expect(final.bots.count).toBe(counted.length - views.length);
    expect(final.sessions.count).toBe(new Set(views.map((c) => c.userId)).size);
    const categories = tally(views.map((c) => categoryOf.get(c.productId) ?? 'Unknown'));
    expect(Object.fromEntries(final.categories.map((c) => [c.category, c.count]))).toEqual(Object.fromEntries(categories));
    const perProduct = tally(views.map((c) => c.productId));
    for (const p of final.topProducts) expect(p.count, p.productId).toBe(perProduct.get(p.productId));
    expect(final.topProducts[0]!.count).toBe(Math.max(...perProduct.values()));

    // Resumed by itself: the same worker processes as before the outage.
    expect(workers.map((w) => alive(w))).toEqual(pids);
    await client.connection.close();
    console.log(
      `[chaos] kafka restart: down ${((backAt - stoppedAt) / 1000).toFixed(1)} s, resumed in ${((resumedAt - backAt) / 1000).toFixed(1)} s, ` +
        `${ROWS} clicks (${counted.length} enriched and counted, ${dead} dead-lettered as unknown product), ${lost} lost, ${duplicated} duplicated`,
    );
  });
});
