import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { ConsumerKind } from '../lib/consumer-kinds';
import type { ConsumerRun } from '../lib/consumer-run';

/** How often the host heartbeats even when the stream is idle, well inside the workflow's 15 s timeout. */
const HEARTBEAT_EVERY_MS = 3_000;

type Consumer = (run: ConsumerRun) => Promise<void>;

/**
 * Hosts a stream consumer as a Temporal activity: heartbeats, stops it on cancellation, and on a
 * worker shutdown fails retryably, so Temporal hands the consumer to another worker.
 */
export async function hostConsumer(consumer: Consumer): Promise<void> {
  const ctx = Context.current();
  let details: unknown = ctx.info.heartbeatDetails;
  ctx.heartbeat(details); // at once: health checks see a consumer as soon as it runs
  const ticker = setInterval(() => ctx.heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    await consumer({
      signal: ctx.cancellationSignal,
      heartbeat: (d) => {
        details = d;
        ctx.heartbeat(d);
      },
      log: ctx.log,
    });
  } finally {
    clearInterval(ticker);
  }
  if (ctx.cancellationDetails?.cancelRequested) throw new CancelledFailure('consumer cancelled by its workflow');
  throw ApplicationFailure.retryable(
    `${ctx.info.activityType} stopped (${String(ctx.cancellationSignal.reason ?? 'no reason')}); another attempt will resume it`,
  );
}

/** The activity of `streamConsumersWorkflow`: runs any stage; each worker process runs only its kind. */
export interface StreamConsumerActivities {
  runStage(kind: ConsumerKind, consumerIndex: number): Promise<void>;
}
