/**
 * Reads shared by every caller, for figures many open pages ask for at once: an answer younger
 * than `freshMs` is served as it is, callers meanwhile wait on the read under way rather than start
 * another, and a failed read is not kept (the next caller asks again). What callers can make it do
 * is bounded: at most `maxKeys` answers are kept (the oldest makes room), at most `maxReading`
 * reads run at once (one more is refused with `ReadsBusyError`), and a caller waits at most
 * `deadlineMs` (a read that outlasts it keeps its place until it ends).
 */
import { withinDeadline } from '../../../../lib/deadline';

export interface SharedReadLimits {
  freshMs: number;
  maxKeys?: number;
  maxReading?: number;
  deadlineMs?: number;
}

/** Too many reads under way: the caller answers `503` with `Retry-After`. */
export class ReadsBusyError extends Error {
  override readonly name = 'ReadsBusyError';
}

export class SharedReads<V> {
  private readonly answers = new Map<string, { value: Promise<V>; settledAt: number | null }>();
  private reading = 0;
  private readonly limits: Required<SharedReadLimits>;

  constructor(
    private readonly read: (key: string) => Promise<V>,
    limits: SharedReadLimits,
  ) {
    this.limits = { maxKeys: 64, maxReading: 4, deadlineMs: 5_000, ...limits };
  }

  get(key = ''): Promise<V> {
    const known = this.answers.get(key);
    if (known && (known.settledAt === null || Date.now() - known.settledAt < this.limits.freshMs)) return this.withinDeadline(known.value);
    if (this.reading >= this.limits.maxReading) return Promise.reject(new ReadsBusyError(`${this.reading} reads under way: try again in a moment`));
    this.reading += 1;
    const entry: { value: Promise<V>; settledAt: number | null } = { value: this.read(key), settledAt: null };
    this.answers.delete(key);
    this.answers.set(key, entry);
    if (this.answers.size > this.limits.maxKeys) this.answers.delete(this.answers.keys().next().value!);
    entry.value.then(
      () => {
        this.reading -= 1;
        entry.settledAt = Date.now();
      },
      () => {
        this.reading -= 1;
        if (this.answers.get(key) === entry) this.answers.delete(key);
      },
    );
    return this.withinDeadline(entry.value);
  }

  /** Forgets every answer: after a change this server made, the next caller reads afresh. */
  clear(): void {
    this.answers.clear();
  }

  private withinDeadline(value: Promise<V>): Promise<V> {
    return withinDeadline(value, this.limits.deadlineMs, `no answer within ${this.limits.deadlineMs / 1000} s`);
  }
}
