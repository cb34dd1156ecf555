/** The user agents of the generated log: browsers of 2026, crawlers and a few scripts. */
import type { DeviceType } from '../../lib/schema';
import { type Rng, WeightedTable } from './prng';

/** Share of visitors per device type, in percent. */
export const DEVICE_SHARES: Readonly<Record<DeviceType, number>> = { Desktop: 55, Mobile: 30, Tablet: 10, Bot: 4, Other: 1 };

export interface UserAgent {
  text: string;
  device: DeviceType;
  /** Relative weight among the user agents of the same device type. */
  weight: number;
  /** Holder of the IP blocks this agent always comes from (crawlers, scripts in data centres). */
  network?: string;
}

const CHROME = 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0';
const SAFARI = 'AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5';
const GOOGLEBOT = '(compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

export const USER_AGENTS: readonly UserAgent[] = [
  { device: 'Desktop', weight: 30, text: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${CHROME} Safari/537.36` },
  { device: 'Desktop', weight: 8, text: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36' },
  { device: 'Desktop', weight: 10, text: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${CHROME} Safari/537.36 Edg/137.0.0.0` },
  { device: 'Desktop', weight: 7, text: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0' },
  {
    device: 'Desktop',
    weight: 2,
    text: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36 OPR/120.0.0.0',
  },
  { device: 'Desktop', weight: 12, text: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${CHROME} Safari/537.36` },
  { device: 'Desktop', weight: 12, text: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${SAFARI} Safari/605.1.15` },
  { device: 'Desktop', weight: 3, text: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:139.0) Gecko/20100101 Firefox/139.0' },
  { device: 'Desktop', weight: 3, text: `Mozilla/5.0 (X11; Linux x86_64) ${CHROME} Safari/537.36` },
  { device: 'Desktop', weight: 2, text: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0' },

  { device: 'Mobile', weight: 30, text: `Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) ${SAFARI} Mobile/15E148 Safari/604.1` },
  {
    device: 'Mobile',
    weight: 8,
    text: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'Mobile',
    weight: 5,
    text: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/137.0.7151.79 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'Mobile',
    weight: 3,
    text: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 385.0.0.32.83 (iPhone15,2; iOS 18_5; en_GB; en-GB; scale=3.00; 1179x2556; 751437614)',
  },
  { device: 'Mobile', weight: 30, text: `Mozilla/5.0 (Linux; Android 10; K) ${CHROME} Mobile Safari/537.36` },
  { device: 'Mobile', weight: 4, text: `Mozilla/5.0 (Linux; Android 15; Pixel 8) ${CHROME} Mobile Safari/537.36` },
  {
    device: 'Mobile',
    weight: 8,
    text: 'Mozilla/5.0 (Linux; Android 14; SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
  },
  { device: 'Mobile', weight: 2, text: 'Mozilla/5.0 (Android 14; Mobile; rv:139.0) Gecko/139.0 Firefox/139.0' },

  { device: 'Tablet', weight: 45, text: `Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) ${SAFARI} Mobile/15E148 Safari/604.1` },
  { device: 'Tablet', weight: 25, text: `Mozilla/5.0 (Linux; Android 14; SM-X710) ${CHROME} Safari/537.36` },
  { device: 'Tablet', weight: 10, text: `Mozilla/5.0 (Linux; Android 13; Lenovo TB-X606F) ${CHROME} Safari/537.36` },
  {
    device: 'Tablet',
    weight: 10,
    text: 'Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/128.3.1 like Chrome/128.0.6613.187 Safari/537.36',
  },
  { device: 'Tablet', weight: 5, text: 'Mozilla/5.0 (Android 14; Tablet; rv:139.0) Gecko/139.0 Firefox/139.0' },

  { device: 'Bot', weight: 35, network: 'Google', text: `Mozilla/5.0 ${GOOGLEBOT}` },
  {
    device: 'Bot',
    weight: 25,
    network: 'Google',
    text: `Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.7151.103 Mobile Safari/537.36 ${GOOGLEBOT}`,
  },
  { device: 'Bot', weight: 25, network: 'Microsoft', text: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
  { device: 'Bot', weight: 10, network: 'Yandex', text: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)' },

  { device: 'Other', weight: 25, network: 'Hetzner', text: 'curl/8.7.1' },
  { device: 'Other', weight: 25, network: 'Hetzner', text: 'python-requests/2.32.3' },
  { device: 'Other', weight: 10, network: 'Hetzner', text: 'Wget/1.21.4' },
  { device: 'Other', weight: 15, network: 'Hetzner', text: 'Java/17.0.11' },
  { device: 'Other', weight: 15, text: '-' },
  // Quotes and a comma inside, as odd clients send: exercises CSV quoting downstream.
  { device: 'Other', weight: 10, text: 'Mozilla/4.0 (compatible; "ShopWatch" price monitor, v2)' },
];

/** Draws user agents so that device types follow DEVICE_SHARES. */
export class UserAgentSampler {
  private readonly table = new WeightedTable(USER_AGENTS.map((ua) => (DEVICE_SHARES[ua.device] * ua.weight) / totalWeight(ua.device)));

  sample(rng: Rng): UserAgent {
    return USER_AGENTS[this.table.sample(rng)]!;
  }
}

function totalWeight(device: DeviceType): number {
  return USER_AGENTS.filter((ua) => ua.device === device).reduce((sum, ua) => sum + ua.weight, 0);
}
