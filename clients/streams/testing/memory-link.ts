/**
 * An in-memory Kafka for the stage runtime's unit tests (stage-test-driver.ts drives it): topics
 * with partitions, consumer groups with eager round-robin rebalances, transactional producers with
 * epochs, and `MemoryStageLink`, the runtime's `StageLink` onto it (kafka-link.ts is the real one;
 * this one mirrors its semantics). Nothing happens on its own: the test delivers batches with
 * `deliver()`, lets sessions expire with `expire()`, and injects faults.
 *
 * Simplifications, on purpose: a transaction's records are appended at its commit (so an open or
 * aborted transaction takes no offsets and never blocks readers), then one commit marker per
 * partition written; offsets commit without generation checks inside transactions (as kafkajs'
 * sendOffsets does), and with a membership check outside them.
 */
import { fnv1a } from '../../../lib/fnv1a';
import type { StageSpec } from '../../../lib/topology';
import type { OutputMessage, StageRecord } from '../processor';
import type { StoreBackend } from '../state-store';
import {
  logEndKey,
  type BatchControl,
  type ConsumeOptions,
  type FetchedBatch,
  type ProduceRequests,
  type StageLink,
  type TransactionalProducer,
} from '../stage-link';

/** Captured before a test installs fake timers: settling waits for a real turn of the event loop. */
const realSetImmediate = globalThis.setImmediate;
/** Resolves once every microtask queued before it has run (in-memory work is only microtasks). */
export const nextTurn = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/** One offset of a partition: a record, or a transaction's commit marker (never delivered). */
export interface LogEntry {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  marker: boolean;
  headers?: OutputMessage['headers'];
}

/** A record as tests read it back. */
export interface ReadRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  headers?: OutputMessage['headers'];
}

/** What Kafka answers a producer whose transactional id a newer producer took (ProducerFenced). */
export class ProducerFencedError extends Error {
  override name = 'ProducerFencedError';
  constructor(transactionalId: string) {
    super(`There is a newer producer with the same transactionalId which fences the current one (${transactionalId})`);
  }
}

/** What the coordinator answers a member it no longer knows (UNKNOWN_MEMBER_ID). */
export class UnknownMemberError extends Error {
  override name = 'UnknownMemberError';
  constructor(memberId: string | null) {
    super(`The coordinator is not aware of this member (${memberId})`);
  }
}

interface Transaction {
  epoch: number;
  aborted: boolean;
}

interface ProducerState {
  epoch: number;
  open: Transaction | null;
  fences: number;
  commits: number;
}

interface Group {
  topic: string;
  members: MemoryStageLink[];
  generation: number;
  committed: Map<number, bigint>;
}

/** A one-shot hold on the next `fence` or `commit` of a transactional id (the commit is held with its records sent). */
export interface Hold {
  /** Resolves once an operation waits on the hold. */
  readonly reached: Promise<void>;
  release(): void;
}

type HeldOp = 'fence' | 'commit';

const toBuffer = (v: string | Buffer | null | undefined): Buffer | null => (v == null ? null : typeof v === 'string' ? Buffer.from(v) : v);
const toText = (v: Buffer | null) => (v === null ? null : v.toString());

export class MemoryBroker {
  /** Most records a fetched batch holds. */
  maxBatch = 100;
  /** Every write, offset commit and fence in order, e.g. `send out/0 x2`, `offsets g in/0 5`, `commit g-p0 epoch 2`. */
  readonly journal: string[] = [];
  private readonly topics = new Map<string, { log: LogEntry[]; low: bigint }[]>();
  private readonly groups = new Map<string, Group>();
  private readonly producers = new Map<string, ProducerState>();
  private readonly failures = new Map<string, number>();
  private readonly holds = new Map<string, { release: () => void; gate: Promise<void>; reached: () => void }>();
  private readonly links = new Set<MemoryStageLink>();
  private members = 0;
  private roundRobin = 0;
  /** Bumped by anything that happens: settling waits until it stops moving. */
  activity = 0;

