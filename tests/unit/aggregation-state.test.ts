import { describe, expect, it } from 'vitest';
import { mergePartials } from '../../lib/aggregation/merge';
import { PartitionAggregates, type StateChange } from '../../lib/aggregation/partition-aggregates';
import type { EnrichedClick } from '../../lib/schema';

const at = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 0, 1, hh, mm, ss);

let seq = 0;
function click(over: Partial<EnrichedClick> = {}): EnrichedClick {
  seq++;
  return {
    clickId: `c${String(seq).padStart(6, '0')}`,
    userId: 'u1',
    productId: 'p1',
    ip: '10.0.0.1',
    userAgent: 'ua',
    timestamp: at(10, 0),
    source: 'replay',
    category: 'books',
    title: 'A book',
    gender: 'U',
    birthDate: null,
    age: null,
    country: 'France',
    deviceType: 'Desktop',
    ...over,
  };
}

function aggregate(clicks: EnrichedClick[]): PartitionAggregates {
  const state = new PartitionAggregates();
  for (const c of clicks) state.apply(c);
  return state;
}

/** What a compacted changelog (or the RocksDB store) holds after these changes. */
function compact(store: Map<string, string>, changes: StateChange[]): Map<string, string> {
  for (const { key, value } of changes) {
    if (value === null) store.delete(key);
    else store.set(key, value);
  }
  return store;
}

