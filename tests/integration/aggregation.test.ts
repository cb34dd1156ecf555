/**
 * The aggregation stage against the real Kafka and Redis, in worker processes that can be killed:
 * its dashboard must equal a naive full-scan computation of the same clicks exactly, through
 * crashes and rebalances, and its dead letters must be there exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { stageSpec } from '../../lib/topology';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { loadConfig, type Config } from '../../lib/config';
import { AGGREGATE_PARTIALS_KEY, DASHBOARD_KEY, VISITOR_CLICKS_LENGTH, visitorClicksKey, type DashboardAggregates } from '../../lib/redis-keys';
import { CATEGORIES, HUMAN_DEVICE_TYPES, type DeadLetterRecord, type EnrichedClick } from '../../lib/schema';
import { uniqueName } from './support';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'aggregator-process.ts');
const REDIS_DB = '3';
const TAKEOVER_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Input: ~2 hours of enriched clicks, mostly in event-time order, ties included. Some arrive up to
// 10 minutes out of order, within the allowed lateness; about 1% after the first tenth arrive 70
// minutes behind, past it (their ids end in "-late"): late events.

const START = Date.UTC(2026, 0, 15, 8, 0);
const ALLOWED_LATENESS_MS = 30 * 60_000;
const LATE_MS = 70 * 60_000;
const isLate = (c: EnrichedClick) => c.clickId.endsWith('-late');

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function generateClicks(n: number, seed: number): EnrichedClick[] {
  const rnd = random(seed);
  const visitors = Array.from({ length: 400 }, (_, i) => (i % 97 === 0 ? `V/${i}` : `V-${i}`)); // "/" in ids on purpose
  const devices = ['Desktop', 'Desktop', 'Desktop', 'Mobile', 'Mobile', 'Tablet', 'Bot', 'Other'] as const;
  return Array.from({ length: n }, (_, i) => {
    const product = Math.floor(rnd() * rnd() * 40);
    const lateness = rnd() < 0.05 ? rnd() * 10 * 60_000 : rnd() < 0.01 && i > n / 10 ? LATE_MS : 0;
    const visitor = Math.floor(rnd() * visitors.length);
    return {
      clickId: `click-${seed}-${i}${lateness === LATE_MS ? '-late' : ''}`,
      userId: visitors[visitor]!,
      productId: `P${String(product).padStart(3, '0')}`,
      ip: `10.${visitor % 256}.${i % 256}.1`,
      userAgent: 'Mozilla/5.0',
      // Whole seconds, so clicks tie on time.
      timestamp: Math.floor((START + (i / n) * 2 * 3_600_000 - lateness) / 1000) * 1000,
      source: 'replay',
      category: CATEGORIES[product % CATEGORIES.length]!,
      title: `Product ${product}`,
      gender: 'U',
      birthDate: null,
      age: null,
      country: ['France', 'Germany', 'Japan', 'Brazil'][visitor % 4]!,
      deviceType: devices[Math.floor(rnd() * devices.length)]!,
    };
  });
}

const INVALID = ['{"clickId": "broken', 'null', JSON.stringify({ clickId: 'x', userId: 'V-1' }), '[]', JSON.stringify({ deviceType: 'Toaster' })];

/** The clicks as messages keyed by visitor, with the invalid ones spread among them. */
function messagesOf(clicks: EnrichedClick[], invalid: string[]): Message[] {
  const messages: Message[] = clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c) }));
  invalid.forEach((value, i) => messages.splice(Math.floor(((i + 1) * messages.length) / (invalid.length + 1)), 0, { key: `bad-${i}`, value }));
  return messages;
}

// ---------------------------------------------------------------------------------------------
// Expected output: a full scan of all clicks, sharing no code with the aggregation.

const MIN = 60_000;
const HALF_HOUR = 30 * MIN;
const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

interface ScannedSession {
  start: number;
  last: number;
  pages: number;
  entry: string;
  exit: string;
  country: string;
  device: string;
  /** Surely over: a later session of the visitor began (an earlier one may also have ended by time alone). */
  over: boolean;
}

