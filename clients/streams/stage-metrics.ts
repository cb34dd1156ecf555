/**
 * The stage runtime's metrics, one set per process (prom-client's registry, served by
 * clients/metrics.ts): every stage run on the runtime reports the same ones, labelled by its kind.
 * Partitions and topics come from the topology, dead-letter reasons are cut to their leading words
 * and capped per stage: no label grows with the data.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { BATCH_SIZE_BUCKETS, DURATION_BUCKETS, MAX_REASONS_PER_STAGE, reasonLabel, STAGE_METRICS as M } from '../../lib/metrics';

const stagePartition = ['stage', 'partition'] as const;

export const stageMetrics = {
  recordsIn: new Counter({
    name: M.recordsIn,
    help: 'Input records a stage processed (fresh records of its batches), by partition.',
    labelNames: stagePartition,
  }),
  recordsOut: new Counter({
    name: M.recordsOut,
    help: 'Records a stage wrote and committed, by input partition and output topic (dead letters and changelogs aside).',
    labelNames: [...stagePartition, 'topic'],
  }),
  deadLetters: new Counter({
    name: M.deadLetters,
    help: 'Input records a stage sent to the dead-letter topic and committed, by input partition and reason.',
    labelNames: [...stagePartition, 'reason'],
  }),
  batchSeconds: new Histogram({
    name: M.batchSeconds,
    help: 'Time from a batch reaching the stage to its commit.',
    labelNames: ['stage'],
    buckets: DURATION_BUCKETS,
  }),
  batchRecords: new Histogram({ name: M.batchRecords, help: 'Fresh records per batch.', labelNames: ['stage'], buckets: BATCH_SIZE_BUCKETS }),
  transactions: new Counter({ name: M.transactions, help: 'Exactly-once batch transactions, committed or aborted.', labelNames: ['stage', 'outcome'] }),
  commits: new Counter({
    name: M.commits,
    help: "Commits of a partition's input position (a transaction, or an at-least-once offset commit).",
    labelNames: stagePartition,
  }),
  rebalances: new Counter({ name: M.rebalances, help: "Group joins of a stage's consumer (each a rebalance it took part in).", labelNames: ['stage'] }),
  crashes: new Counter({ name: M.crashes, help: "Crashes of a stage's consumer, restarted or not.", labelNames: ['stage'] }),
  watchdogRestarts: new Counter({
    name: M.watchdogRestarts,
    help: "Restarts of a stage's consumer by the link's watchdog (a consumer gone silent).",
    labelNames: ['stage'],
  }),
  assignedPartitions: new Gauge({ name: M.assignedPartitions, help: "Input partitions a stage's worker holds.", labelNames: ['stage'] }),
  rejoining: new Gauge({
    name: M.rejoining,
    help: "1 from the watchdog giving up a silent consumer's partitions until the worker joins its group again: it holds none meanwhile, yet is not idle.",
    labelNames: ['stage'],
  }),
  lag: new Gauge({
    name: M.lag,
    help: "Records of a held partition not yet processed: the input log's end minus the stage's position (a transactional input's last commit marker counts one).",
    labelNames: stagePartition,
  }),
  lagCheckedAt: new Gauge({
    name: M.lagCheckedAt,
    help: "When the stage last learnt its input's log ends (Unix seconds): a stale value means the broker does not answer.",
    labelNames: ['stage'],
  }),
  restoreSeconds: new Histogram({
    name: M.restoreSeconds,
    help: "Time to restore a claimed partition's state store from its changelog.",
    labelNames: ['stage'],
    buckets: DURATION_BUCKETS,
  }),
};

const reasonsSeen = new Map<string, Set<string>>();

/** The label of a dead-letter reason: at most MAX_REASONS_PER_STAGE distinct per stage, then `other`. */
export function boundedReason(stage: string, reason: string): string {
  const label = reasonLabel(reason);
  let seen = reasonsSeen.get(stage);
  if (!seen) reasonsSeen.set(stage, (seen = new Set()));
  if (seen.has(label)) return label;
  if (seen.size >= MAX_REASONS_PER_STAGE) return 'other';
  seen.add(label);
  return label;
}
