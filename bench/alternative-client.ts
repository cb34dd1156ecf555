/**
 * The same bare read as `rawConsume`, with another pure-JavaScript Kafka client
 * (@platformatic/kafka): does the ceiling move with the client? (docs/benchmarks.md, "The Kafka client").
 */
import { randomUUID } from 'node:crypto';
import { Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import type { RawConsumeResult } from './measure';
import { perSecond } from './stats';

const QUIET_MS = 2_000;

export async function rawConsumePlatformatic(brokers: string[], topic: string): Promise<RawConsumeResult> {
  const consumer = new Consumer({ groupId: `bench-raw-${randomUUID()}`, clientId: 'bench-raw-platformatic', bootstrapBrokers: brokers });
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'earliest',
    autocommit: false,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: 200,
  });
  let records = 0;
  let firstAt = 0;
  let lastAt = 0;
  stream.on('data', () => {
    const now = performance.now();
    if (firstAt === 0) firstAt = now;
    records += 1;
    lastAt = now;
  });
  while (lastAt === 0 || performance.now() - lastAt < QUIET_MS) await new Promise((r) => setTimeout(r, 100));
  await stream.close();
  await consumer.close();
  return { records, perSecond: perSecond(records - 1, lastAt - firstAt) };
}
