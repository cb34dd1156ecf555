/** An offer's steps in words: which clicks (or absences) took the visitor where, for the offer's reason and the pages that show it. */
import type { OfferStep } from '../schema';

/** One step, e.g. `clicked P1 (clothing) → clothes_visited`, or `10 minutes without clothing → offer`; `title` names a product for people. */
export function explainStep(step: OfferStep, title: (productId: string) => string = (id) => id): string {
  if (step.absence) return `${step.absence.minutes} minutes without ${step.absence.category ?? 'a click'} → ${step.state}`;
  return `clicked ${title(step.productId ?? '?')} (${step.category ?? '?'}) → ${step.state}`;
}

export function explainSteps(steps: readonly OfferStep[], title?: (productId: string) => string): string {
  return steps.map((s) => explainStep(s, title)).join(', ');
}

/** One step as the shopper reads it, without state names: "You viewed Blue Shirt", "10 minutes without viewing clothing". */
export function stepForShopper(step: OfferStep, title: (productId: string) => string): string {
  if (step.absence) return `${step.absence.minutes} minutes without viewing ${step.absence.category ?? 'anything'}`;
  return `You viewed ${title(step.productId ?? '')}`;
}
