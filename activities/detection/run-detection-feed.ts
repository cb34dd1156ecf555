import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { SharedProducer } from '../../clients/shared-producer';
import type { Config } from '../../lib/config';
import { untilAborted, type ConsumerRun } from '../../lib/consumer-run';
import { deadLetterMessage } from '../../lib/dead-letter';
import { clicksByVisitor } from '../../lib/offers/feed-filter';
import { VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorOfferWorkflowId } from '../../lib/offers/messages';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import type { OfferRules } from '../../lib/offers/offer-rules';
import type { VisitorOfferInput } from '../../lib/offers/visitor-offers';

/** Signal-with-start calls in flight per batch: enough to hide round trips, few enough to be gentle. */
const SIGNAL_CONCURRENCY = 16;

export interface DetectionFeedDeps {
  config: Config;
  kafka: Kafka;
  temporal: Client;
  /** The rules new visitor workflows start with; running ones keep their own. */
  rules: OfferRules;
  visitorIdleMs: number;
}

/**
 * enriched-click-data → one visitor workflow per visitor, at least once: a batch's clicks are
 * grouped by visitor into one signal-with-start each, and the offsets are committed only once every
 * signal is accepted. A restart re-sends the uncommitted clicks; the workflows drop them by id.
 * Malformed records go to the dead-letter topic before the commit: at least one dead letter each.
 */
export async function runDetectionFeed({ config, kafka, temporal, rules, visitorIdleMs }: DetectionFeedDeps, run: ConsumerRun): Promise<void> {
  const { topics, clientId } = config.kafka;
  const consumer = kafka.consumer({ groupId: `${clientId}-detection`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
  const crashed = new Promise<Error>((resolve) =>
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) resolve(payload.error);
    }),
  );
  const totals = { forwarded: 0, dropped: 0, rejected: 0, signals: 0 };
  await using deadLetters = new SharedProducer(kafka);

  const signal = (userId: string, clicks: VisitorClick[]) => {
    const input: VisitorOfferInput = { userId, rules, idleTimeoutMs: visitorIdleMs };
    return temporal.workflow.signalWithStart(VISITOR_OFFER_WORKFLOW, {
      taskQueue: config.temporal.taskQueue,
      workflowId: visitorOfferWorkflowId(userId),
      args: [input],
      signal: visitorClicksSignal,
      signalArgs: [clicks],
    });
  };

  await consumer.connect();
  await consumer.subscribe({ topic: topics.enriched, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const { byVisitor, dropped, rejected } = clicksByVisitor(batch.messages, rules);
      if (rejected.length > 0) {
        const valueAt = new Map(batch.messages.map((m) => [m.offset, m.value]));
        const messages = rejected.map((r) => deadLetterMessage('detection', r.reason, valueAt.get(r.offset) ?? null, `${batch.topic}/${batch.partition}@${r.offset}`));
        await (await deadLetters.get()).send({ topic: topics.deadLetter, messages });
      }
      await inParallel([...byVisitor], SIGNAL_CONCURRENCY, ([userId, clicks]) => signal(userId, clicks));
      const last = batch.messages[batch.messages.length - 1]!.offset;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      resolveOffset(last);
      totals.forwarded += batch.messages.length - dropped - rejected.length;
      totals.dropped += dropped;
      totals.rejected += rejected.length;
      totals.signals += byVisitor.size;
      run.heartbeat(totals);
      await heartbeat();
    },
  });

  const failure = await Promise.race([untilAborted(run.signal).then(() => null), crashed]);
  await consumer.disconnect();
  if (failure) throw failure;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; rejects with the first failure. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
