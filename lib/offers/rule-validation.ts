/**
 * Turns an operator's untrusted JSON (`PUT /api/rules`) into `OfferRules`, or names the first
 * problem in words the API can answer 400 with. Beyond the shapes, it refuses rules the state
 * machine would run differently than they read: a product condition before there is a first
 * product or against a step no click enters, a time limit on the first step or past the window,
 * steps, resets or absences out of the initial or offer state, states neither a click nor an
 * absence reaches, and an offer without a definition (what it gives: offer-rules.ts).
 */
import { CATEGORIES, type Category, type Gender, type Parsed } from '../schema';
import {
  offerDefinition,
  type Absence,
  type Demographic,
  type OfferDefinition,
  type OfferRules,
  type ProductCondition,
  type Reset,
  type Transition,
} from './offer-rules';

export const MAX_NAME_LENGTH = 80;
export const MAX_OFFER_ID_LENGTH = 40;
export const MAX_TRANSITIONS = 100;
export const WINDOW_MINUTES_BOUNDS = { min: 1, max: 24 * 60 } as const;
export const AGE_BOUNDS = { min: 0, max: 120 } as const;
/** Up to 30 days. */
export const COOLDOWN_MINUTES_BOUNDS = { min: 1, max: 30 * 24 * 60 } as const;
export const OFFERS_PER_DAY_BOUNDS = { min: 1, max: 100 } as const;
/** Above half, the visitors who get the offer would be the control group. */
export const HOLDOUT_PERCENT_BOUNDS = { min: 0, max: 50 } as const;
/** Offer definitions in one rule set: one per gender would do, a few more while an operator drafts. */
export const MAX_OFFERS = 10;
/** Above this an offer gives the product away. */
export const DISCOUNT_PERCENT_BOUNDS = { min: 1, max: 90 } as const;
export const MAX_OFFER_TITLE_LENGTH = 60;
export const MAX_OFFER_COPY_LENGTH = 200;
/**
 * A rule set's size as compact JSON. Every version is kept (32 to an archive page, one page a
 * workflow input): at this size a page stays far below Temporal's 2 MB payload limit.
 */
export const MAX_RULE_SET_BYTES = 16 * 1024;

const NAME_CHARS = /^[\p{L}\p{N}_\- ]+$/u;
const OFFER_ID_CHARS = /^[A-Za-z0-9_-]+$/;
const GENDERS: readonly Gender[] = ['M', 'F'];
const PRODUCT_CONDITIONS: readonly ProductCondition[] = ['same-as-first', 'different-from-first'];
const OTHER_CLICKS: readonly NonNullable<OfferRules['otherClicks']>[] = ['reset', 'ignore'];

/**
 * `required` (the default: the API, the editor, the rule-sets workflow's update validator): every
 * offer `offerByGender` names must be defined, by the set itself or, for `offer1` and `offer2`, by
 * the built-in rules, whose definitions are then written into the set so that every new version
 * carries what its offers give; a definition no gender gets is refused. `as-stored`: the set as
 * the rule-sets workflow's update handler stores it, after its validator passed it with
 * `required`; it replays publications made before offers were data, which named offers without
 * definitions, exactly as they were.
 */
export type OfferDefinitions = 'required' | 'as-stored';

