/**
 * A private Kafka, Temporal and Redis on their own ports and run folder, started by the project's
 * own stack scripts, so a chaos test can stop and restart a server without touching the shared
 * stack on the default ports. Kafka keeps its log and Temporal its history (SQLite) in the run
 * folder, so a restarted server comes back with its data.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { WorkerProcess } from '../integration/pipeline-support';

const run = promisify(execFile);

export type StackService = 'kafka' | 'temporal' | 'redis' | 'prometheus';

/** Ports no other stack of the project uses (shared: 9092/7233/6379; stack-lifecycle test: 19xxx). */
const PORTS = {
  KAFKA_PORT: '29092',
  KAFKA_CONTROLLER_PORT: '29093',
  TEMPORAL_PORT: '27233',
  TEMPORAL_UI_PORT: '28233',
  TEMPORAL_METRICS_PORT: '28234',
  PROMETHEUS_PORT: '29090',
  REDIS_PORT: '26379',
};

export class PrivateStack {
  readonly runDir = mkdtempSync(join(tmpdir(), 'clickstream-chaos-'));
  /**
   * What points a process at this stack: merge it over a worker's or test's environment. The Redis
   * password is given, not left to the file `stack/redis.sh` writes, so clients made before the
   * stack starts have it too.
   */
  readonly vars: Record<string, string> = { RUN_DIR: this.runDir, REDIS_PASSWORD: `chaos-${randomUUID()}`, ...PORTS };
  private readonly env = { ...process.env, ...this.vars };
  private readonly started = new Set<StackService>();

  /** Settings only the stack scripts get (a Prometheus' scrape interval and rules, say). */
  constructor(private readonly scriptSettings: Record<string, string> = {}) {}

  /** The process id of a service it started (its pid file), or null. */
  pid(service: StackService): number | null {
    const file = join(this.runDir, 'pids', `${service}.pid`);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
  }

  /** Starts the services (Redis and Temporal alongside Kafka, whose JVM is the slow one). */
  async start(services: StackService[] = ['redis', 'temporal', 'kafka']): Promise<void> {
    await Promise.all(services.map((s) => this.startService(s)));
  }

  async startService(service: StackService): Promise<void> {
    this.started.add(service);
    await this.script(service, 'start');
  }

  /** The script's graceful stop (SIGTERM to the process group, SIGKILL after 30 s). */
  async stopService(service: StackService): Promise<void> {
    await this.script(service, 'stop');
  }

  /** Stops every service it started and removes the run folder. */
  async stop(): Promise<void> {
    await Promise.all([...this.started].map((s) => this.stopService(s).catch((err: unknown) => console.error(`[chaos] stopping ${s}: ${String(err)}`))));
    this.started.clear();
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private async script(service: StackService, action: 'start' | 'stop'): Promise<void> {
    try {
      await run(`stack/${service}.sh`, [action], { env: { ...this.env, ...this.scriptSettings }, timeout: 180_000 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`stack/${service}.sh ${action} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
}

/** One worker process of each kind, as `make up` runs them, all on `env`'s stack and task queue. */
export function pipelineWorkers(env: Record<string, string | undefined>): WorkerProcess[] {
  return [
    new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' }),
    ...CONSUMER_KINDS.map((kind) => new WorkerProcess(kind, ['workers/stream-worker.ts', kind], { ...env, WORKER_NAME: `${kind}-1` })),
  ];
}

/** The pid a worker announced in its `[ready]` line, or null once that process has exited. */
export function alive(worker: WorkerProcess): number | null {
  const pid = Number(/\[ready\].*\(pid (\d+)\)/.exec(worker.output)?.[1]);
  if (!pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** What the workers printed, for a failed test's report: the last lines here, all of it in a file. */
export function printWorkerOutput(workers: WorkerProcess[], lines = 30): void {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-workers-'));
  for (const w of workers) {
    writeFileSync(join(dir, `${w.name}.log`), w.output);
    console.error(
      `--- ${w.name}: last ${lines} lines (all of it in ${join(dir, `${w.name}.log`)}) ---\n${w.output.trimEnd().split('\n').slice(-lines).join('\n')}`,
    );
  }
}
