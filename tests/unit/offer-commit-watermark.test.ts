import { describe, expect, it } from 'vitest';
import { CommitWatermark } from '../../lib/offers/commit-watermark';

/** Signals 1-3 of a batch at offsets 100, 103 and 107, ending at 112. */
const oneBatch = () => {
  const w = new CommitWatermark();
  w.add(
    [
      { id: 1, offset: 100n },
      { id: 2, offset: 103n },
      { id: 3, offset: 107n },
    ],
    112n,
  );
  return w;
};

describe("the detection feed's commit watermark", () => {
  it('commits nothing past the first signal not yet accepted', () => {
    const w = oneBatch();
    expect(w.committable).toBe('100');
    w.signalled(2);
    w.signalled(3);
    expect(w.committable).toBe('100'); // the clicks from 100 on are not accepted yet
    expect(w.pending).toBe(1);
  });

  it('moves up to the next signal still waiting as signals are accepted, in any order', () => {
    const w = oneBatch();
    w.signalled(1);
    expect(w.committable).toBe('103');
    w.signalled(3);
    expect(w.committable).toBe('103');
    w.signalled(2);
    expect(w.committable).toBe('112');
    expect(w.pending).toBe(0);
  });

  it('holds across batches: a later batch commits nothing past an earlier signal still waiting', () => {
    const w = oneBatch();
    w.add([{ id: 4, offset: 112n }], 120n);
    w.signalled(4); // a running visitor's signal of the second batch went first
    w.signalled(1);
    w.signalled(2);
    expect(w.committable).toBe('107');
    w.signalled(3);
    expect(w.committable).toBe('120');
  });

  it('a batch with nothing to signal commits to its end once everything before it is accepted', () => {
    const w = oneBatch();
    w.add([], 130n);
    expect(w.committable).toBe('100');
    for (const id of [1, 2, 3]) w.signalled(id);
    expect(w.committable).toBe('130');
    const empty = new CommitWatermark();
    expect(empty.committable).toBeNull();
    empty.add([], 7n);
    expect(empty.committable).toBe('7');
  });

  it('a batch delivered again from below (after a rebalance) holds the watermark at its own first signal', () => {
    const w = oneBatch();
    w.signalled(1);
    w.add(
      [
        { id: 4, offset: 101n },
        { id: 5, offset: 103n },
      ],
      110n,
    );
    expect(w.committable).toBe('101');
    w.signalled(4);
    expect(w.committable).toBe('103');
    w.signalled(2);
    expect(w.committable).toBe('103'); // the second send of 103 is still out
    w.signalled(5);
    w.signalled(3);
    expect(w.committable).toBe('112'); // the end is the furthest seen
  });

  it('refuses a signal it does not hold, or one accepted twice', () => {
    const w = oneBatch();
    expect(() => w.signalled(9)).toThrow(/signal 9 is not waiting/);
    w.signalled(1);
    expect(() => w.signalled(1)).toThrow(/signal 1 is not waiting/);
  });

  it('stays exact over many batches (its storage compacts as it goes)', () => {
    const w = new CommitWatermark();
    let id = 0;
    for (let batch = 0; batch < 100; batch++) {
      const ids = Array.from({ length: 50 }, (_, i) => ({ id: id++, offset: BigInt(batch * 100 + i * 2) }));
      w.add(ids, BigInt(batch * 100 + 100));
      // Accepted in reverse, all but the first of the batch; the first of each batch closes it.
      for (const s of ids.slice(1).reverse()) w.signalled(s.id);
      expect(w.committable).toBe(String(ids[0]!.offset));
      w.signalled(ids[0]!.id);
      expect(w.committable).toBe(String(batch * 100 + 100));
    }
    expect(w.pending).toBe(0);
  });
});
