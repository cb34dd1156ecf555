import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { config, uniqueName } from './support';

const kafka = createKafka(config.kafka, 'test');
const topic = uniqueName('it-roundtrip');

describe('real Kafka', () => {
  beforeAll(async () => {
    expect(await ensureTopics(kafka, config.kafka, [topic])).toEqual([topic]);
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('creates the project topics with the configured partition count', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(config.kafka.topics) });
    await admin.disconnect();
    expect(topics.map((t) => t.name).sort()).toEqual(Object.values(config.kafka.topics).sort());
    // The replay's positions are one compacted partition: one writer per replay, read back whole.
    for (const t of topics) expect(t.partitions).toHaveLength(t.name === config.kafka.topics.replayPositions ? 1 : config.kafka.partitions);
  });

  it('delivers every produced message to a consumer group, each key on one partition', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = Array.from({ length: 200 }, (_, i) => ({ key: `visitor-${i % 17}`, value: JSON.stringify({ n: i }) }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('it-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; n: number; partition: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of 200 messages arrived`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({ key: message.key!.toString(), n: JSON.parse(message.value!.toString()).n, partition });
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    expect(received.map((r) => r.n).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    const partitionsByKey = new Map<string, Set<number>>();
    for (const r of received) partitionsByKey.set(r.key, (partitionsByKey.get(r.key) ?? new Set()).add(r.partition));
    expect(partitionsByKey.size).toBe(17);
    for (const parts of partitionsByKey.values()) expect(parts.size).toBe(1);
  });
});
