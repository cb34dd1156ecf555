/**
 * What metrics and tracing cost the stages (`make bench`'s observability phase). Enrichment then
 * aggregation drain the same number of clicks on private pipelines, once per share of clicks that
 * carry a trace context: none, the shop's share beside the replay, and every one (the worst case);
 * spans go by OTLP to a receiver in this process, and every run is scraped every second, as
 * Prometheus would. The metrics cannot be switched off, so their cost is read from the workers' CPU
 * profiles: the self time in prom-client (and in OpenTelemetry) as a share of the worker's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { probeMetricsTargets } from '../clients/probes';
import type { ClickEvent } from '../lib/schema';
import { stageSpec } from '../lib/topology';
import { OtlpReceiver } from '../tests/integration/otlp-receiver';
import { BenchPipeline } from './bench-pipeline';
import { measureDrain } from './measure';
import { selfTime } from './profile-summary';
import { round } from './stats';

const SEND_CHUNK = 5_000;
/** Packages whose self time is what observing costs. */
const METRICS_PACKAGES = ['prom-client', 'tdigest', 'bintrees'];
const isTracingPackage = (pkg: string) => pkg.startsWith('@opentelemetry/') || pkg === '@temporalio/interceptors-opentelemetry';

export interface StageCost {
  per_s: number;
  /** Share of the worker's sampled CPU time in the metrics library, and in OpenTelemetry. */
  cpu_share: { metrics: number; tracing: number };
}

export interface ObservedRun {
  traced_share: number;
  enrichment: StageCost;
  aggregation: StageCost;
  spans: number;
}

/** `clicks` clicks of the data set's visitors and products, `tracedShare` of them with a trace context (spread evenly). */
async function writeClicks(p: BenchPipeline, clicks: number, tracedShare: number): Promise<void> {
  const traceEvery = tracedShare > 0 ? Math.round(1 / tracedShare) : 0;
  const dataDir = p.config.data.dir;
  const products = (JSON.parse(readFileSync(join(dataDir, 'products.json'), 'utf8')) as { id: string }[]).map((x) => x.id);
  const visitors = readFileSync(join(dataDir, 'users.json'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 5_000)
    .map((l) => (JSON.parse(l) as { userId: string }).userId);
  const producer = p.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < clicks; i += SEND_CHUNK) {
      const messages = Array.from({ length: Math.min(SEND_CHUNK, clicks - i) }, (_, j) => {
        const n = i + j;
        const click: ClickEvent = {
          clickId: `observed-${n}`,
          userId: visitors[n % visitors.length]!,
          productId: products[n % products.length]!,
          ip: '81.2.69.160',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
          timestamp: Date.now(),
          source: 'replay',
        };
        const headers =
          traceEvery > 0 && n % traceEvery === 0 ? { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` } : undefined;
        return { key: click.userId, value: JSON.stringify(click), ...(headers && { headers }) };
      });
      await producer.send({ topic: p.config.kafka.topics.clicks, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The worker's CPU share in the metrics library and in OpenTelemetry, from the profile it wrote when it stopped. */
function cpuShare(profileDir: string, worker: string): StageCost['cpu_share'] {
  const dir = join(profileDir, worker);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (!file) return { metrics: NaN, tracing: NaN };
  const { total, byPackage } = selfTime(join(dir, file));
  const share = (keep: (pkg: string) => boolean) => round([...byPackage].filter(([pkg]) => keep(pkg)).reduce((sum, [, ms]) => sum + ms, 0) / total, 4);
  return { metrics: share((pkg) => METRICS_PACKAGES.includes(pkg)), tracing: share(isTracingPackage) };
}

/** One run: the stages drain `clicks` clicks, `tracedShare` of them traced (none: tracing off), scraped every second. */
export async function observedRun(clicks: number, tracedShare: number, redisDb: number, log: (message: string) => void): Promise<ObservedRun> {
  const receiver = tracedShare > 0 ? await OtlpReceiver.start() : null;
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-observed-'));
  const p = await BenchPipeline.create(redisDb, receiver ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : {});
  const scraper = setInterval(() => void probeMetricsTargets(p.config, 900), 1_000);
  try {
    await p.start(['orchestrator']);
    await p.ingest();
    await writeClicks(p, clicks, tracedShare);
    const drain = async (kind: 'enrichment' | 'aggregation', topic: string) => {
      await p.start([kind], profileDir);
      await p.startConsumers(kind, 1);
      const result = await measureDrain(p.admin, { groupId: stageSpec(p.config, kind).groupId, topic, records: () => clicks, inputDone: () => true });
      await p.stopWorkers([kind]);
      const cost = { per_s: result.perSecond, cpu_share: cpuShare(profileDir, `${kind}-1`) };
      log(
        `observability (${tracedShare * 100}% traced): ${kind} ${cost.per_s}/s, CPU in metrics ${(cost.cpu_share.metrics * 100).toFixed(1)}%, in tracing ${(cost.cpu_share.tracing * 100).toFixed(1)}%`,
      );
      return cost;
    };
    const enrichment = await drain('enrichment', p.config.kafka.topics.clicks);
    const aggregation = await drain('aggregation', p.config.kafka.topics.enriched);
    return { traced_share: tracedShare, enrichment, aggregation, spans: receiver?.spans.length ?? 0 };
  } finally {
    clearInterval(scraper);
    await p.close();
    await receiver?.stop();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
