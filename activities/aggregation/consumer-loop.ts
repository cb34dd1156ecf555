import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { PartitionSnapshot } from '../../lib/aggregation/partial';
import { PartitionTask, type TaskContext } from './partition-task';

/** A killed worker's partitions move after this long. */
const SESSION_TIMEOUT_MS = 10_000;

/**
 * The input consumer and the partitions it owns. Assignment is read from each group join: a
 * gained partition is paused until its task has restored the state, a lost one is dropped from
 * memory. Each batch is one transaction of its partition's task; a batch whose transaction fails
 * (fenced by a new owner, coordinator trouble) is not resolved, so kafkajs fetches it again
 * after the partition has been restored anew.
 */
export class AggregationConsumer {
  private readonly consumer: Consumer;
  private readonly tasks = new Map<number, PartitionTask>();
  /** Closes of dropped tasks: a partition's next task waits for them before using the store. */
  private readonly closing = new Map<number, Promise<void>>();
  private memberId: string | null = null;
  /**
   * Set by stopConsuming. kafkajs may restart a crashed consumer on a timer that a disconnect
   * racing the crash does not clear; such a zombie must neither restart nor claim a partition,
   * whose restore would use the store after the activity closed it (a native crash).
   */
  private stopped = false;
  /** When the group last confirmed this worker's membership (join or heartbeat). */
  private confirmedAt = 0;

  constructor(
    private readonly ctx: TaskContext,
    /** Called once with an error the worker cannot recover from. */
    private readonly fail: (err: Error) => void,
  ) {
    this.consumer = ctx.kafka.consumer({
      groupId: ctx.topology.groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      readUncommitted: false,
      retry: { restartOnFailure: async () => !this.stopped },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => this.assign(payload.memberId, payload.memberAssignment[ctx.topology.input] ?? []));
    this.consumer.on(this.consumer.events.HEARTBEAT, () => (this.confirmedAt = Date.now()));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.ctx.topology.input, fromBeginning: true });
    // Each partition is its own task with its own producer: while one commits, others work.
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 8, eachBatch: (payload) => this.eachBatch(payload) });
  }

  /** Leaves the group once the batch in flight is done. The tasks stay, for a last publish. */
  stopConsuming(): Promise<void> {
    this.stopped = true;
    return this.consumer.disconnect();
  }

  async closeTasks(): Promise<void> {
    for (const partition of [...this.tasks.keys()]) this.drop(partition);
    await Promise.all(this.closing.values());
  }

  /**
   * Each owned partition's state as of its last commit; none unless the group confirmed this
   * worker's membership lately. A worker paused past its session wakes up still holding
   * partitions that have moved on, and must not publish them before it learns so.
   */
  snapshots(): { partition: number; snapshot: PartitionSnapshot }[] {
    if (Date.now() - this.confirmedAt > SESSION_TIMEOUT_MS / 2) return [];
    return [...this.tasks.values()].flatMap((task) => {
      const snapshot = task.snapshot();
      return snapshot ? [{ partition: task.partition, snapshot }] : [];
    });
  }

  /** What the activity heartbeats: each owned partition and how far it is. */
  summary(): { partition: number; restoring: boolean; nextOffset: string | null; streamTime: number }[] {
    return [...this.tasks.values()].map((t) => ({ partition: t.partition, restoring: !t.ready, nextOffset: t.nextOffset, streamTime: t.streamTime }));
  }

  private assign(memberId: string, partitions: number[]): void {
    if (this.stopped) {
      void this.consumer.disconnect().catch(() => {});
      return;
    }
    const assigned = new Set(partitions);
    // A new member id means this worker was out of the group (paused past its session, or its
    // consumer restarted): its partitions may have moved and moved back meanwhile, so the state
    // it holds for them is lost, as the Java client's onPartitionsLost has it.
    const rejoined = memberId !== this.memberId;
    this.memberId = memberId;
    this.confirmedAt = Date.now();
    const lost = [...this.tasks.keys()].filter((p) => rejoined || !assigned.has(p));
    for (const partition of lost) this.drop(partition);
    for (const partition of assigned) {
      const task = this.tasks.get(partition);
      if (!task) this.claim(partition);
      // A consumer restarted by kafkajs after a crash forgets which partitions were paused.
      else if (!task.ready) this.pause(partition);
    }
    this.ctx.log.info('aggregation partitions assigned', { partitions, dropped: lost, rejoined });
  }

  private claim(partition: number): void {
    this.pause(partition);
    const task = new PartitionTask(partition, this.ctx, this.closing.get(partition) ?? Promise.resolve());
    this.tasks.set(partition, task);
    task.restored.then(
      () => {
        if (this.tasks.get(partition) === task && task.ready) this.consumer.resume([{ topic: this.ctx.topology.input, partitions: [partition] }]);
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
    const closed = Promise.all([this.closing.get(partition), task.close()]).then(() => {
      if (this.closing.get(partition) === closed) this.closing.delete(partition);
    });
    this.closing.set(partition, closed);
  }

  private pause(partition: number): void {
    this.consumer.pause([{ topic: this.ctx.topology.input, partitions: [partition] }]);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || this.stopped) return;
    const { partition } = batch;
    const task = this.tasks.get(partition);
    if (!task) {
      // Not expected, as each join claims every assigned partition; claiming beats never
      // processing it. The batch comes again once the partition is restored.
      this.claim(partition);
      return;
    }
    // Restoring: the partition is paused, and only a batch fetched before that lands here.
    if (!task.ready) return;

    const messages = task.unprocessed(batch.messages);
    if (messages.length > 0) {
      try {
        await task.process(messages, (BigInt(batch.lastOffset()) + 1n).toString());
      } catch (err) {
        this.ctx.log.warn('aggregation batch not committed; restoring the partition from its changelog', { partition, error: String(err) });
        this.drop(partition);
        // Fenced because the partition moved? Then the heartbeat fails, kafkajs rejoins, and the
        // new assignment decides who restores it, instead of this worker fencing its new owner.
        await heartbeat();
        this.claim(partition);
        return;
      }
    }
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }
}
