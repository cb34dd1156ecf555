/** Reads the aggregation's list of one visitor's recent clicks (`visitorClicksKey`). */
import type { Redis } from 'ioredis';
import { newestClickFirst } from '../lib/aggregation/recency';
import { VISITOR_CLICKS_LENGTH, visitorClicksKey } from '../lib/redis-keys';
import { parseEnrichedClick, type EnrichedClick } from '../lib/schema';

/**
 * The list's clicks, newest first by event time. The aggregation writes at least once, so a click
 * may be in it twice (and a batch written again out of order): one copy stays. A malformed entry
 * is skipped rather than fail the page.
 */
export function distinctClicks(entries: readonly string[]): EnrichedClick[] {
  const seen = new Set<string>();
  const clicks: EnrichedClick[] = [];
  for (const entry of entries) {
    const parsed = parseEnrichedClick(entry);
    if (!parsed.ok || seen.has(parsed.value.clickId)) continue;
    seen.add(parsed.value.clickId);
    clicks.push(parsed.value);
  }
  return clicks.sort(newestClickFirst);
}

export async function recentVisitorClicks(redis: Redis, userId: string): Promise<EnrichedClick[]> {
  return distinctClicks(await redis.lrange(visitorClicksKey(userId), 0, VISITOR_CLICKS_LENGTH - 1));
}
