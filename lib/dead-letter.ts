import type { DeadLetterRecord } from './schema';

/** Dead letters keep the start of the rejected input: enough to diagnose, bounded in size. */
export const MAX_DEAD_LETTER_PAYLOAD = 4_096;

export function deadLetterRecord(stage: string, reason: string, payload: Buffer | string | null, origin: string, timestamp: number): DeadLetterRecord {
  const text =
    payload === null ? '' : typeof payload === 'string' ? payload.slice(0, MAX_DEAD_LETTER_PAYLOAD) : payload.subarray(0, MAX_DEAD_LETTER_PAYLOAD).toString();
  return { stage, reason, payload: text, origin, timestamp };
}

/** A dead-letter record as a Kafka message, keyed by where the input came from. */
export function deadLetterMessage(stage: string, reason: string, payload: Buffer | string | null, origin: string, timestamp = Date.now()) {
  return { key: origin, value: JSON.stringify(deadLetterRecord(stage, reason, payload, origin, timestamp)) };
}
