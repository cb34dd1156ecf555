/**
 * The whole pipeline as `make up` runs it, in worker processes hosted by Temporal: a known click
 * log replayed through enrichment and aggregation gives exactly the dashboard a naive reference
 * computes from the generator's own truth, even when the aggregation worker is SIGKILLed mid-stream.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import type { ConsumerKind } from '../../lib/consumer-kinds';
import { generateClickRows } from '../../scripts/datagen/click-log';
import { csvRow } from '../../scripts/datagen/csv';
import { COUNTRIES, countryOfIp } from '../../scripts/datagen/ip-blocks';
import { generateProducts } from '../../scripts/datagen/products';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { DASHBOARD_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import { replayProgressQuery } from '../../lib/replay/messages';
import { CLICK_LOG_COLUMNS, type ClickEvent, type DeadLetterRecord, type EnrichedClick } from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { clicksInWindow, expectDashboardToMatch, expectedDashboard } from './dashboard-reference';
import { eventually, ingestDataDir, isolatedEnv, WorkerProcess } from './pipeline-support';
import { uniqueName } from './support';

const ROWS = 3_000;
/** The dashboard's consumers; offer detection has its own test (detection.test.ts). */
const KINDS: ConsumerKind[] = ['enrichment', 'aggregation'];
const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
const env = isolatedEnv(join(dir, 'state'), dir, 5);
const config = loadConfig(env);
const kafka = createKafka(config.kafka, 'test');
const redis = createRedis(config.redis);
const products = generateProducts(11);
const visitors = generateVisitors(11, 400);
const rows = [...generateClickRows({ seed: 11, rows: ROWS, products, visitors, malformedRate: 0.002 })];

const orchestrator = new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' });
const enrichment = new WorkerProcess('enrichment', ['workers/stream-worker.ts', 'enrichment'], { ...env, WORKER_NAME: 'enrichment-1' });
const aggregation = () => new WorkerProcess('aggregation', ['workers/stream-worker.ts', 'aggregation'], { ...env, WORKER_NAME: 'aggregation-1' });

/** Reads a topic from the start until `count` messages arrived. */
async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: KafkaMessage[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
  try {
    await eventually(`${count} messages on ${topic}`, async () => (got.length >= count ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

const productById = new Map(products.map((p) => [p.id, p]));
const registered = new Set(visitors.map((v) => v.userId));

describe('the pipeline, end to end', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
    writeFileSync(join(dir, 'users.json'), visitors.map(visitorJsonLine).join('\n') + '\n');
    writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.flushdb();
    await Promise.all([orchestrator.start(), enrichment.start()]);
  });

  afterAll(async () => {
    const client = await connectTemporal(config.temporal);
    for (const id of KINDS.map((k) => `${env.TEMPORAL_TASK_QUEUE}-${k}`)) {
      await client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => {});
    }
    await client.connection.close();
    await Promise.all([orchestrator.stop(), enrichment.stop()]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: projectTopics(config.kafka) }).catch(() => {});
    await admin.disconnect();
    await redis.flushdb();
    redis.disconnect();
  });

  it('gives exactly the reference aggregates, across a SIGKILL of the aggregation worker', { timeout: 240_000 }, async () => {
    const client = await connectTemporal(config.temporal);
    const taskQueue = config.temporal.taskQueue;
    const ingestion = await ingestDataDir(client, taskQueue, dir);
    expect(ingestion.visitors.loaded).toBe(400);

    let aggregator = aggregation();
    await aggregator.start();
    for (const kind of KINDS) {
      await client.workflow.start(streamConsumersWorkflow, { taskQueue, workflowId: `${taskQueue}-${kind}`, args: [{ kind, consumers: 1 }] });
    }
    const replay = await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: `${taskQueue}-replay`,
      args: [{ file: resolve(dir, 'clicks.csv'), loop: false, pace: { mode: 'fixed', rate: 400 } }],
    });

    // Kill the aggregation worker while clicks are flowing, and bring it back a little later.
    await eventually('a third of the replay', async () => ((await replay.query(replayProgressQuery)).rowsSent > ROWS / 3 ? true : undefined), 60_000);
    await aggregator.kill();
    await new Promise((r) => setTimeout(r, 3_000));
    aggregator = aggregation();
    await aggregator.start();

    const progress = await replay.result();
    expect(progress.rowsSent + progress.rowsRejected).toBe(ROWS);
    const sent = (await readAll(config.kafka.topics.clicks, progress.rowsSent)).map((m) => JSON.parse(m.value!.toString()) as ClickEvent);
    // Clicks of URLs that are no known product (if any) are dead-lettered by enrichment; those of
    // visitors absent from users.json are enriched with unknown gender and age, and counted.
    const clicks = sent.filter((c) => productById.has(c.productId));
    const unknownProducts = sent.length - clicks.length;
    const unknownVisitors = new Set(clicks.filter((c) => !registered.has(c.userId)).map((c) => c.clickId));
    expect(unknownVisitors.size).toBeGreaterThan(0);
    const dead = (await readAll(config.kafka.topics.deadLetter, progress.rowsRejected + unknownProducts)).map(
      (m) => JSON.parse(m.value!.toString()) as DeadLetterRecord,
    );
    expect(dead).toHaveLength(progress.rowsRejected + unknownProducts);
    expect(dead.filter((d) => d.stage === 'producer' && d.reason.length > 0)).toHaveLength(progress.rowsRejected);
    expect(dead.filter((d) => d.stage === 'enrichment' && /^unknown product /.test(d.reason))).toHaveLength(unknownProducts);
    expect(progress.rowsRejected).toBeGreaterThan(0);
    const enriched = (await readAll(config.kafka.topics.enriched, clicks.length)).map((m) => JSON.parse(m.value!.toString()) as EnrichedClick);
    const ofUnknownVisitors = enriched.filter((e) => unknownVisitors.has(e.clickId));
    expect(ofUnknownVisitors).toHaveLength(unknownVisitors.size);
    expect(ofUnknownVisitors.every((e) => e.gender === 'U' && e.age === null)).toBe(true);

    // Countries from the generator's IP blocks, not the enrichment's lookup.
    const want = expectedDashboard(clicks, products);
    const countries = new Set<string>(clicks.map((c) => COUNTRIES[countryOfIp(c.ip)!] ?? 'Unknown'));
    const dashboard = await eventually(
      'the dashboard to count every click',
      async () => {
        const json = await redis.get(DASHBOARD_KEY);
        const d = json ? (JSON.parse(json) as DashboardAggregates) : undefined;
        return d && d.asOf === want.asOf && clicksInWindow(d) >= clicks.length ? d : undefined;
      },
      120_000,
    );
    await aggregator.stop();
    await client.connection.close();

    // The unknown visitors' page views are in the figures: the reference counts every click.
    expect(clicksInWindow(dashboard)).toBe(clicks.length);
    expectDashboardToMatch(dashboard, want);
    expect(dashboard.topProducts.every((p) => p.category === (productById.get(p.productId)?.category ?? 'Unknown'))).toBe(true);
    expect(dashboard.countries.length).toBeGreaterThan(0);
    for (const c of dashboard.countries) expect(countries.has(c.country)).toBe(true);
    expect(dashboard.rawClicks).toHaveLength(100);
    expect(dashboard.rawClicks[0]?.timestamp).toBe(want.asOf);
    expect(dashboard.latestVisitors).toHaveLength(10);
    expect(new Set(dashboard.latestVisitors.map((v) => v.userId)).size).toBe(10);
    for (const v of dashboard.latestVisitors) expect(countries.has(v.country)).toBe(true);
  });
});
