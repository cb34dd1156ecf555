/**
 * An absence timer survives its worker (issue 14): a visitor views shoes under a rule that offers
 * something when no clothing follows within a minute; the orchestrator, which hosts the visitor's
 * workflow, is SIGKILLed while the timer is pending and started again. The timer is the Temporal
 * server's, so it fires on time, the restarted worker takes the step, and the offer reaches
 * `special-offers` exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorOfferWorkflowId, visitorStateQuery } from '../../lib/offers/messages';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';
import type { Offer } from '../../lib/schema';
import { eventually, isolatedEnv, WorkerProcess } from '../integration/pipeline-support';
import { uniqueName } from '../integration/support';
import { removePipeline, TopicReader } from './private-pipeline';
import { alive, printWorkerOutput } from './private-stack';
import { shoesWithoutClothing } from '../offer-rule-examples';

const { EventType } = temporal.api.enums.v1;
const dir = mkdtempSync(join(tmpdir(), 'absence-timer-'));
const env = isolatedEnv(join(dir, 'state'), dir, 14);
const config = loadConfig(env);
const kafka = createKafka(config.kafka, 'chaos');
const redis = createRedis(config.redis);
const client = await connectTemporal(config.temporal);
const orchestrator = new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' });
const offers = new TopicReader(kafka, config.kafka.topics.offers);

/** Shoes, and no clothing within a minute: the offer. */
const SHOES_WITHOUT_CLOTHING = shoesWithoutClothing(1);
const ABSENCE_MS = 60_000;

describe('an absence timer pending while its worker dies', () => {
  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await orchestrator.start(120_000);
    await offers.start();
  });

  afterAll(async () => {
    await offers.stop();
    await removePipeline(client, kafka, config, redis);
    await orchestrator.stop();
    await client.connection.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires on time after the orchestrator was SIGKILLed and started again, and sends the offer once', { timeout: 240_000 }, async ({ onTestFailed }) => {
    onTestFailed(() => printWorkerOutput([orchestrator]));
    const userId = uniqueName('absent');
    const workflowId = visitorOfferWorkflowId(userId);
    const clickedAt = Date.now();
    const input: VisitorOfferInput = { userId, rules: SHOES_WITHOUT_CLOTHING, rulesVersion: 1, idleTimeoutMs: 30 * 60_000 };
    await client.workflow.signalWithStart(VISITOR_OFFER_WORKFLOW, {
      taskQueue: config.temporal.visitorTaskQueue,
      workflowId,
      args: [input],
      signal: visitorClicksSignal,
      signalArgs: [[{ clickId: `${userId}-1`, productId: 'S1', category: 'shoes', gender: 'F', age: 30, timestamp: clickedAt }], 1],
    });
    const handle = client.workflow.getHandle(workflowId);
    await eventually(
      'the visitor in shoes_visited',
      async () => ((await handle.query(visitorStateQuery)).state === 'shoes_visited' ? true : undefined),
      30_000,
    );

    const pid = alive(orchestrator);
    await orchestrator.kill();
    await new Promise((r) => setTimeout(r, 5_000));
    await orchestrator.start(120_000);
    expect(alive(orchestrator)).not.toBe(pid);

    const mine = () => offers.json<Offer>().filter((o) => o.userId === userId);
    await eventually('the absence offer', async () => (mine().length > 0 ? true : undefined), ABSENCE_MS + 90_000, 500);
    const seenAt = Date.now();
    // Another moment for a duplicate to show.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(mine()).toEqual([
      expect.objectContaining({ offerId: 'offer-shoes', timestamp: clickedAt + ABSENCE_MS, rules: { name: SHOES_WITHOUT_CLOTHING.name, version: 1 } }),
    ]);
    expect(await handle.query(visitorStateQuery)).toMatchObject({ state: 'init', clicksProcessed: 1 });
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(1);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendOffers')).toHaveLength(1);
    console.log(
      `[chaos] absence timer: orchestrator killed and restarted while it was pending; offer seen ${((seenAt - clickedAt) / 1000).toFixed(1)} s after the click, once`,
    );
  });
});
