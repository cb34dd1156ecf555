/**
 * The live offer funnel, read at most once every few seconds for all dashboards together: its
 * visibility queries cost the Temporal server, and many open dashboards must not multiply them.
 */
import { readOfferFunnel } from '$shared/clients/offer-funnel';
import type { OfferFunnel } from '$shared/lib/offers/funnel';
import { currentRules } from './current-rules';
import { config, redisClient, temporalClient } from './services';

const FRESH_MS = 3_000;

let latest: { at: number; funnel: Promise<OfferFunnel | null> } | null = null;

/** null when no search attribute is configured (OFFER_STATE_SEARCH_ATTRIBUTE empty): there is no funnel to count. */
export function currentFunnel(): Promise<OfferFunnel | null> {
  const attribute = config.offers.stateSearchAttribute;
  if (attribute === null) return Promise.resolve(null);
  if (!latest || Date.now() - latest.at >= FRESH_MS) {
    const funnel = Promise.all([temporalClient(), currentRules()]).then(([client, rules]) => readOfferFunnel(client, redisClient(), rules, attribute));
    latest = { at: Date.now(), funnel };
    // A failed read is not kept: the next caller asks again.
    funnel.catch(() => {
      if (latest?.funnel === funnel) latest = null;
    });
  }
  return latest.funnel;
}
