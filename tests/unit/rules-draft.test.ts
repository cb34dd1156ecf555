import { describe, expect, it } from 'vitest';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import { parseOfferRules } from '../../lib/offers/rule-validation';
import { draftOf, newGroup, newOffer, nextOfferId, rulesOfDraft, statesOf } from '../../web/src/lib/rules-draft';

describe("the rules editor's draft", () => {
  it('stands for the live rules unchanged until edited, and edits a copy', () => {
    const draft = draftOf(OFFER_RULES);
    expect(rulesOfDraft(draft)).toEqual(OFFER_RULES);
    draft.transitions[0]!.demographics![0]!.maxAge = 50;
    expect(OFFER_RULES.transitions[0]!.demographics![0]!.maxAge).toBe(45);
  });

  it('leaves out what the form left empty: a cleared number, an empty list, no offer for a gender', () => {
    const draft = draftOf({ ...OFFER_RULES, holdoutPercent: 10, cooldownMinutes: 60, resets: [{ from: 'shoes_visited', category: 'books' }] });
    (draft as unknown as Record<string, unknown>).holdoutPercent = null;
    (draft as unknown as Record<string, unknown>).cooldownMinutes = undefined;
    (draft.transitions[1] as unknown as Record<string, unknown>).withinMinutes = null;
    draft.transitions[1]!.demographics = [];
    draft.resets = [];
    draft.offerByGender.F = undefined;
    const rules = rulesOfDraft(draft);
    expect(rules).not.toHaveProperty('holdoutPercent');
    expect(rules).not.toHaveProperty('cooldownMinutes');
    expect(rules).not.toHaveProperty('resets');
    expect(Object.keys(rules.transitions[1]!)).toEqual(['from', 'to', 'category']);
    expect(rules.offerByGender).toEqual({ M: 'offer1' });
    // What is left is a rule set the server checks as it is; here it names offer2's definition, which no one gets now.
    expect(parseOfferRules(rules)).toEqual({ ok: false, reason: expect.stringContaining('offers.offer2: no gender gets it') });
  });

  it('adds a new offer under a free id, with a definition the server accepts', () => {
    const draft: OfferRules = draftOf(OFFER_RULES);
    const id = nextOfferId(draft.offers);
    expect(id).toBe('offer3');
    draft.offers![id] = newOffer();
    draft.offerByGender.F = id;
    delete draft.offers!.offer2;
    draft.transitions[0]!.demographics!.push({ ...newGroup(), gender: 'M', minAge: 60, maxAge: 70 });
    expect(parseOfferRules(rulesOfDraft(draft)).ok).toBe(true);
  });

  it('lists the states a sequence meets, in order, for the form to offer', () => {
    expect(statesOf(OFFER_RULES)).toEqual(['init', 'clothes_visited', 'shoes_visited', 'offer']);
  });
});