  createTopic(topic: string, partitions: number): void {
    if (!this.topics.has(topic))
      this.topics.set(
        topic,
        Array.from({ length: partitions }, () => ({ log: [], low: 0n })),
      );
  }

  partitionCount(topic: string): number {
    return this.partitions(topic).length;
  }

  private partitions(topic: string) {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`no topic ${topic}`);
    return partitions;
  }

  private partitionLog(topic: string, partition: number) {
    const p = this.partitions(topic)[partition];
    if (!p) throw new Error(`topic ${topic} has no partition ${partition}`);
    return p;
  }

  /** Low (log start) and high (next offset) of a partition. */
  range(topic: string, partition: number): { low: bigint; high: bigint } {
    const p = this.partitionLog(topic, partition);
    return { low: p.low, high: BigInt(p.log.length) };
  }

  /** Deletes the records below `offset`, as retention or compaction would: the log then starts there. */
  deleteRecordsBefore(topic: string, partition: number, offset: bigint): void {
    this.partitionLog(topic, partition).low = offset;
  }

  /** The partition a message goes to: its own, its key's, or the next in turn for a null key. */
  private place(topic: string, m: OutputMessage): number {
    if (m.partition !== undefined) return m.partition;
    const key = toBuffer(m.key);
    return (key ? fnv1a(key) : this.roundRobin++) % this.partitionCount(topic);
  }

  private append(
    topic: string,
    partition: number,
    entries: { key: Buffer | null; value: Buffer | null; marker?: boolean; headers?: OutputMessage['headers'] }[],
  ): bigint {
    const p = this.partitionLog(topic, partition);
    const base = BigInt(p.log.length);
    for (const e of entries)
      p.log.push({ offset: BigInt(p.log.length), key: e.key, value: e.value, marker: e.marker ?? false, ...(e.headers ? { headers: e.headers } : {}) });
    this.activity++;
    return base;
  }

  /** A non-transactional (idempotent) write; returns each message's partition and offset. */
  produce(topic: string, messages: OutputMessage[]): { partition: number; offset: bigint }[] {
    const placed = messages.map((m) => ({ partition: this.place(topic, m), m }));
    const written = placed.map(({ partition, m }) => ({
      partition,
      offset: this.append(topic, partition, [{ key: toBuffer(m.key), value: toBuffer(m.value), headers: m.headers }]),
    }));
    const counts = new Map<number, number>();
    for (const { partition } of placed) counts.set(partition, (counts.get(partition) ?? 0) + 1);
    for (const [partition, n] of counts) this.journal.push(`send ${topic}/${partition} x${n}`);
    return written;
  }

  /** The records of a partition from `from` (markers left out), at most `max`. */
  read(topic: string, partition: number, from = 0n, max = Infinity): LogEntry[] {
    const { log, low } = this.partitionLog(topic, partition);
    const start = Number(from > low ? from : low);
    const records: LogEntry[] = [];
    for (let i = start; i < log.length && records.length < max; i++) if (!log[i]!.marker) records.push(log[i]!);
    return records;
  }

  /** Every record of the topic, partition by partition, as text. */
  records(topic: string): ReadRecord[] {
    return this.partitions(topic).flatMap((_, partition) =>
      this.read(topic, partition).map((e) => ({
        partition,
        offset: e.offset,
        key: toText(e.key),
        value: toText(e.value),
        ...(e.headers ? { headers: e.headers } : {}),
      })),
    );
  }

  // --- consumer groups -------------------------------------------------------------------------

  private group(groupId: string, topic: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = { topic, members: [], generation: 0, committed: new Map() }));
    return group;
  }

  committed(groupId: string, partition: number): bigint | undefined {
    return this.groups.get(groupId)?.committed.get(partition);
  }

  /** The group's committed offsets per input partition (0 where none). */
  committedOffsets(groupId: string, topic: string): bigint[] {
    return this.partitions(topic).map((_, p) => this.committed(groupId, p) ?? 0n);
  }

  isMember(link: MemoryStageLink): boolean {
    return this.groups.get(link.stage.groupId)?.members.includes(link) ?? false;
  }

  generation(groupId: string): number {
    return this.groups.get(groupId)?.generation ?? 0;
  }

  /** A member joins with a new id: every member gets a new assignment. */
  join(link: MemoryStageLink): string {
    this.links.add(link);
    const group = this.group(link.stage.groupId, link.stage.input);
    const memberId = `${link.name}-${++this.members}`;
    group.members.push(link);
    link.memberId = memberId;
    this.rebalance(group);
    return memberId;
  }

  leave(link: MemoryStageLink): void {
    const group = this.groups.get(link.stage.groupId);
    if (!group?.members.includes(link)) return;
    group.members = group.members.filter((m) => m !== link);
    this.rebalance(group);
  }

  /** The member's session timed out (it was killed or paused): the others share its partitions. */
  expire(link: MemoryStageLink): void {
    this.journal.push(`expire ${link.memberId}`);
    this.leave(link);
  }

  /** Eager round-robin: partition p to the (p mod n)-th member in joining order. Suspended members learn of it at their next heartbeat. */
  private rebalance(group: Group): void {
    group.generation++;
    this.activity++;
    const n = this.partitionCount(group.topic);
    const members = group.members;
    for (const [i, link] of members.entries()) {
      const partitions = Array.from({ length: n }, (_, p) => p).filter((p) => p % members.length === i);
      link.assign(group.generation, partitions, group.committed);
    }
  }

  // --- transactions ----------------------------------------------------------------------------

  private producer(transactionalId: string): ProducerState {
    let state = this.producers.get(transactionalId);
    if (!state) this.producers.set(transactionalId, (state = { epoch: 0, open: null, fences: 0, commits: 0 }));
    return state;
  }

  /** The transactional id's current epoch and how many fences and commits it saw. */
  producerStats(transactionalId: string): { epoch: number; fences: number; commits: number } {
    const { epoch, fences, commits } = this.producer(transactionalId);
    return { epoch, fences, commits };
  }

  /** Bumps the id's epoch and aborts the open transaction of the older producer. */
  fence(transactionalId: string): number {
    const state = this.producer(transactionalId);
    if (state.open) state.open.aborted = true;
    state.open = null;
    state.epoch++;
    state.fences++;
    this.activity++;
    this.journal.push(`fence ${transactionalId} epoch ${state.epoch}`);
    return state.epoch;
  }

  begin(transactionalId: string, epoch: number): Transaction {
    const state = this.producer(transactionalId);
    if (state.epoch !== epoch) throw new ProducerFencedError(transactionalId);
    return (state.open = { epoch, aborted: false });
  }

  /** Makes the transaction's records and input position visible at once; returns the log ends of explicitly placed sends. */
  commitTransaction(
    transactionalId: string,
    txn: Transaction,
    requests: ProduceRequests,
    position: { groupId: string; topic: string; partition: number; offset: string },
  ): Map<string, bigint> {
    const state = this.producer(transactionalId);
    if (txn.aborted || state.epoch !== txn.epoch || state.open !== txn) throw new ProducerFencedError(transactionalId);
    state.open = null;
    const failures = this.failures.get(transactionalId) ?? 0;
    if (failures > 0) {
      this.failures.set(transactionalId, failures - 1);
      this.journal.push(`abort ${transactionalId} (injected)`);
      throw new Error(`injected commit failure of ${transactionalId}`);
    }
    const ends = new Map<string, bigint>();
    const written = new Set<string>();
    for (const topicMessages of requests) {
      for (const { topic, messages } of topicMessages) {
        const explicit = new Set(messages.map((m) => m.partition)).size === 1 && messages[0]!.partition !== undefined;
        const byPartition = new Map<number, OutputMessage[]>();
        for (const m of messages) {
          const p = this.place(topic, m);
          byPartition.set(p, [...(byPartition.get(p) ?? []), m]);
        }
        for (const [p, ms] of byPartition) {
          const base = this.append(
            topic,
            p,
            ms.map((m) => ({ key: toBuffer(m.key), value: toBuffer(m.value), headers: m.headers })),
          );
          written.add(`${topic}\u0000${p}`);
          // As kafka-link.ts: only a send wholly to one explicit partition reports its end.
          if (explicit) ends.set(logEndKey(topic, p), base + BigInt(ms.length));
        }
      }
    }
    for (const tp of written) {
      const [topic, p] = tp.split('\u0000') as [string, string];
      this.append(topic, Number(p), [{ key: null, value: null, marker: true }]);
    }
    this.group(position.groupId, position.topic).committed.set(position.partition, BigInt(position.offset));
    state.commits++;
    this.journal.push(`commit ${transactionalId} epoch ${txn.epoch} offsets ${position.groupId} ${position.topic}/${position.partition} ${position.offset}`);
    return ends;
  }

  /** Offsets committed outside a transaction (at-least-once): only by a member of the group. */
  commitOffset(link: MemoryStageLink, partition: number, offset: string): void {
    if (!this.isMember(link)) throw new UnknownMemberError(link.memberId);
    this.group(link.stage.groupId, link.stage.input).committed.set(partition, BigInt(offset));
    this.activity++;
    this.journal.push(`offsets ${link.stage.groupId} ${link.stage.input}/${partition} ${offset}`);
  }

  // --- fault injection -------------------------------------------------------------------------

  /** The next `n` commits of the transactional id fail (their transaction aborts). */
  failNextCommit(transactionalId: string, n = 1): void {
    this.failures.set(transactionalId, (this.failures.get(transactionalId) ?? 0) + n);
  }

  /** Holds the next `op` of the transactional id until released. */
  hold(op: HeldOp, transactionalId: string): Hold {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reachedPromise = new Promise<void>((r) => (reached = r));
    this.holds.set(`${op} ${transactionalId}`, { release, gate, reached });
    return { reached: reachedPromise, release };
  }

  async gate(op: HeldOp, transactionalId: string): Promise<void> {
    const key = `${op} ${transactionalId}`;
    const hold = this.holds.get(key);
    if (!hold) return;
    this.holds.delete(key);
    hold.reached();
    await hold.gate;
  }

  // --- driving ---------------------------------------------------------------------------------

  /**
   * Runs the consumers until nothing moves: each turn, every running member heartbeats and gets
   * a batch for each assigned, unpaused partition with records past its position and no batch in
   * flight. Batches held by the test (a processor waiting on a gate) do not keep it from idling.
   */
  async deliver({ fetch = true, maxTurns = 2_000 } = {}): Promise<void> {
    let quiet = 0;
    for (let turn = 0; quiet < 2; turn++) {
      if (turn === maxTurns)
        throw new Error(`the consumers were still busy after ${maxTurns} turns (a batch left unresolved and unpaused comes again forever)`);
      const before = this.activity;
      await nextTurn();
      let started = 0;
      for (const link of [...this.links]) started += link.poll(fetch);
      quiet = started === 0 && this.activity === before ? quiet + 1 : 0;
    }
  }
}

