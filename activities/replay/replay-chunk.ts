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
  return (await ChunkAttempt.resume(input, sink)).run();
}

/** One attempt at a chunk: the rows it has read, batched, handed to transactions and seen committed. */
class ChunkAttempt {
  /** The position after the rows read so far, batched, handed over or committed. */
  private readonly next: ChunkProgress;
  /** What the last committed transaction left: the position a retried attempt would resume from. */
  private delivered: ChunkProgress;
  /** The position after what has been handed to a transaction, committed or not yet. */
  private handedOver: ChunkProgress;
  /** The batch: read, not yet handed to a transaction. */
  private readonly clicks: Message[] = [];
  private readonly deadLetters: Message[] = [];
  /** When the oldest click not yet handed to a transaction was due; null when none waits. */
  private oldestPendingAt: number | null = null;
  /**
   * The transaction in flight, if any: the next rows are read and encoded while the broker commits
   * it. One at a time, in order, on the replay's one producer; each carries the position after it.
   */
  private inFlight: Promise<void> | undefined;

  private constructor(
    private readonly input: ReplayChunkInput,
    private readonly sink: ChunkSink,
    private readonly context: Context,
    private readonly chunkId: string,
    start: ChunkProgress,
  ) {
    this.delivered = start;
    this.handedOver = start;
    this.next = { ...start };
  }

  /** An attempt starting where its chunk stands: at the chunk's last committed position if an earlier attempt left one. */
  static async resume(input: ReplayChunkInput, sink: ChunkSink): Promise<ChunkAttempt> {
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
    return new ChunkAttempt(input, sink, context, chunkId, resumePoint(input, chunkId, stored));
  }

  async run(): Promise<ReplayChunkResult> {
    let endOfFile: boolean;
    try {
      endOfFile = await this.replayRows();
    } catch (err) {
      // The producer is disconnected next: not while a transaction of this attempt is still on its way.
      await this.inFlight?.catch(() => {});
      throw err;
    }
    // Looping over a log without rows would spin without end.
    if (endOfFile && this.delivered.row === 0) throw ApplicationFailure.nonRetryable(`click log ${this.input.file} has no rows`);
    return { ...this.delivered, endOfFile };
  }

  /** Sends rows from the position on, paced, until the chunk's time is up or the log ends (true); all committed on return. */
  private async replayRows(): Promise<boolean> {
    const { input, next } = this;
    const deadline = performance.now() + REPLAY_CHUNK_MS;
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
            await this.settle();
            await this.sleepUntil(deadline);
            return false;
          }
          if (dueAt > performance.now()) {
            if (this.oldestPendingAt !== null && dueAt - this.oldestPendingAt >= MAX_COMMIT_DELAY_MS) await this.deliver();
            await this.sleepUntil(dueAt);
          }
          this.clicks.push(clickMessage(input, click));
          this.oldestPendingAt ??= performance.now();
          next.sent += 1;
          next.lastOriginalTimestamp = click.originalTimestamp;
        } else {
          this.deadLetters.push(deadLetterMessage('producer', parsed.reason, record.raw, `${input.file}:${row}`));
          next.rejected += 1;
        }
        next.row = row;
        next.byteOffset = record.end;
        next.owedDelayMs = 0;
        if (this.clicks.length + this.deadLetters.length >= BATCH_SIZE) await this.deliver();
        if (performance.now() >= deadline) {
          await this.settle();
          return false;
        }
      }
    }
    await this.settle();
    return true;
  }

  /** Hands what is batched and the position after it to the next transaction, once the one before has committed. */
  private async deliver(): Promise<void> {
    // Every batched row moved the byte offset: an unmoved position means nothing to commit.
    if (this.next.byteOffset === this.handedOver.byteOffset && this.next.owedDelayMs === this.handedOver.owedDelayMs) return;
    // A failed transaction fails the chunk here: nothing after it is sent.
    await this.inFlight;
    const position = { ...this.next };
    const { topics, positions } = this.sink;
    const topicMessages = [
      { topic: topics.clicks, messages: this.clicks.splice(0) },
      { topic: topics.deadLetter, messages: this.deadLetters.splice(0) },
      { topic: positions.topic, messages: [positions.message(this.input.replayId, this.chunkId, position)] },
    ].filter((t) => t.messages.length > 0);
    this.handedOver = position;
    this.oldestPendingAt = null;
    this.inFlight = this.commit(topicMessages, position);
    // Awaited by the next deliver or by settle; until then a failure must not count as unhandled.
    this.inFlight.catch(() => {});
  }

  /** Delivers what is batched and waits until everything handed over has committed. */
  private async settle(): Promise<void> {
    await this.deliver();
    await this.inFlight;
  }

  /** One transaction: a batch and the position after it, which once committed is what this attempt delivered. */
  private async commit(topicMessages: TopicMessages[], position: ChunkProgress): Promise<void> {
    const transaction = await this.sink.producer.transaction();
    try {
      await transaction.sendBatch({ topicMessages });
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => {});
      throw err;
    }
    this.delivered = position;
    this.context.heartbeat();
  }

  private sleepUntil(time: number): Promise<void> {
    return this.context.sleep(Math.max(0, time - performance.now()));
  }
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
