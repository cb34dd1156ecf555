import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineError, valueWithin, withinDeadline } from '../../lib/deadline';

describe('a deadline', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('gives what comes in time, and a DeadlineError naming what did not', async () => {
    expect(await withinDeadline(Promise.resolve(7), 1_000, 'x')).toBe(7);
    const late = withinDeadline(new Promise(() => {}), 1_000, 'Temporal did not answer');
    const failed = late.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await failed).toEqual(new DeadlineError('Temporal did not answer'));
    await expect(withinDeadline(Promise.reject(new Error('down')), 1_000, 'x')).rejects.toThrow('down');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives null for a figure that is late or failed', async () => {
    expect(await valueWithin(Promise.resolve('feed'), 1_500)).toBe('feed');
    expect(await valueWithin(Promise.reject(new Error('Redis down')), 1_500)).toBeNull();
    const late = valueWithin(new Promise(() => {}), 1_500);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(await late).toBeNull();
  });
});
