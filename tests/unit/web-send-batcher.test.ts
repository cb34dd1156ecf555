import { describe, expect, it } from 'vitest';
import { SendBatcher } from '../../web/src/lib/server/send-batcher';

/** A sender whose sends finish when the test says so, recording each batch. */
function manualSender() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const fail: ((err: Error) => void)[] = [];
  const send = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      finish.push(resolve);
      fail.push(reject);
    });
  return { batches, finish, fail, send };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('click send batching', () => {
  it('sends the first item at once and what arrives meanwhile together in the next batch, one batch in flight', async () => {
    const s = manualSender();
    const batcher = new SendBatcher(s.send, 3);
    const settled: number[] = [];
    const added = [1, 2, 3, 4, 5, 6].map((n) => batcher.add(n).then(() => settled.push(n)));
    await tick();
    expect(s.batches).toEqual([[1]]);
    s.finish[0]!();
    await tick();
    expect(settled).toEqual([1]);
    expect(s.batches).toEqual([[1], [2, 3, 4]]);
    s.finish[1]!();
    await tick();
    expect(s.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    s.finish[2]!();
    await Promise.all(added);
    expect(settled).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects only the callers of a failed batch, and sends on after it', async () => {
    const s = manualSender();
    const batcher = new SendBatcher(s.send);
    const first = batcher.add(1);
    const second = batcher.add(2);
    await tick();
    s.fail[0]!(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await tick();
    expect(s.batches).toEqual([[1], [2]]);
    s.finish[1]!();
    await expect(second).resolves.toBeUndefined();
    const third = batcher.add(3);
    await tick();
    s.finish[2]!();
    await expect(third).resolves.toBeUndefined();
    expect(s.batches).toEqual([[1], [2], [3]]);
  });
});
