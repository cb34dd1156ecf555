import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../clients/leveldb';
import { LevelDbStoreBackend } from '../../clients/streams/leveldb-store-backend';

const warnings: string[] = [];
const log = { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };

/** The stage runtime's local store on a real LevelDB folder: what the aggregation's restore relies on. */
describe('LevelDB store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leveldb-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps a partition’s state and checkpoint across a reopen, and wipes only that partition', async () => {
    const location = join(dir, 'backend');
    const first = await LevelDbStoreBackend.open(location, log);
    await first.write(
      0,
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      41n,
    );
    await first.write(
      0,
      [
        { key: 'a', value: null },
        { key: 'c', value: '3' },
      ],
      42n,
    );
    await first.write(1, [{ key: 'a', value: 'x' }], 7n);
    await first.close();

    const again = await LevelDbStoreBackend.open(location, log);
    expect(await again.checkpoint(0)).toBe(42n);
    expect(await again.load(0)).toEqual([
      ['b', '2'],
      ['c', '3'],
    ]);
    await again.wipe(0);
    expect(await again.checkpoint(0)).toBeNull();
    expect(await again.load(0)).toEqual([]);
    expect(await again.checkpoint(1)).toBe(7n);
    expect(await again.load(1)).toEqual([['a', 'x']]);
    await again.close();
  });

  it('reads keys by prefix in key order, and refuses a second open of the same folder', async () => {
    const location = join(dir, 'store');
    const store = await LevelStore.open(location);
    await store.batch(['k/2', 'k/10', 'k/1', 'j/1', 'l/1'].map((key) => ({ type: 'put' as const, key, value: key.toUpperCase() })));
    const entries: [string, string][] = [];
    for await (const entry of store.entries('k/')) entries.push(entry);
    expect(entries).toEqual([
      ['k/1', 'K/1'],
      ['k/10', 'K/10'],
      ['k/2', 'K/2'],
    ]);
    expect(await store.get('missing')).toBeUndefined();
    await expect(LevelStore.open(location)).rejects.toThrow();
    await expect(LevelDbStoreBackend.open(location, log)).rejects.toThrow();
    await store.close();
  });

  it("empties a folder LevelDB cannot read, such as an older version's RocksDB store, and starts afresh", async () => {
    const location = join(dir, 'unreadable');
    const store = await LevelDbStoreBackend.open(location, log);
    await store.write(0, [{ key: 'a', value: '1' }], 5n);
    await store.close();
    const manifest = (await readdir(location)).find((f) => f.startsWith('MANIFEST-'))!;
    await writeFile(join(location, manifest), Buffer.from('not a manifest of this engine, in any format'));

    const warningsBefore = warnings.length;
    const reopened = await LevelDbStoreBackend.open(location, log);
    expect(warnings.length).toBe(warningsBefore + 1);
    expect(await reopened.checkpoint(0)).toBeNull();
    await reopened.write(0, [{ key: 'b', value: '2' }], 6n);
    expect(await reopened.load(0)).toEqual([['b', '2']]);
    await reopened.close();
  });
});
