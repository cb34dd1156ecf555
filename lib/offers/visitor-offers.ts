/**
 * One visitor's offer detection, as a plain class: the visitor workflow only wires the signal, the
 * query, the activities and continue-as-new to it. It deduplicates clicks by id (the feed delivers
 * at least once), runs them through the state machine, and keeps a short memory for the query.
 */
import { isPageView, type Offer } from '../schema';
import { explainSteps } from './explain-offer';
import { isHeldOut } from './holdout';
import { spreadIdleTimeoutMs } from './idle-spread';
import { isOneStepShort, type NearMiss } from './near-miss';
import { OfferOutcomes, type Exposure, type OfferOutcome } from './offer-outcomes';
import { OfferStateMachine, type FiredOffer, type MachineState, type Sequence, type VisitorClick } from './offer-state-machine';
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
  /** The Keyword search attribute the workflow keeps its offer state in; absent: none (and in workflows started before). */
  offerStateAttribute?: string;
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
  /** The offers this visitor qualified for, and what became of them. Absent in runs carried from before. */
  exposures?: Exposure[];
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
  /** The offer state was reached by a visitor of the holdout: no offer went out. */
  heldOut?: boolean;
}

/** What processing the pending clicks produced: offers to send, transitions to log, and what to count. */
export interface ProcessedClicks {
  offers: Offer[];
  transitions: TransitionLogEntry[];
  measures: OfferMeasures;
}

/** What the workflow records for the dashboard's uplift and funnel panels. */
export interface OfferMeasures {
  outcomes: OfferOutcome[];
  nearMisses: NearMiss[];
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

const MINUTE = 60_000;

const nothingProcessed = (): ProcessedClicks => ({ offers: [], transitions: [], measures: { outcomes: [], nearMisses: [] } });

const FRESH: Memory = { seenClickIds: [], pending: [], recentClicks: [], offersSent: [], clicksProcessed: 0, duplicatesIgnored: 0 };

export class VisitorOffers {
  readonly userId: string;
  readonly idleTimeoutMs: number;
  private readonly batchesPerRun: number;
  private readonly offerStateAttribute: string | undefined;
  private readonly outcomes: OfferOutcomes;
  private rules: OfferRules;
  private rulesVersion: number;
  /** The newest version a signal named. */
  private announcedVersion: number;
  private machine: OfferStateMachine;
  private readonly carried: Memory;
  private readonly seen: Set<string>;
  private batchesThisRun = 0;

  constructor(input: VisitorOfferInput) {
    this.userId = input.userId;
    this.rules = input.rules;
    this.rulesVersion = input.rulesVersion ?? 0;
    this.announcedVersion = this.rulesVersion;
    this.idleTimeoutMs = input.idleTimeoutMs;
    this.batchesPerRun = input.batchesPerRun ?? BATCHES_PER_RUN;
    this.offerStateAttribute = input.offerStateAttribute;
    const { machine, ...carried } = input.carried ?? { ...FRESH, machine: undefined };
    this.machine = new OfferStateMachine(input.rules, machine);
    this.carried = { ...carried, seenClickIds: [...carried.seenClickIds], pending: [...carried.pending] };
    this.outcomes = new OfferOutcomes(input.userId, carried.exposures);
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
    this.machine = new OfferStateMachine(set.rules, sequence && stateKnown ? { state, sequence } : undefined);
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
    const out = nothingProcessed();
    for (const click of clicks) {
      this.passAbsence(click.timestamp, out);
      if (!isPageView(click)) {
        out.measures.outcomes.push(...this.outcomes.record(click));
      } else {
        const before = this.machine.state;
        const { entered, offer } = this.machine.step(click);
        this.nearMissIfEnded(before, entered, click, out);
        for (const state of entered) out.transitions.push(this.logEntry(state, click));
        if (offer) this.qualified(offer, click.timestamp, `reached "${this.rules.offerState}"`, out);
      }
      this.carried.clock = Math.max(this.carried.clock ?? 0, click.timestamp);
    }
    const { recentClicks, offersSent } = this.carried;
    this.carried.recentClicks = [...recentClicks, ...clicks].slice(-RECENT_CLICKS);
    this.carried.offersSent = [...offersSent, ...out.offers].slice(-RECENT_OFFERS);
    this.carried.exposures = this.outcomes.exposures;
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
    const out = nothingProcessed();
    const due = this.machine.absenceDue;
    if (due !== null) this.passAbsence(due, out);
    this.carried.offersSent = [...this.carried.offersSent, ...out.offers].slice(-RECENT_OFFERS);
    this.carried.exposures = this.outcomes.exposures;
    return out;
  }

