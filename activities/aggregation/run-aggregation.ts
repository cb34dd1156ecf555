import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { PartitionStateStore, Processor } from '../../clients/streams/processor';
import { PartitionAggregates } from '../../lib/aggregation/partition-aggregates';
import type { PartitionSnapshot } from '../../lib/aggregation/partial';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { parseEnrichedClick, type EnrichedClick } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';
import { runOnKafka } from '../run-stage';
import { DashboardPublisher, PUBLISH_EVERY_MS } from './publisher';
import { writeVisitorClicks } from './visitor-clicks-writer';

export interface AggregationDeps {
  config: Config;
  kafka: Kafka;
  redis: Redis;
}

interface PartitionState {
  aggregates: PartitionAggregates;
  store: PartitionStateStore;
  /** A batch is being aggregated and committed. */
  inFlight: boolean;
  /** The state as of the last commit; null when it must be taken again. */
  committed: PartitionSnapshot | null;
}

/**
 * enriched-click-data → dashboard aggregates in Redis, by event time, exactly once across crashes
 * and rebalances (the Kafka Streams model: state per input partition in the stage's logged store,
 * whose changelog commits in the same transaction as the input offsets). Publishing the merged
 * dashboard is the stage's punctuation, with only the partitions this worker surely owns. Each
 * visitor's latest clicks go to Redis, for the visitor page, before their batch commits.
 */
export function aggregationProcessor(config: Config, redis: Redis, run: ConsumerRun): Processor {
  const partitions = new Map<number, PartitionState>();
  const publisher = new DashboardPublisher(redis, config.workerName, run.log);

  /** The partition's state as of its last commit, never one with a batch still in flight. */
  const snapshot = (state: PartitionState) => (state.inFlight ? state.committed : (state.committed ??= state.aggregates.snapshot()));

  return {
    stage: stageSpec(config, 'aggregation'),
    async open(partition, store) {
      const aggregates = PartitionAggregates.fromEntries(await store!.entries(), config.aggregation);
      partitions.set(partition, { aggregates, store: store!, inFlight: false, committed: null });
    },
    async process(records, ctx) {
      const state = partitions.get(ctx.partition)!;
      const { aggregates } = state;
      state.inFlight = true;
      const clicks: { click: EnrichedClick; json: string }[] = [];
      for (const record of records) {
        const text = record.value?.toString('utf8') ?? '';
        const parsed = parseEnrichedClick(text);
        if (parsed.ok) {
          clicks.push({ click: parsed.value, json: text });
        } else {
          aggregates.reject();
          ctx.deadLetter(record, parsed.reason);
        }
      }
      // Redis works on the visitors' lists while this process counts.
      const written = writeVisitorClicks(
        redis,
        clicks.map(({ click, json }) => ({ userId: click.userId, json })),
      );
      for (const { click } of clicks) aggregates.apply(click);
      await written;
      aggregates.advanceTo(ctx.nextOffset);
      for (const { key, value } of aggregates.takeChanges()) {
        if (value === null) state.store.delete(key);
        else state.store.put(key, value);
      }
    },
    committed(partition) {
      const state = partitions.get(partition)!;
      state.inFlight = false;
      state.committed = null;
    },
    close(partition) {
      partitions.delete(partition);
    },
    describe: (partition) => ({ streamTime: partitions.get(partition)?.aggregates.streamTime ?? 0 }),
    punctuation: {
      everyMs: PUBLISH_EVERY_MS,
      run: async (owned) => {
        await publisher.publish(
          owned.flatMap((partition) => {
            const state = partitions.get(partition);
            const taken = state && snapshot(state);
            return taken ? [{ partition, snapshot: taken }] : [];
          }),
        );
      },
    },
  };
}

export async function runAggregation({ config, kafka, redis }: AggregationDeps, run: ConsumerRun): Promise<void> {
  await runOnKafka({ config, kafka }, 'aggregation', run, () => aggregationProcessor(config, redis, run));
}
