import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';

type Callback<T = void> = (err: Error | undefined | null, result?: T) => void;

/** The part of the `rocksdb` package (an abstract-leveldown store with a callback API) used here. */
interface NativeDb {
  open(options: { createIfMissing: boolean }, callback: Callback): void;
  get(key: string, options: { asBuffer: false }, callback: Callback<string>): void;
  put(key: string, value: string, callback: Callback): void;
  batch(ops: WriteOp[], callback: Callback): void;
  clear(range: Range, callback: Callback): void;
  iterator(options: Range & { keyAsBuffer: false; valueAsBuffer: false }): NativeIterator;
  close(callback: Callback): void;
}

interface NativeIterator {
  next(callback: (err: Error | undefined | null, key?: string, value?: string) => void): void;
  end(callback: Callback): void;
}

interface Range {
  gte: string;
  lt: string;
}

// The package ships no types; createRequire keeps its CommonJS export typed by NativeDb above.
const rocksdb = createRequire(import.meta.url)('rocksdb') as (location: string) => NativeDb;

export type WriteOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

function call<T = void>(fn: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Keys starting with `prefix` (ASCII): from the prefix up to, not including, its successor. */
function prefixRange(prefix: string): Range {
  if (prefix.length === 0) throw new Error('a key prefix must not be empty');
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) };
}

/**
 * A local RocksDB store of string keys and values, with promises. Writes go to RocksDB's
 * write-ahead log without fsync: they survive a killed process, not a machine crash (state
 * stores are rebuilt from their changelog topics then).
 */
export class RocksStore {
  private constructor(private readonly db: NativeDb) {}

  /** Opens (creating it if needed) the store in `dir`; fails if another process has it open. */
  static async open(dir: string): Promise<RocksStore> {
    await mkdir(dir, { recursive: true });
    const db = rocksdb(dir);
    await call((cb) => db.open({ createIfMissing: true }, cb));
    return new RocksStore(db);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await call<string>((cb) => this.db.get(key, { asBuffer: false }, cb));
    } catch (err) {
      if (/NotFound/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  put(key: string, value: string): Promise<void> {
    return call((cb) => this.db.put(key, value, cb));
  }

  /** Applies every operation, or none. */
  batch(ops: WriteOp[]): Promise<void> {
    return call((cb) => this.db.batch(ops, cb));
  }

  /** Every key starting with `prefix`, with its value, in key order. */
  async *entries(prefix: string): AsyncGenerator<[key: string, value: string]> {
    const it = this.db.iterator({ ...prefixRange(prefix), keyAsBuffer: false, valueAsBuffer: false });
    try {
      for (;;) {
        const entry = await new Promise<[string, string] | undefined>((resolve, reject) =>
          it.next((err, key, value) => (err ? reject(err) : resolve(key === undefined ? undefined : [key, value!]))),
        );
        if (!entry) return;
        yield entry;
      }
    } finally {
      await call((cb) => it.end(cb));
    }
  }

  /** Deletes every key starting with `prefix`. */
  clear(prefix: string): Promise<void> {
    return call((cb) => this.db.clear(prefixRange(prefix), cb));
  }

  close(): Promise<void> {
    return call((cb) => this.db.close(cb));
  }
}
