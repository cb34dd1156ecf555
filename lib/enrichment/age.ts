import { isAge } from '../schema';

/** Whole years from a YYYY-MM-DD birth date to an event time (ms, UTC); null if the date is not valid. */
export function ageAt(birthDate: string, timestamp: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(timestamp);
  let age = at.getUTCFullYear() - year;
  const beforeBirthday = at.getUTCMonth() + 1 < month || (at.getUTCMonth() + 1 === month && at.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return isAge(age) ? age : null;
}
