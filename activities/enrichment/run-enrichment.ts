import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import { runExactlyOnce } from '../../clients/exactly-once-consumer';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { deadLetterMessage } from '../../lib/dead-letter';
import { countryOf } from '../../lib/enrichment/country';
import { memoizedDeviceTypeOf } from '../../lib/enrichment/device-type';
import { enrichClick } from '../../lib/enrichment/enrich-click';
import { parseClickEvent, type ClickEvent } from '../../lib/schema';
import { LookupCache } from './lookup-cache';

export interface EnrichmentDeps {
  config: Config;
  kafka: Kafka;
  redis: Redis;
}

/** click-data → enriched-click-data, exactly once; bad messages go to the dead-letter topic. */
export async function runEnrichment({ config, kafka, redis }: EnrichmentDeps, run: ConsumerRun): Promise<void> {
  const { topics, clientId } = config.kafka;
  const lookups = new LookupCache(redis);
  const deviceTypeOf = memoizedDeviceTypeOf();
  let enriched = 0;
  let rejected = 0;

  await runExactlyOnce({
    kafka,
    run,
    groupId: `${clientId}-enrichment`,
    topic: topics.clicks,
    transactionalIdPrefix: `${clientId}-enrichment`,
    async process(partition, messages: KafkaMessage[]) {
      const clicks: ClickEvent[] = [];
      const dead: Message[] = [];
      for (const m of messages) {
        const parsed = parseClickEvent(m.value?.toString('utf8') ?? '');
        if (parsed.ok) clicks.push(parsed.value);
        else dead.push(deadLetterMessage('enrichment', parsed.reason, m.value, `${topics.clicks}/${partition}@${m.offset}`));
      }
      await lookups.prefetch(
        clicks.map((c) => c.productId),
        clicks.filter((c) => c.source === 'replay').map((c) => c.userId),
      );
      const out = clicks.map((c) => ({
        key: c.userId,
        value: JSON.stringify(
          enrichClick(c, {
            product: lookups.product(c.productId),
            visitor: lookups.visitor(c.userId),
            country: countryOf(c.ip),
            deviceType: deviceTypeOf(c.userAgent),
          }),
        ),
      }));
      enriched += out.length;
      rejected += dead.length;
      run.heartbeat({ enriched, rejected });
      return [
        { topic: topics.enriched, messages: out },
        { topic: topics.deadLetter, messages: dead },
      ];
    },
  });
}
