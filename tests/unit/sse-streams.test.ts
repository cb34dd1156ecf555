import { mergePartials } from '../../lib/aggregation/merge';
import { describe, expect, it } from 'vitest';
import type { DashboardAggregates } from '../../lib/redis-keys';
import { applyDashboardFrame } from '../../web/src/lib/dashboard-feed';
import type { DashboardFeed, DashboardFrame, StoredFeed } from '../../web/src/lib/feed-types';
import { AudienceFrames, DashboardFrames } from '../../web/src/lib/server/dashboard-frames';
import { sseFrame, type SseFrame } from '../../web/src/lib/server/sse';
import { SseOutbox } from '../../web/src/lib/server/sse-outbox';

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);
const frameOf = (bytes: Uint8Array): DashboardFrame => {
  const line = new TextDecoder().decode(bytes);
  expect(line).toMatch(/^data: .*\n\n$/s);
  return JSON.parse(line.slice('data: '.length)) as DashboardFrame;
};

describe('an event stream outbox', () => {
  it('keeps only the newest frame of a key, in the order of their last update', () => {
    const box = new SseOutbox({ maxFrames: 10, maxLagMs: 30_000, maxMissed: 1_000 });
    box.put(sseFrame('a', 1), 0);
    box.put(sseFrame('b', 1), 0);
    box.put(sseFrame('a', 2), 0);
    expect(box.size).toBe(2);
    expect(text(box.take(0))).toBe('data: 1\n\n');
    expect(text(box.take(0))).toBe('data: 2\n\n');
    expect(box.take(0)).toBeUndefined();
  });

  it('refuses a frame of a new key beyond its limit, but still takes a newer one of a waiting key', () => {
    const box = new SseOutbox({ maxFrames: 2, maxLagMs: 30_000, maxMissed: 1_000 });
    expect(box.put(sseFrame('offer-1', 'x'), 0)).toBe(true);
    expect(box.put(sseFrame('offer-2', 'y'), 0)).toBe(true);
    expect(box.put(sseFrame('offer-3', 'z'), 0)).toBe(false);
    expect(box.put(sseFrame('offer-2', 'y2'), 0)).toBe(true);
    expect(box.size).toBe(2);
  });

  it('gives up on a client that missed more than maxMissed frames since it last caught up', () => {
    const box = new SseOutbox({ maxFrames: 10, maxLagMs: 60_000, maxMissed: 3 });
    // A client that keeps up misses nothing, however many frames go through.
    for (let i = 0; i < 100; i++) {
      expect(box.put(sseFrame('a', i), i)).toBe(true);
      expect(box.take(i)).toBeDefined();
    }
    expect(box.put(sseFrame('a', 1), 0)).toBe(true);
    expect(box.put(sseFrame('b', 1), 0)).toBe(true);
    // Three newer frames replace waiting ones: it missed 3, still within the limit.
    for (const key of ['a', 'b', 'a']) expect(box.put(sseFrame(key, 2), 0)).toBe(true);
    // Taking one is not catching up: a still waits, and one more miss is one too many.
    expect(text(box.take(0))).toBe('data: 2\n\n');
    expect(box.size).toBe(1);
    expect(box.put(sseFrame('a', 3), 0)).toBe(false);
    // Catching up (nothing left waiting) forgives what it missed.
    const fresh = new SseOutbox({ maxFrames: 10, maxLagMs: 60_000, maxMissed: 1 });
    fresh.put(sseFrame('a', 1), 0);
    expect(fresh.put(sseFrame('a', 2), 0)).toBe(true);
    fresh.take(0);
    fresh.put(sseFrame('a', 3), 0);
    expect(fresh.put(sseFrame('a', 4), 0)).toBe(true);
    expect(fresh.put(sseFrame('a', 5), 0)).toBe(false);
  });

  it('is stalled once frames waited the lag limit with nothing taken; taking one starts the clock again', () => {
    const box = new SseOutbox({ maxFrames: 10, maxLagMs: 1_000, maxMissed: 1_000 });
    expect(box.stalled(5_000)).toBe(false);
    box.put(sseFrame('a', 1), 0);
    box.put(sseFrame('b', 1), 500);
    expect(box.stalled(999)).toBe(false);
    expect(box.stalled(1_000)).toBe(true);
    box.take(1_200);
    expect(box.stalled(2_100)).toBe(false);
    expect(box.stalled(2_200)).toBe(true);
    box.take(2_300);
    expect(box.stalled(60_000)).toBe(false);
  });
});

