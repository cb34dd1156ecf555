/**
 * Latencies at the demo rate, while the click log replays at its default pace: a click's way to
 * the visitor's offer (offers topic) and to the dashboard (Redis key, announced on its channel).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { createRedis } from '../clients/redis';
import { DASHBOARD_CHANNEL, DASHBOARD_KEY, type DashboardAggregates } from '../lib/redis-keys';
import { parseOffer, type ClickEvent, type Gender, type Product } from '../lib/schema';
import type { BenchPipeline } from './bench-pipeline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shopClick(userId: string, productId: string, gender: Gender, age: number): ClickEvent {
  return {
    clickId: randomUUID(),
    userId,
    productId,
    ip: '81.2.69.160',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench',
    timestamp: Date.now(),
    age,
    gender,
    source: 'shop',
  };
}

const send = (producer: Producer, topic: string, click: ClickEvent) =>
  producer.send({ topic, messages: [{ key: click.userId, value: JSON.stringify(click) }] });

/**
 * `visitors` visitors of the offer's demographic each view clothing, shoes, other clothing; the
 * clock runs from sending the third click to the offer arriving on the offers topic. With
 * `browsingForMs`, every visitor views the clothing that long before the first one goes on:
 * visitors already in session. `beforeFirst` runs once the offers reader listens, just before the
 * first visitor goes on; offers still missing `waitMs` after the last third click count as missing.
 */
export async function clickToOffer(
  p: BenchPipeline,
  producer: Producer,
  visitors: number,
  gapMs: number,
  { beforeFirst = () => {}, waitMs = 15_000, browsingForMs }: { beforeFirst?: () => void; waitMs?: number; browsingForMs?: number } = {},
): Promise<{ latencies: number[]; missing: number }> {
  const products = JSON.parse(readFileSync(join(p.config.data.dir, 'products.json'), 'utf8')) as Product[];
  const clothing = products.filter((x) => x.category === 'clothing');
  const shoes = products.find((x) => x.category === 'shoes')!;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = p.kafka.consumer({ groupId: `bench-offers-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: p.config.kafka.topics.offers, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const offer = parseOffer(message.value?.toString() ?? '');
      const at = offer.ok ? sentAt.get(offer.value.userId) : undefined;
      if (offer.ok && at !== undefined) {
        latencies.push(performance.now() - at);
        sentAt.delete(offer.value.userId);
      }
    },
  });
  await sleep(3_000); // the group's first join, so no offer arrives before it listens
  const topic = p.config.kafka.topics.clicks;
  const userIds = Array.from({ length: visitors }, () => `bench-offer-${randomUUID().slice(0, 8)}`);
  const firstClick = (userId: string) => send(producer, topic, shopClick(userId, clothing[0]!.id, 'M', 40));
  if (browsingForMs !== undefined) {
    for (const userId of userIds) await firstClick(userId);
    await sleep(browsingForMs);
  }
  beforeFirst();
  for (const userId of userIds) {
    if (browsingForMs === undefined) await firstClick(userId);
    await send(producer, topic, shopClick(userId, shoes.id, 'M', 40));
    const last = shopClick(userId, clothing[1]!.id, 'M', 40);
    await send(producer, topic, last);
    sentAt.set(userId, performance.now());
    await sleep(gapMs);
  }
  const deadline = performance.now() + waitMs;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(100);
  await consumer.disconnect();
  return { latencies, missing: sentAt.size };
}

/** A click of a new visitor each `gapMs`; the clock stops when the dashboard's feed shows it. */
export async function clickToDashboard(
  p: BenchPipeline,
  producer: Producer,
  samples: number,
  gapMs: number,
): Promise<{ latencies: number[]; missing: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const subscriber = createRedis(p.config.redis);
  const reader = createRedis(p.config.redis);
  await subscriber.subscribe(DASHBOARD_CHANNEL);
  subscriber.on('message', async () => {
    const raw = await reader.get(DASHBOARD_KEY);
    if (!raw) return;
    const now = performance.now();
    // The raw feed holds the last 100 clicks: at the demo rate, seconds of them, so none is missed.
    for (const v of (JSON.parse(raw) as DashboardAggregates).rawClicks) {
      const at = sentAt.get(v.userId);
      if (at !== undefined) {
        latencies.push(now - at);
        sentAt.delete(v.userId);
      }
    }
  });
  const products = JSON.parse(readFileSync(join(p.config.data.dir, 'products.json'), 'utf8')) as Product[];
  for (let i = 0; i < samples; i++) {
    const userId = `bench-dash-${randomUUID().slice(0, 8)}`;
    sentAt.set(userId, performance.now());
    await send(producer, p.config.kafka.topics.clicks, shopClick(userId, products[i % products.length]!.id, 'F', 30));
    await sleep(gapMs);
  }
  const deadline = performance.now() + 10_000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(100);
  subscriber.disconnect();
  reader.disconnect();
  return { latencies, missing: sentAt.size };
}

/**
 * A burst of new visitors: `count` distinct men of 40, all sent at once (500 clicks a send), each
 * viewing a product of the catalogue in turn, so about one in eight views clothing and starts an
 * offer sequence. Each is a new visitor workflow, started by its own update-with-start. Resolves
 * with how long writing them took.
 */
export async function burstOfNewVisitors(p: BenchPipeline, producer: Producer, count: number): Promise<number> {
  const products = JSON.parse(readFileSync(join(p.config.data.dir, 'products.json'), 'utf8')) as Product[];
  const clicks = Array.from({ length: count }, (_, i) => shopClick(`bench-burst-${randomUUID()}`, products[i % products.length]!.id, 'M', 40));
  const started = performance.now();
  for (let i = 0; i < clicks.length; i += 500) {
    await producer.send({ topic: p.config.kafka.topics.clicks, messages: clicks.slice(i, i + 500).map((c) => ({ key: c.userId, value: JSON.stringify(c) })) });
  }
  return performance.now() - started;
}
