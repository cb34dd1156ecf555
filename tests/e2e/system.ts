/**
 * The whole system for the browser tests, started once for every e2e file (vitest globalSetup): a
 * private copy of the pipeline (its own topics, task queue, Redis db) with every worker and the
 * built web app, and a click log replaying. Test files `inject` what they need to reach it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { generateClickRows } from '../../scripts/datagen/click-log';
import { csvRow } from '../../scripts/datagen/csv';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { CLICK_LOG_COLUMNS, type Product } from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { ingestDataDir, isolatedEnv, WorkerProcess } from '../integration/pipeline-support';
import { freePort } from '../integration/support';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The web app's base URL, e.g. `http://127.0.0.1:40123`. */
    webUrl: string;
    /** The operator's API token: `/sign-in?token=…` or `Authorization: Bearer …`. */
    operatorToken: string;
    /** Where tests save screenshots: `<RUN_DIR>/screenshots/`. */
    screenshotsDir: string;
    /** The settings that make this copy private (topics, task queue, Redis db, data dir): `loadConfig({ ...process.env, ...systemEnv })` reaches it. */
    systemEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync('web/build/index.js')) throw new Error('web/build missing: run `make web/build/index.js` (make e2e does) first');
  const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
  const base = isolatedEnv(join(dir, 'state'), dir, 7);
  const webPort = await freePort();
  const token = `e2e-${randomUUID()}`;
  const env: Record<string, string | undefined> = {
    ...base,
    WEB_PORT: String(webPort),
    REPLAY_WORKFLOW_ID: `${base.TEMPORAL_TASK_QUEUE}-replay`,
    API_TOKEN: token,
  };
  const config = loadConfig(env);
  const web = `http://127.0.0.1:${webPort}`;
  const screenshots = resolve(loadConfig().runDir, 'screenshots');
  mkdirSync(screenshots, { recursive: true });

  // The shop's real catalogue and pictures; a small click log of the same products, replayed in a loop.
  const products = JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[];
  writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
  symlinkSync(resolve('data/images'), join(dir, 'images'));
  const visitors = generateVisitors(23, 300);
  writeFileSync(join(dir, 'users.json'), visitors.map(visitorJsonLine).join('\n') + '\n');
  const rows = [...generateClickRows({ seed: 23, rows: 20_000, products, visitors, malformedRate: 0 })];
  writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));

  const workers = [
    new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' }),
    ...CONSUMER_KINDS.map((kind) => new WorkerProcess(kind, ['workers/stream-worker.ts', kind], { ...env, WORKER_NAME: `${kind}-1` })),
  ];
  const webServer = new WorkerProcess('web', ['web/build'], { ...env, PORT: String(webPort), HOST: '127.0.0.1', ORIGIN: web, SHUTDOWN_TIMEOUT: '5' }, 'node');

  const flushRedis = async () => {
    const redis = createRedis(config.redis);
    await redis.flushdb();
    redis.disconnect();
  };

  async function teardown(): Promise<void> {
    const client = await connectTemporal(config.temporal);
    const running = client.workflow.list({ query: `TaskQueue = '${config.temporal.taskQueue}' AND ExecutionStatus = 'Running'` });
    for await (const wf of running)
      await client.workflow
        .getHandle(wf.workflowId)
        .terminate('test over')
        .catch(() => {});
    await client.connection.close();
    await Promise.all([webServer.stop(), ...workers.map((w) => w.stop())]);
    const admin = createKafka(config.kafka, 'e2e').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: projectTopics(config.kafka) }).catch(() => {});
    await admin.disconnect();
    await flushRedis();
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await flushRedis();
    await ensureTopics(createKafka(config.kafka, 'e2e'), config.kafka, projectTopics(config.kafka));
    await Promise.all([...workers.map((w) => w.start()), webServer.start()]);

    const client = await connectTemporal(config.temporal);
    const taskQueue = config.temporal.taskQueue;
    await ingestDataDir(client, taskQueue, dir);
    for (const kind of CONSUMER_KINDS) {
      await client.workflow.start(streamConsumersWorkflow, { taskQueue, workflowId: `${taskQueue}-${kind}`, args: [{ kind, consumers: 1 }] });
    }
    await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: config.temporal.replayWorkflowId,
      args: [{ file: join(dir, 'clicks.csv'), loop: true, pace: { mode: 'fixed', rate: 40 } }],
    });
    await client.connection.close();
  } catch (err) {
    await teardown().catch(() => {});
    throw err;
  }

  const privateKeys = [
    'KAFKA_CLIENT_ID',
    'TOPIC_CLICKS',
    'TOPIC_ENRICHED',
    'TOPIC_OFFERS',
    'TOPIC_DEAD_LETTER',
    'TEMPORAL_TASK_QUEUE',
    'REDIS_DB',
    'STATE_DIR',
    'DATA_DIR',
    'WEB_PORT',
    'REPLAY_WORKFLOW_ID',
  ] as const;
  project.provide('webUrl', web);
  project.provide('operatorToken', token);
  project.provide('screenshotsDir', screenshots);
  project.provide('systemEnv', Object.fromEntries(privateKeys.map((k) => [k, String(env[k])])));
  return teardown;
}
