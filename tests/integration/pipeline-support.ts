import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { IngestionReport } from '../../lib/ingestion/ingestion-progress';
import { ingestDataWorkflow } from '../../workflows/ingest-data.workflow';

/** A worker's Temporal Workers get 30 s to end their activities (shutdownForceTime), then it closes its clients. */
const STOP_DEADLINE_MS = 60_000;

/**
 * A process of the project, started with its own environment: a worker (`workers/*.ts`, run by
 * tsx) or, with `command` `node`, the built web app.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string | undefined>,
    private readonly command = 'node_modules/.bin/tsx',
  ) {}

  /** The process id while it runs (the tsx launcher; its node child is among its descendants). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Starts it and resolves once it prints `[ready]`, as the stack scripts wait for. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.output = '';
    // A process group of its own: tsx runs the worker in a child process, and a kill must reach it too.
    const child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const append = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = () => {
        if (this.output.includes('[ready]')) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} while starting:\n${this.output}`));
      });
    });
  }

  /** SIGKILL of the launcher and the worker under it: no shutdown code runs, as when a machine dies. */
  kill(): Promise<void> {
    return this.signal('SIGKILL', true);
  }

  /**
   * SIGTERM, the graceful stop (tsx passes it on to the worker); resolves when the process has
   * exited. One still running after `deadlineMs` is a defect: it is SIGKILLed, so it frees its
   * ports for the next test, and the stop fails with what it printed last.
   */
  async stop(deadlineMs = STOP_DEADLINE_MS): Promise<void> {
    const exited = this.signal('SIGTERM', false);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), deadlineMs)));
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return;
    await this.kill();
    throw new Error(
      `${this.name} did not exit within ${deadlineMs} ms of SIGTERM and was killed; its last lines:\n${this.output.trimEnd().split('\n').slice(-40).join('\n')}`,
    );
  }

  private signal(signal: NodeJS.Signals, wholeGroup: boolean): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      if (wholeGroup) process.kill(-child.pid!, signal);
      else child.kill(signal);
    });
  }
}

/** Stops every process, each within its deadline; fails afterwards with the first that had to be killed. */
export async function stopAll(processes: WorkerProcess[]): Promise<void> {
  const failed = (await Promise.allSettled(processes.map((p) => p.stop()))).find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Env for a private copy of the pipeline: its own topics, task queue, Redis db and state folder,
 * and its own folder of metrics targets, so the stack's Prometheus never scrapes a test's workers.
 */
export function isolatedEnv(stateDir: string, dataDir: string, redisDb: number): Record<string, string | undefined> {
  const id = `it-${randomUUID().slice(0, 8)}`;
  return {
    ...process.env,
    KAFKA_CLIENT_ID: id,
    TOPIC_CLICKS: `${id}-clicks`,
    TOPIC_ENRICHED: `${id}-enriched`,
    TOPIC_OFFERS: `${id}-offers`,
    TOPIC_DEAD_LETTER: `${id}-dead`,
    TEMPORAL_TASK_QUEUE: id,
    REDIS_DB: String(redisDb),
    STATE_DIR: stateDir,
    DATA_DIR: dataDir,
    METRICS_TARGETS_DIR: join(stateDir, `metrics-targets-${id}`),
  };
}

/** Polls every `intervalMs` until `check` returns a value, or fails after `timeoutMs` with the last thing it saw. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs the ingestion workflow on `dir`'s products.json and users.json, as `make ingest` does, and returns its summary. */
export function ingestDataDir(client: Client, taskQueue: string, dir: string): Promise<IngestionReport> {
  return client.workflow.execute(ingestDataWorkflow, {
    taskQueue,
    workflowId: `${taskQueue}-ingest`,
    args: [{ productsFile: join(dir, 'products.json'), visitorsFile: join(dir, 'users.json') }],
  });
}
