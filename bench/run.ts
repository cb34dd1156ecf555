/**
 * `make bench`: throughput and latency of the pipeline on the real local stack, each stage as a
 * ratio to what the same client does with no work (see README, "Benchmark"). Progress goes to
 * stdout as `[bench]` lines; the last line is the results as one JSON object, also written to
 * bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { DEFAULT_PACE } from '../lib/replay/pacing';
import { BenchPipeline, type WorkerRole } from './bench-pipeline';
import { ensureTopics } from '../clients/kafka';
import { rawConsumePlatformatic } from './alternative-client';
import { rawProduceKafkajs, rawProducePlatformatic } from './raw-produce';
import { clickToDashboard, clickToOffer } from './latency';
import { measureDrain, rawConsume, waitForGroup, type DrainResult } from './measure';
import { ratio, round, summariseLatencies } from './stats';
import { rawTemporalSignals } from './temporal-signals';
import { workflowBundle } from '../workers/workflow-bundle';

// The do-nothing workflow's worker runs in this process: its warnings only, not its lifecycle.
Runtime.install({ logger: new DefaultLogger('WARN') });

const log = (message: string) => console.log(`[bench] ${message}`);
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
/** Read from the file: some packages' exports do not offer their package.json. */
const packageVersion = (name: string) => (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
/** The detection feed's signal-with-start concurrency (activities/detection/run-detection-feed.ts). */
const SIGNAL_CONCURRENCY = 16;
const DETECTION_MAX_MS = 120_000;
const PRODUCE_CEILING_RECORDS = 120_000;

const RESULTS_FILE = 'bench/results/latest.json';
/** A run of some phases updates their figures and keeps the other phases' from the last run. */
const previous = existsSync(RESULTS_FILE) && phasesArgGiven() ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
const results: Record<string, unknown> = {
  ...previous,
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  kafka_client: `kafkajs ${packageVersion('kafkajs')}`,
};
const peakRss: Partial<Record<WorkerRole, number>> = {};
const keepPeaks = (p: BenchPipeline) => {
  p.sampleRss();
  for (const [role, mb] of Object.entries(p.peakRss)) peakRss[role as WorkerRole] = Math.max(peakRss[role as WorkerRole] ?? 0, mb);
};

/** `--phases stages,end-to-end,latency` (the default: all) runs only some phases. */
const PHASES = ['stages', 'end-to-end', 'latency'] as const;
const phasesArg = process.argv.indexOf('--phases');
function phasesArgGiven(): boolean {
  return process.argv.includes('--phases');
}
const phases = new Set(phasesArg > 0 ? process.argv[phasesArg + 1]!.split(',') : PHASES);
const unknownPhase = [...phases].find((p) => !(PHASES as readonly string[]).includes(p));
if (unknownPhase) throw new Error(`unknown phase ${unknownPhase}; phases are ${PHASES.join(', ')}`);

const rows = readFileSync(join(loadConfig().data.dir, 'clicks.csv'), 'utf8').split('\n').length - 2;
results.rows = rows;
log(`${rows} rows in the click log; every phase runs a private copy of the pipeline on the local stack`);
// As `make workers` does: built before any orchestrator starts, by a process of its own.
log(`workflow bundle: ${(await workflowBundle()).codePath}`);

// 1. Each stage alone, on a topic already holding the whole log, against a bare consumer of it.
if (phases.has('stages')) {
  const p = await BenchPipeline.create(10);
  const { clicks, enriched } = p.config.kafka.topics;
  const { clientId } = p.config.kafka;
  try {
    await p.start(['orchestrator']);
    await p.ingest();
    log('loading the whole log into a fresh clicks topic (replay at max pace)');
    let started = performance.now();
    const progress = await (await p.startReplay({ mode: 'max' }, false)).result();
    results.replay_max_per_s = Math.round((progress.rowsSent * 1000) / (performance.now() - started));
    log(`replay: ${progress.rowsSent} clicks sent, ${progress.rowsRejected} rows rejected, ${results.replay_max_per_s}/s`);

    const rawClicks = await rawConsume(p.kafka, clicks);
    results.raw_kafka_consume_per_s = rawClicks.perSecond;
    log(`raw consume of clicks: ${rawClicks.records} records, ${rawClicks.perSecond}/s (the ceiling)`);
    const alternative = await rawConsumePlatformatic(p.config.kafka.brokers, clicks);
    results.raw_kafka_consume_alternative_client = { client: `@platformatic/kafka ${packageVersion('@platformatic/kafka')}`, records: alternative.records, per_s: alternative.perSecond };
    log(`raw consume of clicks with @platformatic/kafka: ${alternative.records} records, ${alternative.perSecond}/s`);

    const scratch = `${clicks}-produce-ceiling`;
    await ensureTopics(p.kafka, p.config.kafka, [scratch]);
    const produceCeiling = {
      kafkajs_transactional: await rawProduceKafkajs(p.kafka, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS, true),
      kafkajs_idempotent: await rawProduceKafkajs(p.kafka, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS, false),
      platformatic_idempotent: await rawProducePlatformatic(p.config.kafka.brokers, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS),
    };
    await p.admin.deleteTopics({ topics: [scratch] });
    results.raw_kafka_produce_per_s = produceCeiling;
    // Enrichment reads and writes every record: the client alone allows at most this much.
    results.enrichment_client_bound_per_s = Math.round(1 / (1 / rawClicks.perSecond + 1 / produceCeiling.kafkajs_transactional));
    log(`raw produce of enriched-size records: ${JSON.stringify(produceCeiling)}/s; read plus transactional write bounds enrichment at ${results.enrichment_client_bound_per_s}/s`);

    await p.start(['enrichment']);
    await p.startConsumers('enrichment', 1);
    const enrichment = await measureDrain(p.admin, {
      groupId: `${clientId}-enrichment`,
      topic: clicks,
      records: () => rawClicks.records,
      inputDone: () => true,
      onProgress: (f) => log(`enrichment ${percent(f)}`),
    });
    results.enrichment_per_s = enrichment.perSecond;
    results.enrichment_ratio = ratio(enrichment.perSecond, rawClicks.perSecond);
    log(`enrichment: ${enrichment.perSecond}/s, ${results.enrichment_ratio} of raw consume`);
    await p.stopWorkers(['enrichment']);

    const rawEnriched = await rawConsume(p.kafka, enriched);
    results.raw_kafka_consume_enriched_per_s = rawEnriched.perSecond;
    log(`raw consume of enriched clicks: ${rawEnriched.records} records, ${rawEnriched.perSecond}/s`);

    await p.start(['aggregation']);
    await p.startConsumers('aggregation', 1);
    const aggregation = await measureDrain(p.admin, {
      groupId: `${clientId}-aggregation`,
      topic: enriched,
      records: () => rawEnriched.records,
      inputDone: () => true,
      onProgress: (f) => log(`aggregation ${percent(f)}`),
    });
    results.aggregation_per_s = aggregation.perSecond;
    results.aggregation_ratio = ratio(aggregation.perSecond, rawEnriched.perSecond);
    log(`aggregation: ${aggregation.perSecond}/s, ${results.aggregation_ratio} of raw consume of its input`);
    await p.stopWorkers(['aggregation']);

    log(`raw Temporal signals: signal-with-start to a do-nothing workflow, ${SIGNAL_CONCURRENCY} in flight, 20 s`);
    const signals = await rawTemporalSignals({ config: p.config.temporal, client: p.temporal, concurrency: SIGNAL_CONCURRENCY, durationMs: 20_000, workflows: 5_000 });
    results.raw_temporal_signals_per_s = signals.perSecond;
    log(`raw signals: ${signals.signals} in 20 s, ${signals.perSecond}/s`);

    await p.start(['detection']);
    await p.startConsumers('detection', 1);
    started = performance.now();
    const detection = await measureDrain(p.admin, {
      groupId: `${clientId}-detection`,
      topic: enriched,
      records: () => rawEnriched.records,
      inputDone: () => true,
      maxMs: DETECTION_MAX_MS,
      onProgress: (f) => log(`detection ${percent(f)}`),
    });
    results.detection_clicks_per_s = detection.perSecond;
    results.detection_ratio = ratio(detection.perSecond, signals.perSecond);
    results.detection_clicks_measured = detection.records;
    log(`detection: ${detection.records} clicks in ${round(detection.ms / 1000)} s, ${detection.perSecond}/s, ${results.detection_ratio} of raw signals`);
    keepPeaks(p);
  } finally {
    await p.close();
  }
}

// 2. The log replayed as fast as it goes, through enrichment and aggregation at once, with 1 and 2 workers per kind.
async function endToEnd(workersPerKind: number, redisDb: number): Promise<DrainResult> {
  const p = await BenchPipeline.create(redisDb, { WORKERS_PER_KIND: String(workersPerKind) });
  const { clicks, enriched } = p.config.kafka.topics;
  const { clientId } = p.config.kafka;
  try {
    const kinds = ['enrichment', 'aggregation'] as const;
    await p.start(['orchestrator', ...kinds.flatMap((k) => Array<WorkerRole>(workersPerKind).fill(k))]);
    await p.ingest();
    for (const kind of kinds) await p.startConsumers(kind, workersPerKind);
    for (const kind of kinds) await waitForGroup(p.admin, `${clientId}-${kind}`, workersPerKind);
    log(`end to end, ${workersPerKind} worker(s) per kind: replaying the whole log at max pace`);
    let replayDone = false;
    let enrichmentDone = false;
    const since = performance.now();
    const replay = await p.startReplay({ mode: 'max' }, false);
    const sent = replay.result().then((r) => {
      replayDone = true;
      return r.rowsSent;
    });
    const [, aggregation] = await Promise.all([
      measureDrain(p.admin, { groupId: `${clientId}-enrichment`, topic: clicks, records: () => rows, inputDone: () => replayDone, since }).then(() => (enrichmentDone = true)),
      measureDrain(p.admin, {
        groupId: `${clientId}-aggregation`,
        topic: enriched,
        records: () => rows,
        inputDone: () => enrichmentDone,
        since,
        onProgress: (f) => log(`end to end (${workersPerKind}): aggregated ${percent(f)} of what is enriched so far`),
      }),
    ]);
    const records = await sent;
    keepPeaks(p);
    return { ...aggregation, records, perSecond: Math.round((records * 1000) / aggregation.ms) };
  } finally {
    await p.close();
  }
}
if (phases.has('end-to-end')) {
  const one = await endToEnd(1, 11);
  log(`end to end, 1 worker per kind: ${one.records} clicks in ${round(one.ms / 1000)} s, ${one.perSecond}/s`);
  const two = await endToEnd(2, 12);
  log(`end to end, 2 workers per kind: ${two.records} clicks in ${round(two.ms / 1000)} s, ${two.perSecond}/s`);
  results.end_to_end_per_s = one.perSecond;
  results.end_to_end_ratio = ratio(one.perSecond, results.raw_kafka_consume_per_s as number);
  results.end_to_end_per_s_by_workers = { 1: one.perSecond, 2: two.perSecond };
}

// 3. Latencies at the demo rate: the log replays at its default pace while probes click.
if (phases.has('latency')) {
  const p = await BenchPipeline.create(13);
  try {
    const kinds = ['enrichment', 'aggregation', 'detection'] as const;
    await p.start(['orchestrator', ...kinds]);
    await p.ingest();
    for (const kind of kinds) await p.startConsumers(kind, 1);
    for (const kind of kinds) await waitForGroup(p.admin, `${p.config.kafka.clientId}-${kind}`, 1);
    await p.startReplay(DEFAULT_PACE, true);
    log('latency at the demo rate: warming up 10 s');
    await new Promise((r) => setTimeout(r, 10_000));
    const producer = p.kafka.producer({ idempotent: true });
    await producer.connect();
    // One sequence each half second: about the detection traffic the demo's own visitors make, so
    // the probes measure the demo rather than a load of their own.
    log('click to offer: 60 visitors clicking clothing, shoes, other clothing, one every 500 ms');
    const offers = await clickToOffer(p, producer, 60, 500);
    results.click_to_offer_ms = { ...summariseLatencies(offers.latencies), missing: offers.missing };
    log(`click to offer: ${JSON.stringify(results.click_to_offer_ms)}`);
    log('click to dashboard: 40 clicks of new visitors');
    const dashboard = await clickToDashboard(p, producer, 40, 400);
    results.click_to_dashboard_ms = { ...summariseLatencies(dashboard.latencies), missing: dashboard.missing };
    log(`click to dashboard: ${JSON.stringify(results.click_to_dashboard_ms)}`);
    await producer.disconnect();
    keepPeaks(p);
  } finally {
    await p.close();
  }
}

// Peaks of the phases not run this time stay as they were measured.
for (const [role, mb] of Object.entries((previous.peak_rss_mb as Record<string, number> | undefined) ?? {})) peakRss[role as WorkerRole] = Math.max(peakRss[role as WorkerRole] ?? 0, mb);
results.peak_rss_mb = peakRss;
const offer = results.click_to_offer_ms as { p99: number; missing: number } | undefined;
results.targets = {
  enrichment_ratio_at_least_0_5: (results.enrichment_ratio as number) >= 0.5,
  aggregation_ratio_at_least_0_5: (results.aggregation_ratio as number) >= 0.5,
  detection_ratio_at_least_0_5: (results.detection_ratio as number) >= 0.5,
  click_to_offer_p99_under_1000_ms: offer !== undefined && offer.p99 < 1000 && offer.missing === 0,
  every_worker_under_300_mb: Object.values(peakRss).every((mb) => mb < 300),
};
results.phases_measured = { ...(previous.phases_measured as object | undefined), ...Object.fromEntries([...phases].map((phase) => [phase, results.date])) };
mkdirSync('bench/results', { recursive: true });
const json = JSON.stringify(results);
writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
log('written to bench/results/latest.json');
console.log(json);
