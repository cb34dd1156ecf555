/** Throughput measurements on Kafka: a bare consumer's ceiling, and how fast a consumer group drains its input. */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { perSecond, progressFraction } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a count must stay still before a topic counts as read to its end. */
const QUIET_MS = 2_000;

export interface RawConsumeResult {
  records: number;
  perSecond: number;
}

/**
 * The ceiling: the same kafkajs client and consumer settings as the workers (read committed,
 * 200 ms max wait), reading the whole topic from the beginning and doing nothing with it. The
 * clock runs from the first batch to the last, so group joining is not counted.
 */
export async function rawConsume(kafka: Kafka, topic: string): Promise<RawConsumeResult> {
  const consumer = kafka.consumer({
    groupId: `bench-raw-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  let records = 0;
  let firstBatch = 0;
  let firstAt = 0;
  let lastAt = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      const now = performance.now();
      if (firstAt === 0) {
        firstAt = now;
        firstBatch = batch.messages.length;
      }
      records += batch.messages.length;
      lastAt = now;
    },
  });
  while (lastAt === 0 || performance.now() - lastAt < QUIET_MS) await sleep(100);
  await consumer.disconnect();
  return { records, perSecond: perSecond(records - firstBatch, lastAt - firstAt) };
}

export interface DrainResult {
  /** Input records the group processed in the measured span. */
  records: number;
  ms: number;
  perSecond: number;
}

/**
 * Watches a consumer group's committed offsets until it has read its whole input, and reports the
 * rate between its first commit (or `since`) and its last. `records` is the input's record count;
 * `inputDone` says the input has stopped growing (always, for a pre-loaded topic).
 */
export async function measureDrain(
  admin: Admin,
  o: {
    groupId: string;
    topic: string;
    records: () => number;
    inputDone: () => boolean;
    since?: number;
    /** Stop measuring after this long, drained or not: for stages slower than their input is long. */
    maxMs?: number;
    onProgress?: (fraction: number) => void;
  },
): Promise<DrainResult> {
  let startAt = o.since ?? 0;
  let startFraction = 0;
  let lastFraction = -1;
  let lastChangeAt = 0;
  let reportedAt = 0;
  for (;;) {
    const [committedRaw, endsRaw] = await Promise.all([admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] }), admin.fetchTopicOffsets(o.topic)]);
    const now = performance.now();
    const committed = new Map(committedRaw[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    const ends = new Map(endsRaw.map((p) => [p.partition, Number(p.high)]));
    const fraction = progressFraction(committed, ends);
    if (fraction !== lastFraction) {
      if (startAt === 0 && fraction > 0) {
        startAt = now;
        startFraction = fraction;
      }
      lastFraction = fraction;
      lastChangeAt = now;
    }
    if (now - reportedAt > 5_000) {
      o.onProgress?.(fraction);
      reportedAt = now;
    }
    // Transaction markers may trail the last record: nearly 1 and still for a while is done.
    const drained = o.inputDone() && fraction > 0.999 && now - lastChangeAt > QUIET_MS;
    if (drained || (startAt > 0 && o.maxMs !== undefined && now - startAt > o.maxMs)) {
      const records = Math.round(o.records() * (lastFraction - startFraction));
      return { records, ms: lastChangeAt - startAt, perSecond: perSecond(records, lastChangeAt - startAt) };
    }
    await sleep(100);
  }
}

/** Waits until the group has `members` members and is stable: consumers ready before a clock starts. */
export async function waitForGroup(admin: Admin, groupId: string, members: number, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group?.state === 'Stable' && group.members.length === members) return;
    if (performance.now() > deadline)
      throw new Error(`consumer group ${groupId} not stable with ${members} members in ${timeoutMs} ms (${group?.state}, ${group?.members.length})`);
    await sleep(250);
  }
}

/** Input records a consumer group has not committed yet. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [committedRaw, endsRaw] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  const committed = new Map(committedRaw[0]!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  return endsRaw.reduce((lag, p) => lag + Number(p.high) - (committed.get(p.partition) ?? 0), 0);
}

/** Samples a group's lag every 250 ms into `samples` (ms since the start, lag) until `stop`. */
export function watchLag(admin: Admin, groupId: string, topic: string): { samples: { at: number; lag: number }[]; stop: () => Promise<void> } {
  const started = performance.now();
  const samples: { at: number; lag: number }[] = [];
  let running = true;
  const watching = (async () => {
    while (running) {
      samples.push({ at: performance.now() - started, lag: await groupLag(admin, groupId, topic) });
      await sleep(250);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await watching;
    },
  };
}
