import { defaultPayloadConverter, type Client } from '@temporalio/client';
import { logLevel } from 'kafkajs';
import type { Config } from '../lib/config';
import type { ConsumerKind } from '../lib/consumer-kinds';
import type { FiringAlert, MetricsTargetGroup } from '../lib/metrics';
import { consumerTaskQueue, WORKFLOW_IDS } from '../lib/task-queues';
import { topology } from '../lib/topology';
import { consumerLag } from './consumer-lag';
import { livePollers } from '../lib/worker-liveness';
import { withinDeadline } from '../lib/deadline';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createKafka } from './kafka';
import { createRedis } from './redis';
import proto from '@temporalio/proto';
import { connectTemporal } from './temporal';

// @temporalio/proto is CommonJS: its namespaces come through the default export.
const { TaskQueueType, PendingActivityState } = proto.temporal.api.enums.v1;

export type ServiceName = 'kafka' | 'redis' | 'temporal' | 'prometheus';
/** The services the pipeline needs; Prometheus watches it, and `make status` asks it apart. */
export const SERVICES: readonly ServiceName[] = ['kafka', 'redis', 'temporal'];
/** What the stack scripts start and wait for. */
export const STACK_SERVICES: readonly ServiceName[] = [...SERVICES, 'prometheus'];

export type Probe = { up: true; address: string; detail: string } | { up: false; address: string; reason: string };

/** Asks each service a real protocol question (not just "is the port open"), within `timeoutMs`. */
export async function probe(service: ServiceName, config: Config, timeoutMs = 3_000): Promise<Probe> {
  const address = addressOf(service, config);
  try {
    const detail = await withinDeadline(ask(service, config), timeoutMs, `no answer within ${timeoutMs} ms`);
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
    case 'prometheus':
      return config.observability.prometheus.url;
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
    case 'prometheus': {
      const res = await fetch(`${config.observability.prometheus.url}/-/ready`);
      if (!res.ok) throw new Error(`HTTP ${res.status} from /-/ready`);
      return (await res.text()).trim();
    }
  }
}

function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { message?: string } };
  const words = [e.message, e.cause?.message].filter((w): w is string => Boolean(w));
  // Node's socket errors name their code in the message already ("connect ECONNREFUSED 127.0.0.1:9090").
  if (e.code && !words.some((w) => w.includes(e.code!))) words.unshift(e.code);
  return words.join(': ') || String(err);
}

export interface WorkerHealth {
  taskQueue: string;
  up: boolean;
  /** Worker identities polling the queue, or running its long-lived consumer activities. */
  workers: string[];
  /** Consumers the stage runtime's watchdog replaced (silent, or membership crashed), over the running activities. */
  watchdogRestarts?: number;
  reason?: string;
}

export interface WorkerQueue {
  taskQueue: string;
  type: 'workflow' | 'activity';
  /** The workflow whose long-running activities this queue's workers run, if any. */
  consumersWorkflowId?: string;
}

/** A consumer activity whose heartbeat is older than this has lost its worker. */
const HEARTBEAT_STALE_MS = 20_000;

/**
 * Which worker processes serve each task queue. A worker that polls is up; so is one whose
 * long-running consumer activity heartbeats: it fills its only slot and then stops polling.
 */
async function probeWorkers(config: Config, queues: WorkerQueue[]): Promise<WorkerHealth[]> {
  let client: Awaited<ReturnType<typeof connectTemporal>> | undefined;
  try {
    client = await withinDeadline(connectTemporal(config.temporal), 3_000, 'Temporal did not answer within 3000 ms');
    const connected = client;
    return await Promise.all(
      queues.map(async ({ taskQueue, type, consumersWorkflowId }) => {
        const res = await connected.workflowService.describeTaskQueue({
          namespace: config.temporal.namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: TaskQueueType[type === 'workflow' ? 'TASK_QUEUE_TYPE_WORKFLOW' : 'TASK_QUEUE_TYPE_ACTIVITY'],
        });
        const seen = (res.pollers ?? []).map((p) => ({
          identity: p.identity ?? '?',
          lastAccessTime: p.lastAccessTime?.seconds ? Number(p.lastAccessTime.seconds) * 1000 : null,
        }));
        const pollers = livePollers(seen, Date.now(), hostname(), processAlive);
        const consuming = consumersWorkflowId ? await heartbeatingWorkers(connected, consumersWorkflowId) : [];
        const workers = [...new Set([...pollers, ...consuming.map((c) => c.identity)])];
        const watchdog = consumersWorkflowId ? { watchdogRestarts: consuming.reduce((sum, c) => sum + c.watchdogRestarts, 0) } : {};
        return workers.length > 0
          ? { taskQueue, up: true, workers, ...watchdog }
          : { taskQueue, up: false, workers, reason: 'no worker polls this task queue or runs its consumers' };
      }),
    );
  } catch (err) {
    return queues.map(({ taskQueue }) => ({ taskQueue, up: false, workers: [], reason: reasonOf(err) }));
  } finally {
    await client?.connection.close();
  }
}

