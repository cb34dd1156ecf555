/**
 * What changed between two rule sets, as a list an operator reads before publishing or when
 * looking back at a version: each change with where it is, in words ("step 2 (clothes_visited →
 * shoes_visited, shoes) · within minutes"), and the value before and after. Steps, resets and
 * absences are matched as a list is (entries kept in order stay matched), so inserting a step
 * shows as one step added, not as every later step changed.
 */
import type { OfferRules } from './offer-rules';

export interface RuleChange {
  kind: 'added' | 'removed' | 'changed';
  /** Where, in words. */
  where: string;
  /** The value before and after, as compact JSON; absent on the side that has none. */
  before?: string;
  after?: string;
}

/** A diff of two versions is read on one screen; past this many changes the rest are counted. */
export const MAX_RULE_CHANGES = 40;

const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  initialState: 'initial state',
  offerState: 'offer state',
  windowMinutes: 'window (minutes)',
  transitions: 'steps',
  offerByGender: 'offer by gender',
  offers: 'offers',
  otherClicks: 'other clicks',
  resets: 'resets',
  absences: 'absences',
  cooldownMinutes: 'cooldown (minutes)',
  maxOffersPerDay: 'offers per day at most',
  holdoutPercent: 'holdout (% of visitors)',
  from: 'from',
  to: 'to',
  category: 'category',
  product: 'product',
  productStep: 'product compared with step',
  demographics: 'who',
  withinMinutes: 'within (minutes)',
  minutes: 'minutes',
  gender: 'gender',
  minAge: 'from age',
  maxAge: 'to age',
  M: 'men',
  F: 'women',
  title: 'title',
  copy: 'copy',
  discountPercent: 'discount (%)',
  categories: 'categories',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const show = (v: Json | undefined): string | undefined => (v === undefined ? undefined : JSON.stringify(v));
const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** An entry of a list named for people: a step by where it leads, an absence by its wait. */
function entryWords(list: string, entry: Json | undefined, index: number): string {
  const e = isObject(entry) ? entry : {};
  if (list === 'transitions') return `step ${index + 1} (${String(e.from)} → ${String(e.to)}, ${String(e.category)})`;
  if (list === 'resets') return `reset ${index + 1} (in ${String(e.from)}, ${String(e.category)})`;
  if (list === 'absences') return `absence ${index + 1} (${String(e.from)} → ${String(e.to)} after ${String(e.minutes)} minutes)`;
  if (list === 'demographics') return `group ${index + 1}`;
  return `${index + 1}`;
}

/** Which entries of `a` and `b` are the same, in order: the longest common subsequence by value. Lists are at most a hundred entries. */
function matches(a: Json[], b: Json[]): [number, number][] {
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] = same(a[i], b[j]) ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (same(a[i], b[j])) pairs.push([i++, j++]);
    else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function diff(before: Json | undefined, after: Json | undefined, where: string[], list: string, out: RuleChange[]): void {
  if (same(before, after)) return;
  const at = where.join(' · ') || 'rules';
  if (before === undefined) return void out.push({ kind: 'added', where: at, after: show(after) });
  if (after === undefined) return void out.push({ kind: 'removed', where: at, before: show(before) });
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const word = list === 'offers' ? `offer ${key}` : (FIELD_WORDS[key] ?? key);
      diff(before[key], after[key], [...where, word], key, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.every(isObject) && after.every(isObject)) {
    // Between two kept entries, the removed and added ones are paired in order as changed; the rest are removed or added.
    let i = 0;
    let j = 0;
    for (const [keptI, keptJ] of [...matches(before, after), [before.length, after.length]]) {
      const removed = keptI! - i;
      const added = keptJ! - j;
      const paired = Math.min(removed, added);
      for (let k = 0; k < paired; k++) diff(before[i + k], after[j + k], [...where, entryWords(list, after[j + k], j + k)], list, out);
      for (let k = paired; k < removed; k++) diff(before[i + k], undefined, [...where, entryWords(list, before[i + k], i + k)], list, out);
      for (let k = paired; k < added; k++) diff(undefined, after[j + k], [...where, entryWords(list, after[j + k], j + k)], list, out);
      i = keptI! + 1;
      j = keptJ! + 1;
    }
    return;
  }
  out.push({ kind: 'changed', where: at, before: show(before), after: show(after) });
}

/** The changes from `before` to `after`, at most MAX_RULE_CHANGES, and how many more there are. */
export function diffRules(before: OfferRules, after: OfferRules): { changes: RuleChange[]; more: number } {
  const all: RuleChange[] = [];
  diff(before as unknown as Json, after as unknown as Json, [], '', all);
  return { changes: all.slice(0, MAX_RULE_CHANGES), more: Math.max(0, all.length - MAX_RULE_CHANGES) };
}
