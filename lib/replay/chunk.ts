/**
 * The contract between the replay workflow and its activity: the workflow asks for one short chunk
 * of the log at a time, so that pause and speed changes take effect between chunks, without
 * cancelling a running activity.
 */
import type { ReplayPace } from './pacing';

/**
 * About how long one chunk replays: the longest a pause or a new pace waits to take effect, so
 * within about a second. Each chunk costs about six history events and one Kafka transaction.
 */
export const REPLAY_CHUNK_MS = 1_000;

/** Where the replay stands in the log: enough to carry on exactly there. */
export interface ReplayPosition {
  /** Byte offset of the next record to read; 0 is the start of the file, header included. */
  byteOffset: number;
  /** Data rows read so far in this loop, header excluded. */
  row: number;
  /** Log time (ms) of the last click sent in this loop, from which the next gap is measured. */
  lastOriginalTimestamp: number | null;
  /** The rest of a gap a chunk ended in, at that chunk's pace: waited before the row at byteOffset, at most its gap at the pace now. */
  owedDelayMs: number;
}

export const START_OF_LOG: ReplayPosition = { byteOffset: 0, row: 0, lastOriginalTimestamp: null, owedDelayMs: 0 };

export interface ReplayChunkInput {
  /** Unique to one replay, stable across its runs: part of every click id. */
  replayId: string;
  file: string;
  /** 1 for the first pass through the log. */
  loopNumber: number;
  pace: ReplayPace;
  position: ReplayPosition;
}

/** What a chunk has committed so far, with the position: a retried attempt resumes from it. */
export interface ChunkProgress extends ReplayPosition {
  /** Clicks sent in this chunk. */
  sent: number;
  /** Rows sent to the dead-letter topic in this chunk. */
  rejected: number;
}

export interface ReplayChunkResult extends ChunkProgress {
  /** The chunk reached the end of the file; the position is then the end, not the start. */
  endOfFile: boolean;
}

/** The same row of the same loop always gets the same id, so consumers can drop a resent click. */
export function replayClickId(replayId: string, loopNumber: number, row: number): string {
  return `${replayId}:${loopNumber}:${row}`;
}