function aggregates(n: number): DashboardAggregates {
  return {
    ...mergePartials([]),
    asOf: 1_000 * n,
    pageViewsPerMinute: [{ minute: 0, views: n, partial: true }],
    sessionsStarted: [{ bucket: 0, sessions: 1 }],
    devices: { windowMinutes: 5, total: n, counts: { Desktop: n, Mobile: 0, Tablet: 0, Other: 0 } },
    topProducts: [],
    categories: [{ category: 'shoes', count: n % 3 }],
    latestVisitors: [],
    rawClicks: [],
  };
}

const feedAt = (n: number, aggregatesToo = true): DashboardFeed => ({
  aggregates: aggregatesToo ? aggregates(n) : null,
  stateMachineLog: [],
  replay: null,
});

describe('the dashboard feed in parts', () => {
  it('sends the whole feed first, then only the parts whose JSON changed', () => {
    const frames = new DashboardFrames();
    expect(frames.current()).toBeUndefined();
    const first = frames.update(feedAt(1)).map((f) => frameOf(f.bytes));
    expect(first).toEqual([{ part: 'feed', value: feedAt(1) }]);
    expect(frames.update(feedAt(1))).toEqual([]);
    const next = frames.update(feedAt(2)).map((f) => frameOf(f.bytes));
    expect(next.map((f) => f.part).sort()).toEqual(['aggregates.asOf', 'aggregates.categories', 'aggregates.devices', 'aggregates.pageViewsPerMinute']);
    expect(next.find((f) => f.part === 'aggregates.asOf')?.value).toBe(2_000);
  });

  it('encodes each frame once: every stream gets the same bytes', () => {
    const frames = new DashboardFrames();
    frames.update(feedAt(1));
    expect(frames.current()).toBe(frames.current());
    expect(frameOf(frames.current()!.bytes)).toEqual({ part: 'feed', value: feedAt(1) });
    frames.update(feedAt(2));
    expect(frameOf(frames.current()!.bytes)).toEqual({ part: 'feed', value: feedAt(2) });
  });

  it('sends the aggregates whole when they appear or vanish', () => {
    const frames = new DashboardFrames();
    frames.update(feedAt(1, false));
    expect(frames.update(feedAt(2)).map((f) => frameOf(f.bytes))).toEqual([{ part: 'aggregates', value: aggregates(2) }]);
    expect(frames.update(feedAt(3, false)).map((f) => frameOf(f.bytes))).toEqual([{ part: 'aggregates', value: null }]);
  });

  it('brings a client that read every frame and one that lagged (newest of each part only) to the same, latest feed', () => {
    const frames = new DashboardFrames();
    const lagging = new SseOutbox({ maxFrames: 64, maxLagMs: 60_000, maxMissed: 1_000 });
    let reader: DashboardFeed | null = null;
    let laggard: DashboardFeed | null = null;
    let lastFeed = feedAt(0);
    let sentCount = 0;
    const feeds = [feedAt(1, false), feedAt(2), feedAt(3), feedAt(4, false), feedAt(5), feedAt(6), feedAt(7)];
    for (const [i, feed] of feeds.entries()) {
      const log =
        i % 2 === 0 ? [] : [{ id: `${i}-0`, userId: 'U', state: 's', productId: 'P', category: 'c', clickId: `c${i}`, timestamp: i, line: `line ${i}` }];
      lastFeed = { ...feed, stateMachineLog: log, replay: i > 3 ? ({ rowsSent: i } as unknown as DashboardFeed['replay']) : null };
      const sent: SseFrame[] = frames.update(lastFeed);
      sentCount += sent.length;
      for (const f of sent) {
        reader = applyDashboardFrame(reader, frameOf(f.bytes));
        lagging.put(f, i);
      }
    }
    expect(sentCount).toBeGreaterThan(20);
    expect(lagging.size).toBeLessThan(sentCount / 2);
    for (let bytes = lagging.take(99); bytes; bytes = lagging.take(99)) laggard = applyDashboardFrame(laggard, frameOf(bytes));
    expect(reader).toEqual(lastFeed);
    expect(laggard).toEqual(lastFeed);
  });

  it('never paints older figures over newer ones: a stream that opens with a feed saved before the first paint', () => {
    const firstPaint = feedAt(5);
    expect(applyDashboardFrame(firstPaint, { part: 'feed', value: feedAt(3) })).toBe(firstPaint);
    expect(applyDashboardFrame(firstPaint, { part: 'aggregates', value: aggregates(4) })).toBe(firstPaint);
    expect(applyDashboardFrame(firstPaint, { part: 'aggregates.asOf', value: 4_000 })).toBe(firstPaint);
    expect(applyDashboardFrame(firstPaint, { part: 'feed', value: feedAt(6) })).toEqual(feedAt(6));
    expect(applyDashboardFrame(firstPaint, { part: 'aggregates.asOf', value: 6_000 }).aggregates?.asOf).toBe(6_000);
    // Figures that vanish are no older figures: the page says it waits for them.
    expect(applyDashboardFrame(firstPaint, { part: 'aggregates', value: null }).aggregates).toBeNull();
  });

  it('ignores a panel it has no aggregates for, and parts it does not know', () => {
    const empty: DashboardFeed = { aggregates: null, stateMachineLog: [], replay: null };
    expect(applyDashboardFrame(null, { part: 'aggregates.asOf', value: 5 })).toEqual(empty);
    expect(applyDashboardFrame(feedAt(1), { part: 'later' as 'replay', value: null })).toEqual(feedAt(1));
  });
});

