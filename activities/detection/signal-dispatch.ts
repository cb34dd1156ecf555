/**
 * Sends the detection feed's signals beside its batches rather than inside them: a batch's
 * signals are queued in the lanes (lib/offers/signal-lanes.ts: running visitors first, a visitor's
 * signals one at a time in click order, new visitors' starts bounded) and the batch returns, so
 * the consumer fetches on and a running visitor's click in the next batch overtakes a burst's
 * starts. Each partition's progress is what its `CommitWatermark` says is sent, across batches.
 * A failed signal is tried again (its visitor's later signals wait behind it) until accepted or
 * its partition moves to another worker; the clicks are never skipped.
 */
import type { VisitorBatch } from '../../lib/offers/feed-filter';
import { CommitWatermark } from '../../lib/offers/commit-watermark';
import { SignalLanes, type LaneLimits, type LaneSignal } from '../../lib/offers/signal-lanes';

/** A batch's queued clicks past this bound hold the batch (and so the next fetch) until sending brings them under it. */
export const MAX_PENDING_CLICKS = 20_000;
/** A failed signal is tried again after this long, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** One partition as this worker holds it: its progress across batches, reported to the runtime. */
interface PartitionProgress {
  readonly watermark: CommitWatermark;
  /** The latest batch context's `progress`. */
  report: (offset: string) => void;
  closed: boolean;
}

interface QueuedSignal extends LaneSignal {
  readonly id: number;
  readonly batch: VisitorBatch;
  readonly progress: PartitionProgress;
}

export interface SignalDispatchOptions {
  limits: LaneLimits;
  /** Whether the visitor's workflow is known to run: their signals take the first lane. */
  isRunning(userId: string): boolean;
  /** Sends one visitor's clicks (`start`: by the start lane); resolves with whether they reached a running workflow. */
  send(userId: string, batch: VisitorBatch, start: boolean): Promise<boolean>;
  /** A signal was accepted. */
  sent(userId: string, batch: VisitorBatch, reached: boolean): void;
  /** A signal failed and will be tried again. */
  failed(userId: string, error: unknown): void;
}

export class SignalDispatch {
  private readonly lanes: SignalLanes<QueuedSignal>;
  private readonly partitions = new Map<number, PartitionProgress>();
  private readonly waiting = new Set<() => void>();
  private nextId = 0;

  constructor(private readonly o: SignalDispatchOptions) {
    this.lanes = new SignalLanes(o.limits, o.isRunning);
  }

  /** The visitor has clicks queued or in flight. */
  has(userId: string): boolean {
    return this.lanes.has(userId);
  }

  get pendingClicks(): number {
    return this.lanes.pendingClicks;
  }

  /**
   * Queues a batch's signals, each visitor's with the offset of their first click in it, and
   * reports the partition's progress; `nextOffset` is the offset after the batch.
   */
  enqueue(
    partition: number,
    byVisitor: Map<string, VisitorBatch>,
    firstOffsets: Map<string, string>,
    nextOffset: string,
    report: (offset: string) => void,
  ): void {
    let progress = this.partitions.get(partition);
    if (!progress) this.partitions.set(partition, (progress = { watermark: new CommitWatermark(), report, closed: false }));
    progress.report = report;
    const signals = [...byVisitor].map(([userId, batch]): QueuedSignal => ({
      id: this.nextId++,
      userId,
      partition,
      clicks: batch.clicks.length,
      batch,
      progress,
    }));
    progress.watermark.add(
      signals.map((s) => ({ id: s.id, offset: BigInt(firstOffsets.get(s.userId)!) })),
      BigInt(nextOffset),
    );
    for (const s of signals) this.lanes.add(s);
    report(progress.watermark.committable!);
    this.pump();
  }

  /** Resolves once the queued clicks are within MAX_PENDING_CLICKS, or the signal aborts. */
  async room(abort: AbortSignal): Promise<void> {
    while (this.lanes.pendingClicks > MAX_PENDING_CLICKS && !abort.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiting.delete(wake);
          abort.removeEventListener('abort', wake);
          resolve();
        };
        this.waiting.add(wake);
        abort.addEventListener('abort', wake);
      });
    }
  }

  /** The partition is no longer this worker's: its queued signals are dropped (its new owner re-reads them). */
  close(partition: number): void {
    const progress = this.partitions.get(partition);
    if (!progress) return;
    progress.closed = true;
    this.partitions.delete(partition);
    this.lanes.drop(partition);
    this.wakeIfRoom();
  }

  private pump(): void {
    for (let s = this.lanes.take(); s; s = this.lanes.take()) void this.deliver(s);
  }

  private async deliver(s: QueuedSignal): Promise<void> {
    const reached = await this.untilAccepted(s);
    if (reached !== undefined) {
      this.o.sent(s.userId, s.batch, reached);
      if (!s.progress.closed) {
        s.progress.watermark.signalled(s.id);
        s.progress.report(s.progress.watermark.committable!);
      }
    }
    this.lanes.settle(s);
    this.wakeIfRoom();
    this.pump();
  }

  /** Whether the clicks reached a running workflow; undefined if given up because the partition moved on. */
  private async untilAccepted(s: QueuedSignal): Promise<boolean | undefined> {
    const start = this.lanes.isStart(s);
    for (let delay = RETRY_FIRST_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        return await this.o.send(s.userId, s.batch, start);
      } catch (err) {
        this.o.failed(s.userId, err);
        if (s.progress.closed) return undefined;
        await new Promise((r) => setTimeout(r, delay));
        if (s.progress.closed) return undefined;
      }
    }
  }

  private wakeIfRoom(): void {
    if (this.lanes.pendingClicks > MAX_PENDING_CLICKS) return;
    for (const wake of [...this.waiting]) wake();
  }
}
