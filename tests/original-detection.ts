/**
 * The original template's offer detection, written out plainly from its own code (the Python
 * `BehaviourDetector`, ../shared/reference/original-template.md describes it), so tests can put
 * our detection beside it. `departures` switches on, one by one, the decisions this project took
 * differently (docs/offers.md, "Where it departs from the original"): with all of them on, it
 * must give exactly our offers.
 */
import type { VisitorClick } from '../lib/offers/offer-state-machine';

export interface Departures {
  /** (a) A sequence completed by a click of unknown gender sends nothing; the original's `else` sent offer2. */
  unknownGenderGetsNoOffer?: boolean;
  /** (b) A click after the window ran out is judged again from the start; the original drops it. */
  expiredClickStartsOver?: boolean;
  /** (c) A click exactly `windowMinutes` after the first still counts; the original wanted less. */
  windowIncludesItsEnd?: boolean;
}

export const OUR_DEPARTURES: Required<Departures> = { unknownGenderGetsNoOffer: true, expiredClickStartsOver: true, windowIncludesItsEnd: true };

const WINDOW_MS = 30 * 60_000;

type Row = Pick<VisitorClick, 'productId' | 'timestamp'>;

/** The offers one visitor's clicks get, in order. */
export function originalOffers(clicks: readonly VisitorClick[], departures: Departures = {}): string[] {
  const offers: string[] = [];
  let state = 'init';
  // The clicks that took a transition since the sequence started: the first gives the window's
  // start and the product "different from the first", the last the product a refresh repeats.
  let rows: Row[] = [];
  const inWindow = (c: VisitorClick): boolean => {
    if (rows.length === 0) return true;
    const elapsed = c.timestamp - rows[0]!.timestamp;
    return departures.windowIncludesItsEnd ? elapsed <= WINDOW_MS : elapsed < WINDOW_MS;
  };
  // The original compares age with numbers; a missing age compares false, as NaN does in pandas.
  const inTarget = ({ gender, age }: VisitorClick): boolean =>
    age !== null && ((gender === 'M' && age >= 35 && age <= 45) || (gender === 'F' && age >= 25 && age <= 35));
  for (const c of clicks) {
    if (rows.length > 0 && rows.at(-1)!.productId === c.productId) continue;
    if (departures.expiredClickStartsOver && !inWindow(c)) [state, rows] = ['init', []];
    const clothing = c.category === 'clothing';
    const first = rows[0]?.productId;
    // Each transition's condition includes the window: a click outside it takes none, and resets.
    let next: string | null = null;
    if (!inWindow(c)) next = null;
    else if (state === 'init') next = clothing && inTarget(c) ? 'clothes_visited' : null;
    else if (state === 'clothes_visited') next = c.category === 'shoes' ? 'shoes_visited' : clothing ? 'clothes_visited' : null;
    else if (state === 'shoes_visited' && clothing) next = c.productId !== first ? 'offer' : 'clothes_visited';
    if (next === null) [state, rows] = ['init', []];
    else if (next === 'offer') {
      [state, rows] = ['init', []];
      if (c.gender === 'M') offers.push('offer1');
      else if (c.gender === 'F' || !departures.unknownGenderGetsNoOffer) offers.push('offer2');
    } else [state, rows] = [next, [...rows, c]];
  }
  return offers;
}
