/**
 * The offer rules as data: which clicks move a visitor's state machine where, and which offer the
 * end state sends. Change the offer here (README, "Change the offer"): no workflow code changes.
 * New visitor workflows get the rules the detection feed was started with; a running one keeps
 * the rules in its own history, so replays never see an edit.
 */
import type { Gender } from '../schema';

/** Whose clicks may start a sequence: a gender and an inclusive age range. */
export interface Demographic {
  gender: Gender;
  minAge: number;
  maxAge: number;
}

/** How a click's product must relate to the first product of the sequence. */
export type ProductCondition = 'same-as-first' | 'different-from-first';

export interface Transition {
  from: string;
  to: string;
  /** The clicked product's category. */
  category: string;
  /** Absent: any product. */
  product?: ProductCondition;
  /** Absent: anyone. Only meaningful on transitions from the initial state. */
  demographics?: Demographic[];
}

export interface OfferRules {
  /** Named in offers' reasons and the query, so one can tell which rules sent an offer. */
  name: string;
  initialState: string;
  /** Reaching it sends the visitor's offer and starts over in the initial state. */
  offerState: string;
  /** A sequence must reach the offer within this many minutes of its first click (event time). */
  windowMinutes: number;
  /** The first transition that matches a click wins. */
  transitions: Transition[];
  /** The offer id per gender; a gender without one gets no offer. */
  offerByGender: Partial<Record<Gender, string>>;
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
