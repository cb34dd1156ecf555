/**
 * One visitor's offer detection, as a plain class: the visitor workflow only wires the signal, the
 * query, the activities and continue-as-new to it. It deduplicates clicks by id (the feed delivers
 * at least once), runs them through the state machine, and keeps a short memory for the query.
 */
import type { Offer } from '../schema';
import { explainSteps } from './explain-offer';
import { spreadIdleTimeoutMs } from './idle-spread';
import { OfferStateMachine, type FiredOffer, type MachineOptions, type MachineState, type VisitorClick } from './offer-state-machine';
import type { OfferRules } from './offer-rules';
import type { RuleSetVersion } from './rule-sets';

/** Click ids remembered for deduplication: far more than a redelivered Kafka batch holds per visitor. */
export const SEEN_CLICK_IDS = 500;
/** Recent clicks and offers the query shows. */
export const RECENT_CLICKS = 20;
export const RECENT_OFFERS = 10;
/** Click batches per workflow run before it continues as new: a few thousand history events. */
export const BATCHES_PER_RUN = 500;

export interface VisitorOfferInput {
  userId: string;
  /** The rules this visitor's workflow runs: given at start, carried across continue-as-new, replaced by a newer published version. */
  rules: OfferRules;
  /** Their published version; absent in workflows started before rule sets were published (the built-in rules). */
  rulesVersion?: number;
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
  /** The newest event time the machine has seen: an absence's timer runs from here. Absent in runs carried from before. */
  clock?: number;
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
  /** 0: the built-in rules of a workflow started before rule sets were published. */
  rulesVersion: number;
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
  private readonly machineOptions: MachineOptions;
  private rules: OfferRules;
  private rulesVersion: number;
  /** The newest version a signal named. */
  private announcedVersion: number;
  private machine: OfferStateMachine;
  private readonly carried: Memory;
  private readonly seen: Set<string>;
  private batchesThisRun = 0;

