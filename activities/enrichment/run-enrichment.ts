import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { countryOf } from '../../lib/enrichment/country';
import { memoizedDeviceTypeOf } from '../../lib/enrichment/device-type';
import { enrichClick, needsVisitorLookup } from '../../lib/enrichment/enrich-click';
import { parseClickEvent, type ClickEvent } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import type { ProcessContext, Processor, StageRecord } from '../../clients/streams/processor';
import { runOnKafka } from '../run-stage';
import { LookupCache } from './lookup-cache';

/** How often a batch waiting for the lookups looks for them again. */
const LOOKUPS_POLL_MS = 1_000;
/** How often it asks for a reload again, should the one it asked for have failed. */
const RELOAD_AGAIN_MS = 30_000;

export interface EnrichmentDeps {
  config: Config;
  kafka: Kafka;
  redis: Redis;
  /** Starts loading products and visitors into Redis, or joins a load already running. */
  reloadLookups(): Promise<unknown>;
}

/**
 * click-data → enriched-click-data, exactly once; bad messages and clicks of unknown products or
 * (replayed) visitors go to the dead-letter topic. When the lookups are missing from Redis (a
 * restart of a Redis that keeps nothing on disk), the batch waits for a reload it asks for itself.
 * A click stays in its partition when both topics have as many partitions: the partition key
 * hashing would pick anyway, without hashing every key again.
 */
export function enrichmentProcessor({ config, redis, reloadLookups }: Omit<EnrichmentDeps, 'kafka'>, run: ConsumerRun, keepPartition: boolean): Processor {
  const stage = stageSpec(config, 'enrichment');
  const { enriched } = config.kafka.topics;
  const lookups = new LookupCache(redis);
  const deviceTypeOf = memoizedDeviceTypeOf();
  const totals = { enriched: 0, rejected: 0, lookupReloads: 0 };

  /** Asks for a reload and waits, heartbeating, until the ingestion has put the lookups back. */
  async function untilLookupsLoaded(ctx: ProcessContext): Promise<void> {
    const started = Date.now();
    let askedAt = 0;
    totals.lookupReloads += 1;
    run.log.warn('lookups missing from Redis: reloading them before enriching on', { totals });
    for (;;) {
      if (ctx.signal.aborted) throw new Error('stopped while waiting for the lookups to be reloaded');
      if (Date.now() - askedAt >= RELOAD_AGAIN_MS) {
        askedAt = Date.now();
        await reloadLookups().catch((err: Error) => run.log.warn('could not start the lookups reload; asking again later', { error: String(err) }));
      }
      await ctx.heartbeat();
      await new Promise((r) => setTimeout(r, LOOKUPS_POLL_MS));
      if (await lookups.loaded()) break;
    }
    run.log.info('lookups reloaded; enriching on', { waitedMs: Date.now() - started });
  }

  return {
    stage,
    totals: () => totals,
    async process(records: StageRecord[], ctx: ProcessContext) {
      const clicks: { click: ClickEvent; record: StageRecord }[] = [];
      let rejected = 0;
      const reject = (record: StageRecord, reason: string) => {
        ctx.deadLetter(record, reason);
        rejected++;
      };
      for (const record of records) {
        const parsed = parseClickEvent(record.value?.toString('utf8') ?? '');
        if (parsed.ok) clicks.push({ click: parsed.value, record });
        else reject(record, parsed.reason);
      }
      const productIds = clicks.map(({ click }) => click.productId);
      const userIds = clicks.filter(({ click }) => needsVisitorLookup(click)).map(({ click }) => click.userId);
      while (!(await lookups.prefetch(productIds, userIds))) await untilLookupsLoaded(ctx);

      const partition = keepPartition ? ctx.partition : undefined;
      for (const { click, record } of clicks) {
        const result = enrichClick(click, {
          product: lookups.product(click.productId),
          visitor: lookups.visitor(click.userId),
          country: countryOf(click.ip),
          deviceType: deviceTypeOf(click.userAgent),
        });
        if (!result.ok) {
          reject(record, result.reason);
          continue;
        }
        const trace = ctx.traceOf(record);
        ctx.emit(enriched, { key: click.userId, value: JSON.stringify(result.value), partition, ...(trace && { headers: trace.headers }) });
      }
      totals.enriched += records.length - rejected;
      totals.rejected += rejected;
    },
  };
}

export async function runEnrichment(deps: EnrichmentDeps, run: ConsumerRun): Promise<void> {
  const { clicks, enriched } = deps.config.kafka.topics;
  await runOnKafka(deps, 'enrichment', run, async (link) => {
    const keepPartition = (await link.partitionCount(clicks)) === (await link.partitionCount(enriched));
    return enrichmentProcessor(deps, run, keepPartition);
  });
}