/** A small deterministic PRNG, so the workload is the same each run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function workload(n: number, seed: number): EnrichedClick[] {
  const rnd = random(seed);
  const devices = ['Desktop', 'Mobile', 'Tablet', 'Bot', 'Other'] as const;
  return Array.from({ length: n }, (_, i) => {
    const product = Math.floor(rnd() * rnd() * 30);
    // Mostly in order over three hours, with some clicks up to 20 minutes late.
    const jitter = rnd() < 0.1 ? -Math.floor(rnd() * 20 * 60_000) : 0;
    return click({
      userId: `user/${Math.floor(rnd() * 200)}`,
      productId: `p${product}`,
      category: `cat${product % 7}`,
      title: `Product ${product}`,
      deviceType: devices[Math.floor(rnd() * devices.length)]!,
      timestamp: at(9, 0) + Math.floor((i / n) * 3 * 3_600_000) + jitter,
      country: `country${i % 5}`,
    });
  });
}

describe('PartitionAggregates', () => {
  it('counts a click in its minute: visits, device, product and category', () => {
    const s = aggregate([
      click({ timestamp: at(10, 0, 5), productId: 'p1', deviceType: 'Mobile' }),
      click({ timestamp: at(10, 0, 50), productId: 'p2', category: 'games', title: 'A game' }),
      click({ timestamp: at(10, 1, 0), productId: 'p1' }),
    ]).snapshot();
    expect(s.streamTime).toBe(at(10, 1, 0));
    expect(s.counted).toBe(3);
    expect(s.minutes.map((m) => [m.minute, m.visits])).toEqual([
      [at(10, 0), 2],
      [at(10, 1), 1],
    ]);
    const first = s.minutes[0]!;
    expect(first.devices).toEqual({ Desktop: 1, Mobile: 1, Tablet: 0, Bot: 0, Other: 0 });
    expect(first.products).toEqual([
      { productId: 'p1', category: 'books', title: 'A book', count: 1 },
      { productId: 'p2', category: 'games', title: 'A game', count: 1 },
    ]);
    expect(first.categories).toEqual([
      { category: 'books', count: 1 },
      { category: 'games', count: 1 },
    ]);
  });

  it('counts each visitor once per 30-minute bucket', () => {
    const s = aggregate([
      click({ userId: 'a', timestamp: at(10, 0) }),
      click({ userId: 'a', timestamp: at(10, 29, 59) }),
      click({ userId: 'b', timestamp: at(10, 10) }),
      click({ userId: 'a', timestamp: at(10, 30) }),
    ]).snapshot();
    expect(s.sessions).toEqual([
      { bucket: at(10, 0), sessions: 2 },
      { bucket: at(10, 30), sessions: 1 },
    ]);
  });

  it('evicts minutes older than the hour and half hours older than 8 hours, as of its stream time', () => {
    const state = aggregate([click({ userId: 'a', timestamp: at(2, 0) }), click({ timestamp: at(9, 0) }), click({ timestamp: at(9, 1) })]);
    state.takeChanges();
    state.apply(click({ timestamp: at(10, 0, 30) })); // the hour is now 09:01 … 10:00, the 8 hours 02:30 … 10:00

    const s = state.snapshot();
    expect(s.minutes.map((m) => m.minute)).toEqual([at(9, 1), at(10, 0)]);
    expect(s.sessions.map((b) => b.bucket)).toEqual([at(9, 0), at(10, 0)]);
    const deleted = state
      .takeChanges()
      .filter((c) => c.value === null)
      .map((c) => c.key);
    expect(deleted.sort()).toEqual([`minute/${at(9, 0)}`, `session/${at(2, 0)}/a`].sort());
  });

  it('leaves a late click out of the windows it can no longer fall in, and counts it in the others', () => {
    const state = aggregate([click({ timestamp: at(10, 0) })]);
    state.apply(click({ userId: 'late', timestamp: at(8, 59, 59) }));
    const s = state.snapshot();
    expect(s.counted).toBe(2);
    expect(s.minutes.map((m) => m.minute)).toEqual([at(10, 0)]);
    expect(s.sessions).toEqual([
      { bucket: at(8, 30), sessions: 1 },
      { bucket: at(10, 0), sessions: 1 },
    ]);
  });

  it('keeps the 10 latest distinct visitors, newest first, each with their newest click', () => {
    const clicks = Array.from({ length: 12 }, (_, i) => click({ userId: `u${i}`, timestamp: at(10, i), ip: `10.0.0.${i}` }));
    const state = aggregate(clicks);
    state.apply(click({ userId: 'u3', timestamp: at(10, 30), ip: '10.9.9.9' })); // u3 had dropped out; now newest
    state.apply(click({ userId: 'u11', timestamp: at(9, 0) })); // older than u11's newest: no change
    const visitors = state.snapshot().latestVisitors;
    expect(visitors.map((v) => v.userId)).toEqual(['u3', 'u11', 'u10', 'u9', 'u8', 'u7', 'u6', 'u5', 'u4', 'u2']);
    expect(visitors[0]).toEqual({ userId: 'u3', timestamp: at(10, 30), ip: '10.9.9.9', country: 'France' });
    expect(visitors[1]!.timestamp).toBe(at(10, 11));
  });

  it('breaks ties in time by the larger id, whatever the arrival order', () => {
    const a = click({ userId: 'a', clickId: 'x1', timestamp: at(10, 0) });
    const b = click({ userId: 'b', clickId: 'x2', timestamp: at(10, 0) });
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const s = aggregate(order).snapshot();
      expect(s.latestVisitors.map((v) => v.userId)).toEqual(['b', 'a']);
      expect(s.rawClicks.map((c) => c.clickId)).toEqual(['x2', 'x1']);
    }
  });

  it('keeps the 100 latest clicks, newest first, even when they arrive out of order', () => {
    const clicks = workload(500, 7);
    const s = aggregate(clicks).snapshot();
    const expected = [...clicks].sort((x, y) => y.timestamp - x.timestamp || (x.clickId < y.clickId ? 1 : -1)).slice(0, 100);
    expect(s.rawClicks).toEqual(expected);
  });

  it('reports only what changed since the last call, one record per key', () => {
    const state = new PartitionAggregates();
    state.apply(click({ userId: 'a', clickId: 'k1', timestamp: at(10, 0) }));
    state.apply(click({ userId: 'a', clickId: 'k2', timestamp: at(10, 0, 10) }));
    state.advanceTo('42');
    const keys = state.takeChanges().map((c) => c.key);
    expect(keys.sort()).toEqual(
      ['progress', `minute/${at(10, 0)}`, `session/${at(10, 0)}/a`, 'visitor/a', `click/${at(10, 0)}/k1`, `click/${at(10, 0, 10)}/k2`].sort(),
    );
    expect(state.takeChanges()).toEqual([]);

    state.apply(click({ userId: 'a', clickId: 'k3', timestamp: at(10, 0, 20) }));
    expect(
      state
        .takeChanges()
        .map((c) => c.key)
        .sort(),
    ).toEqual(['progress', `minute/${at(10, 0)}`, 'visitor/a', `click/${at(10, 0, 20)}/k3`].sort());
  });

  it('counts rejected messages and remembers the input position', () => {
    const state = new PartitionAggregates();
    state.reject();
    state.advanceTo('7');
    expect(state.nextOffset).toBe('7');
    expect(state.takeChanges()).toEqual([{ key: 'progress', value: JSON.stringify({ nextOffset: '7', streamTime: 0, counted: 0, rejected: 1 }) }]);
  });

  it('rebuilds from its changelog records the same state, which then evolves the same', () => {
    const clicks = workload(3_000, 11);
    const live = new PartitionAggregates();
    const changelog = new Map<string, string>();
    for (let i = 0; i < 2_000; i += 137) {
      for (const c of clicks.slice(i, Math.min(i + 137, 2_000))) live.apply(c);
      live.advanceTo(String(Math.min(i + 137, 2_000)));
      compact(changelog, live.takeChanges());
    }
    const restored = PartitionAggregates.fromEntries(changelog);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(restored.takeChanges()).toEqual([]);

    for (const c of clicks.slice(2_000)) {
      live.apply(c);
      restored.apply(c);
    }
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(compact(new Map(changelog), restored.takeChanges())).toEqual(compact(new Map(changelog), live.takeChanges()));
  });

  it('drops, and records as deleted, keys a stale store still holds', () => {
    const live = aggregate(Array.from({ length: 12 }, (_, i) => click({ userId: `u${i}`, timestamp: at(10, i) })));
    const store = compact(new Map(), live.takeChanges());
    // Keys whose deletions compaction removed from the changelog after an old checkpoint.
    store.set('visitor/ghost', JSON.stringify({ userId: 'ghost', timestamp: at(9, 0), ip: '', country: '', clickId: 'g' }));
    store.set(`minute/${at(8, 0)}`, JSON.stringify({ minute: at(8, 0), visits: 1, devices: {}, products: [], categories: [] }));

    const restored = PartitionAggregates.fromEntries(store);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(restored.takeChanges()).toEqual([
      { key: `minute/${at(8, 0)}`, value: null },
      { key: 'visitor/ghost', value: null },
    ]);
  });
});

describe('mergePartials', () => {
  it('gives empty lists before the first click', () => {
    expect(mergePartials([new PartitionAggregates().snapshot()])).toEqual({
      asOf: 0,
      visitsPerMinute: [],
      sessions: [],
      devices: { windowMinutes: 10, total: 0, counts: { Desktop: 0, Mobile: 0, Tablet: 0, Bot: 0, Other: 0 } },
      topProducts: [],
      categories: [],
      latestVisitors: [],
      rawClicks: [],
    });
  });

  it('cuts every window at the newest stream time of all partitions, zero-filled, oldest first', () => {
    const behind = aggregate([click({ userId: 'a', timestamp: at(9, 45) }), click({ userId: 'a', timestamp: at(9, 52, 59) }), click({ userId: 'a', timestamp: at(9, 53) })]);
    const ahead = aggregate([click({ userId: 'b', timestamp: at(10, 7, 30), deviceType: 'Tablet' })]);
    const d = mergePartials([behind.snapshot(), ahead.snapshot()]);

    expect(d.asOf).toBe(at(10, 7, 30));
    expect(d.visitsPerMinute).toHaveLength(15);
    expect(d.visitsPerMinute[0]).toEqual({ minute: at(9, 53), visits: 1 });
    expect(d.visitsPerMinute[14]).toEqual({ minute: at(10, 7), visits: 1 });
    expect(d.visitsPerMinute.reduce((n, v) => n + v.visits, 0)).toBe(2); // 09:52:59 and 09:45 are out
    expect(d.devices).toEqual({ windowMinutes: 10, total: 1, counts: { Desktop: 0, Mobile: 0, Tablet: 1, Bot: 0, Other: 0 } });
    expect(d.categories).toEqual([{ category: 'books', count: 4 }]);
    expect(d.sessions).toHaveLength(16);
    expect(d.sessions.slice(-2)).toEqual([
      { bucket: at(9, 30), sessions: 1 },
      { bucket: at(10, 0), sessions: 1 },
    ]);
  });

  it('sums distinct visitors per half hour across partitions', () => {
    const p0 = aggregate([click({ userId: 'a', timestamp: at(10, 0) }), click({ userId: 'b', timestamp: at(10, 5) }), click({ userId: 'a', timestamp: at(10, 10) })]);
    const p1 = aggregate([click({ userId: 'c', timestamp: at(10, 20) }), click({ userId: 'c', timestamp: at(10, 40) })]);
    const d = mergePartials([p0.snapshot(), p1.snapshot()]);
    expect(d.sessions.slice(-2)).toEqual([
      { bucket: at(10, 0), sessions: 3 },
      { bucket: at(10, 30), sessions: 1 },
    ]);
  });

  it('ranks the top 10 products and all categories over the hour, ties by name, newest title', () => {
    const clicks = [
      ...Array.from({ length: 12 }, (_, i) => click({ productId: `p${String(i).padStart(2, '0')}`, category: i < 6 ? 'games' : 'books', timestamp: at(10, 0) })),
      click({ productId: 'p05', timestamp: at(9, 30), title: 'Old title' }),
      click({ productId: 'p05', timestamp: at(10, 1), title: 'New title' }),
      click({ productId: 'p09', timestamp: at(9, 5) }), // out of the hour as of 10:05
      click({ productId: 'zz', category: 'tools', timestamp: at(10, 5) }),
    ];
    const d = mergePartials([aggregate(clicks.filter((_, i) => i % 2 === 0)).snapshot(), aggregate(clicks.filter((_, i) => i % 2 === 1)).snapshot()]);
    expect(d.topProducts.map((p) => [p.productId, p.count])).toEqual([
      ['p05', 3],
      ['p00', 1],
      ['p01', 1],
      ['p02', 1],
      ['p03', 1],
      ['p04', 1],
      ['p06', 1],
      ['p07', 1],
      ['p08', 1],
      ['p09', 1],
    ]);
    expect(d.topProducts[0]!.title).toBe('New title');
    expect(d.categories).toEqual([
      { category: 'books', count: 8 },
      { category: 'games', count: 6 },
      { category: 'tools', count: 1 },
    ]);
  });

  it('merges the latest visitors and clicks of all partitions, newest first', () => {
    const p0 = aggregate(Array.from({ length: 8 }, (_, i) => click({ userId: `even${i}`, timestamp: at(10, 2 * i) })));
    const p1 = aggregate(Array.from({ length: 8 }, (_, i) => click({ userId: `odd${i}`, timestamp: at(10, 2 * i + 1) })));
    const d = mergePartials([p0.snapshot(), p1.snapshot()]);
    expect(d.latestVisitors.map((v) => v.userId)).toEqual(['odd7', 'even7', 'odd6', 'even6', 'odd5', 'even5', 'odd4', 'even4', 'odd3', 'even3']);
    expect(d.rawClicks).toHaveLength(16);
    expect(d.rawClicks.map((c) => c.timestamp)).toEqual([...d.rawClicks.map((c) => c.timestamp)].sort((a, b) => b - a));
  });

  it('gives exactly what one partition holding every click gives, when visitors are partitioned', () => {
    const clicks = workload(4_000, 3);
    const partitionOf = (userId: string) => Number(userId.split('/')[1]) % 4;
    const partitions = [0, 1, 2, 3].map((p) => aggregate(clicks.filter((c) => partitionOf(c.userId) === p)).snapshot());
    expect(mergePartials(partitions)).toEqual(mergePartials([aggregate(clicks).snapshot()]));
  });
});
