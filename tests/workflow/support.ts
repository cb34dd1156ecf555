/**
 * The workflow tests' Temporal: the time-skipping test server from Maven Central
 * (stack/temporal-test-server.sh), started here instead of the SDK downloading its own build, and
 * the workflow bundle, built once for all files (global-setup.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowClientInterceptor, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { freePort } from '../free-port';

const TEST_SERVER = fileURLToPath(new URL('../../stack/temporal-test-server/launch.sh', import.meta.url));

let runtimeInstalled = false;

/**
 * Workers log every activity failure the tests provoke as a warning, replays log their workers'
 * states, and the SDK's core warns that this server keeps no heartbeat details of a failed
 * attempt: only errors are news here. Once per test file (process), before any worker.
 */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  runtimeInstalled = true;
}

/**
 * RECORD_HISTORIES=<folder>: at the end of a test file, the history of every run of every workflow
 * it started is saved there as `<workflow id>.<run number>.history.json`, the JSON of
 * fetchHistory() that tests/integration/fixtures holds (docs/workflows.md, "Record a history").
 */
const RECORD_HISTORIES = process.env.RECORD_HISTORIES;
const workflowsStarted = new Set<string>();
const recordStarts: WorkflowClientInterceptor = {
  startWithDetails(input, next) {
    workflowsStarted.add(input.options.workflowId);
    return next(input);
  },
  signalWithStart(input, next) {
    workflowsStarted.add(input.options.workflowId);
    return next(input);
  },
};

/** How long a test server's JVM may take to answer: seconds on a quiet machine, more on a loaded one. */
const SERVER_START_TIMEOUT_MS = 120_000;

/**
 * Starts the time-skipping test server on a free port and waits until it answers. The SDK's own
 * start (`createTimeSkipping`) gives it 5 s, fixed in sdk-core, which a JVM starting beside others
 * on a loaded machine can miss; this waits as long as it takes.
 */
async function startTestServer(): Promise<{ address: string; stop: () => void }> {
  const port = await freePort();
  const server = spawn(TEST_SERVER, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  server.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000)));
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!(await answers())) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill();
      throw new Error(`the Temporal test server did not answer on port ${port} within ${SERVER_START_TIMEOUT_MS / 1000} s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address: `127.0.0.1:${port}`, stop: () => server.kill() };
}

/** `TestWorkflowEnvironment.create` (private in its typings, pinned with the SDK): a time-skipping environment on a server already running. */
type CreateEnvironment = (options: {
  server: { type: 'existing' };
  address: string;
  namespace: string;
  supportsTimeSkipping: true;
  client?: { interceptors: { workflow: WorkflowClientInterceptor[] } };
}) => Promise<TestWorkflowEnvironment>;

/**
 * A fresh test server for one test file. Its clock skips ahead during `env.sleep` and awaited
 * results, only while no activity is outstanding; otherwise it runs in real time. `stop` ends it.
 */
export async function timeSkippingEnv(): Promise<{ env: TestWorkflowEnvironment; stop: () => Promise<void> }> {
  quietRuntime();
  const server = await startTestServer();
  const create = (TestWorkflowEnvironment as unknown as { create: CreateEnvironment }).create.bind(TestWorkflowEnvironment);
  const env = await create({
    server: { type: 'existing' },
    address: server.address,
    namespace: 'default',
    supportsTimeSkipping: true,
    ...(RECORD_HISTORIES ? { client: { interceptors: { workflow: [recordStarts] } } } : {}),
  }).catch((err: unknown) => {
    server.stop();
    throw err;
  });
  return { env, stop: async () => (await env.teardown(), server.stop()) };
}

/** The histories of every workflow started, each run's, first run first (the test server lists none: each run names the one it continued). */
async function saveHistories(client: Client, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (const workflowId of workflowsStarted) {
    const runs = [];
    let runId: string | undefined;
    do {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runs.unshift(history);
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    } while (runId);
    runs.forEach((history, i) => writeFileSync(join(folder, `${workflowId}.${i + 1}.history.json`), JSON.stringify(history)));
  }
}

/**
 * A test server and workers on it for the test file, from its first test to its last; the
 * environment is there once the file's first beforeAll has run.
 */
export function useTestServer(workers: Omit<WorkerOptions, 'connection'>[]): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  let stop = async () => {};
  let started: Worker[] = [];
  let running: Promise<void>[] = [];
  beforeAll(async () => {
    ({ env, stop } = await timeSkippingEnv());
    const connection = env.nativeConnection;
    started = await Promise.all(workers.map((options) => Worker.create({ connection, ...options })));
    running = started.map((w) => w.run());
  });
  afterAll(async () => {
    for (const w of started) w.shutdown();
    await Promise.all(running);
    if (RECORD_HISTORIES && env) await saveHistories(env.client, RECORD_HISTORIES);
    await stop();
  });
  return () => env!;
}

/** The runs of a workflow, first to current, following its continue-as-new chain, each with its history. */
export async function runChain(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<{ runId: string; history: temporal.api.history.v1.IHistory }[]> {
  const runs = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push({ runId, history });
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** The workflow code, bundled by the project's global setup. */
export const bundle = (): { codePath: string } => ({ codePath: inject('workflowBundlePath') });

/** Polls `probe` in real time until it returns a value other than undefined. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The workflow's result once it has closed, as seen without waiting on `handle.result()`: that
 * lets the test server skip time, and with no activity outstanding it skips to the next timer,
 * ten years ahead for a workflow with none (its default execution timeout).
 */
export async function outcome(handle: WorkflowHandle, timeoutMs = 10_000): Promise<{ status: string; result?: unknown; error?: unknown }> {
  const status = await eventually(
    `${handle.workflowId} to close`,
    async () => {
      const { name } = (await handle.describe()).status;
      return name === 'RUNNING' ? undefined : name;
    },
    timeoutMs,
  );
  return handle.result().then(
    (result: unknown) => ({ status, result }),
    (error: unknown) => ({ status, error }),
  );
}

/** A name no other test of the file uses. */
let names = 0;
export const uniqueName = (prefix: string) => `${prefix}-${++names}`;
