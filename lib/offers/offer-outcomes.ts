/**
 * What became of a visitor's offers, for measuring whether they work. Each time the visitor
 * qualifies for an offer it is an exposure: offered, or held out (lib/offers/holdout.ts). What the
 * shop then reports (the offer taken or dismissed, a purchase) is attributed to the newest exposure
 * it can belong to, once per exposure. The counters count visitors, so a retried write counts once.
 */
import type { VisitorClick } from './offer-state-machine';

export type OfferGroup = 'offered' | 'holdout';
export const OUTCOME_STAGES = ['qualified', 'taken', 'dismissed', 'bought'] as const;
export type OutcomeStage = (typeof OUTCOME_STAGES)[number];

/** Exposures a visitor's workflow remembers: far more offers than a visitor gets while it runs. */
export const EXPOSURES_KEPT = 10;

export interface Exposure {
  /** The rule set's name. */
  rules: string;
  offerId: string;
  group: OfferGroup;
  /** Event time the visitor qualified. */
  at: number;
  answered?: 'taken' | 'dismissed';
  bought?: boolean;
}

/** One visitor reaching one stage of one offer of one rule set: a member of a counter's set. */
export interface OfferOutcome {
  userId: string;
  rules: string;
  offerId: string;
  group: OfferGroup;
  stage: OutcomeStage;
}

export class OfferOutcomes {
  private readonly kept: Exposure[];

  constructor(
    private readonly userId: string,
    exposures: readonly Exposure[] = [],
  ) {
    this.kept = exposures.map((e) => ({ ...e }));
  }

  get exposures(): Exposure[] {
    return this.kept.map((e) => ({ ...e }));
  }

  /** The visitor qualified for an offer: in its group, and how it counts. */
  qualified(exposure: Omit<Exposure, 'answered' | 'bought'>): OfferOutcome {
    this.kept.push({ ...exposure });
    this.kept.splice(0, Math.max(0, this.kept.length - EXPOSURES_KEPT));
    return this.outcome(exposure, 'qualified');
  }

  /**
   * What a shop event says of the visitor's offers: an answer goes to the newest unanswered offer
   * of its id that was sent; a purchase to the newest exposure, offered or held out, if it has none
   * yet. A basket event, or an answer to an offer this run never made, changes nothing.
   */
  record(click: Pick<VisitorClick, 'kind' | 'offerId'>): OfferOutcome[] {
    if (click.kind === 'offer-taken' || click.kind === 'offer-dismissed') {
      const exposure = this.kept.findLast((e) => e.group === 'offered' && e.offerId === click.offerId && !e.answered);
      if (!exposure) return [];
      exposure.answered = click.kind === 'offer-taken' ? 'taken' : 'dismissed';
      return [this.outcome(exposure, exposure.answered)];
    }
    if (click.kind === 'buy') {
      const exposure = this.kept.at(-1);
      if (!exposure || exposure.bought) return [];
      exposure.bought = true;
      return [this.outcome(exposure, 'bought')];
    }
    return [];
  }

  private outcome({ rules, offerId, group }: Pick<Exposure, 'rules' | 'offerId' | 'group'>, stage: OutcomeStage): OfferOutcome {
    return { userId: this.userId, rules, offerId, group, stage };
  }
}
