/**
 * One trace from click to offer: a private pipeline (orchestrator, enrichment and detection
 * workers, the built web app) exporting its spans by OTLP to a receiver in this process. A visitor
 * of the offer's demographic clicks clothing, shoes and other clothing through POST /api/clicks
 * while their offer stream is open; the offer's spans and the completing click's form one trace,
 * rooted at the web's request, through enrichment, the detection feed and its signal, the visitor
 * workflow, its offer activity, and the web's fan-out. Needs web/build (`make integration` builds it).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import type { ConsumerKind } from '../../lib/consumer-kinds';
import type { Offer } from '../../lib/schema';
import type { ShopOffer } from '../../web/src/lib/shop-offer';
import { printWorkerOutput } from '../chaos/private-stack';
import { pipelineProcesses, removePipeline, startConsumers, writeDataSet } from '../chaos/private-pipeline';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { eventually, ingestDataDir, isolatedEnv, WorkerProcess } from './pipeline-support';
import { freePort } from './support';

const KINDS: ConsumerKind[] = ['enrichment', 'detection'];
const dir = mkdtempSync(join(tmpdir(), 'tracing-'));
const receiver = await OtlpReceiver.start();
const webPort = await freePort();
const web = `http://127.0.0.1:${webPort}`;
const token = `trace-${randomUUID()}`;
const env = {
  ...isolatedEnv(join(dir, 'state'), dir, 12),
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  WEB_PORT: String(webPort),
  API_TOKEN: token,
  VISITOR_IDLE_MINUTES: '5',
  LOG_LEVEL: 'INFO',
};
const config = loadConfig(env);
const { products } = writeDataSet(dir, 20);
const kafka = createKafka(config.kafka, 'tracing-test');
const redis = createRedis(config.redis);
const client = await connectTemporal(config.temporal);
const workers = pipelineProcesses(env, KINDS);
const webServer = new WorkerProcess('web', ['web/build'], { ...env, PORT: String(webPort), HOST: '127.0.0.1', ORIGIN: web, SHUTDOWN_TIMEOUT: '5' }, 'node');
const processes = [...workers, webServer];

beforeAll(async () => {
  if (!existsSync('web/build/index.js')) throw new Error('web/build missing: run `make web/build/index.js` (make integration does) first');
  await redis.flushdb();
  await ensureTopics(kafka, config.kafka);
  await Promise.all(processes.map((p) => p.start(120_000)));
  await ingestDataDir(client, config.temporal.taskQueue, dir);
  await startConsumers(client, config.temporal.taskQueue, KINDS);
});

afterAll(async () => {
  await removePipeline(client, kafka, config, redis).catch(() => {});
  await Promise.all(processes.map((p) => p.stop()));
  await client.connection.close();
  redis.disconnect();
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads an offer stream until its first offer (a `data:` line that is an offer), or the signal aborts. */
async function firstOffer(body: ReadableStream<Uint8Array>): Promise<Offer> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) {
    text += decoder.decode(chunk, { stream: true });
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: ')) continue;
      // The shop's frame: the offer with its definition (web/src/lib/shop-offer.ts).
      const data = JSON.parse(line.slice(6)) as Partial<ShopOffer>;
      if (data.offer?.offerId) return data.offer;
    }
  }
  throw new Error(`the offer stream ended without an offer:\n${text}`);
}

