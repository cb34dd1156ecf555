/**
 * The Omniture-style click log: sessions of product page views over 15 days, yielded row by row
 * in time order so a writer can stream any number of rows in bounded memory.
 *
 * Sessions are generated hour by hour (each hour's share of the rows follows the daily rhythm);
 * a session that runs past its hour is carried over, so each hour is sorted and emitted as soon as
 * no later session can reach back into it.
 */
import { CLICK_LOG_COLUMNS, PRODUCT_URL_PREFIX, type Product, type Visitor } from '../../lib/schema';
import { CLICK_LOG_END_MS, CLICK_LOG_START_MS } from './log-period';
import { Rng } from './prng';
import { ProductBrowser } from './product-browser';
import { randomProductId } from './products';
import { hourlyQuotas } from './rhythm';
import { VisitorPool, type SessionVisitor } from './visitor-pool';

/** About 30 broken rows in the default 600,000: enough to exercise every rejection path. */
export const DEFAULT_MALFORMED_RATE = 1 / 20_000;
/** Valid rows whose URL is no known product page (home page, search, a withdrawn product). */
export const DEFAULT_ODD_URL_RATE = 1 / 2_000;
/** Share of sessions by visitors absent from users.json. */
export const DEFAULT_UNREGISTERED_RATE = 0.05;

const TIME = CLICK_LOG_COLUMNS.indexOf('Unix Timestamp');
const VISITOR_ID = CLICK_LOG_COLUMNS.indexOf('Visitor Unique ID');
const IP = CLICK_LOG_COLUMNS.indexOf('IP Address');
const USER_AGENT = CLICK_LOG_COLUMNS.indexOf('User Agent');
const PAGE_URL = CLICK_LOG_COLUMNS.indexOf('Product Page URL');

const MAX_SESSION_CLICKS = 15;
const MEAN_EXTRA_CLICKS = 3;

export interface ClickLogOptions {
  seed: number;
  /** Exactly this many rows are yielded, header not included. */
  rows: number;
  products: readonly Product[];
  /** The registered visitors (users.json). */
  visitors: readonly Visitor[];
  malformedRate?: number;
  oddUrlRate?: number;
  unregisteredRate?: number;
}

/** One row, fields in CLICK_LOG_COLUMNS order. */
export type ClickLogRow = string[];

interface Click {
  /** Unix seconds. */
  time: number;
  /** Creation order: ties in time keep it, so the output does not depend on the sort algorithm. */
  seq: number;
  visitor: SessionVisitor;
  url: string;
}

export function productPageUrl(product: Pick<Product, 'category' | 'id'>): string {
  return `${PRODUCT_URL_PREFIX}${product.category}/${product.id}`;
}

export function* generateClickRows(options: ClickLogOptions): Generator<ClickLogRow, void, undefined> {
  const { seed, rows, products } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows must be a whole number >= 0, got ${rows}`);
  const malformedRate = options.malformedRate ?? DEFAULT_MALFORMED_RATE;
  const oddUrlRate = options.oddUrlRate ?? DEFAULT_ODD_URL_RATE;
  const rng = new Rng(seed, 'clicks');
  const browser = new ProductBrowser(rng, products);
  const pool = new VisitorPool(rng, options.visitors, options.unregisteredRate ?? DEFAULT_UNREGISTERED_RATE);
  const oddUrls = new OddUrls(rng, products);
  const productUrls = products.map(productPageUrl);
  const quotas = hourlyQuotas(rng, rows);
  const startSec = CLICK_LOG_START_MS / 1000;
  const endSec = CLICK_LOG_END_MS / 1000;

  let pending: Click[] = [];
  let seq = 0;
  for (const [hour, quota] of quotas.entries()) {
    const hourStart = startSec + hour * 3600;
    let made = 0;
    while (made < quota) {
      const visitor = pool.nextSession(rng);
      const crawler = visitor.userAgent.device === 'Bot';
      const length = Math.min(MAX_SESSION_CLICKS, 1 + Math.floor(rng.exponential(MEAN_EXTRA_CLICKS)));
      let time = hourStart + rng.int(0, 3599);
      let product = browser.first(rng, crawler);
      for (let i = 0; i < length && made < quota && time < endSec; i++, made++) {
        const url = rng.chance(oddUrlRate) ? oddUrls.pick(rng) : productUrls[product]!;
        pending.push({ time, seq: seq++, visitor, url });
        time += crawler ? rng.int(1, 8) : humanGapSeconds(rng);
        product = browser.next(rng, product, crawler);
      }
    }
    // Later sessions start at the next hour or after, so everything before it is final.
    const cutoff = hour === quotas.length - 1 ? Infinity : hourStart + 3600;
    pending.sort((a, b) => a.time - b.time || a.seq - b.seq);
    const ready = pending.findIndex((c) => c.time >= cutoff);
    const emitted = ready === -1 ? pending : pending.slice(0, ready);
    pending = ready === -1 ? [] : pending.slice(ready);
    for (const click of emitted) {
      const row = toRow(click);
      yield rng.chance(malformedRate) ? malform(rng, row) : row;
    }
  }
}

/** Seconds of reading between two page views: mostly half a minute, sometimes a few minutes. */
function humanGapSeconds(rng: Rng): number {
  return Math.round(Math.min(240, Math.max(3, Math.exp(rng.normal(Math.log(35), 0.8)))));
}

/** Valid URLs that are no known product page: the log keeps them as they are. */
class OddUrls {
  private readonly urls: string[];

  constructor(rng: Rng, products: readonly Product[]) {
    const known = new Set(products.map((p) => p.id));
    const withdrawn = Array.from({ length: 3 }, () => {
      const { category } = rng.pick(products);
      let id = randomProductId(rng);
      while (known.has(id)) id = randomProductId(rng);
      return productPageUrl({ category, id });
    });
    const categories = [...new Set(products.map((p) => p.category))];
    this.urls = [
      PRODUCT_URL_PREFIX,
      `${PRODUCT_URL_PREFIX}index.html`,
      `${PRODUCT_URL_PREFIX}search?q=red+shoes`,
      `${PRODUCT_URL_PREFIX}cart`,
      ...categories.map((c) => `${PRODUCT_URL_PREFIX}${c}/`),
      ...withdrawn,
    ];
  }

  pick(rng: Rng): string {
    return rng.pick(this.urls);
  }
}

function toRow(click: Click): ClickLogRow {
  const row = new Array<string>(CLICK_LOG_COLUMNS.length);
  row[TIME] = String(click.time);
  row[VISITOR_ID] = click.visitor.logId;
  row[IP] = click.visitor.ip;
  row[USER_AGENT] = click.visitor.userAgent.text;
  row[PAGE_URL] = click.url;
  return row;
}

/** Breaks a row the way real logs break: a lost column, a bad timestamp, no visitor id, no URL. */
function malform(rng: Rng, row: ClickLogRow): ClickLogRow {
  const broken = [...row];
  switch (rng.int(0, 3)) {
    case 0:
      broken.splice(IP, 1);
      break;
    case 1:
      broken[TIME] = new Date(Number(row[TIME]) * 1000).toISOString();
      break;
    case 2:
      broken[VISITOR_ID] = '';
      break;
    default:
      broken[PAGE_URL] = rng.pick(['-', 'about:blank', '']);
  }
  return broken;
}
