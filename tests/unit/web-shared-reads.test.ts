import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedReads } from '../../web/src/lib/server/shared-reads';

describe('reads shared by every caller', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('serve a fresh answer as it is, and one read under way to every caller meanwhile', async () => {
    let reads = 0;
    let release!: () => void;
    const shared = new SharedReads(async (key) => {
      reads += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return `${key}#${reads}`;
    }, 1_000);
    const waiting = [shared.get('a'), shared.get('a'), shared.get('a')];
    expect(reads).toBe(1);
    release();
    expect(await Promise.all(waiting)).toEqual(['a#1', 'a#1', 'a#1']);
    await vi.advanceTimersByTimeAsync(999);
    expect(await shared.get('a')).toBe('a#1');
    await vi.advanceTimersByTimeAsync(1);
    const again = shared.get('a');
    release();
    expect(await again).toBe('a#2');
    expect(reads).toBe(2);
  });

  it('keep no failed read: the next caller asks again', async () => {
    let reads = 0;
    const shared = new SharedReads(async () => {
      reads += 1;
      if (reads === 1) throw new Error('Redis down');
      return reads;
    }, 1_000);
    await expect(shared.get()).rejects.toThrow('Redis down');
    expect(await shared.get()).toBe(2);
    expect(await shared.get()).toBe(2);
  });

  it('keep at most maxKeys answers, however many keys callers ask for', async () => {
    let reads = 0;
    const shared = new SharedReads(async (key) => {
      reads += 1;
      return key;
    }, 60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) await shared.get(key);
    expect(reads).toBe(4);
    await shared.get('d');
    expect(reads).toBe(4);
    await shared.get('a');
    expect(reads).toBe(5);
  });
});
