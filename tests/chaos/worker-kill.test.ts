/**
 * Every kind of worker SIGKILLed mid-replay and started again, one after another, in one replay of
 * a private pipeline: the dashboard still equals the reference computed from the click log, every
 * row of the log is exactly once a click or a dead letter, every click is enriched exactly once,
 * and the offers topic holds exactly the offers the scripted visitors earned, none twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfferActivities, type OfferActivities } from '../../activities/detection/offer-activities';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { probeAllWorkers } from '../../clients/probes';
import { createRedis } from '../../clients/redis';
import { connectTemporal, connectWorkerTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { generateClickRows, productPageUrl, type ClickLogRow } from '../../scripts/datagen/click-log';
import { csvRow } from '../../scripts/datagen/csv';
import { CLICK_LOG_START_MS } from '../../scripts/datagen/log-period';
import { generateProducts } from '../../scripts/datagen/products';
import { USER_AGENTS } from '../../scripts/datagen/user-agents';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { ageAt } from '../../lib/enrichment/age';
import { mayStartSequence } from '../../lib/offers/feed-filter';
import { visitorClicksSignal, visitorOfferWorkflowId } from '../../lib/offers/messages';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { replayClickId } from '../../lib/replay/chunk';
import {
  CLICK_LOG_COLUMNS,
  type ClickEvent,
  type DeadLetterRecord,
  type EnrichedClick,
  type Gender,
  type Offer,
  type Product,
  type Visitor,
} from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { visitorOfferWorkflow } from '../../workflows/visitor-offer.workflow';
import { eventually, ingestDataDir, isolatedEnv, stopAll } from '../integration/pipeline-support';
import { expectDashboardOf } from './pipeline-checks';
import { consumerAttempts, pipelineProcesses, removePipeline, startConsumers, TopicReader } from './private-pipeline';

const BACKGROUND_ROWS = 2_400;
/** Clicks per second: the replay lasts about a minute, long enough for four kills and restarts. */
const RATE = 40;
const dir = mkdtempSync(join(tmpdir(), 'worker-kill-'));
const baseEnv = isolatedEnv(join(dir, 'state'), dir, 11);
const env = { ...baseEnv, TOPIC_REPLAY_POSITIONS: `${baseEnv.KAFKA_CLIENT_ID}-replay-positions` };
const config = loadConfig(env);
const taskQueue = config.temporal.taskQueue;
const kafka = createKafka(config.kafka, 'chaos');
const redis = createRedis(config.redis);
const client = await connectTemporal(config.temporal);

const products = generateProducts(23);
const [coatA, coatB] = products.filter((p) => p.category === 'clothing');
const shoes = products.find((p) => p.category === 'shoes');
const desktop = USER_AGENTS.find((ua) => ua.device === 'Desktop')!.text;

/** Registered visitors whose clicks no offer rule can use: the offers come from the scripted ones only. */
const background = generateVisitors(23, 300).filter(
  (v) => !mayStartSequence(OFFER_RULES, { gender: v.gender ?? 'U', age: v.birthDate ? ageAt(v.birthDate, Date.now()) : null }),
);

/** A birth date that makes the visitor `age` for months around today. */
function birthDateForAge(age: number): string {
  const date = new Date(Date.now() - 100 * 86_400_000);
  date.setUTCFullYear(date.getUTCFullYear() - age);
  return date.toISOString().slice(0, 10);
}

interface ScriptedClick {
  row: ClickLogRow;
  /** Where in the log, as a share of the background rows. */
  at: number;
}

