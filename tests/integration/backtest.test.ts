/**
 * The rule backtest against the real servers: clicks on a private enriched topic, the backtest
 * workflow and its activity hosted by an in-process Worker, the live rules the built-in ones (no
 * rule set published on this task queue). Only clicks written within the asked hours count.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBacktestActivities } from '../../activities/detection/backtest-activities';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { connectTemporal, connectWorkerTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { BACKTEST_RULES_WORKFLOW, type BacktestResult } from '../../lib/offers/backtest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { EnrichedClick, Gender } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import { shoesWithoutClothing } from '../offer-rule-examples';
import { isolatedEnv } from './pipeline-support';
import { scriptedClick, uniqueName } from './support';

const env = isolatedEnv(mkdtempSync(join(tmpdir(), 'backtest-')), 'data', 4);
const config = loadConfig(env);
const { input: enrichedTopic } = stageSpec(config, 'detection');
const kafka = createKafka(config.kafka, 'test');
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
const client = await connectTemporal(config.temporal);
const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
let worker: Worker;
let workerRun: Promise<void>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A visitor's clicks at `at` + minutes, written to the topic with that time as the record's. */
async function produce(userId: string, gender: Gender, age: number, at: number, steps: [category: string, productId: string, minute: number][]): Promise<void> {
  const clicks: EnrichedClick[] = steps.map(([category, productId, minute], i) =>
    scriptedClick({ clickId: `${userId}-${i}`, userId, productId, category, gender, age, timestamp: at + minute * MINUTE }),
  );
  await producer.send({ topic: enrichedTopic, messages: clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c), timestamp: String(c.timestamp) })) });
}

describe('rule backtest', () => {
  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, [enrichedTopic]);
    await producer.connect();
    worker = await Worker.create({
      connection: await connectWorkerTemporal(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowsPath,
      activities: createBacktestActivities({ config, kafka, temporal: client }),
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await workerRun;
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [enrichedTopic] }).catch(() => {});
    await admin.disconnect();
    await client.connection.close();
  });

  it('runs a candidate beside the live rules over the last hours of enriched clicks', { timeout: 60_000 }, async () => {
    const now = Date.now();
    // Three hours ago: outside a two-hour backtest, though the live rule would have offered.
    await produce('old', 'F', 30, now - 3 * HOUR, [
      ['clothing', 'A', 0],
      ['shoes', 'S', 1],
      ['clothing', 'B', 2],
    ]);
    // Within the last two hours: a live offer for ann, a candidate's absence offer for eve.
    await produce('ann', 'F', 30, now - HOUR, [
      ['clothing', 'A', 0],
      ['shoes', 'S', 1],
      ['clothing', 'B', 2],
    ]);
    await produce('eve', 'F', 52, now - HOUR, [
      ['shoes', 'S', 0],
      ['books', 'K', 3],
    ]);

    const report = (await client.workflow.execute(BACKTEST_RULES_WORKFLOW, {
      taskQueue: config.temporal.taskQueue,
      workflowId: uniqueName('backtest'),
      args: [{ rules: shoesWithoutClothing(10), hours: 2 }],
    })) as BacktestResult;

    expect(report).toMatchObject({ clicks: 5, visitors: 2, records: 5, liveVersion: 0, from: now - HOUR, to: now - HOUR + 3 * MINUTE });
    expect(report.live).toMatchObject({ name: OFFER_RULES.name, offers: 1, byOfferId: { offer2: 1 }, byDemographic: { 'F 30-39': 1 } });
    expect(report.candidate).toMatchObject({ name: 'shoes-without-clothing', offers: 1, byOfferId: { 'offer-shoes': 1 }, byDemographic: { 'F 50-59': 1 } });
  });
});