/** Validates rules published as JSON; the reason names where the first problem is. */
export function parseOfferRules(input: unknown, definitions: OfferDefinitions = 'required'): Parsed<OfferRules> {
  try {
    const value = rules(input, definitions);
    const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
    if (bytes > MAX_RULE_SET_BYTES) fail('', `at most ${MAX_RULE_SET_BYTES} bytes as compact JSON, got ${bytes}`);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Carries the first problem out of the nested checks; nothing else is caught. */
class Invalid extends Error {}

function fail(where: string, problem: string): never {
  throw new Invalid(`${where || 'rules'}: ${problem}`);
}

const at = (where: string, key: string): string => (where ? `${where}.${key}` : key);

/** A value as a reason quotes it: short values as they are, anything else by its kind. */
function show(v: unknown): string {
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * A plain object holding all of `required`, and no field but those and `optional`. Own keys are
 * what JSON.parse makes of `"__proto__"`, so that one is refused like any other unknown field.
 * None of the known names exists on Object.prototype, so reading a field never reaches it.
 */
function object(v: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object, got ${show(v)}`);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) fail(where, 'expected a plain JSON object');
  const known = [...required, ...optional];
  const unknown = Object.keys(v).filter((k) => !known.includes(k));
  if (unknown.length > 0) fail(where, `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')} (known: ${known.join(', ')})`);
  const o = v as Record<string, unknown>;
  for (const k of required) if (o[k] === undefined) fail(at(where, k), 'missing');
  return o;
}

/** The rules' name or a state's: short, readable, safe to show anywhere. */
function name(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(where, `must be a non-empty string, got ${show(v)}`);
  if (v.length > MAX_NAME_LENGTH) fail(where, `longer than ${MAX_NAME_LENGTH} characters`);
  if (!NAME_CHARS.test(v)) fail(where, `${show(v)} may hold only letters, digits, "-", "_" and spaces`);
  if (v.trim() !== v) fail(where, `${show(v)} must not start or end with a space`);
  return v;
}

function whole(v: unknown, where: string, { min, max }: { min: number; max: number }): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(where, `must be a whole number from ${min} to ${max}, got ${show(v)}`);
  return v;
}

/** What the checks of one part need of the rest. */
interface Frame {
  initialState: string;
  offerState: string;
  windowMinutes: number;
}

function rules(input: unknown, definitions: OfferDefinitions): OfferRules {
  const o = object(
    input,
    '',
    ['name', 'initialState', 'offerState', 'windowMinutes', 'transitions', 'offerByGender'],
    ['offers', 'otherClicks', 'resets', 'absences', 'cooldownMinutes', 'maxOffersPerDay', 'holdoutPercent'],
  );
  const ruleName = name(o.name, 'name');
  const initialState = name(o.initialState, 'initialState');
  const offerState = name(o.offerState, 'offerState');
  if (offerState === initialState) fail('offerState', `must differ from initialState (both ${show(offerState)})`);
  const frame: Frame = { initialState, offerState, windowMinutes: whole(o.windowMinutes, 'windowMinutes', WINDOW_MINUTES_BOUNDS) };
  const steps = o.transitions;
  if (!Array.isArray(steps)) fail('transitions', `expected an array, got ${show(steps)}`);
  if (steps.length === 0) fail('transitions', 'empty — a rule needs at least one step');
  if (steps.length > MAX_TRANSITIONS) fail('transitions', `${steps.length} steps, at most ${MAX_TRANSITIONS} allowed`);
  const transitions = steps.map((t: unknown, i) => transition(t, `transitions[${i}]`, frame));
  const resets = o.resets === undefined ? undefined : list(o.resets, 'resets').map((r, i) => reset(r, `resets[${i}]`, frame));
  const absences = o.absences === undefined ? undefined : list(o.absences, 'absences').map((a, i) => absence(a, `absences[${i}]`, frame));
  resets?.forEach((r, i) => {
    const j = transitions.findIndex((t) => t.from === r.from && t.category === r.category);
    if (j >= 0) fail(`resets[${i}]`, `the same state and category as transitions[${j}]: the reset would always win, and that step could never be taken`);
  });
  absences?.forEach((a, i) => {
    const j = absences.findIndex((b) => b.from === a.from);
    if (j < i) fail(`absences[${i}].from`, `two absences from one state ${show(a.from)} (absences[${j}] and absences[${i}]): only one can wait there`);
  });
  checkReachable({ transitions, resets: resets ?? [], absences: absences ?? [] }, frame);
  const offerByGender = offers(o.offerByGender);
  const parsed: OfferRules = { name: ruleName, initialState, offerState, windowMinutes: frame.windowMinutes, transitions, offerByGender };
  const defined = o.offers === undefined ? undefined : offerDefinitions(o.offers);
  if (definitions === 'required') parsed.offers = definedOffers(offerByGender, defined ?? {});
  else if (defined) parsed.offers = defined;
  if (o.otherClicks !== undefined) {
    const otherClicks = o.otherClicks;
    if (!OTHER_CLICKS.some((c) => c === otherClicks))
      fail('otherClicks', `must be ${OTHER_CLICKS.map(show).join(' or ')}, or absent for "reset"; got ${show(otherClicks)}`);
    parsed.otherClicks = otherClicks as NonNullable<OfferRules['otherClicks']>;
  }
  if (resets) parsed.resets = resets;
  if (absences) parsed.absences = absences;
  if (o.cooldownMinutes !== undefined) parsed.cooldownMinutes = whole(o.cooldownMinutes, 'cooldownMinutes', COOLDOWN_MINUTES_BOUNDS);
  if (o.maxOffersPerDay !== undefined) parsed.maxOffersPerDay = whole(o.maxOffersPerDay, 'maxOffersPerDay', OFFERS_PER_DAY_BOUNDS);
  if (o.holdoutPercent !== undefined) parsed.holdoutPercent = whole(o.holdoutPercent, 'holdoutPercent', HOLDOUT_PERCENT_BOUNDS);
  return parsed;
}

/** An optional list of resets or absences: an array of at most MAX_TRANSITIONS entries. */
function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, `expected an array, or absent for none; got ${show(v)}`);
  if (v.length > MAX_TRANSITIONS) fail(where, `${v.length} entries, at most ${MAX_TRANSITIONS} allowed`);
  return v;
}

