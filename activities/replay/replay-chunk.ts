/**
 * One chunk of the replay: about REPLAY_CHUNK_MS of the click log, paced, sent to Kafka in
 * batches. It heartbeats the position Kafka has acknowledged, so a retried attempt starts there
 * rather than at the chunk's start; what it sends twice keeps its click ids, for consumers to drop.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Message, Producer } from 'kafkajs';
import type { Config } from '../../lib/config';
import { deadLetterMessage } from '../../lib/dead-letter';
import { REPLAY_CHUNK_MS, replayClickId, type ChunkProgress, type ReplayChunkInput, type ReplayChunkResult } from '../../lib/replay/chunk';
import { parseClickLogRow, type LoggedClick } from '../../lib/replay/click-log-row';
import { delayBeforeRow } from '../../lib/replay/pacing';
import type { ClickEvent } from '../../lib/schema';
import { readClickLog } from './click-log-reader';

/** Messages per Kafka request: few requests at the max pace, frequent heartbeats all the same. */
const BATCH_SIZE = 500;

export interface ChunkSink {
  producer: Producer;
  topics: Pick<Config['kafka']['topics'], 'clicks' | 'deadLetter'>;
}

export async function replayChunk(input: ReplayChunkInput, sink: ChunkSink): Promise<ReplayChunkResult> {
  const context = Context.current();
  const deadline = performance.now() + REPLAY_CHUNK_MS;
  // A retried attempt carries on from what its predecessor last heartbeated as delivered.
  let delivered: ChunkProgress = (context.info.heartbeatDetails as ChunkProgress | undefined) ?? { ...input.position, sent: 0, rejected: 0 };
  const next = { ...delivered };
  const clicks: Message[] = [];
  const deadLetters: Message[] = [];

  /** Sends what is batched; once Kafka has it, heartbeats the position reached. */
  const deliver = async () => {
    const topicMessages = [
      { topic: sink.topics.clicks, messages: clicks.splice(0) },
      { topic: sink.topics.deadLetter, messages: deadLetters.splice(0) },
    ].filter((t) => t.messages.length > 0);
    if (topicMessages.length > 0) await sink.producer.sendBatch({ topicMessages });
    delivered = { ...next };
    context.heartbeat(delivered);
  };
  const sleepUntil = (time: number) => context.sleep(Math.max(0, time - performance.now()));

  let dueAt = performance.now();
  for await (const record of readClickLog(input.file, next.byteOffset)) {
    const row = next.row + 1;
    const parsed = record.ok ? parseClickLogRow(record.fields, row) : record;
    if (parsed.ok) {
      const click = parsed.value;
      dueAt += next.owedDelayMs || delayBeforeRow(input.pace, next.lastOriginalTimestamp, click.originalTimestamp);
      if (dueAt > deadline) {
        // The chunk ends inside this gap; the next one waits the rest of it before this row.
        next.owedDelayMs = dueAt - deadline;
        await deliver();
        await sleepUntil(deadline);
        return { ...delivered, endOfFile: false };
      }
      if (dueAt > performance.now()) {
        await deliver();
        await sleepUntil(dueAt);
      }
      clicks.push(clickMessage(input, click));
      next.sent += 1;
      next.lastOriginalTimestamp = click.originalTimestamp;
    } else {
      deadLetters.push(deadLetterMessage('producer', parsed.reason, record.raw, `${input.file}:${row}`));
      next.rejected += 1;
    }
    Object.assign(next, { row, byteOffset: record.end, owedDelayMs: 0 });
    if (clicks.length + deadLetters.length >= BATCH_SIZE) await deliver();
    if (performance.now() >= deadline) {
      await deliver();
      return { ...delivered, endOfFile: false };
    }
  }
  await deliver();
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
