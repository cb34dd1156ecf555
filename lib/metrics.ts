/**
 * The project's Prometheus metrics by name, with their labels: the stage runtime, the workers, the
 * web server, `make status`, the alert rules (stack/prometheus/alerts.yml, checked against this
 * list by a unit test) and the docs all mean these. Every label's values are bounded: stages,
 * partitions, topics, route ids, a capped set of dead-letter reasons, never a visitor or a path.
 */

export const METRIC_PREFIX = 'clickstream_';

export const STAGE_METRICS = {
  recordsIn: 'clickstream_stage_records_in_total',
  recordsOut: 'clickstream_stage_records_out_total',
  deadLetters: 'clickstream_stage_dead_letters_total',
  batchSeconds: 'clickstream_stage_batch_duration_seconds',
  batchRecords: 'clickstream_stage_batch_records',
  transactions: 'clickstream_stage_transactions_total',
  commits: 'clickstream_stage_commits_total',
  rebalances: 'clickstream_stage_rebalances_total',
  crashes: 'clickstream_stage_crashes_total',
  watchdogRestarts: 'clickstream_stage_watchdog_restarts_total',
  assignedPartitions: 'clickstream_stage_assigned_partitions',
  rejoining: 'clickstream_stage_rejoining',
  lag: 'clickstream_stage_consumer_lag',
  lagCheckedAt: 'clickstream_stage_lag_checked_timestamp_seconds',
  restoreSeconds: 'clickstream_stage_restore_duration_seconds',
} as const;

export const REPLAY_METRICS = {
  rows: 'clickstream_replay_rows_total',
  rowsPerSecond: 'clickstream_replay_rows_per_second',
} as const;

export const DETECTION_METRICS = {
  signals: 'clickstream_detection_signals_total',
  signalSeconds: 'clickstream_detection_signal_duration_seconds',
  runningVisitors: 'clickstream_detection_running_visitors',
  offersSent: 'clickstream_offers_sent_total',
  clickToOfferSeconds: 'clickstream_click_to_offer_seconds',
} as const;

export const WEB_METRICS = {
  requests: 'clickstream_web_requests_total',
  requestSeconds: 'clickstream_web_request_duration_seconds',
  openStreams: 'clickstream_web_open_streams',
  refusedStreams: 'clickstream_web_refused_streams_total',
  refusals: 'clickstream_web_refusals_total',
} as const;

/** Every metric the project itself defines (prom-client's process metrics aside). */
export const PROJECT_METRICS: readonly string[] = [STAGE_METRICS, REPLAY_METRICS, DETECTION_METRICS, WEB_METRICS].flatMap((m) => Object.values(m));

/** Seconds: a stage's batch, a signal, a request. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Records per batch. */
export const BATCH_SIZE_BUCKETS = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000];
/** Click to offer, seconds: the target is a p99 under 1 s. */
export const CLICK_TO_OFFER_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30];

/** Distinct dead-letter reasons a stage reports at most; later ones count as `other`. */
export const MAX_REASONS_PER_STAGE = 32;
const MAX_REASON_WORDS = 5;

/**
 * A dead-letter reason as a label: its leading words, up to the first that carries a value (a
 * digit, a quote, a colon ends it), so `unknown product p-123` and `unknown product p-9` are one.
 */
export function reasonLabel(reason: string): string {
  const words: string[] = [];
  for (const word of reason.trim().split(/\s+/)) {
    if (words.length === MAX_REASON_WORDS || /[\d"'`{[(<]/.test(word)) break;
    const bare = word.replace(/[:;,.]+$/, '');
    if (bare) words.push(bare);
    if (bare !== word) break;
  }
  return words.join(' ').slice(0, 60) || 'other';
}

/** A process as Prometheus finds it: one file_sd target group per metrics endpoint it serves. */
export interface MetricsTargetGroup {
  targets: string[];
  labels: { job: string; worker: string; pid: string };
}

/** The jobs Prometheus scrapes: one per kind of process, and the Temporal SDK inside each worker. */
export const TEMPORAL_SDK_JOB = 'temporal-sdk';
export const TEMPORAL_SERVER_JOB = 'temporal-server';

/** The target file of a process: one per job and worker name, so a restarted worker replaces its own. */
export const targetFileName = (job: string, worker: string) => `${job}-${worker}.json`;

/** An alert Prometheus has firing now, as `make status` and the operator's dashboard show it. */
export interface FiringAlert {
  name: string;
  severity: string | null;
  summary: string | null;
  labels: Record<string, string>;
  /** Since when (ISO time). */
  activeAt: string;
}
