import { describe, expect, it } from 'vitest';
import { isClickLogHeader, parseClickLogRow } from '../../lib/replay/click-log-row';
import { CLICK_LOG_COLUMNS, parseClickEvent } from '../../lib/schema';

const GUID = '0B7C1A2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "quoted", with comma';
/** Fields in CLICK_LOG_COLUMNS order, as the generator writes them. */
const row = (over: Partial<Record<(typeof CLICK_LOG_COLUMNS)[number], string>> = {}): string[] => {
  const fields: Record<string, string> = {
    'Unix Timestamp': '1780315200',
    'Visitor Unique ID': `{${GUID}}`,
    'IP Address': '81.2.69.160',
    'User Agent': UA,
    'Product Page URL': 'http://www.acme.com/shoes/VD55181667',
    ...over,
  };
  return CLICK_LOG_COLUMNS.map((c) => fields[c]!);
};

const reasonOf = (fields: string[]): string => {
  const parsed = parseClickLogRow(fields, 7);
  if (parsed.ok) throw new Error('expected a rejection');
  return parsed.reason;
};

describe('parseClickLogRow', () => {
  it('reads a product page click: braces stripped, productId from the URL, time in ms', () => {
    expect(parseClickLogRow(row(), 7)).toEqual({
      ok: true,
      value: { row: 7, userId: GUID, productId: 'VD55181667', ip: '81.2.69.160', userAgent: UA, originalTimestamp: 1_780_315_200_000 },
    });
  });

  it('upper-cases a lower-case visitor id, with or without braces', () => {
    for (const id of [`{${GUID.toLowerCase()}}`, GUID.toLowerCase(), ` {${GUID}} `]) {
      const parsed = parseClickLogRow(row({ 'Visitor Unique ID': id }), 1);
      expect(parsed.ok && parsed.value.userId).toBe(GUID);
    }
  });

  it('keeps a URL that is no product page as it is, as the original does', () => {
    for (const url of [
      'http://www.acme.com/',
      'http://www.acme.com/index.html',
      'http://www.acme.com/shoes/',
      'http://www.acme.com/search?q=red+shoes',
      'https://example.org/a/b',
    ]) {
      const parsed = parseClickLogRow(row({ 'Product Page URL': url }), 1);
      expect(parsed.ok && parsed.value.productId).toBe(url);
    }
    const category = parseClickLogRow(row({ 'Product Page URL': 'http://www.acme.com/home&garden/XY12345678' }), 1);
    expect(category.ok && category.value.productId).toBe('XY12345678');
  });

  it('accepts fractional seconds', () => {
    const parsed = parseClickLogRow(row({ 'Unix Timestamp': '1780315200.25' }), 1);
    expect(parsed.ok && parsed.value.originalTimestamp).toBe(1_780_315_200_250);
  });

  it('rejects a row with a lost or extra column', () => {
    const short = row();
    short.splice(2, 1);
    expect(reasonOf(short)).toBe('expected 5 columns, got 4');
    expect(reasonOf([...row(), 'extra'])).toBe('expected 5 columns, got 6');
  });

  it('rejects a timestamp that is not a number of seconds', () => {
    expect(reasonOf(row({ 'Unix Timestamp': '2026-06-01T10:00:00.000Z' }))).toBe('Unix Timestamp is not a number of seconds: "2026-06-01T10:00:00.000Z"');
    expect(reasonOf(row({ 'Unix Timestamp': '' }))).toBe('Unix Timestamp is not a number of seconds: ""');
    expect(reasonOf(row({ 'Unix Timestamp': '-5' }))).toContain('Unix Timestamp');
  });

  it('rejects an empty visitor id, braces or not', () => {
    expect(reasonOf(row({ 'Visitor Unique ID': '' }))).toBe('Visitor Unique ID is empty');
    expect(reasonOf(row({ 'Visitor Unique ID': '{}' }))).toBe('Visitor Unique ID is empty');
  });

  it('rejects a row without a URL, and names every problem at once', () => {
    for (const url of ['', '-', 'about:blank']) expect(reasonOf(row({ 'Product Page URL': url }))).toBe(`Product Page URL is not an http(s) URL: "${url}"`);
    expect(reasonOf(row({ 'IP Address': '', 'User Agent': '', 'Visitor Unique ID': '' }))).toBe(
      'Visitor Unique ID is empty; IP Address is empty; User Agent is empty',
    );
  });

  it('gives what the consumers of the clicks topic accept', () => {
    const parsed = parseClickLogRow(row({ 'Product Page URL': 'http://www.acme.com/' }), 3);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { row: _row, ...click } = parsed.value;
    const event = { clickId: 'r:1:3', ...click, timestamp: 1, source: 'replay' };
    expect(parseClickEvent(JSON.stringify(event))).toEqual({ ok: true, value: event });
  });
});

describe('isClickLogHeader', () => {
  it('is the header row exactly', () => {
    expect(isClickLogHeader([...CLICK_LOG_COLUMNS])).toBe(true);
    expect(isClickLogHeader(row())).toBe(false);
    expect(isClickLogHeader(CLICK_LOG_COLUMNS.slice(1))).toBe(false);
  });
});
