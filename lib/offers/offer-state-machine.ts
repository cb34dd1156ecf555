/**
 * One visitor's offer state machine, driven by `OfferRules` and by the clicks' event time, so a
 * replay or a late batch decides exactly as live clicks would. Plain and deterministic: the
 * visitor workflow carries its state across continue-as-new, and unit tests drive it directly.
 */
import type { EnrichedClick, Gender } from '../schema';
import type { OfferRules, Transition } from './offer-rules';

/** What the machine needs of a click; the feed sends only this, to keep histories small. */
export type VisitorClick = Pick<EnrichedClick, 'clickId' | 'productId' | 'category' | 'gender' | 'age' | 'timestamp'>;

/** Clicks a sequence remembers for its offer's `clickIds`; a longer sequence keeps its last ones. */
export const MAX_SEQUENCE_CLICKS = 50;

/** The clicks since the machine left the initial state. */
export interface Sequence {
  /** Event time of its first click: the window runs from here. */
  startedAt: number;
  firstProductId: string;
  lastProductId: string;
  /** The demographic of the click that started it; it picks the offer. */
  gender: Gender | 'U';
  clickIds: string[];
}

export interface MachineState {
  state: string;
  sequence: Sequence | null;
}

export interface FiredOffer {
  offerId: string;
  clickIds: string[];
}

/** What one click did: the states it entered, in order (none for a refresh), and an offer if one fired. */
export interface StepResult {
  entered: string[];
  offer: FiredOffer | null;
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

  step(click: VisitorClick): StepResult {
    const { sequence } = this.current;
    // A page refresh: the same product as the last recorded click changes nothing.
    if (sequence && click.productId === sequence.lastProductId) return { entered: [], offer: null };
    const entered: string[] = [];
    if (sequence && click.timestamp - sequence.startedAt > this.rules.windowMinutes * 60_000) {
      this.reset();
      entered.push(this.rules.initialState);
    }
    const transition = this.rules.transitions.find((t) => this.matches(t, click));
    if (!transition) {
      // A click that fits no transition starts over; in the initial state it changes nothing.
      if (this.current.state !== this.rules.initialState) {
        this.reset();
        entered.push(this.rules.initialState);
      }
      return { entered, offer: null };
    }
    this.record(transition, click);
    entered.push(transition.to);
    if (transition.to !== this.rules.offerState) return { entered, offer: null };
    const { gender, clickIds } = this.current.sequence!;
    this.reset();
    const offerId = gender === 'U' ? undefined : this.rules.offerByGender[gender];
    return { entered, offer: offerId ? { offerId, clickIds } : null };
  }

  private matches(t: Transition, click: VisitorClick): boolean {
    if (t.from !== this.current.state || t.category !== click.category) return false;
    const first = this.current.sequence?.firstProductId;
    if (t.product === 'same-as-first' && click.productId !== first) return false;
    if (t.product === 'different-from-first' && (first === undefined || click.productId === first)) return false;
    return !t.demographics || t.demographics.some((d) => d.gender === click.gender && click.age !== null && click.age >= d.minAge && click.age <= d.maxAge);
  }

  private record(t: Transition, click: VisitorClick): void {
    const sequence = this.current.sequence ?? {
      startedAt: click.timestamp,
      firstProductId: click.productId,
      lastProductId: click.productId,
      gender: click.gender,
      clickIds: [],
    };
    sequence.lastProductId = click.productId;
    sequence.clickIds = [...sequence.clickIds, click.clickId].slice(-MAX_SEQUENCE_CLICKS);
    this.current = { state: t.to, sequence };
  }

  private reset(): void {
    this.current = { state: this.rules.initialState, sequence: null };
  }
}

// Not structuredClone: the workflow sandbox does not provide it.
const copy = ({ state, sequence }: MachineState): MachineState => ({ state, sequence: sequence && { ...sequence, clickIds: [...sequence.clickIds] } });
