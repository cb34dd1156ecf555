import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import { runExactlyOnce } from '../../clients/exactly-once-consumer';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { deadLetterMessage } from '../../lib/dead-letter';
import { countryOf } from '../../lib/enrichment/country';
import { memoizedDeviceTypeOf } from '../../lib/enrichment/device-type';
import { enrichClick, needsVisitorLookup } from '../../lib/enrichment/enrich-click';
import { parseClickEvent, type ClickEvent } from '../../lib/schema';
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
 */
export async function runEnrichment({ config, kafka, redis, reloadLookups }: EnrichmentDeps, run: ConsumerRun): Promise<void> {
  const { topics, clientId } = config.kafka;
  const lookups = new LookupCache(redis);
  const deviceTypeOf = memoizedDeviceTypeOf();
  const totals = { enriched: 0, rejected: 0, lookupReloads: 0 };

  /** Asks for a reload and waits, heartbeating, until the ingestion has put the lookups back. */
  async function untilLookupsLoaded(heartbeat: () => Promise<void>): Promise<void> {
    const started = Date.now();
    let askedAt = 0;
    totals.lookupReloads += 1;
    run.log.warn('lookups missing from Redis: reloading them before enriching on', { totals });
    for (;;) {
      if (run.signal.aborted) throw new Error('stopped while waiting for the lookups to be reloaded');
      if (Date.now() - askedAt >= RELOAD_AGAIN_MS) {
        askedAt = Date.now();
        await reloadLookups().catch((err: Error) => run.log.warn('could not start the lookups reload; asking again later', { error: String(err) }));
      }
      run.heartbeat({ ...totals, waitingForLookupsMs: Date.now() - started });
      await heartbeat();
      await new Promise((r) => setTimeout(r, LOOKUPS_POLL_MS));
      if (await lookups.loaded()) break;
    }
    run.log.info('lookups reloaded; enriching on', { waitedMs: Date.now() - started });
  }

  // A click stays in its partition: same key and same partition count give the partition key
  // hashing would pick anyway, without hashing every key again. Topics of other sizes hash.
  const keepPartition = await samePartitionCount(kafka, topics.clicks, topics.enriched);

  await runExactlyOnce({
    kafka,
    run,
    groupId: `${clientId}-enrichment`,
    topic: topics.clicks,
    transactionalIdPrefix: `${clientId}-enrichment`,
    async process(partition, messages: KafkaMessage[], heartbeat) {
      const clicks: { click: ClickEvent; message: KafkaMessage }[] = [];
      const dead: Message[] = [];
      const origin = (m: KafkaMessage) => `${topics.clicks}/${partition}@${m.offset}`;
      for (const m of messages) {
        const parsed = parseClickEvent(m.value?.toString('utf8') ?? '');
        if (parsed.ok) clicks.push({ click: parsed.value, message: m });
        else dead.push(deadLetterMessage('enrichment', parsed.reason, m.value, origin(m)));
      }
      const productIds = clicks.map(({ click }) => click.productId);
      const userIds = clicks.filter(({ click }) => needsVisitorLookup(click)).map(({ click }) => click.userId);
      while (!(await lookups.prefetch(productIds, userIds))) await untilLookupsLoaded(heartbeat);

      const out: Message[] = [];
      for (const { click, message } of clicks) {
        const enriched = enrichClick(click, {
          product: lookups.product(click.productId),
          visitor: lookups.visitor(click.userId),
          country: countryOf(click.ip),
          deviceType: deviceTypeOf(click.userAgent),
        });
        if (enriched.ok) out.push({ key: click.userId, value: JSON.stringify(enriched.value), partition: keepPartition ? partition : undefined });
        else dead.push(deadLetterMessage('enrichment', enriched.reason, message.value, origin(message)));
      }
      totals.enriched += out.length;
      totals.rejected += dead.length;
      run.heartbeat(totals);
      return [
        { topic: topics.enriched, messages: out },
        { topic: topics.deadLetter, messages: dead },
      ];
    },
  });
}

async function samePartitionCount(kafka: Kafka, a: string, b: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [a, b] });
    return topics[0]!.partitions.length === topics[1]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
}
