/**
 * The dashboard a naive reference computes from the clicks on the clicks topic and the generator's
 * own truth (device per user agent, category per product), not from the aggregation's code.
 * Every click is on time here: the tests send them in order.
 */
import { expect } from 'vitest';
import { USER_AGENTS } from '../../scripts/datagen/user-agents';
import type { DashboardAggregates } from '../../lib/redis-keys';
import type { ClickEvent, Product } from '../../lib/schema';

const deviceOfAgent = new Map(USER_AGENTS.map((ua) => [ua.text, ua.device]));
export const deviceOfClick = (c: Pick<ClickEvent, 'userAgent'>) => deviceOfAgent.get(c.userAgent) ?? 'Other';

const MINUTE = 60_000;
const HALF_HOUR = 30 * MINUTE;

export function expectedDashboard(clicks: ClickEvent[], products: Product[]) {
  const productById = new Map(products.map((p) => [p.id, p]));
  const asOf = Math.max(...clicks.map((c) => c.timestamp));
  const minute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
  const human = clicks.filter((c) => deviceOfClick(c) !== 'Bot');
  const inLast = (cs: ClickEvent[], minutes: number) => cs.filter((c) => minute(c.timestamp) > minute(asOf) - minutes * MINUTE);
  const count = <K>(items: K[]) => {
    const m = new Map<K, number>();
    for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const byCountThenName = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const category = (c: ClickEvent) => productById.get(c.productId)?.category ?? 'Unknown';

  // Each visitor's page views in time order, cut where 30 minutes or more pass without one.
  const byVisitor = new Map<string, ClickEvent[]>();
  for (const c of human) byVisitor.set(c.userId, [...(byVisitor.get(c.userId) ?? []), c]);
  const sessions = [...byVisitor.values()].flatMap((views) => {
    const sorted = [...views].sort((a, b) => a.timestamp - b.timestamp);
    const runs: ClickEvent[][] = [];
    for (const v of sorted) {
      const run = runs.at(-1);
      if (run && v.timestamp - run.at(-1)!.timestamp < HALF_HOUR) run.push(v);
      else runs.push([v]);
    }
    return runs;
  });
  const newest = [...byVisitor.values()].map((views) => views.reduce((a, b) => (b.timestamp >= a.timestamp ? b : a)));
  const active = newest.filter((c) => minute(c.timestamp) > minute(asOf) - 5 * MINUTE);

  return {
    asOf,
    views: Object.fromEntries(count(inLast(human, 30).map((c) => minute(c.timestamp)))),
    bots: inLast(clicks, 30).length - inLast(human, 30).length,
    sessionsStarted: Object.fromEntries(count(sessions.map((s) => Math.floor(s[0]!.timestamp / HALF_HOUR) * HALF_HOUR))),
    sessions: { count: sessions.length, bounces: sessions.filter((s) => s.length === 1).length, pageViews: human.length },
    activeVisitors: active.length,
    devices: Object.fromEntries(count(active.map(deviceOfClick))),
    topProducts: [...count(inLast(human, 60).map((c) => c.productId))].sort(byCountThenName).slice(0, 10),
    categories: [...count(inLast(human, 60).map(category))].sort(byCountThenName),
  };
}

/** Page views and bot clicks in the page-view window: every click of a test that sends them all within it. */
export const clicksInWindow = (d: DashboardAggregates | undefined) => (d ? d.pageViewsPerMinute.reduce((n, p) => n + p.views, 0) + d.bots.count : 0);

/** Every figure the reference computes, equal. */
export function expectDashboardToMatch(dashboard: DashboardAggregates, want: ReturnType<typeof expectedDashboard>): void {
  expect(dashboard.asOf).toBe(want.asOf);
  expect(Object.fromEntries(dashboard.pageViewsPerMinute.filter((p) => p.views > 0).map((p) => [p.minute, p.views]))).toEqual(want.views);
  expect(dashboard.pageViewsPerMinute).toHaveLength(30);
  expect(dashboard.bots.count).toBe(want.bots);
  expect(Object.fromEntries(dashboard.sessionsStarted.filter((s) => s.sessions > 0).map((s) => [s.bucket, s.sessions]))).toEqual(want.sessionsStarted);
  expect(dashboard.sessions.count).toBe(want.sessions.count);
  expect(dashboard.sessions.bounceRate).toBeCloseTo(want.sessions.bounces / want.sessions.count, 9);
  expect(dashboard.sessions.pagesPerSession).toBeCloseTo(want.sessions.pageViews / want.sessions.count, 9);
  expect(dashboard.activeVisitors).toBe(want.activeVisitors);
  expect(Object.fromEntries(Object.entries(dashboard.devices.counts).filter(([, n]) => n > 0))).toEqual(want.devices);
  expect(dashboard.topProducts.map((p) => [p.productId, p.count])).toEqual(want.topProducts);
  expect(dashboard.categories.map((c) => [c.category, c.count])).toEqual(want.categories);
  expect(dashboard.lateEvents.count).toBe(0);
}
