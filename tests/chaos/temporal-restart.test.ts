/**
 * The Temporal server stops while the replay, the stream consumers and visitor offer workflows
 * run, and comes back ~10 s later with its history (SQLite in the run folder), on a private stack:
 * the workers reconnect by themselves, every running workflow carries on, and a visitor who was
 * mid-sequence and completes it after the restart gets exactly one offer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import proto from '@temporalio/proto';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { visitorOfferWorkflowId, visitorStateQuery } from '../../lib/offers/messages';
import { replayProgressQuery } from '../../lib/replay/messages';
import { parseOffer, type EnrichedClick, type Gender, type Offer } from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { eventually, ingestDataDir, isolatedEnv, stopAll } from '../integration/pipeline-support';
import { scriptedClick, uniqueName } from '../integration/support';
import { startConsumers, writeDataSet } from './private-pipeline';
import { alive, pipelineWorkers, printWorkerOutput, PrivateStack } from './private-stack';

// @temporalio/proto is CommonJS: its namespaces come through the default export.
const { PendingActivityState } = proto.temporal.api.enums.v1;

const ROWS = 1_500;
const DOWN_MS = 10_000;
const stack = new PrivateStack();
const dir = mkdtempSync(join(tmpdir(), 'chaos-temporal-'));
const env = { ...isolatedEnv(join(dir, 'state'), dir, 2), ...stack.vars };
const config = loadConfig(env);
const taskQueue = config.temporal.taskQueue;
const kafka = createKafka(config.kafka, 'chaos-test');
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
const offerReader = kafka.consumer({ groupId: uniqueName('chaos-offers') });
const offers: Offer[] = [];
writeDataSet(dir, 200, { seed: 5, clickRows: ROWS });
const workers = pipelineWorkers(env);

/** A scripted visitor whose enriched clicks go straight to the detection feed's topic. */
function visitor(gender: Gender, age: number) {
  const userId = uniqueName(`chaos-${gender}${age}`);
  let n = 0;
  const click = (category: string, productId: string): EnrichedClick =>
    scriptedClick({ clickId: `${userId}-${++n}`, userId, productId, category, gender, age, timestamp: Date.now() });
  const send = (...clicks: EnrichedClick[]) =>
    producer.send({ topic: config.kafka.topics.enriched, messages: clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c) })) });
  return { userId, click, send };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

describe('a Temporal server restart', () => {
  beforeAll(async () => {
    await stack.start();
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await producer.connect();
    await offerReader.connect();
    await offerReader.subscribe({ topic: config.kafka.topics.offers, fromBeginning: true });
    await offerReader.run({
      eachMessage: async ({ message }) => {
        const parsed = parseOffer(message.value?.toString() ?? '');
        if (parsed.ok) offers.push(parsed.value);
      },
    });
    await Promise.all(workers.map((w) => w.start()));
  });

  afterAll(async () => {
    try {
      await stopAll(workers);
    } finally {
      await Promise.all([producer.disconnect(), offerReader.disconnect()]);
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumes the replay, the consumers and the visitor workflows; one offer, not two', async () => {
    onTestFailed(() => printWorkerOutput(workers));
    let client = await connectTemporal(config.temporal);
    await ingestDataDir(client, taskQueue, dir);
    await startConsumers(client, taskQueue, CONSUMER_KINDS);
    // Slow enough to still run well after the server is back.
    await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: `${taskQueue}-replay`,
      args: [{ file: resolve(dir, 'clicks.csv'), loop: false, pace: { mode: 'fixed', rate: 40 } }],
    });
    const pids = workers.map((w) => alive(w));

    // Three visitors mid-sequence (clothing, then shoes); one of them finishes it after the restart.
    const midSequence = [visitor('M', 40), visitor('F', 30), visitor('M', 42)];
    for (const v of midSequence) await v.send(v.click('clothing', 'A'), v.click('shoes', 'S'));
    const stateOf = (userId: string) => client.workflow.getHandle(visitorOfferWorkflowId(userId)).query(visitorStateQuery);
    for (const v of midSequence) {
      await eventually(
        `${v.userId} in shoes_visited`,
        async () => ((await stateOf(v.userId).catch(() => undefined))?.state === 'shoes_visited' ? true : undefined),
        60_000,
      );
    }
    const replay = () => client.workflow.getHandle(`${taskQueue}-replay`);
    const sentBefore = await eventually(
      'the replay under way',
      async () => {
        const { rowsSent } = await replay().query(replayProgressQuery);
        return rowsSent >= ROWS / 10 ? rowsSent : undefined;
      },
      60_000,
    );
    expect(sentBefore).toBeLessThan(ROWS / 2);

    const stoppedAt = Date.now();
    await stack.stopService('temporal');
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await stack.startService('temporal');
    const backAt = Date.now();
    // The client's connection reconnects on its own; a new one proves nothing about the workers.
    await client.connection.close();
    client = await connectTemporal(config.temporal);

    const sentAtRestart = (await replay().query(replayProgressQuery)).rowsSent;
    await eventually('the replay advancing', async () => ((await replay().query(replayProgressQuery)).rowsSent > sentAtRestart ? true : undefined), 60_000);
    const [finisher, ...waiting] = midSequence;
    await finisher!.send(finisher!.click('clothing', 'B'));
    await eventually('the offer', async () => (offers.some((o) => o.userId === finisher!.userId) ? true : undefined), 60_000);

    const progress = await replay().result();
    expect(progress.rowsSent).toBe(ROWS);
    await new Promise((r) => setTimeout(r, 2_000)); // a second offer, if any, would be out by now
    const ours = offers.filter((o) => midSequence.some((v) => v.userId === o.userId));
    expect(ours.map((o) => [o.userId, o.offerId, o.clickIds])).toEqual([[finisher!.userId, 'offer1', [1, 2, 3].map((i) => `${finisher!.userId}-${i}`)]]);
    expect((await stateOf(finisher!.userId)).state).toBe('init');
    for (const v of waiting) expect((await stateOf(v.userId)).state).toBe('shoes_visited');

    // Each consumer is still running, heartbeating since the restart, in the worker that ran it before.
    for (const kind of CONSUMER_KINDS) {
      const description = await client.workflow.getHandle(`${taskQueue}-${kind}`).describe();
      expect(description.status.name, kind).toBe('RUNNING');
      const [activity] = description.raw.pendingActivities ?? [];
      expect(activity?.state, kind).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      expect(Number(activity?.lastHeartbeatTime?.seconds ?? 0) * 1000, kind).toBeGreaterThan(backAt - 1_000);
    }
    expect(workers.map((w) => alive(w))).toEqual(pids);
    await client.connection.close();
    console.log(
      `[chaos] temporal restart: down ${seconds(backAt - stoppedAt)} s, workflows resumed: replay, consumers, ${midSequence.length} visitor workflows; ` +
        `offers 1 expected ${ours.length} seen`,
    );
  });
});
