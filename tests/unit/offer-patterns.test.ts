/**
 * The pattern language beyond the original's rule, one feature at a time, on the plain state
 * machine and the visitor class the workflow wires: product conditions on an earlier step,
 * demographics per step, `within` per step and per sequence, negation, absence, cooldown and a
 * daily cap. Hand-worked click sequences, event times in minutes.
 */
import { describe, expect, it } from 'vitest';
import type { OfferRules, Transition } from '../../lib/offers/offer-rules';
import { OfferStateMachine, type VisitorClick } from '../../lib/offers/offer-state-machine';
import { VisitorOffers } from '../../lib/offers/visitor-offers';
import type { Gender } from '../../lib/schema';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
let n = 0;
const click = (
  category: string,
  productId: string,
  minute = 0,
  who: { gender: Gender | 'U'; age: number | null } = { gender: 'F', age: 30 },
): VisitorClick => ({
  clickId: `c${++n}`,
  productId,
  category,
  timestamp: T0 + minute * MINUTE,
  ...who,
});

/** A rule of two or three steps to `offer`, offer `o-f` for women and `o-m` for men. */
const rule = (transitions: Transition[], extra: Partial<OfferRules> = {}): OfferRules => ({
  name: 'pattern',
  initialState: 'init',
  offerState: 'offer',
  windowMinutes: 30,
  transitions,
  offerByGender: { F: 'o-f', M: 'o-m' },
  ...extra,
});

function run(rules: OfferRules, clicks: VisitorClick[]) {
  const machine = new OfferStateMachine(rules);
  const steps = clicks.map((c) => machine.step(c));
  return {
    offers: steps.flatMap((s) => (s.offer ? [s.offer.offerId] : [])),
    suppressed: steps.flatMap((s) => (s.suppressed ? [s.suppressed] : [])),
    state: machine.state.state,
    machine,
  };
}

