import { describe, expect, it } from 'vitest';
import { visitorSessions } from '../../lib/aggregation/visitor-sessions';
import type { DeviceType, EnrichedClick } from '../../lib/schema';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const MIN = 60_000;

function click(clickId: string, at: number, productId: string, deviceType: DeviceType = 'Desktop'): EnrichedClick {
  return {
    clickId,
    userId: 'V1',
    productId,
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0',
    timestamp: at,
    source: 'shop',
    category: 'clothing',
    title: `Title ${productId}`,
    gender: 'F',
    birthDate: null,
    age: 30,
    country: 'FR',
    deviceType,
  };
}

describe("one visitor's sessions", () => {
  // 10:00 P1, 10:10 P2, 10:39:59.999 P3 (gap just under 30 min: same session),
  // 11:09:59.999 P4 (gap of exactly 30 min: a new session), a bot at 11:30, 11:50 P1 (40 min after P4:
  // the bot click in between is no page view and does not join them).
  const clicks = [
    click('f', T0 + 110 * MIN, 'P1'),
    click('e', T0 + 90 * MIN, 'P5', 'Bot'),
    click('d', T0 + 70 * MIN - 1, 'P4', 'Mobile'),
    click('c', T0 + 40 * MIN - 1, 'P3'),
    click('b', T0 + 10 * MIN, 'P2'),
    click('a', T0, 'P1'),
  ];

  it('splits at a gap of 30 minutes, newest first, with entry, exit, pages, duration and bounce', () => {
    expect(visitorSessions(clicks)).toEqual([
      {
        start: T0 + 110 * MIN,
        end: T0 + 110 * MIN,
        durationMs: 0,
        pages: 1,
        entry: { productId: 'P1', title: 'Title P1' },
        exit: { productId: 'P1', title: 'Title P1' },
        bounce: true,
      },
      {
        start: T0 + 70 * MIN - 1,
        end: T0 + 70 * MIN - 1,
        durationMs: 0,
        pages: 1,
        entry: { productId: 'P4', title: 'Title P4' },
        exit: { productId: 'P4', title: 'Title P4' },
        bounce: true,
      },
      {
        start: T0,
        end: T0 + 40 * MIN - 1,
        durationMs: 2_399_999,
        pages: 3,
        entry: { productId: 'P1', title: 'Title P1' },
        exit: { productId: 'P3', title: 'Title P3' },
        bounce: false,
      },
    ]);
  });

  it('gives the same sessions whatever the order of the clicks', () => {
    const shuffled = [clicks[3]!, clicks[0]!, clicks[5]!, clicks[1]!, clicks[4]!, clicks[2]!];
    expect(visitorSessions(shuffled)).toEqual(visitorSessions(clicks));
  });

  it('orders page views of the same time by click id, so entry and exit do not depend on arrival', () => {
    const [session] = visitorSessions([click('y', T0, 'P2'), click('x', T0, 'P1')]);
    expect(session).toMatchObject({ pages: 2, durationMs: 0, entry: { productId: 'P1' }, exit: { productId: 'P2' }, bounce: false });
  });

  it('has no session for a visitor with bot clicks only, or none at all', () => {
    expect(visitorSessions([click('a', T0, 'P1', 'Bot')])).toEqual([]);
    expect(visitorSessions([])).toEqual([]);
  });
});