const click = (userId: string, productId: string) =>
  fetch(`${web}/api/clicks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) trace test' },
    body: JSON.stringify({ userId, productId, gender: 'M', age: 40 }),
  });

/** Each span's parent is in the trace, and one span (the root) has none: the spans form one tree. */
function isOneTree(spans: ReceivedSpan[]): boolean {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => !s.parentSpanId).length === 1 && spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
}

describe('tracing', () => {
  it("one click's spans form one trace across the web, enrichment, the feed, the workflow and the offer", { timeout: 240_000 }, async () => {
    try {
      const userId = `trace-${randomUUID().slice(0, 8)}`;
      const [shirt, shoes, jacket] = [
        products.filter((p) => p.category === 'clothing')[0]!,
        products.find((p) => p.category === 'shoes')!,
        products.filter((p) => p.category === 'clothing')[1]!,
      ];
      const stream = await fetch(`${web}/api/offers?userId=${userId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(150_000) });
      expect(stream.status).toBe(200);
      const offer = firstOffer(stream.body!);
      offer.catch(() => {});
      // One click at a time, each through the pipeline before the next: the third completes the sequence.
      for (const product of [shirt, shoes, jacket]) {
        expect((await click(userId, product.id)).status).toBe(202);
        await new Promise((r) => setTimeout(r, 1_500));
      }
      const received = await offer;
      expect(received).toMatchObject({ userId, offerId: 'offer1' });

      // The web's fan-out of this offer ends the trace; its spans arrive within the exporters' delay.
      const trace = await eventually(
        'the offer trace with every part in it',
        async () => {
          const fanOut = receiver.spans.find((s) => s.name === 'offers fan-out');
          if (!fanOut) return undefined;
          const spans = receiver.trace(fanOut.traceId);
          const services = new Set(spans.map((s) => s.service));
          return ['clickstream-web', 'clickstream-enrichment', 'clickstream-detection', 'clickstream-orchestrator'].every((s) => services.has(s)) &&
            isOneTree(spans)
            ? spans
            : undefined;
        },
        60_000,
      );
      const names = trace.map((s) => `${s.service} ${s.name}`);
      console.log(`[trace] ${trace.length} spans in one trace:\n  ${names.join('\n  ')}`);
      const root = trace.find((s) => !s.parentSpanId)!;
      expect(`${root.service} ${root.name}`).toBe('clickstream-web POST /api/clicks');
      expect(names).toEqual(
        expect.arrayContaining([
          'clickstream-web POST /api/clicks',
          'clickstream-enrichment enrichment process',
          'clickstream-detection detection process',
          expect.stringMatching(/^clickstream-detection Signal(WithStart)?Workflow:visitorOfferWorkflow$/),
          'clickstream-orchestrator HandleSignal:visitorClicks',
          'clickstream-orchestrator StartActivity:sendOffers',
          'clickstream-orchestrator RunActivity:sendOffers',
          'clickstream-web offers fan-out',
        ]),
      );
      // The chain: each hop's span is a descendant of the one before it.
      const byId = new Map(trace.map((s) => [s.spanId, s]));
      const ancestors = (s: ReceivedSpan): string[] => (s.parentSpanId ? [byId.get(s.parentSpanId)!.name, ...ancestors(byId.get(s.parentSpanId)!)] : []);
      expect(ancestors(trace.find((s) => s.name === 'offers fan-out')!)).toEqual(
        expect.arrayContaining([
          'RunActivity:sendOffers',
          'StartActivity:sendOffers',
          'HandleSignal:visitorClicks',
          'detection process',
          'enrichment process',
          'POST /api/clicks',
        ]),
      );
      // The three clicks made three traces; the first two end in the workflow, without an offer.
      expect(new Set(receiver.spans.filter((s) => s.name === 'POST /api/clicks').map((s) => s.traceId)).size).toBeGreaterThanOrEqual(3);
      expect(receiver.spans.filter((s) => s.name === 'offers fan-out')).toHaveLength(1);
      // The offer activity's log line, JSON, carries the trace id.
      const logged = workers[0]!.output
        .split('\n')
        .filter((l) => l.includes('"offers sent"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toEqual([expect.objectContaining({ level: 'INFO', msg: 'offers sent', userId, offers: ['offer1'], trace_id: root.traceId })]);
    } catch (err) {
      printWorkerOutput(processes);
      throw err;
    }
  });

  it('workers log JSON lines; the ready line names the metrics address', () => {
    for (const worker of workers) {
      const ready = worker.output.split('\n').find((l) => l.includes('[ready]'))!;
      expect(JSON.parse(ready)).toMatchObject({
        level: 'INFO',
        msg: expect.stringMatching(/^\[ready\] /),
        metrics: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
    }
  });

  it('every process counts what it did on its own metrics port, none on the public one', async () => {
    /** A process's metric samples (name{labels} -> value) from the metrics address its ready line names. */
    const samples = async (p: WorkerProcess): Promise<Map<string, number>> => {
      const address = (JSON.parse(p.output.split('\n').find((l) => l.includes('[ready]'))!) as { metrics: string }).metrics;
      const text = await (await fetch(`http://${address}/metrics`)).text();
      return new Map(
        text
          .split('\n')
          .filter((l) => l.startsWith('clickstream_'))
          .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
      );
    };
    const [orchestrator, enrichment, detection] = workers;
    const served = await samples(webServer);
    expect(served.get('clickstream_web_requests_total{route="/api/clicks",method="POST",status="202"}')).toBe(3);
    expect(served.get('clickstream_web_requests_total{route="/api/offers",method="GET",status="200"}')).toBe(1);
    expect((await fetch(`${web}/metrics`)).status).toBe(404);
    const enriched = await samples(enrichment!);
    const sum = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
    expect(sum(enriched, 'clickstream_stage_records_in_total{stage="enrichment"')).toBe(3);
    expect(sum(enriched, 'clickstream_stage_records_out_total{stage="enrichment"')).toBe(3);
    // Clicks 1.5 s apart may still share a batch: at least one transaction, none aborted.
    expect(sum(enriched, 'clickstream_stage_transactions_total{stage="enrichment",outcome="committed"')).toBeGreaterThanOrEqual(1);
    expect(sum(enriched, 'clickstream_stage_transactions_total{stage="enrichment",outcome="aborted"')).toBe(0);
    const detected = await samples(detection!);
    expect(sum(detected, 'clickstream_stage_records_in_total{stage="detection"')).toBe(3);
    expect(sum(detected, 'clickstream_detection_signals_total{')).toBe(3);
    expect(detected.get('clickstream_detection_running_visitors')).toBe(1);
    const orchestrated = await samples(orchestrator!);
    expect(orchestrated.get('clickstream_offers_sent_total')).toBe(1);
    expect(orchestrated.get('clickstream_click_to_offer_seconds_count')).toBe(1);
  });
});
