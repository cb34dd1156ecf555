/**
 * Offer detection against the real servers: the detection feed (run in-process) reads a private
 * enriched topic and signals visitor workflows, hosted with the offer activities by an in-process
 * Worker on a private visitors' task queue. Click timestamps script the visitors' time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfferActivities } from '../../activities/detection/offer-activities';
import { runDetectionFeed } from '../../activities/detection/run-detection-feed';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { readOfferFunnel } from '../../clients/offer-funnel';
import { createRedis } from '../../clients/redis';
import { connectTemporal, connectWorkerTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { visitorsInStateQuery } from '../../lib/offers/funnel';
import { visitorClicksSignal, visitorOfferWorkflowId, visitorStateQuery } from '../../lib/offers/messages';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import type { VisitorOfferInput, VisitorView } from '../../lib/offers/visitor-offers';
import { STATE_MACHINE_LOG_KEY } from '../../lib/redis-keys';
import { parseOffer, type EnrichedClick, type Gender, type Offer } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import { visitorOfferWorkflow } from '../../workflows/visitor-offer.workflow';
import { eventually, isolatedEnv } from './pipeline-support';
import { scriptedClick, uniqueName } from './support';
import { booksThenGames } from '../offer-rule-examples';

const env = isolatedEnv(mkdtempSync(join(tmpdir(), 'detection-')), 'data', 6);
const config = loadConfig(env);
// The feed under test reads its stage's input as its stage's group (lib/topology.ts).
const { input: enrichedTopic, groupId: detectionGroup } = stageSpec(config, 'detection');
const { offers: offersTopic } = config.kafka.topics;
const kafka = createKafka(config.kafka, 'test');
const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const redis = createRedis(config.redis);
// Idempotent: kafkajs retries a whole send after a leader change; a click must not arrive twice.
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
const offerReader = kafka.consumer({ groupId: uniqueName('it-offers') });
const client = await connectTemporal(config.temporal);
const offerActivities = createOfferActivities({ config, kafka, redis, temporal: client });
let worker: Worker;
let workerRun: Promise<void>;
const offers: Offer[] = [];
const visitors: string[] = [];

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const LONG_IDLE_MS = 10 * MINUTE;

/** A scripted visitor: `click(category, product, minutes after T0)` makes their enriched clicks. */
function visitor(gender: Gender, age: number) {
  const userId = uniqueName(`${gender}${age}`);
  visitors.push(userId);
  let n = 0;
  const click = (category: string, productId: string, minutes = 0): EnrichedClick =>
    scriptedClick({ clickId: `${userId}-${++n}`, userId, productId, category, gender, age, timestamp: T0 + minutes * MINUTE });
  return { userId, click };
}

const produce = (...clicks: EnrichedClick[]) =>
  producer.send({ topic: enrichedTopic, messages: clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c) })) });

/** Runs the feed in-process until the returned function stops it, as a worker shutdown would. */
function startFeed(rules: OfferRules, visitorIdleMs: number): () => Promise<void> {
  const stop = new AbortController();
  const log = { info: () => {}, warn: console.warn, error: console.error };
  const done = runDetectionFeed(
    { config, kafka, temporal: client, rules, visitorIdleMs, offerStateAttribute: config.offers.stateSearchAttribute },
    { signal: stop.signal, heartbeat: () => {}, log },
  );
  return async () => {
    stop.abort();
    await done;
  };
}

