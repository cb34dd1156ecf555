/** One row of the click log, read as the original template reads it, or rejected with the reason. */
import { CLICK_LOG_COLUMNS, PRODUCT_URL_PREFIX, type ClickEvent, type Parsed } from '../schema';

const TIME = CLICK_LOG_COLUMNS.indexOf('Unix Timestamp');
const VISITOR_ID = CLICK_LOG_COLUMNS.indexOf('Visitor Unique ID');
const IP = CLICK_LOG_COLUMNS.indexOf('IP Address');
const USER_AGENT = CLICK_LOG_COLUMNS.indexOf('User Agent');
const URL = CLICK_LOG_COLUMNS.indexOf('Product Page URL');

const UNIX_SECONDS = /^\d+(\.\d+)?$/;
const HTTP_URL = /^https?:\/\/\S+$/i;

/** A click as the log records it, before the replay gives it an id and the current time. */
export interface LoggedClick extends Pick<ClickEvent, 'userId' | 'productId' | 'ip' | 'userAgent'> {
  /** Data row of the log it comes from: 1 is the row after the header. */
  row: number;
  /** The log's time, in ms since the epoch. */
  originalTimestamp: number;
}

export function isClickLogHeader(fields: readonly string[]): boolean {
  return fields.length === CLICK_LOG_COLUMNS.length && CLICK_LOG_COLUMNS.every((name, i) => fields[i] === name);
}

/** Reads the fields of data row `row`, naming every problem so the dead letter says why. */
export function parseClickLogRow(fields: readonly string[], row: number): Parsed<LoggedClick> {
  if (fields.length !== CLICK_LOG_COLUMNS.length) {
    return { ok: false, reason: `expected ${CLICK_LOG_COLUMNS.length} columns, got ${fields.length}` };
  }
  const [time, visitorId, ip, userAgent, url] = [TIME, VISITOR_ID, IP, USER_AGENT, URL].map((i) => fields[i]!.trim()) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const userId = visitorId
    .replace(/^\{(.*)\}$/, '$1')
    .trim()
    .toUpperCase();
  const problems: string[] = [];
  if (!UNIX_SECONDS.test(time)) problems.push(`Unix Timestamp is not a number of seconds: "${time}"`);
  if (userId === '') problems.push('Visitor Unique ID is empty');
  // The consumers require both (see parseClickEvent): better said here, next to the row.
  if (ip === '') problems.push('IP Address is empty');
  if (userAgent === '') problems.push('User Agent is empty');
  // A URL that is no product page is kept, as in the original; no URL at all is a broken row.
  if (!HTTP_URL.test(url)) problems.push(`Product Page URL is not an http(s) URL: "${url}"`);
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    value: { row, userId, productId: productIdOf(url), ip, userAgent, originalTimestamp: Math.round(Number(time) * 1000) },
  };
}

/** The last segment of `${PRODUCT_URL_PREFIX}<category>/<productId>`; any other URL as it is. */
function productIdOf(url: string): string {
  if (!url.startsWith(PRODUCT_URL_PREFIX)) return url;
  const segments = url.slice(PRODUCT_URL_PREFIX.length).split('/');
  const isProductPage = segments.length === 2 && segments.every((s) => s !== '' && !/[?#]/.test(s));
  return isProductPage ? segments[1]! : url;
}
