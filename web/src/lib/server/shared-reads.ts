/**
 * Reads shared by every caller, for figures many open pages ask for at once: an answer younger
 * than `freshMs` is served as it is, callers meanwhile wait on the read under way rather than start
 * another, however long it takes, and a failed read is not kept (the next caller asks again). At
 * most `maxKeys` answers are kept; the oldest makes room, so callers cannot grow it.
 */
export class SharedReads<V> {
  private readonly answers = new Map<string, { value: Promise<V>; settledAt: number | null }>();

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly freshMs: number,
    private readonly maxKeys = 64,
  ) {}

  get(key = ''): Promise<V> {
    const known = this.answers.get(key);
    if (known && (known.settledAt === null || Date.now() - known.settledAt < this.freshMs)) return known.value;
    const entry: { value: Promise<V>; settledAt: number | null } = { value: this.read(key), settledAt: null };
    this.answers.delete(key);
    this.answers.set(key, entry);
    if (this.answers.size > this.maxKeys) this.answers.delete(this.answers.keys().next().value!);
    entry.value.then(
      () => (entry.settledAt = Date.now()),
      () => {
        if (this.answers.get(key) === entry) this.answers.delete(key);
      },
    );
    return entry.value;
  }

  /** Forgets every answer: after a change this server made, the next caller reads afresh. */
  clear(): void {
    this.answers.clear();
  }
}
