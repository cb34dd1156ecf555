/**
 * The order in which the detection feed sends its signals to visitor workflows. A burst of new
 * visitors is thousands of signal-with-starts, which Temporal takes at about a hundred a second;
 * a visitor whose workflow already runs (mid-sequence, their next click may complete an offer)
 * must not wait behind them. So:
 * - a visitor's signals go one at a time, in the order of their clicks: each waits until the one
 *   before it was accepted, whichever batch it came in;
 * - of the signals free to go, those of visitors known to run go first, oldest first, using any
 *   of the `inFlight` slots;
 * - the others (new visitors' starts) go oldest first, at most `startsInFlight` at once: the
 *   slots left over stay free for running visitors.
 * Which lane a signal takes is decided when it becomes free to go, so a visitor's second signal,
 * queued behind their start, goes as a running visitor's once the start was accepted.
 */

/** A signal to send: one visitor's clicks of one batch. */
export interface LaneSignal {
  readonly userId: string;
  readonly partition: number;
  /** Clicks it carries: what `pendingClicks` counts. */
  readonly clicks: number;
}

export interface LaneLimits {
  /** Signals in flight at once, of both lanes. */
  inFlight: number;
  /** Of those, signals of visitors not known to run. */
  startsInFlight: number;
}

export class SignalLanes<S extends LaneSignal> {
  /** Each visitor's signals not yet accepted, in click order; the first may be in flight. */
  private readonly byVisitor = new Map<string, S[]>();
  private readonly running = new Fifo<S>();
  private readonly starts = new Fifo<S>();
  private readonly inFlight = new Set<S>();
  private readonly startsOut = new Set<S>();
  /** Signals dropped while waiting in a lane: skipped when their turn comes. */
  private readonly dropped = new Set<S>();
  private clicks = 0;

  constructor(
    private readonly limits: LaneLimits,
    /** Whether the visitor's workflow is known to run now. */
    private readonly isRunning: (userId: string) => boolean,
  ) {
    if (limits.startsInFlight >= limits.inFlight) throw new Error('startsInFlight must leave slots for running visitors');
  }

  /** Clicks of the signals queued or in flight. */
  get pendingClicks(): number {
    return this.clicks;
  }

  get sending(): number {
    return this.inFlight.size;
  }

  /** The visitor has a signal queued or in flight: their workflow may be about to run. */
  has(userId: string): boolean {
    return this.byVisitor.has(userId);
  }

  add(signal: S): void {
    const queue = this.byVisitor.get(signal.userId);
    this.clicks += signal.clicks;
    if (queue) queue.push(signal);
    else {
      this.byVisitor.set(signal.userId, [signal]);
      this.free(signal);
    }
  }

  /** The next signal to send, now in flight; undefined when none may go yet. */
  take(): S | undefined {
    if (this.inFlight.size >= this.limits.inFlight) return undefined;
    let signal = this.next(this.running);
    if (!signal && this.startsOut.size < this.limits.startsInFlight) {
      signal = this.next(this.starts);
      if (signal) this.startsOut.add(signal);
    }
    if (signal) this.inFlight.add(signal);
    return signal;
  }

  /** The signal in flight went by the start lane. */
  isStart(signal: S): boolean {
    return this.startsOut.has(signal);
  }

  /** The signal in flight was accepted (or given up): the visitor's next one is free to go. */
  settle(signal: S): void {
    if (!this.inFlight.delete(signal)) throw new Error(`signal of ${signal.userId} is not in flight`);
    this.startsOut.delete(signal);
    this.clicks -= signal.clicks;
    const queue = this.byVisitor.get(signal.userId)!;
    queue.shift();
    if (queue.length === 0) this.byVisitor.delete(signal.userId);
    else this.free(queue[0]!);
  }

  /** Forgets the partition's signals not yet in flight (it moved to another worker); returns how many. */
  drop(partition: number): number {
    let count = 0;
    for (const [userId, queue] of this.byVisitor) {
      const kept = queue.filter((s, i) => (i === 0 && this.inFlight.has(s)) || s.partition !== partition);
      if (kept.length === queue.length) continue;
      for (const s of queue) {
        if (kept.includes(s)) continue;
        count++;
        this.clicks -= s.clicks;
        // Only a visitor's first signal waits in a lane.
        if (s === queue[0]) this.dropped.add(s);
      }
      if (kept.length === 0) this.byVisitor.delete(userId);
      else {
        this.byVisitor.set(userId, kept);
        if (kept[0] !== queue[0]) this.free(kept[0]!);
      }
    }
    return count;
  }

  private free(signal: S): void {
    (this.isRunning(signal.userId) ? this.running : this.starts).push(signal);
  }

  private next(lane: Fifo<S>): S | undefined {
    for (let signal = lane.shift(); signal; signal = lane.shift()) {
      if (!this.dropped.delete(signal)) return signal;
    }
    return undefined;
  }
}

/** A queue whose shift is O(1): an array read from a moving head, compacted as it goes. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
