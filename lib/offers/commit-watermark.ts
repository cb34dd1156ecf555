/**
 * How far the detection feed may commit a Kafka batch while its visitors' signals are still in
 * flight. Visitors are signalled in the order of their first click in the batch; every message
 * before the first click of the earliest visitor not yet signalled is handled (signalled, dropped
 * or dead-lettered), so that click's offset is safe to commit. A huge batch thus commits its
 * progress part-way, and a restart re-sends only what was not yet accepted.
 */
export class CommitWatermark {
  private readonly order: string[];
  private readonly done = new Set<string>();
  private next = 0;

  /**
   * @param firstOffsets each visitor's first offset in the batch, in offset order
   * @param endOffset the offset after the batch's last message: committable once every visitor is signalled
   */
  constructor(
    private readonly firstOffsets: ReadonlyMap<string, string>,
    private readonly endOffset: string,
  ) {
    this.order = [...firstOffsets.keys()];
  }

  /** The visitor's signal was accepted. */
  signalled(userId: string): void {
    if (!this.firstOffsets.has(userId)) throw new Error(`visitor ${userId} is not in this batch`);
    this.done.add(userId);
    while (this.next < this.order.length && this.done.has(this.order[this.next]!)) this.next += 1;
  }

  /** The offset to commit: every message before it is handled. */
  get committable(): string {
    const waiting = this.order[this.next];
    return waiting === undefined ? this.endOffset : this.firstOffsets.get(waiting)!;
  }

  get complete(): boolean {
    return this.next === this.order.length;
  }
}