/** One worker's link to the memory broker: a group member on the stage's input while it consumes. */
export class MemoryStageLink implements StageLink {
  memberId: string | null = null;
  /** A killed or paused process: it fetches and heartbeats nothing, but what it has in flight goes on (a zombie). */
  suspended = false;
  /**
   * A stuck consumer in a live process (kafkajs asking a dead coordinator forever): it fetches and
   * heartbeats nothing and stays in the group; the next `consume` starts a working one.
   */
  stalled = false;
  /** The cluster does not answer this worker: `consume` fails, as joining a group then does. */
  unreachable = false;
  /** Joining hangs (kafkajs asking a cluster in the middle of a failover): `consume` never settles. */
  joinHangs = false;
  closed = false;
  /** Every batch handed to the runtime, in order. */
  readonly batches: { partition: number; offsets: bigint[]; nextOffset: bigint; memberId: string }[] = [];
  /** Every changelog replay, with how many records it read. */
  readonly changelogReads: { topic: string; partition: number; from: bigint; end: bigint; records: number }[] = [];
  private options: ConsumeOptions | null = null;
  private consuming = false;
  private generation = 0;
  private assignment: number[] = [];
  private readonly positions = new Map<number, bigint>();
  private readonly paused = new Set<number>();
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(
    readonly broker: MemoryBroker,
    readonly stage: StageSpec,
    readonly name: string,
  ) {}

