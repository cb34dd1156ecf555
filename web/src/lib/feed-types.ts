/**
 * The dashboard feed's shapes, shared by the server that cuts and sends it and the page that
 * applies it: the feed as each audience sees it, and the frames its event stream carries.
 */
import type { TransitionLogEntry } from '../../../lib/offers/visitor-offers';
import type { DashboardAggregates } from '../../../lib/redis-keys';
import type { ReplayProgress } from '../../../lib/replay/click-replay';
import type { EnrichedClick } from '../../../lib/schema';

/** Who a feed is for: anyone, or the signed-in operator (`locals.operator`). */
export type Audience = 'public' | 'operator';

export type PublicClick = Omit<EnrichedClick, 'ip' | 'birthDate' | 'userAgent'>;

export interface PublicAggregates extends Omit<DashboardAggregates, 'latestVisitors' | 'rawClicks'> {
  latestVisitors: { userId: string; timestamp: number; country: string }[];
  rawClicks: PublicClick[];
}

/** What the dashboard page receives on its event stream. */
export interface DashboardFeed {
  /** As anyone may see them (short ids, no addresses); null until the aggregation workers wrote their first aggregates. */
  aggregates: PublicAggregates | null;
  /** The offer state machines' latest transitions, newest first. */
  stateMachineLog: (TransitionLogEntry & { id: string })[];
  /** null when no replay workflow runs (or Temporal does not answer). */
  replay: ReplayProgress | null;
}

/** The feed as the hub reads it from Redis and Temporal, before any audience's cut. */
export interface StoredFeed extends Omit<DashboardFeed, 'aggregates'> {
  aggregates: DashboardAggregates | null;
}

type Aggregates = NonNullable<DashboardFeed['aggregates']>;
export type AggregatePart = `aggregates.${keyof Aggregates & string}`;

/** A frame's `data:` JSON: `value` replaces the feed's `part` (`feed`: all of it). */
export type DashboardFrame =
  | { part: 'feed'; value: DashboardFeed }
  | { part: 'aggregates'; value: Aggregates | null }
  | { part: 'stateMachineLog'; value: DashboardFeed['stateMachineLog'] }
  | { part: 'replay'; value: DashboardFeed['replay'] }
  | { part: AggregatePart; value: Aggregates[keyof Aggregates] };
