/**
 * Load on POST /api/clicks from autocannon: many connections sending valid, varied clicks to a
 * private copy of the built web app. Latency stays bounded, nothing fails with a 5xx, and every
 * accepted click is on click-data exactly once: the click ids the topic holds are the ids answered.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClickEvent, type Product } from '../../lib/schema';
import { eventually } from '../integration/pipeline-support';
import { PrivateWebApp } from './web-support';

const CONNECTIONS = 50;
/** Requests in all: a fixed amount, not a duration, so no click is cut off in flight at the end. */
const REQUESTS = 6_000;
/** Measured 300-900 ms here, up to 1.6 s while other test suites loaded the 2 cores: Kafka, the server and the load tool share them. */
const P99_BOUND_MS = 2_000;

const products = (JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[]).map((p) => p.id);
const visitors = readFileSync('data/users.json', 'utf8')
  .split('\n', 500)
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { userId: string }).userId);
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36', 'curl/8.7.1', 'load/1.0 (chaos)'];

let sent = 0;
/** The next click: visitors, products, demographics, addresses and agents vary from one to the next. */
function nextClick(): string {
  const i = sent++;
  return JSON.stringify({
    userId: visitors[i % visitors.length],
    productId: products[(i * 7) % products.length],
    age: 18 + (i % 60),
    gender: i % 2 ? 'female' : 'M',
    ip: `81.2.${i % 256}.${(i >> 8) % 256}`,
    userAgent: AGENTS[i % AGENTS.length],
  });
}

let app: PrivateWebApp;

describe('POST /api/clicks under load', () => {
  beforeAll(async () => {
    app = await PrivateWebApp.start(14);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers within bounds, without a 5xx, and puts every accepted click on click-data once', async () => {
    // One click first, so the producer's connection is made before the load and not timed with it.
    // The operator token, as a server-to-server front end sends it: it may name any visitor.
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.token}` };
    const warmUp = await fetch(`${app.url}/api/clicks`, { method: 'POST', headers, body: nextClick() });
    expect(warmUp.status).toBe(202);
    const accepted = new Set([((await warmUp.json()) as { clickId: string }).clickId]);
    const result = await autocannon({
      url: app.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      timeout: 20,
      requests: [
        {
          method: 'POST',
          path: '/api/clicks',
          headers,
          setupRequest: (req) => ({ ...req, body: nextClick() }),
          onResponse: (status, body) => {
            if (status === 202) accepted.add((JSON.parse(body) as { clickId: string }).clickId);
          },
        },
      ],
    });
    const { p50, p99 } = result.latency;
    const perSecond = Math.round(result.requests.average);
    const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];

    // What the topic holds: every record's click id, read from the start.
    const expected = await app.clickRecords();
    const onTopic: string[] = [];
    const consumer = app.kafka.consumer({ groupId: `${app.config.kafka.clientId}-load-check` });
    await consumer.connect();
    await consumer.subscribe({ topic: app.config.kafka.topics.clicks, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const click = parseClickEvent(message.value?.toString() ?? '');
        onTopic.push(click.ok ? click.value.clickId : `unparseable: ${click.reason}`);
      },
    });
    await eventually(`${expected} records read back`, async () => (onTopic.length >= expected ? true : undefined), 60_000);
    await consumer.disconnect();
    const admin = app.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([`${app.config.kafka.clientId}-load-check`]).catch(() => {});
    await admin.disconnect();

    const seen = new Set(onTopic);
    const lost = [...accepted].filter((id) => !seen.has(id));
    const extra = onTopic.filter((id) => !accepted.has(id));
    console.log(
      `[chaos] load: ${total} requests, ${CONNECTIONS} concurrent, p50 ${p50} ms, p99 ${p99} ms, ${perSecond} req/s, ` +
        `${accepted.size} accepted, ${onTopic.length} on click-data, ${lost.length} lost, ${extra.length} extra`,
    );

    expect(total).toBe(REQUESTS);
    expect(result.errors + result.timeouts, 'connection errors and timeouts').toBe(0);
    expect(result['5xx']).toBe(0);
    // Every request was a valid click: each must have been accepted.
    expect(result['2xx']).toBe(REQUESTS);
    expect(accepted.size).toBe(REQUESTS + 1);
    expect(p99).toBeLessThan(P99_BOUND_MS);
    expect({ lost: lost.length, extra: extra.length, duplicates: onTopic.length - seen.size }).toEqual({ lost: 0, extra: 0, duplicates: 0 });
    expect(onTopic.length).toBe(accepted.size);
  });
});