const stateOf = (userId: string): Promise<VisitorView> => client.workflow.getHandle(visitorOfferWorkflowId(userId)).query(visitorStateQuery);
const offersOf = (userId: string) => offers.filter((o) => o.userId === userId);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('offer detection', () => {
  let stopFeed: () => Promise<void>;

  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, [enrichedTopic, offersTopic]);
    await redis.flushdb();
    await producer.connect();
    await offerReader.connect();
    await offerReader.subscribe({ topic: offersTopic, fromBeginning: true });
    await offerReader.run({
      eachMessage: async ({ message }) => {
        const parsed = parseOffer(message.value?.toString() ?? '');
        if (!parsed.ok) throw new Error(parsed.reason);
        offers.push(parsed.value);
      },
    });
    worker = await Worker.create({
      connection: await connectWorkerTemporal(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.visitorTaskQueue,
      workflowsPath,
      activities: offerActivities,
    });
    workerRun = worker.run();
    stopFeed = startFeed(OFFER_RULES, LONG_IDLE_MS);
  });

  afterAll(async () => {
    await stopFeed();
    for (const userId of visitors)
      await client.workflow
        .getHandle(visitorOfferWorkflowId(userId))
        .terminate('test over')
        .catch(() => {});
    worker.shutdown();
    await workerRun;
    await Promise.all([producer.disconnect(), offerReader.disconnect()]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [enrichedTopic, offersTopic] }).catch(() => {});
    await admin.disconnect();
    await client.connection.close();
    await redis.flushdb();
    redis.disconnect();
  });

  const ann = visitor('F', 30);
  const bob = visitor('M', 40);

  it('sends exactly one offer, the one for the gender, and none for near misses', { timeout: 60_000 }, async () => {
    const tooYoung = visitor('F', 24);
    const wrongOrder = visitor('M', 45);
    const refreshOnly = visitor('F', 25);
    const tooSlow = visitor('M', 35);
    await produce(
      ann.click('clothing', 'A'),
      ann.click('shoes', 'S', 1),
      ann.click('clothing', 'B', 2),
      bob.click('clothing', 'A'),
      bob.click('shoes', 'S', 1),
      bob.click('clothing', 'B', 30),
      tooYoung.click('clothing', 'A'),
      tooYoung.click('shoes', 'S', 1),
      tooYoung.click('clothing', 'B', 2),
      wrongOrder.click('shoes', 'S'),
      wrongOrder.click('clothing', 'A', 1),
      wrongOrder.click('clothing', 'B', 2),
      refreshOnly.click('clothing', 'A'),
      refreshOnly.click('clothing', 'A', 1),
      refreshOnly.click('shoes', 'S', 2),
      refreshOnly.click('shoes', 'S', 3),
      tooSlow.click('clothing', 'A'),
      tooSlow.click('shoes', 'S', 10),
      tooSlow.click('clothing', 'B', 31),
    );

    await eventually('two offers', async () => (offers.length >= 2 ? true : undefined), 45_000);
    for (const v of [wrongOrder, refreshOnly, tooSlow]) {
      await eventually(`${v.userId}'s clicks processed`, async () => ((await stateOf(v.userId)).recentClicks.length >= 3 ? true : undefined), 15_000);
    }
    await settle(1_000);

    expect(offersOf(ann.userId)).toEqual([
      {
        userId: ann.userId,
        offerId: 'offer2',
        reason: expect.any(String),
        clickIds: [1, 2, 3].map((i) => `${ann.userId}-${i}`),
        timestamp: T0 + 2 * MINUTE,
        rules: { name: OFFER_RULES.name, version: 0 },
        steps: expect.any(Array),
      },
    ]);
    expect(offersOf(bob.userId).map((o) => o.offerId)).toEqual(['offer1']);
    expect(offers).toHaveLength(2);
    // No rule can use a 24-year-old woman's clicks: the feed never started her workflow.
    await expect(stateOf(tooYoung.userId)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await stateOf(tooSlow.userId)).state).toBe('clothes_visited'); // the late click began anew
    expect((await stateOf(ann.userId)).state).toBe('init');

    const log = (await redis.xrange(STATE_MACHINE_LOG_KEY, '-', '+')).map(([, fields]) => fields[fields.indexOf('line') + 1]);
    expect(log).toEqual(
      expect.arrayContaining([
        `User ${ann.userId} entered state clothes_visited, clicked A, category clothing`,
        `User ${ann.userId} entered state shoes_visited, clicked S, category shoes`,
        `User ${ann.userId} entered state offer, clicked B, category clothing`,
      ]),
    );
  });

  it("keeps each visitor's offer state where the funnel and the Temporal UI count it, and records near misses", { timeout: 60_000 }, async () => {
    const attribute = config.offers.stateSearchAttribute!;
    const kim = visitor('F', 30); // stays one step short of the offer
    const lou = visitor('M', 40); // one step short, then views books: a near miss
    await produce(
      kim.click('clothing', 'A', 100),
      kim.click('shoes', 'S', 101),
      lou.click('clothing', 'A', 100),
      lou.click('shoes', 'S', 101),
      lou.click('books', 'K', 102),
    );

    const inShoes = await eventually(
      'kim listed in shoes_visited',
      async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query: visitorsInStateQuery(attribute, 'shoes_visited') })) ids.push(w.workflowId);
        return ids.includes(visitorOfferWorkflowId(kim.userId)) ? ids : undefined;
      },
      20_000,
    );
    await eventually('lou back at the start', async () => ((await stateOf(lou.userId)).recentClicks.length === 3 ? true : undefined), 15_000);
    expect(inShoes).not.toContain(visitorOfferWorkflowId(lou.userId));
    const funnel = await eventually(
      "lou's near miss",
      async () => {
        const f = await readOfferFunnel(client, redis, OFFER_RULES, attribute);
        return f.nearMisses.latest.some((m) => m.userId === lou.userId) ? f : undefined;
      },
      15_000,
    );
    expect(funnel.steps.map((st) => st.state)).toEqual(['clothes_visited', 'shoes_visited']);
    expect(funnel.steps[1]!.visitors).toBeGreaterThanOrEqual(1);
    expect(funnel.running).toBeGreaterThanOrEqual(2);
    expect(funnel.nearMisses.latest.find((m) => m.userId === lou.userId)).toEqual({
      userId: lou.userId,
      rules: OFFER_RULES.name,
      version: 0,
      state: 'shoes_visited',
      endedBy: 'click',
      at: T0 + 102 * MINUTE,
      clickId: `${lou.userId}-3`,
    });
    expect(funnel.nearMisses.count).toBeGreaterThanOrEqual(1);
  });

  it('sends no duplicate when the feed restarts mid-sequence and re-reads every click', { timeout: 60_000 }, async () => {
    const rita = visitor('F', 35);
    const started = [rita.click('clothing', 'A'), rita.click('shoes', 'S', 1)];
    await produce(...started);
    await eventually(
      'rita in shoes_visited',
      async () => ((await stateOf(rita.userId).catch(() => undefined))?.state === 'shoes_visited' ? true : undefined),
      20_000,
    );

    await stopFeed();
    // As if nothing had been committed: the group re-reads the topic from its start.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: detectionGroup, topic: enrichedTopic, earliest: true });
    await admin.disconnect();
    await produce(...started, rita.click('clothing', 'B', 2));
    stopFeed = startFeed(OFFER_RULES, LONG_IDLE_MS);

    await eventually("rita's offer", async () => (offersOf(rita.userId).length > 0 ? true : undefined), 30_000);
    await eventually("ann's clicks re-read", async () => ((await stateOf(ann.userId)).duplicatesIgnored >= 3 ? true : undefined), 15_000);
    await settle(1_000);

    expect(offersOf(rita.userId).map((o) => o.offerId)).toEqual(['offer2']);
    expect((await stateOf(rita.userId)).duplicatesIgnored).toBe(4);
    expect(offers).toHaveLength(3);
  });

  it("follows a changed rule set, and completes an idle visitor's workflow", { timeout: 60_000 }, async () => {
    const rules = booksThenGames({ maxAge: 30, offerState: 'gamer', windowMinutes: 5 });
    await stopFeed();
    stopFeed = startFeed(rules, 2_000);
    const gus = visitor('M', 20);
    const oldRuleFan = visitor('M', 40);
    await produce(
      gus.click('books', 'K'),
      gus.click('games', 'G', 1),
      oldRuleFan.click('clothing', 'A'),
      oldRuleFan.click('shoes', 'S', 1),
      oldRuleFan.click('clothing', 'B', 2),
    );

    await eventually("gus's offer", async () => (offersOf(gus.userId).length > 0 ? true : undefined), 30_000);
    expect(offersOf(gus.userId).map((o) => o.offerId)).toEqual(['offer-games']);

    const handle = client.workflow.getHandle(visitorOfferWorkflowId(gus.userId));
    await eventually("gus's workflow completes when idle", async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), 15_000);
    expect(await handle.result()).toMatchObject({ rules: 'books-then-games', state: 'init', clicksProcessed: 2 });
    expect(offersOf(oldRuleFan.userId)).toEqual([]);
  });

  it('keeps its machine and click ids across continue-as-new, and its history replays with this code', { timeout: 60_000 }, async () => {
    const cora = visitor('F', 28);
    const workflowId = visitorOfferWorkflowId(cora.userId);
    const input: VisitorOfferInput = { userId: cora.userId, rules: OFFER_RULES, idleTimeoutMs: LONG_IDLE_MS, batchesPerRun: 1 };
    const clicks = [cora.click('clothing', 'A'), cora.click('shoes', 'S', 1), cora.click('clothing', 'B', 2)];
    let firstRunId: string | undefined;
    for (let i = 0; i < clicks.length; i++) {
      // Each batch re-sends the earlier clicks too, as a feed restart would.
      const handle = await client.workflow.signalWithStart(visitorOfferWorkflow, {
        taskQueue: config.temporal.visitorTaskQueue,
        workflowId,
        args: [input],
        signal: visitorClicksSignal,
        signalArgs: [
          clicks.slice(0, i + 1).map(({ clickId, productId, category, gender, age, timestamp }) => ({ clickId, productId, category, gender, age, timestamp })),
        ],
      });
      firstRunId ??= handle.signaledRunId;
      await eventually(`batch ${i + 1} processed`, async () => ((await stateOf(cora.userId)).clicksProcessed === i + 1 ? true : undefined), 15_000);
    }

    await eventually("cora's offer", async () => (offersOf(cora.userId).length > 0 ? true : undefined), 15_000);
    expect(offersOf(cora.userId).map((o) => o.offerId)).toEqual(['offer2']);
    expect(await stateOf(cora.userId)).toMatchObject({ state: 'init', duplicatesIgnored: 3 });
    expect((await client.workflow.getHandle(workflowId).describe()).runId).not.toBe(firstRunId);
    await Worker.runReplayHistory({ workflowsPath }, await client.workflow.getHandle(workflowId, firstRunId).fetchHistory());
  });

  it('loses no click that arrives while a run continues as new', { timeout: 90_000 }, async () => {
    // Each batch is sent the moment the previous one shows in the query: while the run that
    // processed it is continuing as new. The server then refuses the continue-as-new, and the
    // replay that follows must hand the new click to the next run. A local activity for the log
    // lost it in most of these visitors.
    const categories = ['clothing', 'shoes', 'books', 'games', 'clothing', 'shoes'];
    const crowd = Array.from({ length: 10 }, () => visitor('F', 28));
    await Promise.all(
      crowd.map(async (v) => {
        const input: VisitorOfferInput = { userId: v.userId, rules: OFFER_RULES, idleTimeoutMs: LONG_IDLE_MS, batchesPerRun: 1 };
        for (const [i, category] of categories.entries()) {
          const { clickId, productId, gender, age, timestamp } = v.click(category, `P${i}`, i);
          await client.workflow.signalWithStart(visitorOfferWorkflow, {
            taskQueue: config.temporal.visitorTaskQueue,
            workflowId: visitorOfferWorkflowId(v.userId),
            args: [input],
            signal: visitorClicksSignal,
            signalArgs: [[{ clickId, productId, category, gender, age, timestamp }]],
          });
          await eventually(
            `${v.userId}'s batch ${i + 1}`,
            async () => ((await stateOf(v.userId).catch(() => undefined))?.clicksProcessed === i + 1 ? true : undefined),
            30_000,
            20,
          );
        }
      }),
    );
    for (const v of crowd) expect((await stateOf(v.userId)).clicksProcessed).toBe(categories.length);
  });

  it('resets a sequence on a click of its visitor outside every target, also right after the feed restarted', { timeout: 60_000 }, async () => {
    await stopFeed();
    stopFeed = startFeed(OFFER_RULES, LONG_IDLE_MS);
    const vera = visitor('F', 30);
    await produce(vera.click('clothing', 'A'));
    await eventually(
      'vera in clothes_visited',
      async () => ((await stateOf(vera.userId).catch(() => undefined))?.state === 'clothes_visited' ? true : undefined),
      20_000,
    );
    // A fresh feed has signalled no one: it learns whose workflows run from Temporal's visibility.
    await stopFeed();
    stopFeed = startFeed(OFFER_RULES, LONG_IDLE_MS);
    // The same device, now used by someone of 50: no rule targets them, yet their click ends vera's sequence.
    await produce({ ...vera.click('books', 'K', 1), age: 50 }, vera.click('shoes', 'S', 2), vera.click('clothing', 'B', 3));

    const view = await eventually(
      "vera's four clicks processed",
      async () => {
        const v = await stateOf(vera.userId);
        return v.clicksProcessed === 4 ? v : undefined;
      },
      30_000,
    );
    // Shoes in init fit nothing; the last clothing click starts a new sequence instead of completing the old one.
    expect(view.state).toBe('clothes_visited');
    await settle(1_000);
    expect(offersOf(vera.userId)).toEqual([]);
  });
});
