/**
 * The rules editor's draft: a rule set as the form edits it, where an optional field left empty
 * is `undefined` or `null` (what a number input bound to it gives) and a list may be empty, and
 * the rule set it stands for, with those left out. Pure: the page and the unit tests share it.
 */
// Relative, not `$shared`: the unit tests import this file outside SvelteKit.
import type { Absence, Demographic, OfferDefinition, OfferRules, Reset, Transition } from '../../../lib/offers/offer-rules';

/** A number field left empty. */
type Blank = undefined | null | '';

const isBlank = (v: unknown): v is Blank => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Keeps the fields of `o` that hold something, in their order. */
function filled<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => !isBlank(v) && !(Array.isArray(v) && v.length === 0))) as T;
}

/** The rule set the draft stands for: empty optional fields and lists left out; nothing else changed, so the server names any problem. */
export function rulesOfDraft(draft: OfferRules): OfferRules {
  const rules = filled({ ...draft });
  rules.transitions = draft.transitions.map((t) => filled({ ...t, demographics: t.demographics?.map((d) => ({ ...d })) }));
  if (draft.resets?.length) rules.resets = draft.resets.map((r) => ({ ...r }));
  if (draft.absences?.length) rules.absences = draft.absences.map((a) => filled({ ...a }));
  rules.offerByGender = filled({ ...draft.offerByGender });
  if (draft.offers) rules.offers = Object.fromEntries(Object.entries(draft.offers).map(([id, d]) => [id, { ...d, categories: [...d.categories] }]));
  return rules;
}

/** A deep copy for the form to edit. */
export const draftOf = (rules: OfferRules): OfferRules => structuredClone(rules);

export const newStep = (from: string, to: string): Transition => ({ from, to, category: 'clothing' });
export const newGroup = (): Demographic => ({ gender: 'F', minAge: 18, maxAge: 99 });
export const newReset = (from: string): Reset => ({ from, category: 'books' });
export const newAbsence = (from: string, to: string): Absence => ({ from, to, minutes: 10 });
export const newOffer = (): OfferDefinition => ({
  title: 'A thank-you for browsing',
  copy: 'Yours until your next purchase.',
  discountPercent: 10,
  categories: ['clothing'],
});

/** An offer id not yet used: offer3, offer4… */
export function nextOfferId(offers: Record<string, unknown> | undefined): string {
  for (let n = 1; ; n++) if (!offers || !Object.hasOwn(offers, `offer${n}`)) return `offer${n}`;
}

/** The states the draft names, in the order a sequence meets them: for the form's choices of where a step starts and leads. */
export function statesOf(draft: OfferRules): string[] {
  return [
    ...new Set([
      draft.initialState,
      ...draft.transitions.flatMap((t) => [t.from, t.to]),
      ...(draft.absences ?? []).flatMap((a) => [a.from, a.to]),
      draft.offerState,
    ]),
  ].filter((s) => typeof s === 'string' && s !== '');
}
