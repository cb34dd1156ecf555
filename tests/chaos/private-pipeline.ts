/**
 * What the chaos tests share: a private pipeline's data files, its
 * workers and consumer workflows, a reader that keeps every record of a topic, and the clean-up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Partitioners, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { projectTopics } from '../../clients/kafka';
import { CONSUMER_KINDS, type ConsumerKind } from '../../lib/consumer-kinds';
import type { Config } from '../../lib/config';
import { generateClickRows } from '../../scripts/datagen/click-log';
import { csvRow } from '../../scripts/datagen/csv';
import { generateProducts } from '../../scripts/datagen/products';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { CLICK_LOG_COLUMNS, type Product, type Visitor } from '../../lib/schema';
import { topology, topologyTopics } from '../../lib/topology';
import { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { stopAll, WorkerProcess } from '../integration/pipeline-support';
import { uniqueName } from '../integration/support';

/**
 * Writes products.json and users.json of a small deterministic data set into `dir`, and clicks.csv
 * with `clickRows` well-formed rows of its visitors when asked.
 */
export function writeDataSet(dir: string, visitorCount: number, { seed = 7, clickRows = 0 } = {}): { products: Product[]; visitors: Visitor[] } {
  const products = generateProducts(seed);
  const visitors = generateVisitors(seed, visitorCount);
  writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
  writeFileSync(join(dir, 'users.json'), visitors.map(visitorJsonLine).join(''));
  if (clickRows > 0) {
    const rows = generateClickRows({ seed, rows: clickRows, products, visitors, malformedRate: 0 });
    writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));
  }
  return { products, visitors };
}

/** The orchestrator and one stream worker of each kind given, as `make up` runs them. */
export function pipelineProcesses(env: Record<string, string | undefined>, kinds: readonly ConsumerKind[] = CONSUMER_KINDS): WorkerProcess[] {
  return [
    new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' }),
    ...kinds.map((kind) => new WorkerProcess(kind, ['workers/stream-worker.ts', kind], { ...env, WORKER_NAME: `${kind}-1` })),
  ];
}

export const consumersWorkflowId = (taskQueue: string, kind: ConsumerKind) => `${taskQueue}-${kind}`;

export async function startConsumers(client: Client, taskQueue: string, kinds: readonly ConsumerKind[]): Promise<void> {
  for (const kind of kinds) {
    await client.workflow.start(streamConsumersWorkflow, { taskQueue, workflowId: consumersWorkflowId(taskQueue, kind), args: [{ kind, consumers: 1 }] });
  }
}

/**
 * The attempt each kind's consumer activity is on: 1 means it never failed (no crash, no retry).
 * Read from the consumers workflow's pending activity.
 */
export async function consumerAttempts(client: Client, taskQueue: string, kinds: readonly ConsumerKind[]): Promise<Record<string, number>> {
  const attempts: Record<string, number> = {};
  for (const kind of kinds) {
    const { raw } = await client.workflow.getHandle(consumersWorkflowId(taskQueue, kind)).describe();
    attempts[kind] = raw.pendingActivities?.[0]?.attempt ?? 0;
  }
  return attempts;
}

/** Every record of a topic from its start, read committed, kept in arrival order. */
export class TopicReader {
  readonly records: KafkaMessage[] = [];
  /**
   * Records read again: after losing its group's coordinator the reader resumes from its group's
   * last auto-commit. A record is one offset of one partition, so these are not duplicates on the topic.
   */
  rereads = 0;
  private readonly read = new Set<string>();
  /** Why its consumer crashed, if it did: a reader that stopped reading says so in the failure. */
  readonly crashes: string[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer({ groupId: uniqueName('chaos-reader'), readUncommitted: false, maxWaitTimeInMs: 200 });
  }

  async start(): Promise<this> {
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => void this.crashes.push(`${String(payload.error)} (restart: ${payload.restart})`));
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        const at = `${partition}:${message.offset}`;
        if (this.read.has(at)) {
          this.rereads += 1;
          return;
        }
        this.read.add(at);
        this.records.push(message);
      },
    });
    return this;
  }

  /** What it read so far, for a failure message. */
  describe(): string {
    return `${this.topic}: ${this.records.length} records${this.rereads > 0 ? ` (${this.rereads} read again)` : ''}${this.crashes.length > 0 ? `, consumer crashed ${this.crashes.length} times, last: ${this.crashes.at(-1)}` : ''}`;
  }

  json<T>(): T[] {
    return this.records.map((m) => JSON.parse(m.value!.toString()) as T);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Idempotent, so a retried send cannot put a record on a topic twice and blur the counts. */
export function testProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
}

/** Stops what a private pipeline left running on the shared servers: workflows, topics, Redis keys. */
export async function removePipeline(client: Client, kafka: Kafka, config: Config, redis: Redis): Promise<void> {
  const running = client.workflow.list({
    query: `(TaskQueue = '${config.temporal.taskQueue}' OR TaskQueue = '${config.temporal.visitorTaskQueue}') AND ExecutionStatus = 'Running'`,
  });
  for await (const wf of running)
    await client.workflow
      .getHandle(wf.workflowId)
      .terminate('test over')
      .catch(() => {});
  const admin = kafka.admin();
  await admin.connect();
  // The stages' changelogs too (lib/topology.ts): those that exist.
  const existing = new Set(await admin.listTopics());
  const ours = [...new Set([...projectTopics(config.kafka), ...topologyTopics(topology(config))])].filter((t) => existing.has(t));
  await admin.deleteTopics({ topics: ours }).catch(() => {});
  await admin.disconnect();
  await redis.flushdb();
}

/** The end of a test on a private pipeline: its readers and workers stopped, its traces removed, its clients closed. */
export async function closePipeline(p: {
  client: Client;
  kafka: Kafka;
  config: Config;
  redis: Redis;
  producer: Producer;
  workers: WorkerProcess[];
  readers: TopicReader[];
}): Promise<void> {
  await Promise.all(p.readers.map((r) => r.stop()));
  await removePipeline(p.client, p.kafka, p.config, p.redis);
  await stopAll(p.workers);
  await p.producer.disconnect();
  await p.client.connection.close();
  p.redis.disconnect();
}
