/**
 * The one runtime every stream stage runs on (Kafka Streams' task machinery, for kafkajs): it
 * owns the consumer loop, assignment and lost partitions, fencing and restore on claim with the
 * partition paused, stale-offset skipping, the batch's transaction (exactly-once) or its
 * progress commits (at-least-once), heartbeats inside long batches, punctuation and a graceful
 * stop, and a watchdog that replaces a consumer gone silent (any client: kafkajs can hang on a
 * dead group coordinator, or crash without restarting). The processor (processor.ts) holds only
 * the stage's logic.
 */
import { untilAborted, type ConsumerRun } from '../../lib/consumer-run';
import { valueWithin, withinDeadline } from '../../lib/deadline';
import { deadLetterMessage } from '../../lib/dead-letter';
import { splitTopicMessages } from '../../lib/produce-requests';
import { transactionalId } from '../../lib/topology';
import type { OutputMessage, ProcessContext, Processor, StageRecord } from './processor';
import {
  type BatchControl,
  type ConsumeOptions,
  type FetchedBatch,
  type StageLink,
  type TopicMessages,
  type TransactionalProducer,
  logEndKey,
} from './stage-link';
import { RecordTraces } from './record-traces';
import { boundedReason, stageMetrics } from './stage-metrics';
import { LoggedPartitionStore, type StoreBackend } from './state-store';

/** Partitions whose batches are in flight at once, at most: while one waits on the broker, others work. */
const PARTITIONS_IN_PARALLEL = 8;
/** How often a batch in flight heartbeats the group (kafkajs beats at most once a second however often asked). */
const MEMBERSHIP_BEAT_MS = 500;
/** An at-least-once batch still in flight commits its progress this often, so a restart re-does little. */
const PROGRESS_COMMIT_MS = 5_000;
/** How often the stage reports itself in its activity's heartbeat. */
const REPORT_EVERY_MS = 2_000;
/** How often the watchdog looks at the consumer. */
const WATCHDOG_CHECK_MS = 1_000;
/** Tearing down a stuck consumer may hang on the same dead broker: its successor joins after this long anyway. */
const TEARDOWN_TIMEOUT_MS = 5_000;
/**
 * At the stage's stop, stopping and closing the consumer each get this long: a broker that moved or
 * went away can keep kafkajs asking it, and the worker must still end within its shutdown time.
 */
const STOP_STEP_MS = 10_000;
/**
 * A replacement consumer that has not joined by then is given up and tried again: kafkajs' connect or
 * join can hang on a cluster in the middle of a failover, and the stage would wait on it forever.
 */
const REJOIN_TIMEOUT_MS = 30_000;
/** How often the stage asks for its input's log ends, for its lag; an answer later than this is given up. */
const LAG_CHECK_MS = 5_000;

export interface StageRunOptions {
  processor: Processor;
  link: StageLink;
  run: ConsumerRun;
  /** This worker's name, in the heartbeat. */
  worker: string;
  /** Opens the local store of a stage declared with one. */
  openStore?: () => Promise<StoreBackend>;
  /**
   * The group's session: a member not confirmed for half of it does not vouch for its partitions,
   * and a consumer holding partitions that neither fetched nor heartbeated for all of it is stuck.
   */
  sessionTimeoutMs: number;
}

/** Runs the stage until `run.signal` aborts, then stops cleanly; throws what it cannot recover from. */
export async function runStage(options: StageRunOptions): Promise<void> {
  const backend = options.processor.stage.store ? await options.openStore!() : null;
  await new StageRuntime(options, backend).run();
}