/** Scripted visitors: their clicks, spread over the log so that kills fall inside their sequences. */
const scripted: { visitor: Visitor; clicks: ScriptedClick[]; offers: ScriptedClick[][] }[] = [];
function script(gender: Gender, age: number, steps: [Product, number][], offerAfter: number[]) {
  const visitor: Visitor = { userId: randomUUID().toUpperCase(), gender, birthDate: birthDateForAge(age) };
  const clicks = steps.map(([product, at]) => ({
    at,
    row: [String(CLICK_LOG_START_MS / 1000), `{${visitor.userId}}`, '81.2.69.160', desktop, productPageUrl(product)],
  }));
  // An offer is earned by the clicks of its sequence: the three up to and including step `end`.
  scripted.push({ visitor, clicks, offers: offerAfter.map((end) => clicks.slice(end - 2, end + 1)) });
}
for (let i = 0; i < 4; i++) {
  const [first, second, third] = [0.05 + 0.04 * i, 0.3 + 0.08 * i, 0.7 + 0.06 * i];
  script(
    'M',
    40,
    [
      [coatA!, first],
      [shoes!, second],
      [coatB!, third],
    ],
    [2],
  );
  script(
    'F',
    30,
    [
      [coatB!, first + 0.01],
      [shoes!, second + 0.01],
      [coatA!, third + 0.01],
    ],
    [2],
  );
}
// Twice the sequence: two offers.
script(
  'M',
  38,
  [
    [coatA!, 0.1],
    [shoes!, 0.2],
    [coatB!, 0.33],
    [coatA!, 0.45],
    [shoes!, 0.6],
    [coatB!, 0.9],
  ],
  [2, 5],
);
// Near misses: back to the first product; too young; shoes first.
script(
  'M',
  40,
  [
    [coatA!, 0.12],
    [shoes!, 0.4],
    [coatA!, 0.8],
  ],
  [],
);
script(
  'F',
  24,
  [
    [coatA!, 0.15],
    [shoes!, 0.42],
    [coatB!, 0.82],
  ],
  [],
);
script(
  'F',
  30,
  [
    [shoes!, 0.18],
    [coatA!, 0.44],
    [coatB!, 0.84],
  ],
  [],
);

const rows: ClickLogRow[] = [...generateClickRows({ seed: 23, rows: BACKGROUND_ROWS, products, visitors: background, malformedRate: 0.003 })];
for (const { row, at } of scripted.flatMap((s) => s.clicks).sort((a, b) => b.at - a.at)) rows.splice(Math.round(at * BACKGROUND_ROWS), 0, row);
/** Data row number (1 = after the header) of a row of the log. */
const rowNumber = (row: ClickLogRow) => rows.indexOf(row) + 1;

const [orchestrator, ...streamWorkers] = pipelineProcesses(env);
const workers = [orchestrator!, ...streamWorkers];
const readers = {
  clicks: new TopicReader(kafka, config.kafka.topics.clicks),
  enriched: new TopicReader(kafka, config.kafka.topics.enriched),
  offers: new TopicReader(kafka, config.kafka.topics.offers),
  deadLetters: new TopicReader(kafka, config.kafka.topics.deadLetter),
};

