import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { ProcessContext, Processor, RecordTrace, StageRecord } from '../../clients/streams/processor';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { valueWithin } from '../../lib/deadline';
import { clicksByVisitor, type VisitorBatch } from '../../lib/offers/feed-filter';
import { userIdOfWorkflow, VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorClicksUpdate, visitorOfferWorkflowId } from '../../lib/offers/messages';
import type { OfferRules } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import { RunningVisitors } from '../../lib/offers/running-visitors';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';
import { stageSpec } from '../../lib/topology';
import { runOnKafka } from '../run-stage';
import { detectionMetrics } from './detection-metrics';
import { SignalDispatch } from './signal-dispatch';

/** Starts in flight for new visitors: enough to hide round trips, few enough to be gentle (the bench measures Temporal's signal-with-start ceiling so). */
export const SIGNAL_CONCURRENCY = 16;
/** Signals in flight in all: what starts leave over goes to visitors whose workflow runs. */
const SIGNALS_IN_FLIGHT = 2 * SIGNAL_CONCURRENCY;

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
  /** Signals that failed and were tried again. */
  signalRetries: number;
  /** Clicks queued or in flight to visitor workflows. */
  pendingClicks: number;
  /** Times the consumer joined its group: 1 unless it lost its membership (or the group grew). */
  groupJoins: number;
  /** Times the consumer crashed, restarted or not. */
  crashes: number;
  /** The rule-set version the feed runs (0: its built-in rules). */
  rulesVersion: number;
}

/**
 * enriched-click-data → one visitor workflow per visitor, at least once: a batch's clicks are
 * grouped by visitor into one signal each, queued to be sent beside the batches (signal-dispatch.ts:
 * visitors whose workflow runs first, a burst's starts bounded, each visitor's clicks in order),
 * and each partition's progress is what its `CommitWatermark` says is sent. A restart re-sends the
 * uncommitted clicks; the workflows drop them by id. Malformed records go to the dead-letter topic.
 *
 * Clicks that may start a sequence start the visitor's workflow if it is not running
 * (update-with-start for a visitor not known to run, else signal-with-start). The others go to a visitor's running workflow only (a plain signal), when
 * `running` says there may be one: they can reset or continue a sequence in progress, and change
 * nothing for a visitor with none.
 */
export function detectionProcessor(
  { config, temporal, rules, currentRuleSet, visitorIdleMs, offerStateAttribute }: Omit<DetectionFeedDeps, 'kafka'>,
  { running, ruleSet }: { running: RunningVisitors; ruleSet: RuleSetVersion | null },
): Processor {
  let current: Pick<RuleSetVersion, 'version' | 'rules'> = ruleSet ?? { version: 0, rules };
  const totals = { forwarded: 0, dropped: 0, rejected: 0, signals: 0, signalRetries: 0, rulesVersion: current.version };
  /** On the runtime's timer, beside the batches, so a slow answer never holds one; a failed ask keeps the rules the feed runs. */
  const punctuation = currentRuleSet && {
    everyMs: RULES_REFRESH_MS,
    run: async () => {
      const set = await currentRuleSet().catch(() => null);
      if (set && set.version > current.version) current = set;
      totals.rulesVersion = current.version;
    },
  };
  /** Each visitor batch's trace (its visitor's last traced click), while it waits to be sent. */
  const batchTraces = new WeakMap<VisitorBatch, RecordTrace>();
  /** `send` in its batch's trace, timed and counted. */
  const signal = async (userId: string, batch: VisitorBatch, start: boolean): Promise<boolean> => {
    const kind = batch.mayStart ? 'signal_with_start' : 'signal';
    const timer = detectionMetrics.signalSeconds.startTimer({ kind });
    try {
      const trace = batchTraces.get(batch);
      const reached = trace ? await trace.run(() => send(userId, batch, start)) : await send(userId, batch, start);
      detectionMetrics.signals.inc({ kind, outcome: reached ? 'ok' : 'not_running' });
      return reached;
    } catch (err) {
      detectionMetrics.signals.inc({ kind, outcome: 'error' });
      throw err;
    } finally {
      timer();
    }
  };
  /**
   * Whether the clicks reached a running workflow: they always do when they may start one. A
   * visitor not known to run is started by update-with-start, which returns once the worker took
   * the clicks in: the start lane's slots then bound the new workflows waiting for the worker.
   */
  const send = async (userId: string, { clicks, mayStart }: VisitorBatch, start: boolean): Promise<boolean> => {
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
    const workflowId = visitorOfferWorkflowId(userId);
    const { visitorTaskQueue: taskQueue } = config.temporal;
    if (start) {
      const startWorkflowOperation = new WithStartWorkflowOperation(VISITOR_OFFER_WORKFLOW, {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await temporal.workflow.executeUpdateWithStart(visitorClicksUpdate, { args: [clicks, current.version], startWorkflowOperation });
    } else
      await temporal.workflow.signalWithStart(VISITOR_OFFER_WORKFLOW, {
        taskQueue,
        workflowId,
        args: [input],
        signal: visitorClicksSignal,
        signalArgs: [clicks, current.version],
      });
    return true;
  };

  const dispatch = new SignalDispatch({
    limits: { inFlight: SIGNALS_IN_FLIGHT, startsInFlight: SIGNAL_CONCURRENCY },
    isRunning: (userId) => running.has(userId, Date.now()),
    send: signal,
    sent: (userId, { clicks }, reached) => {
      totals.signals += 1;
      if (reached) {
        running.mark(userId, Date.now());
        totals.forwarded += clicks.length;
      } else totals.dropped += clicks.length;
      detectionMetrics.runningVisitors.set(running.size);
    },
    failed: () => (totals.signalRetries += 1),
  });

  return {
    stage: stageSpec(config, 'detection'),
    completesLater: true,
    totals: () => ({ ...totals, pendingClicks: dispatch.pendingClicks }),
    ...(punctuation ? { punctuation } : {}),
    async process(records, ctx) {
      // A visitor with clicks still queued may be about to run: their other clicks count too.
      const { byVisitor, firstOffsets, dropped, rejected } = clicksByVisitor(
        records,
        current.rules,
        (userId) => running.has(userId, Date.now()) || dispatch.has(userId),
      );
      const byOffset = new Map(records.map((r) => [r.offset, r]));
      for (const r of rejected) ctx.deadLetter(byOffset.get(r.offset)!, r.reason);
      const traced = tracedRecords(records, ctx);
      if (traced) for (const [userId, batch] of byVisitor) if (traced.has(userId)) batchTraces.set(batch, traced.get(userId)!);
      totals.dropped += dropped;
      totals.rejected += rejected.length;
      dispatch.enqueue(ctx.partition, byVisitor, firstOffsets, ctx.nextOffset, ctx.progress);
      await dispatch.room(ctx.signal);
    },
    close: (partition) => dispatch.close(partition),
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
