/*
 * Reading one partition of a log up to a known end: a state store's changelog, a key's latest
 * record, or a backtest's clicks. kafkajs reads only through consumer groups, hence the throwaway
 * group below.
 */
import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Admin, type Kafka, type KafkaMessage, type PartitionAssigner } from 'kafkajs';
import { withinDeadline } from '../../lib/deadline';

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
 */
export async function readChangelog(kafka: Kafka, topic: string, partition: number, from: bigint, end: bigint): Promise<Map<string, string | null>> {
  const latest = new Map<string, string | null>();
  await readPartition(kafka, topic, partition, from, end, (messages) => {
    for (const m of messages) latest.set(m.key!.toString(), m.value === null ? null : m.value.toString());
  });
  return latest;
}

/**
 * Hands `each` the committed records of `partition` from offset `from` up to `end`, in batches,
 * in offset order; resolves once `end` is reached.
 *
 * kafkajs only reads through consumer groups, so this joins a throwaway group whose assigner
 * hands its single member just this partition, and seeks to `from`. Progress is tracked with the
 * batch events, which also report batches holding only transaction markers.
 */
export async function readPartition(
  kafka: Kafka,
  topic: string,
  partition: number,
  from: bigint,
  end: bigint,
  each: (messages: KafkaMessage[]) => void | Promise<void>,
  timeoutMs = RESTORE_TIMEOUT_MS,
): Promise<void> {
  if (from >= end) return;
  const consumer = kafka.consumer({
    groupId: `${topic}-read-${randomUUID()}`,
    partitionAssigners: [onlyPartition(topic, partition)],
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  let reachedEnd!: () => void;
  const done = new Promise<void>((resolve) => (reachedEnd = resolve));
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (BigInt(payload.lastOffset) + 1n >= end) reachedEnd();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      // A fetch started before the seek below took effect may start earlier; records past `end` came after the read began.
      eachBatch: async ({ batch }) => each(batch.messages.filter((m) => BigInt(m.offset) >= from && BigInt(m.offset) < end)),
    });
    consumer.seek({ topic, partition, offset: from.toString() });
    await withinDeadline(done, timeoutMs, `reading ${topic}/${partition} from ${from} to ${end} took over ${timeoutMs} ms`);
  } finally {
    await consumer.disconnect();
  }
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
