import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Config } from '../../lib/config';
import { untilAborted, type ConsumerRun } from '../../lib/consumer-run';
import { ensureAggregationTopics } from './changelog';
import { AggregationConsumer } from './consumer-loop';
import { DashboardPublisher } from './publisher';
import { PartitionStore } from './state-store';
import { aggregationTopology } from './topology';

const HEARTBEAT_EVERY_MS = 5_000;

export interface AggregationDeps {
  config: Config;
  kafka: Kafka;
  redis: Redis;
}

/**
 * enriched-click-data → dashboard aggregates in Redis, by event time, exactly once across crashes
 * and rebalances (the Kafka Streams model: RocksDB state per input partition, backed by a
 * compacted changelog written in the same transaction as the input offsets). Runs until
 * `run.signal` aborts, then commits, publishes and closes everything; throws on what it cannot
 * recover from, for Temporal to retry.
 */
export async function runAggregation({ config, kafka, redis }: AggregationDeps, run: ConsumerRun): Promise<void> {
  const topology = aggregationTopology(config);
  await ensureAggregationTopics(kafka, config, topology);
  const store = await PartitionStore.open(topology.stateDir);
  const admin = kafka.admin();

  let fail!: (err: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // observed by the race below; this keeps a late failure from going unhandled

  const consumer = new AggregationConsumer({ kafka, admin, store, topology, log: run.log }, fail);
  const publisher = new DashboardPublisher(redis, config.workerName, () => consumer.snapshots(), run.log);
  const heartbeat = () => run.heartbeat({ worker: config.workerName, partitions: consumer.summary() });
  const heartbeats = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  // Every step runs even if an earlier one failed; the first failure is what the activity reports.
  const errors: unknown[] = [];
  const attempt = (step: () => Promise<unknown>) => step().catch((err: unknown) => errors.push(err));

  await attempt(async () => {
    await admin.connect();
    await consumer.start();
    publisher.start();
    heartbeat();
    run.log.info('aggregation running', { worker: config.workerName, group: topology.groupId, changelog: topology.changelog });
    await Promise.race([untilAborted(run.signal), failed]);
  });
  clearInterval(heartbeats);
  await attempt(() => consumer.stopConsuming());
  await attempt(() => publisher.stop());
  await attempt(() => consumer.closeTasks());
  await attempt(() => admin.disconnect());
  await attempt(() => store.close());
  run.log.info('aggregation stopped', { worker: config.workerName, failed: errors.length > 0 });
  if (errors.length > 0) throw errors[0];
}
