/**
 * The uplift figures, read from Redis at most once every couple of seconds for all dashboards
 * together: many open dashboards cost one read.
 */
import { readOfferUplift } from '$shared/clients/offer-uplift';
import type { OfferUplift } from '$shared/lib/offers/uplift';
import { redisClient } from './services';
import { SharedReads } from './shared-reads';

const FRESH_MS = 2_000;

const uplifts = new SharedReads(() => readOfferUplift(redisClient()), { freshMs: FRESH_MS });

export const currentUplift = (): Promise<OfferUplift[]> => uplifts.get();
