/**
 * A broker takes at most `message.max.bytes` (1 MB by default) per partition in one produce
 * request, and kafkajs puts everything a send holds for a partition into one record batch. A
 * big consumer batch, enriched, outgrows that; splitting the output into sends of bounded size
 * keeps every request acceptable. Splitting inside one transaction keeps it atomic.
 */

export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
}

export interface OutgoingTopicMessages<M extends OutgoingMessage = OutgoingMessage> {
  topic: string;
  messages: M[];
}

/** Bytes a record adds to a request besides its key and value (headers of the record format, roughly). */
export const RECORD_OVERHEAD_BYTES = 32;
/** Half the broker's default limit: room for the batch header and a margin. */
export const MAX_PRODUCE_BYTES = 512 * 1024;
/**
 * A bound on a send's messages besides its bytes. kafkajs grouped a send's messages per partition
 * in time quadratic in their number (patches/kafkajs+2.2.4+group-messages.patch): no longer.
 */
export const MAX_PRODUCE_MESSAGES = 5_000;

const size = (v: Buffer | string | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/**
 * Splits topic messages into consecutive sends of at most `maxBytes` and `maxMessages` each,
 * keeping the order of every topic's messages. A message bigger than `maxBytes` goes alone.
 */
export function splitTopicMessages<M extends OutgoingMessage>(
  topicMessages: OutgoingTopicMessages<M>[],
  maxBytes = MAX_PRODUCE_BYTES,
  maxMessages = MAX_PRODUCE_MESSAGES,
): OutgoingTopicMessages<M>[][] {
  const sends: OutgoingTopicMessages<M>[][] = [];
  let current: OutgoingTopicMessages<M>[] = [];
  let bytes = 0;
  let count = 0;
  for (const { topic, messages } of topicMessages) {
    let group: OutgoingTopicMessages<M> | undefined;
    for (const message of messages) {
      const cost = size(message.key) + size(message.value) + RECORD_OVERHEAD_BYTES;
      if (count > 0 && (bytes + cost > maxBytes || count === maxMessages)) {
        sends.push(current);
        current = [];
        bytes = 0;
        count = 0;
        group = undefined;
      }
      if (!group) {
        group = { topic, messages: [] };
        current.push(group);
      }
      group.messages.push(message);
      bytes += cost;
      count += 1;
    }
  }
  if (count > 0) sends.push(current);
  return sends;
}
