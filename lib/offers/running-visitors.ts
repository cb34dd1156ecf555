/**
 * Which visitors may have a workflow running, as the detection feed saw it: every visitor it
 * signalled, until their workflow must have completed. A click that cannot start a sequence still
 * matters to such a visitor (it resets or continues their sequence), so the feed forwards it; it
 * may leave it out only for everyone else. A superset is harmless: the signal then finds no
 * workflow and the click changes nothing.
 */
import { IDLE_SPREAD_FRACTION } from './idle-spread';

export class RunningVisitors {
  /** By the time each was last signalled, oldest first (a re-mark moves the visitor to the end). */
  private readonly signalledAt = new Map<string, number>();
  private readonly lifetimeMs: number;

  /** `idleTimeoutMs`: the workflows' idle timeout; each may wait up to its spread on top. */
  constructor(idleTimeoutMs: number) {
    this.lifetimeMs = Math.ceil(idleTimeoutMs * (1 + IDLE_SPREAD_FRACTION));
  }

  get size(): number {
    return this.signalledAt.size;
  }

  mark(userId: string, now: number): void {
    this.signalledAt.delete(userId);
    this.signalledAt.set(userId, now);
    for (const [oldest, at] of this.signalledAt) {
      if (now - at < this.lifetimeMs) break;
      this.signalledAt.delete(oldest);
    }
  }

  has(userId: string, now: number): boolean {
    const at = this.signalledAt.get(userId);
    return at !== undefined && now - at < this.lifetimeMs;
  }
}