  /** Called by the broker's rebalance: positions start again from the group's committed offsets, as kafkajs does. */
  assign(generation: number, partitions: number[], committed: Map<number, bigint>): void {
    this.generation = generation;
    this.assignment = partitions;
    this.positions.clear();
    for (const p of partitions) this.positions.set(p, committed.get(p) ?? 0n);
    this.options!.listener.assigned(this.memberId!, partitions);
  }

  async consume(options: ConsumeOptions): Promise<void> {
    if (this.unreachable) throw new Error('the cluster does not answer');
    if (this.joinHangs) return new Promise(() => {});
    this.stalled = false;
    this.options = options;
    this.consuming = true;
    this.broker.join(this);
  }

  async stopConsuming(): Promise<void> {
    this.consuming = false;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    this.broker.leave(this);
  }

  /** One turn of the fetch loop; returns how many batches it started. */
  poll(fetch: boolean): number {
    if (!this.consuming || this.suspended || this.stalled || !this.options) return 0;
    // Like kafkajs after UNKNOWN_MEMBER_ID: the next heartbeat fails and the consumer joins again, with a new id.
    if (!this.broker.isMember(this)) {
      this.broker.join(this);
      return 1;
    }
    this.options.listener.confirmed();
    if (!fetch) return 0;
    this.options.listener.fetched();
    let started = 0;
    for (const partition of this.assignment) {
      if (this.inFlight.size >= this.options.concurrency) break;
      if (this.paused.has(partition) || this.inFlight.has(partition)) continue;
      const records = this.broker.read(this.stage.input, partition, this.positions.get(partition) ?? 0n, this.broker.maxBatch);
      if (records.length === 0) continue;
      this.inFlight.set(partition, this.runBatch(partition, records));
      started++;
    }
    return started;
  }

