import { Context } from '@temporalio/activity';
import type { Kafka, Producer } from 'kafkajs';
import { attemptProducer } from '../../clients/kafka';
import type { Config } from '../../lib/config';
import type { ReplayChunkInput, ReplayChunkResult } from '../../lib/replay/chunk';
import { replayTransactionalId } from '../../lib/replay/position-record';
import { IdleProducers } from './idle-producers';
import { ReplayPositions } from './position-store';
import { replayChunk } from './replay-chunk';
import { replayMetrics } from './replay-metrics';

export interface ReplayActivities {
  /** Replays about REPLAY_CHUNK_MS of the click log from the input's position, exactly once. */
  replayChunk(input: ReplayChunkInput): Promise<ReplayChunkResult>;
}

/**
 * The replay's activities. Chunks send through a transactional producer with the replay's
 * transactional id: kept from chunk to chunk, but new for a retried attempt, whose first
 * transaction then fences every attempt before it, on any worker.
 */
export function createReplayActivities({ config, kafka }: { config: Config; kafka: Kafka }): ReplayActivities {
  const positions = new ReplayPositions(kafka, config.kafka);
  const idle = new IdleProducers();

  async function connectProducer(replayId: string): Promise<Producer> {
    await idle.drop(replayId); // about to be fenced by the new one
    const producer = attemptProducer(kafka, replayTransactionalId(config.kafka.clientId, replayId));
    await producer.connect();
    return producer;
  }

  return {
    async replayChunk(input) {
      await positions.ensureTopic();
      const { attempt } = Context.current().info;
      const producer = (attempt === 1 ? idle.take(input.replayId) : undefined) ?? (await connectProducer(input.replayId));
      const started = performance.now();
      try {
        const result = await replayChunk(input, { producer, positions, topics: config.kafka.topics });
        idle.put(input.replayId, producer);
        replayMetrics.rows.inc({ outcome: 'sent' }, result.sent);
        replayMetrics.rows.inc({ outcome: 'rejected' }, result.rejected);
        replayMetrics.rowsPerSecond.reset();
        replayMetrics.rowsPerSecond.set({ mode: input.pace.mode }, result.sent / Math.max(0.001, (performance.now() - started) / 1000));
        return result;
      } catch (err) {
        await producer.disconnect().catch(() => {});
        throw err;
      }
    },
  };
}
