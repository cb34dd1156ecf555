/**
 * What a candidate rule set would have done over past clicks, beside the live one: both run in
 * the same state-machine code the visitor workflows run, one machine per visitor and rule set,
 * over the visitor's clicks in order. Plain: the backtest activity feeds it from
 * `enriched-click-data`, unit tests feed it directly.
 */
import { BOT_DEVICE, isPageView, type EnrichedClick } from '../schema';
import type { OfferRules } from './offer-rules';
import { OfferStateMachine, type StepResult, type Suppression, type VisitorClick } from './offer-state-machine';

/** What one rule set did over the clicks. */
export interface RuleOutcome {
  name: string;
  offers: number;
  /** Visitors who got at least one offer. */
  visitorsOffered: number;
  byOfferId: Record<string, number>;
  /** By the completing click's gender and age decade, e.g. `F 30-39`; `unknown` without both. */
  byDemographic: Record<string, number>;
  /** Completed sequences that sent nothing, and why. */
  suppressed: Partial<Record<Suppression, number>>;
}

export interface BacktestReport {
  /** Event times of the first and last click read, or null without clicks. */
  from: number | null;
  to: number | null;
  clicks: number;
  /** Bots' clicks, left out as the feed leaves them out. */
  botClicks: number;
  visitors: number;
  candidate: RuleOutcome;
  live: RuleOutcome;
}

export interface BacktestInput {
  rules: OfferRules;
  /** How far back to read `enriched-click-data`, by the records' time. */
  hours: number;
}

export interface BacktestResult extends BacktestReport {
  /** The live rule set's version the candidate was compared with (0: the built-in rules). */
  liveVersion: number;
  /** Records read, malformed ones included. */
  records: number;
}

/** The backtest workflow's name: the web starts it without importing workflow code. */
export const BACKTEST_RULES_WORKFLOW = 'backtestRulesWorkflow';

/** An age decade band, as the report groups offers. */
export function demographicBand({ gender, age }: Pick<VisitorClick, 'gender' | 'age'>): string {
  if (gender === 'U' || age === null) return 'unknown';
  const decade = Math.floor(age / 10) * 10;
  return `${gender} ${decade}-${decade + 9}`;
}

class Tally {
  readonly outcome: RuleOutcome;
  private readonly offered = new Set<string>();

  constructor(name: string) {
    this.outcome = { name, offers: 0, visitorsOffered: 0, byOfferId: {}, byDemographic: {}, suppressed: {} };
  }

  count(userId: string, result: StepResult, who: Pick<VisitorClick, 'gender' | 'age'>): void {
    const o = this.outcome;
    if (result.suppressed) o.suppressed[result.suppressed] = (o.suppressed[result.suppressed] ?? 0) + 1;
    if (!result.offer) return;
    o.offers += 1;
    o.byOfferId[result.offer.offerId] = (o.byOfferId[result.offer.offerId] ?? 0) + 1;
    const band = demographicBand(who);
    o.byDemographic[band] = (o.byDemographic[band] ?? 0) + 1;
    this.offered.add(userId);
    o.visitorsOffered = this.offered.size;
  }
}

interface VisitorMachines {
  candidate: OfferStateMachine;
  live: OfferStateMachine;
  /** The visitor's last click: an absence that passes at the end is credited to their demographic. */
  last: Pick<VisitorClick, 'gender' | 'age'>;
}

export class Backtest {
  private readonly visitors = new Map<string, VisitorMachines>();
  private readonly tallies: { candidate: Tally; live: Tally };
  private clicks = 0;
  private botClicks = 0;
  private from: number | null = null;
  private to: number | null = null;

  constructor(private readonly rules: { candidate: OfferRules; live: OfferRules }) {
    this.tallies = { candidate: new Tally(rules.candidate.name), live: new Tally(rules.live.name) };
  }

  /** One click, in its visitor's order (a partition's offset order keeps it). */
  add(click: EnrichedClick): void {
    // What a visitor did with a basket or an offer is no page view: the rules never see it.
    if (!isPageView(click)) return;
    if (click.deviceType === BOT_DEVICE) {
      this.botClicks += 1;
      return;
    }
    this.clicks += 1;
    this.from = Math.min(this.from ?? click.timestamp, click.timestamp);
    this.to = Math.max(this.to ?? click.timestamp, click.timestamp);
    let v = this.visitors.get(click.userId);
    if (!v) {
      v = { candidate: new OfferStateMachine(this.rules.candidate), live: new OfferStateMachine(this.rules.live), last: click };
      this.visitors.set(click.userId, v);
    }
    for (const kind of ['candidate', 'live'] as const) {
      const machine = v[kind];
      const absence = machine.advanceTo(click.timestamp);
      if (absence) this.tallies[kind].count(click.userId, absence.result, v.last);
      this.tallies[kind].count(click.userId, machine.step(click), click);
    }
    v.last = click;
  }

  /** The report, once all clicks up to `until` (event time: when the read began) are in; absences due by then pass first. */
  report(until: number): BacktestReport {
    for (const [userId, v] of this.visitors) {
      for (const kind of ['candidate', 'live'] as const) {
        const absence = v[kind].advanceTo(until);
        if (absence) this.tallies[kind].count(userId, absence.result, v.last);
      }
    }
    const { clicks, botClicks, from, to } = this;
    return { from, to, clicks, botClicks, visitors: this.visitors.size, candidate: this.tallies.candidate.outcome, live: this.tallies.live.outcome };
  }
}
