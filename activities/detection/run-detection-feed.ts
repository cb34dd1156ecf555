import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { ProcessContext, Processor, RecordTrace, StageRecord } from '../../clients/streams/processor';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { valueWithin } from '../../lib/deadline';
import { CommitWatermark } from '../../lib/offers/commit-watermark';
import { clicksByVisitor, type VisitorBatch } from '../../lib/offers/feed-filter';
import { userIdOfWorkflow, VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorOfferWorkflowId } from '../../lib/offers/messages';
import type { OfferRules } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import { RunningVisitors } from '../../lib/offers/running-visitors';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';
import { stageSpec } from '../../lib/topology';
import { runOnKafka } from '../run-stage';
import { detectionMetrics } from './detection-metrics';

/** Signal-with-start calls in flight per batch: enough to hide round trips, few enough to be gentle. */
export const SIGNAL_CONCURRENCY = 16;

export interface DetectionFeedDeps {
  config: Config;
  kafka: Kafka;
  temporal: Client;
  /** The rules the feed runs until a published rule set is found (version 0). */
  rules: OfferRules;
  /** The current published rule set, or null when none is; asked at most once a second. */
  currentRuleSet?: () => Promise<RuleSetVersion | null>;
  visitorIdleMs: number;
  /** The search attribute visitor workflows keep their offer state in (config.offers.stateSearchAttribute); absent: none. */
  offerStateAttribute?: string | null;
}

/** How often the feed asks for the current rule set: a published version reaches visitors' next clicks within about this long. */
export const RULES_REFRESH_MS = 1_000;

/** What the feed reports in its activity heartbeat (with the runtime's group joins and crashes): `make status` and the tests read it. */
export interface DetectionFeedTotals {
  forwarded: number;
  /** Bots' clicks, and clicks that could start no sequence of a visitor with no workflow running. */
  dropped: number;
  rejected: number;
  signals: number;
  /** Times the consumer joined its group: 1 unless it lost its membership (or the group grew). */
  groupJoins: number;
  /** Times the consumer crashed, restarted or not. */
  crashes: number;
  /** The rule-set version the feed runs (0: its built-in rules). */
  rulesVersion: number;
}

/**
 * enriched-click-data → one visitor workflow per visitor, at least once: a batch's clicks are
 * grouped by visitor into one signal each, and the batch's progress is what `CommitWatermark` says
 * is handled, so a long batch commits part-way. A restart re-sends the uncommitted clicks; the
 * workflows drop them by id. Malformed records go to the dead-letter topic.
 *
 * Clicks that may start a sequence start the visitor's workflow if it is not running
 * (signal-with-start). The others go to a visitor's running workflow only (a plain signal), when
 * `running` says there may be one: they can reset or continue a sequence in progress, and change
 * nothing for a visitor with none.
 */
