/**
 * The real enrichment, aggregation and detection processors on the stage runtime and the in-memory broker
 * (clients/streams/testing/stage-test-driver.ts), across a worker killed mid-batch: exact totals.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { aggregationProcessor } from '../../activities/aggregation/run-aggregation';
import { detectionProcessor, RULES_REFRESH_MS, type DetectionFeedTotals } from '../../activities/detection/run-detection-feed';
import { enrichmentProcessor } from '../../activities/enrichment/run-enrichment';
import type { Processor } from '../../clients/streams/processor';
import { StageTestDriver } from '../../clients/streams/testing/stage-test-driver';
import { mergePartials } from '../../lib/aggregation/merge';
import { PartitionAggregates } from '../../lib/aggregation/partition-aggregates';
import { loadConfig } from '../../lib/config';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';
import { RunningVisitors } from '../../lib/offers/running-visitors';
import {
  AGGREGATE_PARTIALS_KEY,
  DASHBOARD_KEY,
  LOOKUPS_LOADED_KEY,
  productKey,
  VISITOR_CLICKS_LENGTH,
  visitorClicksKey,
  visitorKey,
} from '../../lib/redis-keys';
import type { EnrichedClick } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import { booksThenGames } from '../offer-rule-examples';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const config = loadConfig({});
const { topics } = config.kafka;

/** Just the Redis commands the enrichment's lookups, the dashboard publisher and the visitor clicks use: MULTI and pipelines of hset, hgetall, exists, set, publish; eval of the visitor clicks' script. */
class FakeRedis {
  readonly hashes = new Map<string, Record<string, string>>();
  readonly strings = new Map<string, string>();
  readonly lists = new Map<string, string[]>();

  private has(key: string) {
    return this.hashes.has(key) || this.strings.has(key);
  }

  async exists(key: string) {
    return this.has(key) ? 1 : 0;
  }

  multi() {
    const ops: (() => unknown)[] = [];
    const chain = {
      hset: (key: string, fields: Record<string, string>) => (ops.push(() => this.hashes.set(key, { ...this.hashes.get(key), ...fields })), chain),
      hgetall: (key: string) => (ops.push(() => ({ ...this.hashes.get(key) })), chain),
      exists: (key: string) => (ops.push(() => (this.has(key) ? 1 : 0)), chain),
      set: (key: string, value: string) => (ops.push(() => this.strings.set(key, value)), chain),
      publish: (_channel: string, _message: string) => (ops.push(() => 0), chain),
      exec: async () => ops.map((op) => [null, op()]),
    };
    return chain;
  }

  pipeline() {
    return this.multi();
  }

  /** The visitor clicks' script, as it behaves: per key a count, then that many clicks, oldest first. */
  async eval(_script: string, keyCount: number, ...rest: (string | number)[]) {
    const keys = rest.slice(0, keyCount).map(String);
    const args = rest.slice(keyCount).map(String);
    let at = 0;
    for (const key of keys) {
      const count = Number(args[at]);
      const pushed = args.slice(at + 1, at + 1 + count).reverse();
      this.lists.set(key, [...pushed, ...(this.lists.get(key) ?? [])].slice(0, VISITOR_CLICKS_LENGTH));
      at += count + 1;
    }
    return keys.length;
  }

  asRedis(): Redis {
    return this as unknown as Redis;
  }
}

/** Holds worker A's `hold`-th batch after the processor did its work, until released (never, here). */
function holdingA(make: () => Processor, name: string, hold: number, reached: () => void): Processor {
  const processor = make();
  if (name !== 'A') return processor;
  let batches = 0;
  return {
    ...processor,
    async process(records, ctx) {
      await processor.process(records, ctx);
      if (++batches === hold) {
        reached();
        await new Promise(() => {});
      }
    },
  };
}

