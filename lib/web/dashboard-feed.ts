/** What the dashboard page receives on its event stream, and how its parts are read from Redis. */
import type { TransitionLogEntry } from '../offers/visitor-offers';
import type { PublicAggregates } from './public-feed';
import type { ReplayProgress } from '../replay/click-replay';

export interface DashboardFeed {
  /** As anyone may see them (short ids, no addresses); null until the aggregation workers wrote their first aggregates. */
  aggregates: PublicAggregates | null;
  /** The offer state machines' latest transitions, newest first. */
  stateMachineLog: (TransitionLogEntry & { id: string })[];
  /** null when no replay workflow runs (or Temporal does not answer). */
  replay: ReplayProgress | null;
}

/** Entries shown on the dashboard. */
export const STATE_MACHINE_LOG_SHOWN = 30;

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
