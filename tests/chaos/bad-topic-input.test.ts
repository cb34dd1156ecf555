/**
 * Hostile records on the topics of a private pipeline (every worker in its own process, as `make
 * up` runs them): malformed JSON, JSON that is no object, wrong types, missing fields, a message
 * over the consumers' limit, unknown products and visitors, impossible timestamps, on click-data;
 * and unreadable records straight onto enriched-click-data, read by aggregation and detection.
 * Good clicks are interleaved with them on the same partitions, among them a visitor's offer sequence.
 */
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
import { DASHBOARD_KEY, LOOKUPS_LOADED_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import { MAX_MESSAGE_BYTES, parseEnrichedClick, type ClickEvent, type DeadLetterRecord, type EnrichedClick, type Offer } from '../../lib/schema';
import { clicksInWindow } from '../integration/dashboard-reference';
import { eventually, isolatedEnv } from '../integration/pipeline-support';
import { closePipeline, consumerAttempts, pipelineProcesses, startConsumers, testProducer, TopicReader, writeDataSet } from './private-pipeline';

const dir = mkdtempSync(join(tmpdir(), 'chaos-bad-input-'));
const env = { ...isolatedEnv(join(dir, 'state'), dir, 13), VISITOR_IDLE_MINUTES: '5' };
const config = loadConfig(env);
const { topics } = config.kafka;
const kafka = createKafka(config.kafka, 'chaos-test');
const redis = createRedis(config.redis);
const producer = testProducer(kafka);
const workers = pipelineProcesses(env);
const { products, visitors } = writeDataSet(dir, 200);
let client: Client;

const T0 = Date.UTC(2026, 0, 1, 12);
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const ofCategory = (category: string) => products.filter((p) => p.category === category);
const [shirt, jacket] = ofCategory('clothing');
const [boots] = ofCategory('shoes');

let seq = 0;
/** A valid click of a registered visitor (some of whom gave no gender or birthday); bad records start from one too. */
const click = (over: Partial<ClickEvent> = {}): ClickEvent => ({
  clickId: `click-${++seq}`,
  userId: visitors[seq % visitors.length]!.userId,
  productId: products[seq % products.length]!.id,
  ip: '81.2.69.160',
  userAgent: DESKTOP,
  timestamp: T0 + seq * 2_000,
  originalTimestamp: 1_000 * seq,
  source: 'replay',
  ...over,
});
const enrichedClick = (over: Record<string, unknown>): EnrichedClick =>
  ({ ...click(), category: 'clothing', title: 'Shirt', gender: 'M', birthDate: null, age: 40, country: 'NL', deviceType: 'Desktop', ...over }) as EnrichedClick;

/** A bad record: where it goes, what it is, and what its dead letter's reason must say. */
interface BadRecord {
  topic: string;
  what: string;
  value: string | Buffer | null;
  reason: RegExp;
}

const clickBad = (what: string, value: string | Buffer | null, reason: RegExp): BadRecord => ({ topic: topics.clicks, what, value, reason });
const json = (o: unknown) => JSON.stringify(o);
const without = (key: keyof ClickEvent) => {
  const c: Partial<ClickEvent> = click();
  delete c[key];
  return json(c);
};
const unknownVisitor = 'NO-SUCH-VISITOR-0000';

const BAD_CLICKS: BadRecord[] = [
  clickBad('truncated JSON', '{"clickId": "broken', /^invalid JSON/),
  clickBad('plain text', 'hello, world', /^invalid JSON/),
  clickBad('empty value', '', /^invalid JSON/),
  clickBad('null value (tombstone)', null, /^invalid JSON/),
  clickBad('bytes that are not UTF-8 JSON', Buffer.from([0xff, 0xfe, 0x00, 0x7b]), /^invalid JSON/),
  clickBad('a JSON array', '[1,2,3]', /^expected a JSON object/),
  clickBad('a JSON number', '42', /^expected a JSON object/),
  clickBad('JSON null', 'null', /^expected a JSON object/),
  clickBad('a JSON string', '"click"', /^expected a JSON object/),
  clickBad('deeply nested arrays', '['.repeat(20_000) + ']'.repeat(20_000), /^expected a JSON object/),
  clickBad('an empty object', '{}', /clickId must be a non-empty string; userId must be .*; source must be replay or shop/),
  clickBad('clickId a number', json({ ...click(), clickId: 5 }), /clickId must be a non-empty string/),
  clickBad('clickId empty', json({ ...click(), clickId: '' }), /clickId must be a non-empty string/),
  clickBad('userId missing', without('userId'), /userId must be a non-empty string/),
  clickBad('productId missing', without('productId'), /productId must be a non-empty string/),
  clickBad('timestamp missing', without('timestamp'), /timestamp must be a positive number/),
  clickBad('timestamp text', json({ ...click(), timestamp: 'yesterday' }), /timestamp must be a positive number/),
  clickBad('timestamp negative', json({ ...click(), timestamp: -5 }), /timestamp must be a positive number/),
  clickBad('timestamp infinite (1e400)', json(click()).replace(/"timestamp":\d+/, '"timestamp":1e400'), /timestamp must be a positive number/),
  clickBad('originalTimestamp text', json({ ...click(), originalTimestamp: 'then' }), /originalTimestamp must be a number/),
  clickBad('ip a number', json({ ...click(), ip: 8_080 }), /ip must be a string/),
  clickBad('user agent of 3,000 characters', json({ ...click(), userAgent: 'x'.repeat(3_000) }), /userAgent must be a string/),
  clickBad('source unknown', json({ ...click(), source: 'web' }), /source must be replay or shop/),
  clickBad('age negative', json({ ...click({ source: 'shop' }), age: -3, gender: 'M' }), /age must be a whole number/),
  clickBad('age a fraction', json({ ...click({ source: 'shop' }), age: 40.5, gender: 'M' }), /age must be a whole number/),
  clickBad('gender unknown', json({ ...click({ source: 'shop' }), age: 40, gender: 'X' }), /gender must be M or F/),
  clickBad('huge message', json({ ...click(), padding: 'p'.repeat(MAX_MESSAGE_BYTES + 1_000) }), new RegExp(`exceeds ${MAX_MESSAGE_BYTES}`)),
  clickBad('unknown product p-999 (replay)', json(click({ productId: 'p-999' })), /^unknown product p-999$/),
  clickBad('unknown product (shop)', json(click({ productId: 'p-998', source: 'shop', age: 30, gender: 'F' })), /^unknown product p-998$/),
];

const enrichedBad = (what: string, value: string | Buffer | null, reason: RegExp): BadRecord => ({ topic: topics.enriched, what, value, reason });
const BAD_ENRICHED: BadRecord[] = [
  enrichedBad('plain text', 'not an enriched click', /^invalid JSON/),
  enrichedBad('null value', null, /^invalid JSON/),
  enrichedBad('a JSON array', '[]', /^expected a JSON object/),
  enrichedBad('a raw click, not enriched', json(click()), /category must be a non-empty string/),
  enrichedBad('category missing', json(enrichedClick({ category: undefined })), /category must be a non-empty string/),
  enrichedBad('deviceType unknown', json(enrichedClick({ deviceType: 'Toaster' })), /deviceType must be one of/),
  enrichedBad('gender unknown', json(enrichedClick({ gender: 'Z' })), /gender must be M, F or U/),
  enrichedBad('age text', json(enrichedClick({ age: 'forty' })), /age must be a number or null/),
  enrichedBad('timestamp text', json(enrichedClick({ timestamp: 'now' })), /timestamp must be a positive number/),
  enrichedBad('huge message', json(enrichedClick({ title: 't'.repeat(MAX_MESSAGE_BYTES + 10) })), new RegExp(`exceeds ${MAX_MESSAGE_BYTES}`)),
];

/** Sends one record and returns where it landed, `topic/partition@offset`, as dead letters name their origin. */
async function send(topic: string, key: string, value: string | Buffer | null): Promise<string> {
  const [meta] = await producer.send({ topic, messages: [{ key, value }] });
  return `${topic}/${meta!.partition}@${meta!.baseOffset}`;
}

describe('bad records on the topics', () => {
  const readers: TopicReader[] = [];

  beforeAll(async () => {
    await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
    await redis.flushdb();
    client = await connectTemporal(config.temporal);
    await Promise.all([producer.connect(), ...workers.map((w) => w.start())]);
  });

  afterAll(async () => {
    await closePipeline({ client, kafka, config, redis, producer, workers, readers });
  });

  it('dead-letters each bad record once with its reason and origin, and loses no good record', async () => {
    const ingestion = await (await startIngestion(client, config)).result();
    expect(ingestion.visitors.loaded).toBe(visitors.length);
    expect(JSON.parse((await redis.get(LOOKUPS_LOADED_KEY))!)).toMatchObject({ products: products.length, visitors: visitors.length });
    await startConsumers(client, config.temporal.taskQueue, CONSUMER_KINDS);
    const [enriched, deadLetters, offers] = await Promise.all(
      [topics.enriched, topics.deadLetter, topics.offers].map((t) => new TopicReader(kafka, t).start()),
    );
    readers.push(enriched!, deadLetters!, offers!);

    // A man of 40 and a woman of 55, shop clicks (visitors unknown to users.json, who need no
    // lookup): clothing, shoes, other clothing. He gets offer1, she is outside every rule.
    const man = 'SHOP-MAN-40';
    const woman = 'SHOP-WOMAN-55';
    const sequence = (userId: string, gender: 'M' | 'F', age: number) =>
      [shirt!, boots!, jacket!].map((p, i) => click({ userId, productId: p.id, source: 'shop', age, gender, timestamp: T0 + i * 60_000 }));
    const manClicks = sequence(man, 'M', 40);
    const good: ClickEvent[] = [];
    const origins = new Map<string, BadRecord>();
    const bad = [...BAD_CLICKS, ...BAD_ENRICHED];
    // Round robin: a good click, then a bad record on the man's key (his partition, between his
    // clicks), then more good replayed clicks of registered visitors.
    const goodQueue = [
      ...manClicks,
      ...sequence(woman, 'F', 55),
      ...Array.from({ length: 60 }, () => click()),
      ...Array.from({ length: 10 }, () => click({ userId: `SHOP-${seq}`, source: 'shop', age: 22, gender: 'F' })),
      click({ userId: unknownVisitor }),
    ];
    const interleaved = manClicks.map((c) => c.clickId);
    while (goodQueue.length > 0 || bad.length > 0) {
      const next = goodQueue.shift();
      if (next) {
        await send(topics.clicks, next.userId, json(next));
        good.push(next);
      }
      const b = bad.shift();
      if (b) origins.set(await send(b.topic, man, b.value), b);
    }
    expect(interleaved).toHaveLength(3);

    const expectedDeadLetters = BAD_CLICKS.length + 2 * BAD_ENRICHED.length; // enriched-click-data has two consuming stages
    const goodIds = new Set(good.map((c) => c.clickId));
    const enrichedGood = () =>
      enriched!.records.flatMap((m) => {
        const parsed = parseEnrichedClick(m.value?.toString() ?? '');
        return parsed.ok && goodIds.has(parsed.value.clickId) ? [parsed.value] : [];
      });
    await eventually(
      'every dead letter and every good click enriched',
      async () => (deadLetters!.records.length >= expectedDeadLetters && enrichedGood().length >= good.length ? true : undefined),
      90_000,
    );
    const dashboard = await eventually(
      'the dashboard to count the good clicks',
      async () => {
        const text = await redis.get(DASHBOARD_KEY);
        const d = text ? (JSON.parse(text) as DashboardAggregates) : undefined;
        return d && clicksInWindow(d) >= good.length ? d : undefined;
      },
      60_000,
    );
    const manOffer = await eventually('the offer for the man of 40', async () => offers!.json<Offer>().find((o) => o.userId === man), 60_000);
    await new Promise((r) => setTimeout(r, 3_000)); // a duplicate or a late extra would show by now

    // Every bad record: exactly one dead letter per consuming stage, naming the problem and the origin.
    const dead = deadLetters!.json<DeadLetterRecord>();
    const byOrigin = new Map<string, DeadLetterRecord[]>();
    for (const d of dead) byOrigin.set(d.origin, [...(byOrigin.get(d.origin) ?? []), d]);
    expect([...byOrigin.keys()].sort()).toEqual([...origins.keys()].sort()); // and no good record among them
    for (const [origin, record] of origins) {
      const letters = byOrigin.get(origin)!;
      const stages = record.topic === topics.clicks ? ['enrichment'] : ['aggregation', 'detection'];
      expect(letters.map((d) => d.stage).sort(), `${record.what} at ${origin}`).toEqual(stages);
      for (const d of letters) expect(d.reason, `${record.what} at ${origin}`).toMatch(record.reason);
    }
    expect(dead).toHaveLength(expectedDeadLetters);

    // Every good click enriched exactly once; the dashboard counts exactly them.
    const enrichedIds = enrichedGood().map((e) => e.clickId);
    expect(enrichedIds.sort()).toEqual([...goodIds].sort());
    expect(enriched!.records).toHaveLength(good.length + BAD_ENRICHED.length);
    expect(clicksInWindow(dashboard)).toBe(good.length);
    expect(dashboard.pageViewsPerMinute.reduce((n, p) => n + p.views, 0)).toBe(good.length);
    expect(dashboard.sessions.count).toBe(new Set(good.map((c) => c.userId)).size);
    // The visitor users.json does not know: enriched with unknown gender and age, and counted.
    expect(enrichedGood().filter((e) => e.userId === unknownVisitor)).toMatchObject([{ gender: 'U', age: null }]);
    expect(dashboard.asOf).toBe(Math.max(...good.map((c) => c.timestamp)));

    // Detection: the man's offer, from his three clicks; none for the woman of 55.
    expect(manOffer).toMatchObject({ offerId: 'offer1', clickIds: interleaved });
    expect(offers!.json<Offer>().filter((o) => o.userId === man || o.userId === woman)).toHaveLength(1);

    // Nothing crashed: each consumer is still on its first attempt.
    expect(await consumerAttempts(client, config.temporal.taskQueue, CONSUMER_KINDS)).toEqual({ enrichment: 1, aggregation: 1, detection: 1 });

    const tried = origins.size;
    const lost = good.length - new Set(enrichedIds).size;
    console.log(
      `[chaos] topics: ${tried} bad records tried (${BAD_CLICKS.length} on click-data, ${BAD_ENRICHED.length} on enriched-click-data), ` +
        `${dead.length} dead letters with reasons (one per record and consuming stage), ${lost} good records lost, ${good.length} good clicks counted, offer sent`,
    );
  });
});
