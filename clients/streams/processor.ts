/**
 * What a stream stage's logic sees: records in, outputs and state changes out. A processor holds
 * only its stage's logic; the runtime (stage-runtime.ts) runs it with the consumer loop,
 * transactions, fencing, state restore and heartbeats, on Kafka or on the in-memory link.
 */
import type { StageSpec } from '../../lib/topology';

/** Kafka record headers, as kafkajs reads them. */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** An input record (a kafkajs message fits as it is); its partition is the context's. */
export interface StageRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** A record's headers, such as its W3C trace context (`traceparent`). */
  headers?: RecordHeaders;
}

export interface OutputMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  /** Unset: the key's partition, as Kafka's default partitioner picks it. */
  partition?: number;
  headers?: Record<string, string | Buffer>;
}

/** An input record's trace, for a record that carries one (clients/tracing.ts). */
export interface RecordTrace {
  /** Headers carrying the record's span on to an output derived from it. */
  readonly headers: Record<string, string>;
  /** Runs `fn` inside the record's span: a Temporal call made in it carries the trace on. */
  run<T>(fn: () => T): T;
}

/**
 * One partition's key-value state, logged: writes are buffered with the batch and, for an
 * exactly-once stage, go to the changelog in the batch's transaction and to the local store once
 * it committed. A failed batch leaves the state as it was before it.
 */
export interface PartitionStateStore {
  /** Every key and value as of the last commit (the restore's result at first). */
  entries(): Promise<[key: string, value: string][]>;
  put(key: string, value: string): void;
  delete(key: string): void;
}

export interface ProcessContext {
  readonly partition: number;
  /** The offset after the batch's last record: what the batch commits as the input position. */
  readonly nextOffset: string;
  /** This partition's store, for a stage declared with one. */
  readonly store: PartitionStateStore | null;
  /** Aborts when the stage stops or loses its group membership: at-least-once work stops early then. */
  readonly signal: AbortSignal;
  emit(topic: string, message: OutputMessage): void;
  /** The record goes to the dead-letter topic with the reason, in the batch's transaction. */
  deadLetter(record: StageRecord, reason: string): void;
  /**
   * At-least-once stages: every record before `offset` is handled. The runtime commits it
   * part-way through a long batch, after sending the outputs emitted so far.
   */
  progress(offset: string): void;
  /** Keeps the group membership while the batch waits on something (the runtime also beats on a timer). */
  heartbeat(): Promise<void>;
  /**
   * The record's trace when it carries one and tracing is on, else undefined (at no cost): a span
   * of this stage, child of the record's, ended when the batch commits.
   */
  traceOf(record: StageRecord): RecordTrace | undefined;
}

/** Work done on a timer, outside batches: publishing to Redis, for instance. */
export interface Punctuation {
  everyMs: number;
  /** `owned`: the partitions this worker holds and the group confirmed lately; none when in doubt. */
  run(owned: number[]): Promise<void>;
}

export interface Processor {
  readonly stage: StageSpec;
  /** A partition was claimed: the old owner is fenced and the store restored. */
  open?(partition: number, store: PartitionStateStore | null): Promise<void>;
  process(records: StageRecord[], ctx: ProcessContext): Promise<void>;
  /** The batch's outputs, state changes and input position are durable. */
  committed?(partition: number): void;
  /** The partition is no longer this worker's, or its state is stale (a failed batch): forget it. */
  close?(partition: number): void;
  punctuation?: Punctuation;
  /** The stage's totals, for its activity's heartbeat. */
  totals?(): Record<string, unknown>;
  /** What the heartbeat says about one owned partition besides its position. */
  describe?(partition: number): Record<string, unknown>;
}
