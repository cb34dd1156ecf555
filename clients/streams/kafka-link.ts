/** The runtime's link to a real Kafka cluster, through kafkajs. */
import { Partitioners, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
import type { Config } from '../../lib/config';
import type { StageSpec } from '../../lib/topology';
import { ensureTopics } from '../kafka';
import { SharedProducer } from '../shared-producer';
import { changelogOffsets, readChangelog } from './partition-reader';
import { logEndKey, type ConsumeOptions, type ProduceRequests, type StageLink, type TransactionalProducer } from './stage-link';

/** A killed worker's partitions move after this long. */
export const SESSION_TIMEOUT_MS = 10_000;
/** Kafka Streams' exactly-once default: a killed owner's open transaction blocks readers this long at most. */
const TRANSACTION_TIMEOUT_MS = 10_000;

export class KafkaStageLink implements StageLink {
  private consumer: Consumer | null = null;
  /**
   * The consumer the runtime listens to. One it stopped or replaced is retired: kafkajs may still
   * restart it from a crash it was handling (a timer set after our disconnect), and it must then
   * neither speak for the stage nor hold partitions in its group.
   */
  private active: Consumer | null = null;
  private readonly admin: Admin;
  private readonly producer: SharedProducer;
  private adminConnected: Promise<void> | null = null;
  /** The lag check's own admin, without retries: a retry would outlive a stop and reconnect a closed link. */
  private lagAdmin: Promise<Admin> | null = null;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly stage: StageSpec,
  ) {
    this.admin = kafka.admin();
    this.producer = new SharedProducer(kafka);
  }

  private async connectedAdmin(): Promise<Admin> {
    await (this.adminConnected ??= this.admin.connect());
    return this.admin;
  }

  async consume({ concurrency, listener, mayRestart, onBatch }: ConsumeOptions): Promise<void> {
    const { input, groupId } = this.stage;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 200,
      readUncommitted: false,
      retry: { restartOnFailure: async () => this.active === consumer && mayRestart() },
    });
    this.consumer = this.active = consumer;
    const active = () => this.active === consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (active()) listener.assigned(payload.memberId, payload.memberAssignment[input] ?? []);
      else void consumer.disconnect().catch(() => {});
    });
    consumer.on(consumer.events.HEARTBEAT, () => active() && listener.confirmed());
    consumer.on(consumer.events.FETCH, () => active() && listener.fetched());
    consumer.on(consumer.events.CRASH, ({ payload }) => active() && listener.crashed(payload.error, payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const last = batch.messages[batch.messages.length - 1];
        if (!last) return;
        await onBatch(
          { partition: batch.partition, records: batch.messages, nextOffset: (BigInt(last.offset) + 1n).toString() },
          { resolve: () => resolveOffset(last.offset), heartbeat, isLive: () => active() && isRunning() && !isStale() },
        );
      },
    });
  }

  async stopConsuming(): Promise<void> {
    this.active = null;
    await this.consumer?.disconnect();
  }

  pause(partition: number): void {
    this.withRunningConsumer((c) => c.pause([{ topic: this.stage.input, partitions: [partition] }]));
  }

  resume(partition: number): void {
    this.withRunningConsumer((c) => c.resume([{ topic: this.stage.input, partitions: [partition] }]));
  }

  /**
   * kafkajs throws on pause and resume while its consumer is between runs (stopped, or restarting
   * after a crash). A consumer that runs again starts with nothing paused, and its assignment makes
   * the runtime pause what it is still claiming: there is nothing to do meanwhile.
   */
  private withRunningConsumer(act: (consumer: Consumer) => void): void {
    if (!this.active) return;
    try {
      act(this.active);
    } catch (err) {
      // By name: kafkajs' CommonJS module does not give its error classes to an ES import.
      if ((err as Error).name !== 'KafkaJSNonRetriableError') throw err;
    }
  }

  async partitionCount(topic: string): Promise<number> {
    const admin = await this.connectedAdmin();
    return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
  }

  async committedOffset(partition: number): Promise<bigint> {
    const admin = await this.connectedAdmin();
    const [entry] = await admin.fetchOffsets({ groupId: this.stage.groupId, topics: [this.stage.input] });
    const offset = entry?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    return offset === '-1' ? 0n : BigInt(offset);
  }

  async commitOffset(partition: number, offset: string): Promise<void> {
    await this.consumer!.commitOffsets([{ topic: this.stage.input, partition, offset }]);
  }

  async send(requests: ProduceRequests): Promise<void> {
    const producer = await this.producer.get();
    for (const topicMessages of requests) await producer.sendBatch({ topicMessages });
  }

  transactionalProducer(transactionalId: string): TransactionalProducer {
    return new KafkaTransactionalProducer(
      this.kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: TRANSACTION_TIMEOUT_MS,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
  }

  async changelogRange(topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
    return changelogOffsets(await this.connectedAdmin(), topic, partition);
  }

  async logEnds(topic: string): Promise<Map<number, bigint>> {
    if (this.closed) throw new Error('link closed');
    const admin = await (this.lagAdmin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })());
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  }

  readChangelog(topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>> {
    return readChangelog(this.kafka, topic, partition, from, end);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer[Symbol.asyncDispose]();
    if (this.adminConnected) await this.admin.disconnect();
    if (this.lagAdmin) await (await this.lagAdmin.catch(() => null))?.disconnect();
  }
}

