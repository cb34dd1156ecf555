import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEnrichment } from '../../activities/enrichment/run-enrichment';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { loadConfig } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { LOOKUPS_LOADED_KEY } from '../../lib/redis-keys';
import type { ClickEvent, DeadLetterRecord, EnrichedClick } from '../../lib/schema';
import { uniqueName } from './support';

const run = uniqueName('it-enrich');
const config = loadConfig({
  ...process.env,
  REDIS_DB: '4',
  KAFKA_CLIENT_ID: run,
  TOPIC_CLICKS: `${run}-clicks`,
  TOPIC_ENRICHED: `${run}-enriched`,
  TOPIC_OFFERS: `${run}-offers`,
  TOPIC_DEAD_LETTER: `${run}-dead`,
});
const kafka = createKafka(config.kafka, 'test');
const redis = createRedis(config.redis);
const { topics } = config.kafka;
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const T = Date.UTC(2026, 5, 15, 12);

const click = (n: number, over: Partial<ClickEvent> = {}): ClickEvent => ({
  clickId: `c${n}`,
  userId: 'KNOWN-VISITOR',
  productId: 'VD00000001',
  ip: '81.2.69.160',
  userAgent: IPHONE,
  timestamp: T + n,
  originalTimestamp: 1_000 * n,
  source: 'replay',
  ...over,
});

function startEnrichment() {
  const controller = new AbortController();
  const log = { info() {}, warn() {}, error() {} };
  const runHandle: ConsumerRun = { signal: controller.signal, heartbeat() {}, log };
  // The test loads the lookups itself, marker included: a reload request would be a bug here.
  const reloadLookups = () => Promise.reject(new Error('unexpected lookups reload'));
  const done = runEnrichment({ config, kafka, redis, reloadLookups }, runHandle);
  return {
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: KafkaMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic}: ${got.length} of ${count} messages`)), 45_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await new Promise((r) => setTimeout(r, 1_000)); // anything beyond `count` would be a duplicate: give it a moment to show
  await consumer.disconnect();
  return got;
}

async function produce(messages: { key: string; value: string }[]) {
  // Idempotent, so a retried send cannot put a click on the topic twice and blur what is tested.
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic: topics.clicks, messages });
  await producer.disconnect();
}

describe('enrichment', () => {
  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.flushdb();
    await redis.hset('product:VD00000001', { cat: 'clothing', title: 'Linen shirt' });
    await redis.hset('visitor:KNOWN-VISITOR', { gender: 'F', birthday: '1995-06-16' });
    for (let i = 0; i < 40; i++) await redis.hset(`visitor:V${i}`, { gender: 'U' });
    await redis.set(LOOKUPS_LOADED_KEY, JSON.stringify({ runId: 'test', products: 1, visitors: 41, loadedAt: Date.now() }));
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: projectTopics(config.kafka) });
    await admin.disconnect();
    await redis.flushdb();
    redis.disconnect();
  });

  it('enriches every click exactly once across a restart, and dead-letters bad messages with a reason', { timeout: 120_000 }, async () => {
    const first = startEnrichment();
    await produce([
      { key: 'KNOWN-VISITOR', value: JSON.stringify(click(1)) },
      { key: 'NEW', value: JSON.stringify(click(2, { userId: 'NEW', productId: 'NOPE', ip: '10.1.1.1', userAgent: 'curl/8.5.0' })) },
      { key: 'SHOP', value: JSON.stringify(click(3, { userId: 'SHOP', source: 'shop', age: 41, gender: 'M' })) },
      { key: 'x', value: '{"clickId": "broken' },
      { key: 'y', value: JSON.stringify({ ...click(4), timestamp: 'yesterday' }) },
    ]);
    const bulk = Array.from({ length: 300 }, (_, i) => ({ key: `V${i % 40}`, value: JSON.stringify(click(100 + i, { userId: `V${i % 40}` })) }));
    await produce(bulk.slice(0, 150));
    await new Promise((r) => setTimeout(r, 3_000));
    await first.stop();
    const second = startEnrichment();
    await produce(bulk.slice(150));

    const enriched = (await readAll(topics.enriched, 302)).map((m) => JSON.parse(m.value!.toString()) as EnrichedClick);
    const dead = (await readAll(topics.deadLetter, 3)).map((m) => JSON.parse(m.value!.toString()) as DeadLetterRecord);
    await second.stop();

    expect(enriched).toHaveLength(302);
    expect(new Set(enriched.map((e) => e.clickId)).size).toBe(302);
    const byId = new Map(enriched.map((e) => [e.clickId, e]));
    expect(byId.get('c1')).toMatchObject({
      category: 'clothing',
      title: 'Linen shirt',
      gender: 'F',
      age: 30,
      birthDate: '1995-06-16',
      country: 'United Kingdom',
      deviceType: 'Mobile',
    });
    expect(byId.get('c3')).toMatchObject({ gender: 'M', age: 41, category: 'clothing' });
    // A known visitor who gave neither gender nor birthday is enriched, not refused.
    expect(byId.get('c100')).toMatchObject({ gender: 'U', age: null, birthDate: null, category: 'clothing' });

    expect(dead).toHaveLength(3);
    expect(dead.map((d) => d.stage)).toEqual(['enrichment', 'enrichment', 'enrichment']);
    expect(dead.map((d) => d.reason).sort()).toEqual([
      expect.stringContaining('invalid JSON'),
      expect.stringContaining('timestamp must be a positive number'),
      'unknown product NOPE',
    ]);
    expect(dead.every((d) => d.origin.startsWith(`${topics.clicks}/`))).toBe(true);
  });
});
