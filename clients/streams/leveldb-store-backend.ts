import { rm } from 'node:fs/promises';
import { isUnreadableStore, LevelStore } from '../leveldb';
import type { Logger } from '../../lib/consumer-run';
import type { StateChange } from '../../lib/state-change';
import type { StoreBackend } from './state-store';

const stateKeys = (partition: number) => `state/${partition}/`;
const checkpointKey = (partition: number) => `checkpoint/${partition}`;

/**
 * A worker's local copy of its partitions' state, in one LevelDB store: partition p's keys under
 * `state/<p>/`, and under `checkpoint/<p>` the changelog offset below which every record of
 * changelog partition p is in the store. Both change in one atomic write.
 */
export class LevelDbStoreBackend implements StoreBackend {
  private constructor(private readonly db: LevelStore) {}

  /**
   * The store is a cache of the changelogs: a folder LevelDB cannot read (the RocksDB store of a
   * version before Node 24, or a damaged one) is emptied, and the partitions restore from scratch.
   */
  static async open(dir: string, log: Logger): Promise<LevelDbStoreBackend> {
    try {
      return new LevelDbStoreBackend(await LevelStore.open(dir));
    } catch (err) {
      if (!isUnreadableStore(err)) throw err;
      log.warn('state store unreadable: emptied, its partitions restore from their changelogs', { dir, reason: (err as { cause?: Error }).cause?.message });
      await rm(dir, { recursive: true, force: true });
      return new LevelDbStoreBackend(await LevelStore.open(dir));
    }
  }

  async checkpoint(partition: number): Promise<bigint | null> {
    const offset = await this.db.get(checkpointKey(partition));
    return offset === undefined ? null : BigInt(offset);
  }

  async load(partition: number): Promise<[string, string][]> {
    const prefix = stateKeys(partition);
    const entries: [string, string][] = [];
    for await (const [key, value] of this.db.entries(prefix)) entries.push([key.slice(prefix.length), value]);
    return entries;
  }

  write(partition: number, changes: Iterable<StateChange>, checkpoint: bigint): Promise<void> {
    const prefix = stateKeys(partition);
    const ops = [...changes].map(({ key, value }) =>
      value === null ? { type: 'del' as const, key: prefix + key } : { type: 'put' as const, key: prefix + key, value },
    );
    return this.db.batch([...ops, { type: 'put', key: checkpointKey(partition), value: checkpoint.toString() }]);
  }

  /** The checkpoint first, so a crash halfway leaves a store that is wiped again. */
  async wipe(partition: number): Promise<void> {
    await this.db.batch([{ type: 'del', key: checkpointKey(partition) }]);
    await this.db.clear(stateKeys(partition));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
