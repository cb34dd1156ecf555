/**
 * The offer rules as data: which clicks move a visitor's state machine where, and which offer the
 * end state sends. `OFFER_RULES` is the built-in default, version 1 of the published rule sets;
 * operators publish others live (docs/offers.md, "Change the offer live"). A visitor workflow carries its
 * rules in its own history, so replays never see a change, and loads a newer version by activity.
 */
import type { Category, Gender } from '../schema';

/** Whose clicks may start a sequence: a gender and an inclusive age range. */
export interface Demographic {
  gender: Gender;
  minAge: number;
  maxAge: number;
}

/** Whether a visitor fits the transition's demographics: anyone does when it names none. */
export function fitsDemographics(demographics: Demographic[] | undefined, { gender, age }: { gender: Gender | 'U'; age: number | null }): boolean {
  return !demographics || demographics.some((d) => d.gender === gender && age !== null && age >= d.minAge && age <= d.maxAge);
}

/** How a click's product must relate to an earlier step's product (the first click's unless `productStep` names another). */
export type ProductCondition = 'same-as-first' | 'different-from-first';

export interface Transition {
  from: string;
  to: string;
  /** The clicked product's category. */
  category: string;
  /** Absent: any product. */
  product?: ProductCondition;
  /** The step `product` compares with: the state whose entering click's product counts. Absent: the sequence's first click. */
  productStep?: string;
  /** Absent: anyone. Who may take this step, judged on the click's own gender and age. */
  demographics?: Demographic[];
  /** The click must come within this many minutes of the previous step's click (event time). Absent: any time within the sequence's window. */
  withinMinutes?: number;
}

/** Negation: a click of `category` while the visitor stands in `from` ends the sequence ("without viewing books in between"). */
export interface Reset {
  from: string;
  category: string;
}

/**
 * Absence: standing in `from` for `minutes` (event time) without a click that takes a transition
 * or of `category` (absent: any click) moves the visitor to `to`, as if a click had. The visitor
 * workflow keeps a durable timer for it.
 */
export interface Absence {
  from: string;
  to: string;
  minutes: number;
  category?: string;
}

/**
 * What an offer gives, as data in its rule set: the shop's words for it (the dialog, the banner,
 * "Why this offer?", the basket's discount line, the uplift panel) are all derived from this one
 * definition (offer-copy.ts), and the basket applies exactly it (lib/shop/basket.ts).
 */
export interface OfferDefinition {
  /** A short name the shopper sees above what the offer gives, e.g. "A thank-you for browsing". States no amount: the words derived from the rest do. */
  title: string;
  /** A sentence or two below it. States no amount either. */
  copy: string;
  /** Taken off the price of each product of `categories`, in whole percent. */
  discountPercent: number;
  /** The categories whose products the discount applies to, and only those. */
  categories: Category[];
}

export interface OfferRules {
  /** Named in offers' reasons and the query, so one can tell which rules sent an offer. */
  name: string;
  initialState: string;
  /** Reaching it sends the visitor's offer and starts over in the initial state. */
  offerState: string;
  /** A sequence must reach the offer within this many minutes of its first click (event time), the end included. */
  windowMinutes: number;
  /** The first transition that matches a click wins. */
  transitions: Transition[];
  /** The offer id per gender (of the click that completes the sequence); a gender without one, or unknown, gets no offer. */
  offerByGender: Partial<Record<Gender, string>>;
  /**
   * Each offer id of `offerByGender` and what it gives. Absent in rule sets published before
   * offers were data: those read the built-in definitions (`offerDefinition`).
   */
  offers?: Record<string, OfferDefinition>;
  /** A click that fits no transition: `reset` starts over (the original's rule, the default), `ignore` leaves the sequence as it stands. */
  otherClicks?: 'reset' | 'ignore';
  resets?: Reset[];
  absences?: Absence[];
  /** After an offer, sequences that complete within this many minutes (event time) send none. */
  cooldownMinutes?: number;
  /** At most this many offers per visitor per UTC day (event time). */
  maxOffersPerDay?: number;
  /**
   * Percent of visitors (fixed per visitor, lib/offers/holdout.ts) who qualify but get no offer:
   * the control group the offer's uplift is measured against. Absent: 0.
   */
  holdoutPercent?: number;
}

/**
 * The original shop's rule: clothing, then shoes, then other clothing, within 30 minutes; its
 * offers were pictures, `offer1` for men and `offer2` for women. Here they say what they give, and
 * the basket gives exactly that: a discount on all clothing and shoes, whoever the item is for.
 */
export const OFFER_RULES: OfferRules = {
  name: 'clothes-shoes-clothes',
  initialState: 'init',
  offerState: 'offer',
  windowMinutes: 30,
  transitions: [
    {
      from: 'init',
      to: 'clothes_visited',
      category: 'clothing',
      demographics: [
        { gender: 'M', minAge: 35, maxAge: 45 },
        { gender: 'F', minAge: 25, maxAge: 35 },
      ],
    },
    { from: 'clothes_visited', to: 'shoes_visited', category: 'shoes' },
    { from: 'clothes_visited', to: 'clothes_visited', category: 'clothing' },
    { from: 'shoes_visited', to: 'offer', category: 'clothing', product: 'different-from-first' },
    { from: 'shoes_visited', to: 'clothes_visited', category: 'clothing', product: 'same-as-first' },
  ],
  offerByGender: { M: 'offer1', F: 'offer2' },
  offers: {
    offer1: {
      title: 'For your wardrobe',
      copy: 'Take it on any clothing and shoes in the shop until your next purchase.',
      discountPercent: 20,
      categories: ['clothing', 'shoes'],
    },
    offer2: {
      title: 'For your wardrobe',
      copy: 'Take it on any clothing and shoes in the shop until your next purchase.',
      discountPercent: 25,
      categories: ['clothing', 'shoes'],
    },
  },
};

/**
 * What `offerId` gives under `rules`: their own definition, else (a rule set published before
 * offers were data, which names `offer1` or `offer2`) the built-in one; null when neither has it,
 * which only such an old rule set can name (rule-validation.ts refuses it in a new one).
 */
export function offerDefinition(rules: Pick<OfferRules, 'offers'>, offerId: string): OfferDefinition | null {
  const own = rules.offers && Object.hasOwn(rules.offers, offerId) ? rules.offers[offerId] : undefined;
  const builtIn = Object.hasOwn(OFFER_RULES.offers!, offerId) ? OFFER_RULES.offers![offerId] : undefined;
  return own ?? builtIn ?? null;
}
