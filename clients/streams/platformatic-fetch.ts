/**
 * Reading partitions with @platformatic/kafka's bare Fetch (no MessagesStream): the stage link
 * (platformatic-link.ts) needs per-partition pause, one batch per partition in flight, and exact
 * positions, which the stream does not offer; changelog restores need no group at all.
 */
import { FetchIsolationLevels, IS_CONTROL, IS_TRANSACTIONAL, type Consumer, type RecordsBatch } from '@platformatic/kafka';
import type { StageRecord } from './processor';

/** What kafkajs fetches per partition and per request by default, so both links batch alike. */
const PARTITION_MAX_BYTES = 1_048_576;
const FETCH_MAX_BYTES = 10_485_760;
/** Kafka's error code for a fetch position outside the log (deleted by retention or compaction). */
const OFFSET_OUT_OF_RANGE = 1;
/** The control record type of an abort marker (its key: version int16, type int16). */
const ABORT_MARKER = 0;

export interface PartitionRead {
  records: StageRecord[];
  /** The offset after the last batch read (transaction markers included); null when nothing came. */
  nextOffset: bigint | null;
}

export interface FetchedPartitions {
  reads: Map<number, PartitionRead>;
  /** Partitions whose position fell out of the log: where the log now starts. */
  outOfRange: Map<number, bigint>;
}

/**
 * The committed records of a read_committed fetch, as Java's consumer keeps them: a producer's
 * batches are skipped from the first offset of each of its aborted transactions up to that
 * transaction's abort marker. (@platformatic/kafka filters with one range per producer, so a
 * producer's earlier aborted transaction in the same fetch would slip through: a fenced and
 * reclaimed partition producer keeps its producer id.)
 */
export function committedRecords(batches: RecordsBatch[], aborted: { producerId: bigint; firstOffset: bigint }[], from: bigint): PartitionRead {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  const records: StageRecord[] = [];
  let nextOffset: bigint | null = null;
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    nextOffset = lastOffset + 1n;
    while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) abortedProducers.add(pending.shift()!.producerId);
    if (batch.attributes & IS_CONTROL) {
      if (batch.records[0]?.key?.readInt16BE(2) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      if (offset >= from) records.push({ offset: offset.toString(), key: record.key, value: record.value });
    }
  }
  return { records, nextOffset };
}

/**
 * One read_committed fetch of `positions` (partition to next offset) of `topic`, one request per
 * leader, at once. Throws what the broker answered but an offset out of range, which it reports.
 */
export async function fetchPartitions(consumer: Consumer, topic: string, positions: Map<number, bigint>, maxWaitTime: number): Promise<FetchedPartitions> {
  const metadata = await consumer.metadata({ topics: [topic] });
  const topicMetadata = metadata.topics.get(topic);
  if (!topicMetadata) throw new Error(`no metadata for topic ${topic}`);
  const byLeader = new Map<number, number[]>();
  for (const partition of positions.keys()) {
    const leader = topicMetadata.partitions[partition]?.leader ?? -1;
    if (leader < 0) throw new Error(`${topic}/${partition} has no leader`);
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
  }
  const result: FetchedPartitions = { reads: new Map(), outOfRange: new Map() };
  await Promise.all(
    [...byLeader].map(async ([node, partitions]) => {
      const request = {
        node,
        maxWaitTime,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        topics: [
          {
            topicId: topicMetadata.id,
            partitions: partitions.map((partition) => ({
              partition,
              fetchOffset: positions.get(partition)!,
              partitionMaxBytes: PARTITION_MAX_BYTES,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          },
        ],
      };
      let response;
      try {
        response = await consumer.fetch(request);
      } catch (err) {
        const outOfRange = outOfRangePartitions(err);
        if (outOfRange.size === 0) throw err;
        for (const [partition, logStart] of outOfRange) result.outOfRange.set(partition, logStart);
        return;
      }
      for (const { partitions: answered } of response.responses) {
        for (const p of answered) {
          if (!positions.has(p.partitionIndex)) continue; // a fetch session may still carry partitions asked for earlier
          result.reads.set(p.partitionIndex, committedRecords(p.records ?? [], p.abortedTransactions ?? [], positions.get(p.partitionIndex)!));
        }
      }
    }),
  );
  return result;
}

/** The partitions a failed fetch reports out of range, with where their logs start. */
function outOfRangePartitions(err: unknown): Map<number, bigint> {
  const found = new Map<number, bigint>();
  const response = (err as { response?: { responses?: { partitions: { partitionIndex: number; errorCode: number; logStartOffset: bigint }[] }[] } }).response;
  for (const topic of response?.responses ?? []) {
    for (const p of topic.partitions) if (p.errorCode === OFFSET_OUT_OF_RANGE) found.set(p.partitionIndex, p.logStartOffset);
  }
  return found;
}

/**
 * The latest value of each key written to `partition` of `topic` from `from` up to `end`
 * (committed records only; null for a tombstone), read without a group.
 */
export async function readLatestValues(
  consumer: Consumer,
  topic: string,
  partition: number,
  from: bigint,
  end: bigint,
  timeoutMs: number,
): Promise<Map<string, string | null>> {
  const latest = new Map<string, string | null>();
  const deadline = Date.now() + timeoutMs;
  let position = from;
  while (position < end) {
    if (Date.now() > deadline) throw new Error(`reading ${topic}/${partition} from ${from} to ${end} took over ${timeoutMs} ms`);
    const { reads, outOfRange } = await fetchPartitions(consumer, topic, new Map([[partition, position]]), 100);
    const skipTo = outOfRange.get(partition);
    if (skipTo !== undefined) {
      position = skipTo > position ? skipTo : end; // compacted away below the log start: nothing more to read
      continue;
    }
    const read = reads.get(partition);
    if (!read?.nextOffset) continue;
    for (const r of read.records) if (BigInt(r.offset) < end) latest.set(r.key!.toString(), r.value === null ? null : r.value.toString());
    position = read.nextOffset;
  }
  return latest;
}
