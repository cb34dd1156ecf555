import { mergePartials } from '../../lib/aggregation/merge';
/**
 * Event-stream clients that do not read, against a private copy of the built web app while its
 * dashboard feed changes every second (about 60 KB of aggregates written to its Redis db and
 * announced, as the aggregation workers do). 200 dashboards that connect and never read must
 * not grow the server's memory (backpressure: each keeps only the newest frame of each part),
 * the memory must stay down when they go, `/api/health` must stay fast, one more dashboard
 * than the cap gets `503`, a client that was paused gets the newest feed rather than a backlog,
 * and one that stays behind past the lag limit is cut off while a reading one is not. 1,000
 * offer streams open, carry an offer and close cleanly.
 */
import { get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../clients/redis';
import { DASHBOARD_CHANNEL, DASHBOARD_KEY, STATE_MACHINE_LOG_KEY, STATE_MACHINE_LOG_LENGTH, type DashboardAggregates } from '../../lib/redis-keys';
import type { EnrichedClick } from '../../lib/schema';
import { eventually } from '../integration/pipeline-support';
import { PrivateWebApp } from './web-support';

const REDIS_DB = 15;
const TOKEN = 'chaos-sse-streams-operator-token';
const NON_READERS = 200;
const HOLD_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Realistic aggregates of the n-th second: every panel full, a new click on top each time. */
function aggregatesAt(n: number): DashboardAggregates {
  const click = (i: number): EnrichedClick => ({
    clickId: `c0ffee00-${String(i).padStart(4, '0')}-4c3d-9a7b-1e2f3a4b5c6d`,
    userId: `5F2D9C1A-8E4B-4C3D-9A7B-${String(i % 997).padStart(12, '0')}`,
    productId: `HB${25_225_000 + (i % 50)}`,
    ip: `81.2.${i % 250}.142`,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    timestamp: T0 + i * 1_000,
    originalTimestamp: T0 + i * 1_000,
    source: 'replay',
    category: ['clothing', 'shoes', 'books', 'toys'][i % 4]!,
    title: `Product number ${i % 50} with a title as long as the shop's titles are`,
    gender: i % 2 ? 'M' : 'F',
    birthDate: '1986-04-01',
    age: 20 + (i % 50),
    country: 'GB',
    deviceType: 'Desktop',
  });
  const clicks = Array.from({ length: 100 }, (_, k) => click(n * 10 - k));
  return {
    ...mergePartials([]),
    asOf: T0 + n * 1_000,
    activeVisitors: n * 5,
    devices: { windowMinutes: 5, total: n * 5, counts: { Desktop: n * 3, Mobile: n, Tablet: n, Other: 0 } },
    pageViewsPerMinute: Array.from({ length: 15 }, (_, k) => ({ minute: T0 + k * 60_000, views: n + k, partial: k === 14 })),
    sessionsStarted: Array.from({ length: 16 }, (_, k) => ({ bucket: T0 + k * 1_800_000, sessions: n * 2 + k })),
    topProducts: Array.from({ length: 10 }, (_, k) => ({
      productId: `HB${25_225_000 + k}`,
      category: 'clothing',
      title: `Product number ${k} with a title as long as the shop's titles are`,
      count: n * 10 - k,
    })),
    categories: ['clothing', 'shoes', 'books', 'toys', 'garden', 'kitchen'].map((category, k) => ({ category, count: n * 6 - k })),
    latestVisitors: clicks.slice(0, 10).map((c) => ({ userId: c.userId, timestamp: c.timestamp, ip: c.ip, country: c.country })),
    rawClicks: clicks,
  };
}

/**
 * Writes the aggregates of the next second and announces them, as the aggregation workers do,
 * with a new line of the state-machine log. Twice a second: a socket on loopback holds about
 * 4.4 MB a client has not read, so a minute at 1/s would stay in the kernel and hide what the
 * server itself keeps.
 */
class FeedWriter {
  n = 0;
  bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly redis: Redis) {}

  async write(): Promise<void> {
    const n = ++this.n;
    const json = JSON.stringify(aggregatesAt(n));
    this.bytes = json.length;
    const userId = `5F2D9C1A-8E4B-4C3D-9A7B-${String(n).padStart(12, '0')}`;
    const entry = {
      userId,
      state: 'shoes_visited',
      productId: 'HB25225001',
      category: 'shoes',
      clickId: `click-${n}`,
      timestamp: String(T0 + n * 1_000),
      line: `User ${userId} entered state shoes_visited, clicked HB25225001, category shoes`,
    };
    await this.redis.xadd(STATE_MACHINE_LOG_KEY, 'MAXLEN', '~', STATE_MACHINE_LOG_LENGTH, '*', ...Object.entries(entry).flat());
    await this.redis.set(DASHBOARD_KEY, json);
    await this.redis.publish(DASHBOARD_CHANNEL, String(T0 + n * 1_000));
  }

  every(ms: number): void {
    this.stop();
    this.timer = setInterval(() => void this.write(), ms);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get asOf(): number {
    return T0 + this.n * 1_000;
  }
}

/** One event stream over its own connection; a non-reader stops reading its socket at once. */
interface Stream {
  req: ClientRequest;
  res: IncomingMessage;
  status: number;
  text: string;
  closed: boolean;
}

function openStream(url: string, read: boolean, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers, timeout: 20_000 }, (res) => {
      const s: Stream = { req, res, status: res.statusCode ?? 0, text: '', closed: false };
      // The 20 s is for the answer: a stream that is not read is idle on purpose.
      req.setTimeout(0);
      res.on('close', () => (s.closed = true));
      res.on('error', () => {});
      res.setEncoding('utf8');
      if (s.status !== 200) {
        res.on('data', (chunk: string) => (s.text += chunk));
        res.on('end', () => resolve(s));
        return;
      }
      // Paused before any listener: the client takes nothing, and its socket stops being read.
      if (!read) {
        res.pause();
        return resolve(s);
      }
      res.on('data', (chunk: string) => (s.text += chunk));
      res.once('data', () => resolve(s));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 20 s')));
    req.on('error', reject);
  });
}

