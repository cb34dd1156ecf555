/**
 * The uplift figures, read from Redis at most once every couple of seconds for all dashboards
 * together: many open dashboards cost one read.
 */
import { readOfferUplift } from '$shared/clients/offer-uplift';
import type { OfferUplift } from '$shared/lib/offers/uplift';
import { redisClient } from './services';

const FRESH_MS = 2_000;

let latest: { at: number; rows: Promise<OfferUplift[]> } | null = null;

export function currentUplift(): Promise<OfferUplift[]> {
  if (!latest || Date.now() - latest.at >= FRESH_MS) {
    const rows = readOfferUplift(redisClient());
    latest = { at: Date.now(), rows };
    // A failed read is not kept: the next caller asks again.
    rows.catch(() => {
      if (latest?.rows === rows) latest = null;
    });
  }
  return latest.rows;
}
