/** Reads the uplift counters the visitor workflows write (lib/redis-keys.ts, `UPLIFT_OFFERS_KEY`). */
import type { Redis } from 'ioredis';
import { OUTCOME_STAGES, type OfferGroup } from '../lib/offers/offer-outcomes';
import { noCounts, offerUplift, type OfferCounts, type OfferUplift } from '../lib/offers/uplift';
import { UPLIFT_OFFERS_KEY, upliftVisitorsKey } from '../lib/redis-keys';

/** Rule sets × offers shown: far more than a shop runs at once. */
export const MAX_UPLIFT_ROWS = 50;
const GROUPS: OfferGroup[] = ['offered', 'holdout'];

/** `[rules, offerId]` from an index member, or null for one this version cannot read. */
export function parseUpliftOffer(member: string): [rules: string, offerId: string] | null {
  try {
    const v = JSON.parse(member) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : null;
  } catch {
    return null;
  }
}

/** Every offer's figures, by rule set then offer id. */
export async function readOfferUplift(redis: Redis): Promise<OfferUplift[]> {
  const offers = (await redis.smembers(UPLIFT_OFFERS_KEY))
    .map(parseUpliftOffer)
    .filter((o) => o !== null)
    .sort(([r1, o1], [r2, o2]) => r1.localeCompare(r2) || o1.localeCompare(o2))
    .slice(0, MAX_UPLIFT_ROWS);
  const pipeline = redis.pipeline();
  for (const [rules, offerId] of offers) {
    for (const group of GROUPS) for (const stage of OUTCOME_STAGES) pipeline.scard(upliftVisitorsKey({ rules, offerId, group, stage }));
  }
  const replies = (await pipeline.exec()) ?? [];
  let i = 0;
  return offers.map(([rules, offerId]) => {
    const counts: OfferCounts['counts'] = noCounts();
    for (const group of GROUPS) {
      for (const stage of OUTCOME_STAGES) {
        const [err, n] = replies[i++] ?? [null, 0];
        if (err) throw err;
        counts[group][stage] = Number(n);
      }
    }
    return offerUplift({ rules, offerId, counts });
  });
}
