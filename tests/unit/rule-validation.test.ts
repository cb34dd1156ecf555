import { describe, expect, it } from 'vitest';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import {
  parseOfferRules,
  COOLDOWN_MINUTES_BOUNDS,
  HOLDOUT_PERCENT_BOUNDS,
  MAX_TRANSITIONS,
  OFFERS_PER_DAY_BOUNDS,
  WINDOW_MINUTES_BOUNDS,
} from '../../lib/offers/rule-validation';
import { CATEGORIES } from '../../lib/schema';

/** The default rules with some top-level fields replaced, as an operator might send them. */
const withRules = (patch: Record<string, unknown>): unknown => ({ ...OFFER_RULES, ...patch });
/** The default rules with transition `i`'s fields replaced. */
const withStep = (i: number, patch: Record<string, unknown>): unknown =>
  withRules({ transitions: OFFER_RULES.transitions.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
const demographicsOnFirstStep = (...demographics: unknown[]): unknown => withStep(0, { demographics });
const reason = (input: unknown): string => {
  const parsed = parseOfferRules(input);
  if (parsed.ok) throw new Error('expected the rules to be refused');
  return parsed.reason;
};
const value = (input: unknown): OfferRules => {
  const parsed = parseOfferRules(input);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

describe('parseOfferRules', () => {
  it('accepts the default rules as a fresh, equal copy', () => {
    const rules = value(OFFER_RULES);
    expect(rules).toEqual(OFFER_RULES);
    expect(rules).not.toBe(OFFER_RULES);
    expect(rules.transitions[0]!.demographics).not.toBe(OFFER_RULES.transitions[0]!.demographics);
    expect(value(JSON.parse(JSON.stringify(OFFER_RULES)))).toEqual(OFFER_RULES);
  });

  it('keeps only the known fields, leaving absent options out', () => {
    const rules = value(withStep(1, { product: undefined, demographics: undefined }));
    expect(Object.keys(rules.transitions[1]!)).toEqual(['from', 'to', 'category']);
    expect(Object.getPrototypeOf(rules)).toBe(Object.prototype);
  });

  it.each([
    ['null', null],
    ['an array', [OFFER_RULES]],
    ['a string', JSON.stringify(OFFER_RULES)],
    ['a number', 42],
    ['nothing', undefined],
  ])('refuses %s as rules', (_, input) => {
    expect(reason(input)).toMatch(/^rules: expected an object, got /);
  });

  it.each([
    ['top level', withRules({ extra: 1 }), 'rules: unknown field "extra"'],
    ['transition', withStep(2, { when: 'now' }), 'transitions[2]: unknown field "when"'],
    ['demographic', demographicsOnFirstStep({ gender: 'M', minAge: 1, maxAge: 2, country: 'FR' }), 'transitions[0].demographics[0]: unknown field "country"'],
    ['offerByGender', withRules({ offerByGender: { M: 'offer1', U: 'offer3' } }), 'offerByGender: unknown field "U" (known: M, F)'],
  ])('refuses an unknown field at the %s', (_, input, expected) => {
    expect(reason(input)).toContain(expected);
  });

  it('names every unknown field', () => {
    expect(reason(withRules({ a: 1, b: 2 }))).toContain('unknown fields "a", "b"');
  });

  it('refuses __proto__ and constructor keys instead of letting them reach a prototype', () => {
    const json = JSON.stringify(OFFER_RULES).replace(/^\{/, '{"__proto__":{"windowMinutes":5},');
    expect(reason(JSON.parse(json))).toContain('rules: unknown field "__proto__"');
    expect(reason(withStep(0, { constructor: 'x' }))).toContain('transitions[0]: unknown field "constructor"');
    expect(reason(Object.assign(Object.create({ polluted: true }), OFFER_RULES))).toBe('rules: expected a plain JSON object');
  });

  it.each([
    ['missing', withRules({ name: undefined }), 'name: missing'],
    ['empty', withRules({ name: '' }), 'name: must be a non-empty string, got ""'],
    ['not a string', withRules({ name: 7 }), 'name: must be a non-empty string, got 7'],
    ['too long', withRules({ name: 'x'.repeat(81) }), 'name: longer than 80 characters'],
    ['other characters', withRules({ name: 'a/b' }), 'name: "a/b" may hold only letters, digits, "-", "_" and spaces'],
    ['padded', withRules({ name: ' a' }), 'name: " a" must not start or end with a space'],
  ])('refuses a name that is %s', (_, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('accepts a name of 80 letters, digits, dashes, underscores and spaces', () => {
    const ruleName = `Été 2024 ${'x'.repeat(60)} _-`.padEnd(80, 'z');
    expect(value(withRules({ name: ruleName })).name).toBe(ruleName);
  });

  it('checks the initial and offer states, and that they differ', () => {
    expect(reason(withRules({ initialState: '' }))).toBe('initialState: must be a non-empty string, got ""');
    expect(reason(withRules({ offerState: 'off<er>' }))).toContain('offerState: "off<er>" may hold only letters');
    expect(reason(withRules({ offerState: 'init' }))).toBe('offerState: must differ from initialState (both "init")');
  });

  it.each([
    [0, 'got 0'],
    [24 * 60 + 1, 'got 1441'],
    [1.5, 'got 1.5'],
    ['30', 'got "30"'],
  ])('refuses a window of %s minutes', (windowMinutes, got) => {
    expect(reason(withRules({ windowMinutes }))).toBe(`windowMinutes: must be a whole number from 1 to 1440, ${got}`);
  });

  it('accepts windows at both bounds', () => {
    expect(value(withRules({ windowMinutes: 1 })).windowMinutes).toBe(1);
    expect(value(withRules({ windowMinutes: 24 * 60 })).windowMinutes).toBe(1440);
  });

  it('refuses transitions that are not a list, empty, or too many', () => {
    expect(reason(withRules({ transitions: {} }))).toBe('transitions: expected an array, got an object');
    expect(reason(withRules({ transitions: [] }))).toBe('transitions: empty — a rule needs at least one step');
    const many = Array.from({ length: MAX_TRANSITIONS + 1 }, () => OFFER_RULES.transitions[1]);
    expect(reason(withRules({ transitions: many }))).toBe('transitions: 101 steps, at most 100 allowed');
  });

  it.each([
    ['not an object', withRules({ transitions: [...OFFER_RULES.transitions, 'shoes'] }), 'transitions[5]: expected an object, got "shoes"'],
    ['without from', withStep(1, { from: undefined }), 'transitions[1].from: missing'],
    ['with an empty to', withStep(1, { to: '' }), 'transitions[1].to: must be a non-empty string, got ""'],
    ['without category', withStep(1, { category: undefined }), 'transitions[1].category: missing'],
    [
      'with an unknown product condition',
      withStep(3, { product: 'same' }),
      'transitions[3].product: must be "same-as-first" or "different-from-first", or absent for any product; got "same"',
    ],
    [
      'with a null product',
      withStep(3, { product: null }),
      'transitions[3].product: must be "same-as-first" or "different-from-first", or absent for any product; got null',
    ],
  ])('refuses a transition %s', (_, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('refuses an unknown category, listing the known ones', () => {
    expect(reason(withStep(2, { category: 'shose' }))).toBe(`transitions[2].category: unknown category "shose" (one of ${CATEGORIES.join(', ')})`);
    expect(CATEGORIES.join(', ')).toMatch(/^clothing, shoes, /);
  });

  it.each([
    ['null', withStep(0, { demographics: null }), 'transitions[0].demographics: must be a non-empty array, or absent for anyone; got null'],
    ['empty', demographicsOnFirstStep(), 'transitions[0].demographics: must be a non-empty array, or absent for anyone; got an array'],
    ['not objects', demographicsOnFirstStep('M'), 'transitions[0].demographics[0]: expected an object, got "M"'],
    [
      'of an unknown gender',
      demographicsOnFirstStep({ gender: 'U', minAge: 1, maxAge: 2 }),
      'transitions[0].demographics[0].gender: must be "M" or "F", got "U"',
    ],
    ['without maxAge', demographicsOnFirstStep({ gender: 'F', minAge: 1 }), 'transitions[0].demographics[0].maxAge: missing'],
    [
      'below age 0',
      demographicsOnFirstStep({ gender: 'F', minAge: -1, maxAge: 2 }),
      'transitions[0].demographics[0].minAge: must be a whole number from 0 to 120, got -1',
    ],
    [
      'above age 120',
      demographicsOnFirstStep({ gender: 'F', minAge: 1, maxAge: 121 }),
      'transitions[0].demographics[0].maxAge: must be a whole number from 0 to 120, got 121',
    ],
    [
      'of fractional age',
      demographicsOnFirstStep({ gender: 'F', minAge: 1.5, maxAge: 2 }),
      'transitions[0].demographics[0].minAge: must be a whole number from 0 to 120, got 1.5',
    ],
    ['reversed', demographicsOnFirstStep({ gender: 'F', minAge: 40, maxAge: 30 }), 'transitions[0].demographics[0]: minAge 40 is above maxAge 30'],
  ])('refuses demographics that are %s', (_, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('refuses overlapping age ranges of one gender in one transition, naming both', () => {
    const input = demographicsOnFirstStep(
      { gender: 'M', minAge: 35, maxAge: 45 },
      { gender: 'F', minAge: 25, maxAge: 35 },
      { gender: 'M', minAge: 45, maxAge: 50 },
    );
    expect(reason(input)).toBe('transitions[0].demographics[2]: overlapping age ranges with transitions[0].demographics[0] (M 45 to 50 and M 35 to 45)');
  });

  it('accepts adjacent ranges of one gender and equal ranges of different genders', () => {
    const input = demographicsOnFirstStep(
      { gender: 'M', minAge: 35, maxAge: 45 },
      { gender: 'M', minAge: 46, maxAge: 50 },
      { gender: 'F', minAge: 35, maxAge: 45 },
    );
    expect(value(input).transitions[0]!.demographics).toHaveLength(3);
  });

  it('accepts demographics on a later step, where the machine checks the click that takes it', () => {
    const demographics = [{ gender: 'F', minAge: 20, maxAge: 30 }];
    expect(value(withStep(3, { demographics })).transitions[3]!.demographics).toEqual(demographics);
    expect(reason(withStep(3, { demographics: [...demographics, { gender: 'F', minAge: 30, maxAge: 40 }] }))).toBe(
      'transitions[3].demographics[1]: overlapping age ranges with transitions[3].demographics[0] (F 30 to 40 and F 20 to 30)',
    );
  });

  it('refuses a product condition on a step from the initial state', () => {
    expect(reason(withStep(0, { product: 'same-as-first' }))).toBe(
      'transitions[0].product: not allowed on a transition from the initial state "init": there is no first product yet',
    );
  });

  it('refuses a step or an absence back into the initial state', () => {
    expect(reason(withStep(1, { to: 'init' }))).toContain('transitions[1].to: must not be the initial state "init"');
    expect(reason(withRules({ absences: [{ from: 'shoes_visited', to: 'init', minutes: 5 }] }))).toContain('absences[0].to: must not be the initial state');
  });

  it('refuses a reset that would always beat a transition', () => {
    expect(reason(withRules({ otherClicks: 'ignore', resets: [{ from: 'clothes_visited', category: 'shoes' }] }))).toBe(
      'resets[0]: the same state and category as transitions[1]: the reset would always win, and that step could never be taken',
    );
  });

  it('refuses a transition from the offer state', () => {
    const input = withRules({ transitions: [...OFFER_RULES.transitions, { from: 'offer', to: 'init', category: 'books' }] });
    expect(reason(input)).toBe('transitions[5].from: no transition may start from the offer state "offer": reaching it sends the offer and starts over');
  });

  it('refuses rules where no transition leaves the initial state', () => {
    expect(reason(withRules({ transitions: OFFER_RULES.transitions.slice(1) }))).toBe('transitions: none leaves the initial state "init"');
  });

  it('refuses rules whose offer state cannot be reached', () => {
    expect(reason(withRules({ transitions: OFFER_RULES.transitions.slice(0, 3) }))).toBe(
      'transitions: the offer state "offer" cannot be reached from the initial state "init"',
    );
  });

  it('names the first state that cannot be reached', () => {
    const transitions = [...OFFER_RULES.transitions, { from: 'lost', to: 'offer', category: 'books' }, { from: 'gone', to: 'lost', category: 'books' }];
    expect(reason(withRules({ transitions }))).toBe('transitions[5].from: state "lost" cannot be reached from the initial state "init"');
  });

  it.each([
    ['not an object', withRules({ offerByGender: 'offer1' }), 'offerByGender: expected an object, got "offer1"'],
    ['empty', withRules({ offerByGender: {} }), 'offerByGender: empty — name an offer for M, F or both'],
    ['an empty id', withRules({ offerByGender: { M: '' } }), 'offerByGender.M: must be an offer id of 1 to 40 letters, digits, "_" or "-", got ""'],
    [
      'an id with a space',
      withRules({ offerByGender: { F: 'offer 2' } }),
      'offerByGender.F: must be an offer id of 1 to 40 letters, digits, "_" or "-", got "offer 2"',
    ],
    [
      'too long an id',
      withRules({ offerByGender: { F: 'o'.repeat(41) } }),
      'offerByGender.F: must be an offer id of 1 to 40 letters, digits, "_" or "-", got a string of 41 characters',
    ],
    ['a null id', withRules({ offerByGender: { M: null } }), 'offerByGender.M: must be an offer id of 1 to 40 letters, digits, "_" or "-", got null'],
  ])('refuses offerByGender %s', (_, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('accepts an offer for one gender only', () => {
    const offers = { 'offer_2-b': OFFER_RULES.offers!.offer2 };
    expect(value(withRules({ offerByGender: { F: 'offer_2-b' }, offers })).offerByGender).toEqual({ F: 'offer_2-b' });
  });

  it('keeps the optional top-level fields out when they are absent', () => {
    expect(Object.keys(value(OFFER_RULES))).toEqual(['name', 'initialState', 'offerState', 'windowMinutes', 'transitions', 'offerByGender', 'offers']);
  });

  it('names only the first problem', () => {
    expect(reason(withRules({ name: '', windowMinutes: 0, transitions: [] }))).toBe('name: must be a non-empty string, got ""');
  });
});

/**
 * Every newer field at once: a clothing item (women 20 to 40), shoes within 10 minutes, another
 * clothing item (men or women by age), then the same shoes again; books while on the first item
 * start over; 20 quiet minutes after the second item count as the offer, 5 after the shoes step back.
 */
const FULL_RULES: OfferRules = {
  name: 'every option',
  initialState: 'start',
  offerState: 'done',
  windowMinutes: 60,
  transitions: [
    { from: 'start', to: 'clothes', category: 'clothing', demographics: [{ gender: 'F', minAge: 20, maxAge: 40 }] },
    { from: 'clothes', to: 'shoes', category: 'shoes', withinMinutes: 10 },
    {
      from: 'shoes',
      to: 'clothes2',
      category: 'clothing',
      product: 'different-from-first',
      demographics: [
        { gender: 'M', minAge: 30, maxAge: 50 },
        { gender: 'F', minAge: 20, maxAge: 40 },
      ],
    },
    { from: 'clothes2', to: 'done', category: 'shoes', product: 'same-as-first', productStep: 'shoes', withinMinutes: 60 },
  ],
  offerByGender: { M: 'offer1', F: 'offer2' },
  offers: OFFER_RULES.offers!,
  otherClicks: 'ignore',
  resets: [{ from: 'clothes', category: 'books' }],
  absences: [
    { from: 'clothes2', to: 'done', minutes: 20, category: 'shoes' },
    { from: 'shoes', to: 'clothes', minutes: 5 },
  ],
  cooldownMinutes: 24 * 60,
  maxOffersPerDay: 3,
  holdoutPercent: 10,
};

const withFull = (patch: Record<string, unknown>): unknown => ({ ...FULL_RULES, ...patch });
const withFullStep = (i: number, patch: Record<string, unknown>): unknown =>
  withFull({ transitions: FULL_RULES.transitions.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
const withAbsence = (i: number, patch: Record<string, unknown>): unknown =>
  withFull({ absences: FULL_RULES.absences!.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
const withReset = (patch: Record<string, unknown>): unknown => withFull({ resets: [{ ...FULL_RULES.resets![0], ...patch }] });

describe('parseOfferRules: step conditions, resets, absences and offer limits', () => {
  it('accepts rules using every option as a fresh, equal copy', () => {
    const rules = value(FULL_RULES);
    expect(rules).toEqual(FULL_RULES);
    expect(rules.resets).not.toBe(FULL_RULES.resets);
    expect(rules.absences![0]).not.toBe(FULL_RULES.absences![0]);
    expect(value(JSON.parse(JSON.stringify(FULL_RULES)))).toEqual(FULL_RULES);
    expect(Object.keys(rules.transitions[3]!)).toEqual(['from', 'to', 'category', 'product', 'productStep', 'withinMinutes']);
    expect(Object.keys(rules.absences![1]!)).toEqual(['from', 'to', 'minutes']);
  });

  it('accepts an offer state reached only by an absence', () => {
    const rules = {
      ...OFFER_RULES,
      transitions: OFFER_RULES.transitions.filter((t) => t.to !== 'offer'),
      absences: [{ from: 'shoes_visited', to: 'offer', minutes: 10 }],
    };
    expect(value(rules)).toEqual(rules);
  });

  it('accepts transitions out of a state reached only by an absence', () => {
    const rules = withFull({
      transitions: [...FULL_RULES.transitions, { from: 'waited', to: 'done', category: 'books' }],
      absences: [...FULL_RULES.absences!, { from: 'clothes', to: 'waited', minutes: 15 }],
    });
    expect(value(rules)).toEqual(rules);
  });

  it('still refuses an offer state reached by neither transitions nor absences', () => {
    const input = withFull({ transitions: FULL_RULES.transitions.slice(0, 3), absences: [{ from: 'shoes', to: 'clothes', minutes: 5 }] });
    expect(reason(input)).toContain('transitions: the offer state "done" cannot be reached from the initial state "start"');
  });

  it.each([
    ['resets', withFull({ resets: [{ from: 'clothes', category: 'books', after: 1 }] }), 'resets[0]: unknown field "after" (known: from, category)'],
    ['absences', withAbsence(1, { by: 'timer' }), 'absences[1]: unknown field "by" (known: from, to, minutes, category)'],
    ['transition', withFullStep(3, { productSteps: 'shoes' }), 'transitions[3]: unknown field "productSteps"'],
  ])('refuses an unknown field in %s', (_, input, expected) => {
    expect(reason(input)).toContain(expected);
  });

  describe('productStep', () => {
    it.each([
      ['without a product condition', withFullStep(1, { productStep: 'clothes' }), 'transitions[1].productStep: only allowed with a product condition'],
      ['that is not a state name', withFullStep(3, { productStep: '' }), 'transitions[3].productStep: must be a non-empty string, got ""'],
      ['naming the initial state', withFullStep(3, { productStep: 'start' }), 'transitions[3].productStep: must not be the initial state "start"'],
      ['naming the offer state', withFullStep(3, { productStep: 'done' }), 'transitions[3].productStep: must not be the offer state "done"'],
      ['naming a state no transition enters', withFullStep(3, { productStep: 'shose' }), 'transitions[3].productStep: no transition enters state "shose"'],
    ])('refuses one %s', (_, input, expected) => {
      expect(reason(input)).toContain(expected);
    });

    it('refuses a state entered only by an absence: no click product is recorded there', () => {
      const input = withFull({
        transitions: [...FULL_RULES.transitions, { from: 'waited', to: 'done', category: 'books', product: 'same-as-first', productStep: 'waited' }],
        absences: [...FULL_RULES.absences!, { from: 'clothes', to: 'waited', minutes: 15 }],
      });
      expect(reason(input)).toContain('transitions[4].productStep: no transition enters state "waited"');
    });
  });

  describe('withinMinutes', () => {
    it.each([
      [0, 'transitions[1].withinMinutes: must be a whole number from 1 to 1440, got 0'],
      [2.5, 'transitions[1].withinMinutes: must be a whole number from 1 to 1440, got 2.5'],
      ['10', 'transitions[1].withinMinutes: must be a whole number from 1 to 1440, got "10"'],
      [61, 'transitions[1].withinMinutes: 61 is above windowMinutes 60'],
    ])('refuses %s', (withinMinutes, expected) => {
      expect(reason(withFullStep(1, { withinMinutes }))).toContain(expected);
    });

    it('refuses it on a transition from the initial state', () => {
      expect(reason(withFullStep(0, { withinMinutes: 5 }))).toContain(
        'transitions[0].withinMinutes: not allowed on a transition from the initial state "start": there is no previous step',
      );
    });

    it('accepts the bounds', () => {
      expect(value(withFullStep(1, { withinMinutes: WINDOW_MINUTES_BOUNDS.min })).transitions[1]!.withinMinutes).toBe(1);
      expect(value(withFullStep(1, { withinMinutes: 60 })).transitions[1]!.withinMinutes).toBe(60);
    });
  });

  describe('otherClicks', () => {
    it.each(['reset', 'ignore'] as const)('accepts %s', (otherClicks) => {
      expect(value(withRules({ otherClicks })).otherClicks).toBe(otherClicks);
    });

    it.each([
      ['skip', 'got "skip"'],
      [null, 'got null'],
    ])('refuses %s', (otherClicks, got) => {
      expect(reason(withRules({ otherClicks }))).toContain(`otherClicks: must be "reset" or "ignore", or absent for "reset"; ${got}`);
    });
  });

  describe('resets', () => {
    it.each([
      ['not a list', withFull({ resets: { from: 'clothes', category: 'books' } }), 'resets: expected an array, or absent for none; got an object'],
      ['too many', withFull({ resets: Array.from({ length: MAX_TRANSITIONS + 1 }, () => FULL_RULES.resets![0]) }), 'resets: 101 entries, at most 100 allowed'],
      ['an entry not an object', withFull({ resets: ['books'] }), 'resets[0]: expected an object, got "books"'],
      ['without a category', withReset({ category: undefined }), 'resets[0].category: missing'],
      ['of an unknown category', withReset({ category: 'book' }), 'resets[0].category: unknown category "book" (one of clothing, shoes, '],
      ['without from', withReset({ from: undefined }), 'resets[0].from: missing'],
      ['from the initial state', withReset({ from: 'start' }), 'resets[0].from: no reset may start from the initial state "start"'],
      ['from the offer state', withReset({ from: 'done' }), 'resets[0].from: no reset may start from the offer state "done"'],
      [
        'from a state that cannot be reached',
        withReset({ from: 'nowhere' }),
        'resets[0].from: state "nowhere" cannot be reached from the initial state "start"',
      ],
    ])('refuses %s', (_, input, expected) => {
      expect(reason(input)).toContain(expected);
    });

    it('accepts an empty list and as many as transitions', () => {
      expect(value(withFull({ resets: [] })).resets).toEqual([]);
      const many = Array.from({ length: MAX_TRANSITIONS }, () => FULL_RULES.resets![0]);
      expect(value(withFull({ resets: many })).resets).toHaveLength(MAX_TRANSITIONS);
    });
  });

  describe('absences', () => {
    it.each([
      ['not a list', withFull({ absences: 'shoes' }), 'absences: expected an array, or absent for none; got "shoes"'],
      [
        'too many',
        withFull({ absences: Array.from({ length: MAX_TRANSITIONS + 1 }, () => FULL_RULES.absences![1]) }),
        'absences: 101 entries, at most 100 allowed',
      ],
      ['an entry not an object', withFull({ absences: [null] }), 'absences[0]: expected an object, got null'],
      ['without minutes', withAbsence(0, { minutes: undefined }), 'absences[0].minutes: missing'],
      ['from the initial state', withAbsence(1, { from: 'start' }), 'absences[1].from: no absence may start from the initial state "start"'],
      ['from the offer state', withAbsence(1, { from: 'done' }), 'absences[1].from: no absence may start from the offer state "done"'],
      [
        'from a state that cannot be reached',
        withAbsence(1, { from: 'nowhere' }),
        'absences[1].from: state "nowhere" cannot be reached from the initial state "start"',
      ],
      ['to a state that is not a name', withAbsence(1, { to: 'a/b' }), 'absences[1].to: "a/b" may hold only letters'],
      ['of 0 minutes', withAbsence(1, { minutes: 0 }), 'absences[1].minutes: must be a whole number from 1 to 1440, got 0'],
      ['of fractional minutes', withAbsence(1, { minutes: 1.5 }), 'absences[1].minutes: must be a whole number from 1 to 1440, got 1.5'],
      ['of more minutes than the window', withAbsence(1, { minutes: 61 }), 'absences[1].minutes: 61 is above windowMinutes 60'],
      ['of an unknown category', withAbsence(0, { category: 'shose' }), 'absences[0].category: unknown category "shose"'],
      ['of a null category', withAbsence(0, { category: null }), 'absences[0].category: unknown category null'],
      ['two from one state', withAbsence(1, { from: 'clothes2' }), 'absences[1].from: two absences from one state "clothes2" (absences[0] and absences[1])'],
    ])('refuses %s', (_, input, expected) => {
      expect(reason(input)).toContain(expected);
    });

    it('accepts an empty list and minutes at the window', () => {
      expect(value(withFull({ absences: [] })).absences).toEqual([]);
      expect(value(withAbsence(0, { minutes: 60 })).absences![0]!.minutes).toBe(60);
    });
  });

  describe('cooldownMinutes and maxOffersPerDay', () => {
    it.each([
      ['cooldownMinutes', 0, 'cooldownMinutes: must be a whole number from 1 to 43200, got 0'],
      ['cooldownMinutes', COOLDOWN_MINUTES_BOUNDS.max + 1, 'cooldownMinutes: must be a whole number from 1 to 43200, got 43201'],
      ['cooldownMinutes', 0.5, 'cooldownMinutes: must be a whole number from 1 to 43200, got 0.5'],
      ['maxOffersPerDay', 0, 'maxOffersPerDay: must be a whole number from 1 to 100, got 0'],
      ['maxOffersPerDay', OFFERS_PER_DAY_BOUNDS.max + 1, 'maxOffersPerDay: must be a whole number from 1 to 100, got 101'],
      ['maxOffersPerDay', '3', 'maxOffersPerDay: must be a whole number from 1 to 100, got "3"'],
      ['holdoutPercent', -1, 'holdoutPercent: must be a whole number from 0 to 50, got -1'],
      ['holdoutPercent', HOLDOUT_PERCENT_BOUNDS.max + 1, 'holdoutPercent: must be a whole number from 0 to 50, got 51'],
      ['holdoutPercent', 12.5, 'holdoutPercent: must be a whole number from 0 to 50, got 12.5'],
    ])('refuses %s of %s', (field, n, expected) => {
      expect(reason(withRules({ [field]: n }))).toContain(expected);
    });

    it('accepts both bounds', () => {
      for (const n of [COOLDOWN_MINUTES_BOUNDS.min, COOLDOWN_MINUTES_BOUNDS.max]) expect(value(withRules({ cooldownMinutes: n })).cooldownMinutes).toBe(n);
      for (const n of [OFFERS_PER_DAY_BOUNDS.min, OFFERS_PER_DAY_BOUNDS.max]) expect(value(withRules({ maxOffersPerDay: n })).maxOffersPerDay).toBe(n);
      for (const n of [HOLDOUT_PERCENT_BOUNDS.min, HOLDOUT_PERCENT_BOUNDS.max]) expect(value(withRules({ holdoutPercent: n })).holdoutPercent).toBe(n);
      expect(COOLDOWN_MINUTES_BOUNDS.max).toBe(30 * 24 * 60);
    });
  });
});
