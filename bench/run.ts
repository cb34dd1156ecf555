/**
 * `make bench`: throughput and latency of the pipeline on the real local stack, each stage as a
 * ratio to what the same client does with no work (see docs/benchmarks.md). Progress goes to
 * stdout as `[bench]` lines; the last line is the results as one JSON object, also written to
 * bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { CONSUMER_KINDS } from '../lib/consumer-kinds';
import { loadConfig } from '../lib/config';
import { stageSpec } from '../lib/topology';
import { DEFAULT_PACE } from '../lib/replay/pacing';
import { BenchPipeline, type WorkerRole } from './bench-pipeline';
import { ensureTopics } from '../clients/kafka';
import { consumerActivity } from '../clients/probes';
import { SIGNAL_CONCURRENCY, type DetectionFeedTotals } from '../activities/detection/run-detection-feed';
import { rawConsumePlatformatic } from './alternative-client';
import { rawProduceKafkajs, rawProducePlatformatic } from './raw-produce';
import { burstOfNewVisitors, clickToDashboard, clickToOffer } from './latency';
import { measureDrain, rawConsume, waitForGroup, watchLag, type DrainResult } from './measure';
import { backlogCleared, ratio, round, summariseLatencies } from './stats';
import { rawTemporalSignals } from './temporal-signals';
import { workflowBundle } from '../workers/workflow-bundle';
import { observedRun, type ObservedRun } from './observability-cost';

// The do-nothing workflow's worker runs in this process: its warnings only, not its lifecycle.
Runtime.install({ logger: new DefaultLogger('WARN') });

const log = (message: string) => console.log(`[bench] ${message}`);
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
/** Read from the file: some packages' exports do not offer their package.json. */
const packageVersion = (name: string) => (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const DETECTION_MAX_MS = 120_000;
/** The burst phase: new visitors at once, and visitors already browsing clicking on to an offer meanwhile, one every 500 ms. */
const BURST_VISITORS = 3_000;
const BURST_STEADY_VISITORS = 60;
/** Detection lag at or under this counts as the burst worked off: the demo replay's own traffic. */
const BURST_SETTLED_LAG = 100;
const PRODUCE_CEILING_RECORDS = 120_000;
/** Clicks each stage drains in the observability phase, per share traced: none, about the shop's beside the replay, all. */
const OBSERVED_CLICKS = 200_000;
const TRACED_SHARES = [0, 0.01, 1];
/** The share the target is judged at: the demo's shop clicks beside the replay. */
const DEMO_TRACED_SHARE = 0.01;

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

/** `--phases stages,end-to-end,latency,burst,observability` (the default: all) runs only some phases. */
const PHASES = ['stages', 'end-to-end', 'latency', 'burst', 'observability'] as const;
/**
 * Parts of `stages` that run alone when asked for (`--phases replay,signals`), in a minute or two
 * rather than the stages' ten: the replay at max pace and Temporal's signal-with-start ceiling.
 */
const PARTS_OF_STAGES = ['replay', 'signals'] as const;
const phasesArg = process.argv.indexOf('--phases');
function phasesArgGiven(): boolean {
  return process.argv.includes('--phases');
}
const phases = new Set(phasesArg > 0 ? process.argv[phasesArg + 1]!.split(',') : PHASES);
const knownPhases: readonly string[] = [...PHASES, ...PARTS_OF_STAGES];
const unknownPhase = [...phases].find((p) => !knownPhases.includes(p));
if (unknownPhase) throw new Error(`unknown phase ${unknownPhase}; phases are ${knownPhases.join(', ')}`);

const rows = readFileSync(join(loadConfig().data.dir, 'clicks.csv'), 'utf8').split('\n').length - 2;
results.rows = rows;
log(`${rows} rows in the click log; every phase runs a private copy of the pipeline on the local stack`);
// As `make workers` does: built before any orchestrator starts, by a process of its own.
log(`workflow bundle: ${(await workflowBundle()).codePath}`);
// The workers run from the JavaScript `make workers` builds, as stack/workers.sh runs them.
log(execFileSync('node_modules/.bin/tsx', ['workers/build-workers.ts'], { encoding: 'utf8' }).trim());

/** The whole log replayed once at max pace into the pipeline's fresh clicks topic, by its orchestrator. */
async function replayAtMaxPace(p: BenchPipeline): Promise<void> {
  log('loading the whole log into a fresh clicks topic (replay at max pace)');
  const started = performance.now();
  const progress = await (await p.startReplay({ mode: 'max' }, false)).result();
  results.replay_max_per_s = Math.round((progress.rowsSent * 1000) / (performance.now() - started));
  log(`replay: ${progress.rowsSent} clicks sent, ${progress.rowsRejected} rows rejected, ${results.replay_max_per_s}/s`);
}

/** Temporal's ceiling for the detection feed, with the server's options as stack/temporal.sh gives them. */
async function signalCeiling(p: BenchPipeline): Promise<{ perSecond: number }> {
  log(`raw Temporal signals: signal-with-start to a do-nothing workflow, ${SIGNAL_CONCURRENCY} in flight, 20 s`);
  const signals = await rawTemporalSignals({
    config: p.config.temporal,
    client: p.temporal,
    concurrency: SIGNAL_CONCURRENCY,
    durationMs: 20_000,
    workflows: 5_000,
  });
  results.raw_temporal_signals_per_s = signals.perSecond;
  log(`raw signals: ${signals.signals} in 20 s, ${signals.perSecond}/s`);
  return signals;
}

// 0. Parts of the stages phase alone, when asked for without it.
if (!phases.has('stages') && (phases.has('replay') || phases.has('signals'))) {
  const p = await BenchPipeline.create(10);
  try {
    if (phases.has('replay')) {
      await p.start(['orchestrator']);
      await replayAtMaxPace(p);
      keepPeaks(p);
    }
    if (phases.has('signals')) await signalCeiling(p);
  } finally {
    await p.close();
  }
}

// 1. Each stage alone, on a topic already holding the whole log, against a bare consumer of it.
if (phases.has('stages')) {
  const p = await BenchPipeline.create(10);
  const { clicks, enriched } = p.config.kafka.topics;
  try {
    await p.start(['orchestrator']);
    await p.ingest();
    await replayAtMaxPace(p);

    const rawClicks = await rawConsume(p.kafka, clicks);
    results.raw_kafka_consume_per_s = rawClicks.perSecond;
    log(`raw consume of clicks: ${rawClicks.records} records, ${rawClicks.perSecond}/s (the ceiling)`);
    const alternative = await rawConsumePlatformatic(p.config.kafka.brokers, clicks);
    results.raw_kafka_consume_alternative_client = {
      client: `@platformatic/kafka ${packageVersion('@platformatic/kafka')}`,
      records: alternative.records,
      per_s: alternative.perSecond,
    };
    log(`raw consume of clicks with @platformatic/kafka: ${alternative.records} records, ${alternative.perSecond}/s`);

    const scratch = `${clicks}-produce-ceiling`;
    await ensureTopics(p.kafka, p.config.kafka, [scratch]);
    const produceCeiling = {
      kafkajs_transactional: await rawProduceKafkajs(p.kafka, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS, true),
      kafkajs_idempotent: await rawProduceKafkajs(p.kafka, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS, false),
      platformatic_idempotent: await rawProducePlatformatic(p.config.kafka.brokers, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS),
      platformatic_transactional: await rawProducePlatformatic(p.config.kafka.brokers, scratch, p.config.kafka.partitions, PRODUCE_CEILING_RECORDS, true),
    };
    await p.admin.deleteTopics({ topics: [scratch] });
    results.raw_kafka_produce_per_s = produceCeiling;
    // Enrichment reads and writes every record: the client alone allows at most this much.
    results.enrichment_client_bound_per_s = Math.round(1 / (1 / rawClicks.perSecond + 1 / produceCeiling.kafkajs_transactional));
    log(
      `raw produce of enriched-size records: ${JSON.stringify(produceCeiling)}/s; read plus transactional write bounds enrichment at ${results.enrichment_client_bound_per_s}/s`,
    );

    await p.start(['enrichment']);
    await p.startConsumers('enrichment', 1);
    const enrichment = await measureDrain(p.admin, {
      groupId: stageSpec(p.config, 'enrichment').groupId,
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
      groupId: stageSpec(p.config, 'aggregation').groupId,
      topic: enriched,
      records: () => rawEnriched.records,
      inputDone: () => true,
      onProgress: (f) => log(`aggregation ${percent(f)}`),
    });
    results.aggregation_per_s = aggregation.perSecond;
    results.aggregation_ratio = ratio(aggregation.perSecond, rawEnriched.perSecond);
    log(`aggregation: ${aggregation.perSecond}/s, ${results.aggregation_ratio} of raw consume of its input`);
    await p.stopWorkers(['aggregation']);

    const signals = await signalCeiling(p);

    await p.start(['detection']);
    await p.startConsumers('detection', 1);
    const detection = await measureDrain(p.admin, {
      groupId: stageSpec(p.config, 'detection').groupId,
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
  try {
    const kinds = ['enrichment', 'aggregation'] as const;
    await p.start(['orchestrator', ...kinds.flatMap((k) => Array<WorkerRole>(workersPerKind).fill(k))]);
    await p.ingest();
    for (const kind of kinds) await p.startConsumers(kind, workersPerKind);
    for (const kind of kinds) await waitForGroup(p.admin, stageSpec(p.config, kind).groupId, workersPerKind);
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
      measureDrain(p.admin, {
        groupId: stageSpec(p.config, 'enrichment').groupId,
        topic: clicks,
        records: () => rows,
        inputDone: () => replayDone,
        since,
      }).then(() => (enrichmentDone = true)),
      measureDrain(p.admin, {
        groupId: stageSpec(p.config, 'aggregation').groupId,
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

/**
 * Every worker, one consumer of each kind, the log replaying at its default pace for 10 s: the
 * demo's own traffic. Returns a connected producer for the phase's probe clicks.
 */
async function atDemoRate(p: BenchPipeline, phase: string): Promise<Producer> {
  await p.start(['orchestrator', ...CONSUMER_KINDS]);
  await p.ingest();
  for (const kind of CONSUMER_KINDS) await p.startConsumers(kind, 1);
  for (const kind of CONSUMER_KINDS) await waitForGroup(p.admin, stageSpec(p.config, kind).groupId, 1);
  await p.startReplay(DEFAULT_PACE, true);
  log(`${phase}: warming up 10 s at the demo rate`);
  await new Promise((r) => setTimeout(r, 10_000));
  const producer = p.kafka.producer({ idempotent: true });
  await producer.connect();
  return producer;
}

// 3. Latencies at the demo rate: the log replays at its default pace while probes click.
if (phases.has('latency')) {
  const p = await BenchPipeline.create(13);
  try {
    const producer = await atDemoRate(p, 'latency');
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

// 4. A burst of new visitors at the demo rate: click to offer for steady visitors meanwhile.
if (phases.has('burst')) {
  const p = await BenchPipeline.create(14);
  try {
    const producer = await atDemoRate(p, 'burst');
    log(
      `burst: ${BURST_VISITORS} new visitors click at once; ${BURST_STEADY_VISITORS} visitors who viewed clothing before it go on to shoes and other clothing, one every 500 ms`,
    );
    const lag = watchLag(p.admin, stageSpec(p.config, 'detection').groupId, p.config.kafka.topics.enriched);
    let burstWritten: Promise<number> | undefined;
    const offers = await clickToOffer(p, producer, BURST_STEADY_VISITORS, 500, {
      browsingForMs: 5_000,
      beforeFirst: () => (burstWritten = burstOfNewVisitors(p, producer, BURST_VISITORS)),
      waitMs: 180_000,
    });
    const writtenMs = await burstWritten!;
    // The backlog may outlast the steady visitors: watched until worked off, or 3 minutes more.
    const deadline = performance.now() + 180_000;
    while (backlogCleared(lag.samples, BURST_SETTLED_LAG).clearedAtMs === undefined && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 1_000));
    await lag.stop();
    const backlog = backlogCleared(lag.samples, BURST_SETTLED_LAG);
    const feed = await consumerActivity<DetectionFeedTotals>(p.temporal, `${p.taskQueue}-detection`);
    results.burst = {
      visitors: BURST_VISITORS,
      written_ms: Math.round(writtenMs),
      detection_lag_peak: backlog.peak,
      detection_backlog_cleared_s: backlog.clearedAtMs === undefined ? null : round(backlog.clearedAtMs / 1000),
      click_to_offer_ms: { ...summariseLatencies(offers.latencies), missing: offers.missing },
      feed: { activity_attempt: feed.attempt, group_joins: feed.details?.groupJoins ?? null, crashes: feed.details?.crashes ?? null },
    };
    log(`burst: ${JSON.stringify(results.burst)}`);
    await producer.disconnect();
    keepPeaks(p);
  } finally {
    await p.close();
  }
}

// 5. What metrics and tracing cost each stage: the same number of clicks drained with none, some and all traced, every run scraped each second.
if (phases.has('observability')) {
  const runs: ObservedRun[] = [];
  for (const share of TRACED_SHARES) runs.push(await observedRun(OBSERVED_CLICKS, share, 15, log));
  const untraced = runs[0]!;
  const byShare = (stage: 'enrichment' | 'aggregation') =>
    runs.map((r) => ({
      traced_share: r.traced_share,
      per_s: r[stage].per_s,
      // Against the untraced run, on a shared machine: noisy; the CPU shares are the steadier measure.
      rate_change: round(r[stage].per_s / untraced[stage].per_s - 1, 3),
      cpu_share_metrics: r[stage].cpu_share.metrics,
      cpu_share_tracing: r[stage].cpu_share.tracing,
    }));
  results.observability = {
    clicks: OBSERVED_CLICKS,
    spans_exported: Object.fromEntries(runs.map((r) => [r.traced_share, r.spans])),
    enrichment: byShare('enrichment'),
    aggregation: byShare('aggregation'),
  };
  log(`observability: ${JSON.stringify(results.observability)}`);
}

// This run's own peaks, apart: a run of some phases shows what they measured, lower ones included.
log(`peak RSS in this run's phases: ${JSON.stringify(peakRss)} MB`);
results.peak_rss_mb_this_run = { phases: [...phases], ...peakRss };
// Peaks of the phases not run this time stay as they were measured.
for (const [role, mb] of Object.entries((previous.peak_rss_mb as Record<string, number> | undefined) ?? {}))
  peakRss[role as WorkerRole] = Math.max(peakRss[role as WorkerRole] ?? 0, mb);
results.peak_rss_mb = peakRss;
const offer = results.click_to_offer_ms as { p99: number; missing: number } | undefined;
const burst = results.burst as { feed: { activity_attempt: number; group_joins: number | null; crashes: number | null } } | undefined;
// Issue 12's targets: each stage at 0.8 of the client's read-plus-write bound, end to end at 0.8 of
// the slower stage, the replay at 50,000 rows/s, every worker under 250 MB; and the earlier ones.
const bound = results.enrichment_client_bound_per_s as number;
const slowerStage = Math.min(results.enrichment_per_s as number, results.aggregation_per_s as number);
results.stage_ratios_to_client_bound = {
  enrichment: ratio(results.enrichment_per_s as number, bound),
  aggregation: ratio(results.aggregation_per_s as number, bound),
};
results.end_to_end_ratio_to_slower_stage = ratio(results.end_to_end_per_s as number, slowerStage);
results.targets = {
  enrichment_at_least_0_8_of_client_bound: (results.enrichment_per_s as number) >= 0.8 * bound,
  aggregation_at_least_0_8_of_client_bound: (results.aggregation_per_s as number) >= 0.8 * bound,
  end_to_end_at_least_0_8_of_slower_stage: (results.end_to_end_per_s as number) >= 0.8 * slowerStage,
  replay_at_least_50000_per_s: (results.replay_max_per_s as number) >= 50_000,
  detection_ratio_at_least_0_5: (results.detection_ratio as number) >= 0.5,
  click_to_offer_p99_under_1000_ms: offer !== undefined && offer.p99 < 1000 && offer.missing === 0,
  burst_feed_kept_its_group: burst !== undefined && burst.feed.activity_attempt === 1 && burst.feed.group_joins === 1 && burst.feed.crashes === 0,
  every_worker_under_250_mb: Object.values(peakRss).every((mb) => mb < 250),
  observability_under_5_percent_of_each_stage_at_demo_share: ['enrichment', 'aggregation'].every((stage) => {
    const runs = (results.observability as Record<string, { traced_share: number; cpu_share_metrics: number; cpu_share_tracing: number }[]> | undefined)?.[
      stage
    ];
    const demo = runs?.find((r) => r.traced_share === DEMO_TRACED_SHARE);
    return demo !== undefined && demo.cpu_share_metrics + demo.cpu_share_tracing < 0.05;
  }),
};
results.phases_measured = { ...(previous.phases_measured as object | undefined), ...Object.fromEntries([...phases].map((phase) => [phase, results.date])) };
mkdirSync('bench/results', { recursive: true });
const json = JSON.stringify(results);
writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
log('written to bench/results/latest.json');
console.log(json);
