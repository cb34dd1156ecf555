import { describe, expect, it } from 'vitest';
import { parseClickEvent } from '../../lib/schema';
import {
  clickVisitor,
  headerUserAgent,
  MAX_CLICK_REQUEST_BYTES,
  normaliseGender,
  parseClickRequest,
  shopClickEvent,
} from '../../web/src/lib/server/click-request';

const JSON_TYPE = 'application/json';
const body = (o: unknown) => JSON.stringify(o);
const valid = { userId: 'A1B2', productId: 'HB25225039', age: 40, gender: 'M' };
const isProduct = (id: string) => id === valid.productId;
const parse = (type: string | null, text: string) => parseClickRequest(type, text, isProduct);

describe('POST /api/clicks body', () => {
  it('accepts a valid click and normalises the gender', () => {
    for (const [given, want] of [
      ['M', 'M'],
      ['f', 'F'],
      ['Male', 'M'],
      [' female ', 'F'],
    ] as const) {
      const r = parse(JSON_TYPE, body({ ...valid, gender: given }));
      expect(r).toEqual({ ok: true, value: { ...valid, gender: want } });
    }
    expect(normaliseGender('x')).toBeUndefined();
    expect(normaliseGender(1)).toBeUndefined();
  });

  it('accepts a visitor who prefers not to say: gender unknown or missing, age missing or null, and leaves them off the click', () => {
    const { age: _, gender: __, ...anonymous } = valid;
    for (const given of [{ gender: 'unknown' }, { gender: 'Unknown', age: null }, { gender: 'U' }, {}, { gender: null }]) {
      expect(parse(JSON_TYPE, body({ ...anonymous, ...given }))).toEqual({ ok: true, value: anonymous });
    }
    expect(parse(JSON_TYPE, body({ ...anonymous, age: 30 }))).toEqual({ ok: true, value: { ...anonymous, age: 30 } });
    const from = { userId: valid.userId, clickId: 'c-2', timestamp: 1_700_000_000_000, ip: '10.0.0.1', userAgent: 'Mozilla/5.0' };
    const click = shopClickEvent({ productId: valid.productId }, from);
    expect(click).not.toHaveProperty('gender');
    expect(click).not.toHaveProperty('age');
    expect(parseClickEvent(JSON.stringify(click))).toEqual({ ok: true, value: click });
  });

  it('keeps ip and user agent when given, trimmed, and accepts a charset in the content type', () => {
    const r = parse('application/json; charset=utf-8', body({ ...valid, ip: ' 1.2.3.4', userAgent: 'curl/8 ' }));
    expect(r.ok && r.value).toEqual({ ...valid, ip: '1.2.3.4', userAgent: 'curl/8' });
    const v6 = parse(JSON_TYPE, body({ ...valid, ip: '2001:db8::1', userAgent: null }));
    expect(v6.ok && v6.value).toEqual({ ...valid, ip: '2001:db8::1' });
  });

  it('answers 415 for another content type', () => {
    for (const type of [null, 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const r = parse(type, body(valid));
      expect(r.ok ? 0 : r.status).toBe(415);
    }
  });

  it('answers 413 for an oversized body', () => {
    const r = parse(JSON_TYPE, body({ ...valid, userAgent: 'x'.repeat(MAX_CLICK_REQUEST_BYTES) }));
    expect(r.ok ? 0 : r.status).toBe(413);
  });

  it('answers 400 naming each bad field', () => {
    const cases: [unknown, string][] = [
      ['{not json', 'invalid JSON'],
      [[], 'expected a JSON object'],
      [{ ...valid, pad: 'x' }, 'unknown field "pad"'],
      [{ ...valid, userId: '' }, 'userId'],
      [{ ...valid, userId: '<script>alert(1)</script>' }, 'userId'],
      [{ ...valid, userId: 'a\u0000b' }, 'userId'],
      [{ ...valid, userId: 'A'.repeat(129) }, 'userId'],
      [{ ...valid, productId: 7 }, 'productId'],
      [{ ...valid, productId: 'XX00000000' }, 'productId "XX00000000" is not a product of the shop'],
      [{ ...valid, age: '40' }, 'age'],
      [{ ...valid, age: 40.5 }, 'age'],
      [{ ...valid, age: 131 }, 'age'],
      [{ ...valid, gender: 'X' }, 'gender'],
      [{ ...valid, gender: '' }, 'gender'],
      [{ ...valid, age: -1 }, 'age'],
      [{ ...valid, ip: 5 }, 'ip'],
      [{ ...valid, ip: '' }, 'ip'],
      [{ ...valid, ip: '../../etc/passwd' }, 'ip'],
      [{ ...valid, userAgent: 'u'.repeat(600) }, 'userAgent'],
      [{ ...valid, userAgent: "'; DROP TABLE clicks; --" }, 'userAgent'],
    ];
    for (const [input, field] of cases) {
      const r = parse(JSON_TYPE, typeof input === 'string' ? input : body(input));
      expect(r.ok, field).toBe(false);
      if (!r.ok) {
        expect(r.status).toBe(400);
        expect(r.message).toContain(field);
      }
    }
  });

  it('shows a hostile product id cut short in its error', () => {
    const r = parse(JSON_TYPE, body({ ...valid, productId: 'P'.repeat(500) }));
    expect(r.ok ? '' : r.message).toMatch(/^productId "P{39}… is not a product of the shop$/);
  });

  it('builds a click the clicks topic accepts, the request ip and agent winning over the connection', () => {
    const from = { userId: valid.userId, clickId: 'c-1', timestamp: 1_700_000_000_000, ip: '10.0.0.1', userAgent: 'Mozilla/5.0' };
    const parsed = parse(JSON_TYPE, body(valid));
    if (!parsed.ok) throw new Error(parsed.message);
    const click = shopClickEvent(parsed.value, from);
    expect(click).toEqual({ ...valid, clickId: 'c-1', timestamp: from.timestamp, ip: '10.0.0.1', userAgent: 'Mozilla/5.0', source: 'shop' });
    expect(parseClickEvent(JSON.stringify(click))).toEqual({ ok: true, value: click });
    expect(shopClickEvent({ ...parsed.value, ip: '1.1.1.1', userAgent: 'x' }, from)).toMatchObject({ ip: '1.1.1.1', userAgent: 'x' });
  });

  it('takes basket, buy and offer answers beside page views, each a click the topic accepts', () => {
    const from = { userId: valid.userId, clickId: 'c-2', timestamp: 1_700_000_000_000, ip: '10.0.0.1', userAgent: 'Mozilla/5.0' };
    for (const extra of [{ kind: 'basket' }, { kind: 'buy' }, { kind: 'offer-taken', offerId: 'offer1' }, { kind: 'offer-dismissed', offerId: 'offer_2-b' }]) {
      const parsed = parse(JSON_TYPE, body({ ...valid, ...extra }));
      if (!parsed.ok) throw new Error(parsed.message);
      const click = shopClickEvent(parsed.value, from);
      expect(click).toMatchObject(extra);
      expect(parseClickEvent(JSON.stringify(click))).toEqual({ ok: true, value: click });
    }
    const longest = parse(JSON_TYPE, body({ ...valid, kind: 'offer-dismissed', offerId: ` ${'o'.repeat(40)} ` }));
    expect(longest.ok && longest.value).toEqual({ ...valid, kind: 'offer-dismissed', offerId: 'o'.repeat(40) });
    // A page view named as such keeps the shape of one without a kind.
    const view = parse(JSON_TYPE, body({ ...valid, kind: 'view' }));
    expect(view.ok && 'kind' in view.value).toBe(false);
  });

  it.each([
    [{ kind: 'wishlist' }, 'kind must be one of view, basket, buy, offer-taken, offer-dismissed when given'],
    [{ kind: 'offer-taken' }, 'offerId must be 1-40 letters, digits, - or _ for kind offer-taken'],
    [{ kind: 'offer-dismissed', offerId: '<script>' }, 'offerId must be 1-40 letters, digits, - or _ for kind offer-dismissed'],
    [{ kind: 'buy', offerId: 'offer1' }, 'offerId is only for kind offer-taken or offer-dismissed'],
    [{ offerId: 'offer1' }, 'offerId is only for kind offer-taken or offer-dismissed'],
    [{ kind: 'view', offerId: 'offer1' }, 'offerId is only for kind offer-taken or offer-dismissed'],
    [{ kind: 3 }, 'kind must be one of view, basket, buy, offer-taken, offer-dismissed when given'],
    [{ kind: 'offer-taken', offerId: 'o'.repeat(41) }, 'offerId must be 1-40 letters, digits, - or _ for kind offer-taken'],
    [{ kind: 'offer-taken', offerId: 'offer 1' }, 'offerId must be 1-40 letters, digits, - or _ for kind offer-taken'],
  ])('answers 400 for %j', (extra, message) => {
    expect(parse(JSON_TYPE, body({ ...valid, ...extra }))).toEqual({ ok: false, status: 400, message });
  });

  it('takes the visitor from the browser cookie, lets the operator name any, and refuses a browser naming another', () => {
    const mine = '5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D';
    expect(clickVisitor(undefined, { operator: false, visitorId: mine })).toEqual({ ok: true, userId: mine });
    expect(clickVisitor(mine, { operator: false, visitorId: mine })).toEqual({ ok: true, userId: mine });
    expect(clickVisitor('someone-else', { operator: false, visitorId: mine })).toMatchObject({ ok: false, status: 403 });
    expect(clickVisitor('someone-else', { operator: true, visitorId: null })).toEqual({ ok: true, userId: 'someone-else' });
    expect(clickVisitor(undefined, { operator: true, visitorId: null })).toMatchObject({ ok: false, status: 400 });
    const noUser = parse(JSON_TYPE, body({ productId: valid.productId, age: 40, gender: 'M' }));
    expect(noUser.ok && noUser.value.userId).toBeUndefined();
  });

  it('holds the User-Agent header to the body field rules: markup and oversized agents are refused, none is none', () => {
    expect(headerUserAgent(null)).toEqual({ ok: true, value: '' });
    expect(headerUserAgent(' curl/8.5 ')).toEqual({ ok: true, value: 'curl/8.5' });
    expect(headerUserAgent('Mozilla/5.0 (X11; Linux x86_64)')).toEqual({ ok: true, value: 'Mozilla/5.0 (X11; Linux x86_64)' });
    for (const bad of ['Mozilla/5.0 (<script>alert(1)</script>)', `Mozilla/5.0 (${'x'.repeat(3_000)})`, '<b>', 'a\u0000b']) {
      expect(headerUserAgent(bad), bad.slice(0, 30)).toMatchObject({ ok: false, status: 400 });
    }
  });
});
