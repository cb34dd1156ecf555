/**
 * The runtime's link to a real Kafka cluster through @platformatic/kafka (pure JavaScript, kept
 * up): group membership with background heartbeats, the runtime's own fetch loop over the bare
 * Fetch API (platformatic-fetch.ts), and one transactional producer per input partition whose
 * transaction carries the group's offset with its generation and member id (KIP-447).
 */
import { compatibilityPartitioner, Consumer, ListOffsetTimestamps, Producer, type BaseOptions, type Message, type MessageToProduce } from '@platformatic/kafka';
import type { Config } from '../../lib/config';
import { valueWithin } from '../../lib/deadline';
import type { StageSpec } from '../../lib/topology';
import { platformaticOptions } from '../platformatic';
import type { OutputMessage } from './processor';
import { fetchPartitions, readLatestValues } from './platformatic-fetch';
import { logEndKey, type BatchControl, type ConsumeOptions, type ProduceRequests, type StageLink, type TransactionalProducer } from './stage-link';

import { SESSION_TIMEOUT_MS } from './kafka-link';
/** Kafka Streams' exactly-once default: a killed owner's open transaction blocks readers this long at most. */
const TRANSACTION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
/** How long a fetch waits on the broker for records. */
const MAX_WAIT_MS = 200;
/** After a failed fetch (a broker down, a leader moving), the loop waits this long before fetching again. */
const FETCH_RETRY_MS = 500;
/** How long a changelog restore may take before the worker gives up (and Temporal retries it). */
const RESTORE_TIMEOUT_MS = 120_000;
/** Leaving the group may hang on a dead coordinator: the member is dropped after this long anyway. */
const LEAVE_TIMEOUT_MS = 5_000;

/** The group identity a transaction's offset commit carries, checked by the coordinator (KIP-447). */
interface GroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  coordinatorId: number;
}

export class PlatformaticStageLink implements StageLink {
  private readonly options: BaseOptions;
  /** Metadata, committed offsets and changelog reads: a client of the stage's group that never joins it. */
  private readonly lookup: Consumer;
  private producer: Producer | null = null;
  private member: GroupMember | null = null;

  constructor(
    config: Config['kafka'],
    private readonly stage: StageSpec,
  ) {
    this.options = platformaticOptions(config, stage.kind);
    this.lookup = new Consumer({ ...this.options, groupId: stage.groupId, autocommit: false });
  }

  async consume(options: ConsumeOptions): Promise<void> {
    const member = new GroupMember(new Consumer({ ...this.options, groupId: this.stage.groupId, autocommit: false }), this.stage.input, options, (error) => {
      void this.restartAfter(member, error, options);
    });
    this.member = member;
    await member.join();
  }

  /** A batch threw: as kafkajs does, the consumer leaves and joins again (if the stage goes on). */
  private async restartAfter(member: GroupMember, error: Error, options: ConsumeOptions): Promise<void> {
    if (this.member !== member) return;
    const restarting = options.mayRestart();
    options.listener.crashed(error, restarting);
    await member.leave();
    if (restarting && this.member === member) await this.consume(options).catch((err: Error) => options.listener.crashed(err, false));
  }

  async stopConsuming(): Promise<void> {
    await this.member?.leave();
  }

  pause(partition: number): void {
    this.member?.pause(partition);
  }

  resume(partition: number): void {
    this.member?.resume(partition);
  }

  async partitionCount(topic: string): Promise<number> {
    const metadata = await this.lookup.metadata({ topics: [topic] });
    return metadata.topics.get(topic)!.partitionsCount;
  }

  async committedOffset(partition: number): Promise<bigint> {
    const committed = await this.lookup.listCommittedOffsets({ topics: [{ topic: this.stage.input, partitions: [partition] }] });
    const offset = committed.get(this.stage.input)?.[partition] ?? -1n;
    return offset < 0n ? 0n : offset;
  }

  async commitOffset(partition: number, offset: string): Promise<void> {
    if (!this.member) throw new Error('not consuming');
    await this.member.commit(partition, BigInt(offset));
  }

  async send(requests: ProduceRequests): Promise<void> {
    this.producer ??= new Producer({ ...this.options, idempotent: true, partitioner: compatibilityPartitioner, autocreateTopics: false });
    for (const topicMessages of requests) await this.producer.send({ messages: topicMessages.flatMap(toProduce) });
  }

  transactionalProducer(transactionalId: string): TransactionalProducer {
    return new PlatformaticTransactionalProducer(
      new Producer({
        ...this.options,
        transactionalId,
        idempotent: true,
        timeout: TRANSACTION_TIMEOUT_MS,
        maxInflights: 1,
        partitioner: compatibilityPartitioner,
        autocreateTopics: false,
      }),
      this.lookup,
      () => this.member?.groupMetadata() ?? null,
    );
  }

