import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Processor } from '../../clients/streams/processor';
import type { Config } from '../../lib/config';
import type { ConsumerRun } from '../../lib/consumer-run';
import { CommitWatermark } from '../../lib/offers/commit-watermark';
import { clicksByVisitor } from '../../lib/offers/feed-filter';
import { VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorOfferWorkflowId } from '../../lib/offers/messages';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import type { OfferRules } from '../../lib/offers/offer-rules';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';
import { stageSpec } from '../../lib/topology';
import { runOnKafka } from '../run-stage';

/** Signal-with-start calls in flight per batch: enough to hide round trips, few enough to be gentle. */
export const SIGNAL_CONCURRENCY = 16;

export interface DetectionFeedDeps {
  config: Config;
  kafka: Kafka;
  temporal: Client;
  /** The rules new visitor workflows start with; running ones keep their own. */
  rules: OfferRules;
  visitorIdleMs: number;
}

/** What the feed reports in its activity heartbeat (with the runtime's group joins and crashes): `make status` and the tests read it. */
export interface DetectionFeedTotals {
  forwarded: number;
  dropped: number;
  rejected: number;
  signals: number;
  /** Times the consumer joined its group: 1 unless it lost its membership (or the group grew). */
  groupJoins: number;
  /** Times the consumer crashed, restarted or not. */
  crashes: number;
}

/**
 * enriched-click-data → one visitor workflow per visitor, at least once: a batch's clicks are
 * grouped by visitor into one signal-with-start each, and the batch's progress is what
 * `CommitWatermark` says is handled, so a long batch commits part-way. A restart re-sends the
 * uncommitted clicks; the workflows drop them by id. Malformed records go to the dead-letter topic.
 */
export function detectionProcessor({ config, temporal, rules, visitorIdleMs }: Omit<DetectionFeedDeps, 'kafka'>): Processor {
  const totals = { forwarded: 0, dropped: 0, rejected: 0, signals: 0 };
  const signal = (userId: string, clicks: VisitorClick[]) => {
    const input: VisitorOfferInput = { userId, rules, idleTimeoutMs: visitorIdleMs };
    return temporal.workflow.signalWithStart(VISITOR_OFFER_WORKFLOW, {
      taskQueue: config.temporal.visitorTaskQueue,
      workflowId: visitorOfferWorkflowId(userId),
      args: [input],
      signal: visitorClicksSignal,
      signalArgs: [clicks],
    });
  };

  return {
    stage: stageSpec(config, 'detection'),
    totals: () => totals,
    async process(records, ctx) {
      const { byVisitor, firstOffsets, dropped, rejected } = clicksByVisitor(records, rules);
      const byOffset = new Map(records.map((r) => [r.offset, r]));
      for (const r of rejected) ctx.deadLetter(byOffset.get(r.offset)!, r.reason);
      const watermark = new CommitWatermark(firstOffsets, ctx.nextOffset);
      ctx.progress(watermark.committable);
      await inParallel([...byVisitor], SIGNAL_CONCURRENCY, () => ctx.signal.aborted, async ([userId, clicks]) => {
        await signal(userId, clicks);
        watermark.signalled(userId);
        totals.signals += 1;
        ctx.progress(watermark.committable);
      });
      if (!watermark.complete) return;
      totals.forwarded += records.length - dropped - rejected.length;
      totals.dropped += dropped;
      totals.rejected += rejected.length;
    },
  };
}

export async function runDetectionFeed(deps: DetectionFeedDeps, run: ConsumerRun): Promise<void> {
  await runOnKafka(deps, 'detection', run, () => detectionProcessor(deps));
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