function category(v: unknown, where: string): string {
  if (!CATEGORIES.some((c) => c === v)) fail(where, `unknown category ${show(v)} (one of ${CATEGORIES.join(', ')})`);
  return v as string;
}

/** A time limit in minutes, which the sequence's window bounds: past it the sequence has ended first. */
function minutes(v: unknown, where: string, { windowMinutes }: Frame): number {
  const n = whole(v, where, WINDOW_MINUTES_BOUNDS);
  if (n > windowMinutes) fail(where, `${n} is above windowMinutes ${windowMinutes}: the sequence's window closes first`);
  return n;
}

/** The state a reset or an absence waits in: one a sequence stands in, so neither the initial nor the offer state. */
function waitingState(v: unknown, where: string, { initialState, offerState }: Frame, what: string): string {
  const from = name(v, where);
  if (from === initialState) fail(where, `no ${what} may start from the initial state ${show(initialState)}: no sequence stands there`);
  if (from === offerState) fail(where, `no ${what} may start from the offer state ${show(offerState)}: reaching it sends the offer and starts over`);
  return from;
}

/** Where a step leads: any state but the initial one, to which a sequence returns only by starting over. */
function target(v: unknown, where: string, { initialState }: Frame): string {
  const to = name(v, where);
  if (to === initialState) fail(where, `must not be the initial state ${show(initialState)}: a click that fits no transition starts over there already`);
  return to;
}

function transition(v: unknown, where: string, frame: Frame): Transition {
  const { initialState, offerState } = frame;
  const o = object(v, where, ['from', 'to', 'category'], ['product', 'productStep', 'demographics', 'withinMinutes']);
  const from = name(o.from, `${where}.from`);
  if (from === offerState)
    fail(`${where}.from`, `no transition may start from the offer state ${show(offerState)}: reaching it sends the offer and starts over`);
  const to = target(o.to, `${where}.to`, frame);
  const t: Transition = { from, to, category: category(o.category, `${where}.category`) };
  if (o.product !== undefined) {
    const product = o.product;
    if (!PRODUCT_CONDITIONS.some((p) => p === product))
      fail(`${where}.product`, `must be ${PRODUCT_CONDITIONS.map(show).join(' or ')}, or absent for any product; got ${show(product)}`);
    if (from === initialState)
      fail(`${where}.product`, `not allowed on a transition from the initial state ${show(initialState)}: there is no first product yet`);
    t.product = product as ProductCondition;
  }
  if (o.productStep !== undefined) {
    if (t.product === undefined) fail(`${where}.productStep`, 'only allowed with a product condition: it names the step whose product that compares with');
    // Whether a transition enters it is checked once all are known (checkReachable).
    t.productStep = name(o.productStep, `${where}.productStep`);
  }
  // Checked on the click that takes this step, whichever step it is.
  if (o.demographics !== undefined) t.demographics = demographics(o.demographics, `${where}.demographics`);
  if (o.withinMinutes !== undefined) {
    const within = minutes(o.withinMinutes, `${where}.withinMinutes`, frame);
    if (from === initialState)
      fail(`${where}.withinMinutes`, `not allowed on a transition from the initial state ${show(initialState)}: there is no previous step`);
    t.withinMinutes = within;
  }
  return t;
}

function reset(v: unknown, where: string, frame: Frame): Reset {
  const o = object(v, where, ['from', 'category']);
  return { from: waitingState(o.from, `${where}.from`, frame, 'reset'), category: category(o.category, `${where}.category`) };
}

function absence(v: unknown, where: string, frame: Frame): Absence {
  const o = object(v, where, ['from', 'to', 'minutes'], ['category']);
  const a: Absence = {
    from: waitingState(o.from, `${where}.from`, frame, 'absence'),
    to: target(o.to, `${where}.to`, frame),
    minutes: minutes(o.minutes, `${where}.minutes`, frame),
  };
  if (o.category !== undefined) a.category = category(o.category, `${where}.category`);
  return a;
}

