/**
 * The offer funnel, live: how many visitors stand at each step of the current rules right now,
 * counted by Temporal's visibility over the search attribute each running visitor workflow keeps
 * its state in (config `OFFER_STATE_SEARCH_ATTRIBUTE`), and the latest near misses.
 */
import { VISITOR_OFFER_WORKFLOW } from './messages';
import { parseNearMisses, type NearMiss } from './near-miss';
import type { Absence, OfferRules, Transition } from './offer-rules';
import { viewWords } from './rule-paths';

export interface FunnelStep {
  state: string;
  /** Moves (clicks or absences) from the initial state on the shortest way here: 1 is the first step. */
  step: number;
  /** What a visitor standing here has done, e.g. "viewed clothing, then shoes". */
  words: string;
}

export interface OfferFunnel {
  /** The name of the rule set whose steps are counted. */
  rules: string;
  /** The steps towards the offer, nearest the start first, with the running visitors standing there. */
  steps: (FunnelStep & { visitors: number })[];
  /** Running visitor workflows, wherever they stand. */
  running: number;
  /** Near misses within `windowMinutes` (event time) back from the newest, and the newest few, newest first. */
  nearMisses: { windowMinutes: number; count: number; latest: NearMiss[] };
}

/** Near misses counted over this long, back from the newest. */
export const NEAR_MISS_WINDOW_MINUTES = 60;
/** Newest near misses listed. */
export const NEAR_MISSES_LISTED = 10;

type Move = Transition | Absence;

/** The shortest way from the initial state to each state it reaches, by clicks and absences alike, nearest first. */
function shortestWays(rules: OfferRules): Map<string, Move[]> {
  const moves: Move[] = [...rules.transitions, ...(rules.absences ?? [])];
  const ways = new Map<string, Move[]>([[rules.initialState, []]]);
  let frontier = [rules.initialState];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const move of moves) {
      if (!frontier.includes(move.from) || ways.has(move.to)) continue;
      ways.set(move.to, [...ways.get(move.from)!, move]);
      next.push(move.to);
    }
    frontier = next;
  }
  return ways;
}

function moveWords(move: Move): string {
  if ('minutes' in move) return `${move.minutes} minutes without ${move.category ? `viewing ${move.category}` : 'a click'}`;
  return viewWords(move.category, move.product);
}

/**
 * The states a visitor can stand in on the way to the offer, nearest the start first (ties in the
 * order the rules name them): every state the rules reach but the initial and the offer state, in
 * which no visitor stays (the offer state sends the offer and starts over).
 */
export function funnelSteps(rules: OfferRules): FunnelStep[] {
  return [...shortestWays(rules)]
    .filter(([state]) => state !== rules.initialState && state !== rules.offerState)
    .map(([state, way]) => ({ state, step: way.length, words: `viewed ${way.map(moveWords).join(', then ')}` }));
}

/**
 * The funnel's base, what its steps are shares of: the running visitor workflows, those of them on
 * no step of these rules (at the start, or on an earlier rule set's states), and the offers sent
 * (`offered`, from the uplift counters of these rules, since they began; null when unknown).
 */
export function funnelBase(
  funnel: Pick<OfferFunnel, 'running' | 'steps'>,
  offered: number | null,
): { running: number; atStart: number; offered: number | null } {
  const onSteps = funnel.steps.reduce((n, s) => n + s.visitors, 0);
  // Counted by separate visibility queries a moment apart: the sum may pass the total by a few.
  return { running: funnel.running, atStart: Math.max(0, funnel.running - onSteps), offered };
}

/** The visibility query of the running visitor workflows; the Temporal UI takes it as is. */
export const RUNNING_VISITORS_QUERY = `WorkflowType = '${VISITOR_OFFER_WORKFLOW}' AND ExecutionStatus = 'Running'`;

/**
 * The visibility query of the running visitor workflows standing in `state`. Running only: a
 * closed run (continued as new, terminated) keeps the state it closed in.
 */
export function visitorsInStateQuery(attribute: string, state: string): string {
  // Both are put into the query's text: refuse what could end the quoted value or the name.
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(attribute)) throw new Error(`search attribute ${JSON.stringify(attribute)} cannot be queried`);
  // Rule validation allows letters, digits, "_", "-" and spaces in state names: never a quote.
  if (/['"\\]/.test(state)) throw new Error(`state ${JSON.stringify(state)} cannot be queried`);
  return `${RUNNING_VISITORS_QUERY} AND ${attribute} = '${state}'`;
}

/**
 * The newest near misses from `ZREVRANGE … WITHSCORES` (member, score, member, score…), and the
 * newest one's score, its event time, where the counting window ends. A member this version
 * cannot read is skipped, but its score still ends the window.
 */
export function newestNearMisses(withScores: readonly string[]): { newestAt: number | null; latest: NearMiss[] } {
  const newestAt = Number(withScores[1]);
  return {
    newestAt: Number.isFinite(newestAt) ? newestAt : null,
    latest: parseNearMisses(withScores.filter((_, i) => i % 2 === 0)),
  };
}