/** Starts reading a paused stream. */
function resume(s: Stream): void {
  s.res.on('data', (chunk: string) => (s.text += chunk));
  s.res.resume();
}

const close = (s: Stream) => s.req.destroy();

/** The aggregates' `asOf` of each frame that carries one, in order: whole feeds, the aggregates or their `asOf` part. */
function asOfs(s: Stream): number[] {
  const seen: number[] = [];
  for (const event of s.text.split('\n\n')) {
    if (!event.startsWith('data: ')) continue;
    const data = JSON.parse(event.slice('data: '.length)) as { part?: string; value?: unknown; aggregates?: { asOf: number } | null };
    // A whole DashboardFeed per event is what the server sent before it sent parts.
    const asOf =
      data.part === undefined
        ? data.aggregates?.asOf
        : data.part === 'feed'
          ? (data.value as { aggregates: { asOf: number } | null }).aggregates?.asOf
          : data.part === 'aggregates'
            ? (data.value as { asOf: number } | null)?.asOf
            : data.part === 'aggregates.asOf'
              ? (data.value as number)
              : undefined;
    if (asOf !== undefined) seen.push(asOf);
  }
  return seen;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function steadyRssMb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(rssMb(pid));
    await sleep(1_000);
  }
  return samples.sort((a, b) => a - b)[1]!;
}

let app: PrivateWebApp;
let redis: Redis;
let feed: FeedWriter;

