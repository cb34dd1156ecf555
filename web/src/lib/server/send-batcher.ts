/**
 * Group commit for a sender that takes one request at a time (kafkajs' idempotent producer has one
 * produce request in flight): what callers add while a batch is being sent goes out together in the
 * next one, so throughput grows with the callers instead of queueing behind each other's round trip.
 * Each caller's promise settles with its own batch: resolved once sent, rejected with its error.
 */
interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SendBatcher<T> {
  private queue: Pending<T>[] = [];
  private sending = false;

  constructor(
    private readonly sendBatch: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.sendBatch(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.sending = false;
  }
}
