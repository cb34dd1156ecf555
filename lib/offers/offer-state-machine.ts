/**
 * One visitor's offer state machine, driven by `OfferRules` and by the clicks' event time, so a
 * replay or a late batch decides exactly as live clicks would. Plain and deterministic: the
 * visitor workflow carries its state across continue-as-new, and unit tests drive it directly.
 * Time moves with the clicks (`step`) and with the workflow's timer for absences (`advanceTo`).
 */
import type { EnrichedClick, Gender, OfferStep } from '../schema';
import { fitsDemographics, type Absence, type OfferRules, type Transition } from './offer-rules';

/**
 * What the visitor workflow needs of a click; the feed sends only this, to keep histories small.
 * Page views (no `kind`) drive the machine; the rest measure its offers (lib/offers/offer-outcomes.ts).
 */
export type VisitorClick = Pick<EnrichedClick, 'clickId' | 'productId' | 'category' | 'gender' | 'age' | 'timestamp' | 'kind' | 'offerId'>;

/** Clicks a sequence remembers for its offer's `clickIds`; a longer sequence keeps its last ones. */
export const MAX_SEQUENCE_CLICKS = 50;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The clicks since the machine left the initial state. */
export interface Sequence {
  /** Event time of its first click: the window runs from here. */
  startedAt: number;
  firstProductId: string;
  lastProductId: string;
  /** The gender of the click that started it: an absence's offer goes by it in states carried from before `lastGender`. */
  gender: Gender | 'U';
  clickIds: string[];
  /** Event time of the last step's click: a step's `withinMinutes` runs from here. Absent in states carried from before. */
  lastStepAt?: number;
  /** Event time the current state was entered: an absence runs from here. */
  enteredAt?: number;
  /** The category and gender of the last step's click, for an absence's log line and offer. */
  lastCategory?: string;
  lastGender?: Gender | 'U';
  /** The product of the click that first entered each state, for `productStep`. */
  productByState?: Record<string, string>;
  /** The steps taken, oldest first (the last MAX_SEQUENCE_CLICKS): an offer says which led to it. */
  steps?: OfferStep[];
}

export interface MachineState {
  state: string;
  sequence: Sequence | null;
  /** Event times of the offers sent in the last day, for the cooldown and the daily cap. */
  offersAt?: number[];
}

export interface FiredOffer {
  offerId: string;
  clickIds: string[];
  /** Which clicks (or absences) took which steps; absent for a sequence carried from before steps were kept. */
  steps?: OfferStep[];
}

/** Why a completed sequence sent no offer. */
export type Suppression = 'cooldown' | 'daily-cap' | 'no-offer-for-gender';

/** What one click (or a passing absence) did: the states it entered, in order (none for a refresh), and an offer if one fired. */
export interface StepResult {
  entered: string[];
  offer: FiredOffer | null;
  suppressed?: Suppression;
}

/** An absence that passed: the step it took, for the log. */
export interface AbsenceStep {
  absence: Absence;
  /** When it passed (event time). */
  at: number;
  /** The last click of the sequence, which the absence followed. */
  after: Pick<VisitorClick, 'clickId' | 'productId' | 'category'>;
  result: StepResult;
}

export class OfferStateMachine {
  private current: MachineState;

  constructor(
    private readonly rules: OfferRules,
    state?: MachineState,
  ) {
    this.current = state ? copy(state) : { state: rules.initialState, sequence: null };
  }

  get state(): MachineState {
    return copy(this.current);
  }

  /** When the pending absence passes (event time), or null: the workflow's timer waits for it. */
  get absenceDue(): number | null {
    const pending = this.pendingAbsence();
    return pending && pending.due;
  }

  /** Lets event time reach `now`: an absence due by then takes its step. */
  advanceTo(now: number): AbsenceStep | null {
    const pending = this.pendingAbsence();
    if (!pending || pending.due > now) return null;
    const sequence = this.current.sequence!;
    const { absence, due } = pending;
    const after = { clickId: sequence.clickIds.at(-1) ?? '', productId: sequence.lastProductId, category: sequence.lastCategory ?? '' };
    const gender = sequence.lastGender ?? sequence.gender;
    const step: OfferStep = { state: absence.to, at: due, absence: { minutes: absence.minutes, ...(absence.category ? { category: absence.category } : {}) } };
    const steps = [...(sequence.steps ?? []), step].slice(-MAX_SEQUENCE_CLICKS);
    this.current = {
      ...this.current,
      state: absence.to,
      sequence: { ...sequence, enteredAt: due, lastStepAt: due, productByState: { ...sequence.productByState }, steps },
    };
    return { absence, at: due, after, result: { entered: [absence.to], ...this.offerIfReached(absence.to, gender, due) } };
  }

