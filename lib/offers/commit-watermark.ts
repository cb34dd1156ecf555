/**
 * How far the detection feed may commit a partition while its visitors' signals are still queued
 * or in flight, across batches: the feed takes a partition's next batch before the last one's
 * signals are all sent. Every message of the partition before the first click of the earliest
 * signal not yet sent is handled (signalled, left out or dead-lettered), so that click's offset is
 * safe to commit; with none waiting, the end of the last batch is. A restart re-sends only what
 * was not yet accepted.
 */
export class CommitWatermark {
  /** Signals by their first offset, ascending, from `head` on; accepted ones are skipped lazily. */
  private waiting: { id: number; offset: bigint }[] = [];
  private head = 0;
  /** Ids of the signals not yet accepted. */
  private readonly open = new Set<number>();
  private end: bigint | null = null;

  /**
   * A batch's signals (each by an id and its first click's offset, in offset order) and the
   * offset after its last message. A batch the consumer delivers again (after a rebalance, from
   * the committed offset) may start below what came before.
   */
  add(signals: readonly { id: number; offset: bigint }[], endOffset: bigint): void {
    for (const s of signals) {
      this.insert(s);
      this.open.add(s.id);
    }
    if (this.end === null || endOffset > this.end) this.end = endOffset;
  }

  /** The signal was accepted. */
  signalled(id: number): void {
    if (!this.open.delete(id)) throw new Error(`signal ${id} is not waiting here`);
    while (this.head < this.waiting.length && !this.open.has(this.waiting[this.head]!.id)) this.head++;
    // Keeps the array from growing with what is behind the head.
    if (this.head > 1_024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  /** The offset to commit, every message before it handled; null before the first batch. */
  get committable(): string | null {
    const first = this.waiting[this.head];
    return (first?.offset ?? this.end)?.toString() ?? null;
  }

  /** Signals added and not yet accepted. */
  get pending(): number {
    return this.open.size;
  }

  /** In offset order, after any of the same offset: at the end for a fresh batch, further in for one delivered again. */
  private insert(signal: { id: number; offset: bigint }): void {
    let [low, high] = [this.head, this.waiting.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.waiting[mid]!.offset <= signal.offset) low = mid + 1;
      else high = mid;
    }
    this.waiting.splice(low, 0, signal);
  }
}