class StageRuntime {
  private readonly tasks = new Map<number, PartitionTask>();
  /** Closes of dropped tasks: a partition's next task waits for them before using the store or producer. */
  private readonly closing = new Map<number, Promise<void>>();
  private memberId: string | null = null;
  /** When the group last confirmed this worker's membership (join or heartbeat). */
  private confirmedAt = 0;
  /** When the consumer last showed it works: a fetch returned or the group confirmed it. */
  private aliveAt = Date.now();
  private stopped = false;
  /** The watchdog is replacing the consumer; while it tears the old one down, that one's batches are ignored. */
  private replacing = false;
  private tearingDown = false;
  /** The replacement could not join: the watchdog tries again. */
  private joinFailed = false;
  private consumeOptions!: ConsumeOptions;
  /** watchdogRestarts: consumers torn down because they went silent or their membership died without a restart. */
  private readonly counters = { groupJoins: 0, crashes: 0, watchdogRestarts: 0 };
  private fail!: (err: Error) => void;
  private readonly failed = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(
    private readonly o: StageRunOptions,
    private readonly backend: StoreBackend | null,
  ) {
    this.failed.catch(() => {}); // observed by the race in run(); this keeps a late failure from going unhandled
  }

  private get stage() {
    return this.o.processor.stage;
  }