  step(click: VisitorClick): StepResult {
    const { sequence } = this.current;
    // A page refresh: the same product as the last recorded click changes nothing.
    if (sequence && click.productId === sequence.lastProductId) return { entered: [], offer: null };
    const entered: string[] = [];
    // Exactly the window's end is still within it. A click past it ends the sequence and is judged
    // afresh, so it may start the next one: the original dropped it (docs/offers.md).
    if (sequence && click.timestamp - sequence.startedAt > this.rules.windowMinutes * MINUTE) {
      this.reset();
      entered.push(this.rules.initialState);
    }
    const resets = this.rules.resets?.some((r) => r.from === this.current.state && r.category === click.category) ?? false;
    const transition = resets ? undefined : this.rules.transitions.find((t) => this.matches(t, click));
    if (!transition) {
      if (this.current.state !== this.rules.initialState && (resets || this.endsAbsence(click) || this.rules.otherClicks !== 'ignore')) {
        this.reset();
        entered.push(this.rules.initialState);
      }
      return { entered, offer: null };
    }
    this.record(transition, click);
    entered.push(transition.to);
    // The offer goes by the gender of the click that completes the sequence, as the original's does.
    return { entered, ...this.offerIfReached(transition.to, click.gender, click.timestamp) };
  }

  /** Reaching the offer state: the offer for the gender, unless the cooldown or the daily cap holds it back; the machine starts over. */
  private offerIfReached(state: string, gender: Gender | 'U', at: number): Pick<StepResult, 'offer' | 'suppressed'> {
    if (state !== this.rules.offerState) return { offer: null };
    const { clickIds, steps } = this.current.sequence!;
    const offersAt = (this.current.offersAt ?? []).filter((t) => at - t < DAY);
    this.reset();
    // No guess for a visitor who did not say their gender: the original's `else` sent them offer2 (docs/offers.md).
    const offerId = gender === 'U' ? undefined : this.rules.offerByGender[gender];
    const { cooldownMinutes, maxOffersPerDay } = this.rules;
    const sentToday = offersAt.filter((t) => Math.floor(t / DAY) === Math.floor(at / DAY)).length;
    let suppressed: Suppression | undefined;
    if (!offerId) suppressed = 'no-offer-for-gender';
    else if (cooldownMinutes !== undefined && offersAt.some((t) => at - t < cooldownMinutes * MINUTE)) suppressed = 'cooldown';
    else if (maxOffersPerDay !== undefined && sentToday >= maxOffersPerDay) suppressed = 'daily-cap';
    this.current.offersAt = suppressed ? offersAt : [...offersAt, at];
    return suppressed ? { offer: null, suppressed } : { offer: { offerId: offerId!, clickIds, ...(steps ? { steps } : {}) } };
  }

  private pendingAbsence(): { absence: Absence; due: number } | null {
    const { state, sequence } = this.current;
    const absence = this.rules.absences?.find((a) => a.from === state);
    if (!absence || !sequence || sequence.enteredAt === undefined) return null;
    const due = sequence.enteredAt + absence.minutes * MINUTE;
    // Past the sequence's window the next click starts over instead.
    return due - sequence.startedAt <= this.rules.windowMinutes * MINUTE ? { absence, due } : null;
  }

  /** A click of the category an absence in this state waits not to see. */
  private endsAbsence(click: VisitorClick): boolean {
    return this.rules.absences?.some((a) => a.from === this.current.state && (a.category === undefined || a.category === click.category)) ?? false;
  }

  private matches(t: Transition, click: VisitorClick): boolean {
    if (t.from !== this.current.state || t.category !== click.category) return false;
    const { sequence } = this.current;
    if (t.withinMinutes !== undefined && sequence?.lastStepAt !== undefined && click.timestamp - sequence.lastStepAt > t.withinMinutes * MINUTE) return false;
    if (t.product) {
      const earlier = t.productStep === undefined ? sequence?.firstProductId : sequence?.productByState?.[t.productStep];
      if (earlier === undefined) return false;
      if ((t.product === 'same-as-first') !== (click.productId === earlier)) return false;
    }
    return fitsDemographics(t.demographics, click);
  }

  private record(t: Transition, click: VisitorClick): void {
    const sequence = this.current.sequence ?? {
      startedAt: click.timestamp,
      firstProductId: click.productId,
      lastProductId: click.productId,
      gender: click.gender,
      clickIds: [],
    };
    const productByState = { ...sequence.productByState };
    productByState[t.to] ??= click.productId;
    this.current = {
      ...this.current,
      state: t.to,
      sequence: {
        ...sequence,
        lastProductId: click.productId,
        clickIds: [...sequence.clickIds, click.clickId].slice(-MAX_SEQUENCE_CLICKS),
        lastStepAt: click.timestamp,
        enteredAt: click.timestamp,
        lastCategory: click.category,
        lastGender: click.gender,
        productByState,
        steps: [
          ...(sequence.steps ?? []),
          { state: t.to, at: click.timestamp, clickId: click.clickId, productId: click.productId, category: click.category },
        ].slice(-MAX_SEQUENCE_CLICKS),
      },
    };
  }

  private reset(): void {
    this.current = { ...this.current, state: this.rules.initialState, sequence: null };
  }
}

// Not structuredClone: the workflow sandbox does not provide it.
const copy = ({ state, sequence, offersAt }: MachineState): MachineState => ({
  state,
  sequence: sequence && {
    ...sequence,
    clickIds: [...sequence.clickIds],
    ...(sequence.productByState ? { productByState: { ...sequence.productByState } } : {}),
    ...(sequence.steps ? { steps: sequence.steps.map((s) => ({ ...s })) } : {}),
  },
  ...(offersAt ? { offersAt: [...offersAt] } : {}),
});
