/**
 * The alert rules fire on real faults: a private broker and a private Prometheus (the project's
 * stack scripts, on their own ports and run folder) scraping a private orchestrator and enrichment
 * worker every second, with stack/prometheus/alerts.yml's windows scaled by SCALE so that a 30 s
 * outage outlasts them. The broker stopped (SIGSTOP) for 30 s: StageStalled fires within its window
 * (whether the stage still holds its partitions or its watchdog gave them up) and resolves after SIGCONT, the records flowing again. The enrichment worker SIGKILLed: its target
 * file stays, its scrapes fail, and WorkerDown fires. Redis and Temporal are the shared stack's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import type { ConsumerKind } from '../../lib/consumer-kinds';
import type { ClickEvent } from '../../lib/schema';
import { eventually, ingestDataDir, isolatedEnv, stopAll } from '../integration/pipeline-support';
import { pipelineProcesses, removePipeline, startConsumers, testProducer, writeDataSet } from './private-pipeline';
import { printWorkerOutput, PrivateStack } from './private-stack';

/** The rules' windows and `for:` durations times this: 60 s becomes 15 s. */
const SCALE = 0.25;
const STOPPED_MS = 30_000;
const KINDS: ConsumerKind[] = ['enrichment'];

/** alerts.yml with every duration (in [..], after `offset` and `for:`) scaled, whole seconds at least 1. */
function scaledRules(text: string, factor: number): string {
  const scale = (n: string, unit: string) => `${Math.max(1, Math.round(Number(n) * (unit === 'm' ? 60 : 1) * factor))}s`;
  return text
    .replace(/\[(\d+)([sm])\]/g, (_, n: string, u: string) => `[${scale(n, u)}]`)
    .replace(/offset (\d+)([sm])\b/g, (_, n: string, u: string) => `offset ${scale(n, u)}`)
    .replace(/for: (\d+)([sm])\b/g, (_, n: string, u: string) => `for: ${scale(n, u)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'chaos-alerts-'));
const rulesFile = join(dir, 'alerts.yml');
writeFileSync(rulesFile, scaledRules(readFileSync('stack/prometheus/alerts.yml', 'utf8'), SCALE));
const stack = new PrivateStack({ PROMETHEUS_SCRAPE_INTERVAL_S: '1', PROMETHEUS_RULES_FILE: rulesFile });
const shared = loadConfig();
const env = {
  ...isolatedEnv(join(dir, 'state'), dir, 10),
  ...stack.vars,
  // Only Kafka and Prometheus are private: Temporal and Redis are the shared stack's.
  TEMPORAL_ADDRESS: shared.temporal.address,
  REDIS_PORT: String(shared.redis.port),
  REDIS_PASSWORD: shared.redis.password ?? undefined,
  REDIS_PASSWORD_FILE: shared.redis.passwordFile,
  // Where the private Prometheus looks (its RUN_DIR's default).
  METRICS_TARGETS_DIR: join(stack.runDir, 'metrics-targets'),
};
const config = loadConfig(env);
const prometheus = config.observability.prometheus.url;
const { products, visitors } = writeDataSet(dir, 50);
const kafka = createKafka(config.kafka, 'chaos-alerts');
const producer = testProducer(kafka);
const redis = createRedis(config.redis);
const client = await connectTemporal(config.temporal);
const workers = pipelineProcesses(env, KINDS);
const enrichment = workers.find((w) => w.name === 'enrichment')!;

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function firing(name: string): Promise<Alert[]> {
  const res = await fetch(`${prometheus}/api/v1/alerts`);
  const { data } = (await res.json()) as { data: { alerts: Alert[] } };
  return data.alerts.filter((a) => a.labels.alertname === name && a.state === 'firing');
}

async function query(promql: string): Promise<number | null> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const { data } = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  return data.result[0] ? Number(data.result[0].value[1]) : null;
}

/** Clicks of the data set's visitors and products, `perSecond` a second, until stopped: the stage has work throughout. */
function steadyClicks(perSecond: number): { sent: () => number; stop: () => Promise<void> } {
  let sent = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const userId = visitors[sent % visitors.length]!.userId;
      const click: ClickEvent = {
        clickId: `alerts-${sent}`,
        userId,
        productId: products[sent % products.length]!.id,
        ip: '81.2.69.160',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
        timestamp: Date.now(),
        source: 'shop',
      };
      // Held while the broker is stopped; the loop then waits with it.
      await producer.send({ topic: config.kafka.topics.clicks, messages: [{ key: userId, value: JSON.stringify(click) }] }).catch(() => {});
      sent += 1;
      await new Promise((r) => setTimeout(r, 1_000 / perSecond));
    }
  })();
  return { sent: () => sent, stop: async () => ((stopped = true), await loop) };
}

beforeAll(async () => {
  await stack.start(['kafka', 'prometheus']);
  await ensureTopics(kafka, config.kafka, projectTopics(config.kafka));
  await producer.connect();
  await Promise.all(workers.map((w) => w.start(120_000)));
  await ingestDataDir(client, config.temporal.taskQueue, dir);
  await startConsumers(client, config.temporal.taskQueue, KINDS);
});

afterAll(async () => {
  await removePipeline(client, kafka, config, redis).catch(() => {});
  await producer.disconnect().catch(() => {});
  try {
    await stopAll(workers);
  } finally {
    await stack.stop();
    await client.connection.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('alerts under faults', () => {
  it('a broker stopped for 30 s: StageStalled fires within its window and resolves after SIGCONT', async () => {
    onTestFailed(() => printWorkerOutput(workers));
    const clicks = steadyClicks(20);
    try {
      const committed = `sum(clickstream_stage_commits_total{job="enrichment"})`;
      // Prometheus scrapes the worker, and the stage commits as clicks flow: nothing stalled yet.
      await eventually(
        'Prometheus to see the enrichment committing',
        async () => ((await query(`sum(increase(clickstream_stage_commits_total{job="enrichment"}[10s]))`)) ?? 0) > 0 || undefined,
        120_000,
        1_000,
      );
      expect(await firing('StageStalled')).toEqual([]);
      const before = await query(committed);

      const broker = stack.pid('kafka')!;
      process.kill(broker, 'SIGSTOP');
      const stoppedAt = Date.now();
      let firedAfterMs: number;
      let rejoining: number | null;
      try {
        const alerts = await eventually(
          'StageStalled to fire',
          async () => ((await firing('StageStalled')).length > 0 ? firing('StageStalled') : undefined),
          STOPPED_MS,
          500,
        );
        firedAfterMs = Date.now() - stoppedAt;
        // Past a session's silence the runtime's watchdog gives the partitions up: the stage then holds none, yet is stalled.
        rejoining = await query(`max(clickstream_stage_rejoining{job="enrichment"})`);
        expect(alerts).toEqual([
          expect.objectContaining({
            labels: expect.objectContaining({ alertname: 'StageStalled', job: 'enrichment', stage: 'enrichment', severity: 'critical' }),
          }),
        ]);
        await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + STOPPED_MS - Date.now())));
        // Still firing at the end of the outage.
        expect(await firing('StageStalled')).toHaveLength(1);
      } finally {
        process.kill(broker, 'SIGCONT');
      }
      const resumedAt = Date.now();
      await eventually('StageStalled to resolve', async () => ((await firing('StageStalled')).length === 0 ? true : undefined), 90_000, 500);
      const resolvedAfterMs = Date.now() - resumedAt;
      // It resolved because the stage commits again: more commits than before the stop, and clicks got through.
      const after = await eventually(
        'commits past the outage',
        async () => {
          const now = await query(committed);
          return now !== null && now > before! ? now : undefined;
        },
        60_000,
        1_000,
      );
      const window = 60 * SCALE * 1000;
      console.log(
        `[chaos] broker stopped ${STOPPED_MS / 1000} s: StageStalled fired ${(firedAfterMs / 1000).toFixed(1)} s after the stop (window ${window / 1000} s), resolved ${(resolvedAfterMs / 1000).toFixed(1)} s after SIGCONT; rejoining when it fired: ${rejoining!}; commits ${before} before, ${after} after; ${clicks.sent()} clicks sent`,
      );
      // Not before the window has passed without a commit (give or take a scrape and an evaluation).
      expect(firedAfterMs).toBeGreaterThanOrEqual(window - 2_000);
      expect(firedAfterMs).toBeLessThan(STOPPED_MS);
    } finally {
      await clicks.stop();
    }
  });

  it('a SIGKILLed worker: WorkerDown fires for it', async () => {
    onTestFailed(() => printWorkerOutput(workers));
    expect(await firing('WorkerDown')).toEqual([]);
    await enrichment.kill();
    const killedAt = Date.now();
    const alerts = await eventually(
      'WorkerDown to fire',
      async () => ((await firing('WorkerDown')).length > 0 ? firing('WorkerDown') : undefined),
      60_000,
      500,
    );
    console.log(`[chaos] enrichment SIGKILLed: WorkerDown fired ${((Date.now() - killedAt) / 1000).toFixed(1)} s later (${scaledRules('for: 30s', SCALE)})`);
    expect(alerts).toEqual([
      expect.objectContaining({ labels: expect.objectContaining({ alertname: 'WorkerDown', job: 'enrichment', worker: 'enrichment-1' }) }),
    ]);
    // The orchestrator, alive, is not down.
    expect(alerts.some((a) => a.labels.job === 'orchestrator')).toBe(false);
  });
});
