/**
 * An offer as the shop's offer stream (`GET /api/offers`) sends it to the shopper's page: the
 * message of special-offers with what the offer gives and its rule in words, both from the rule
 * set version that made it, so the dialog, the banner, "Why this offer?" and the basket read one
 * definition.
 */
import { describeOfferRule, type OfferRuleInWords } from '../../../lib/offers/describe-rules';
import { offerDefinition, type OfferDefinition, type OfferRules } from '../../../lib/offers/offer-rules';
import { parseOfferDefinition } from '../../../lib/offers/rule-validation';
import { parseJsonObject, parseOffer, type Offer, type Parsed } from '../../../lib/schema';

export interface ShopOffer {
  offer: Offer;
  definition: OfferDefinition;
  rule: OfferRuleInWords;
}

/** The offer with its definition from `rules` (the version that sent it); null when that version has none, which the shop then does not show. */
export function shopOffer(offer: Offer, rules: OfferRules): ShopOffer | null {
  const definition = offerDefinition(rules, offer.offerId);
  return definition ? { offer, definition, rule: describeOfferRule(rules, offer.offerId) } : null;
}

/** The page's side: one event of the stream, checked as the server's own messages are. */
export function parseShopOffer(text: string): Parsed<ShopOffer> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const { offer, definition, rule } = parsed.value as { offer?: unknown; definition?: unknown; rule?: Partial<OfferRuleInWords> };
  const message = parseOffer(JSON.stringify(offer ?? null));
  if (!message.ok) return { ok: false, reason: `offer: ${message.reason}` };
  const defined = parseOfferDefinition(definition);
  if (!defined.ok) return defined;
  const ruleOk =
    typeof rule?.forWhom === 'string' && Array.isArray(rule.steps) && rule.steps.every((s) => typeof s === 'string') && Number.isInteger(rule.windowMinutes);
  if (!ruleOk) return { ok: false, reason: 'rule: expected {forWhom, steps, windowMinutes}' };
  return { ok: true, value: { offer: message.value, definition: defined.value, rule: rule as OfferRuleInWords } };
}
