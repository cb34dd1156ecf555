/** Reads the live offer funnel: running visitors per step from Temporal's visibility, near misses from Redis. */
import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import {
  funnelSteps,
  NEAR_MISS_WINDOW_MINUTES,
  NEAR_MISSES_LISTED,
  newestNearMisses,
  RUNNING_VISITORS_QUERY,
  visitorsInStateQuery,
  type OfferFunnel,
} from '../lib/offers/funnel';
import type { OfferRules } from '../lib/offers/offer-rules';
import { withinDeadline } from '../lib/deadline';
import { NEAR_MISSES_KEY } from '../lib/redis-keys';

/**
 * How long a read may take. Without it a Temporal that is down costs ~20 s of the client's
 * retries, and Redis its reconnect attempts, before the caller hears of it.
 */
const FUNNEL_READ_DEADLINE_MS = 5_000;
const NO_ANSWER = `no answer within ${FUNNEL_READ_DEADLINE_MS} ms`;

/** `attribute`: the search attribute the visitor workflows keep their state in (config.offers.stateSearchAttribute). */
export async function readOfferFunnel(temporal: Client, redis: Redis, rules: OfferRules, attribute: string): Promise<OfferFunnel> {
  const steps = funnelSteps(rules);
  const queries = [RUNNING_VISITORS_QUERY, ...steps.map(({ state }) => visitorsInStateQuery(attribute, state))];
  const [[running, ...atSteps], nearMisses] = await Promise.all([
    countEach(temporal, queries).catch((err: unknown) => {
      const reason = isGrpcDeadlineError(err) ? NO_ANSWER : reasonOf(err);
      // What a Temporal this project did not start answers: say how to fix it.
      const hint = reason.includes('is not a valid search attribute')
        ? ` (register it: stack/temporal.sh start, or temporal operator search-attribute create --name ${attribute} --type Keyword)`
        : '';
      throw new Error(`Temporal: ${reason}${hint}`, { cause: err });
    }),
    withinDeadline(readNearMisses(redis), FUNNEL_READ_DEADLINE_MS, NO_ANSWER).catch((err: unknown) => {
      throw new Error(`Redis: ${reasonOf(err)}`, { cause: err });
    }),
  ]);
  return {
    rules: rules.name,
    steps: steps.map((step, i) => ({ ...step, visitors: atSteps[i]! })),
    running: running!,
    nearMisses,
  };
}

/** One count per query, side by side: visibility counts by one attribute value at a time (GROUP BY takes only ExecutionStatus). */
function countEach(temporal: Client, queries: string[]): Promise<number[]> {
  return temporal.connection.withDeadline(Date.now() + FUNNEL_READ_DEADLINE_MS, () =>
    Promise.all(queries.map(async (query) => (await temporal.workflow.count(query)).count)),
  );
}

async function readNearMisses(redis: Redis): Promise<OfferFunnel['nearMisses']> {
  const { newestAt, latest } = newestNearMisses(await redis.zrevrange(NEAR_MISSES_KEY, 0, NEAR_MISSES_LISTED - 1, 'WITHSCORES'));
  // Event time, as the replayed clicks carry it: "the last hour" is the hour before the newest near miss.
  const count = newestAt === null ? 0 : await redis.zcount(NEAR_MISSES_KEY, newestAt - NEAR_MISS_WINDOW_MINUTES * 60_000, '+inf');
  return { windowMinutes: NEAR_MISS_WINDOW_MINUTES, count, latest };
}

/** The error's message and its cause's: the Temporal client says "Failed to count workflows" and puts the server's reason in `cause`. */
function reasonOf(err: unknown): string {
  const messages = [err, err instanceof Error ? err.cause : undefined].filter((e): e is Error => e instanceof Error).map((e) => e.message);
  return messages.length > 0 ? messages.join(': ') : String(err);
}
