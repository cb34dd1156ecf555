/**
 * read_committed filtering of fetched batches (clients/streams/platformatic-fetch.ts): a
 * producer's aborted transactions are skipped up to their abort markers, its committed ones kept,
 * even when one producer id aborts twice in one fetch (a reclaimed partition keeps its producer id).
 */
import { IS_CONTROL, IS_TRANSACTIONAL, type RecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { committedRecords } from '../../clients/streams/platformatic-fetch';

function batch(producerId: bigint, firstOffset: bigint, values: string[], transactional = true): RecordsBatch {
  return {
    firstOffset,
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes: transactional ? IS_TRANSACTIONAL : 0,
    lastOffsetDelta: values.length - 1,
    firstTimestamp: 0n,
    maxTimestamp: 0n,
    producerId,
    producerEpoch: 0,
    firstSequence: 0,
    records: values.map((v, i) => ({ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: i, key: null, value: Buffer.from(v), headers: [] })),
  };
}

function marker(producerId: bigint, offset: bigint, commit: boolean): RecordsBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  return {
    ...batch(producerId, offset, ['']),
    attributes: IS_TRANSACTIONAL | IS_CONTROL,
    records: [{ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: 0, key, value: null, headers: [] }],
  };
}

const values = (read: ReturnType<typeof committedRecords>) => read.records.map((r) => `${r.offset}:${r.value!.toString()}`);

describe('committedRecords', () => {
  it('skips each aborted transaction of a producer, keeps its committed ones between them, and moves past every marker', () => {
    const batches = [
      batch(7n, 0n, ['a0', 'a1']), // aborted
      marker(7n, 2n, false),
      batch(7n, 3n, ['c3', 'c4']), // committed
      marker(7n, 5n, true),
      batch(9n, 6n, ['x6'], false), // not transactional
      batch(7n, 7n, ['a7']), // aborted again, same producer id
      marker(7n, 8n, false),
      batch(7n, 9n, ['c9']),
      marker(7n, 10n, true),
    ];
    const read = committedRecords(
      batches,
      [
        { producerId: 7n, firstOffset: 7n },
        { producerId: 7n, firstOffset: 0n },
      ],
      0n,
    );
    expect(values(read)).toEqual(['3:c3', '4:c4', '6:x6', '9:c9']);
    expect(read.nextOffset).toBe(11n);
  });

  it('keeps records from the fetch position on, and reports a fetch of only markers as a move with no records', () => {
    expect(values(committedRecords([batch(1n, 10n, ['r10', 'r11', 'r12'])], [], 11n))).toEqual(['11:r11', '12:r12']);
    const markers = committedRecords([marker(1n, 13n, true)], [], 13n);
    expect(markers).toEqual({ records: [], nextOffset: 14n });
    expect(committedRecords([], [], 0n)).toEqual({ records: [], nextOffset: null });
  });
});
