import { describe, expect, it } from 'vitest';
import { mergePartials } from '../../lib/aggregation/merge';
import { durationBin, medianDurationMs } from '../../lib/aggregation/sessions';
import { PartitionAggregates } from '../../lib/aggregation/partition-aggregates';
import type { StateChange } from '../../lib/state-change';
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

/** Five minutes, the default; workloads with clicks up to 20 minutes late allow half an hour. */
const OPTIONS = { allowedLatenessMs: 5 * 60_000 };
const LENIENT = { allowedLatenessMs: 30 * 60_000 };

function aggregate(clicks: EnrichedClick[], options = OPTIONS): PartitionAggregates {
  const state = new PartitionAggregates(options);
  for (const c of clicks) state.apply(c);
  return state;
}

/** What a compacted changelog (or the LevelDB store) holds after these changes. */
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
  it('counts a page view in its minute: product and category; a bot click only as a bot click', () => {
    const s = aggregate([
      click({ timestamp: at(10, 0, 5), productId: 'p1', deviceType: 'Mobile' }),
      click({ timestamp: at(10, 0, 50), productId: 'p2', category: 'games', title: 'A game' }),
      click({ timestamp: at(10, 0, 55), productId: 'p2', userId: 'crawler', deviceType: 'Bot' }),
      click({ timestamp: at(10, 1, 0), productId: 'p1' }),
    ]).snapshot();
    expect(s.streamTime).toBe(at(10, 1, 0));
    expect(s.counted).toBe(4);
    expect(s.minutes.map((m) => [m.minute, m.views, m.bots])).toEqual([
      [at(10, 0), 2, 1],
      [at(10, 1), 1, 0],
    ]);
    const first = s.minutes[0]!;
    expect(first.products).toEqual([
      { productId: 'p1', category: 'books', title: 'A book', count: 1 },
      { productId: 'p2', category: 'games', title: 'A game', count: 1 },
    ]);
    expect(first.categories).toEqual([
      { category: 'books', count: 1 },
      { category: 'games', count: 1 },
    ]);
    // The bot is in the raw clicks, and in no visitor figure.
    expect(s.rawClicks).toHaveLength(4);
    expect(s.latestVisitors.map((v) => v.userId)).toEqual(['u1']);
    expect(s.sessions.reduce((n, b) => n + b.sessions, 0)).toBe(1);
  });

  it('counts only page views as views: basket, buy and offer answers show in the raw clicks only', () => {
    const s = aggregate([
      click({ timestamp: at(10, 0, 5), productId: 'p1' }),
      click({ timestamp: at(10, 0, 20), productId: 'p2', kind: 'basket' }),
      click({ timestamp: at(10, 0, 30), productId: 'p2', kind: 'offer-taken', offerId: 'offer1' }),
      click({ timestamp: at(10, 1, 10), productId: 'p2', userId: 'u2', kind: 'buy' }),
    ]).snapshot();
    expect(s.counted).toBe(4);
    expect(s.streamTime).toBe(at(10, 1, 10));
    expect(s.minutes.map((m) => [m.minute, m.views, m.bots])).toEqual([[at(10, 0), 1, 0]]);
    expect(s.minutes[0]!.products.map((p) => p.productId)).toEqual(['p1']);
    expect(s.rawClicks.map((c) => c.kind ?? 'view')).toEqual(['buy', 'offer-taken', 'basket', 'view']);
    // u2 only bought: no visitor figure, no session.
    expect(s.latestVisitors.map((v) => v.userId)).toEqual(['u1']);
    expect(s.sessions.reduce((n, b) => n + b.sessions, 0)).toBe(1);
  });

  it('counts sessions as gaps under 30 minutes: pages, duration, bounce, entry and exit pages (worked by hand)', () => {
    const state = aggregate([
      click({ userId: 'a', timestamp: at(10, 0), productId: 'p1' }),
      click({ userId: 'b', timestamp: at(10, 5), productId: 'p2', country: 'Spain' }),
      click({ userId: 'a', timestamp: at(10, 10), productId: 'p2' }),
      // 35 minutes after a's last view: a second session.
      click({ userId: 'a', timestamp: at(10, 45), productId: 'p3' }),
      click({ userId: 'a', timestamp: at(10, 50), productId: 'p1' }),
    ]);
    const open = state.snapshot();
    // a's first session ended when the second began; b's at 10:50, when no click on time (from
    // 10:45 on, with 5 minutes of lateness) could come within 30 minutes of it. a's second is open.
    expect(open.sessions.map((b) => [b.bucket, b.sessions, b.ended, b.bounces, b.pageViews])).toEqual([
      [at(10, 0), 2, 2, 1, 3],
      [at(10, 30), 1, 0, 0, 2],
    ]);
    expect(open.sessions[0]!.durations).toEqual({ '0': 1, '600': 1 });
    expect(open.sessions[0]!.exits).toEqual({ p2: { productId: 'p2', category: 'books', title: 'A book', count: 2 } });
    expect(open.sessions[1]!.exits).toEqual({}); // open: no exit yet

    // A bot's click moves event time to 11:30: nothing on time can extend a session any more
    // (30 minutes of gap, plus a minute and the 5 minutes of lateness).
    state.apply(click({ userId: 'crawler', timestamp: at(11, 30), deviceType: 'Bot' }));
    const d = mergePartials([state.snapshot()]);
    expect(d.sessionsStarted.slice(-4).map((b) => b.sessions)).toEqual([2, 1, 0, 0]);
    expect(d.sessions).toEqual({ windowHours: 8, count: 3, open: 0, medianDurationMs: 300_000, pagesPerSession: 5 / 3, bounceRate: 1 / 3 });
    expect(d.entryPages.map((p) => [p.productId, p.count])).toEqual([
      ['p1', 1],
      ['p2', 1],
      ['p3', 1],
    ]);
    expect(d.exitPages.map((p) => [p.productId, p.count])).toEqual(
      [
        ['p1', 1],
        ['p2', 2],
      ].sort((x, y) => (y[1] as number) - (x[1] as number)),
    );
    expect(d.countries).toEqual([
      { country: 'France', sessions: 2, share: 2 / 3 },
      { country: 'Spain', sessions: 1, share: 1 / 3 },
    ]);
  });

  it('joins a page view that arrives out of order to the session it falls in', () => {
    const s = aggregate(
      [
        click({ userId: 'a', timestamp: at(10, 10), productId: 'p2' }),
        click({ userId: 'a', timestamp: at(10, 20), productId: 'p3' }),
        click({ userId: 'a', timestamp: at(10, 5), productId: 'p1' }), // earlier, within the gap: the new entry
      ],
      LENIENT,
    ).snapshot();
    expect(s.sessions).toHaveLength(1);
    expect(s.sessions[0]).toMatchObject({ sessions: 1, pageViews: 3, durations: { '900': 1 } });
    expect(Object.keys(s.sessions[0]!.entries)).toEqual(['p1']);
  });

  it('counts a click after its minute closed plus the allowed lateness as late, and nowhere else', () => {
    const state = aggregate([click({ userId: 'a', timestamp: at(10, 20) })]);
    // 10:14's minute ended at 10:15, five minutes before the stream time: late.
    state.apply(click({ userId: 'late', timestamp: at(10, 14, 30), productId: 'p9' }));
    // 10:15's minute ended at 10:16: still on time.
    state.apply(click({ userId: 'ontime', timestamp: at(10, 15), productId: 'p8' }));
    const s = state.snapshot();
    expect(s).toMatchObject({ counted: 3, late: 1, allowedLatenessMs: 5 * 60_000 });
    expect(s.minutes.map((m) => [m.minute, m.views])).toEqual([
      [at(10, 15), 1],
      [at(10, 20), 1],
    ]);
    expect(s.rawClicks.map((c) => c.userId)).toEqual(['a', 'ontime']);
    expect(s.latestVisitors.map((v) => v.userId)).toEqual(['a', 'ontime']);
    const d = mergePartials([s]);
    expect(d.lateEvents).toEqual({ count: 1, allowedLatenessMs: 5 * 60_000 });
    expect(d.sessions.count).toBe(2);
  });

  it('evicts minutes older than the hour and half hours older than 8 hours, as of its stream time', () => {
    const state = aggregate([click({ userId: 'a', timestamp: at(2, 0) }), click({ timestamp: at(9, 0) }), click({ timestamp: at(9, 1) })]);
    state.takeChanges();
    state.apply(click({ timestamp: at(10, 0, 30) })); // the hour is now 09:01 … 10:00, the 8 hours 02:30 … 10:00

    const s = state.snapshot();
    expect(s.minutes.map((m) => m.minute)).toEqual([at(9, 1), at(10, 0)]);
    // u1's views of 09:01 and 10:00:30 are 59 minutes apart: two sessions.
    expect(s.sessions.map((b) => b.bucket)).toEqual([at(9, 0), at(10, 0)]);
    const deleted = state
      .takeChanges()
      .filter((c) => c.value === null)
      .map((c) => c.key);
    // a's session of 02:00 ended at 09:00, in the 8 hours then; out of them now.
    expect(deleted.sort()).toEqual([`minute/${at(9, 0)}`, `sessions/${at(2, 0)}`].sort());
  });

  it('keeps the 10 latest distinct visitors, newest first, each with their newest click', () => {
    const clicks = Array.from({ length: 12 }, (_, i) => click({ userId: `u${i}`, timestamp: at(10, i), ip: `10.0.0.${i}` }));
    const state = aggregate(clicks, LENIENT);
    state.apply(click({ userId: 'u3', timestamp: at(10, 30), ip: '10.9.9.9' })); // u3 had dropped out; now newest
    state.apply(click({ userId: 'u11', timestamp: at(10, 5) })); // older than u11's newest: no change
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
    const s = aggregate(clicks, LENIENT).snapshot();
    expect(s.late).toBe(0);
    const expected = [...clicks].sort((x, y) => y.timestamp - x.timestamp || (x.clickId < y.clickId ? 1 : -1)).slice(0, 100);
    expect(s.rawClicks).toEqual(expected);
  });

  it('reports only what changed since the last call, one record per key', () => {
    const state = new PartitionAggregates(OPTIONS);
    state.apply(click({ userId: 'a', clickId: 'k1', timestamp: at(10, 0) }));
    state.apply(click({ userId: 'a', clickId: 'k2', timestamp: at(10, 0, 10) }));
    state.advanceTo('42');
    const changes = state.takeChanges();
    expect(changes.map((c) => c.key).sort()).toEqual(
      ['progress', `minute/${at(10, 0)}`, 'visit/a', 'page/p1', 'visitor/a', `click/${at(10, 0)}/k1`, `click/${at(10, 0, 10)}/k2`].sort(),
    );
    // A visit, written at every page view, names its pages by id: their titles are stored once.
    const stored = new Map(changes.map((c) => [c.key, c.value]));
    expect(JSON.parse(stored.get('visit/a')!)).toEqual([at(10, 0), at(10, 0, 10), 2, 'p1', 'p1', 'Desktop', 'France']);
    expect(JSON.parse(stored.get('page/p1')!)).toEqual({ category: 'books', title: 'A book' });
    expect(state.takeChanges()).toEqual([]);

    state.apply(click({ userId: 'a', clickId: 'k3', timestamp: at(10, 0, 20) }));
    expect(
      state
        .takeChanges()
        .map((c) => c.key)
        .sort(),
    ).toEqual(['progress', `minute/${at(10, 0)}`, 'visit/a', 'visitor/a', `click/${at(10, 0, 20)}/k3`].sort());
  });

  it('counts rejected messages and remembers the input position', () => {
    const state = new PartitionAggregates(OPTIONS);
    state.reject();
    state.advanceTo('7');
    expect(state.nextOffset).toBe('7');
    expect(state.takeChanges()).toEqual([{ key: 'progress', value: JSON.stringify({ nextOffset: '7', streamTime: 0, counted: 0, rejected: 1, late: 0 }) }]);
  });

  it('rebuilds from its changelog records the same state, which then evolves the same', () => {
    const clicks = workload(3_000, 11);
    const live = new PartitionAggregates(OPTIONS);
    const changelog = new Map<string, string>();
    for (let i = 0; i < 2_000; i += 137) {
      for (const c of clicks.slice(i, Math.min(i + 137, 2_000))) live.apply(c);
      live.advanceTo(String(Math.min(i + 137, 2_000)));
      compact(changelog, live.takeChanges());
    }
    const restored = PartitionAggregates.fromEntries(changelog, OPTIONS);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(restored.takeChanges()).toEqual([]);

    for (const c of clicks.slice(2_000)) {
      live.apply(c);
      restored.apply(c);
    }
    expect(live.snapshot().late).toBeGreaterThan(0);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(compact(new Map(changelog), restored.takeChanges())).toEqual(compact(new Map(changelog), live.takeChanges()));
  });

  it('restores open sessions with the newest title of their pages', () => {
    const live = aggregate([
      click({ userId: 'a', productId: 'p1', title: 'Old title', timestamp: at(10, 0) }),
      click({ userId: 'b', productId: 'p1', title: 'New title', timestamp: at(10, 1) }),
    ]);
    const restored = PartitionAggregates.fromEntries(compact(new Map(), live.takeChanges()), OPTIONS);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(Object.values(live.snapshot().sessions[0]!.entries)).toMatchObject([{ productId: 'p1', title: 'New title', count: 2 }]);
  });

  it('drops, and records as deleted, keys a stale store still holds, and those of the old sessions format', () => {
    const live = aggregate(Array.from({ length: 12 }, (_, i) => click({ userId: `u${i}`, timestamp: at(10, i) })));
    const store = compact(new Map(), live.takeChanges());
    // Keys whose deletions compaction removed from the changelog after an old checkpoint.
    store.set('visitor/ghost', JSON.stringify({ userId: 'ghost', timestamp: at(9, 0), ip: '', country: '', clickId: 'g' }));
    store.set(`minute/${at(8, 0)}`, JSON.stringify({ minute: at(8, 0), visits: 1, devices: {}, products: [], categories: [] }));
    store.set(`session/${at(10, 0)}/u1`, '1');

    const restored = PartitionAggregates.fromEntries(store, OPTIONS);
    expect(restored.snapshot()).toEqual(live.snapshot());
    expect(restored.takeChanges()).toEqual([
      { key: `session/${at(10, 0)}/u1`, value: null },
      { key: `minute/${at(8, 0)}`, value: null },
      { key: 'visitor/ghost', value: null },
    ]);
  });
});

