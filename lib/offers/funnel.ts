/**
 * The offer funnel, live: how many visitors stand at each step of the current rules right now,
 * counted by Temporal's visibility over the search attribute each running visitor workflow keeps
 * its state in (config `OFFER_STATE_SEARCH_ATTRIBUTE`), and the latest near misses.
 */
import { VISITOR_OFFER_WORKFLOW } from './messages';
import type { NearMiss } from './near-miss';
import type { OfferRules } from './offer-rules';
import { shortestPaths, viewWords } from './rule-paths';

export interface OfferFunnel {
  rules: string;
  /** The steps towards the offer, nearest the start first, with the running visitors standing there. */
  steps: { state: string; step: number; visitors: number }[];
  /** Running visitor workflows, wherever they stand. */
  running: number;
  nearMisses: { windowMinutes: number; count: number; latest: NearMiss[] };
}

/** Near misses counted over this long, back from the newest. */
export const NEAR_MISS_WINDOW_MINUTES = 60;
/** Newest near misses listed. */
export const NEAR_MISSES_LISTED = 8;

/**
 * The states a visitor can stand in on the way to the offer: every state the rules reach but the
 * initial and the offer state (a visitor passes through those at once), by their distance from the start.
 */
export function funnelSteps(rules: OfferRules): { state: string; step: number }[] {
  const states = new Set([...rules.transitions.map((t) => t.to), ...(rules.absences ?? []).map((a) => a.to)]);
  states.delete(rules.initialState);
  states.delete(rules.offerState);
  const paths = shortestPaths(rules);
  return [...states]
    .map((state) => ({ state, step: paths.get(state)?.length ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.step - b.step);
}

const RUNNING_VISITORS = `WorkflowType = '${VISITOR_OFFER_WORKFLOW}' AND ExecutionStatus = 'Running'`;

/** The visibility query of the running visitor workflows, or of those standing in `state` (the Temporal UI takes it as is). */
export function visitorsQuery(attribute?: string, state?: string): string {
  if (attribute === undefined || state === undefined) return RUNNING_VISITORS;
  // Rule validation allows letters, digits, "_", "-" and spaces in state names: never a quote.
  if (/['"\\]/.test(state)) throw new Error(`state ${JSON.stringify(state)} cannot be queried`);
  return `${RUNNING_VISITORS} AND ${attribute} = '${state}'`;
}

/** What a visitor standing in `state` has done, e.g. "viewed clothing, then shoes"; the state's name where no click path leads there. */
export function stepWords(rules: OfferRules, state: string): string {
  const path = shortestPaths(rules).get(state);
  return path && path.length > 0 ? `viewed ${path.map((t) => viewWords(t.category, t.product)).join(', then ')}` : state;
}
