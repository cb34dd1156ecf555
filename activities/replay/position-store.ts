/**
 * The replay positions topic: a small compacted topic with each replay's last committed position
 * (key = replay id). Chunks write to it inside their transactions; a retried chunk reads it back.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Kafka, Message } from 'kafkajs';
import { ensureTopics } from '../../clients/kafka';
import { latestCommittedValue } from '../latest-record';
import type { Config } from '../../lib/config';
import type { ChunkProgress } from '../../lib/replay/chunk';
import { parsePositionRecord, positionRecordValue, type PositionRecord } from '../../lib/replay/position-record';

/**
 * Creates the topic if missing: one partition (a record per commit of a few replays is little),
 * compacted, with segments rolled often enough for compaction to keep it small.
 */
export async function ensureReplayPositionsTopic(kafka: Kafka, config: Config['kafka']): Promise<void> {
  await ensureTopics(
    kafka,
    { ...config, partitions: 1 },
    [config.topics.replayPositions],
    [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: String(10 * 60_000) },
    ],
  );
}

export class ReplayPositions {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config['kafka'],
  ) {}

  get topic(): string {
    return this.config.topics.replayPositions;
  }

  /** Once per process; a failed attempt is tried again by the next chunk. */
  async ensureTopic(): Promise<void> {
    this.ready ??= ensureReplayPositionsTopic(this.kafka, this.config).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
  }

  /** The record to send in a chunk's transaction, after its clicks. */
  message(replayId: string, chunkId: string, progress: ChunkProgress): Message {
    return { key: replayId, value: positionRecordValue(chunkId, progress) };
  }

  /**
   * The replay's last committed position written since `since` (ms). Call it only after fencing
   * the replay's older producers, or a transaction of theirs may still commit after the read.
   */
  async lastCommitted(replayId: string, since: number): Promise<PositionRecord | undefined> {
    const value = await latestCommittedValue(this.kafka, this.topic, replayId, since);
    if (value === undefined || value === null) return undefined;
    const parsed = parsePositionRecord(value);
    // Only chunks write this topic: a record they cannot read is a bug that retrying won't fix.
    if (!parsed.ok) throw ApplicationFailure.nonRetryable(`replay ${replayId}: unreadable position on ${this.topic}: ${parsed.reason}`);
    return parsed.value;
  }
}
