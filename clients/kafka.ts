import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners, type Admin, type ITopicConfig, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import type { Config } from '../lib/config';

/** A kafkajs client for the configured cluster: local broker, or a managed one with TLS/SASL. */
export function createKafka(config: Config['kafka'], role: string, level: logLevel = logLevel.WARN): Kafka {
  const options: KafkaConfig = {
    clientId: `${config.clientId}-${role}`,
    brokers: config.brokers,
    logLevel: level,
    connectionTimeout: 5_000,
    retry: { initialRetryTime: 200, retries: 8 },
  };
  if (config.ssl) options.ssl = config.sslCaFile ? { ca: [readFileSync(config.sslCaFile, 'utf8')] } : true;
  if (config.sasl) options.sasl = config.sasl as SASLOptions;
  return new Kafka(options);
}

/** The project's topics, all with the configured partitions and replication factor. */
export function projectTopics(config: Config['kafka']): string[] {
  const { clicks, enriched, offers, deadLetter } = config.topics;
  return [clicks, enriched, offers, deadLetter];
}

/**
 * Creates the missing project topics, with `configEntries` (e.g. cleanup.policy=compact) if given
 * and the configured `min.insync.replicas`; an existing topic is left as it is. Returns the created names.
 */
export async function ensureTopics(
  kafka: Kafka,
  config: Config['kafka'],
  topics = projectTopics(config),
  configEntries: ITopicConfig['configEntries'] = [],
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        // kafkajs' own wait gives up when a busy broker answers "unknown topic" for a moment.
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.partitions,
          replicationFactor: config.replicationFactor,
          configEntries:
            config.minInsyncReplicas === null ? configEntries : [...configEntries, { name: 'min.insync.replicas', value: String(config.minInsyncReplicas) }],
        })),
      });
      await untilLeadersElected(admin, missing);
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every partition of `topics` has a leader, so producing to them works at once. */
async function untilLeadersElected(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/**
 * A transactional producer for one attempt of a Temporal activity. A retried attempt with the same
 * transactional id fences every earlier one, on any worker. Records are partitioned by key as
 * SharedProducer does, so a visitor's records from every source share a partition.
 */
export function attemptProducer(kafka: Kafka, transactionalId: string): Producer {
  return kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs' own default for idempotent producers (a limit only logs a warning per producer): an
    // attempt stuck on an unreachable broker is superseded by Temporal's retry, which fences it.
    retry: { retries: Number.MAX_SAFE_INTEGER },
  });
}
