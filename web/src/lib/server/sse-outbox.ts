/**
 * What one event stream holds for a client that has not taken it yet: at most one frame per key,
 * the newest (a newer frame of a key replaces the waiting one and moves to the back, so frames
 * still go out in the order of their last update). A client that falls behind gets the newest
 * state when it catches up, never a backlog, and memory per stream is bounded by its keys.
 */
import type { SseFrame } from './sse';

export interface OutboxLimits {
  /** Frames waiting at once; a frame of a new key beyond it means the client is hopelessly behind. */
  maxFrames: number;
  /** A client that took nothing for this long while frames waited is behind for good. */
  maxLagMs: number;
  /** Frames a client may miss (replaced by newer ones before it took them) since it last caught up: more, and it is behind for good. */
  maxMissed: number;
}

export class SseOutbox {
  private readonly waiting = new Map<string, Uint8Array>();
  /** Since when frames have waited without the client taking any; undefined while none wait. */
  private stalledSince: number | undefined;
  /** Frames replaced before the client took them, since it last had nothing waiting. */
  private missed = 0;

  constructor(private readonly limits: OutboxLimits) {}

  /** Queues a frame, replacing a waiting one of its key. False when it would exceed `maxFrames` or `maxMissed`. */
  put(frame: SseFrame, now: number): boolean {
    if (this.waiting.has(frame.key)) {
      this.waiting.delete(frame.key);
      if (++this.missed > this.limits.maxMissed) return false;
    } else if (this.waiting.size >= this.limits.maxFrames) return false;
    this.waiting.set(frame.key, frame.bytes);
    this.stalledSince ??= now;
    return true;
  }

  /** The oldest waiting frame's bytes, removed; undefined when none waits. */
  take(now: number): Uint8Array | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    const [key, bytes] = first.value;
    this.waiting.delete(key);
    this.stalledSince = this.waiting.size > 0 ? now : undefined;
    if (this.waiting.size === 0) this.missed = 0;
    return bytes;
  }

  /** Frames have waited `maxLagMs` without the client taking one. */
  stalled(now: number): boolean {
    return this.stalledSince !== undefined && now - this.stalledSince >= this.limits.maxLagMs;
  }

  get size(): number {
    return this.waiting.size;
  }
}
