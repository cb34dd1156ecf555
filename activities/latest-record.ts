/**
 * The last committed record of one key, for a transactional writer that resumes after a crash: it
 * first fences its predecessor (so no transaction of it is still open), then asks what it had
 * committed. Only the key's partition is read, and only from a given time on, so the cost stays
 * small however long the topic is.
 */
import { Partitioners, type Kafka } from 'kafkajs';
import { changelogOffsets, readChangelog } from '../clients/streams/partition-reader';

/**
 * The value of `key`'s last committed record on `topic` written at or after `since` (ms, the
 * producers' clocks), `null` for a tombstone, `undefined` when there is none. Producers must place
 * records by key with kafkajs' DefaultPartitioner (Java's hashing), as SharedProducer does.
 */
export async function latestCommittedValue(kafka: Kafka, topic: string, key: string, since: number): Promise<string | null | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    if (!metadata) throw new Error(`topic ${topic} not found`);
    const partition = Partitioners.DefaultPartitioner()({ topic, partitionMetadata: metadata.partitions, message: { key, value: null } });
    // The first offset written at `since` or later; the end offset when nothing was.
    const from = (await admin.fetchTopicOffsetsByTimestamp(topic, since)).find((o) => o.partition === partition)!.offset;
    const { high } = await changelogOffsets(admin, topic, partition);
    return (await readChangelog(kafka, topic, partition, BigInt(from), high)).get(key);
  } finally {
    await admin.disconnect();
  }
}
