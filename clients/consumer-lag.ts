/** A consumer group's lag on one topic, from the topic's high watermarks and the group's committed offsets. */
export interface PartitionOffsets {
  partition: number;
  /** Next offset to be written. */
  high: string;
  /** Oldest offset still stored. */
  low: string;
}

/** Committed offsets as kafkajs returns them: "-1" for a partition the group never committed. */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

/** Messages not yet consumed, summed over partitions; an uncommitted partition lags by all it holds. */
export function consumerLag(topic: PartitionOffsets[], committed: CommittedOffset[]): number {
  const done = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let lag = 0;
  for (const p of topic) {
    const high = Number(p.high);
    const at = done.get(p.partition) ?? -1;
    lag += Math.max(0, high - (at >= 0 ? at : Number(p.low)));
  }
  return lag;
}
