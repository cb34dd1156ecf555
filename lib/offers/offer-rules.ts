/**
 * The offer rules as data: which clicks move a visitor's state machine where, and which offer the
 * end state sends. `OFFER_RULES` is the built-in default, version 1 of the published rule sets;
 * operators publish others live (README, "Change the offer live"). A visitor workflow carries its
 * rules in its own history, so replays never see a change, and loads a newer version by activity.
 */
import type { Gender } from '../schema';

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

/** The original shop's rule: clothing, then shoes, then other clothing, within 30 minutes. */
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
};
