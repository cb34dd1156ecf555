/**
 * The offer rules read as paths and words, shared by the shop's landing page and the dashboard's
 * state-machine log, so both say the same thing the same way.
 */
import type { OfferRules, ProductCondition } from './offer-rules';

/** The shortest run of transitions from the initial state to each state it reaches. */
export function shortestPaths(rules: OfferRules): Map<string, OfferRules['transitions']> {
  const via = new Map<string, OfferRules['transitions']>([[rules.initialState, []]]);
  let frontier = [rules.initialState];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const t of rules.transitions) {
      if (!frontier.includes(t.from) || via.has(t.to)) continue;
      via.set(t.to, [...via.get(t.from)!, t]);
      next.push(t.to);
    }
    frontier = next;
  }
  return via;
}

/** A view of a category as people say it, with the product condition when there is one. */
export function viewWords(category: string, product?: ProductCondition): string {
  if (product === 'different-from-first') return `a different ${category} item`;
  if (product === 'same-as-first') return `the same ${category} item again`;
  return category;
}