  async changelogRange(topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
    const ask = (timestamp: bigint) => this.lookup.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp });
    const [low, high] = await Promise.all([ask(ListOffsetTimestamps.EARLIEST), ask(ListOffsetTimestamps.LATEST)]);
    return { low: low.get(topic)![partition]!, high: high.get(topic)![partition]! };
  }

  readChangelog(topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>> {
    return readLatestValues(this.lookup, topic, partition, from, end, RESTORE_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    await this.producer?.close();
    await this.lookup.close();
  }
}

function toProduce({ topic, messages }: { topic: string; messages: OutputMessage[] }): MessageToProduce[] {
  const buffer = (v: string | Buffer | null | undefined) => (v == null ? undefined : typeof v === 'string' ? Buffer.from(v) : v);
  return messages.map((m) => ({ topic, key: buffer(m.key), value: buffer(m.value), partition: m.partition }));
}

/**
 * One consumer's membership of the stage's group and its fetch loop: each assigned, unpaused
 * partition with no batch in flight is fetched, at most `concurrency` batches in flight at once.
 */
class GroupMember {
  private running = true;
  private generation = -1;
  private assignment = new Set<number>();
  /** Next offset to fetch per assigned partition; absent: read the group's committed offset first. */
  private readonly positions = new Map<number, bigint>();
  private readonly paused = new Set<number>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private wake: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly options: ConsumeOptions,
    private readonly batchFailed: (error: Error) => void,
  ) {}

  async join(): Promise<void> {
    const { consumer, options } = this;
    const { listener } = options;
    consumer.on('consumer:group:join', ({ memberId, generationId, assignments }) => {
      this.generation = generationId ?? consumer.generationId;
      this.assignment = new Set(assignments?.find((a) => a.topic === this.topic)?.partitions ?? []);
      // Every join starts each partition again from the group's committed offset, as kafkajs does.
      this.positions.clear();
      this.paused.clear();
      listener.assigned(memberId, [...this.assignment]);
      this.notify();
    });
    consumer.on('consumer:heartbeat:end', () => listener.confirmed());
    // A rejoin that failed for good: no more heartbeats are scheduled, the membership is dead.
    consumer.on('error', (error: Error) => this.crash(error));
    consumer.on('consumer:heartbeat:stalled', ({ lastError }) => this.crash(lastError ?? new Error('heartbeats stalled')));
    consumer.topics.trackAll(this.topic);
    await consumer.joinGroup({ sessionTimeout: SESSION_TIMEOUT_MS, rebalanceTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_INTERVAL_MS });
    this.loop = this.fetchLoop();
  }

  private crash(error: Error): void {
    if (!this.running) return;
    this.running = false;
    this.notify();
    this.options.listener.crashed(error, false);
  }

  async leave(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    await valueWithin(this.consumer.close(true), LEAVE_TIMEOUT_MS);
  }

  pause(partition: number): void {
    this.paused.add(partition);
  }

  resume(partition: number): void {
    this.paused.delete(partition);
    this.notify();
  }

  groupMetadata(): GroupMetadata | null {
    const { consumer } = this;
    if (!this.running || !consumer.memberId || consumer.coordinatorId === null) return null;
    return { groupId: consumer.groupId, generationId: consumer.generationId, memberId: consumer.memberId, coordinatorId: consumer.coordinatorId };
  }

  async commit(partition: number, offset: bigint): Promise<void> {
    await this.consumer.commit({ offsets: [{ topic: this.topic, partition, offset, leaderEpoch: -1 }] });
  }

  private notify(): void {
    this.wake?.();
  }

  /** Waits until something changed (a resume, a batch done, a join) or `ms` passed. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private async fetchLoop(): Promise<void> {
    const { consumer, options } = this;
    while (this.running) {
      const wanted = [...this.assignment]
        .filter((p) => !this.paused.has(p) && !this.inFlight.has(p))
        .slice(0, Math.max(0, options.concurrency - this.inFlight.size));
      if (wanted.length === 0) {
        await this.idle(MAX_WAIT_MS);
        continue;
      }
      const generation = this.generation;
      try {
        const unknown = wanted.filter((p) => !this.positions.has(p));
        if (unknown.length > 0) {
          const committed = await consumer.listCommittedOffsets({ topics: [{ topic: this.topic, partitions: unknown }] });
          for (const p of unknown) {
            const offset = committed.get(this.topic)?.[p] ?? -1n;
            if (generation === this.generation) this.positions.set(p, offset < 0n ? 0n : offset);
          }
        }
        const positions = new Map(wanted.filter((p) => this.positions.has(p)).map((p) => [p, this.positions.get(p)!]));
        const { reads, outOfRange } = await fetchPartitions(consumer, this.topic, positions, MAX_WAIT_MS);
        options.listener.fetched();
        if (!this.running || generation !== this.generation) continue;
        for (const [p, logStart] of outOfRange) this.positions.set(p, logStart);
        for (const [partition, read] of reads) {
          if (read.nextOffset === null || this.paused.has(partition) || !this.assignment.has(partition)) continue;
          // Only transaction markers: nothing to process, the position moves past them.
          if (read.records.length === 0) this.positions.set(partition, read.nextOffset);
          else this.dispatch(partition, read.records, read.nextOffset, generation);
        }
      } catch {
        // A broker down or a leader moving: fetch again with fresh metadata. Failing for a whole
        // session, the consumer is silent and the runtime's watchdog replaces it.
        if (!this.running) break;
        consumer.clearMetadata();
        await this.idle(FETCH_RETRY_MS);
      }
    }
  }

  private dispatch(partition: number, records: { offset: string; key: Buffer | null; value: Buffer | null }[], nextOffset: bigint, generation: number): void {
    const current = () => this.running && this.generation === generation && this.assignment.has(partition);
    let resolved = false;
    const control: BatchControl = {
      resolve: () => (resolved = true),
      heartbeat: async () => {
        if (!current()) throw new Error(`no longer a member of generation ${generation} holding ${this.topic}/${partition}`);
      },
      isLive: current,
    };
    let failure: Error | null = null;
    const batch = this.options
      .onBatch({ partition, records, nextOffset: nextOffset.toString() }, control)
      .then(
        () => {
          if (resolved && current()) this.positions.set(partition, nextOffset);
        },
        (err: Error) => {
          failure = err;
        },
      )
      .finally(() => {
        this.inFlight.delete(partition);
        this.notify();
        if (failure && this.running) this.batchFailed(failure);
      });
    this.inFlight.set(partition, batch);
  }
}

class PlatformaticTransactionalProducer implements TransactionalProducer {
  constructor(
    private readonly producer: Producer,
    /** A client of the stage's group: the transaction adds the group's offsets through it. */
    private readonly group: Consumer,
    private readonly groupMetadata: () => GroupMetadata | null,
  ) {}

  async fence(): Promise<void> {
    // The first transaction sends InitProducerId with the transactional id: that bumps the epoch
    // (fencing the old owner) and ends its open transaction. Nothing was added, so nothing to end here.
    // The library would send producer id 0 and epoch 0, which the coordinator takes as a claim to
    // be that (unknown) producer and answers PRODUCER_FENCED for any id used before: -1/-1 asks
    // for the id's current producer, as Java's client does.
    await (await this.producer.beginTransaction({ producerId: -1n, producerEpoch: -1 })).cancel();
  }

  async commit(requests: ProduceRequests, position: { groupId: string; topic: string; partition: number; offset: string }): Promise<Map<string, bigint>> {
    const metadata = this.groupMetadata();
    if (!metadata || metadata.groupId !== position.groupId) throw new Error(`not a member of group ${position.groupId}: the offsets cannot commit`);
    const ends = new Map<string, bigint>();
    const tx = await this.producer.beginTransaction();
    try {
      for (const topicMessages of requests) {
        const written = await tx.send({ messages: topicMessages.flatMap(toProduce) });
        // As the kafkajs link: a topic's send wholly to one explicit partition reports where that partition's log ends.
        for (const { topic, messages } of topicMessages) {
          const partition = messages[0]!.partition;
          if (partition === undefined || messages.some((m) => m.partition !== partition)) continue;
          const result = written.offsets?.find((r) => r.topic === topic && r.partition === partition);
          if (result) ends.set(logEndKey(topic, partition), result.offset + BigInt(messages.length));
        }
      }
      await tx.addConsumer(this.group);
      // The coordinator checks this generation and member id (KIP-447): a zombie's commit fails.
      // addOffset takes a consumed message and commits the offset after it; the library reads only these fields.
      const lastConsumed: Pick<Message, 'topic' | 'partition' | 'offset' | 'metadata'> = {
        topic: position.topic,
        partition: position.partition,
        offset: BigInt(position.offset) - 1n,
        metadata: { consumer: metadata },
      };
      await tx.addOffset(lastConsumed as Message);
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => tx.cancel().catch(() => {}));
      throw err;
    }
    return ends;
  }

  async close(): Promise<void> {
    await this.producer.close().catch(() => {});
  }
}
