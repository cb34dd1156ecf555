/**
 * One visitor's offer detection, as a plain class: the visitor workflow only wires the signal, the
 * query, the activities and continue-as-new to it. It deduplicates clicks by id (the feed delivers
 * at least once), runs them through the state machine, and keeps a short memory for the query.
 */
import type { Offer } from '../schema';
import { spreadIdleTimeoutMs } from './idle-spread';
import { OfferStateMachine, type MachineState, type VisitorClick } from './offer-state-machine';
import type { OfferRules } from './offer-rules';

/** Click ids remembered for deduplication: far more than a redelivered Kafka batch holds per visitor. */
export const SEEN_CLICK_IDS = 500;
/** Recent clicks and offers the query shows. */
export const RECENT_CLICKS = 20;
export const RECENT_OFFERS = 10;
/** Click batches per workflow run before it continues as new: a few thousand history events. */
export const BATCHES_PER_RUN = 500;

export interface VisitorOfferInput {
  userId: string;
  /** The rules this visitor's workflow runs: given at start, carried across continue-as-new. */
  rules: OfferRules;
  /** The workflow completes after this long without clicks (workflow time). */
  idleTimeoutMs: number;
  /** Default BATCHES_PER_RUN. */
  batchesPerRun?: number;
  /** Set by continue-as-new only. */
  carried?: CarriedVisitor;
}

/** What a run hands to the next one. */
export interface CarriedVisitor {
  machine: MachineState;
  seenClickIds: string[];
  pending: VisitorClick[];
  recentClicks: VisitorClick[];
  offersSent: Offer[];
  clicksProcessed: number;
  duplicatesIgnored: number;
}

/** One line of the state-machine log (Redis stream `STATE_MACHINE_LOG_KEY`). */
export interface TransitionLogEntry {
  userId: string;
  state: string;
  productId: string;
  category: string;
  clickId: string;
  /** Event time of the click. */
  timestamp: number;
  /** As the dashboard shows it. */
  line: string;
}

/** What processing the pending clicks produced: offers to send and transitions to log. */
export interface ProcessedClicks {
  offers: Offer[];
  transitions: TransitionLogEntry[];
}

/** What the `visitorState` query answers. */
export interface VisitorView {
  userId: string;
  rules: string;
  state: string;
  /** Event time the current sequence started, or null in the initial state. */
  sequenceStartedAt: number | null;
  /** Newest last. */
  recentClicks: VisitorClick[];
  offersSent: Offer[];
  clicksProcessed: number;
  duplicatesIgnored: number;
}

type Memory = Omit<CarriedVisitor, 'machine'>;

const FRESH: Memory = { seenClickIds: [], pending: [], recentClicks: [], offersSent: [], clicksProcessed: 0, duplicatesIgnored: 0 };

export class VisitorOffers {
  readonly userId: string;
  readonly idleTimeoutMs: number;
  private readonly batchesPerRun: number;
  private readonly rules: OfferRules;
  private readonly machine: OfferStateMachine;
  private readonly carried: Memory;
  private readonly seen: Set<string>;
  private batchesThisRun = 0;

  constructor(input: VisitorOfferInput) {
    this.userId = input.userId;
    this.rules = input.rules;
    this.idleTimeoutMs = input.idleTimeoutMs;
    this.batchesPerRun = input.batchesPerRun ?? BATCHES_PER_RUN;
    const { machine, ...carried } = input.carried ?? { ...FRESH, machine: undefined };
    this.machine = new OfferStateMachine(input.rules, machine);
    this.carried = { ...carried, seenClickIds: [...carried.seenClickIds], pending: [...carried.pending] };
    this.seen = new Set(carried.seenClickIds);
  }

  get hasPending(): boolean {
    return this.carried.pending.length > 0;
  }

  /** How long this visitor waits for a click before completing: the idle timeout plus their share of the spread. */
  get spreadIdleTimeoutMs(): number {
    return spreadIdleTimeoutMs(this.userId, this.idleTimeoutMs);
  }

  /** This run's history is long enough: time to continue as new. */
  get runIsLong(): boolean {
    return this.batchesThisRun >= this.batchesPerRun;
  }

  /** Queues the clicks not seen before; a redelivered click is counted and dropped. */
  receive(clicks: VisitorClick[]): void {
    const { seenClickIds, pending } = this.carried;
    for (const click of clicks) {
      if (this.seen.has(click.clickId)) {
        this.carried.duplicatesIgnored += 1;
        continue;
      }
      this.seen.add(click.clickId);
      seenClickIds.push(click.clickId);
      pending.push(click);
    }
    for (const old of seenClickIds.splice(0, Math.max(0, seenClickIds.length - SEEN_CLICK_IDS))) this.seen.delete(old);
  }

  /** Runs the queued clicks through the machine, in arrival order. */
  processPending(): ProcessedClicks {
    const clicks = this.carried.pending.splice(0);
    const out: ProcessedClicks = { offers: [], transitions: [] };
    for (const click of clicks) {
      const { entered, offer } = this.machine.step(click);
      for (const state of entered) out.transitions.push(this.logEntry(state, click));
      if (offer) {
        const { name, windowMinutes, offerState } = this.rules;
        out.offers.push({
          userId: this.userId,
          offerId: offer.offerId,
          reason: `rules "${name}": reached "${offerState}" within ${windowMinutes} minutes of the sequence's first click`,
          clickIds: offer.clickIds,
          timestamp: click.timestamp,
        });
      }
    }
    const { recentClicks, offersSent } = this.carried;
    this.carried.recentClicks = [...recentClicks, ...clicks].slice(-RECENT_CLICKS);
    this.carried.offersSent = [...offersSent, ...out.offers].slice(-RECENT_OFFERS);
    this.carried.clicksProcessed += clicks.length;
    this.batchesThisRun += 1;
    return out;
  }

  view(): VisitorView {
    const { state, sequence } = this.machine.state;
    const { recentClicks, offersSent, clicksProcessed, duplicatesIgnored } = this.carried;
    return { userId: this.userId, rules: this.rules.name, state, sequenceStartedAt: sequence?.startedAt ?? null, recentClicks, offersSent, clicksProcessed, duplicatesIgnored };
  }

  /** The next run continues with the same rules, machine, memory and any clicks not processed yet. */
  continueAsNewInput(): VisitorOfferInput {
    const { userId, rules, idleTimeoutMs, batchesPerRun } = this;
    return { userId, rules, idleTimeoutMs, batchesPerRun, carried: { ...this.carried, machine: this.machine.state } };
  }

  private logEntry(state: string, click: VisitorClick): TransitionLogEntry {
    const { clickId, productId, category, timestamp } = click;
    const line = `User ${this.userId} entered state ${state}, clicked ${productId}, category ${category}`;
    return { userId: this.userId, state, productId, category, clickId, timestamp, line };
  }
}