  private runBatch(partition: number, entries: LogEntry[]): Promise<void> {
    const { generation, memberId } = this;
    const nextOffset = entries[entries.length - 1]!.offset + 1n;
    const records: StageRecord[] = entries.map((e) => ({
      offset: e.offset.toString(),
      key: e.key,
      value: e.value,
      ...(e.headers ? { headers: e.headers } : {}),
    }));
    const batch: FetchedBatch = { partition, records, nextOffset: nextOffset.toString() };
    this.batches.push({ partition, offsets: entries.map((e) => e.offset), nextOffset, memberId: memberId! });
    let resolved = false;
    const current = () => this.generation === generation && this.memberId === memberId;
    const control: BatchControl = {
      resolve: () => (resolved = true),
      heartbeat: () => this.heartbeat(),
      isLive: () => this.consuming && current() && this.assignment.includes(partition),
    };
    return (async () => {
      try {
        await this.options!.onBatch(batch, control);
        if (resolved && current()) this.positions.set(partition, nextOffset);
      } catch (err) {
        this.crashed(err as Error);
      } finally {
        this.inFlight.delete(partition);
        this.broker.activity++;
      }
    })();
  }

  /** The membership dies and the consumer does not restart (kafkajs after a non-retriable crash): it stops fetching. */
  crashWithoutRestart(error: Error): void {
    this.options!.listener.crashed(error, false);
    this.consuming = false;
    this.broker.leave(this);
  }

  /** A batch threw: kafkajs rejoins after a lost membership, and otherwise crashes and (if allowed) restarts. */
  private crashed(error: Error): void {
    if (!this.consuming || !this.broker.isMember(this)) return; // it joins again at its next poll
    const restarting = this.options!.mayRestart();
    this.options!.listener.crashed(error, restarting);
    this.broker.leave(this);
    this.paused.clear();
    if (restarting) this.broker.join(this);
    else this.consuming = false;
  }

