import { logLevel } from 'kafkajs';
import type { Config } from '../lib/config';
import { createKafka } from './kafka';
import { createRedis } from './redis';
import proto from '@temporalio/proto';
import { connectTemporal } from './temporal';

// @temporalio/proto is CommonJS: its namespaces come through the default export.
const { TaskQueueType } = proto.temporal.api.enums.v1;

export type ServiceName = 'kafka' | 'redis' | 'temporal';
export const SERVICES: readonly ServiceName[] = ['kafka', 'redis', 'temporal'];

export type Probe = { up: true; address: string; detail: string } | { up: false; address: string; reason: string };

/** Asks each service a real protocol question (not just "is the port open"), within `timeoutMs`. */
export async function probe(service: ServiceName, config: Config, timeoutMs = 3_000): Promise<Probe> {
  const address = addressOf(service, config);
  try {
    const detail = await withTimeout(ask(service, config), timeoutMs, `no answer within ${timeoutMs} ms`);
    return { up: true, address, detail };
  } catch (err) {
    return { up: false, address, reason: reasonOf(err) };
  }
}

function addressOf(service: ServiceName, config: Config): string {
  switch (service) {
    case 'kafka':
      return config.kafka.brokers.join(',');
    case 'redis':
      return `${config.redis.host}:${config.redis.port}`;
    case 'temporal':
      return config.temporal.address;
  }
}

async function ask(service: ServiceName, config: Config): Promise<string> {
  switch (service) {
    case 'kafka': {
      const admin = createKafka(config.kafka, 'probe', logLevel.NOTHING).admin({ retry: { retries: 0 } });
      await admin.connect();
      try {
        const cluster = await admin.describeCluster();
        return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
      } finally {
        await admin.disconnect();
      }
    }
    case 'redis': {
      const redis = createRedis(config.redis, { lazyConnect: true, maxRetriesPerRequest: 0 });
      // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
      let socketError: Error | undefined;
      redis.on('error', (err: Error) => (socketError ??= err));
      try {
        await redis.connect().catch((err: Error) => {
          throw socketError ?? err;
        });
        const pong = await redis.ping();
        const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
        return `${pong}, redis ${version}`;
      } finally {
        redis.disconnect();
      }
    }
    case 'temporal': {
      const client = await connectTemporal(config.temporal);
      try {
        const info = await client.workflowService.getSystemInfo({});
        await client.workflowService.describeNamespace({ namespace: config.temporal.namespace });
        return `server ${info.serverVersion ?? '?'}, namespace ${config.temporal.namespace}`;
      } finally {
        await client.connection.close();
      }
    }
  }
}

function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { message?: string } };
  return [e.code, e.message, e.cause?.message].filter(Boolean).join(': ') || String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface WorkerPollers {
  taskQueue: string;
  up: boolean;
  /** Worker identities polling the queue in the last minute. */
  pollers: string[];
  reason?: string;
}

/** Which worker processes poll each task queue: a worker is up when Temporal sees it polling. */
export async function probeWorkers(config: Config, queues: { taskQueue: string; type: 'workflow' | 'activity' }[]): Promise<WorkerPollers[]> {
  let client: Awaited<ReturnType<typeof connectTemporal>> | undefined;
  try {
    client = await withTimeout(connectTemporal(config.temporal), 3_000, 'Temporal did not answer within 3000 ms');
    const connected = client;
    return await Promise.all(
      queues.map(async ({ taskQueue, type }) => {
        const res = await connected.workflowService.describeTaskQueue({
          namespace: config.temporal.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: TaskQueueType[type === 'workflow' ? 'TASK_QUEUE_TYPE_WORKFLOW' : 'TASK_QUEUE_TYPE_ACTIVITY'],
        });
        const pollers = (res.pollers ?? []).map((p) => p.identity ?? '?');
        return pollers.length > 0 ? { taskQueue, up: true, pollers } : { taskQueue, up: false, pollers, reason: 'no worker polls this task queue' };
      }),
    );
  } catch (err) {
    return queues.map(({ taskQueue }) => ({ taskQueue, up: false, pollers: [], reason: reasonOf(err) }));
  } finally {
    await client?.connection.close();
  }
}
