/**
 * The dashboard's figures as its audiences see them: no IP address (the country stays), no birth
 * date and no user agent (the device type stays). Visitor ids are cut to their first 8
 * characters for the public; the operator gets them whole, to open a visitor's page. The full
 * records stay inside the pipeline; `/api/aggregates` and the dashboard stream only these.
 */
import type { TransitionLogEntry } from '../../../../lib/offers/visitor-offers';
import type { DashboardAggregates } from '../../../../lib/redis-keys';
import type { EnrichedClick } from '../../../../lib/schema';
import type { OfferFunnel } from '../../../../lib/offers/funnel';
import type { Audience, DashboardFeed, PublicAggregates, PublicClick, StoredFeed } from '../feed-types';

/** A visitor id as anyone but its visitor and the operator sees it: its first 8 characters. */
const shortVisitorId = (userId: string) => userId.slice(0, 8);

export const audienceOf = (operator: boolean): Audience => (operator ? 'operator' : 'public');

const visitorIdFor = (audience: Audience, userId: string) => (audience === 'operator' ? userId : shortVisitorId(userId));

export function feedClick(click: EnrichedClick, audience: Audience): PublicClick {
  // Field by field rather than a rest spread: a field added to EnrichedClick later is not shown until listed here.
  return {
    clickId: click.clickId,
    userId: visitorIdFor(audience, click.userId),
    productId: click.productId,
    timestamp: click.timestamp,
    ...(click.originalTimestamp !== undefined ? { originalTimestamp: click.originalTimestamp } : {}),
    source: click.source,
    category: click.category,
    title: click.title,
    gender: click.gender,
    age: click.age,
    country: click.country,
    deviceType: click.deviceType,
  };
}

export function feedAggregates(a: DashboardAggregates, audience: Audience): PublicAggregates {
  return {
    ...a,
    latestVisitors: a.latestVisitors.map((v) => ({ userId: visitorIdFor(audience, v.userId), timestamp: v.timestamp, country: v.country })),
    rawClicks: a.rawClicks.map((c) => feedClick(c, audience)),
  };
}

export function feedTransition<T extends TransitionLogEntry>(entry: T, audience: Audience): T {
  const shown = visitorIdFor(audience, entry.userId);
  return { ...entry, userId: shown, line: entry.line.split(entry.userId).join(shown) };
}

/** The funnel as the audience may see it: near misses name visitors by their short id but for the operator. */
export function feedFunnel(funnel: OfferFunnel, audience: Audience): OfferFunnel {
  const latest = funnel.nearMisses.latest.map((m) => ({ ...m, userId: visitorIdFor(audience, m.userId), clickId: audience === 'operator' ? m.clickId : '' }));
  return { ...funnel, nearMisses: { ...funnel.nearMisses, latest } };
}

export function feedFor(stored: StoredFeed, audience: Audience): DashboardFeed {
  return {
    aggregates: stored.aggregates ? feedAggregates(stored.aggregates, audience) : null,
    stateMachineLog: stored.stateMachineLog.map((e) => feedTransition(e, audience)),
    // The log's name, not where the server keeps it (a replay started from outside the project names a whole path).
    replay: stored.replay && audience === 'public' ? { ...stored.replay, file: stored.replay.file.split(/[\\/]/).at(-1)! } : stored.replay,
  };
}
