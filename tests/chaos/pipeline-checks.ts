/**
 * The exactly-once checks of a whole-pipeline chaos test, against what it read from the topics:
 * every row of the log a click or a dead letter exactly once, every click enriched exactly once,
 * the dashboard equal to the reference computed from the clicks, exactly the offers expected;
 * and how long the pipeline's output stood still.
 */
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { Config } from '../../lib/config';
import { DASHBOARD_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import type { ReplayProgress } from '../../lib/replay/click-replay';
import { replayClickId } from '../../lib/replay/chunk';
import type { ClickEvent, DeadLetterRecord, EnrichedClick, Offer, Product } from '../../lib/schema';
import { clicksInWindow, expectDashboardToMatch, expectedDashboard } from '../integration/dashboard-reference';
import { eventually } from '../integration/pipeline-support';
import { TopicReader } from './private-pipeline';
import type { ExpectedOffer } from './scripted-log';

export interface PipelineReaders {
  clicks: TopicReader;
  enriched: TopicReader;
  offers: TopicReader;
  deadLetters: TopicReader;
}

export function pipelineReaders(kafka: Kafka, topics: Config['kafka']['topics']): PipelineReaders {
  return {
    clicks: new TopicReader(kafka, topics.clicks),
    enriched: new TopicReader(kafka, topics.enriched),
    offers: new TopicReader(kafka, topics.offers),
    deadLetters: new TopicReader(kafka, topics.deadLetter),
  };
}

const deadLettersOf = (readers: PipelineReaders, stage: DeadLetterRecord['stage']) =>
  readers.deadLetters.json<DeadLetterRecord>().filter((d) => d.stage === stage);

/** Every row of the log exactly once: a click or a dead letter of the replay, never both, never twice. Returns the clicks. */
export async function expectRowsExactlyOnce(readers: PipelineReaders, rowCount: number, progress: ReplayProgress, replayRunId: string): Promise<ClickEvent[]> {
  expect(progress.rowsSent + progress.rowsRejected).toBe(rowCount);
  // A transaction left open by a broker's failover holds read-committed readers back until the
  // coordinator aborts it: up to the producers' transaction timeout (60 s) and its cleanup interval.
  await eventually(
    'every row on the topics',
    async () => {
      const rejected = deadLettersOf(readers, 'producer').length;
      if (readers.clicks.records.length + rejected >= rowCount) return true;
      throw new Error(
        `${rowCount} rows (${progress.rowsSent} sent, ${progress.rowsRejected} rejected); read ${readers.clicks.describe()}, ${readers.deadLetters.describe()} (${rejected} of the replay)`,
      );
    },
    120_000,
  );
  const clicks = readers.clicks.json<ClickEvent>();
  const rejected = deadLettersOf(readers, 'producer');
  const rowsSeen = [...clicks.map((c) => c.clickId), ...rejected.map((d) => replayClickId(replayRunId, 1, Number(d.origin.split(':').pop())))];
  expect({ rows: new Set(rowsSeen).size, duplicated: rowsSeen.length - new Set(rowsSeen).size }).toEqual({ rows: rowCount, duplicated: 0 });
  expect(clicks).toHaveLength(progress.rowsSent);
  expect(rejected).toHaveLength(progress.rowsRejected);
  return clicks;
}

/**
 * Every click enriched exactly once; those of products the catalogue lacks dead-lettered
 * by enrichment exactly once instead. Returns the enriched ones (in log order) and the lost and
 * duplicated counts, for the report.
 */
export async function expectEnrichedExactlyOnce(
  readers: PipelineReaders,
  clicks: ClickEvent[],
  products: Product[],
): Promise<{ enrichable: ClickEvent[]; lost: number; duplicated: number }> {
  const productIds = new Set(products.map((p) => p.id));
  const enrichable = clicks.filter((c) => productIds.has(c.productId));
  await eventually(
    'every click enriched or dead-lettered',
    async () => {
      const refused = deadLettersOf(readers, 'enrichment').length;
      if (readers.enriched.records.length + refused >= clicks.length) return true;
      throw new Error(`${clicks.length} clicks; read ${readers.enriched.describe()}, ${refused} refused by enrichment (${readers.deadLetters.describe()})`);
    },
    120_000,
  );
  const enrichedIds = readers.enriched.json<EnrichedClick>().map((c) => c.clickId);
  const refusedIds = deadLettersOf(readers, 'enrichment').map((d) => (JSON.parse(d.payload) as ClickEvent).clickId);
  const outcomes = new Set([...enrichedIds, ...refusedIds]);
  const lost = clicks.filter((c) => !outcomes.has(c.clickId)).length;
  const duplicated = enrichedIds.length + refusedIds.length - outcomes.size;
  const sorted = (ids: string[]) => [...ids].sort();
  expect(sorted(enrichedIds)).toEqual(sorted(enrichable.map((c) => c.clickId)));
  expect(sorted(refusedIds)).toEqual(sorted(clicks.filter((c) => !enrichable.includes(c)).map((c) => c.clickId)));
  return { enrichable, lost, duplicated };
}

export async function dashboardOf(redis: Redis): Promise<DashboardAggregates | undefined> {
  const json = await redis.get(DASHBOARD_KEY);
  return json ? (JSON.parse(json) as DashboardAggregates) : undefined;
}

/** The dashboard counts each enriched click once: every aggregate equals the reference's. */
export async function expectDashboardOf(redis: Redis, enrichable: ClickEvent[], products: Product[]): Promise<void> {
  const want = expectedDashboard(enrichable, products);
  const dashboard = await eventually(
    'the dashboard to count every click',
    async () => {
      const d = await dashboardOf(redis);
      return d && d.asOf === want.asOf && clicksInWindow(d) >= enrichable.length ? d : undefined;
    },
    90_000,
  );
  expectDashboardToMatch(dashboard, want);
}

/** Exactly the expected offers, none twice: waits for them, then a moment more for a duplicate. Returns how many were seen. */
export async function expectOffers(reader: TopicReader, expected: ExpectedOffer[]): Promise<number> {
  expect(expected.length).toBeGreaterThan(0);
  await eventually('every offer', async () => (reader.records.length >= expected.length ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 3_000));
  const offers = reader.json<Offer>().map(({ userId, offerId, clickIds }) => ({ userId, offerId, clickIds }));
  const byClicks = (a: { clickIds: string[] }, b: { clickIds: string[] }) => a.clickIds.join().localeCompare(b.clickIds.join());
  expect(offers.sort(byClicks)).toEqual([...expected].sort(byClicks));
  return offers.length;
}

/**
 * Samples a count (records on a topic, clicks on the dashboard) and keeps the longest time it did
 * not grow between two growths: a stall of the stage that makes it. The time after the last
 * growth (the log done) is no stall.
 */
export class StallWatch {
  private lastCount = 0;
  private lastGrowthAt: number | undefined;
  private sampling = false;
  private timer: NodeJS.Timeout | undefined;
  /** The longest stall so far, in ms, and when it ended. */
  longest = { ms: 0, endedAt: 0 };

  constructor(
    private readonly count: () => number | Promise<number>,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const count = await this.count();
      const now = Date.now();
      if (count > this.lastCount) {
        if (this.lastGrowthAt !== undefined && now - this.lastGrowthAt > this.longest.ms) this.longest = { ms: now - this.lastGrowthAt, endedAt: now };
        this.lastCount = count;
        this.lastGrowthAt = now;
      }
    } catch {
      // A failed sample (Redis busy) is no growth: the next one decides.
    } finally {
      this.sampling = false;
    }
  }
}
