import type { SharedProducer } from '../../clients/shared-producer';
import type { Config } from '../../lib/config';
import type { ReplayChunkInput, ReplayChunkResult } from '../../lib/replay/chunk';
import { replayChunk } from './replay-chunk';

export interface ReplayActivities {
  /** Replays about REPLAY_CHUNK_MS of the click log from the input's position. */
  replayChunk(input: ReplayChunkInput): Promise<ReplayChunkResult>;
}

/** The replay's activities; chunks send through the worker process's shared producer. */
export function createReplayActivities({ config, producer }: { config: Config; producer: SharedProducer }): ReplayActivities {
  return {
    async replayChunk(input) {
      return replayChunk(input, { producer: await producer.get(), topics: config.kafka.topics });
    },
  };
}