describe('product conditions on an earlier step', () => {
  // A book, a shirt, shoes, then a different shirt: the step compared with is the shirt, not the first click.
  const rules = rule([
    { from: 'init', to: 'book', category: 'books' },
    { from: 'book', to: 'shirt', category: 'clothing' },
    { from: 'shirt', to: 'shoes', category: 'shoes' },
    { from: 'shoes', to: 'offer', category: 'clothing', product: 'different-from-first', productStep: 'shirt' },
  ]);

  it('compares with the product of the click that entered the named step', () => {
    expect(run(rules, [click('books', 'K'), click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B')]).offers).toEqual(['o-f']);
  });

  it('refuses the same product as that step', () => {
    const result = run(rules, [click('books', 'K'), click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'A')]);
    expect(result.offers).toEqual([]);
    expect(result.state).toBe('init');
  });
});

describe('demographics on a later step', () => {
  const rules = rule([
    { from: 'init', to: 'books', category: 'books' },
    { from: 'books', to: 'offer', category: 'games', demographics: [{ gender: 'M', minAge: 18, maxAge: 30 }] },
  ]);

  it('judges the click that takes the step', () => {
    const young = { gender: 'M' as const, age: 20 };
    expect(run(rules, [click('books', 'K', 0, young), click('games', 'G', 1, young)]).offers).toEqual(['o-m']);
    expect(run(rules, [click('books', 'K', 0, young), click('games', 'G', 1, { gender: 'M', age: 40 })]).offers).toEqual([]);
  });
});

describe('within, per step and per sequence', () => {
  const rules = rule(
    [
      { from: 'init', to: 'a', category: 'clothing' },
      { from: 'a', to: 'b', category: 'shoes', withinMinutes: 5 },
      { from: 'b', to: 'offer', category: 'clothing', product: 'different-from-first' },
    ],
    { windowMinutes: 20 },
  );

  it('takes a step within its minutes of the previous step, not a millisecond later', () => {
    expect(run(rules, [click('clothing', 'A'), click('shoes', 'S', 5), click('clothing', 'B', 6)]).offers).toEqual(['o-f']);
    const late = [click('clothing', 'A'), { ...click('shoes', 'S', 5), timestamp: T0 + 5 * MINUTE + 1 }, click('clothing', 'B', 6)];
    expect(run(rules, late).offers).toEqual([]);
  });

  it('still holds the whole sequence to its window', () => {
    expect(run(rules, [click('clothing', 'A'), click('shoes', 'S', 4), click('clothing', 'B', 21)]).offers).toEqual([]);
  });
});

describe('negation: without viewing a category in between', () => {
  const rules = rule(
    [
      { from: 'init', to: 'a', category: 'clothing' },
      { from: 'a', to: 'offer', category: 'shoes' },
    ],
    { otherClicks: 'ignore', resets: [{ from: 'a', category: 'books' }] },
  );

  it('lets other clicks pass when other clicks are ignored', () => {
    expect(run(rules, [click('clothing', 'A'), click('games', 'G', 1), click('movies', 'M', 2), click('shoes', 'S', 3)]).offers).toEqual(['o-f']);
  });

  it('starts over on the category it names', () => {
    const result = run(rules, [click('clothing', 'A'), click('books', 'K', 1), click('shoes', 'S', 2)]);
    expect(result.offers).toEqual([]);
    expect(result.state).toBe('init');
  });
});

describe('absence: a step taken by what a visitor did not do', () => {
  // Viewed shoes, and no clothing within 10 minutes: the offer.
  const rules = rule(
    [
      { from: 'init', to: 'shoes_visited', category: 'shoes' },
      { from: 'shoes_visited', to: 'shoes_visited', category: 'shoes' },
    ],
    { otherClicks: 'ignore', absences: [{ from: 'shoes_visited', to: 'offer', minutes: 10, category: 'clothing' }] },
  );

  it('is due 10 minutes after the state was entered, and fires there', () => {
    const { machine } = run(rules, [click('shoes', 'S', 0)]);
    expect(machine.absenceDue).toBe(T0 + 10 * MINUTE);
    expect(machine.advanceTo(T0 + 10 * MINUTE - 1)).toBeNull();
    const passed = machine.advanceTo(T0 + 10 * MINUTE);
    expect(passed?.result).toEqual({
      entered: ['offer'],
      offer: {
        offerId: 'o-f',
        clickIds: [`c${n}`],
        steps: [
          { state: 'shoes_visited', at: T0, clickId: `c${n}`, productId: 'S', category: 'shoes' },
          { state: 'offer', at: T0 + 10 * MINUTE, absence: { minutes: 10, category: 'clothing' } },
        ],
      },
    });
    expect(machine.state.state).toBe('init');
    expect(machine.absenceDue).toBeNull();
  });

  it('restarts on a further step into the state, and lets other categories pass', () => {
    const { machine } = run(rules, [click('shoes', 'S', 0), click('books', 'K', 4), click('shoes', 'T', 6)]);
    expect(machine.absenceDue).toBe(T0 + 16 * MINUTE);
  });

  it('is cancelled by a view of the category it waits not to see', () => {
    const { machine, state } = run(rules, [click('shoes', 'S', 0), click('clothing', 'A', 9)]);
    expect(state).toBe('init');
    expect(machine.absenceDue).toBeNull();
  });

  it('does not outlast the sequence window', () => {
    const short = { ...rules, windowMinutes: 8 };
    expect(run(short, [click('shoes', 'S', 0)]).machine.absenceDue).toBeNull();
  });

  it('passes before a later click in the visitor class, and tells the workflow how long to wait', () => {
    const v = new VisitorOffers({ userId: 'U1', rules, idleTimeoutMs: 30 * MINUTE });
    v.receive([click('shoes', 'S', 0)]);
    v.processPending();
    expect(v.absenceWaitMs).toBe(10 * MINUTE);
    // A click 12 minutes on arrives before the timer fired: the absence passed at 10, first.
    v.receive([click('games', 'G', 12)]);
    const { offers, transitions } = v.processPending();
    expect(offers).toEqual([
      expect.objectContaining({
        offerId: 'o-f',
        timestamp: T0 + 10 * MINUTE,
        reason: expect.stringContaining('10 minutes in "shoes_visited" without a clothing view'),
      }),
    ]);
    expect(transitions.map((t) => t.state)).toEqual(['offer']);
    expect(v.absenceWaitMs).toBeNull();
  });

  it('passes on the timer in the visitor class, once', () => {
    const v = new VisitorOffers({ userId: 'U1', rules, idleTimeoutMs: 30 * MINUTE });
    v.receive([click('shoes', 'S', 0), click('books', 'K', 3)]);
    v.processPending();
    expect(v.absenceWaitMs).toBe(7 * MINUTE);
    expect(v.passPendingAbsence().offers.map((o) => o.offerId)).toEqual(['o-f']);
    expect(v.passPendingAbsence().offers).toEqual([]);
    expect(v.view().offersSent).toHaveLength(1);
  });
});

describe('cooldown and daily cap', () => {
  const steps: Transition[] = [
    { from: 'init', to: 'a', category: 'clothing' },
    { from: 'a', to: 'offer', category: 'shoes' },
  ];
  const sequence = (at: number, tag: string) => [click('clothing', `A${tag}`, at), click('shoes', `S${tag}`, at + 1)];

  it('holds back an offer within the cooldown of the last one, and sends it after', () => {
    const rules = rule(steps, { cooldownMinutes: 60 });
    const result = run(rules, [...sequence(0, '1'), ...sequence(30, '2'), ...sequence(62, '3')]);
    expect(result.offers).toEqual(['o-f', 'o-f']);
    expect(result.suppressed).toEqual(['cooldown']);
  });

  it('sends at most the cap per UTC day, and again the next day', () => {
    const rules = rule(steps, { maxOffersPerDay: 1 });
    const nextDay = (Date.UTC(2026, 0, 2, 0, 5) - T0) / MINUTE;
    const result = run(rules, [...sequence(0, '1'), ...sequence(120, '2'), ...sequence(nextDay, '3')]);
    expect(result.offers).toEqual(['o-f', 'o-f']);
    expect(result.suppressed).toEqual(['daily-cap']);
  });

  it('carries the offers it counts across continue-as-new', () => {
    const rules = rule(steps, { maxOffersPerDay: 1 });
    const first = run(rules, sequence(0, '1'));
    const resumed = new OfferStateMachine(rules, first.machine.state);
    for (const c of sequence(10, '2')) resumed.step(c);
    expect(resumed.state.offersAt).toEqual([T0 + MINUTE]);
  });
});