  async heartbeat(): Promise<void> {
    if (this.stalled) throw new Error(`consumer ${this.memberId} is stuck`);
    if (!this.broker.isMember(this)) throw new UnknownMemberError(this.memberId);
    this.options?.listener.confirmed();
  }

  pause(partition: number): void {
    this.paused.add(partition);
  }

  resume(partition: number): void {
    this.paused.delete(partition);
    this.broker.activity++;
  }

  async partitionCount(topic: string): Promise<number> {
    return this.broker.partitionCount(topic);
  }

  async committedOffset(partition: number): Promise<bigint> {
    return this.broker.committed(this.stage.groupId, partition) ?? 0n;
  }

  async commitOffset(partition: number, offset: string): Promise<void> {
    this.broker.commitOffset(this, partition, offset);
  }

  async send(requests: ProduceRequests): Promise<void> {
    for (const topicMessages of requests) for (const { topic, messages } of topicMessages) this.broker.produce(topic, messages);
  }

  transactionalProducer(transactionalId: string): TransactionalProducer {
    return new MemoryTransactionalProducer(this.broker, transactionalId);
  }

  async changelogRange(topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
    return this.broker.range(topic, partition);
  }

  async logEnds(topic: string): Promise<Map<number, bigint>> {
    return new Map(Array.from({ length: this.broker.partitionCount(topic) }, (_, p) => [p, this.broker.range(topic, p).high]));
  }

  async readChangelog(topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>> {
    const latest = new Map<string, string | null>();
    const records = this.broker.read(topic, partition, from).filter((e) => e.offset < end);
    for (const e of records) latest.set(e.key!.toString(), toText(e.value));
    this.changelogReads.push({ topic, partition, from, end, records: records.length });
    return latest;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class MemoryTransactionalProducer implements TransactionalProducer {
  private epoch: number | null = null;

  constructor(
    private readonly broker: MemoryBroker,
    readonly transactionalId: string,
  ) {}

  async fence(): Promise<void> {
    await this.broker.gate('fence', this.transactionalId);
    this.epoch = this.broker.fence(this.transactionalId);
  }

  async commit(requests: ProduceRequests, position: { groupId: string; topic: string; partition: number; offset: string }): Promise<Map<string, bigint>> {
    if (this.epoch === null) throw new Error(`${this.transactionalId}: commit before fence`);
    const txn = this.broker.begin(this.transactionalId, this.epoch);
    // The records are sent; a hold here keeps the transaction open, where a fence aborts it.
    await this.broker.gate('commit', this.transactionalId);
    return this.broker.commitTransaction(this.transactionalId, txn, requests, position);
  }

  async close(): Promise<void> {}
}

/** A worker's local store in memory: keep it across a restart (the worker's LevelDB folder), or drop it (a lost disk). */
export class MemoryStoreBackend implements StoreBackend {
  closed = false;
  /** Batches written (restores and commits). */
  writes = 0;

  constructor(readonly disk = new Map<number, { entries: Map<string, string>; checkpoint: bigint | null }>()) {}

  /** The same data in a new process. */
  reopen(): MemoryStoreBackend {
    return new MemoryStoreBackend(this.disk);
  }

  private partition(partition: number) {
    if (this.closed) throw new Error('store closed');
    let p = this.disk.get(partition);
    if (!p) this.disk.set(partition, (p = { entries: new Map(), checkpoint: null }));
    return p;
  }

  async checkpoint(partition: number): Promise<bigint | null> {
    return this.partition(partition).checkpoint;
  }

  async load(partition: number): Promise<[string, string][]> {
    return [...this.partition(partition).entries];
  }

  async write(partition: number, changes: Iterable<{ key: string; value: string | null }>, checkpoint: bigint): Promise<void> {
    const p = this.partition(partition);
    for (const { key, value } of changes) {
      if (value === null) p.entries.delete(key);
      else p.entries.set(key, value);
    }
    p.checkpoint = checkpoint;
    this.writes++;
  }

  async wipe(partition: number): Promise<void> {
    const p = this.partition(partition);
    p.entries.clear();
    p.checkpoint = null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
