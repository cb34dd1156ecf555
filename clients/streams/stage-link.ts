/**
 * The runtime's view of the broker, narrow enough to have several implementations: kafkajs
 * (kafka-link.ts), @platformatic/kafka (platformatic-link.ts) and an in-memory broker for fast
 * tests (testing/memory-link.ts).
 */
import type { OutgoingTopicMessages } from '../../lib/produce-requests';
import type { OutputMessage, StageRecord } from './processor';

export type TopicMessages = OutgoingTopicMessages<OutputMessage>;
/** Consecutive produce requests, each of bounded size (lib/produce-requests.ts). */
export type ProduceRequests = TopicMessages[][];

export interface FetchedBatch {
  partition: number;
  records: StageRecord[];
  /** The offset after the batch's last record (a batch of only transaction markers has no records but moves this). */
  nextOffset: string;
}

export interface BatchControl {
  /** The batch is done: the next fetch of its partition starts after it. Unresolved, it comes again. */
  resolve(): void;
  /** Tells the coordinator the member lives; rejects once the membership is gone. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops or its assignment went stale. */
  isLive(): boolean;
}

export interface GroupListener {
  /** A group join: this member's id and its partitions of the input. */
  assigned(memberId: string, partitions: number[]): void;
  /** The coordinator confirmed the membership. */
  confirmed(): void;
  /** A fetch returned, with records or without: the consumer is not stuck. */
  fetched(): void;
  /** The consumer failed; `restarting`: it rejoins by itself. */
  crashed(error: Error, restarting: boolean): void;
}

export interface ConsumeOptions {
  /** Partitions whose batches may be in flight at once. */
  concurrency: number;
  listener: GroupListener;
  /** Asked before the consumer restarts after a failure: false once the stage stops. */
  mayRestart(): boolean;
  onBatch(batch: FetchedBatch, control: BatchControl): Promise<void>;
}

/** A producer owning one transactional id: its first use fences every earlier one. */
export interface TransactionalProducer {
  /** Bumps the id's epoch, fencing older producers, and aborts the transaction one left open. */
  fence(): Promise<void>;
  /**
   * Writes the requests and the input position in one transaction. Returns, per topic written with an
   * explicit partition, where that partition's log ends after these records (for changelogs).
   */
  commit(requests: ProduceRequests, position: { groupId: string; topic: string; partition: number; offset: string }): Promise<Map<string, bigint>>;
  close(): Promise<void>;
}

export interface StageLink {
  /** Joins the stage's group on its input and calls `onBatch` until `stopConsuming`. */
  consume(options: ConsumeOptions): Promise<void>;
  /** Leaves the group once the batches in flight are done. */
  stopConsuming(): Promise<void>;
  pause(partition: number): void;
  resume(partition: number): void;
  partitionCount(topic: string): Promise<number>;
  /** The group's committed input offset; 0 when none. Stable once the partition's producer is fenced. */
  committedOffset(partition: number): Promise<bigint>;
  /** At-least-once: commits the group's input offset outside any transaction. */
  commitOffset(partition: number, offset: string): Promise<void>;
  /** At-least-once outputs: an idempotent, non-transactional send. */
  send(requests: ProduceRequests): Promise<void>;
  transactionalProducer(transactionalId: string): TransactionalProducer;
  /** Low and high offsets of a changelog partition. */
  changelogRange(topic: string, partition: number): Promise<{ low: bigint; high: bigint }>;
  /**
   * Where each partition of `topic` ends now (its high watermark), asked once and never retried: the
   * runtime's lag check, apart from the consumer, every few seconds. A link without it reports no lag.
   */
  logEnds?(topic: string): Promise<Map<number, bigint>>;
  /** The latest committed value of each key written to the partition from `from` up to `end` (null: deleted). */
  readChangelog(topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>>;
  close(): Promise<void>;
}

/** Key under which `commit` reports a partition's log end. */
export const logEndKey = (topic: string, partition: number) => `${topic}/${partition}`;