export function detectionProcessor(
  { config, temporal, rules, currentRuleSet, visitorIdleMs, offerStateAttribute }: Omit<DetectionFeedDeps, 'kafka'>,
  { running, ruleSet }: { running: RunningVisitors; ruleSet: RuleSetVersion | null },
): Processor {
  let current: Pick<RuleSetVersion, 'version' | 'rules'> = ruleSet ?? { version: 0, rules };
  const totals = { forwarded: 0, dropped: 0, rejected: 0, signals: 0, rulesVersion: current.version };
  /** On the runtime's timer, beside the batches, so a slow answer never holds one; a failed ask keeps the rules the feed runs. */
  const punctuation = currentRuleSet && {
    everyMs: RULES_REFRESH_MS,
    run: async () => {
      const set = await currentRuleSet().catch(() => null);
      if (set && set.version > current.version) current = set;
      totals.rulesVersion = current.version;
    },
  };
  /** Whether the clicks reached a running workflow: they always do when they may start one. */
  const signal = async (userId: string, batch: VisitorBatch): Promise<boolean> => {
    const kind = batch.mayStart ? 'signal_with_start' : 'signal';
    const timer = detectionMetrics.signalSeconds.startTimer({ kind });
    try {
      const reached = await send(userId, batch);
      detectionMetrics.signals.inc({ kind, outcome: reached ? 'ok' : 'not_running' });
      return reached;
    } catch (err) {
      detectionMetrics.signals.inc({ kind, outcome: 'error' });
      throw err;
    } finally {
      timer();
    }
  };
  const send = async (userId: string, { clicks, mayStart }: VisitorBatch): Promise<boolean> => {
    if (!mayStart) {
      try {
        await temporal.workflow.getHandle(visitorOfferWorkflowId(userId)).signal(visitorClicksSignal, clicks, current.version);
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    }
    const input: VisitorOfferInput = {
      userId,
      rules: current.rules,
      rulesVersion: current.version,
      idleTimeoutMs: visitorIdleMs,
      ...(offerStateAttribute ? { offerStateAttribute } : {}),
    };
    await temporal.workflow.signalWithStart(VISITOR_OFFER_WORKFLOW, {
      taskQueue: config.temporal.visitorTaskQueue,
      workflowId: visitorOfferWorkflowId(userId),
      args: [input],
      signal: visitorClicksSignal,
      signalArgs: [clicks, current.version],
    });
    return true;
  };

  return {
    stage: stageSpec(config, 'detection'),
    totals: () => totals,
    ...(punctuation ? { punctuation } : {}),
    async process(records, ctx) {
      const { byVisitor, firstOffsets, dropped, rejected } = clicksByVisitor(records, current.rules, (userId) => running.has(userId, Date.now()));
      const byOffset = new Map(records.map((r) => [r.offset, r]));
      for (const r of rejected) ctx.deadLetter(byOffset.get(r.offset)!, r.reason);
      const watermark = new CommitWatermark(firstOffsets, ctx.nextOffset);
      ctx.progress(watermark.committable);
      const traced = tracedRecords(records, ctx);
      let notRunning = 0;
      await inParallel([...byVisitor], SIGNAL_CONCURRENCY, () => ctx.signal.aborted, async ([userId, batch]) => {
        const trace = traced?.get(userId);
        const reached = trace ? await trace.run(() => signal(userId, batch)) : await signal(userId, batch);
        if (reached) running.mark(userId, Date.now());
        else notRunning += batch.clicks.length;
        watermark.signalled(userId);
        totals.signals += 1;
        ctx.progress(watermark.committable);
      });
      detectionMetrics.runningVisitors.set(running.size);
      if (!watermark.complete) return;
      totals.forwarded += records.length - dropped - notRunning - rejected.length;
      totals.dropped += dropped + notRunning;
      totals.rejected += rejected.length;
    },
  };
}

export async function runDetectionFeed(deps: DetectionFeedDeps, run: ConsumerRun): Promise<void> {
  await runOnKafka(deps, 'detection', run, async () => {
    const [running, ruleSet] = await Promise.all([runningVisitors(deps), firstRuleSet(deps)]);
    return detectionProcessor(deps, { running, ruleSet });
  });
}

/**
 * The trace of each visitor's last traced click in the batch (records are keyed by visitor): their
 * signal carries it to the workflow. Undefined when no record carries a trace, as when tracing is off.
 */
function tracedRecords(records: StageRecord[], ctx: ProcessContext): Map<string, RecordTrace> | undefined {
  let traced: Map<string, RecordTrace> | undefined;
  for (const record of records) {
    const trace = record.key && ctx.traceOf(record);
    if (trace) (traced ??= new Map()).set(record.key!.toString(), trace);
  }
  return traced;
}

/** How long a starting feed waits for the current rule set before it starts with its own rules. */
const FIRST_RULE_SET_WAIT_MS = 5_000;

/** The current rule set, or null if none answers in time (no orchestrator yet): the feed then asks again as it runs. */
async function firstRuleSet({ currentRuleSet }: DetectionFeedDeps): Promise<RuleSetVersion | null> {
  return currentRuleSet ? valueWithin(currentRuleSet(), FIRST_RULE_SET_WAIT_MS) : null;
}

/** The visitors whose workflows run now (Temporal's visibility), as if the feed had just signalled them: a restarted feed forgot whom it signalled. */
async function runningVisitors({ config, temporal, visitorIdleMs }: DetectionFeedDeps): Promise<RunningVisitors> {
  const running = new RunningVisitors(visitorIdleMs);
  const query = `WorkflowType = '${VISITOR_OFFER_WORKFLOW}' AND ExecutionStatus = 'Running' AND TaskQueue = '${config.temporal.visitorTaskQueue}'`;
  const now = Date.now();
  for await (const execution of temporal.workflow.list({ query })) {
    const userId = userIdOfWorkflow(execution.workflowId);
    if (userId !== null) running.mark(userId, now);
  }
  return running;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, taking no new item once `stop()`
 * says so or a call failed; settles when every call has, rejecting with the first failure.
 */
async function inParallel<T>(items: T[], limit: number, stop: () => boolean, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure && !stop()) {
      try {
        await fn(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}
