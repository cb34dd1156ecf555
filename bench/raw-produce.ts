/**
 * The produce side's ceiling: what a client does writing enriched-size records with no other
 * work, in the enrichment's shape (per-partition producers, sends split as the stages split theirs,
 * transactions of a consumer batch's size), to a scratch topic.
 */
import { Producer as PlatformaticProducer } from '@platformatic/kafka';
import type { Kafka } from 'kafkajs';
import { splitTopicMessages } from '../lib/produce-requests';
import type { EnrichedClick } from '../lib/schema';
import { perSecond } from './stats';

/** Records per transaction: about what one fetch of a partition gives the enrichment at full speed. */
const PER_TRANSACTION = 2_000;

const sample: EnrichedClick = {
  clickId: 'r-0196f0c4-1-123456',
  userId: '8532F51C-B1F2-41ED-BF48-D489C64F70FE',
  productId: 'XI45049520',
  ip: '131.111.36.9',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0',
  timestamp: 1_780_272_022_000,
  originalTimestamp: 1_780_272_022_000,
  source: 'replay',
  category: 'clothing',
  title: 'Linen Shirt',
  gender: 'M',
  birthDate: '1984-05-02',
  age: 42,
  country: 'United Kingdom',
  deviceType: 'Desktop',
};
const value = JSON.stringify(sample);

function lanes(partitions: number, total: number, lane: (partition: number, count: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  return Promise.all(Array.from({ length: partitions }, (_, p) => lane(p, Math.floor(total / partitions)))).then(() =>
    perSecond(total - (total % partitions), performance.now() - started),
  );
}

/** kafkajs, as the enrichment writes: one transactional producer per partition. */
export function rawProduceKafkajs(kafka: Kafka, topic: string, partitions: number, total: number, transactional: boolean): Promise<number> {
  return lanes(partitions, total, async (partition, count) => {
    const producer = kafka.producer(
      transactional ? { transactionalId: `${topic}-p${partition}`, idempotent: true, maxInFlightRequests: 1 } : { idempotent: true },
    );
    await producer.connect();
    for (let sent = 0; sent < count; sent += PER_TRANSACTION) {
      const n = Math.min(PER_TRANSACTION, count - sent);
      const messages = Array.from({ length: n }, (_, i) => ({ key: `v${i}`, value, partition }));
      const tx = transactional ? await producer.transaction() : producer;
      for (const topicMessages of splitTopicMessages([{ topic, messages }])) await tx.sendBatch({ topicMessages });
      if (transactional) await (tx as Awaited<ReturnType<typeof producer.transaction>>).commit();
    }
    await producer.disconnect();
  });
}

/** The same writes with @platformatic/kafka: idempotent, or in transactions of the same size as kafkajs'. */
export function rawProducePlatformatic(brokers: string[], topic: string, partitions: number, total: number, transactional = false): Promise<number> {
  return lanes(partitions, total, async (partition, count) => {
    const producer = new PlatformaticProducer({
      clientId: `bench-produce-${partition}`,
      bootstrapBrokers: brokers,
      idempotent: true,
      ...(transactional ? { transactionalId: `${topic}-platformatic-p${partition}` } : {}),
    });
    for (let sent = 0; sent < count; sent += PER_TRANSACTION) {
      const n = Math.min(PER_TRANSACTION, count - sent);
      const messages = Array.from({ length: n }, (_, i) => ({ key: `v${i}`, value, partition }));
      const tx = transactional ? await producer.beginTransaction() : producer;
      for (const [request] of splitTopicMessages([{ topic, messages }])) {
        await tx.send({ messages: request!.messages.map((m) => ({ topic, key: Buffer.from(m.key), value: Buffer.from(m.value), partition })) });
      }
      if (transactional) await (tx as Awaited<ReturnType<typeof producer.beginTransaction>>).commit();
    }
    await producer.close();
  });
}
