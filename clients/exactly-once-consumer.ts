import type { Admin, ConsumerConfig, Kafka, KafkaMessage, Producer, TopicMessages } from 'kafkajs';
import { untilAborted, type ConsumerRun } from '../lib/consumer-run';
import { splitTopicMessages } from '../lib/produce-requests';

/** Partitions whose batches are in flight at once, at most. */
const PARTITIONS_IN_PARALLEL = 8;

export interface ExactlyOnceOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** Producers are `${prefix}-p${partition}`: a partition's new owner fences its old one. */
  transactionalIdPrefix: string;
  run: ConsumerRun;
  consumer?: Partial<ConsumerConfig>;
  /**
   * Called once per partition each time this consumer gains it, after the old owner is fenced
   * and before its first batch: the place to restore the partition's state.
   */
  onClaim?(partition: number): Promise<void>;
  /**
   * What a batch produces. Runs inside the partition's transaction; keep side effects undoable.
   * One that must wait (for a dependency to come back) calls `heartbeat` to keep its group membership.
   */
  process(partition: number, messages: KafkaMessage[], heartbeat: () => Promise<void>): Promise<TopicMessages[]>;
  /** The batch's transaction committed: its effects are now durable. */
  onCommit?(partition: number, nextOffset: string): void;
  /** The batch's transaction failed: undo whatever `process` changed for this partition. */
  onAbort?(partition: number): Promise<void>;
}

/**
 * Consume-transform-produce with exactly-once effects (the pre-KIP-447 pattern, which is what
 * kafkajs supports): each batch's output and the consumer offsets commit in one transaction of a
 * per-partition transactional producer. When a partition moves, the new owner first fences the
 * old one, then re-reads the committed offset (stable now that no transaction is pending) and
 * skips anything below it, so no record is processed twice or lost.
 */
export async function runExactlyOnce(o: ExactlyOnceOptions): Promise<void> {
  const consumer = o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
    ...o.consumer,
  });
  const admin = o.kafka.admin();
  const producers = new Map<number, Producer>();
  /** Partitions claimed in the current group generation, with the offset to resume from. */
  const claimed = new Map<number, bigint>();
  let crashed: Error | null = null;

  consumer.on(consumer.events.GROUP_JOIN, () => claimed.clear());
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) crashed = payload.error;
  });

  async function producerFor(partition: number): Promise<Producer> {
    let producer = producers.get(partition);
    if (!producer) {
      producer = o.kafka.producer({ transactionalId: `${o.transactionalIdPrefix}-p${partition}`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      producers.set(partition, producer);
    }
    return producer;
  }

  async function dropProducer(partition: number): Promise<void> {
    const producer = producers.get(partition);
    producers.delete(partition);
    await producer?.disconnect().catch(() => {});
  }

  async function claim(partition: number): Promise<bigint> {
    await dropProducer(partition);
    // kafkajs sends the transactional InitProducerId only at the first transaction(): opening and
    // aborting one fences the old owner and ends whatever transaction it left open.
    await (await (await producerFor(partition)).transaction()).abort();
    const committed = await committedOffset(admin, o.groupId, o.topic, partition);
    await o.onClaim?.(partition);
    claimed.set(partition, committed);
    return committed;
  }

  await admin.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Each partition has its own producer and transaction: while one waits on the broker, others work.
    partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const { partition } = batch;
      const from = claimed.get(partition) ?? (await claim(partition));
      const fresh = batch.messages.filter((m) => BigInt(m.offset) >= from);
      const last = batch.messages[batch.messages.length - 1]!.offset;
      const next = (BigInt(last) + 1n).toString();
      if (fresh.length > 0) {
        const producer = await producerFor(partition);
        const tx = await producer.transaction();
        try {
          const output = await o.process(partition, fresh, heartbeat);
          for (const topicMessages of splitTopicMessages(output)) await tx.sendBatch({ topicMessages });
          await tx.sendOffsets({ consumerGroupId: o.groupId, topics: [{ topic: o.topic, partitions: [{ partition, offset: next }] }] });
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => {});
          await dropProducer(partition);
          claimed.delete(partition);
          await o.onAbort?.(partition);
          throw err;
        }
        o.onCommit?.(partition, next);
      }
      claimed.set(partition, BigInt(next));
      resolveOffset(last);
      await heartbeat();
    },
  });

  await Promise.race([untilAborted(o.run.signal), waitForCrash()]);
  await consumer.disconnect();
  await Promise.all([...producers.keys()].map(dropProducer));
  await admin.disconnect();
  if (crashed) throw crashed;

  function waitForCrash(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (crashed || o.run.signal.aborted) {
          clearInterval(timer);
          resolve();
        }
      }, 500);
    });
  }
}

async function committedOffset(admin: Admin, groupId: string, topic: string, partition: number): Promise<bigint> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const offset = entry?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
  return offset === '-1' ? 0n : BigInt(offset);
}
