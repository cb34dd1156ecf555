/**
 * A private copy of the pipeline for one benchmark phase: its own topics, Redis db, task queue and
 * worker processes, on the real local stack; everything it made is removed by `close`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createKafka, ensureTopics, projectTopics } from '../clients/kafka';
import { createRedis } from '../clients/redis';
import { connectTemporal } from '../clients/temporal';
import { loadConfig, type Config } from '../lib/config';
import type { ConsumerKind } from '../lib/consumer-kinds';
import type { ReplayPace } from '../lib/replay/pacing';
import { isolatedEnv, WorkerProcess } from '../tests/integration/pipeline-support';
import { ingestDataWorkflow } from '../workflows/ingest-data.workflow';
import { replayClicksWorkflow } from '../workflows/replay-clicks.workflow';
import { streamConsumersWorkflow } from '../workflows/stream-consumers.workflow';
import { peakRssMb } from './processes';

export type WorkerRole = 'orchestrator' | ConsumerKind;

export class BenchPipeline {
  readonly config: Config;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly redis: Redis;
  readonly workers: { role: WorkerRole; process: WorkerProcess }[] = [];
  /** Peak RSS per role over this pipeline's life, read before each worker stops. */
  readonly peakRss: Partial<Record<WorkerRole, number>> = {};
  private readonly stateDir: string;

  private constructor(
    readonly env: Record<string, string | undefined>,
    readonly temporal: Client,
  ) {
    this.config = loadConfig(env);
    this.kafka = createKafka(this.config.kafka, 'bench');
    this.admin = this.kafka.admin();
    this.redis = createRedis(this.config.redis);
    this.stateDir = env.STATE_DIR!;
  }

  static async create(redisDb: number, extraEnv: Record<string, string> = {}): Promise<BenchPipeline> {
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-state-'));
    const env = { ...isolatedEnv(stateDir, resolve(loadConfig().data.dir), redisDb), LOG_LEVEL: 'WARN', ...extraEnv };
    const pipeline = new BenchPipeline(env, await connectTemporal(loadConfig(env).temporal));
    await pipeline.redis.flushdb();
    await pipeline.admin.connect();
    await ensureTopics(pipeline.kafka, pipeline.config.kafka, projectTopics(pipeline.config.kafka));
    return pipeline;
  }

  get taskQueue(): string {
    return this.config.temporal.taskQueue;
  }

  /** Starts worker processes; a stream worker's consumer starts once its kind's workflow runs. `profileDir`: a CPU profile of each there. */
  async start(roles: WorkerRole[], profileDir = process.env.BENCH_CPU_PROFILE_DIR): Promise<void> {
    const started = roles.map((role) => {
      const index = this.workers.filter((w) => w.role === role).length + 1;
      // The JavaScript stack/workers.sh runs (workers/build-workers.ts, built by run.ts first).
      const args = role === 'orchestrator' ? ['.build/orchestrator.js'] : ['.build/stream-worker.js', role];
      const name = `${role}-${index}`;
      // The heap limit stack/workers.sh gives the workers.
      const env = { ...this.env, WORKER_NAME: name, NODE_OPTIONS: `--max-old-space-size=${this.config.workerHeapMb}` };
      // A CPU profile per worker, written when it stops: open it in Chrome DevTools or speedscope.
      const worker = new WorkerProcess(name, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, name)}`] : []), ...args], env, 'node');
      this.workers.push({ role, process: worker });
      return worker.start(120_000);
    });
    await Promise.all(started);
  }

  /** The kind's consumers: one activity per worker process of it. */
  async startConsumers(kind: ConsumerKind, consumers: number): Promise<void> {
    await this.temporal.workflow.start(streamConsumersWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: `${this.taskQueue}-${kind}`,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      args: [{ kind, consumers }],
    });
  }

  async ingest(): Promise<void> {
    const dataDir = this.config.data.dir;
    await this.temporal.workflow.execute(ingestDataWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: `${this.taskQueue}-ingest`,
      args: [{ productsFile: join(dataDir, 'products.json'), visitorsFile: join(dataDir, 'users.json') }],
    });
  }

  /** Starts replaying the full click log; `loop: false` ends after one pass. */
  startReplay(pace: ReplayPace, loop: boolean) {
    return this.temporal.workflow.start(replayClicksWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: `${this.taskQueue}-replay`,
      args: [{ file: join(this.config.data.dir, 'clicks.csv'), loop, pace }],
    });
  }

  /** Reads each running worker's peak RSS so far into `peakRss`. */
  sampleRss(): void {
    for (const { role, process } of this.workers) {
      if (process.pid) this.peakRss[role] = Math.max(this.peakRss[role] ?? 0, peakRssMb(process.pid));
    }
  }

  async stopWorkers(roles?: WorkerRole[]): Promise<void> {
    this.sampleRss();
    const stopping = this.workers.filter((w) => !roles || roles.includes(w.role));
    await Promise.all(stopping.map((w) => w.process.stop()));
  }

  /** Terminates its workflows, stops its workers, deletes its topics, Redis db and state. */
  async close(): Promise<void> {
    await this.stopWorkers();
    // Thousands of visitor workflows: one batch operation of the server rather than a call each.
    const temporal = resolve(loadConfig().toolsDir, 'bin', 'temporal');
    const query = `(TaskQueue = '${this.taskQueue}' OR TaskQueue = '${this.config.temporal.visitorTaskQueue}') AND ExecutionStatus = 'Running'`;
    spawnSync(temporal, ['workflow', 'terminate', '--query', query, '--reason', 'benchmark phase over', '--yes', '--address', this.config.temporal.address], {
      stdio: 'ignore',
    });
    await this.admin.deleteTopics({ topics: projectTopics(this.config.kafka) }).catch(() => {});
    await this.admin.disconnect();
    await this.redis.flushdb();
    this.redis.disconnect();
    await this.temporal.connection.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
