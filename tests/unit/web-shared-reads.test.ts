import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadsBusyError, SharedReads } from '../../web/src/lib/server/shared-reads';

describe('reads shared by every caller', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('serve a fresh answer as it is, and one read under way to every caller meanwhile', async () => {
    let reads = 0;
    let release!: () => void;
    const shared = new SharedReads(
      async (key) => {
        reads += 1;
        await new Promise<void>((resolve) => (release = resolve));
        return `${key}#${reads}`;
      },
      { freshMs: 1_000 },
    );
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
    const shared = new SharedReads(
      async () => {
        reads += 1;
        if (reads === 1) throw new Error('Redis down');
        return reads;
      },
      { freshMs: 1_000 },
    );
    await expect(shared.get()).rejects.toThrow('Redis down');
    expect(await shared.get()).toBe(2);
    expect(await shared.get()).toBe(2);
  });

  it('keep at most maxKeys answers, however many keys callers ask for', async () => {
    let reads = 0;
    const shared = new SharedReads(
      async (key) => {
        reads += 1;
        return key;
      },
      { freshMs: 60_000, maxKeys: 3 },
    );
    for (const key of ['a', 'b', 'c', 'd']) await shared.get(key);
    expect(reads).toBe(4);
    await shared.get('d');
    expect(reads).toBe(4);
    await shared.get('a');
    expect(reads).toBe(5);
  });

  it('run at most maxReading reads at once, and wait at most deadlineMs for one', async () => {
    const never = new SharedReads(() => new Promise<string>(() => {}), { freshMs: 1_000, maxReading: 2, deadlineMs: 5_000 });
    const first = never.get('a').catch((err: Error) => err.message);
    const second = never.get('b').catch((err: Error) => err.message);
    // A third key is refused at once: two reads are under way.
    await expect(never.get('c')).rejects.toBeInstanceOf(ReadsBusyError);
    // The same key shares the read under way, busy or not.
    const again = never.get('a').catch((err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await Promise.all([first, second, again])).toEqual(Array(3).fill('no answer within 5 s'));
    // A read that outlasts the deadline keeps its place until it ends.
    await expect(never.get('d')).rejects.toBeInstanceOf(ReadsBusyError);
  });
});
