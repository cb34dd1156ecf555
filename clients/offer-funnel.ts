/** Reads the live offer funnel: counts from Temporal's visibility, near misses from Redis. */
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { funnelSteps, NEAR_MISS_WINDOW_MINUTES, NEAR_MISSES_LISTED, visitorsQuery, type OfferFunnel } from '../lib/offers/funnel';
import { parseNearMisses } from '../lib/offers/near-miss';
import type { OfferRules } from '../lib/offers/offer-rules';
import { NEAR_MISSES_KEY } from '../lib/redis-keys';

export async function readOfferFunnel(temporal: Client, redis: Redis, rules: OfferRules, attribute: string): Promise<OfferFunnel> {
  const steps = funnelSteps(rules);
  const [running, counts, latest] = await Promise.all([
    temporal.workflow.count(visitorsQuery()),
    Promise.all(steps.map(({ state }) => temporal.workflow.count(visitorsQuery(attribute, state)))),
    redis.zrevrange(NEAR_MISSES_KEY, 0, NEAR_MISSES_LISTED - 1),
  ]);
  const newest = parseNearMisses(latest);
  const since = (newest[0]?.at ?? 0) - NEAR_MISS_WINDOW_MINUTES * 60_000;
  const count = newest.length === 0 ? 0 : await redis.zcount(NEAR_MISSES_KEY, since, '+inf');
  return {
    rules: rules.name,
    steps: steps.map((s, i) => ({ ...s, visitors: counts[i]!.count })),
    running: running.count,
    nearMisses: { windowMinutes: NEAR_MISS_WINDOW_MINUTES, count, latest: newest },
  };
}
