/**
 * Connected transactional producers kept between chunks, one per replay, so a replay does not
 * connect and register a producer every REPLAY_CHUNK_MS. One unused for a while is disconnected.
 */
import type { Producer } from 'kafkajs';

/** Longer than the pause between two chunks of a running replay. */
const IDLE_MS = 30_000;

export class IdleProducers {
  private readonly idle = new Map<string, { producer: Producer; timer: NodeJS.Timeout }>();

  /** The replay's idle producer, now in use, if there is one. */
  take(replayId: string): Producer | undefined {
    const entry = this.idle.get(replayId);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.idle.delete(replayId);
    return entry.producer;
  }

  /** Keeps the producer for the replay's next chunk. */
  put(replayId: string, producer: Producer): void {
    void this.drop(replayId);
    const timer = setTimeout(() => void this.drop(replayId), IDLE_MS).unref();
    this.idle.set(replayId, { producer, timer });
  }

  /** Disconnects the replay's idle producer: a new one has fenced it. */
  async drop(replayId: string): Promise<void> {
    await this.take(replayId)
      ?.disconnect()
      .catch(() => {});
  }
}
