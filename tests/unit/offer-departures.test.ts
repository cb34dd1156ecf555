/**
 * Where our offer detection departs from the original template's, each beside the original's own
 * detection (tests/original-detection.ts), and a search for any other departure: every short
 * sequence of a small alphabet through the state machine, and seeded random longer ones through the
 * feed's filter and the workflow's class. docs/offers.md, "Where it departs from the original".
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../scripts/datagen/prng';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { OfferStateMachine, type MachineState, type VisitorClick } from '../../lib/offers/offer-state-machine';
import { clicksOf, F30, F50, M40, M50, MINUTE, pipelineOffers, T0, UNKNOWN, type Who } from '../offer-pipeline';
import { originalOffers, OUR_DEPARTURES, type Departures } from '../original-detection';

/** Ours: through the feed one click at a time and in one batch, which must agree. */
function ourOffers(clicks: VisitorClick[]): string[] {
  const one = pipelineOffers(clicks, 1);
  expect(pipelineOffers(clicks, clicks.length)).toEqual(one);
  return one;
}

describe('where offer detection departs from the original', () => {
  it("(a) a sequence completed by a visitor who did not say their gender sends no offer, where the original sent the women's offer2", () => {
    const clicks = clicksOf([
      [F30, 'clothing', 'A'],
      [F30, 'shoes', 'S'],
      [UNKNOWN, 'clothing', 'B'],
    ]);
    expect(originalOffers(clicks)).toEqual(['offer2']);
    expect(ourOffers(clicks)).toEqual([]);
    expect(originalOffers(clicks, { unknownGenderGetsNoOffer: true })).toEqual([]);
  });

  it('(b) a click after the window ran out is judged again from the start and may begin a sequence, where the original dropped it', () => {
    // B comes 31 minutes after A: A's sequence has run out, and B starts the next one.
    const clicks = clicksOf([
      [M40, 'clothing', 'A'],
      [M40, 'clothing', 'B', 31],
      [M40, 'shoes', 'S', 32],
      [M40, 'clothing', 'C', 33],
    ]);
    expect(originalOffers(clicks)).toEqual([]);
    expect(ourOffers(clicks)).toEqual(['offer1']);
    expect(originalOffers(clicks, { expiredClickStartsOver: true })).toEqual(['offer1']);
  });

  it('(c) a click exactly 30 minutes after the first is inside the window, where the original found it too late', () => {
    const at = (minute: number) =>
      clicksOf([
        [F30, 'clothing', 'A'],
        [F30, 'shoes', 'S', 10],
        [F30, 'clothing', 'B', minute],
      ]);
    expect(originalOffers(at(30))).toEqual([]);
    expect(ourOffers(at(30))).toEqual(['offer2']);
    expect(originalOffers(at(30), { windowIncludesItsEnd: true })).toEqual(['offer2']);
    // Either side of that instant the two agree.
    const oneMs = 1 / MINUTE;
    for (const minute of [30 - oneMs, 30 + oneMs]) expect(ourOffers(at(minute))).toEqual(originalOffers(at(minute)));
    expect(ourOffers(at(30 - oneMs))).toEqual(['offer2']);
  });

  it("(d) a visitor whose clicks come with a bot's user agent gets no offer, where the original sent one", () => {
    const clicks = clicksOf([
      [F30, 'clothing', 'A'],
      [F30, 'shoes', 'S'],
      [F30, 'clothing', 'B'],
    ]);
    expect(originalOffers(clicks)).toEqual(['offer2']);
    expect(pipelineOffers(clicks, 1)).toEqual(['offer2']);
    expect(pipelineOffers(clicks, 1, new Set(clicks.map((c) => c.clickId)))).toEqual([]);
  });
});

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Ours beside the original on many sequences: equal to it with all our departures, and which of them each difference needs. */
class Comparison {
  sequences = 0;
  offers = 0;
  /** Sequences the original decides otherwise than ours. */
  differing = 0;
  /** Per departure, the differing sequences the original with all our departures but that one still decides otherwise. */
  readonly needs: Record<keyof Departures, number> = { unknownGenderGetsNoOffer: 0, expiredClickStartsOver: 0, windowIncludesItsEnd: 0 };
  /** The first few sequences our departures do not explain: a departure nobody wrote down. */
  readonly unexplained: VisitorClick[][] = [];

  add(clicks: VisitorClick[], ours: string[]): void {
    this.sequences += 1;
    this.offers += ours.length;
    if (!same(ours, originalOffers(clicks, OUR_DEPARTURES)) && this.unexplained.length < 3) this.unexplained.push(clicks);
    if (same(ours, originalOffers(clicks))) return;
    this.differing += 1;
    for (const key of Object.keys(this.needs) as (keyof Departures)[]) {
      if (!same(ours, originalOffers(clicks, { ...OUR_DEPARTURES, [key]: false }))) this.needs[key] += 1;
    }
  }

