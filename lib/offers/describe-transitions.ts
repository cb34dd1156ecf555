/**
 * The state-machine log in words a shop owner reads ("viewed shoes, step 2 of 3") instead of
 * state names, derived from the rules' transitions so a change of rules changes the words.
 */
import type { OfferRules } from './offer-rules';
import { shortestPaths, viewWords } from './rule-paths';
import type { TransitionLogEntry } from './visitor-offers';

export interface TransitionWords {
  /** What the visitor did, e.g. "viewed a different clothing item". */
  text: string;
  /** `offer`: the offer state was reached; `held-out`: reached by a visitor of the holdout, so no offer; `start-over`: back to the initial state. */
  kind: 'step' | 'offer' | 'held-out' | 'start-over';
  /** How many steps from the initial state this state is, and the offer state (shortest paths); null if unreachable. */
  step: number | null;
  steps: number | null;
}

/** What was viewed to enter `state` with a click of `category`: the product condition only when every such transition has the same one. */
function viewed(rules: OfferRules, state: string, category: string): string {
  const conditions = new Set(rules.transitions.filter((t) => t.to === state && t.category === category).map((t) => t.product));
  return conditions.size === 1 ? viewWords(category, [...conditions][0]) : category;
}

export function describeTransition(rules: OfferRules, entry: Pick<TransitionLogEntry, 'state' | 'category' | 'heldOut'>): TransitionWords {
  const paths = shortestPaths(rules);
  const steps = paths.get(rules.offerState)?.length ?? null;
  const step = paths.get(entry.state)?.length ?? null;
  if (entry.state === rules.initialState) {
    // The initial state is entered when the window ran out or the click fits no next step.
    return { text: `viewed ${entry.category}: started over`, kind: 'start-over', step, steps };
  }
  const what = `viewed ${viewed(rules, entry.state, entry.category)}`;
  if (entry.state === rules.offerState && entry.heldOut) return { text: `${what}: qualified, held out (no offer sent)`, kind: 'held-out', step, steps };
  if (entry.state === rules.offerState) return { text: `${what}: offer`, kind: 'offer', step, steps };
  return { text: step !== null && steps !== null ? `${what} (step ${step} of ${steps})` : what, kind: 'step', step, steps };
}
