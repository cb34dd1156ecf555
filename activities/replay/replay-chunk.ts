/**
 * One chunk of the replay: about REPLAY_CHUNK_MS of the click log, paced, sent to Kafka exactly
 * once. Each batch of clicks and dead letters commits in one Kafka transaction together with the
 * position after it (on the positions topic), so what is committed and where the replay stands
 * never disagree. A retried attempt fences the older ones, then resumes from the last position its
 * chunk committed; uncommitted clicks of a crashed attempt are aborted, never seen by consumers.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Config } from '../../lib/config';
import { deadLetterMessage } from '../../lib/dead-letter';
import { REPLAY_CHUNK_MS, replayClickId, type ChunkProgress, type ReplayChunkInput, type ReplayChunkResult } from '../../lib/replay/chunk';
import { parseClickLogRow, type LoggedClick } from '../../lib/replay/click-log-row';
import { delayBeforeNextRow } from '../../lib/replay/pacing';
import { resumePoint, type PositionRecord } from '../../lib/replay/position-record';
import type { ClickEvent } from '../../lib/schema';
import { readClickLogBatches } from './click-log-reader';
import type { ReplayPositions } from './position-store';

/**
 * Messages per transaction at most. Each transaction costs a few round trips to the broker
 * (registering partitions, the send, the commit and its markers) whatever its size: at the max
 * pace, larger ones spend less of the replay waiting on them. A chunk heartbeats after each.
 */
const BATCH_SIZE = 5_000;
/** The longest a click due to be sent waits for its transaction to start: batches at fast paces. */
const MAX_COMMIT_DELAY_MS = 100;
/** How far the clocks of workers (which stamp records) and Temporal (which schedules) may differ. */
const CLOCK_SKEW_MS = 60_000;

export interface ChunkSink {
  /** Transactional, with the replay's transactional id, connected; for a retried attempt a new one, not yet registered. */
  producer: Producer;
  positions: ReplayPositions;
  topics: Pick<Config['kafka']['topics'], 'clicks' | 'deadLetter'>;
}

export async function replayChunk(input: ReplayChunkInput, sink: ChunkSink): Promise<ReplayChunkResult> {
  const context = Context.current();
  const { attempt, activityId, scheduledTimestampMs, workflowExecution } = context.info;
  const chunkId = `${workflowExecution!.runId}/${activityId}`;
  let stored: PositionRecord | undefined;
  if (attempt > 1) {
    // The first transaction registers the producer: older attempts are fenced, their open
    // transaction aborted, so the position read next is final.
    await (await sink.producer.transaction()).abort();
    stored = await sink.positions.lastCommitted(input.replayId, scheduledTimestampMs - CLOCK_SKEW_MS);
  }
  /** What the last committed transaction left: the position a retried attempt would resume from. */
  let delivered: ChunkProgress = resumePoint(input, chunkId, stored);
  /** The position after what has been handed to a transaction, committed or not yet. */
  let handedOver: ChunkProgress = delivered;
  const deadline = performance.now() + REPLAY_CHUNK_MS;
  const next = { ...delivered };
  const clicks: Message[] = [];
  const deadLetters: Message[] = [];
  /** When the oldest click not yet handed to a transaction was due; null when none waits. */
  let oldestPendingAt: number | null = null;
  /**
   * The transaction in flight, if any: the next rows are read and encoded while the broker commits
   * it. One at a time, in order, on the replay's one producer; each carries the position after it.
   */
  let inFlight: Promise<void> | undefined;

  const commit = async (topicMessages: TopicMessages[], position: ChunkProgress) => {
    const transaction = await sink.producer.transaction();
    try {
      await transaction.sendBatch({ topicMessages });
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => {});
      throw err;
    }
    delivered = position;
    context.heartbeat();
  };
  /** Hands what is batched and the position after it to the next transaction, once the one before has committed. */
  const deliver = async () => {
    // Every batched row moved the byte offset: an unmoved position means nothing to commit.
    if (next.byteOffset === handedOver.byteOffset && next.owedDelayMs === handedOver.owedDelayMs) return;
    // A failed transaction fails the chunk here: nothing after it is sent.
    await inFlight;
    const position = { ...next };
    const topicMessages = [
      { topic: sink.topics.clicks, messages: clicks.splice(0) },
      { topic: sink.topics.deadLetter, messages: deadLetters.splice(0) },
      { topic: sink.positions.topic, messages: [sink.positions.message(input.replayId, chunkId, position)] },
    ].filter((t) => t.messages.length > 0);
    handedOver = position;
    oldestPendingAt = null;
    inFlight = commit(topicMessages, position);
    // Awaited by the next deliver or by settle; until then a failure must not count as unhandled.
    inFlight.catch(() => {});
  };
  /** Delivers what is batched and waits until everything handed over has committed. */
  const settle = async () => {
    await deliver();
    await inFlight;
  };
  const sleepUntil = (time: number) => context.sleep(Math.max(0, time - performance.now()));

  try {
    let dueAt = performance.now();
    for await (const batch of readClickLogBatches(input.file, next.byteOffset)) {
      for (const record of batch) {
        const row = next.row + 1;
        const parsed = record.ok ? parseClickLogRow(record.fields, row) : record;
        if (parsed.ok) {
          const click = parsed.value;
          dueAt += delayBeforeNextRow(input.pace, next, click.originalTimestamp);
          if (dueAt > deadline) {
            // The chunk ends inside this gap; the next one waits the rest of it before this row.
            next.owedDelayMs = dueAt - deadline;
            await settle();
            await sleepUntil(deadline);
            return { ...delivered, endOfFile: false };
          }
          if (dueAt > performance.now()) {
            if (oldestPendingAt !== null && dueAt - oldestPendingAt >= MAX_COMMIT_DELAY_MS) await deliver();
            await sleepUntil(dueAt);
          }
          clicks.push(clickMessage(input, click));
          oldestPendingAt ??= performance.now();
          next.sent += 1;
          next.lastOriginalTimestamp = click.originalTimestamp;
        } else {
          deadLetters.push(deadLetterMessage('producer', parsed.reason, record.raw, `${input.file}:${row}`));
          next.rejected += 1;
        }
        next.row = row;
        next.byteOffset = record.end;
        next.owedDelayMs = 0;
        if (clicks.length + deadLetters.length >= BATCH_SIZE) await deliver();
        if (performance.now() >= deadline) {
          await settle();
          return { ...delivered, endOfFile: false };
        }
      }
    }
    await settle();
  } catch (err) {
    // The producer is disconnected next: not while a transaction of this attempt is still on its way.
    await inFlight?.catch(() => {});
    throw err;
  }
  // Looping over a log without rows would spin without end.
  if (delivered.row === 0) throw ApplicationFailure.nonRetryable(`click log ${input.file} has no rows`);
  return { ...delivered, endOfFile: true };
}

function clickMessage({ replayId, loopNumber }: ReplayChunkInput, click: LoggedClick): Message {
  const event: ClickEvent = {
    clickId: replayClickId(replayId, loopNumber, click.row),
    userId: click.userId,
    productId: click.productId,
    ip: click.ip,
    userAgent: click.userAgent,
    // Windows run on event time: a replayed click happens now.
    timestamp: Date.now(),
    originalTimestamp: click.originalTimestamp,
    source: 'replay',
  };
  return { key: event.userId, value: JSON.stringify(event) };
}