/** Health of the orchestrator's two Workers (control workflows; visitor workflows) and of each consumer kind's workers. */
export type WorkersHealth = Record<'orchestrator' | 'visitors' | ConsumerKind, WorkerHealth>;

export async function probeAllWorkers(config: Config): Promise<WorkersHealth> {
  const base = config.temporal.taskQueue;
  const kinds = topology(config).stages.map((s) => s.kind);
  const [orchestrator, visitors, ...consumers] = await probeWorkers(config, [
    { taskQueue: base, type: 'workflow' },
    { taskQueue: config.temporal.visitorTaskQueue, type: 'workflow' },
    ...kinds.map((kind) => ({ taskQueue: consumerTaskQueue(base, kind), type: 'activity' as const, consumersWorkflowId: WORKFLOW_IDS.streamConsumers(kind) })),
  ]);
  return { orchestrator: orchestrator!, visitors: visitors!, ...Object.fromEntries(kinds.map((kind, i) => [kind, consumers[i]!])) } as WorkersHealth;
}

/** A stage's consumer group and how far it is behind on its input. */
export interface GroupLag {
  group: string;
  topic: string;
  /** Messages not yet consumed; null when Kafka did not answer. */
  lag: number | null;
  reason?: string;
}

/** Each stage's lag: its group (`lib/topology.ts`) against the end of its input topic, within `timeoutMs`. */
export async function probeConsumerLag(config: Config, role = 'lag-probe', timeoutMs = 3_000): Promise<Record<ConsumerKind, GroupLag>> {
  const admin = createKafka(config.kafka, role, logLevel.NOTHING).admin({ retry: { retries: 0 } });
  const groups = topology(config).stages.map(({ kind, groupId, input }) => ({ kind, group: groupId, topic: input }));
  const lags = async () => {
    await admin.connect();
    // Topic offsets first: they load the cluster's metadata. A group's offsets asked for before
    // it wait out a retry inside kafkajs, which made every health check take over 200 ms.
    const offsets = await Promise.all(groups.map(({ topic }) => admin.fetchTopicOffsets(topic)));
    const committed = await Promise.all(groups.map(({ group, topic }) => admin.fetchOffsets({ groupId: group, topics: [topic] })));
    return groups.map(({ kind, group, topic }, i) => [kind, { group, topic, lag: consumerLag(offsets[i]!, committed[i]![0]?.partitions ?? []) }] as const);
  };
  try {
    return Object.fromEntries(await withinDeadline(lags(), timeoutMs, `no answer within ${timeoutMs} ms`)) as Record<ConsumerKind, GroupLag>;
  } catch (err) {
    const reason = reasonOf(err);
    return Object.fromEntries(groups.map(({ kind, group, topic }) => [kind, { group, topic, lag: null, reason }])) as Record<ConsumerKind, GroupLag>;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A consumers workflow's (first) consumer activity: its attempt, 1 while it never failed, and the
 * details of its last heartbeat as the server holds them (throttled: seconds behind).
 */
export async function consumerActivity<T>(client: Client, workflowId: string): Promise<{ attempt: number; details: T | undefined }> {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const activity = raw.pendingActivities?.[0];
  return { attempt: activity?.attempt ?? 0, details: activity ? lastHeartbeatDetails<T>(activity) : undefined };
}

/** The details of an activity's last heartbeat, as the server holds them. */
function lastHeartbeatDetails<T>(activity: proto.temporal.api.workflow.v1.IPendingActivityInfo): T | undefined {
  const payload = activity.heartbeatDetails?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<T>(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0]) : undefined;
}

/** The workers running a workflow's activities with a fresh heartbeat, with the watchdog restarts each reports. */
async function heartbeatingWorkers(
  client: Awaited<ReturnType<typeof connectTemporal>>,
  workflowId: string,
): Promise<{ identity: string; watchdogRestarts: number }[]> {
  const description = await client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  const now = Date.now();
  const beating = (description?.raw.pendingActivities ?? [])
    .filter((a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
    .map((a) => {
      const details = lastHeartbeatDetails<{ watchdogRestarts?: number }>(a);
      const lastAccessTime = a.lastHeartbeatTime?.seconds ? Number(a.lastHeartbeatTime.seconds) * 1000 : null;
      return { identity: a.lastWorkerIdentity ?? '?', lastAccessTime, watchdogRestarts: details?.watchdogRestarts ?? 0 };
    })
    .filter((a) => a.lastAccessTime !== null && now - a.lastAccessTime < HEARTBEAT_STALE_MS);
  const live = new Set(livePollers(beating, now, hostname(), processAlive));
  return beating.filter((a) => live.has(a.identity)).map(({ identity, watchdogRestarts }) => ({ identity, watchdogRestarts }));
}

/**
 * A process of this host runs (one of another user's counts too). A SIGKILLed worker whose parent
 * died with it stays a zombie until init reaps it, and a zombie still answers signal 0: /proc says
 * which it is.
 */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    // No /proc (not Linux), or it exited since the signal: the signal's answer stands.
    return existsSync('/proc/self/stat') ? false : true;
  }
}

/** A process's metrics endpoint as it registered it (METRICS_TARGETS_DIR), and whether it answers. */
export interface MetricsTarget {
  job: string;
  worker: string;
  pid: number;
  address: string;
  up: boolean;
  reason?: string;
}

/** Every registered metrics endpoint, each asked for its `/metrics` within `timeoutMs`. */
export async function probeMetricsTargets(config: Config, timeoutMs = 2_000): Promise<MetricsTarget[]> {
  const dir = config.observability.metrics.targetsDir;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const groups = files.flatMap((f) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8')) as MetricsTargetGroup[];
    } catch {
      return []; // being replaced this moment
    }
  });
  return Promise.all(
    groups.flatMap(({ targets, labels }) =>
      targets.map(async (address): Promise<MetricsTarget> => {
        const target = { job: labels.job, worker: labels.worker, pid: Number(labels.pid), address };
        try {
          const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
          await res.body?.cancel();
          return res.ok ? { ...target, up: true } : { ...target, up: false, reason: `HTTP ${res.status}` };
        } catch (err) {
          return { ...target, up: false, reason: reasonOf((err as { cause?: unknown }).cause ?? err) };
        }
      }),
    ),
  );
}

/** The firing alerts, from Prometheus' /api/v1/alerts; `reason` when it does not answer. */
export async function firingAlerts(config: Config, timeoutMs = 3_000): Promise<{ alerts: FiringAlert[]; reason?: string }> {
  try {
    const res = await fetch(`${config.observability.prometheus.url}/api/v1/alerts`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { alerts: [], reason: `HTTP ${res.status} from ${config.observability.prometheus.url}/api/v1/alerts` };
    const body = (await res.json()) as {
      data: { alerts: { labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt: string }[] };
    };
    const alerts = body.data.alerts
      .filter((a) => a.state === 'firing')
      .map(({ labels: { alertname, severity, ...labels }, annotations, activeAt }) => ({
        name: alertname ?? '?',
        severity: severity ?? null,
        summary: annotations.summary ?? null,
        labels,
        activeAt,
      }));
    return { alerts };
  } catch (err) {
    return {
      alerts: [],
      reason: `Prometheus at ${config.observability.prometheus.url} did not answer: ${reasonOf((err as { cause?: unknown }).cause ?? err)}`,
    };
  }
}
