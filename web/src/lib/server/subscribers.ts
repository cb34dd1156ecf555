/**
 * In-memory fan-out: one upstream (a Kafka consumer, a Redis subscription) to many open
 * streams, by key (a visitor id; one key for broadcasts). Removing the last listener of a key
 * forgets the key, so closed streams leave nothing behind.
 */
export class KeyedSubscribers<T> {
  private readonly byKey = new Map<string, Set<(value: T) => void>>();

  /** Registers a listener; the returned function removes it. */
  add(key: string, listener: (value: T) => void): () => void {
    const set = this.byKey.get(key) ?? new Set();
    set.add(listener);
    this.byKey.set(key, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    };
  }

  /** Calls every listener of `key`; a listener that throws does not stop the others. Returns how many were called. */
  publish(key: string, value: T): number {
    const set = this.byKey.get(key);
    if (!set) return 0;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch {
        // A broken stream's listener is removed when its stream closes.
      }
    }
    return set.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Listeners over all keys. */
  get size(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  get keys(): number {
    return this.byKey.size;
  }
}