/**
 * Each visitor's sessions from their clicks in arrival order (all on one partition, in the order
 * produced): a view within 30 minutes of the open session's views joins it; one 30 minutes or more
 * after it starts the next; one 30 minutes or more before it is a session of its own.
 */
function sessionsOf(views: EnrichedClick[]): ScannedSession[] {
  const sessions: ScannedSession[] = [];
  let open: ScannedSession | undefined;
  for (const v of views) {
    if (open && v.timestamp > open.start - HALF_HOUR && v.timestamp < open.last + HALF_HOUR) {
      open.pages++;
      if (v.timestamp < open.start) [open.start, open.entry] = [v.timestamp, v.productId];
      if (v.timestamp >= open.last) [open.last, open.exit, open.device] = [v.timestamp, v.productId, v.deviceType];
      continue;
    }
    const session = {
      start: v.timestamp,
      last: v.timestamp,
      pages: 1,
      entry: v.productId,
      exit: v.productId,
      country: v.country,
      device: v.deviceType,
      over: false,
    };
    if (open && v.timestamp <= open.start - HALF_HOUR) {
      sessions.push({ ...session, over: true });
      continue;
    }
    if (open) open.over = true;
    open = session;
    sessions.push(session);
  }
  return sessions;
}

/** Seconds: exact under a minute, by 10 s under an hour, by minutes past it. */
const durationBin = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return s < 60 ? s : s < 3600 ? s - (s % 10) : s - (s % 60);
};