  /**
   * The workflow goes idle: a sequence still standing one step short has run out of its window
   * by then (the idle timeout is at least the window), a near miss nobody's click will reveal.
   */
  closeOut(): OfferMeasures {
    const measures: OfferMeasures = { outcomes: [], nearMisses: [] };
    const { state, sequence } = this.machine.state;
    if (!sequence || !isOneStepShort(this.rules, state)) return measures;
    measures.nearMisses.push(this.expired(state, sequence));
    return measures;
  }

  private passAbsence(now: number, out: ProcessedClicks): void {
    const passed = this.machine.advanceTo(now);
    if (!passed) return;
    const { absence, at, after, result } = passed;
    const what = `${absence.minutes} minutes in "${absence.from}" without ${absence.category ? `a ${absence.category} view` : 'a click'}`;
    for (const state of result.entered) out.transitions.push(this.logEntry(state, { ...after, timestamp: at }, what));
    if (result.offer) this.qualified(result.offer, at, what, out);
    this.carried.clock = Math.max(this.carried.clock ?? 0, at);
  }

  /** The visitor qualified for an offer: it goes out, unless the visitor is in the rule set's holdout. */
  private qualified(fired: FiredOffer, at: number, how: string, out: ProcessedClicks): void {
    const heldOut = isHeldOut(this.userId, this.rules);
    if (!heldOut) out.offers.push(this.offer(fired, at, how));
    const group = heldOut ? 'holdout' : 'offered';
    out.measures.outcomes.push(this.outcomes.qualified({ rules: this.rules.name, offerId: fired.offerId, group, at }));
    const reached = out.transitions.at(-1);
    if (heldOut && reached) {
      reached.heldOut = true;
      reached.line += ` (qualified for ${fired.offerId}, in the ${this.rules.holdoutPercent}% holdout: no offer sent)`;
    }
  }

  /** A sequence that stood one step short of the offer and went back to the start: a near miss. */
  private nearMissIfEnded(before: MachineState, entered: string[], click: VisitorClick, out: ProcessedClicks): void {
    if (!before.sequence || !entered.includes(this.rules.initialState) || !isOneStepShort(this.rules, before.state)) return;
    const { state, sequence } = before;
    const expired = click.timestamp - sequence.startedAt > this.rules.windowMinutes * MINUTE;
    out.measures.nearMisses.push(expired ? this.expired(state, sequence) : this.nearMiss(state, 'click', click.timestamp, click.clickId));
  }

  /** A sequence whose window ran out: the same near miss whether the next click or the idle close-out finds it. */
  private expired(state: string, sequence: Sequence): NearMiss {
    return this.nearMiss(state, 'window', sequence.startedAt + this.rules.windowMinutes * MINUTE, sequence.clickIds.at(-1) ?? '');
  }

  private nearMiss(state: string, endedBy: NearMiss['endedBy'], at: number, clickId: string): NearMiss {
    return { userId: this.userId, rules: this.rules.name, version: this.rulesVersion, state, endedBy, at, clickId };
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

  /** Where the visitor stands in the rules. */
  get state(): string {
    return this.machine.state.state;
  }

  view(): VisitorView {
    const { state, sequence } = this.machine.state;
    const { recentClicks, offersSent, clicksProcessed, duplicatesIgnored } = this.carried;
    return {
      userId: this.userId,
      rules: this.rules.name,
      rulesVersion: this.rulesVersion,
      state,
      sequenceStartedAt: sequence?.startedAt ?? null,
      recentClicks,
      offersSent,
      clicksProcessed,
      duplicatesIgnored,
    };
  }

  /** The next run continues with the same rules, machine, memory and any clicks not processed yet. */
  continueAsNewInput(): VisitorOfferInput {
    const { userId, rules, rulesVersion, idleTimeoutMs, batchesPerRun, offerStateAttribute } = this;
    return {
      userId,
      rules,
      ...(rulesVersion > 0 ? { rulesVersion } : {}),
      idleTimeoutMs,
      batchesPerRun,
      ...(offerStateAttribute !== undefined ? { offerStateAttribute } : {}),
      carried: { ...this.carried, machine: this.machine.state },
    };
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