  async run(): Promise<void> {
    const { link, run, processor } = this.o;
    const report = setInterval(() => this.report(), REPORT_EVERY_MS);
    let lagCheck: Promise<void> | null = null;
    // Apart from the consumer: a consumer gone silent fetches nothing, yet its lag must still grow.
    const lagChecker = setInterval(() => (lagCheck ??= this.checkLag().finally(() => (lagCheck = null))), LAG_CHECK_MS);
    const punctuation = processor.punctuation;
    let tick: Promise<void> | null = null;
    const punctuate = () => punctuation!.run(this.owned()).catch((err: Error) => run.log.warn(`${this.stage.kind} punctuation failed`, { error: String(err) }));
    // A slow punctuation skips ticks rather than piling them up.
    const ticker = punctuation && setInterval(() => (tick ??= punctuate().finally(() => (tick = null))), punctuation.everyMs);
    // Every step of the stop runs even if an earlier one failed; the first failure is what the activity reports.
    const errors: unknown[] = [];
    const attempt = (step: () => Promise<unknown>) => step().catch((err: unknown) => errors.push(err));

    this.consumeOptions = {
      concurrency: PARTITIONS_IN_PARALLEL,
      listener: {
        assigned: (memberId, partitions) => this.assign(memberId, partitions),
        confirmed: () => (this.confirmedAt = this.aliveAt = Date.now()),
        fetched: () => (this.aliveAt = Date.now()),
        crashed: (error, restarting) => {
          this.counters.crashes += 1;
          stageMetrics.crashes.inc({ stage: this.stage.kind });
          run.log.warn(`${this.stage.kind} consumer crashed`, { error: error.message, restarting });
          if (!restarting && !this.stopped) void this.replaceConsumer('its group membership crashed without a restart');
        },
      },
      mayRestart: () => !this.stopped,
      onBatch: (batch, control) => this.onBatch(batch, control),
    };
    const watchdog = setInterval(() => {
      const silentMs = Date.now() - this.aliveAt;
      if ((this.tasks.size > 0 || this.joinFailed) && silentMs > this.o.sessionTimeoutMs)
        void this.replaceConsumer(`it holds partitions but neither fetched nor heartbeated for ${silentMs} ms`);
    }, WATCHDOG_CHECK_MS);

    await attempt(async () => {
      await link.consume(this.consumeOptions);
      this.report();
      run.log.info(`${this.stage.kind} running`, { worker: this.o.worker, group: this.stage.groupId, input: this.stage.input });
      await Promise.race([untilAborted(run.signal), this.failed]);
    });
    this.stopped = true;
    clearInterval(watchdog);
    clearInterval(report);
    clearInterval(lagChecker);
    // A check in flight ends before the link closes (it never retries: at most one request's time).
    await lagCheck;
    clearInterval(ticker);
    // Progress a processor reported after its batches returned would otherwise wait for a timer.
    await attempt(() => Promise.all([...this.tasks.values()].map((t) => t.flushProgress())));
    await attempt(() => withinDeadline(link.stopConsuming(), STOP_STEP_MS, `${this.stage.kind} consumer did not stop within ${STOP_STEP_MS} ms`));
    // The last commits show: one more punctuation with the partitions still held.
    if (punctuation) await attempt(async () => (await tick, await punctuation.run(this.owned(true))));
    await attempt(() => this.closeTasks());
    await attempt(() => withinDeadline(link.close(), STOP_STEP_MS, `${this.stage.kind} link did not close within ${STOP_STEP_MS} ms`));
    if (this.backend) await attempt(() => this.backend!.close());
    this.report();
    stageMetrics.assignedPartitions.set({ stage: this.stage.kind }, 0);
    stageMetrics.rejoining.set({ stage: this.stage.kind }, 0);
    run.log.info(`${this.stage.kind} stopped`, { worker: this.o.worker, failed: errors.length > 0 });
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Owned partitions whose state is committed and ready; none unless the group confirmed the
   * membership lately. A worker paused past its session wakes up still holding partitions that
   * have moved on, and must not publish them before it learns so.
   */
  private owned(stopping = false): number[] {
    if (!stopping && Date.now() - this.confirmedAt > this.o.sessionTimeoutMs / 2) return [];
    return [...this.tasks.values()].filter((t) => t.ready).map((t) => t.partition);
  }

  private report(): void {
    const { processor, run, worker } = this.o;
    const partitions = [...this.tasks.values()].map((t) => ({
      partition: t.partition,
      restoring: !t.ready,
      nextOffset: t.position,
      ...processor.describe?.(t.partition),
    }));
    run.heartbeat({ stage: this.stage.kind, worker, ...this.counters, partitions, ...processor.totals?.() });
  }

  /** Each held partition's lag against its input's log end, within LAG_CHECK_MS; a broker that does not answer leaves the time of the last answer. */
  private async checkLag(): Promise<void> {
    const { kind, input } = this.stage;
    const { link } = this.o;
    if (!link.logEnds || this.stopped) return;
    const ends = await valueWithin(link.logEnds(input), LAG_CHECK_MS);
    if (!ends) return;
    for (const task of this.tasks.values()) {
      const [next, end] = [task.nextOffset, ends.get(task.partition)];
      if (task.ready && next !== null && end !== undefined)
        stageMetrics.lag.set({ stage: kind, partition: String(task.partition) }, Math.max(0, Number(end - next)));
    }
    stageMetrics.lagCheckedAt.set({ stage: kind }, Date.now() / 1000);
  }

  private assign(memberId: string, partitions: number[]): void {
    this.counters.groupJoins += 1;
    stageMetrics.rebalances.inc({ stage: this.stage.kind });
    if (this.stopped) return;
    const assigned = new Set(partitions);
    // A new member id means this worker was out of the group (paused past its session, or its
    // consumer restarted): its partitions may have moved and moved back meanwhile, so what it
    // holds for them is lost, as the Java client's onPartitionsLost has it.
    const rejoined = memberId !== this.memberId;
    this.memberId = memberId;
    this.confirmedAt = Date.now();
    stageMetrics.rejoining.set({ stage: this.stage.kind }, 0);
    const lost = [...this.tasks.keys()].filter((p) => rejoined || !assigned.has(p));
    for (const partition of lost) this.drop(partition);
    for (const partition of assigned) {
      const task = this.tasks.get(partition);
      if (!task) this.claim(partition);
      // A consumer restarted after a crash forgets which partitions were paused.
      else if (!task.ready) this.o.link.pause(partition);
    }
    stageMetrics.assignedPartitions.set({ stage: this.stage.kind }, this.tasks.size);
    this.report();
    if (this.counters.groupJoins > 1) this.o.run.log.warn(`${this.stage.kind} joined its group again`, { memberId, groupJoins: this.counters.groupJoins });
    this.o.run.log.info(`${this.stage.kind} partitions assigned`, { partitions, dropped: lost, rejoined });
  }

  /** Takes `partition` on: paused until its task has fenced the old owner and restored the state. */
  private claim(partition: number): void {
    const { link } = this.o;
    link.pause(partition);
    const task = new PartitionTask(partition, this.o, this.backend, this.closing.get(partition) ?? Promise.resolve());
    this.tasks.set(partition, task);
    task.claimed.then(
      () => {
        if (this.tasks.get(partition) === task && task.ready) link.resume(partition);
      },
      (err: Error) => {
        if (this.tasks.get(partition) === task) this.fail(err);
      },
    );
  }

  private drop(partition: number): void {
    const task = this.tasks.get(partition);
    if (!task) return;
    this.tasks.delete(partition);
    stageMetrics.assignedPartitions.set({ stage: this.stage.kind }, this.tasks.size);
    stageMetrics.lag.remove({ stage: this.stage.kind, partition: String(partition) });
    const closed = Promise.all([this.closing.get(partition), task.close()]).then(() => {
      if (this.closing.get(partition) === closed) this.closing.delete(partition);
    });
    this.closing.set(partition, closed);
  }

  private async closeTasks(): Promise<void> {
    for (const partition of [...this.tasks.keys()]) this.drop(partition);
    await Promise.all(this.closing.values());
  }

  /**
   * Tears the consumer down and joins with a new one. Its partitions are dropped first: the new
   * membership decides what this worker holds, and claims it afresh (fence, restore).
   */
  private async replaceConsumer(reason: string): Promise<void> {
    if (this.replacing || this.stopped) return;
    this.replacing = true;
    this.tearingDown = true;
    const { link, run } = this.o;
    this.counters.watchdogRestarts += 1;
    run.log.warn(`${this.stage.kind} consumer replaced by the watchdog`, { reason, watchdogRestarts: this.counters.watchdogRestarts });
    for (const partition of [...this.tasks.keys()]) this.drop(partition);
    stageMetrics.rejoining.set({ stage: this.stage.kind }, 1);
    this.memberId = null;
    try {
      await withinDeadline(link.stopConsuming(), TEARDOWN_TIMEOUT_MS, `did not stop within ${TEARDOWN_TIMEOUT_MS} ms`).catch((err: Error) =>
        run.log.warn(`${this.stage.kind} stuck consumer did not stop cleanly`, { error: err.message }),
      );
      if (this.stopped) return;
      this.aliveAt = Date.now();
      this.tearingDown = false;
      this.joinFailed = false;
      await withinDeadline(link.consume(this.consumeOptions), REJOIN_TIMEOUT_MS, `did not join within ${REJOIN_TIMEOUT_MS} ms`);
    } catch (err) {
      // The cluster still down, or the join hung? The watchdog tries again once the silence lasts a session.
      this.joinFailed = true;
      run.log.warn(`${this.stage.kind} consumer could not join again`, { error: String(err) });
    } finally {
      this.tearingDown = false;
      this.replacing = false;
      this.report();
    }
  }

  private async onBatch(batch: FetchedBatch, control: BatchControl): Promise<void> {
    if (!control.isLive() || this.stopped || this.tearingDown) return;
    const { partition } = batch;
    const task = this.tasks.get(partition);
    if (!task) {
      // Not expected, as each join claims every assigned partition; claiming beats never
      // processing it. The batch comes again once the partition is claimed.
      this.claim(partition);
      return;
    }
    // Claiming: the partition is paused, and only a batch fetched before that lands here.
    if (!task.ready) return;

    // kafkajs heartbeats only between batches: a long batch would outlast the session.
    const membership = new KeepMembership(control, () => this.stopped);
    try {
      const complete = await task.process(batch, membership);
      if (!complete) {
        if (membership.lost) throw membership.lost;
        return;
      }
    } catch (err) {
      if (this.stage.guarantee === 'at-least-once') throw err; // the consumer restarts; the uncommitted rest comes again
      // The worker rejoined while this batch was in flight, and its new claim of the partition
      // fenced the batch's producer: that claim stands, and has the batch's records to do again.
      if (this.tasks.get(partition) !== task) {
        this.o.run.log.info(`${this.stage.kind} batch of a partition claimed anew since was not committed`, { partition, error: String(err) });
        return;
      }
      this.o.run.log.warn(`${this.stage.kind} batch not committed; claiming the partition anew`, { partition, error: String(err) });
      this.drop(partition);
      // Fenced because the partition moved? Then the heartbeat fails, the consumer rejoins, and the
      // new assignment decides who claims it, instead of this worker fencing its new owner.
      const stillMember = await control.heartbeat().then(
        () => true,
        () => false,
      );
      // Not while the watchdog replaces the consumer either: the new membership claims what it is given.
      if (stillMember && !this.stopped && !this.tearingDown && this.tasks.get(partition) === undefined) this.claim(partition);
      return;
    } finally {
      membership.stop();
    }
    control.resolve();
    await control.heartbeat();
  }
}

/** Heartbeats the group on a timer while a batch is in flight; aborts the batch's signal when it should stop. */
class KeepMembership {
  lost: Error | undefined;
  readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly control: BatchControl,
    stopping: () => boolean,
  ) {
    this.timer = setInterval(() => {
      control.heartbeat().catch((err: Error) => (this.lost ??= err));
      if (this.lost || stopping() || !control.isLive()) this.controller.abort();
    }, MEMBERSHIP_BEAT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * One input partition owned by this worker: its fenced producer (exactly-once), its restored
 * store, and the position below which every record is already processed.
 *
 * A task never recovers from a failed batch: its state then holds changes Kafka does not, so
 * the runtime drops it and claims the partition anew, restoring it from the changelog.
 */
class PartitionTask {
  /** Settles once claimed (or closed first); rejects if claiming failed. */
  readonly claimed: Promise<void>;
  /** The next input offset to process; null until claimed. */
  private next: bigint | null = null;
  private producer: TransactionalProducer | null = null;
  private store: LoggedPartitionStore | null = null;
  private inFlight: Promise<unknown> | null = null;
  private closed = false;
  /** At-least-once: outputs not yet sent, the offset last reported handled, and the commits of both, one after another. */
  private readonly unsent = new Outputs();
  private reported: string | null = null;
  private commits: Promise<void> = Promise.resolve();
  private committedAt = Date.now();
  private trailingCommit: NodeJS.Timeout | undefined;

  constructor(
    readonly partition: number,
    private readonly o: StageRunOptions,
    private readonly backend: StoreBackend | null,
    previous: Promise<void>,
  ) {
    this.claimed = previous.then(() => this.claim());
  }

  get ready(): boolean {
    return this.next !== null && !this.closed;
  }

  get position(): string | null {
    return this.next?.toString() ?? null;
  }

  get nextOffset(): bigint | null {
    return this.next;
  }

  private get labels() {
    return { stage: this.stage.kind, partition: String(this.partition) };
  }

  private get stage() {
    return this.o.processor.stage;
  }

  /**
   * Fences the partition's previous owner (ending whatever transaction it left open), then reads
   * the group's committed offset, stable now, and restores the store up to the changelog's end.
   */
  private async claim(): Promise<void> {
    const { link, processor, run } = this.o;
    if (this.stage.guarantee === 'exactly-once') {
      this.producer = link.transactionalProducer(transactionalId(this.stage, this.partition));
      await this.producer.fence();
    }
    if (this.closed) return;
    const committed = this.stage.guarantee === 'exactly-once' ? await link.committedOffset(this.partition) : 0n;
    if (this.stage.store) {
      const restoring = stageMetrics.restoreSeconds.startTimer({ stage: this.stage.kind });
      this.store = await LoggedPartitionStore.restore(this.backend!, link, this.stage.store.changelog, this.partition, run.log);
      restoring();
    }
    if (this.closed) return;
    await processor.open?.(this.partition, this.store);
    if (this.closed) return;
    // At zero from the claim on, so "committed nothing lately" is a query even for a partition that never commits.
    stageMetrics.commits.inc(this.labels, 0);
    this.next = committed;
  }

  /**
   * Processes the batch's records not yet processed, and commits. Returns whether the batch is
   * done; an at-least-once batch cut short by a stop is done only up to its last progress.
   */
  async process(batch: FetchedBatch, membership: KeepMembership): Promise<boolean> {
    const next = this.next!;
    // Offsets ascend: most batches are fresh from their first record on.
    const first = batch.records[0];
    const fresh = first && BigInt(first.offset) >= next ? batch.records : batch.records.filter((r) => BigInt(r.offset) >= next);
    if (fresh.length === 0) {
      this.next = BigInt(batch.nextOffset);
      return true;
    }
    const { kind } = this.stage;
    stageMetrics.recordsIn.inc(this.labels, fresh.length);
    stageMetrics.batchRecords.observe({ stage: kind }, fresh.length);
    const timer = stageMetrics.batchSeconds.startTimer({ stage: kind });
    const work =
      this.stage.guarantee === 'exactly-once'
        ? this.processExactlyOnce(fresh, batch.nextOffset, membership)
        : this.processAtLeastOnce(fresh, batch.nextOffset, membership);
    this.inFlight = work;
    try {
      const complete = await work;
      timer();
      return complete;
    } finally {
      this.inFlight = null;
    }
  }

  /** Counts what a commit made durable: the outputs by topic, dead letters by reason, and the commit itself. */
  private counted(sends: TopicMessages[], deadLetters: Map<string, number>): void {
    const { labels } = this;
    const deadLetterTopic = this.stage.outputs[this.stage.outputs.length - 1];
    for (const { topic, messages } of sends) if (topic !== deadLetterTopic) stageMetrics.recordsOut.inc({ ...labels, topic }, messages.length);
    for (const [reason, count] of deadLetters) stageMetrics.deadLetters.inc({ ...labels, reason }, count);
    stageMetrics.commits.inc(labels);
  }

  private async processExactlyOnce(records: StageRecord[], nextOffset: string, membership: KeepMembership): Promise<boolean> {
    const { processor } = this.o;
    const outputs = new Outputs();
    const traces = new RecordTraces(this.stage.kind, this.stage.input, this.partition);
    let committing = false;
    try {
      await processor.process(
        records,
        this.context(outputs, traces, nextOffset, membership, () => {}),
      );
      const sends = outputs.sends();
      const changelog = this.store?.changelogSend();
      committing = true;
      const ends = await this.producer!.commit(splitTopicMessages(changelog ? [...sends, changelog] : sends), {
        groupId: this.stage.groupId,
        topic: this.stage.input,
        partition: this.partition,
        offset: nextOffset,
      });
      stageMetrics.transactions.inc({ stage: this.stage.kind, outcome: 'committed' });
      this.counted(sends, outputs.deadLetterReasons);
      await this.store?.committed(ends.get(logEndKey(this.stage.store!.changelog, this.partition)));
    } catch (err) {
      if (committing) stageMetrics.transactions.inc({ stage: this.stage.kind, outcome: 'aborted' });
      this.store?.discard();
      traces.end(err);
      throw err;
    }
    traces.end();
    this.next = BigInt(nextOffset);
    processor.committed?.(this.partition);
    return true;
  }

  private async processAtLeastOnce(records: StageRecord[], nextOffset: string, membership: KeepMembership): Promise<boolean> {
    const { processor } = this.o;
    const traces = new RecordTraces(this.stage.kind, this.stage.input, this.partition);
    const ctx = this.context(this.unsent, traces, nextOffset, membership, (offset) => this.progressed(offset));
    try {
      await processor.process(records, ctx);
    } catch (err) {
      // Cut short by a failure: keep what is done; the rest comes again.
      await this.commitProgress(this.reported).catch(() => {});
      traces.end(err);
      throw err;
    }
    try {
      if (processor.completesLater) {
        // The batch's dead letters go now; its offsets as the processor reports them handled.
        await this.commitProgress(this.reported);
        return !ctx.signal.aborted;
      }
      const complete = !ctx.signal.aborted || this.reported === nextOffset;
      await this.commitProgress(complete ? nextOffset : this.reported);
      return complete;
    } finally {
      traces.end();
    }
  }

  /** At-least-once: what the processor reported handled so far is committed now (or, failing that, comes again after a restart). */
  async flushProgress(): Promise<void> {
    if (this.stage.guarantee !== 'at-least-once' || this.closed) return;
    await this.commitProgress(this.reported).catch((err: Error) =>
      this.o.run.log.warn(`${this.stage.kind} could not commit its progress`, { error: err.message }),
    );
  }

  /**
   * At-least-once progress is committed at most every PROGRESS_COMMIT_MS; a report that comes
   * while no batch is in process (a processor that `completesLater`) at the latest that long after.
   */
  private progressed(offset: string): void {
    if (this.closed) return;
    this.reported = offset;
    const wait = PROGRESS_COMMIT_MS - (Date.now() - this.committedAt);
    const commit = () =>
      this.commitProgress(this.reported).catch((err: Error) => this.o.run.log.warn(`${this.stage.kind} could not commit its progress`, { error: err.message }));
    if (wait <= 0) void commit();
    else if (!this.inFlight) this.trailingCommit ??= setTimeout(commit, wait);
  }

  /** Outputs first, then the offset: a record's dead letter is durable before its offset commits. One commit at a time, in order. */
  private commitProgress(offset: string | null): Promise<void> {
    clearTimeout(this.trailingCommit);
    this.trailingCommit = undefined;
    this.committedAt = Date.now();
    const { link } = this.o;
    const commit = this.commits
      .catch(() => {})
      .then(async () => {
        const { sends, deadLetterReasons } = this.unsent.take();
        if (sends.length > 0) await link.send(splitTopicMessages(sends));
        this.counted(sends, deadLetterReasons);
        if (offset === null || BigInt(offset) <= this.next!) return;
        await link.commitOffset(this.partition, offset);
        this.next = BigInt(offset);
      });
    this.commits = commit;
    return commit;
  }

  private context(
    outputs: Outputs,
    traces: RecordTraces,
    nextOffset: string,
    membership: KeepMembership,
    onProgress: (offset: string) => void,
  ): ProcessContext {
    const { stage } = this;
    const deadLetterTopic = stage.outputs[stage.outputs.length - 1]!;
    const origin = (r: StageRecord) => `${stage.input}/${this.partition}@${r.offset}`;
    return {
      partition: this.partition,
      nextOffset,
      store: this.store,
      signal: membership.controller.signal,
      emit: (topic, message) => outputs.add(topic, message),
      deadLetter: (record, reason) => {
        outputs.add(deadLetterTopic, deadLetterMessage(stage.kind, reason, record.value, origin(record)));
        outputs.countDeadLetter(boundedReason(stage.kind, reason));
      },
      progress: onProgress,
      heartbeat: () => membership.control.heartbeat(),
      traceOf: (record) => traces.of(record),
    };
  }

  /** Stops the task; resolves once nothing of it touches Kafka or the store any more. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.trailingCommit);
    await this.claimed.catch(() => {});
    await this.inFlight?.catch(() => {});
    await this.producer?.close();
    this.o.processor.close?.(this.partition);
  }
}

/** A batch's outputs per topic, in the order emitted, and its dead letters' reasons (labels) for the metrics. */
class Outputs {
  private byTopic = new Map<string, OutputMessage[]>();
  deadLetterReasons = new Map<string, number>();

  countDeadLetter(reason: string): void {
    this.deadLetterReasons.set(reason, (this.deadLetterReasons.get(reason) ?? 0) + 1);
  }

  add(topic: string, message: OutputMessage): void {
    let messages = this.byTopic.get(topic);
    if (!messages) this.byTopic.set(topic, (messages = []));
    messages.push(message);
  }

  sends(): TopicMessages[] {
    return [...this.byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /** The outputs so far, leaving none. */
  take(): { sends: TopicMessages[]; deadLetterReasons: Map<string, number> } {
    const taken = { sends: this.sends(), deadLetterReasons: this.deadLetterReasons };
    this.byTopic = new Map();
    this.deadLetterReasons = new Map();
    return taken;
  }
}
