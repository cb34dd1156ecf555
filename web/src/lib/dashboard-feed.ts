/**
 * The dashboard feed's parts: how the server reads the state-machine log from Redis, and how the
 * page applies each frame of its event stream (the server's side: `server/dashboard-frames.ts`).
 */
import type { DashboardFeed, DashboardFrame } from './feed-types';

/** Entries shown on the dashboard. */
export const STATE_MACHINE_LOG_SHOWN = 30;

/** The aggregates are sent a panel a part: `aggregates.<panel>`. */
export const AGGREGATES_PREFIX = 'aggregates.';

/** Reads an XREVRANGE reply (`[id, [field, value, ...]]` per entry) of the state-machine log. */
export function parseStateMachineLog(reply: [string, string[]][]): DashboardFeed['stateMachineLog'] {
  return reply.map(([id, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return {
      id,
      userId: f.userId ?? '',
      state: f.state ?? '',
      productId: f.productId ?? '',
      category: f.category ?? '',
      clickId: f.clickId ?? '',
      timestamp: Number(f.timestamp ?? 0),
      line: f.line ?? '',
      ...(f.heldOut === 'true' ? { heldOut: true } : {}),
    };
  });
}

const EMPTY_FEED: DashboardFeed = { aggregates: null, stateMachineLog: [], replay: null };

/** Figures `aggregates` that are older than those shown (`shown`, their asOf); none (null) are no figures, so never older. */
const older = (aggregates: DashboardFeed['aggregates'], shown: number): boolean => aggregates !== null && aggregates.asOf < shown;

/**
 * The page's side: the feed after one frame (a new object; parts it does not know are ignored).
 * Figures older than those shown (by `asOf`, their newest click) are never painted over them:
 * a stream may open with a feed saved before the page's own first paint was read.
 */
export function applyDashboardFrame(feed: DashboardFeed | null, frame: DashboardFrame): DashboardFeed {
  const base = feed ?? EMPTY_FEED;
  const shown = base.aggregates?.asOf ?? 0;
  switch (frame.part) {
    case 'feed':
      return older(frame.value.aggregates, shown) ? base : frame.value;
    case 'aggregates':
      return older(frame.value, shown) ? base : { ...base, aggregates: frame.value };
    case 'aggregates.asOf':
      if ((frame.value as number) < shown) return base;
      break;
    case 'stateMachineLog':
      return { ...base, stateMachineLog: frame.value };
    case 'replay':
      return { ...base, replay: frame.value };
  }
  const key = frame.part.startsWith(AGGREGATES_PREFIX) ? frame.part.slice(AGGREGATES_PREFIX.length) : undefined;
  // A panel frame always follows the aggregates it belongs to; without them it has no place.
  if (!key || !base.aggregates) return base;
  return { ...base, aggregates: { ...base.aggregates, [key]: frame.value } };
}