async function healthMs(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${app.url}/api/health`);
  await res.text();
  return performance.now() - started;
}

const dashboards = () => `${app.url}/api/dashboard`;

/** The paused streams read until they end (the server dropped them); where the reading one stands against the feed. */
async function endOfLagTest(paused: Stream[], reader: Stream): Promise<{ readerOpen: boolean; readerLast: number; newest: number }> {
  paused.forEach(resume);
  await eventually('the paused streams to end', async () => (paused.every((s) => s.closed) ? true : undefined), 15_000);
  await sleep(1_000);
  const result = { readerOpen: !reader.closed, readerLast: asOfs(reader).at(-1) ?? 0, newest: feed.asOf };
  close(reader);
  return result;
}

describe('event streams whose clients do not read', () => {
  beforeAll(async () => {
    // No cut-off while the 200 non-readers (of one address) are held: that is the last tests', with short limits.
    app = await PrivateWebApp.start(REDIS_DB, {
      API_TOKEN: TOKEN,
      WEB_STREAM_LAG_LIMIT_S: '600',
      WEB_STREAM_MAX_BEHIND: '1000000',
      WEB_MAX_STREAMS_PER_ADDRESS: '1000',
    });
    redis = createRedis(app.config.redis);
    feed = new FeedWriter(redis);
    await feed.write();
    feed.every(500);
  });

  afterAll(async () => {
    feed?.stop();
    await app?.stop();
    await redis?.flushdb();
    redis?.disconnect();
  });

  it('keeps the server small and fast under 200 dashboards that never read, and gives a paused one the newest feed', async () => {
    const pid = app.pid!;
    // Warm up the paths a dashboard takes, then take the baseline.
    const warm = await openStream(dashboards(), true);
    await sleep(3_000);
    close(warm);
    expect(new Set(asOfs(warm)).size).toBeGreaterThanOrEqual(2);
    const baseline = await steadyRssMb(pid);

    const streams: Stream[] = [];
    for (let i = 0; i < NON_READERS; i += 50) streams.push(...(await Promise.all(Array.from({ length: 50 }, () => openStream(dashboards(), false)))));
    const firstNewOne = feed.n;
    const overCap = await openStream(dashboards(), true);
    close(overCap);

    let peak = baseline;
    const health: number[] = [];
    const started = Date.now();
    while (Date.now() - started < HOLD_MS) {
      await sleep(5_000);
      peak = Math.max(peak, rssMb(pid));
      health.push(await healthMs());
    }
    const changes = feed.n - firstNewOne;

    // Three of them now read: what they get after a minute's pause.
    const slow = streams.slice(0, 3);
    slow.forEach(resume);
    await sleep(5_000);
    const newest = feed.asOf;
    const slowSeen = slow.map(asOfs);

    streams.forEach(close);
    await sleep(10_000);
    const after = await steadyRssMb(pid);
    const again = await openStream(dashboards(), true);
    close(again);

    // asOf steps 1 s of event time per change.
    const gaps = slowSeen.map((seen) => Math.max(0, ...seen.slice(1).map((a, i) => (a - seen[i]!) / 1_000)));
    console.log(
      `[chaos] ${streams.filter((s) => s.status === 200).length} non-reading dashboards for ${HOLD_MS / 1000} s, ${changes} feed changes (2/s) of ${Math.round(feed.bytes / 1024)} KB of aggregates: ` +
        `web RSS ${baseline.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - baseline).toFixed(1)}), ${after.toFixed(0)} MB after they left; ` +
        `/api/health ${health.map((h) => h.toFixed(0)).join(', ')} ms; one over the cap: ${overCap.status}; ` +
        `paused clients got ${slowSeen.map((s) => s.length).join(', ')} aggregate updates of ${changes + 1}, largest skip ${gaps.map((g) => g.toFixed(0)).join(', ')} changes, ` +
        `newest ${slowSeen.map((s) => (s.at(-1) === newest ? 'yes' : `no (${((newest - (s.at(-1) ?? 0)) / 1000).toFixed(0)} changes behind)`)).join(', ')}`,
    );

    expect(streams.map((s) => s.status)).toEqual(Array(NON_READERS).fill(200));
    // A backlog would be ~740 MB and grow for as long as they stay. Node.js 24 keeps about 0.7 MB of
    // native memory per non-reader-minute that it does not give back (Node.js 20: 0.1 MB; the JS
    // heap stays at 41 MB): docs/runtime.md.
    expect(peak - baseline).toBeLessThan(200);
    expect(health.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...health)).toBeLessThan(200);
    expect(after).toBeLessThanOrEqual(peak + 15);
    expect(overCap.status).toBe(503);
    expect(overCap.res.headers['content-type']).toContain('application/json');
    expect((JSON.parse(overCap.text) as { error: string }).error).toMatch(/too many open dashboard streams/);
    expect(again.status).toBe(200);
    expect(changes).toBeGreaterThanOrEqual(110);
    for (const [i, seen] of slowSeen.entries()) {
      // The newest state at once, having skipped what it missed rather than replaying it all.
      expect(seen.at(-1)).toBeGreaterThanOrEqual(newest - 2_000);
      expect(gaps[i]).toBeGreaterThanOrEqual(10);
      expect(seen.length).toBeLessThan(changes);
    }
  });

  it('opens 1,000 offer streams, delivers an offer on them and closes them cleanly', async () => {
    const offerStreams = async (): Promise<number> => {
      const body = (await (await fetch(`${app.url}/api/health`)).json()) as { web: { offersConsumer: { streams: number } } };
      return body.web.offersConsumer.streams;
    };
    const visitor = (i: number) => `CHAOS-SSE-${String(i).padStart(4, '0')}`;
    const streams: Stream[] = [];
    for (let i = 0; i < 1_000; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) =>
        openStream(`${app.url}/api/offers?userId=${visitor(i + k)}`, true, { authorization: `Bearer ${TOKEN}` }),
      );
      streams.push(...(await Promise.all(batch)));
    }
    const openOnServer = await offerStreams();

    const producer = app.kafka.producer();
    await producer.connect();
    const offered = Array.from({ length: 10 }, (_, k) => visitor(k * 100));
    await producer.send({
      topic: app.config.kafka.topics.offers,
      messages: offered.map((userId) => ({
        key: userId,
        value: JSON.stringify({ userId, offerId: 'offer1', reason: 'chaos', clickIds: ['a', 'b', 'c'], timestamp: Date.now() }),
      })),
    });
    await producer.disconnect();
    const receivers = streams.filter((_, i) => i % 100 === 0);
    await eventually(
      "the offers on their visitors' streams",
      async () => (receivers.every((s) => s.text.includes('"offerId":"offer1"')) ? true : undefined),
      20_000,
    );
    const others = streams.filter((s, i) => i % 100 !== 0 && s.text.includes('offer1')).length;

    streams.forEach(close);
    const closedOnServer = await eventually('the server to close them', async () => ((await offerStreams()) === 0 ? 0 : undefined), 20_000);
    console.log(
      `[chaos] ${streams.filter((s) => s.status === 200).length} offer streams opened (${openOnServer} on the server), ${receivers.length} offers delivered, ${others} to others, ${closedOnServer} open after closing`,
    );

    expect(streams.filter((s) => s.status === 200)).toHaveLength(1_000);
    expect(openOnServer).toBe(1_000);
    expect(others).toBe(0);
  });

  it('cuts off a dashboard that stays behind past the lag limit, not one that reads', async () => {
    await app.stop();
    app = await PrivateWebApp.start(REDIS_DB, { API_TOKEN: TOKEN, WEB_STREAM_LAG_LIMIT_S: '5', WEB_MAX_DASHBOARD_STREAMS: '6' });
    // Faster changes fill the socket buffers of the non-readers sooner.
    feed.every(200);
    const reader = await openStream(dashboards(), true);
    const paused = await Promise.all(Array.from({ length: 5 }, () => openStream(dashboards(), false)));
    const opened = Date.now();
    const full = await openStream(dashboards(), true);
    close(full);
    // As many free places as paused streams means the server dropped every one behind. Each is
    // dropped when its own socket buffers are full, so not all at once.
    const freedAfter = await eventually(
      'every paused stream dropped by the server',
      async () => {
        const probes = await Promise.all(paused.map(() => openStream(dashboards(), true)));
        probes.forEach(close);
        return probes.every((p) => p.status === 200) ? Date.now() - opened : undefined;
      },
      90_000,
      1_000,
    );
    const { readerOpen, readerLast, newest } = await endOfLagTest(paused, reader);
    console.log(
      `[chaos] lag limit 5 s: 5 paused dashboards cut off within ${(freedAfter / 1000).toFixed(0)} s of connecting (socket buffers fill first); over the cap: ${full.status}; the reading one kept, ${((newest - readerLast) / 1000).toFixed(0)} changes behind the feed`,
    );

    expect(full.status).toBe(503);
    expect(paused.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    expect(paused.every((s) => s.closed)).toBe(true);
    expect(readerOpen).toBe(true);
    expect(newest - readerLast).toBeLessThanOrEqual(1_000);
  });

  it('drops a dashboard that falls a few frames behind long before the lag limit, not one that reads', async () => {
    await app.stop();
    // The default WEB_STREAM_MAX_BEHIND; a lag limit that would take ten minutes.
    app = await PrivateWebApp.start(REDIS_DB, { API_TOKEN: TOKEN, WEB_STREAM_LAG_LIMIT_S: '600' });
    feed.every(200);
    const reader = await openStream(dashboards(), true);
    const paused = await Promise.all(Array.from({ length: 5 }, () => openStream(dashboards(), false)));
    const opened = Date.now();
    const behind = async () =>
      ((await (await fetch(`${app.url}/api/health`)).json()) as { web: { refusals: { streamsBehind: number } } }).web.refusals.streamsBehind;
    const droppedAfter = await eventually(
      'every paused stream dropped by the server',
      async () => ((await behind()) >= 5 ? Date.now() - opened : undefined),
      90_000,
      1_000,
    );
    const { readerOpen, readerLast, newest } = await endOfLagTest(paused, reader);
    console.log(
      `[chaos] a few frames behind (WEB_STREAM_MAX_BEHIND default): 5 paused dashboards dropped within ${(droppedAfter / 1000).toFixed(0)} s of connecting (lag limit 600 s); the reading one kept, ${((newest - readerLast) / 1000).toFixed(0)} changes behind the feed`,
    );

    expect(paused.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    expect(paused.every((s) => s.closed)).toBe(true);
    expect(droppedAfter).toBeLessThan(90_000);
    expect(await behind()).toBe(5);
    expect(readerOpen).toBe(true);
    expect(newest - readerLast).toBeLessThanOrEqual(1_000);
  });
});
