/**
 * The dashboard a naive reference computes from the clicks on the clicks topic and the generator's
 * own truth (device per user agent, category per product), not from the aggregation's code.
 */
import { USER_AGENTS } from '../../lib/datagen/userAgents';
import type { ClickEvent, Product } from '../../lib/schema';

const deviceOfAgent = new Map(USER_AGENTS.map((ua) => [ua.text, ua.device]));

export function expectedDashboard(clicks: ClickEvent[], products: Product[]) {
  const productById = new Map(products.map((p) => [p.id, p]));
  const asOf = Math.max(...clicks.map((c) => c.timestamp));
  const minute = (t: number) => Math.floor(t / 60_000) * 60_000;
  const inLast = (minutes: number) => clicks.filter((c) => minute(c.timestamp) > minute(asOf) - minutes * 60_000);
  const count = <K>(items: K[]) => {
    const m = new Map<K, number>();
    for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const byCountThenName = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const device = (c: ClickEvent) => deviceOfAgent.get(c.userAgent) ?? 'Other';
  const category = (c: ClickEvent) => productById.get(c.productId)?.category ?? 'Unknown';
  const sessionBucket = (t: number) => Math.floor(t / 1_800_000) * 1_800_000;
  const sessions = new Map<number, Set<string>>();
  for (const c of clicks) sessions.set(sessionBucket(c.timestamp), (sessions.get(sessionBucket(c.timestamp)) ?? new Set()).add(c.userId));
  return {
    asOf,
    visits: Object.fromEntries(count(inLast(15).map((c) => minute(c.timestamp)))),
    sessions: Object.fromEntries([...sessions].map(([b, users]) => [b, users.size])),
    devices: { total: inLast(10).length, counts: Object.fromEntries(count(inLast(10).map(device))) },
    topProducts: [...count(inLast(60).map((c) => c.productId))].sort(byCountThenName).slice(0, 10),
    categories: [...count(inLast(60).map(category))].sort(byCountThenName),
  };
}