describe('the dashboard feed per audience', () => {
  const VISITOR = '5F2D9C1A-0B3E-4C6D-8E7F-9A0B1C2D3E4F';
  const storedAt = (n: number): StoredFeed => ({
    aggregates: {
      ...aggregates(n),
      latestVisitors: [{ userId: VISITOR, timestamp: n, ip: '203.0.113.9', country: 'FR' }],
      rawClicks: [
        {
          clickId: `c${n}`,
          userId: VISITOR,
          productId: 'P1',
          ip: '203.0.113.9',
          userAgent: 'Mozilla/5.0',
          timestamp: n,
          source: 'shop',
          category: 'shoes',
          title: 'Runner',
          gender: 'M',
          birthDate: null,
          age: 40,
          country: 'FR',
          deviceType: 'Desktop',
        },
      ],
    },
    stateMachineLog: [
      {
        id: `${n}-0`,
        userId: VISITOR,
        state: 'shoes_visited',
        productId: 'P1',
        category: 'shoes',
        clickId: `c${n}`,
        timestamp: n,
        line: `User ${VISITOR} entered state shoes_visited`,
      },
    ],
    replay: null,
  });
  const text = (frames: SseFrame[] | undefined) => (frames ?? []).map((f) => new TextDecoder().decode(f.bytes)).join('');

  it('never carries a whole visitor id to the public, and does to the operator, in the first feed and in later parts', () => {
    const frames = new AudienceFrames();
    for (const n of [1, 2]) {
      const sent = frames.update(storedAt(n), ['public', 'operator']);
      const shown = text(sent.get('public'));
      expect(shown).toContain('5F2D9C1A');
      expect(shown).not.toContain(VISITOR.slice(0, 9));
      expect(text(sent.get('operator'))).toContain(VISITOR);
      for (const audience of ['public', 'operator'] as const) expect(text(sent.get(audience))).not.toContain('203.0.113.9');
    }
    expect(text([frames.current('public')!])).not.toContain(VISITOR.slice(0, 9));
    expect(frameOf(frames.current('operator')!.bytes)).toMatchObject({ part: 'feed', value: { stateMachineLog: [{ userId: VISITOR }] } });
  });

  it('serialises each watched audience once per change, for all its streams, and an unwatched one not at all', () => {
    const frames = new AudienceFrames();
    const first = frames.update(storedAt(1), ['public']);
    expect([...first.keys()]).toEqual(['public']);
    expect(frames.current('operator')).toBeUndefined();
    expect(frames.current('public')).toBe(frames.current('public'));
    expect(frames.update(storedAt(1), ['public']).get('public')).toEqual([]);

    // The operator's first stream starts from the whole feed; the public's only get what changed.
    const next = frames.update(storedAt(2), ['public', 'operator']);
    expect(next.get('operator')!.map((f) => frameOf(f.bytes).part)).toEqual(['feed']);
    expect(next.get('public')!.map((f) => frameOf(f.bytes).part)).not.toContain('feed');

    // Once nobody watches, the operator's frames are dropped: a later stream starts afresh.
    frames.update(storedAt(3), ['public']);
    expect(frames.current('operator')).toBeUndefined();
    expect(
      frames
        .update(storedAt(3), ['operator'])
        .get('operator')!
        .map((f) => frameOf(f.bytes).part),
    ).toEqual(['feed']);
  });

  it('forgets the feed of an audience its last viewer left, so the next viewer never starts from a stale one', () => {
    const frames = new AudienceFrames();
    frames.update(storedAt(1), ['public']);
    frames.forget('public');
    expect(frames.current('public')).toBeUndefined();
    expect(
      frames
        .update(storedAt(9), ['public'])
        .get('public')!
        .map((f) => frameOf(f.bytes)),
    ).toMatchObject([{ part: 'feed', value: { aggregates: { asOf: 9_000 } } }]);
  });
});