describe('session durations', () => {
  it('bins exactly under a minute, by 10 seconds under an hour, by minutes past it', () => {
    expect([0, 999, 59_999, 60_000, 75_500, 3_599_999, 3_600_000, 3_659_000].map(durationBin)).toEqual([0, 0, 59, 60, 70, 3590, 3600, 3600]);
  });

  it('takes the lower median of the histogram', () => {
    expect(medianDurationMs({})).toBe(0);
    expect(medianDurationMs({ '0': 1, '300': 1, '600': 1 })).toBe(300_000);
    expect(medianDurationMs({ '0': 2, '600': 2 })).toBe(0);
    expect(medianDurationMs({ '10': 1, '20': 5 })).toBe(20_000);
  });
});

describe('mergePartials', () => {
  it('gives empty lists and zero figures before the first click', () => {
    expect(mergePartials([new PartitionAggregates(OPTIONS).snapshot()])).toEqual({
      asOf: 0,
      activeVisitors: 0,
      devices: { windowMinutes: 5, total: 0, counts: { Desktop: 0, Mobile: 0, Tablet: 0, Other: 0 } },
      pageViewsPerMinute: [],
      sessionsStarted: [],
      sessions: { windowHours: 8, count: 0, open: 0, medianDurationMs: 0, pagesPerSession: 0, bounceRate: 0 },
      entryPages: [],
      exitPages: [],
      countries: [],
      bots: { windowMinutes: 30, count: 0, share: 0 },
      lateEvents: { count: 0, allowedLatenessMs: 5 * 60_000 },
      topProducts: [],
      categories: [],
      latestVisitors: [],
      rawClicks: [],
    });
  });

  it('cuts every window at the newest stream time of all partitions, zero-filled, oldest first, the last minute partial', () => {
    const behind = aggregate([
      click({ userId: 'a', timestamp: at(9, 30) }),
      click({ userId: 'a', timestamp: at(9, 37, 59) }),
      click({ userId: 'a', timestamp: at(9, 38) }),
    ]);
    const ahead = aggregate([
      click({ userId: 'b', timestamp: at(10, 7, 30), deviceType: 'Tablet' }),
      click({ userId: 'bot', timestamp: at(10, 7, 40), deviceType: 'Bot' }),
    ]);
    const d = mergePartials([behind.snapshot(), ahead.snapshot()]);

    expect(d.asOf).toBe(at(10, 7, 40));
    expect(d.pageViewsPerMinute).toHaveLength(30);
    expect(d.pageViewsPerMinute[0]).toEqual({ minute: at(9, 38), views: 1, partial: false });
    expect(d.pageViewsPerMinute[29]).toEqual({ minute: at(10, 7), views: 1, partial: true });
    expect(d.pageViewsPerMinute.filter((p) => p.partial)).toHaveLength(1);
    expect(d.pageViewsPerMinute.reduce((n, v) => n + v.views, 0)).toBe(2); // 09:37:59 and 09:30 are out
    expect(d.bots).toEqual({ windowMinutes: 30, count: 1, share: 1 / 3 });
    // Only b viewed a page in the last 5 minutes; a's session, last seen 09:38, is over 29 minutes old: still open.
    expect(d.activeVisitors).toBe(1);
    expect(d.devices).toEqual({ windowMinutes: 5, total: 1, counts: { Desktop: 0, Mobile: 0, Tablet: 1, Other: 0 } });
    expect(d.sessions).toMatchObject({ count: 2, open: 2 });
    expect(d.categories).toEqual([{ category: 'books', count: 4 }]);
    expect(d.sessionsStarted).toHaveLength(16);
    expect(d.sessionsStarted.slice(-2)).toEqual([
      { bucket: at(9, 30), sessions: 1 },
      { bucket: at(10, 0), sessions: 1 },
    ]);
  });

  it('counts visitors now by the device of their newest page view, each once', () => {
    const d = mergePartials([
      aggregate([
        click({ userId: 'a', timestamp: at(10, 0), deviceType: 'Desktop' }),
        click({ userId: 'a', timestamp: at(10, 3), deviceType: 'Mobile' }),
      ]).snapshot(),
      aggregate([click({ userId: 'b', timestamp: at(9, 58) }), click({ userId: 'c', timestamp: at(10, 4), deviceType: 'Other' })]).snapshot(),
    ]);
    // As of 10:04 the last 5 minutes are 10:00 … 10:04: b, last seen 09:58, is not there.
    expect(d.activeVisitors).toBe(2);
    expect(d.devices.counts).toEqual({ Desktop: 0, Mobile: 1, Tablet: 0, Other: 1 });
  });

  it('sums sessions per half hour across partitions', () => {
    const p0 = aggregate([
      click({ userId: 'a', timestamp: at(10, 0) }),
      click({ userId: 'b', timestamp: at(10, 5) }),
      click({ userId: 'a', timestamp: at(10, 10) }),
    ]);
    const p1 = aggregate([click({ userId: 'c', timestamp: at(10, 20) }), click({ userId: 'c', timestamp: at(10, 40) })]);
    const d = mergePartials([p0.snapshot(), p1.snapshot()]);
    expect(d.sessionsStarted.slice(-2)).toEqual([
      { bucket: at(10, 0), sessions: 3 },
      { bucket: at(10, 30), sessions: 0 },
    ]);
    expect(d.sessions).toMatchObject({ count: 3, pagesPerSession: 5 / 3, bounceRate: 1 / 3, medianDurationMs: 600_000 });
  });

  it('ranks the top 10 products and all categories over the hour, ties by name, newest title', () => {
    const clicks = [
      ...Array.from({ length: 12 }, (_, i) =>
        click({ productId: `p${String(i).padStart(2, '0')}`, category: i < 6 ? 'games' : 'books', timestamp: at(10, 0) }),
      ),
      click({ productId: 'p05', timestamp: at(9, 30), title: 'Old title' }),
      click({ productId: 'p05', timestamp: at(10, 1), title: 'New title' }),
      click({ productId: 'p09', timestamp: at(9, 5) }), // out of the hour as of 10:05
      click({ productId: 'zz', category: 'tools', timestamp: at(10, 5) }),
    ];
    const d = mergePartials([
      aggregate(
        clicks.filter((_, i) => i % 2 === 0),
        LENIENT,
      ).snapshot(),
      aggregate(
        clicks.filter((_, i) => i % 2 === 1),
        LENIENT,
      ).snapshot(),
    ]);
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
    const partitions = [0, 1, 2, 3].map((p) =>
      aggregate(
        clicks.filter((c) => partitionOf(c.userId) === p),
        LENIENT,
      ).snapshot(),
    );
    const whole = mergePartials([aggregate(clicks, LENIENT).snapshot()]);
    expect(whole.sessions.count).toBeGreaterThan(0);
    expect(mergePartials(partitions)).toEqual(whole);
  });
});
