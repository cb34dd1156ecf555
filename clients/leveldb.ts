import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';

export type WriteOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

interface Range {
  gte: string;
  lt: string;
}

/** Keys starting with `prefix` (ASCII): from the prefix up to, not including, its successor. */
function prefixRange(prefix: string): Range {
  if (prefix.length === 0) throw new Error('a key prefix must not be empty');
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) };
}

/** The store's folder holds files LevelDB cannot read: a damaged store, or another engine's. */
export function isUnreadableStore(err: unknown): boolean {
  return /^Corruption:/.test((err as { cause?: Error }).cause?.message ?? '');
}

/**
 * A local LevelDB store of string keys and values (`classic-level`). Writes go to LevelDB's log
 * without fsync: they survive a killed process, not a machine crash (state stores are rebuilt from
 * their changelog topics then).
 */
export class LevelStore {
  private constructor(private readonly db: ClassicLevel<string, string>) {}

  /** Opens (creating it if needed) the store in `dir`; fails if another process has it open. */
  static async open(dir: string): Promise<LevelStore> {
    await mkdir(dir, { recursive: true });
    const db = new ClassicLevel<string, string>(dir);
    await db.open({ createIfMissing: true });
    return new LevelStore(db);
  }

  get(key: string): Promise<string | undefined> {
    return this.db.get(key);
  }

  put(key: string, value: string): Promise<void> {
    return this.db.put(key, value);
  }

  /** Applies every operation, or none. */
  batch(ops: WriteOp[]): Promise<void> {
    return this.db.batch(ops);
  }

  /** Every key starting with `prefix`, with its value, in key order. */
  async *entries(prefix: string): AsyncGenerator<[key: string, value: string]> {
    // The iterator closes itself when the loop ends, by completion, break or error.
    for await (const entry of this.db.iterator(prefixRange(prefix))) yield entry;
  }

  /** Deletes every key starting with `prefix`. */
  clear(prefix: string): Promise<void> {
    return this.db.clear(prefixRange(prefix));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