class KafkaTransactionalProducer implements TransactionalProducer {
  private connected: Promise<void> | null = null;

  constructor(private readonly producer: Producer) {}

  async fence(): Promise<void> {
    await (this.connected ??= this.producer.connect());
    // kafkajs sends InitProducerId with the transactional id at the first transaction, not at
    // connect: that is what bumps the epoch (fencing the old owner) and ends its open transaction.
    await (await this.producer.transaction()).abort();
  }

  async commit(requests: ProduceRequests, position: { groupId: string; topic: string; partition: number; offset: string }): Promise<Map<string, bigint>> {
    const ends = new Map<string, bigint>();
    const tx = await this.producer.transaction();
    try {
      for (const topicMessages of requests) {
        const written = await tx.sendBatch({ topicMessages });
        // One producer writes an explicitly placed partition and its sends follow each other: the
        // records are contiguous, so a send's base offset plus its count is where the log ends.
        for (const { topic, messages } of topicMessages) {
          const partitions = new Set(messages.map((m) => m.partition));
          if (partitions.size !== 1 || messages[0]!.partition === undefined) continue;
          const partition = messages[0]!.partition;
          const result = written.find((r) => r.topicName === topic && r.partition === partition);
          if (result?.baseOffset !== undefined) ends.set(logEndKey(topic, partition), BigInt(result.baseOffset) + BigInt(messages.length));
        }
      }
      await tx.sendOffsets({
        consumerGroupId: position.groupId,
        topics: [{ topic: position.topic, partitions: [{ partition: position.partition, offset: position.offset }] }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
    return ends;
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => {});
  }
}

/**
 * Creates the stage's missing topics; a store's changelog is compacted (only each key's latest
 * value matters) and must have as many partitions as the input.
 */
export async function ensureStageTopics(kafka: Kafka, config: Config, stage: StageSpec): Promise<void> {
  await ensureTopics(kafka, config.kafka, [stage.input, ...stage.outputs]);
  if (!stage.store) return;
  const link = new KafkaStageLink(kafka, stage);
  try {
    const partitions = await link.partitionCount(stage.input);
    await ensureTopics(kafka, { ...config.kafka, partitions }, [stage.store.changelog], [{ name: 'cleanup.policy', value: 'compact' }]);
    const changelogPartitions = await link.partitionCount(stage.store.changelog);
    if (changelogPartitions !== partitions) {
      throw new Error(`changelog ${stage.store.changelog} has ${changelogPartitions} partitions, input ${stage.input} has ${partitions}: they must match`);
    }
  } finally {
    await link.close();
  }
}
