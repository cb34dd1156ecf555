/**
 * What every long-running stream consumer (enrichment, aggregation, detection feeding) is given by
 * the activity that hosts it: a signal that says stop (worker shutdown or activity cancellation),
 * a heartbeat to report its position, and a logger. A consumer returns once it has stopped cleanly
 * (offsets committed, producers flushed); it throws on failures Temporal should retry.
 */
export interface ConsumerRun {
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
  log: Logger;
}

export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Resolves when the signal aborts: consumers await it to keep running until told to stop. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
