/**
 * The shop's visitor: an id the server issued in a signed cookie (an upper-case GUID, as in the
 * original data) and the demographic the visitor chose, kept in the browser.
 */
import { isAge, type Gender } from '../../../lib/schema';

/** What the visitor chose to tell: "unknown" and null when they preferred not to say. */
export interface VisitorProfile {
  age: number | null;
  gender: Gender | 'unknown';
}

export interface VisitorIdentity extends VisitorProfile {
  userId: string;
}

/** The body fields of a click for this profile: what the visitor did not tell is left out. */
export function profileClickFields(profile: VisitorProfile): { age?: number; gender?: Gender } {
  return { ...(profile.age !== null ? { age: profile.age } : {}), ...(profile.gender !== 'unknown' ? { gender: profile.gender } : {}) };
}

/** How the shop names the visitor to themselves, e.g. "woman, 30" or "prefer not to say". */
export function describeProfile(profile: VisitorProfile): string {
  const gender = profile.gender === 'M' ? 'man' : profile.gender === 'F' ? 'woman' : null;
  const parts = [gender, profile.age === null ? null : String(profile.age)].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'prefer not to say';
}

/** Reads a stored profile (localStorage text); anything malformed is no profile. */
export function parseVisitorProfile(text: string | null): VisitorProfile | null {
  if (!text) return null;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const age = o.age ?? null;
    if (age !== null && !isAge(age)) return null;
    if (o.gender !== 'M' && o.gender !== 'F' && o.gender !== 'unknown') return null;
    return { age, gender: o.gender };
  } catch {
    return null;
  }
}

/**
 * Where to go once the visitor has chosen who they are: `next` when it is a page of this shop
 * (a path under /shop, with its query), else the shop's front page. Another site, a
 * protocol-relative `//host` or a backslash trick is never followed: no open redirect.
 */
export const shopReturnPath = (next: string | null): string => returnPath(next, '/shop');

/** Where to go back to after signing in or choosing who one is: a path of this site under `area` (with its query), else `area` itself. */
export function returnPath(next: string | null, area: '/shop' | '/dashboard'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return area;
  try {
    const base = 'http://site.invalid';
    const url = new URL(next, base);
    if (url.origin !== base || !(url.pathname === area || url.pathname.startsWith(`${area}/`))) return area;
    return url.pathname + url.search;
  } catch {
    return area;
  }
}
