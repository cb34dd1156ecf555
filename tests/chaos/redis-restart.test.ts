/**
 * A Redis that keeps nothing on disk, killed and started again empty while clicks flow through a
 * private pipeline (every worker in its own process). Nobody re-runs the ingestion: enrichment
 * finds the lookups gone and has them reloaded, losing and dead-lettering no click; the dashboard
 * and the offers' state-machine log come back by themselves, also after a restart while idle.
 */
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestion } from '../../activities/ingestion/start-ingestion';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { loadConfig } from '../../lib/config';
import { DASHBOARD_KEY, LOOKUPS_LOADED_KEY, STATE_MACHINE_LOG_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import type { ClickEvent, DeadLetterRecord, EnrichedClick, Offer } from '../../lib/schema';
import { clicksInWindow } from '../integration/dashboard-reference';
import { eventually, isolatedEnv } from '../integration/pipeline-support';
import { closePipeline, consumerAttempts, pipelineProcesses, startConsumers, testProducer, TopicReader, writeDataSet } from './private-pipeline';
import { freePort } from '../integration/support';

const CLICKS = 1_500;
const BATCH = 20;
const BATCH_EVERY_MS = 100;
/** Clicks sent before Redis is killed: the rest flow while it is down and while the lookups reload. */
const CLICKS_BEFORE_RESTART = 500;
const T0 = Date.UTC(2026, 0, 1, 12);
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** The private server's password: as the stack's, Redis refuses clients without one. */
const PASSWORD = `chaos-${randomUUID()}`;

/** This test's own redis-server, as the stack runs it: no RDB snapshots, no append-only file, a password. */
class RedisServer {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
  }

  /** SIGKILL: whatever it held is gone. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chaos-redis-restart-'));
const server = new RedisServer(await freePort());
const env = { ...isolatedEnv(join(dir, 'state'), dir, 0), REDIS_PORT: String(server.port), REDIS_PASSWORD: PASSWORD, VISITOR_IDLE_MINUTES: '5' };
const config = loadConfig(env);
const { topics } = config.kafka;
const kafka = createKafka(config.kafka, 'chaos-test');
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
redis.on('error', () => {}); // refused connections while the server is down are the point; commands wait for it
const producer = testProducer(kafka);
const workers = pipelineProcesses(env);
const { products, visitors } = writeDataSet(dir, 3_000);
let client: Client;

/** Click n: a replayed click of visitor n, so clicks after the restart need lookups no cache holds. */
const click = (n: number): ClickEvent => ({
  clickId: `click-${n}`,
  userId: visitors[n % visitors.length]!.userId,
  productId: products[n % products.length]!.id,
  ip: '81.2.69.160',
  userAgent: DESKTOP,
  timestamp: T0 + n * 200,
  originalTimestamp: n,
  source: 'replay',
});

/** Restarts Redis empty; resolves with the seconds until the lookups are back, nobody having asked for them. */
async function restartRedis(): Promise<number> {
  await server.kill();
  await server.start();
  const restarted = Date.now();
  return eventually(
    'the lookups to be reloaded',
    async () => ((await redis.exists(LOOKUPS_LOADED_KEY)) === 1 ? (Date.now() - restarted) / 1_000 : undefined),
    60_000,
  );
}

const dashboardNow = async () => {
  const text = await redis.get(DASHBOARD_KEY);
  return text ? (JSON.parse(text) as DashboardAggregates) : undefined;
};

describe('Redis restarted empty mid-stream', () => {
  const readers: TopicReader[] = [];

  beforeAll(async () => {
    await server.start();
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    client = await connectTemporal(config.temporal);
    await Promise.all([producer.connect(), ...workers.map((w) => w.start())]);
  });

  afterAll(async () => {
    await closePipeline({ client, kafka, config, redis, producer, workers, readers });
    await server.kill();
  });

  it('reloads the lookups itself, loses no click and recovers the dashboard', async () => {
    await (await startIngestion(client, config)).result();
    await startConsumers(client, config.temporal.taskQueue, CONSUMER_KINDS);
    const [enriched, deadLetters, offers] = await Promise.all(
      [topics.enriched, topics.deadLetter, topics.offers].map((t) => new TopicReader(kafka, t).start()),
    );
    readers.push(enriched!, deadLetters!, offers!);

    let sent = 0;
    const producing = (async () => {
      while (sent < CLICKS) {
        const batch = Array.from({ length: Math.min(BATCH, CLICKS - sent) }, (_, i) => click(sent + i));
        await producer.send({ topic: topics.clicks, messages: batch.map((c) => ({ key: c.userId, value: JSON.stringify(c) })) });
        sent += batch.length;
        await new Promise((r) => setTimeout(r, BATCH_EVERY_MS));
      }
    })();
    await eventually(
      'clicks flowing before the restart',
      async () => (sent >= CLICKS_BEFORE_RESTART && enriched!.records.length > 0 ? true : undefined),
      60_000,
    );
    const sentAtRestart = sent;
    const reloadedIn = await restartRedis();
    await producing;
    expect(sentAtRestart).toBeLessThan(CLICKS); // the restart happened mid-stream

    // After the restart: a man of 40's shop sequence still gets his offer, and its transitions are logged in the new Redis.
    const man = 'SHOP-MAN-40';
    const [shirt, jacket] = products.filter((p) => p.category === 'clothing');
    const [boots] = products.filter((p) => p.category === 'shoes');
    const sequence = [shirt!, boots!, jacket!].map((p, i): ClickEvent => ({
      ...click(CLICKS + i),
      clickId: `man-${i}`,
      userId: man,
      productId: p.id,
      source: 'shop',
      age: 40,
      gender: 'M',
    }));
    await producer.send({ topic: topics.clicks, messages: sequence.map((c) => ({ key: man, value: JSON.stringify(c) })) });
    const total = CLICKS + sequence.length;
    const maxTimestamp = Math.max(...sequence.map((c) => c.timestamp));

    await eventually('every click enriched', async () => (enriched!.records.length >= total ? true : undefined), 120_000);
    const dashboard = await eventually(
      'the dashboard to count every click',
      async () => {
        const d = await dashboardNow();
        return d && d.asOf === maxTimestamp && clicksInWindow(d) === total ? d : undefined;
      },
      60_000,
    );
    const offer = await eventually('the offer for the man of 40', async () => offers!.json<Offer>().find((o) => o.userId === man), 60_000);
    const logged = await eventually(
      'his transitions in the state-machine log',
      async () => {
        const entries = await redis.xrange(STATE_MACHINE_LOG_KEY, '-', '+');
        const his = entries.filter(([, fields]) => fields.includes(man));
        return his.length >= sequence.length ? his.length : undefined;
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate or a late dead letter would show by now

    const ids = enriched!.json<EnrichedClick>().map((e) => e.clickId);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    // Nothing dead-lettered, "unknown" or otherwise, and every replayed click has its visitor's facts.
    expect(deadLetters!.json<DeadLetterRecord>()).toEqual([]);
    const byUser = new Map(visitors.map((v) => [v.userId, v]));
    for (const e of enriched!.json<EnrichedClick>().filter((e) => e.source === 'replay')) expect(e.gender).toBe(byUser.get(e.userId)!.gender ?? 'U');
    expect(clicksInWindow(dashboard)).toBe(total);
    expect(offer).toMatchObject({ offerId: 'offer1', clickIds: sequence.map((c) => c.clickId) });

    // Restarted again with the stream idle: the dashboard comes back with the same totals, unasked.
    await server.kill();
    await server.start();
    const recovered = await eventually('the dashboard to be written again', dashboardNow, 30_000);
    expect(recovered.asOf).toBe(maxTimestamp);
    expect(clicksInWindow(recovered)).toBe(total);
    expect(recovered.sessions).toEqual(dashboard.sessions);
    expect(recovered.devices).toEqual(dashboard.devices);

    expect(await consumerAttempts(client, config.temporal.taskQueue, CONSUMER_KINDS)).toEqual({ enrichment: 1, aggregation: 1, detection: 1 });
    const lost = total - new Set(ids).size;
    console.log(
      `[chaos] redis restart: lookups reloaded in ${reloadedIn.toFixed(1)} s, ${total} clicks (${CLICKS - sentAtRestart} sent after the restart), ${lost} lost, ` +
        `0 dead-lettered, dashboard recovered (also after an idle restart), offer sent and ${logged} transitions logged after the restart`,
    );
  });
});