function demographics(v: unknown, where: string): Demographic[] {
  if (!Array.isArray(v) || v.length === 0) fail(where, `must be a non-empty array, or absent for anyone; got ${show(v)}`);
  const list = v.map((d: unknown, i) => demographic(d, `${where}[${i}]`));
  // Ranges are inclusive; overlapping ones would make one of the two say nothing.
  list.forEach((d, i) => {
    const j = list.findIndex((e, k) => k < i && e.gender === d.gender && e.minAge <= d.maxAge && d.minAge <= e.maxAge);
    if (j >= 0) fail(`${where}[${i}]`, `overlapping age ranges with ${where}[${j}] (${range(d)} and ${range(list[j]!)})`);
  });
  return list;
}

const range = (d: Demographic): string => `${d.gender} ${d.minAge} to ${d.maxAge}`;

function demographic(v: unknown, where: string): Demographic {
  const o = object(v, where, ['gender', 'minAge', 'maxAge']);
  const gender = o.gender;
  if (!GENDERS.some((g) => g === gender)) fail(`${where}.gender`, `must be "M" or "F", got ${show(gender)}`);
  const minAge = whole(o.minAge, `${where}.minAge`, AGE_BOUNDS);
  const maxAge = whole(o.maxAge, `${where}.maxAge`, AGE_BOUNDS);
  if (minAge > maxAge) fail(where, `minAge ${minAge} is above maxAge ${maxAge}`);
  return { gender: gender as Gender, minAge, maxAge };
}

/** Reachability over transitions and absences alike (an absence may be the only way into a state, the offer state too). */
function checkReachable({ transitions, resets, absences }: { transitions: Transition[]; resets: Reset[]; absences: Absence[] }, frame: Frame): void {
  const { initialState, offerState } = frame;
  if (!transitions.some((t) => t.from === initialState)) fail('transitions', `none leaves the initial state ${show(initialState)}`);
  // A Set's iteration also visits what is added during it: this is a breadth-first search.
  const reached = new Set([initialState]);
  for (const state of reached) for (const step of [...transitions, ...absences]) if (step.from === state) reached.add(step.to);
  if (!reached.has(offerState)) fail('transitions', `the offer state ${show(offerState)} cannot be reached from the initial state ${show(initialState)}`);
  const unreachable = (state: string, where: string): void => {
    if (!reached.has(state)) fail(where, `state ${show(state)} cannot be reached from the initial state ${show(initialState)}`);
  };
  // A step's `to` is reached whenever its `from` is: the first unreachable state named is a `from`.
  transitions.forEach((t, i) => unreachable(t.from, `transitions[${i}].from`));
  // A state some transition enters is then reachable too.
  transitions.forEach(({ productStep }, i) => {
    if (productStep === undefined) return;
    const where = `transitions[${i}].productStep`;
    if (productStep === initialState) fail(where, `must not be the initial state ${show(initialState)}: no click enters it in a sequence`);
    if (productStep === offerState) fail(where, `must not be the offer state ${show(offerState)}: reaching it ends the sequence`);
    if (!transitions.some((e) => e.to === productStep)) fail(where, `no transition enters state ${show(productStep)}, so no click's product is recorded there`);
  });
  resets.forEach((r, i) => unreachable(r.from, `resets[${i}].from`));
  absences.forEach((a, i) => unreachable(a.from, `absences[${i}].from`));
}

function offers(v: unknown): OfferRules['offerByGender'] {
  const o = object(v, 'offerByGender', [], GENDERS);
  const byGender: OfferRules['offerByGender'] = {};
  for (const g of GENDERS) {
    const id = o[g];
    if (id === undefined) continue;
    if (typeof id !== 'string' || !isOfferId(id)) {
      fail(`offerByGender.${g}`, `must be an offer id of 1 to ${MAX_OFFER_ID_LENGTH} letters, digits, "_" or "-", got ${show(id)}`);
    }
    byGender[g] = id;
  }
  if (Object.keys(byGender).length === 0) fail('offerByGender', 'empty — name an offer for M, F or both');
  return byGender;
}