function fullScan(clicks: EnrichedClick[]): DashboardAggregates {
  const asOf = Math.max(...clicks.map((c) => c.timestamp));
  const onTime = clicks.filter((c) => !isLate(c));
  const human = onTime.filter((c) => c.deviceType !== 'Bot');
  const lastMinutes = (cs: EnrichedClick[], n: number) => cs.filter((c) => floorTo(c.timestamp, MIN) > floorTo(asOf, MIN) - n * MIN);
  const countBy = <T>(items: T[], key: (item: T) => string) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return [...counts];
  };
  const mostFirst = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const byNewest = (a: EnrichedClick, b: EnrichedClick) => b.timestamp - a.timestamp || (a.clickId < b.clickId ? 1 : -1);
  const product = (productId: string) => {
    const { category, title } = clicks.find((c) => c.productId === productId)!;
    return { productId, category, title };
  };

  const byVisitor = new Map<string, EnrichedClick[]>();
  for (const c of human) byVisitor.set(c.userId, [...(byVisitor.get(c.userId) ?? []), c]);
  const oldestHalfHour = floorTo(asOf, HALF_HOUR) - 15 * HALF_HOUR;
  const perVisitor = [...byVisitor.values()].map(sessionsOf);
  const sessions = perVisitor.flat().filter((s) => floorTo(s.start, HALF_HOUR) >= oldestHalfHour);
  // Each visitor's newest view is the open session's last one.
  const current = perVisitor.map((ss) => ss.reduce((a, b) => (b.last > a.last ? b : a)));
  const seenIn = (minutes: number) => current.filter((s) => floorTo(s.last, MIN) > floorTo(asOf, MIN) - minutes * MIN);
  const active = seenIn(5);
  const durations = sessions.map((s) => durationBin(s.last - s.start)).sort((a, b) => a - b);
  const views30 = lastMinutes(human, 30).length;
  const bots30 = lastMinutes(onTime, 30).length - views30;
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  const newestPerVisitor = new Map<string, EnrichedClick>();
  for (const c of [...human].sort(byNewest)) if (!newestPerVisitor.has(c.userId)) newestPerVisitor.set(c.userId, c);
  const lastHour = lastMinutes(human, 60);

  return {
    asOf,
    activeVisitors: active.length,
    devices: {
      windowMinutes: 5,
      total: active.length,
      counts: Object.fromEntries(HUMAN_DEVICE_TYPES.map((d) => [d, active.filter((s) => s.device === d).length])) as DashboardAggregates['devices']['counts'],
    },
    pageViewsPerMinute: Array.from({ length: 30 }, (_, i) => {
      const minute = floorTo(asOf, MIN) - (29 - i) * MIN;
      return { minute, views: human.filter((c) => floorTo(c.timestamp, MIN) === minute).length, partial: i === 29 };
    }),
    sessionsStarted: Array.from({ length: 16 }, (_, i) => {
      const bucket = oldestHalfHour + i * HALF_HOUR;
      return { bucket, sessions: sessions.filter((s) => floorTo(s.start, HALF_HOUR) === bucket).length };
    }),
    sessions: {
      windowHours: 8,
      count: sessions.length,
      open: seenIn(30).length,
      medianDurationMs: durations.length === 0 ? 0 : durations[Math.ceil(durations.length / 2) - 1]! * 1000,
      pagesPerSession: share(
        sessions.reduce((n, s) => n + s.pages, 0),
        sessions.length,
      ),
      bounceRate: share(sessions.filter((s) => s.pages === 1).length, sessions.length),
    },
    entryPages: countBy(sessions, (s) => s.entry)
      .sort(mostFirst)
      .slice(0, 10)
      .map(([productId, count]) => ({ ...product(productId), count })),
    // Sessions over by time alone depend on each partition's own clock: checked apart.
    exitPages: [],
    countries: countBy(sessions, (s) => s.country)
      .sort(mostFirst)
      .slice(0, 10)
      .map(([country, n]) => ({ country, sessions: n, share: share(n, sessions.length) })),
    bots: { windowMinutes: 30, count: bots30, share: share(bots30, bots30 + views30) },
    lateEvents: { count: clicks.length - onTime.length, allowedLatenessMs: ALLOWED_LATENESS_MS },
    topProducts: countBy(lastHour, (c) => c.productId)
      .sort(mostFirst)
      .slice(0, 10)
      .map(([productId, count]) => {
        const { category, title } = lastHour.find((c) => c.productId === productId)!;
        return { productId, category, title, count };
      }),
    categories: countBy(lastHour, (c) => c.category)
      .sort(mostFirst)
      .map(([category, count]) => ({ category, count })),
    latestVisitors: [...newestPerVisitor.values()]
      .sort((a, b) => b.timestamp - a.timestamp || (a.userId < b.userId ? 1 : -1))
      .slice(0, 10)
      .map(({ userId, timestamp, ip, country }) => ({ userId, timestamp, ip, country })),
    rawClicks: [...onTime].sort(byNewest).slice(0, 100),
  };
}

/**
 * Exit pages count the sessions that are over: at least those a later session of the visitor
 * ended, at most all of them.
 */
function expectExitPagesWithinBounds(dashboard: DashboardAggregates, clicks: EnrichedClick[]): void {
  const asOf = Math.max(...clicks.map((c) => c.timestamp));
  const oldestHalfHour = floorTo(asOf, HALF_HOUR) - 15 * HALF_HOUR;
  const byVisitor = new Map<string, EnrichedClick[]>();
  for (const c of clicks.filter((c) => !isLate(c) && c.deviceType !== 'Bot')) byVisitor.set(c.userId, [...(byVisitor.get(c.userId) ?? []), c]);
  const sessions = [...byVisitor.values()].flatMap(sessionsOf).filter((s) => floorTo(s.start, HALF_HOUR) >= oldestHalfHour);
  expect(dashboard.exitPages.length).toBeGreaterThan(0);
  for (const p of dashboard.exitPages) {
    const exits = sessions.filter((s) => s.exit === p.productId);
    expect(p.count, p.productId).toBeGreaterThanOrEqual(exits.filter((s) => s.over).length);
    expect(p.count, p.productId).toBeLessThanOrEqual(exits.length);
  }
}

// ---------------------------------------------------------------------------------------------
// A run: its own topics, client id, state folder and Redis database; workers as child processes.

interface Worker {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
}

