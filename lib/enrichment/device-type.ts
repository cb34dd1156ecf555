import { UAParser } from 'ua-parser-js';
import type { DeviceType } from '../schema';

// ua-parser-js 1.x (MIT; 2.x is AGPL) knows phones and tablets but not crawlers, so bots are matched first.
const BOT = /bot|crawl|spider|slurp|archiver|facebookexternalhit|mediapartners|headlesschrome|lighthouse/i;
const DESKTOP_OS = new Set(['Windows', 'Mac OS', 'macOS', 'Linux', 'Ubuntu', 'Debian', 'Fedora', 'Chromium OS', 'FreeBSD']);

/** Device type of a user agent: Mobile, Tablet, Desktop, Bot or Other (no browser, unknown platform). */
export function deviceTypeOf(userAgent: string): DeviceType {
  if (BOT.test(userAgent)) return 'Bot';
  const ua = new UAParser(userAgent).getResult();
  if (ua.device.type === 'mobile') return 'Mobile';
  if (ua.device.type === 'tablet') return 'Tablet';
  if (ua.device.type === undefined && ua.browser.name && ua.os.name && DESKTOP_OS.has(ua.os.name)) return 'Desktop';
  return 'Other';
}

/** Click logs repeat few user agents many times: parse each once. Bounded, oldest dropped first. */
export function memoizedDeviceTypeOf(limit = 10_000): (userAgent: string) => DeviceType {
  const seen = new Map<string, DeviceType>();
  return (userAgent) => {
    let type = seen.get(userAgent);
    if (type === undefined) {
      type = deviceTypeOf(userAgent);
      if (seen.size >= limit) seen.delete(seen.keys().next().value as string);
      seen.set(userAgent, type);
    }
    return type;
  };
}
