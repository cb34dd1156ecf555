/**
 * The replay's committed position: one record per Kafka transaction on the positions topic, keyed
 * by replay id, committed together with the clicks before it. A retried chunk resumes from its own
 * last record; a record of an earlier chunk means the failed attempt committed nothing.
 */
import { parseJsonObject, type Parsed } from '../schema';
import type { ChunkProgress, ReplayChunkInput } from './chunk';

/** What the positions topic holds for a replay: a chunk's progress, and which chunk it is. */
export interface PositionRecord extends ChunkProgress {
  /** Unique per chunk of a replay, the same for all attempts of it. */
  chunkId: string;
}

/** One transactional id per replay: a retried chunk's producer fences every older attempt's. */
export function replayTransactionalId(clientId: string, replayId: string): string {
  return `${clientId}-replay-${replayId}`;
}

export function positionRecordValue(chunkId: string, progress: ChunkProgress): string {
  const { byteOffset, row, lastOriginalTimestamp, owedDelayMs, sent, rejected } = progress;
  return JSON.stringify({ chunkId, byteOffset, row, lastOriginalTimestamp, owedDelayMs, sent, rejected } satisfies PositionRecord);
}

export function parsePositionRecord(text: string): Parsed<PositionRecord> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  const problems: string[] = [];
  if (typeof o.chunkId !== 'string' || o.chunkId === '') problems.push('chunkId must be a non-empty string');
  for (const k of ['byteOffset', 'row', 'sent', 'rejected']) if (!count(o[k])) problems.push(`${k} must be a whole number >= 0`);
  if (o.lastOriginalTimestamp !== null && !Number.isFinite(o.lastOriginalTimestamp)) problems.push('lastOriginalTimestamp must be a number or null');
  if (typeof o.owedDelayMs !== 'number' || !(o.owedDelayMs >= 0)) problems.push('owedDelayMs must be a number >= 0');
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, value: o as unknown as PositionRecord };
}

/**
 * Where an attempt of chunk `chunkId` starts: at its own chunk's last committed record if there is
 * one (`stored`, the replay's latest), else at the position the workflow passed, nothing sent yet.
 */
export function resumePoint(input: ReplayChunkInput, chunkId: string, stored: PositionRecord | undefined): ChunkProgress {
  if (stored?.chunkId !== chunkId) return { ...input.position, sent: 0, rejected: 0 };
  const { byteOffset, row, lastOriginalTimestamp, owedDelayMs, sent, rejected } = stored;
  return { byteOffset, row, lastOriginalTimestamp, owedDelayMs, sent, rejected };
}