/** An enriched click for the detection feed, at 10:00 on 2026-01-01: women of `age`. */
const detectionClick = (clickId: string, userId: string, category: string, age: number): EnrichedClick => ({
  clickId,
  userId,
  productId: `p-${clickId}`,
  ip: '10.0.0.1',
  userAgent: 'ua',
  timestamp: Date.UTC(2026, 0, 1, 10),
  source: 'replay',
  category,
  title: 't',
  gender: 'F',
  birthDate: null,
  age,
  country: 'France',
  deviceType: 'Desktop',
});
const asRecord = (c: EnrichedClick) => ({ key: c.userId, value: JSON.stringify(c), partition: 0 });

/** What the feed asked of Temporal: a start (update- or signal-with-start) or a plain signal, with the visitor, clicks and rules. */
interface FeedCall {
  how: 'update-with-start' | 'signal-with-start' | 'signal';
  userId: string;
  clickIds: string[];
  input?: VisitorOfferInput;
  version: number | undefined;
}

/**
 * A Temporal client of the three calls the feed makes; `answer` decides each call's outcome (its
 * promise), and may throw. Plain signals to a visitor in `gone` find no workflow.
 */
function fakeTemporal(answer: (call: FeedCall) => Promise<void>, gone = new Set<string>()): Client {
  const userOf = (workflowId: string) => workflowId.replace('visitor-offers-', '');
  return {
    workflow: {
      executeUpdateWithStart: (
        _update: unknown,
        o: { args: [VisitorClick[], number?]; startWorkflowOperation: { options: { workflowId: string; args: [VisitorOfferInput] } } },
      ) =>
        answer({
          how: 'update-with-start',
          userId: userOf(o.startWorkflowOperation.options.workflowId),
          clickIds: o.args[0].map((c) => c.clickId),
          input: o.startWorkflowOperation.options.args[0],
          version: o.args[1],
        }),
      signalWithStart: (_type: string, o: { workflowId: string; args: [VisitorOfferInput]; signalArgs: [VisitorClick[], number?] }) =>
        answer({
          how: 'signal-with-start',
          userId: userOf(o.workflowId),
          clickIds: o.signalArgs[0].map((c) => c.clickId),
          input: o.args[0],
          version: o.signalArgs[1],
        }),
      getHandle: (workflowId: string) => ({
        signal: async (_signal: unknown, clicks: VisitorClick[], version?: number) => {
          if (gone.has(userOf(workflowId))) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
          await answer({ how: 'signal', userId: userOf(workflowId), clickIds: clicks.map((c) => c.clickId), version });
        },
      }),
    },
  } as unknown as Client;
}

/** Temporal calls that wait until the test releases them, by visitor (or all from `autoRelease` on). */
class HeldTemporal {
  readonly calls: (FeedCall & { release: () => void })[] = [];
  private auto = false;

  client(): Client {
    return fakeTemporal(
      (call) =>
        new Promise<void>((release) => {
          this.calls.push({ ...call, release });
          if (this.auto) release();
        }),
    );
  }

  release(userId: string): void {
    for (const c of this.calls.filter((c) => c.userId === userId)) c.release();
  }

  autoRelease(): void {
    this.auto = true;
    for (const c of this.calls) c.release();
  }
}

