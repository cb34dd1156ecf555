/*
 * Reading one partition of a log up to a known end: a state store's changelog, or a key's latest
 * record. kafkajs reads only through consumer groups, hence the throwaway group below.
 */
import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Admin, type Kafka, type PartitionAssigner } from 'kafkajs';

/** How long replaying one changelog partition may take before the worker gives up (and Temporal retries it). */
const RESTORE_TIMEOUT_MS = 120_000;

export async function changelogOffsets(admin: Admin, topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
  const offsets = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
  if (!offsets) throw new Error(`changelog ${topic} has no partition ${partition}`);
  return { low: BigInt(offsets.low), high: BigInt(offsets.high) };
}

/**
 * The latest value of each key written to changelog `partition` from offset `from` up to `end`
 * (committed records only; null for a key whose last record is a tombstone).
 *
 * kafkajs only reads through consumer groups, so this joins a throwaway group whose assigner
 * hands its single member just this partition, and seeks to `from`. Progress is tracked with the
 * batch events, which also report batches holding only transaction markers.
 */
export async function readChangelog(kafka: Kafka, topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>> {
  const latest = new Map<string, string | null>();
  if (from >= end) return latest;
  const consumer = kafka.consumer({
    groupId: `${topic}-restore-${randomUUID()}`,
    partitionAssigners: [onlyPartition(topic, partition)],
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  let reachedEnd!: () => void;
  const done = new Promise<void>((resolve) => (reachedEnd = resolve));
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (BigInt(payload.lastOffset) + 1n >= end) reachedEnd();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          // A fetch started before the seek below took effect may start earlier.
          if (BigInt(m.offset) >= from) latest.set(m.key!.toString(), m.value === null ? null : m.value.toString());
        }
      },
    });
    consumer.seek({ topic, partition, offset: from.toString() });
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`replaying ${topic}/${partition} from ${from} to ${end} took over ${RESTORE_TIMEOUT_MS} ms`)), RESTORE_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return latest;
}

/** An assigner that gives the group's first member `partition` of `topic`, and nothing else. */
function onlyPartition(topic: string, partition: number): PartitionAssigner {
  const name = 'SinglePartition';
  const version = 1;
  return () => ({
    name,
    version,
    async assign({ members }) {
      return members.map(({ memberId }, i) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment: i === 0 ? { [topic]: [partition] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol: ({ topics }) => ({ name, metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: Buffer.alloc(0) }) }),
  });
}