  /** Nothing unexplained, and each of the departures `seen` needed by some sequence. */
  check(seen: (keyof Departures)[]): void {
    expect(this.unexplained).toEqual([]);
    expect(this.offers).toBeGreaterThan(0);
    expect(this.differing).toBeGreaterThan(0);
    for (const key of seen) expect(this.needs[key], key).toBeGreaterThan(0);
  }
}

/** Every sequence of four letters of `alphabet`, each `gap` minutes after the one before, through the state machine. */
function everySequenceOfFour(alphabet: { who: Who; category: string; productId: string; gap: number }[]): Comparison {
  const comparison = new Comparison();
  // Depth first, each prefix's machine carried on to its extensions rather than run again from the start.
  const extend = (prefix: VisitorClick[], state: MachineState | undefined, ours: string[]): void => {
    if (prefix.length === 4) return comparison.add(prefix, ours);
    const previous = prefix.at(-1)?.timestamp ?? T0;
    for (const { who, category, productId, gap } of alphabet) {
      const click = { clickId: `c${prefix.length}`, productId, category, timestamp: previous + gap * MINUTE, ...who };
      const machine = new OfferStateMachine(OFFER_RULES, state);
      const offer = machine.step(click).offer;
      extend([...prefix, click], machine.state, offer ? [...ours, offer.offerId] : ours);
    }
  };
  extend([], undefined, []);
  expect(comparison.sequences).toBe(alphabet.length ** 4);
  return comparison;
}

const PRODUCTS: [category: string, productId: string][] = [
  ['clothing', 'A'],
  ['clothing', 'B'],
  ['shoes', 'S'],
  ['books', 'K'],
];

// Four clicks cover every shorter sequence too: offers are appended, so a difference in a prefix stays one.
// Tens of thousands of sequences: a second or two alone, more on a busy two-core machine.
describe('no other departure', { timeout: 30_000 }, () => {
  it('in any four clicks at once of a targeted, an untargeted and an unknown visitor, over two clothing products, shoes and books', () => {
    const alphabet = [F30, M50, UNKNOWN].flatMap((who) => PRODUCTS.map(([category, productId]) => ({ who, category, productId, gap: 0 })));
    everySequenceOfFour(alphabet).check(['unknownGenderGetsNoOffer']);
  });

  it('in any four clicks of a targeted visitor over the same products, each 0, 30 or 31 minutes after the one before', () => {
    const alphabet = [0, 30, 31].flatMap((gap) => PRODUCTS.map(([category, productId]) => ({ who: F30, category, productId, gap })));
    everySequenceOfFour(alphabet).check(['expiredClickStartsOver', 'windowIncludesItsEnd']);
  });

  it("in seeded random sequences of up to 12 clicks through the feed and the workflow's class, in random batches, out of order at times", () => {
    const rng = new Rng(21, 'offer-departures');
    // Mostly one targeted visitor walking the offer's path; at times a stray click, or someone else on the same device.
    const others: Who[] = [F50, M50, UNKNOWN, { gender: 'F', age: null }, F30, M40];
    const path = [
      ['A', 'B', 'C'],
      ['S', 'T'],
      ['A', 'B', 'C'],
    ].map((ids, i) => ids.map((id): [string, string] => [i === 1 ? 'shoes' : 'clothing', id]));
    const strays: [string, string][] = [...PRODUCTS, ['handbags', 'H']];
    // Minutes: the window's edge to the millisecond either side, past it, and a click arriving late.
    const gaps = [0, 1, 2, 5, 10, 30 - 1 / MINUTE, 30, 30 + 1 / MINUTE, 31, -5];
    const comparison = new Comparison();
    for (let i = 0; i < 400; i++) {
      const visitor = rng.pick([F30, M40]);
      let minute = 0;
      const steps = Array.from({ length: rng.int(1, 12) }, (_, j): [Who, string, string, number] => {
        const [category, productId] = rng.pick(rng.chance(0.75) ? path[j % path.length]! : strays);
        minute += rng.pick(gaps);
        return [rng.chance(0.8) ? visitor : rng.pick(others), category, productId, minute];
      });
      const clicks = clicksOf(steps);
      comparison.add(clicks, pipelineOffers(clicks, rng.int(1, clicks.length)));
    }
    comparison.check(['unknownGenderGetsNoOffer', 'expiredClickStartsOver', 'windowIncludesItsEnd']);
  });
});
