/**
 * The live offer funnel, read at most once every few seconds for all dashboards together: its
 * visibility queries cost the Temporal server, and many open dashboards must not multiply them.
 */
import { readOfferFunnel } from '$shared/clients/offer-funnel';
import type { OfferFunnel } from '$shared/lib/offers/funnel';
import { currentRules } from './current-rules';
import { config, redisClient, temporalClient } from './services';

/** A funnel this young is served as it is. */
const FRESH_MS = 3_000;

let answered: { at: number; funnel: OfferFunnel } | null = null;
/** The read under way: callers meanwhile wait for it rather than start another, however long it takes. */
let reading: Promise<OfferFunnel> | null = null;

/** null when no search attribute is configured (OFFER_STATE_SEARCH_ATTRIBUTE none): there is no funnel to count. */
export function currentFunnel(): Promise<OfferFunnel | null> {
  const attribute = config.offers.stateSearchAttribute;
  if (attribute === null) return Promise.resolve(null);
  if (answered && Date.now() - answered.at < FRESH_MS) return Promise.resolve(answered.funnel);
  // A failed read is not kept: the next caller asks again.
  reading ??= read(attribute).finally(() => {
    reading = null;
  });
  return reading;
}

async function read(attribute: string): Promise<OfferFunnel> {
  const [client, rules] = await Promise.all([
    temporalClient().catch((err: unknown) => {
      throw new Error(`Temporal: ${(err as Error).message}`, { cause: err });
    }),
    currentRules(),
  ]);
  const funnel = await readOfferFunnel(client, redisClient(), rules, attribute);
  answered = { at: Date.now(), funnel };
  return funnel;
}