describe('the stages on the runtime', () => {
  it('aggregation: a worker killed mid-batch, the dashboard equal to the reference', async () => {
    const stage = stageSpec(config, 'aggregation');
    const redis = new FakeRedis();
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    const driver = new StageTestDriver(({ name, run }) => holdingA(() => aggregationProcessor(config, redis.asRedis(), run), name, 2, reached), {
      stage,
      partitions: 2,
      maxBatch: 4,
    });
    await driver.startWorker('A');
    await driver.startWorker('B');

    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    const clicks: EnrichedClick[] = Array.from({ length: 30 }, (_, i) => ({
      clickId: `c${i}`,
      userId: `u${i % 7}`,
      productId: `p${i % 4}`,
      ip: '10.0.0.1',
      userAgent: 'ua',
      timestamp: t0 + i * 20_000,
      source: 'replay',
      category: ['books', 'shoes'][i % 2]!,
      title: `Product ${i % 4}`,
      gender: 'U',
      birthDate: null,
      age: null,
      country: 'France',
      deviceType: 'Desktop',
    }));
    const inputs = clicks.map((c, i) => ({ key: c.userId, value: JSON.stringify(c), partition: i % 2 }));
    inputs.splice(5, 0, { key: 'x', value: '{broken', partition: 1 }, { key: 'x', value: '{}', partition: 0 });
    driver.pipeInput(stage.input, inputs);

    await driver.pump();
    await held;
    driver.killWorker('A');
    await driver.expireSessions();
    await driver.pump();
    await driver.stopWorker('B'); // its last punctuation publishes the dashboard

    const reference = [0, 1].map((p) => {
      const state = new PartitionAggregates(config.aggregation);
      const mine = inputs.filter((r) => r.partition === p);
      for (const r of mine) {
        if (r.key === 'x') state.reject();
        else state.apply(JSON.parse(r.value) as EnrichedClick);
      }
      state.advanceTo(String(mine.length));
      return state.snapshot();
    });
    expect(JSON.parse(redis.strings.get(DASHBOARD_KEY)!)).toEqual(JSON.parse(JSON.stringify(mergePartials(reference))));
    const partials = Object.values(redis.hashes.get(AGGREGATE_PARTIALS_KEY)!).map(
      (p) => JSON.parse(p) as { counted: number; rejected: number; nextOffset: string },
    );
    expect(partials.map((p) => [p.counted, p.rejected, p.nextOffset])).toEqual([
      [15, 1, '16'],
      [15, 1, '16'],
    ]);
    expect(driver.committedOffsets()).toEqual([16n, 16n]);
    expect(
      driver
        .readOutput(topics.deadLetter)
        .map((d) => d.key)
        .sort(),
    ).toEqual(['enriched-click-data/0@3', 'enriched-click-data/1@2']);
    // Each visitor's clicks, every one there at least once (a batch processed again pushes its clicks again).
    for (const userId of new Set(clicks.map((c) => c.userId))) {
      const listed = (redis.lists.get(visitorClicksKey(userId)) ?? []).map((json) => (JSON.parse(json) as EnrichedClick).clickId);
      const mine = clicks.filter((c) => c.userId === userId).map((c) => c.clickId);
      expect(new Set(listed), userId).toEqual(new Set(mine));
    }
  });

  it('enrichment: a worker killed mid-batch, every click enriched or dead-lettered exactly once', async () => {
    const stage = stageSpec(config, 'enrichment');
    const redis = new FakeRedis();
    redis.strings.set(LOOKUPS_LOADED_KEY, '{}');
    for (const p of ['p0', 'p1', 'p2']) redis.hashes.set(productKey(p), { cat: 'books', title: `Book ${p}` });
    for (const u of ['u0', 'u1', 'u2', 'u3']) redis.hashes.set(visitorKey(u), { gender: 'F', birthday: '1990-06-15' });
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    const deps = { config, redis: redis.asRedis(), reloadLookups: async () => {} };
    const driver = new StageTestDriver(({ name, run }) => holdingA(() => enrichmentProcessor(deps, run, true), name, 2, reached), {
      stage,
      partitions: 2,
      maxBatch: 3,
    });
    await driver.startWorker('A');
    await driver.startWorker('B');

    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    // Every 5th click is of an unknown product (p3): a dead letter.
    const clicks = Array.from({ length: 24 }, (_, i) => ({
      clickId: `c${i}`,
      userId: `u${i % 4}`,
      productId: `p${i % 5 === 4 ? 3 : i % 3}`,
      ip: '10.0.0.1',
      userAgent: 'curl/8',
      timestamp: t0 + i,
      source: 'replay',
    }));
    driver.pipeInput(stage.input, [
      ...clicks.map((c, i) => ({ key: c.userId, value: JSON.stringify(c), partition: i % 2 })),
      { key: null, value: 'not json', partition: 0 },
    ]);
    await driver.pump();
    await held;
    driver.killWorker('A');
    await driver.expireSessions();
    await driver.pump();

    const enriched = driver.readOutput(topics.enriched).map((r) => JSON.parse(r.value!) as EnrichedClick);
    const good = clicks.filter((_, i) => i % 5 !== 4);
    expect(enriched.map((c) => c.clickId).sort()).toEqual(good.map((c) => c.clickId).sort());
    expect(enriched.every((c) => c.category === 'books' && c.gender === 'F' && c.age === 35)).toBe(true);
    const dead = driver.readOutput(topics.deadLetter).map((d) => JSON.parse(d.value!) as { reason: string; origin: string });
    expect(dead.map((d) => d.reason).sort()).toEqual([...Array(4).fill('unknown product p3'), expect.stringContaining('invalid JSON')].sort());
    expect(driver.committedOffsets()).toEqual(driver.logEnds(stage.input));
    expect(driver.committedOffsets()).toEqual([13n, 12n]);
    await driver.close();
  });

  it("detection: a failed signal is tried again, its visitor's later clicks wait behind it, nothing commits past it meanwhile, and every click reaches its workflow once", async () => {
    const stage = stageSpec(config, 'detection');
    const signals: FeedCall[] = [];
    let u3Fails = true;
    // Calls for u3 fail until the test says.
    const temporal = fakeTemporal(async (call) => {
      if (u3Fails && call.userId === 'u3') throw new Error('Temporal unavailable');
      signals.push(call);
    });
    const driver = new StageTestDriver(
      () => detectionProcessor({ config, temporal, rules: OFFER_RULES, visitorIdleMs: 60_000 }, { running: new RunningVisitors(60_000), ruleSet: null }),
      { stage, partitions: 1, maxBatch: 6 },
    );
    const worker = await driver.startWorker('A');

    // Four visitors the rules can use (women of 30), three clicks each, interleaved; one broken record at offset 6.
    const clicks = Array.from({ length: 12 }, (_, i) => detectionClick(`c${i}`, `u${i % 4}`, 'clothing', 30));
    driver.pipeInput(stage.input, [
      ...clicks.slice(0, 6).map((c) => asRecord(c)),
      { key: 'x', value: '{broken', partition: 0 },
      ...clicks.slice(6).map((c) => asRecord(c)),
    ]);
    await driver.pump();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    // 5 s on, u3's first click (offset 3) is still refused (tried at 0, 1 and 3 s): nothing from it on commits, and u3's later clicks wait.
    expect(driver.committedOffsets()).toEqual([3n]);
    expect(signals.filter((s) => s.userId === 'u3')).toEqual([]);
    expect((worker.lastHeartbeat as DetectionFeedTotals).signalRetries).toBe(3);

    u3Fails = false;
    await vi.advanceTimersByTimeAsync(2_000); // the retry at 7 s
    await driver.settle();
    await vi.advanceTimersByTimeAsync(5_000); // the next progress commit
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([13n]);
    await driver.stopWorker('A');

    // Each visitor's clicks once each, in click order, one signal per visitor and batch.
    for (const u of ['u0', 'u1', 'u2', 'u3']) {
      expect(
        signals.filter((s) => s.userId === u).flatMap((s) => s.clickIds),
        u,
      ).toEqual(clicks.filter((c) => c.userId === u).map((c) => c.clickId));
    }
    expect(signals.filter((s) => s.userId === 'u3').map((s) => s.clickIds)).toEqual([['c3'], ['c7'], ['c11']]);
    const dead = driver.readOutput(topics.deadLetter).map((d) => JSON.parse(d.value!) as { reason: string; origin: string });
    expect(dead.map((d) => d.origin)).toEqual([`${stage.input}/0@6`]);
    expect(dead[0]!.reason).toContain('invalid JSON');
    expect(worker.lastHeartbeat as DetectionFeedTotals).toMatchObject({
      forwarded: 12,
      rejected: 1,
      dropped: 0,
      signals: signals.length,
      signalRetries: 3,
      pendingClicks: 0,
    });
  });

  it("detection: a burst's starts do not hold the next batch: a running visitor's click overtakes them, the commit never passes an unsent click, and each visitor's clicks keep their order", async () => {
    const stage = stageSpec(config, 'detection');
    const temporal = new HeldTemporal();
    const running = new RunningVisitors(60_000);
    running.mark('steady', Date.now());
    const driver = new StageTestDriver(
      () => detectionProcessor({ config, temporal: temporal.client(), rules: OFFER_RULES, visitorIdleMs: 60_000 }, { running, ruleSet: null }),
      { stage, partitions: 1, maxBatch: 10 },
    );
    const worker = await driver.startWorker('A');

    // Batches of ten: twenty new visitors (b0-b19, b3 twice), then the steady visitor's click and a last new visitor.
    const burst = Array.from({ length: 19 }, (_, i) => detectionClick(`burst-${i}`, `b${i}`, 'clothing', 30));
    burst.splice(15, 0, detectionClick('burst-3-again', 'b3', 'shoes', 30));
    const later = [detectionClick('steady-1', 'steady', 'shoes', 30), detectionClick('burst-19', 'b19', 'clothing', 30)];
    driver.pipeInput(
      stage.input,
      [...burst, ...later].map((c) => asRecord(c)),
    );
    await driver.pump();

    // Sixteen starts out and held; the third batch was fetched anyway, and the steady visitor's signal went at once.
    expect(temporal.calls.map((c) => [c.userId, c.how])).toEqual([
      ...Array.from({ length: 16 }, (_, i) => [`b${i}`, 'update-with-start']),
      ['steady', 'signal-with-start'],
    ]);
    expect(worker.link.batches.map((b) => b.offsets.length)).toEqual([10, 10, 2]);
    temporal.release('steady');
    await driver.settle();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([0n]); // b0's click, at offset 0, is not accepted yet

    // b0-b2 accepted: the commit moves to b3's first click; b3's second click goes first once b3's start is in.
    for (const u of ['b0', 'b1', 'b2']) temporal.release(u);
    await driver.settle();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([3n]);
    expect(temporal.calls.slice(17).map((c) => c.userId)).toEqual(['b16', 'b17', 'b18']); // starts in the freed slots, oldest first
    temporal.release('b3');
    await driver.settle();
    expect(temporal.calls.slice(20).map((c) => [c.userId, c.how, c.clickIds])).toEqual([
      ['b3', 'signal-with-start', ['burst-3-again']], // b3 runs now
      ['b19', 'update-with-start', ['burst-19']], // in the start slot b3's start left
    ]);

    temporal.autoRelease();
    await driver.settle();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([22n]);
    await driver.stopWorker('A');
    // Every click sent once, b3's two in order.
    expect(temporal.calls.flatMap((c) => c.clickIds).sort()).toEqual([...burst, ...later].map((c) => c.clickId).sort());
    expect(temporal.calls.filter((c) => c.userId === 'b3').map((c) => c.clickIds)).toEqual([['burst-3'], ['burst-3-again']]);
    expect(worker.lastHeartbeat as DetectionFeedTotals).toMatchObject({ forwarded: 22, signals: 22, pendingClicks: 0 });
  });

  it('detection: a click that can start no sequence goes only to a running workflow, by a plain signal', async () => {
    const stage = stageSpec(config, 'detection');
    const calls: FeedCall[] = [];
    // Of the visitors the feed thinks may run, `gone`'s workflow has completed.
    const temporal = fakeTemporal(async (call) => void calls.push(call), new Set(['gone']));
    const running = new RunningVisitors(60_000);
    running.mark('mid', Date.now());
    running.mark('gone', Date.now());
    const driver = new StageTestDriver(() => detectionProcessor({ config, temporal, rules: OFFER_RULES, visitorIdleMs: 60_000 }, { running, ruleSet: null }), {
      stage,
      partitions: 1,
      maxBatch: 5,
    });
    const worker = await driver.startWorker('A');

    const click = detectionClick;
    const clicks = [
      click('c1', 'mid', 'books', 50), // running: may reset a sequence of theirs
      click('c2', 'gone', 'books', 50), // the plain signal finds no workflow
      click('c3', 'new', 'clothing', 30), // may start a sequence, and is not known to run: update-with-start
      click('c4', 'new', 'shoes', 50), // same visitor and batch, now outside every demographic: still theirs
      click('c5', 'out', 'clothing', 60), // can start nothing and has no workflow: left out
      click('c6', 'new', 'clothing', 50), // next batch: `new` was signalled, so a plain signal
    ];
    driver.pipeInput(
      stage.input,
      clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c), partition: 0 })),
    );
    await driver.pump();
    await driver.settle();
    await driver.stopWorker('A');

    expect(calls.map(({ how, userId, clickIds }) => ({ how, userId, clickIds }))).toEqual([
      { how: 'signal', userId: 'mid', clickIds: ['c1'] },
      { how: 'update-with-start', userId: 'new', clickIds: ['c3', 'c4'] },
      { how: 'signal', userId: 'new', clickIds: ['c6'] },
    ]);
    expect(driver.committedOffsets()).toEqual([6n]);
    expect(worker.lastHeartbeat as DetectionFeedTotals).toMatchObject({ forwarded: 4, dropped: 2, rejected: 0 });
  });

  it('detection: runs the current published rule set, asked on its timer, and names its version in every signal', async () => {
    const stage = stageSpec(config, 'detection');
    const starts: { userId: string; inputVersion: number | undefined; signalVersion: number | undefined; rules: string }[] = [];
    const temporal = fakeTemporal(
      async ({ userId, input, version }) => void starts.push({ userId, inputVersion: input!.rulesVersion, signalVersion: version, rules: input!.rules.name }),
    );
    // Books then games, for anyone from 18: a woman of 50 starts a sequence only under it.
    const booksForWomen = booksThenGames({ gender: 'F' });
    let published: RuleSetVersion | null = null;
    const deps = { config, temporal, rules: OFFER_RULES, currentRuleSet: async () => published, visitorIdleMs: 60_000 };
    const driver = new StageTestDriver(() => detectionProcessor(deps, { running: new RunningVisitors(60_000), ruleSet: null }), { stage, partitions: 1 });
    const worker = await driver.startWorker('A');
    const click = detectionClick;
    const send = async (c: EnrichedClick) => {
      driver.pipeInput(stage.input, [{ key: c.userId, value: JSON.stringify(c), partition: 0 }]);
      await driver.pump();
      await driver.settle();
    };

    await send(click('c1', 'ann', 'clothing', 30));
    await send(click('c2', 'eve', 'books', 50)); // no rule of the built-in set starts on it
    published = { version: 2, rules: booksForWomen, note: 'books week', publishedAt: 0 };
    await vi.advanceTimersByTimeAsync(RULES_REFRESH_MS);
    await send(click('c3', 'eve', 'books', 50));
    await driver.stopWorker('A');

    expect(starts).toEqual([
      { userId: 'ann', inputVersion: 0, signalVersion: 0, rules: OFFER_RULES.name },
      { userId: 'eve', inputVersion: 2, signalVersion: 2, rules: 'books-then-games' },
    ]);
    expect(worker.lastHeartbeat as DetectionFeedTotals).toMatchObject({ rulesVersion: 2, dropped: 1 });
  });
});
