import { describe, expect, it } from 'vitest';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import { MAX_SEQUENCE_CLICKS, OfferStateMachine, type VisitorClick } from '../../lib/offers/offer-state-machine';
import { booksThenGames } from '../offer-rule-examples';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
let n = 0;
const click = (category: string, productId: string, at = T0, who: Pick<VisitorClick, 'gender' | 'age'> = { gender: 'F', age: 30 }): VisitorClick => ({
  clickId: `c${++n}`,
  productId,
  category,
  timestamp: at,
  ...who,
});

/** The states each click entered, and the offer at the end if any. */
function run(clicks: VisitorClick[], rules: OfferRules = OFFER_RULES) {
  const machine = new OfferStateMachine(rules);
  const steps = clicks.map((c) => machine.step(c));
  return { entered: steps.map((s) => s.entered), offers: steps.flatMap((s) => (s.offer ? [s.offer] : [])), state: machine.state.state };
}

describe('the default offer rule', () => {
  it('walks init → clothes_visited → shoes_visited → offer and starts over', () => {
    const clicks = [click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B')];
    const result = run(clicks);
    expect(result.entered).toEqual([['clothes_visited'], ['shoes_visited'], ['offer']]);
    expect(result.offers).toEqual([
      {
        offerId: 'offer2',
        clickIds: clicks.map((c) => c.clickId),
        // Which click took which step: what the offer says to explain itself.
        steps: ['clothes_visited', 'shoes_visited', 'offer'].map((state, i) => ({
          state,
          at: T0,
          clickId: clicks[i]!.clickId,
          productId: clicks[i]!.productId,
          category: clicks[i]!.category,
        })),
      },
    ]);
    expect(result.state).toBe('init');
  });

  it('sends offer1 to men and offer2 to women', () => {
    const man = { gender: 'M' as const, age: 40 };
    expect(run([click('clothing', 'A', T0, man), click('shoes', 'S', T0, man), click('clothing', 'B', T0, man)]).offers[0]?.offerId).toBe('offer1');
    expect(run([click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B')]).offers[0]?.offerId).toBe('offer2');
  });

  it.each([
    ['F', 24, false],
    ['F', 25, true],
    ['F', 35, true],
    ['F', 36, false],
    ['M', 34, false],
    ['M', 35, true],
    ['M', 45, true],
    ['M', 46, false],
  ] as const)('lets a %s visitor aged %i start a sequence: %s', (gender, age, starts) => {
    expect(run([click('clothing', 'A', T0, { gender, age })]).state).toBe(starts ? 'clothes_visited' : 'init');
  });

  it('needs a known gender and age to start', () => {
    expect(run([click('clothing', 'A', T0, { gender: 'U', age: 30 })]).state).toBe('init');
    expect(run([click('clothing', 'A', T0, { gender: 'F', age: null })]).state).toBe('init');
  });

  it('stays in clothes_visited on more clothing', () => {
    expect(run([click('clothing', 'A'), click('clothing', 'B')]).entered).toEqual([['clothes_visited'], ['clothes_visited']]);
  });

  it('goes back to clothes_visited when the first clothing product is clicked after shoes, and then can still reach the offer', () => {
    const result = run([click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'A'), click('shoes', 'T'), click('clothing', 'C')]);
    expect(result.entered).toEqual([['clothes_visited'], ['shoes_visited'], ['clothes_visited'], ['shoes_visited'], ['offer']]);
    expect(result.offers).toHaveLength(1);
  });

  it('ignores a page refresh (the same product twice in a row) in any state', () => {
    const result = run([click('clothing', 'A'), click('clothing', 'A'), click('shoes', 'S'), click('shoes', 'S'), click('clothing', 'B')]);
    expect(result.entered).toEqual([['clothes_visited'], [], ['shoes_visited'], [], ['offer']]);
  });

  it('resets on a click that fits no transition, and forgets the sequence', () => {
    const result = run([click('clothing', 'A'), click('books', 'K'), click('shoes', 'S'), click('clothing', 'B')]);
    // Shoes in init fit nothing; the clothing click starts a new sequence instead of sending an offer.
    expect(result.entered).toEqual([['clothes_visited'], ['init'], [], ['clothes_visited']]);
    expect(result.offers).toEqual([]);
  });

  it('resets from shoes_visited on a second pair of shoes', () => {
    expect(run([click('clothing', 'A'), click('shoes', 'S'), click('shoes', 'T')]).entered).toEqual([['clothes_visited'], ['shoes_visited'], ['init']]);
  });

  it('leaves a click that fits nothing in init unlogged', () => {
    expect(run([click('shoes', 'S'), click('books', 'K')]).entered).toEqual([[], []]);
  });

  it('needs a new sequence after an offer: shoes then clothing alone send nothing more', () => {
    const result = run([click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B'), click('shoes', 'T'), click('clothing', 'C')]);
    expect(result.offers).toHaveLength(1);
    expect(result.state).toBe('clothes_visited');
  });

  it('counts a click at exactly 30 minutes after the first, not one a millisecond later', () => {
    const within = run([click('clothing', 'A'), click('shoes', 'S', T0 + 10 * MINUTE), click('clothing', 'B', T0 + 30 * MINUTE)]);
    expect(within.offers).toHaveLength(1);
    const late = run([click('clothing', 'A'), click('shoes', 'S', T0 + 10 * MINUTE), click('clothing', 'B', T0 + 30 * MINUTE + 1)]);
    expect(late.offers).toEqual([]);
    // The window expired: the late clothing click resets, then starts a new sequence of its own.
    expect(late.entered[2]).toEqual(['init', 'clothes_visited']);
  });

  it('measures the window from the first click of the sequence, not the last', () => {
    const result = run([
      click('clothing', 'A'),
      click('clothing', 'B', T0 + 20 * MINUTE),
      click('shoes', 'S', T0 + 25 * MINUTE),
      click('clothing', 'C', T0 + 35 * MINUTE),
    ]);
    expect(result.offers).toEqual([]);
  });

  it('keeps only the last clicks of a very long sequence for the offer', () => {
    const browsing = Array.from({ length: MAX_SEQUENCE_CLICKS + 10 }, (_, i) => click('clothing', `P${i}`));
    const [last] = run([...browsing, click('shoes', 'S'), click('clothing', 'Z')]).offers;
    expect(last?.clickIds).toHaveLength(MAX_SEQUENCE_CLICKS);
    expect(last?.clickIds.at(-1)).toBe(`c${n}`);
  });

  it('resumes from a carried state, as after continue-as-new', () => {
    const first = new OfferStateMachine(OFFER_RULES);
    first.step(click('clothing', 'A'));
    first.step(click('shoes', 'S'));
    const resumed = new OfferStateMachine(OFFER_RULES, first.state);
    expect(resumed.step(click('clothing', 'B')).offer?.offerId).toBe('offer2');
  });
});

describe('changed rules', () => {
  it('take effect without code changes: a new offer, a new path, other demographics and window', () => {
    const rules = booksThenGames({ initialState: 'start', offerState: 'gamer', windowMinutes: 5 });
    const man = { gender: 'M' as const, age: 20 };
    expect(run([click('books', 'K', T0, man), click('games', 'G', T0 + MINUTE, man)], rules).offers.map((o) => o.offerId)).toEqual(['offer-games']);
    expect(run([click('books', 'K', T0, man), click('games', 'G', T0 + 6 * MINUTE, man)], rules).offers).toEqual([]);
    expect(run([click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B')], rules).offers).toEqual([]);
  });

  it('send nothing to a gender without an offer', () => {
    const rules: OfferRules = { ...OFFER_RULES, offerByGender: { M: 'offer1' } };
    const result = run([click('clothing', 'A'), click('shoes', 'S'), click('clothing', 'B')], rules);
    expect(result.offers).toEqual([]);
    expect(result.state).toBe('init');
  });
});