  constructor(input: VisitorOfferInput, options: MachineOptions = {}) {
    this.userId = input.userId;
    this.rules = input.rules;
    this.rulesVersion = input.rulesVersion ?? 0;
    this.announcedVersion = this.rulesVersion;
    this.machineOptions = options;
    this.idleTimeoutMs = input.idleTimeoutMs;
    this.batchesPerRun = input.batchesPerRun ?? BATCHES_PER_RUN;
    const { machine, ...carried } = input.carried ?? { ...FRESH, machine: undefined };
    this.machine = new OfferStateMachine(input.rules, machine, options);
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

  /** A newer rule-set version a signal named: the workflow loads it before processing the clicks. */
  get rulesToLoad(): number | null {
    return this.announcedVersion > this.rulesVersion ? this.announcedVersion : null;
  }

  /**
   * Moves to a newer rule-set version (null: it could not be found, stay). A sequence in progress
   * carries on where the new rules still have its state, and starts over where they do not.
   */
  adopt(version: number, set: RuleSetVersion | null): void {
    if (!set || set.version <= this.rulesVersion) {
      this.announcedVersion = this.rulesVersion;
      return;
    }
    const { state, sequence } = this.machine.state;
    const stateKnown = set.rules.transitions.some((t) => t.from === state || t.to === state);
    this.rules = set.rules;
    this.rulesVersion = set.version;
    this.announcedVersion = Math.max(version, set.version);
    this.machine = new OfferStateMachine(set.rules, sequence && stateKnown ? { state, sequence } : undefined, this.machineOptions);
  }

  /** Queues the clicks not seen before; a redelivered click is counted and dropped. `rulesVersion`: the version the feed runs. */
  receive(clicks: VisitorClick[], rulesVersion?: number): void {
    if (rulesVersion !== undefined) this.announcedVersion = Math.max(this.announcedVersion, rulesVersion);
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

  /** Runs the queued clicks through the machine, in arrival order; an absence due before a click passes first. */
  processPending(): ProcessedClicks {
    const clicks = this.carried.pending.splice(0);
    const out: ProcessedClicks = { offers: [], transitions: [] };
    for (const click of clicks) {
      this.passAbsence(click.timestamp, out);
      const { entered, offer } = this.machine.step(click);
      for (const state of entered) out.transitions.push(this.logEntry(state, click));
      if (offer) out.offers.push(this.offer(offer, click.timestamp, `reached "${this.rules.offerState}"`));
      this.carried.clock = Math.max(this.carried.clock ?? 0, click.timestamp);
    }
    const { recentClicks, offersSent } = this.carried;
    this.carried.recentClicks = [...recentClicks, ...clicks].slice(-RECENT_CLICKS);
    this.carried.offersSent = [...offersSent, ...out.offers].slice(-RECENT_OFFERS);
    this.carried.clicksProcessed += clicks.length;
    this.batchesThisRun += 1;
    return out;
  }

  /**
   * How long (workflow time) until the pending absence is due, measured from the newest click's
   * event time, or null when none is pending: the workflow's durable timer.
   */
  get absenceWaitMs(): number | null {
    const due = this.machine.absenceDue;
    return due === null ? null : Math.max(0, due - (this.carried.clock ?? due));
  }

  /** The workflow's timer fired: the pending absence takes its step. */
  passPendingAbsence(): ProcessedClicks {
    const out: ProcessedClicks = { offers: [], transitions: [] };
    const due = this.machine.absenceDue;
    if (due !== null) this.passAbsence(due, out);
    this.carried.offersSent = [...this.carried.offersSent, ...out.offers].slice(-RECENT_OFFERS);
    return out;
  }

  private passAbsence(now: number, out: ProcessedClicks): void {
    const passed = this.machine.advanceTo(now);
    if (!passed) return;
    const { absence, at, after, result } = passed;
    const what = `${absence.minutes} minutes in "${absence.from}" without ${absence.category ? `a ${absence.category} view` : 'a click'}`;
    for (const state of result.entered) out.transitions.push(this.logEntry(state, { ...after, timestamp: at }, what));
    if (result.offer) out.offers.push(this.offer(result.offer, at, what));
    this.carried.clock = Math.max(this.carried.clock ?? 0, at);
  }

  private offer({ offerId, clickIds, steps }: FiredOffer, timestamp: number, how: string): Offer {
    const { name, windowMinutes } = this.rules;
    const matched = steps ? `: ${explainSteps(steps)}` : '';
    return {
      userId: this.userId,
      offerId,
      reason: `rules "${name}" version ${this.rulesVersion}: ${how} within ${windowMinutes} minutes of the sequence's first click${matched}`,
      rules: { name, version: this.rulesVersion },
      clickIds,
      timestamp,
      ...(steps ? { steps } : {}),
    };
  }

  view(): VisitorView {
    const { state, sequence } = this.machine.state;
    const { recentClicks, offersSent, clicksProcessed, duplicatesIgnored } = this.carried;
    return { userId: this.userId, rules: this.rules.name, rulesVersion: this.rulesVersion, state, sequenceStartedAt: sequence?.startedAt ?? null, recentClicks, offersSent, clicksProcessed, duplicatesIgnored };
  }

  /** The next run continues with the same rules, machine, memory and any clicks not processed yet. */
  continueAsNewInput(): VisitorOfferInput {
    const { userId, rules, rulesVersion, idleTimeoutMs, batchesPerRun } = this;
    return { userId, rules, ...(rulesVersion > 0 ? { rulesVersion } : {}), idleTimeoutMs, batchesPerRun, carried: { ...this.carried, machine: this.machine.state } };
  }

  /** `after`: what brought the visitor there when it was not a click (an absence). */
  private logEntry(state: string, click: Pick<VisitorClick, 'clickId' | 'productId' | 'category' | 'timestamp'>, after?: string): TransitionLogEntry {
    const { clickId, productId, category, timestamp } = click;
    const line = after
      ? `User ${this.userId} entered state ${state} after ${after}, last clicked ${productId}, category ${category}`
      : `User ${this.userId} entered state ${state}, clicked ${productId}, category ${category}`;
    return { userId: this.userId, state, productId, category, clickId, timestamp, line };
  }
}
