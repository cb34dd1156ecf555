import { Partitioners, type Admin, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { PartitionAggregates } from '../../lib/aggregation/partition-aggregates';
import type { PartitionSnapshot } from '../../lib/aggregation/partial';
import type { Logger } from '../../lib/consumer-run';
import { splitTopicMessages } from '../../lib/produce-requests';
import { deadLetterMessage } from '../../lib/dead-letter';
import { parseEnrichedClick } from '../../lib/schema';
import { changelogMessages, changelogOffsets, readChangelog } from './changelog';
import type { PartitionStore } from './state-store';
import type { AggregationTopology } from './topology';

/** Kafka Streams' exactly-once default: a killed owner's open transaction blocks readers this long at most. */
const TRANSACTION_TIMEOUT_MS = 10_000;

export interface TaskContext {
  kafka: Kafka;
  admin: Admin;
  store: PartitionStore;
  topology: AggregationTopology;
  log: Logger;
}

/**
 * One input partition owned by this worker: its aggregation state, restored before any of its
 * input is processed, and the transactional producer that commits each batch's state changes,
 * dead letters and input offset together.
 *
 * A task never recovers from a failed transaction: its state then holds changes Kafka does not,
 * so the owner drops it and starts a new task, which restores the partition from the changelog.
 */
export class PartitionTask {
  /** Settles once the state is restored (or the task was closed first); rejects if restoring failed. */
  readonly restored: Promise<void>;
  private producer: Producer | null = null;
  private state: PartitionAggregates | null = null;
  /** The batch being aggregated and committed, if any. */
  private inFlight: Promise<void> | null = null;
  /** The state as of the last commit; null when it must be taken again. */
  private committed: PartitionSnapshot | null = null;
  private closed = false;

  /** `previous`: the close of this partition's previous task, which must finish before this one touches the store. */
  constructor(
    readonly partition: number,
    private readonly ctx: TaskContext,
    previous: Promise<void>,
  ) {
    this.restored = previous.then(() => this.restore());
  }

  get ready(): boolean {
    return this.state !== null && !this.closed;
  }

  get nextOffset(): string | null {
    return this.state?.nextOffset ?? null;
  }

  get streamTime(): number {
    return this.state?.streamTime ?? 0;
  }

  /**
   * The messages the state does not hold yet. After a takeover the group's committed offset can
   * lag the state's: kafkajs reads it without waiting for a pending transactional offset commit.
   */
  unprocessed(messages: KafkaMessage[]): KafkaMessage[] {
    const next = this.nextOffset;
    return next === null ? messages : messages.filter((m) => BigInt(m.offset) >= BigInt(next));
  }

  /** Aggregates `messages` and commits the result with the input position `nextOffset`, in one transaction. */
  async process(messages: KafkaMessage[], nextOffset: string): Promise<void> {
    this.inFlight = this.commitBatch(messages, nextOffset);
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }

  private async commitBatch(messages: KafkaMessage[], nextOffset: string): Promise<void> {
    const { topology, store } = this.ctx;
    const state = this.state!;
    const deadLetters: Message[] = [];
    for (const m of messages) {
      const parsed = parseEnrichedClick(m.value?.toString('utf8') ?? '');
      if (parsed.ok) {
        state.apply(parsed.value);
      } else {
        state.reject();
        deadLetters.push(deadLetterMessage('aggregation', parsed.reason, m.value, `${topology.input}/${this.partition}@${m.offset}`));
      }
    }
    state.advanceTo(nextOffset);
    const changes = state.takeChanges();

    const tx = await this.producer!.transaction();
    let changelogEnd: bigint | undefined;
    try {
      const sends = splitTopicMessages([
        { topic: topology.changelog, messages: changelogMessages(this.partition, changes) },
        { topic: topology.deadLetter, messages: deadLetters },
      ]);
      for (const topicMessages of sends) {
        const written = await tx.sendBatch({ topicMessages });
        const changelog = written.find((r) => r.topicName === topology.changelog);
        const sent = topicMessages.find((t) => t.topic === topology.changelog)?.messages.length ?? 0;
        if (changelog?.baseOffset !== undefined) changelogEnd = BigInt(changelog.baseOffset) + BigInt(sent);
      }
      await tx.sendOffsets({
        consumerGroupId: topology.groupId,
        topics: [{ topic: topology.input, partitions: [{ partition: this.partition, offset: nextOffset }] }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
    if (changes.length > 0 && changelogEnd === undefined) throw new Error(`no offset for the changelog records of partition ${this.partition}`);
    // One producer writes this changelog partition and its sends follow each other: the records
    // are contiguous, so the last send's base offset plus its count is where the changelog ends.
    if (changelogEnd !== undefined) await store.write(this.partition, changes, changelogEnd);
    this.committed = null;
  }

  /** The state as of the last commit, never one with a batch still in flight; null before the first. */
  snapshot(): PartitionSnapshot | null {
    if (!this.ready) return null;
    if (this.inFlight === null) this.committed ??= this.state!.snapshot();
    return this.committed;
  }

  /** Stops the task; resolves once nothing of it touches Kafka or the store any more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.restored.catch(() => {});
    await this.inFlight?.catch(() => {});
    await this.producer?.disconnect();
  }

  /**
   * Fences the partition's previous owner, then brings the local store up to the end of the
   * changelog partition: from the store's checkpoint if it has a usable one, else from scratch.
   */
  private async restore(): Promise<void> {
    const { kafka, admin, store, topology, log } = this.ctx;
    const started = Date.now();
    this.producer = kafka.producer({
      transactionalId: topology.transactionalId(this.partition),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    // kafkajs sends InitProducerId with the transactional id at the first transaction, not at
    // connect: that is what bumps the epoch (fencing the old owner) and ends its open transaction.
    await (await this.producer.transaction()).abort();
    if (this.closed) return;

    const { low, high } = await changelogOffsets(admin, topology.changelog, this.partition);
    const checkpoint = await store.checkpoint(this.partition);
    // Below the log start, the records since the checkpoint are gone; past the end, the
    // changelog was recreated. Either way the store cannot be caught up.
    const usable = checkpoint !== null && checkpoint >= low && checkpoint <= high;
    if (!usable) await store.wipe(this.partition);
    const from = usable ? checkpoint : low;
    const latest = await readChangelog(kafka, topology.changelog, this.partition, from, high);
    await store.write(this.partition, [...latest].map(([key, value]) => ({ key, value })), high);
    if (this.closed) return;
    this.state = PartitionAggregates.fromEntries(await store.load(this.partition));
    log.info('aggregation partition restored', {
      partition: this.partition,
      from: usable ? 'checkpoint' : 'scratch',
      replayed: `${from}..${high}`,
      keys: latest.size,
      nextOffset: this.state.nextOffset,
      ms: Date.now() - started,
    });
  }
}