interface Run {
  env: NodeJS.ProcessEnv;
  config: Config;
  kafka: Kafka;
  redis: Redis;
  workers: Worker[];
  stateDir: string;
}

const runs: Run[] = [];

async function newRun(): Promise<Run> {
  const stateDir = await mkdtemp(join(tmpdir(), 'aggregation-it-'));
  const name = uniqueName('it-agg');
  const env = {
    ...process.env,
    TOPIC_ENRICHED: `${name}-enriched`,
    TOPIC_DEAD_LETTER: `${name}-dead-letter`,
    KAFKA_CLIENT_ID: name,
    STATE_DIR: stateDir,
    ALLOWED_LATENESS_S: String(ALLOWED_LATENESS_MS / 1000),
    REDIS_DB,
  };
  const config = loadConfig(env);
  const kafka = createKafka(config.kafka, 'it');
  await ensureTopics(kafka, config.kafka, [config.kafka.topics.enriched, config.kafka.topics.deadLetter]);
  const redis = createRedis(config.redis);
  await redis.flushdb();
  const run = { env, config, kafka, redis, workers: [], stateDir };
  runs.push(run);
  return run;
}

function startWorker(run: Run, name: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...run.env, WORKER_NAME: name }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
  const worker = { name, process: child, output, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
  run.workers.push(worker);
  return worker;
}

async function kill(worker: Worker): Promise<void> {
  worker.process.kill('SIGKILL');
  await worker.exited;
}

/** SIGTERM, as a worker shutdown; the process must finish cleanly. */
async function stop(worker: Worker): Promise<number | null> {
  worker.process.kill('SIGTERM');
  const timer = setTimeout(() => worker.process.kill('SIGKILL'), 20_000);
  const code = await worker.exited;
  clearTimeout(timer);
  return code;
}

