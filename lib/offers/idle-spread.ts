/**
 * When an idle visitor workflow completes. Every visitor of a burst goes idle at about the same
 * moment, and with one fixed timeout their completions all fell due together: 3,000 timers firing
 * in the same second overwhelmed the Temporal server. Each visitor waits a little longer, by a delay
 * fixed by their id, so a burst's completions spread evenly over the spread window. Deterministic
 * (the workflow computes it on every replay) and never shorter than the configured timeout, which
 * must stay at least the rules' window.
 */
import { fnv1a } from '../fnv1a';

/** Share of the idle timeout the completions spread over: 30 minutes idle, spread over the next 6. */
export const IDLE_SPREAD_FRACTION = 0.2;

/** The visitor's idle timeout: `idleTimeoutMs` plus a delay in [0, IDLE_SPREAD_FRACTION × idleTimeoutMs) fixed by `userId`. */
export function spreadIdleTimeoutMs(userId: string, idleTimeoutMs: number): number {
  return idleTimeoutMs + Math.floor((fnv1a(userId) / 2 ** 32) * idleTimeoutMs * IDLE_SPREAD_FRACTION);
}