describe('SIGKILL of each kind of worker mid-replay', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
    writeFileSync(join(dir, 'users.json'), [...background, ...scripted.map((s) => s.visitor)].map(visitorJsonLine).join(''));
    writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.flushdb();
    await Promise.all([...workers.map((w) => w.start()), ...Object.values(readers).map((r) => r.start())]);
  });

  afterAll(async () => {
    await stopAll(workers);
    await Promise.all(Object.values(readers).map((r) => r.stop()));
    await removePipeline(client, kafka, config, redis);
    await client.connection.close();
    redis.disconnect();
  });

  it('loses and duplicates no click, aggregate or offer', async ({ onTestFailed }) => {
    onTestFailed(() => {
      for (const w of workers) console.error(`[chaos] ${w.name} output (end):\n${w.output.slice(-4_000)}`);
    });
    await ingestDataDir(client, taskQueue, dir);
    await startConsumers(client, taskQueue, CONSUMER_KINDS);
    const replay = await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: `${taskQueue}-replay`,
      args: [{ file: join(dir, 'clicks.csv'), loop: false, pace: { mode: 'fixed', rate: RATE } }],
    });

    // One kind after another, each once the enriched clicks reach its share of the log.
    const kills = [...streamWorkers, orchestrator!].map((worker, i) => ({ worker, at: 0.2 + 0.15 * i }));
    for (const { worker, at } of kills) {
      await eventually(`${at * 100}% of the clicks enriched`, async () => (readers.enriched.records.length >= at * rows.length ? true : undefined), 120_000);
      const upBefore = worker === orchestrator ? (await probeAllWorkers(config)).orchestrator.up : undefined;
      await worker.kill();
      const [killedAt, enriched] = [Date.now(), readers.enriched.records.length];
      if (worker === orchestrator) {
        // `make status` and /api/health say so within seconds: the server would list its pollers for minutes.
        const after = await eventually(
          'the orchestrator reported down',
          async () => {
            const probed = await probeAllWorkers(config);
            return probed.orchestrator.up ? undefined : probed;
          },
          10_000,
        );
        console.log(
          `[chaos] status of the orchestrator: up ${upBefore} before its SIGKILL, down ${Date.now() - killedAt} ms after (${after.orchestrator.reason})`,
        );
        expect(upBefore).toBe(true);
        expect(after.orchestrator.up).toBe(false);
        expect(after.visitors.up).toBe(false);
      }
      await new Promise((r) => setTimeout(r, 2_000));
      // A loaded machine can take a while to start a tsx process.
      await worker.start(120_000);
      console.log(`[chaos] killed ${worker.name} at ${enriched} enriched clicks, started again ${Date.now() - killedAt} ms later`);
    }

    const progress = await replay.result();
    expect(progress.rowsSent + progress.rowsRejected).toBe(rows.length);
    expect(progress.rowsRejected).toBeGreaterThan(0);
    // The orchestrator died inside a chunk, whose retry resumed from the committed position.
    const history = await replay.fetchHistory();
    expect(history.events!.some((e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1)).toBe(true);
    // Each stream consumer died with its worker, and Temporal ran it again on the new one.
    for (const attempt of Object.values(await consumerAttempts(client, taskQueue, CONSUMER_KINDS))) expect(attempt).toBeGreaterThan(1);

    // Every row of the log exactly once: a click or a dead letter, never both, never twice.
    await eventually(
      'every row on the topics',
      async () => (readers.clicks.records.length + producerDeadLetters().length >= rows.length ? true : undefined),
      60_000,
    );
    const clicks = readers.clicks.json<ClickEvent>();
    const rowsSeen = [
      ...clicks.map((c) => c.clickId),
      ...producerDeadLetters().map((d) => replayClickId(replay.firstExecutionRunId, 1, Number(d.origin.split(':').pop()))),
    ];
    expect(new Set(rowsSeen).size).toBe(rows.length);
    expect(clicks).toHaveLength(progress.rowsSent);
    expect(producerDeadLetters()).toHaveLength(progress.rowsRejected);

    // Every click enriched exactly once; those of unknown products dead-lettered once instead.
    const productIds = new Set(products.map((p) => p.id));
    const enrichable = clicks.filter((c) => productIds.has(c.productId));
    const enrichmentDeadLetters = () => readers.deadLetters.json<DeadLetterRecord>().filter((d) => d.stage === 'enrichment');
    await eventually(
      'every click enriched or dead-lettered',
      async () => (readers.enriched.records.length + enrichmentDeadLetters().length >= clicks.length ? true : undefined),
      90_000,
    );
    const sorted = (ids: string[]) => [...ids].sort();
    const enrichedIds = readers.enriched.json<EnrichedClick>().map((c) => c.clickId);
    const refusedIds = enrichmentDeadLetters().map((d) => (JSON.parse(d.payload) as ClickEvent).clickId);
    const lost = clicks.length - new Set([...enrichedIds, ...refusedIds]).size;
    const duplicated = enrichedIds.length + refusedIds.length - new Set([...enrichedIds, ...refusedIds]).size;
    expect(sorted(enrichedIds)).toEqual(sorted(enrichable.map((c) => c.clickId)));
    expect(sorted(refusedIds)).toEqual(sorted(clicks.filter((c) => !enrichable.includes(c)).map((c) => c.clickId)));

    // The dashboard counts each click once.
    await expectDashboardOf(redis, enrichable, products);

    // Exactly the offers the scripted visitors earned.
    const expectedOffers = scripted.flatMap(({ visitor, offers }) =>
      offers.map((clicksOfOffer) => ({
        userId: visitor.userId,
        offerId: OFFER_RULES.offerByGender[visitor.gender!],
        clickIds: clicksOfOffer.map((c) => replayClickId(replay.firstExecutionRunId, 1, rowNumber(c.row))),
      })),
    );
    await eventually('every offer', async () => (readers.offers.records.length >= expectedOffers.length ? true : undefined), 60_000);
    // Time for a duplicate to show up, had a retried send made one.
    await new Promise((r) => setTimeout(r, 3_000));
    const offers = readers.offers.json<Offer>().map(({ userId, offerId, clickIds }) => ({ userId, offerId, clickIds }));
    const byClicks = (a: { clickIds: string[] }, b: { clickIds: string[] }) => a.clickIds.join().localeCompare(b.clickIds.join());
    expect(offers.sort(byClicks)).toEqual(expectedOffers.sort(byClicks));

    console.log(
      `[chaos] worker kills: ${kills.length} kinds killed (${kills.length} kills), ${clicks.length} clicks, ` +
        `${lost} lost, ${duplicated} duplicated, ` +
        `offers ${expectedOffers.length} expected ${offers.length} seen`,
    );
  });

  it('sends an offer once when the worker dies after Kafka committed it, before Temporal heard', async () => {
    const real = createOfferActivities({ config, kafka, redis, temporal: client });
    const crashingAfterCommit: OfferActivities = {
      ...real,
      async sendOffers(offers) {
        await real.sendOffers(offers);
        if (Context.current().info.attempt === 1) throw new Error('worker lost after the commit');
      },
    };
    // Its own task queue, so the orchestrator process does not take these tasks.
    const faultQueue = `${taskQueue}-fault`;
    const worker = await Worker.create({
      connection: await connectWorkerTemporal(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue: faultQueue,
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      activities: crashingAfterCommit,
    });
    const userId = randomUUID().toUpperCase();
    const click = (i: number, category: string, productId: string) => ({
      clickId: `${userId}-${i}`,
      productId,
      category,
      gender: 'M' as const,
      age: 40,
      timestamp: Date.now() + i,
    });
    const offersOf = () => readers.offers.json<Offer>().filter((o) => o.userId === userId);
    await worker.runUntil(async () => {
      const handle = await client.workflow.signalWithStart(visitorOfferWorkflow, {
        taskQueue: faultQueue,
        workflowId: visitorOfferWorkflowId(userId),
        args: [{ userId, rules: OFFER_RULES, idleTimeoutMs: 60_000 }],
        signal: visitorClicksSignal,
        signalArgs: [[click(1, 'clothing', 'A'), click(2, 'shoes', 'S'), click(3, 'clothing', 'B')]],
      });
      const retried = async () => {
        const { events } = await handle.fetchHistory();
        const started = events!.find((e) => e.activityTaskStartedEventAttributes);
        return started && events!.some((e) => e.activityTaskCompletedEventAttributes) ? started.activityTaskStartedEventAttributes!.attempt : undefined;
      };
      expect(await eventually('sendOffers to complete', retried, 60_000)).toBe(2);
      // Time for a second copy to show up, had the retry sent one.
      await new Promise((r) => setTimeout(r, 2_000));
      await handle.terminate('test over');
    });
    expect(offersOf().map((o) => [o.offerId, o.clickIds])).toEqual([['offer1', [1, 2, 3].map((i) => `${userId}-${i}`)]]);
    console.log('[chaos] offer send retried after a committed attempt: 1 offer expected, 1 seen');
  });
});

/** Rows the replay rejected (enrichment dead-letters on the same topic, with another stage). */
function producerDeadLetters(): DeadLetterRecord[] {
  return readers.deadLetters.json<DeadLetterRecord>().filter((d) => d.stage === 'producer');
}