/** Produces the messages in bursts with pauses, as a live stream would arrive. */
async function produce(run: Run, messages: Message[], bursts = 5): Promise<void> {
  // Idempotent: kafkajs retries a whole multi-partition send after a leader change; without it a
  // freshly created topic can get a click twice and the expected counts would be wrong.
  const producer = run.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const perBurst = Math.ceil(messages.length / bursts);
  for (let b = 0; b < bursts; b++) {
    const burst = messages.slice(b * perBurst, (b + 1) * perBurst);
    for (let i = 0; i < burst.length; i += 100) {
      await producer.send({ topic: run.config.kafka.topics.enriched, messages: burst.slice(i, i + 100) });
      await sleep(40);
    }
    await sleep(700);
  }
  await producer.disconnect();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, run: Run, timeoutMs = TAKEOVER_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const logs = run.workers.flatMap((w) => w.output.slice(-15).map((l) => `  [${w.name}] ${l}`));
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen ${JSON.stringify(value).slice(0, 300)}\n${logs.join('\n')}`);
    }
    await sleep(200);
  }
}

interface PartialSummary {
  partition: number;
  owner: string;
  counted: number;
  rejected: number;
}

async function partials(run: Run): Promise<PartialSummary[]> {
  const hash = await run.redis.hgetall(AGGREGATE_PARTIALS_KEY);
  return Object.values(hash).map((text) => JSON.parse(text) as PartialSummary);
}

const counted = (ps: PartialSummary[]) => ps.reduce((n, p) => n + p.counted, 0);

async function dashboard(run: Run): Promise<DashboardAggregates | null> {
  const text = await run.redis.get(DASHBOARD_KEY);
  return text === null ? null : (JSON.parse(text) as DashboardAggregates);
}

/** Waits until the dashboard is exactly the full scan's and every click is counted once; returns the partials. */
async function expectExactly(run: Run, clicks: EnrichedClick[], invalid: number): Promise<PartialSummary[]> {
  const expected = fullScan(clicks);
  const withoutExits = (d: DashboardAggregates | null) => d && { ...d, exitPages: [] };
  const last = await waitFor(
    'the dashboard to equal the full scan',
    () => dashboard(run),
    (d) => isDeepStrictEqual(withoutExits(d), expected),
    run,
  ).catch(async (err: Error) => {
    expect(withoutExits(await dashboard(run)), err.message).toEqual(expected);
    throw err;
  });
  expect(withoutExits(last)).toEqual(expected);
  expect(expected.sessions.count).toBeGreaterThan(0);
  expectExitPagesWithinBounds(last!, clicks);
  const ps = await waitFor(
    'every partition to report',
    () => partials(run),
    (p) => p.length === run.config.kafka.partitions,
    run,
  );
  expect(counted(ps)).toBe(clicks.length);
  expect(ps.reduce((n, p) => n + p.rejected, 0)).toBe(invalid);
  return ps;
}

/** Every committed dead letter, once the expected number is in (and nothing more comes for a while). */
async function deadLetters(run: Run, expected: number): Promise<DeadLetterRecord[]> {
  const consumer = run.kafka.consumer({ groupId: uniqueName('it-dead-letters'), maxWaitTimeInMs: 100 });
  const records: DeadLetterRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: run.config.kafka.topics.deadLetter, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void records.push(JSON.parse(message.value!.toString()) as DeadLetterRecord) });
  try {
    await waitFor(
      `${expected} dead letters`,
      async () => records.length,
      (n) => n >= expected,
      run,
      20_000,
    );
    await sleep(1_500);
    return records;
  } finally {
    await consumer.disconnect();
  }
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    await Promise.all(run.workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null).map(stop));
    const admin = run.kafka.admin();
    await admin.connect();
    const { enriched, deadLetter } = run.config.kafka.topics;
    await admin.deleteTopics({ topics: [enriched, deadLetter, stageSpec(run.config, 'aggregation').store!.changelog] }).catch(() => {});
    await admin.disconnect();
    await run.redis.quit();
    await rm(run.stateDir, { recursive: true, force: true });
  }
});

describe('aggregation on the real stack', () => {
  it('gives exactly the aggregates a full scan of ~5,000 clicks over 2 hours gives', { timeout: 90_000 }, async () => {
    const run = await newRun();
    const clicks = generateClicks(5_000, 1);
    expect(clicks.filter(isLate).length).toBeGreaterThan(0);
    const worker = startWorker(run, 'w1');
    await produce(run, messagesOf(clicks, INVALID));
    await expectExactly(run, clicks, INVALID.length);
    expect(await deadLetters(run, INVALID.length)).toHaveLength(INVALID.length);
    expect(await stop(worker)).toBe(0);
    // Each visitor's latest clicks for the visitor page, by the stage's script: the newest 100 at most.
    for (const userId of ['V-1', 'V/97', 'V-250']) {
      const mine = clicks.filter((c) => c.userId === userId).map((c) => c.clickId);
      const listed = (await run.redis.lrange(visitorClicksKey(userId), 0, -1)).map((json) => (JSON.parse(json) as EnrichedClick).clickId);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(listed)).toEqual(new Set(mine.slice(-VISITOR_CLICKS_LENGTH)));
      expect(listed[0]).toBe(mine.at(-1));
    }
  });

  it('counts every click once when a worker is SIGKILLed mid-stream and restarts on its state', { timeout: 120_000 }, async () => {
    const run = await newRun();
    const clicks = generateClicks(5_000, 2);
    const first = startWorker(run, 'w1');
    // Ready before the clicks come, or a slow start on a loaded machine finds them all there at once.
    await waitFor(
      'the worker to own partitions',
      () => partials(run),
      (ps) => ps.length > 0,
      run,
    );
    const producing = produce(run, messagesOf(clicks, INVALID));
    const before = counted(
      await waitFor(
        'the worker to be mid-stream',
        () => partials(run),
        (ps) => counted(ps) >= 1_500,
        run,
      ),
    );
    await kill(first);
    expect(before).toBeLessThan(clicks.length);

    const second = startWorker(run, 'w1');
    await producing;
    await expectExactly(run, clicks, INVALID.length);
    expect(await deadLetters(run, INVALID.length)).toHaveLength(INVALID.length);
    // The restarted worker caught up from its LevelDB checkpoints, not from scratch.
    expect(second.output.some((l) => l.includes('"from":"checkpoint"'))).toBe(true);
    expect(await stop(second)).toBe(0);
  });

  it('counts every click once when one of two workers is SIGKILLed and the other takes over', { timeout: 120_000 }, async () => {
    const run = await newRun();
    const clicks = generateClicks(5_000, 3);
    const survivor = startWorker(run, 'w1');
    const victim = startWorker(run, 'w2');
    await waitFor(
      'both workers to own partitions',
      () => partials(run),
      (ps) => new Set(ps.map((p) => p.owner)).size === 2,
      run,
    );

    const producing = produce(run, messagesOf(clicks, INVALID));
    await waitFor(
      'the workers to be mid-stream',
      () => partials(run),
      (ps) => counted(ps) >= 1_500,
      run,
    );
    await kill(victim);
    await producing;

    const ps = await expectExactly(run, clicks, INVALID.length);
    expect(new Set(ps.map((p) => p.owner))).toEqual(new Set(['w1']));
    expect(await deadLetters(run, INVALID.length)).toHaveLength(INVALID.length);
    expect(await stop(survivor)).toBe(0);
  });

  it('fences a worker paused past its session: woken up as a zombie, it double counts nothing', { timeout: 120_000 }, async () => {
    const run = await newRun();
    const clicks = generateClicks(5_000, 5);
    const messages = messagesOf(clicks, INVALID);
    const firstPart = messages.slice(0, 3_000);
    const firstIds = new Set(firstPart.map((m) => m.value!.toString()));
    const firstClicks = clicks.filter((c) => firstIds.has(JSON.stringify(c)));
    const other = startWorker(run, 'w1');
    const zombie = startWorker(run, 'w2');
    const bothOwn = (ps: PartialSummary[]) => new Set(ps.map((p) => p.owner)).size === 2;
    await waitFor('both workers to own partitions', () => partials(run), bothOwn, run);

    const producing = produce(run, firstPart, 3);
    await waitFor(
      'the workers to be mid-stream',
      () => partials(run),
      (ps) => counted(ps) >= 1_500,
      run,
    );
    zombie.process.kill('SIGSTOP');
    await producing;
    await waitFor(
      'w1 to take over every partition',
      () => partials(run),
      (ps) => ps.every((p) => p.owner === 'w1'),
      run,
    );
    zombie.process.kill('SIGCONT');
    // Fenced and out of the group, the zombie rejoins and gets partitions again: what it held
    // for them before the pause must not count, even for partitions no new input reaches.
    await waitFor('w2 to own partitions again', () => partials(run), bothOwn, run);
    await expectExactly(run, firstClicks, firstPart.length - firstClicks.length);

    await produce(run, messages.slice(3_000), 2);
    await expectExactly(run, clicks, INVALID.length);
    expect(await deadLetters(run, INVALID.length)).toHaveLength(INVALID.length);
    expect(await stop(zombie)).toBe(0);
    expect(await stop(other)).toBe(0);
  });

  it('sends an invalid message to the dead-letter topic with its reason, and counts the rest', { timeout: 60_000 }, async () => {
    const run = await newRun();
    const clicks = generateClicks(200, 4);
    const worker = startWorker(run, 'w1');
    const messages = messagesOf(clicks, ['{"clickId": not json']);
    await produce(run, messages, 1);
    await expectExactly(run, clicks, 1);

    const [record, ...more] = await deadLetters(run, 1);
    expect(more).toEqual([]);
    expect(record).toMatchObject({ stage: 'aggregation', payload: '{"clickId": not json', reason: expect.stringMatching(/^invalid JSON/) });
    expect(record!.origin).toMatch(new RegExp(`^${run.config.kafka.topics.enriched}/\\d+@\\d+$`));
    expect(await stop(worker)).toBe(0);
  });
});
