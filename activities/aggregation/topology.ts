import type { Config } from '../../lib/config';

/** Where the aggregation reads, writes and keeps its state. */
export interface AggregationTopology {
  input: string;
  deadLetter: string;
  /** Consumer group: the application id, as in Kafka Streams. */
  groupId: string;
  /** Compacted; partition p holds the state of input partition p. */
  changelog: string;
  /** One per input partition, stable across workers, so a partition's new owner fences the old one. */
  transactionalId(partition: number): string;
  /** This worker's RocksDB store. */
  stateDir: string;
}

export function aggregationTopology(config: Config): AggregationTopology {
  const { clientId, topics } = config.kafka;
  const groupId = `${clientId}-aggregation`;
  return {
    input: topics.enriched,
    deadLetter: topics.deadLetter,
    groupId,
    // The state belongs to this group's offsets on this input: both are in the name.
    changelog: `${groupId}-${topics.enriched}-changelog`,
    transactionalId: (partition) => `${groupId}-p${partition}`,
    stateDir: `${config.stateDir}/aggregation-${config.workerName}`,
  };
}
