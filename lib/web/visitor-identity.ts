/** The shop's visitor: an id as in the original data (upper-case GUID) and a chosen demographic. */
import type { Gender } from '../schema';

export interface VisitorIdentity {
  userId: string;
  age: number;
  gender: Gender;
}

export const newVisitorId = (): string => crypto.randomUUID().toUpperCase();

/** Reads a stored identity (localStorage text); anything malformed is no identity. */
export function parseVisitorIdentity(text: string | null): VisitorIdentity | null {
  if (!text) return null;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o.userId !== 'string' || !/^[0-9A-F-]{36}$/.test(o.userId)) return null;
    if (typeof o.age !== 'number' || !Number.isInteger(o.age) || o.age < 0 || o.age > 130) return null;
    if (o.gender !== 'M' && o.gender !== 'F') return null;
    return { userId: o.userId, age: o.age, gender: o.gender };
  } catch {
    return null;
  }
}
