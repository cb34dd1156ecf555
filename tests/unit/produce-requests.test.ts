import { describe, expect, it } from 'vitest';
import { RECORD_OVERHEAD_BYTES, splitTopicMessages } from '../../lib/produce-requests';

const msg = (key: string, bytes: number) => ({ key, value: 'x'.repeat(bytes) });
const cost = (key: string, bytes: number) => key.length + bytes + RECORD_OVERHEAD_BYTES;

describe('splitTopicMessages', () => {
  it('keeps a small output in one send', () => {
    const out = [
      { topic: 'a', messages: [msg('k', 10), msg('k', 10)] },
      { topic: 'b', messages: [msg('k', 5)] },
    ];
    expect(splitTopicMessages(out, 1_000)).toEqual([out]);
  });

  it('splits a big output into sends under the limit, in order, losing nothing', () => {
    const messages = Array.from({ length: 100 }, (_, i) => msg(`k${i}`, 90));
    const limit = 10 * cost('k10', 90);
    const sends = splitTopicMessages(
      [
        { topic: 'enriched', messages },
        { topic: 'dead', messages: [msg('d', 3)] },
      ],
      limit,
      1_000,
    );
    for (const send of sends) {
      const bytes = send.flatMap((t) => t.messages).reduce((n, m) => n + m.key.length + m.value.length + RECORD_OVERHEAD_BYTES, 0);
      expect(bytes).toBeLessThanOrEqual(limit);
    }
    expect(
      sends
        .flat()
        .filter((t) => t.topic === 'enriched')
        .flatMap((t) => t.messages),
    ).toEqual(messages);
    expect(
      sends
        .flat()
        .filter((t) => t.topic === 'dead')
        .flatMap((t) => t.messages),
    ).toEqual([msg('d', 3)]);
    expect(sends.length).toBeGreaterThanOrEqual(11);
  });

  it('sends a message bigger than the limit alone', () => {
    const sends = splitTopicMessages([{ topic: 'a', messages: [msg('a', 10), msg('b', 500), msg('c', 10)] }], 100);
    expect(sends.map((s) => s.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([['a'], ['b'], ['c']]);
  });

  it('caps the messages of a send', () => {
    const messages = Array.from({ length: 7 }, (_, i) => msg(`k${i}`, 1));
    expect(splitTopicMessages([{ topic: 'a', messages }], 1_000_000, 3).map((s) => s[0]!.messages.length)).toEqual([3, 3, 1]);
  });

  it('makes no send of an empty output', () => {
    expect(splitTopicMessages([{ topic: 'a', messages: [] }])).toEqual([]);
  });
});
