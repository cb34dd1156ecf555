/** GET /api/health: each service, each worker kind, the web server's own consumers, and consumer lag. */
import { probe, probeAllWorkers, SERVICES, type Probe, type WorkerHealth } from '$shared/clients/probes';
import { createKafka } from '$shared/clients/kafka';
import { CONSUMER_KINDS, type ConsumerKind } from '$shared/lib/consumer-kinds';
import { consumerLag } from '$shared/lib/web/consumer-lag';
import { logLevel } from 'kafkajs';
import { config, offersHub } from './services';

/** The topic each consumer kind's group (`<KAFKA_CLIENT_ID>-<kind>`) reads. */
const inputTopic = (kind: ConsumerKind) => (kind === 'enrichment' ? config.kafka.topics.clicks : config.kafka.topics.enriched);

export interface GroupLag {
  group: string;
  topic: string;
  /** Messages not yet consumed; null when Kafka did not answer. */
  lag: number | null;
  reason?: string;
}

async function lags(): Promise<Record<ConsumerKind, GroupLag>> {
  const admin = createKafka(config.kafka, 'web-health', logLevel.NOTHING).admin({ retry: { retries: 0 } });
  const groups = CONSUMER_KINDS.map((kind) => ({ kind, group: `${config.kafka.clientId}-${kind}`, topic: inputTopic(kind) }));
  try {
    await admin.connect();
    const entries = await Promise.all(
      groups.map(async ({ kind, group, topic }) => {
        const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
        return [kind, { group, topic, lag: consumerLag(offsets, committed[0]?.partitions ?? []) }] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<ConsumerKind, GroupLag>;
  } catch (err) {
    const reason = (err as Error).message;
    return Object.fromEntries(groups.map(({ kind, group, topic }) => [kind, { group, topic, lag: null, reason }])) as Record<ConsumerKind, GroupLag>;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface Health {
  /** Every service, worker and the web server's offers consumer is up. */
  up: boolean;
  services: Record<string, Probe>;
  workers: Record<'orchestrator' | ConsumerKind, WorkerHealth>;
  web: { offersConsumer: ReturnType<typeof offersHub.status> };
  consumerLag: Record<ConsumerKind, GroupLag>;
}

export async function checkHealth(): Promise<Health> {
  const [services, workers, consumerLagByKind] = await Promise.all([
    Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)),
    probeAllWorkers(config),
    lags(),
  ]);
  const offersConsumer = offersHub.status();
  return {
    up: services.every(([, p]) => p.up) && Object.values(workers).every((w) => w.up) && offersConsumer.up,
    services: Object.fromEntries(services),
    workers,
    web: { offersConsumer },
    consumerLag: consumerLagByKind,
  };
}
