import type { Redis } from 'ioredis';
import { VISITOR_CLICKS_LENGTH, VISITOR_CLICKS_TTL_S, visitorClicksKey } from '../../lib/redis-keys';

/**
 * Per key: the number of its clicks in ARGV, then those clicks oldest first; pushed so the newest
 * heads the list, trimmed and given a day to live. One call per batch: a pipeline of three
 * commands per visitor cost the aggregation more than all its counting (35 µs of CPU per click in
 * ioredis, `make bench` 2026-12-02).
 */
const PUSH_SCRIPT = `
local at = 1
for _, key in ipairs(KEYS) do
  local count = tonumber(ARGV[at])
  redis.call('LPUSH', key, unpack(ARGV, at + 1, at + count))
  redis.call('LTRIM', key, 0, ${VISITOR_CLICKS_LENGTH - 1})
  redis.call('EXPIRE', key, ${VISITOR_CLICKS_TTL_S})
  at = at + count + 1
end
return #KEYS`;

/**
 * Writes a batch's clicks to each visitor's latest-clicks list, for the operator's visitor page,
 * before the batch commits. So every committed click is there at least once; a batch processed
 * again after a crash pushes its clicks again, and readers drop repeated click ids. A failure
 * fails the batch, which is then processed again.
 *
 * @param clicks the batch's valid clicks in offset order, each with its JSON as read
 */
export async function writeVisitorClicks(redis: Redis, clicks: readonly { userId: string; json: string }[]): Promise<void> {
  if (clicks.length === 0) return;
  const byVisitor = new Map<string, string[]>();
  for (const { userId, json } of clicks) {
    const mine = byVisitor.get(userId);
    if (mine) mine.push(json);
    else byVisitor.set(userId, [json]);
  }
  const keys: string[] = [];
  const args: (string | number)[] = [];
  for (const [userId, jsons] of byVisitor) {
    const kept = jsons.slice(-VISITOR_CLICKS_LENGTH);
    keys.push(visitorClicksKey(userId));
    args.push(kept.length, ...kept);
  }
  await redis.eval(PUSH_SCRIPT, keys.length, ...keys, ...args);
}
