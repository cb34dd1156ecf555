/**
 * The live offer funnel, read at most once every few seconds for all dashboards together: its
 * visibility queries cost the Temporal server, and many open dashboards must not multiply them.
 */
import { readOfferFunnel } from '$shared/clients/offer-funnel';
import type { OfferFunnel } from '$shared/lib/offers/funnel';
import { currentRules } from './current-rules';
import { config, redisClient, temporalClient } from './services';
import { SharedReads } from './shared-reads';

/** A funnel this young is served as it is. */
const FRESH_MS = 3_000;

const funnels = new SharedReads(
  async (attribute) => {
    const [client, rules] = await Promise.all([
      temporalClient().catch((err: unknown) => {
        throw new Error(`Temporal: ${(err as Error).message}`, { cause: err });
      }),
      currentRules(),
    ]);
    return readOfferFunnel(client, redisClient(), rules, attribute);
  },
  { freshMs: FRESH_MS },
);

/** null when no search attribute is configured (OFFER_STATE_SEARCH_ATTRIBUTE none): there is no funnel to count. */
export function currentFunnel(): Promise<OfferFunnel | null> {
  const attribute = config.offers.stateSearchAttribute;
  return attribute === null ? Promise.resolve(null) : funnels.get(attribute);
}
