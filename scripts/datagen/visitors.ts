/** The shop's registered visitors (users.json): demographics with gaps, as in the original. */
import type { Gender, Visitor } from '../../lib/schema';
import { CLICK_LOG_START_MS } from './log-period';
import { Rng, weightedPick } from './prng';

export const GENDER_MISSING_RATE = 0.08;
export const BIRTH_DATE_MISSING_RATE = 0.1;
export const MIN_AGE = 16;
export const MAX_AGE = 80;

const YEAR_MS = 365.2425 * 86_400_000;

export function generateVisitors(seed: number, count: number): Visitor[] {
  const rng = new Rng(seed, 'visitors');
  const seen = new Set<string>();
  const visitors: Visitor[] = [];
  while (visitors.length < count) {
    const userId = rng.guid();
    if (seen.has(userId)) continue;
    seen.add(userId);
    const visitor: Visitor = { userId };
    if (!rng.chance(GENDER_MISSING_RATE)) visitor.gender = randomGender(rng);
    if (!rng.chance(BIRTH_DATE_MISSING_RATE)) visitor.birthDate = randomBirthDate(rng);
    visitors.push(visitor);
  }
  return visitors;
}

/** One users.json line, fields in a fixed order, missing ones left out. */
export function visitorJsonLine(visitor: Visitor): string {
  const { userId, gender, birthDate } = visitor;
  return `${JSON.stringify({ userId, gender, birthDate })}\n`;
}

/** A fashion shop's registered visitors: slightly more women than men. */
function randomGender(rng: Rng): Gender {
  return weightedPick<Gender>(rng, [
    ['F', 53],
    ['M', 47],
  ]);
}

/**
 * Ages on the log's first day: mostly young and middle-aged shoppers (20 to 50), with a tail of
 * older ones; redrawn until inside [MIN_AGE, MAX_AGE] rather than clamped, so the bounds get no pile-up.
 */
function randomBirthDate(rng: Rng): string {
  let age: number;
  do {
    age = rng.chance(0.85) ? rng.normal(35, 10) : rng.normal(58, 11);
  } while (age < MIN_AGE || age >= MAX_AGE + 1);
  return new Date(CLICK_LOG_START_MS - age * YEAR_MS).toISOString().slice(0, 10);
}
