/**
 * Waiting at most so long for a promise: the one helper for every deadline in the project (a probe,
 * a funnel read, a first paint, a backtest's answer). The promise itself runs on; only the wait ends.
 */

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** `promise`, or a `DeadlineError` with `message` once `ms` have passed. */
export function withinDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What `promise` gives within `ms`, or null: for figures worth showing only if they come in time (a failure is null too). */
export const valueWithin = <T>(promise: Promise<T>, ms: number): Promise<T | null> => withinDeadline(promise, ms, 'late').catch(() => null);