/** The set's own definitions, each checked; the ids are offer ids. */
function offerDefinitions(v: unknown): Record<string, OfferDefinition> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('offers', `expected an object of offer id to definition, got ${show(v)}`);
  const ids = Object.keys(v);
  if (ids.length > MAX_OFFERS) fail('offers', `${ids.length} offers, at most ${MAX_OFFERS} allowed`);
  // Built by fromEntries, which defines own properties: an id "__proto__" stays an id.
  return Object.fromEntries(
    ids.map((id) => {
      if (!isOfferId(id)) fail(`offers.${id.slice(0, MAX_OFFER_ID_LENGTH)}`, `an offer id is 1 to ${MAX_OFFER_ID_LENGTH} letters, digits, "_" or "-"`);
      return [id, definition((v as Record<string, unknown>)[id], `offers.${id}`)];
    }),
  );
}

/** One offer's definition, as `offers.<id>` or on its own (a taken offer the browser kept). */
export function parseOfferDefinition(v: unknown, where = 'offer'): Parsed<OfferDefinition> {
  try {
    return { ok: true, value: definition(v, where) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

function definition(v: unknown, where: string): OfferDefinition {
  const o = object(v, where, ['title', 'copy', 'discountPercent', 'categories']);
  const discountPercent = whole(o.discountPercent, `${where}.discountPercent`, DISCOUNT_PERCENT_BOUNDS);
  const list = o.categories;
  if (!Array.isArray(list) || list.length === 0) fail(`${where}.categories`, `must name at least one category the discount applies to, got ${show(list)}`);
  const categories = list.map((c: unknown, i) => category(c, `${where}.categories[${i}]`) as Category);
  const twice = categories.find((c, i) => categories.indexOf(c) !== i);
  if (twice) fail(`${where}.categories`, `${show(twice)} named twice`);
  return {
    title: words(o.title, `${where}.title`, MAX_OFFER_TITLE_LENGTH),
    copy: words(o.copy, `${where}.copy`, MAX_OFFER_COPY_LENGTH),
    discountPercent,
    categories,
  };
}

/** An amount in a title or copy could say something other than the discount: the shop states that from the definition. */
const AMOUNT = /[%€$£]|\bper ?cent\b/i;
const CONTROL = /[\p{Cc}\p{Cf}]/u;

function words(v: unknown, where: string, maxLength: number): string {
  if (typeof v !== 'string' || v.trim() === '') fail(where, `must be a non-empty string, got ${show(v)}`);
  if (v.length > maxLength) fail(where, `longer than ${maxLength} characters`);
  if (v.trim() !== v) fail(where, 'must not start or end with a space');
  if (CONTROL.test(v)) fail(where, 'must not hold control or formatting characters');
  if (AMOUNT.test(v))
    fail(where, `must not state an amount (${show(v.match(AMOUNT)![0])}): the shop says what the offer gives from discountPercent and categories`);
  return v;
}

/**
 * Every offer a gender gets, defined: by the set, else by the built-in rules (offer1, offer2),
 * written into the set; and no definition that no gender gets.
 */
function definedOffers(offerByGender: OfferRules['offerByGender'], own: Record<string, OfferDefinition>): Record<string, OfferDefinition> {
  const named = [...new Set(GENDERS.map((g) => offerByGender[g]).filter((id): id is string => id !== undefined))];
  const unused = Object.keys(own).find((id) => !named.includes(id));
  if (unused) fail(`offers.${unused}`, `no gender gets it (offerByGender names ${named.map(show).join(' and ')}): remove it, or name it in offerByGender`);
  const all = new Map<string, OfferDefinition>();
  for (const g of GENDERS) {
    const id = offerByGender[g];
    if (id === undefined || all.has(id)) continue;
    const known = Object.hasOwn(own, id) ? own[id] : offerDefinition({}, id);
    if (!known) fail(`offerByGender.${g}`, `offer ${show(id)} has no definition: add offers.${id} with its title, copy, discountPercent and categories`);
    all.set(id, { ...known, categories: [...known.categories] });
  }
  return Object.fromEntries(all);
}

/** An offer id as a rule set may name it, and a click answering an offer must. */
export const isOfferId = (id: string) => id.length > 0 && id.length <= MAX_OFFER_ID_LENGTH && OFFER_ID_CHARS.test(id);

/** Why a stored rule set cannot be published again as it is (a rollback to it): an offer it names has no definition. Null when every offer is defined. */
export function undefinedOfferReason(rules: OfferRules): string | null {
  const g = GENDERS.find((gender) => rules.offerByGender[gender] !== undefined && !offerDefinition(rules, rules.offerByGender[gender]!));
  return g
    ? `offerByGender.${g}: offer ${show(rules.offerByGender[g])} has no definition in that version: publish its rules again with offers.${rules.offerByGender[g]!} defined`
    : null;
}
