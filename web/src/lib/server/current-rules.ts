/**
 * The offer rules the shop describes to its visitors: the current published rule set, asked of
 * Temporal at most once a second and never waited on for long, so a slow Temporal cannot hold a
 * page; until it answers, the built-in rules the feed also starts with.
 */
import { currentRuleSet } from '$shared/clients/offer-rules';
import { OFFER_RULES, type OfferRules } from '$shared/lib/offers/offer-rules';
import { valueWithin } from '$shared/lib/deadline';
import { config, temporalClient } from './services';

const FRESH_MS = 1_000;
const WAIT_MS = 1_000;

let known: OfferRules = OFFER_RULES;
let askedAt = -Infinity;
let asking: Promise<void> | null = null;

export async function currentRules(): Promise<OfferRules> {
  if (!asking && Date.now() - askedAt >= FRESH_MS) {
    askedAt = Date.now();
    asking = temporalClient()
      .then((client) => currentRuleSet(client, config.temporal))
      .then((set) => {
        if (set) known = set.rules;
      })
      .catch(() => {})
      .finally(() => {
        asking = null;
      });
  }
  if (asking) await valueWithin(asking, WAIT_MS);
  return known;
}
