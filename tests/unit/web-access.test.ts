import { mergePartials } from '../../lib/aggregation/merge';
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  hostName,
  isAllowedHost,
  isForeignOrigin,
  isOperatorCookie,
  isToken,
  offersVisitor,
  OPERATOR_SESSION_MS,
  operatorCookieValue,
  visitorCookieValue,
  visitorFromCookie,
} from '../../web/src/lib/server/access-checks';
import { audienceOf, feedAggregates, feedFor, feedTransition } from '../../web/src/lib/server/public-feed';
import { parseVisitorProfile } from '../../web/src/lib/visitor-identity';
import type { DashboardAggregates } from '../../lib/redis-keys';
import type { EnrichedClick } from '../../lib/schema';
import type { DashboardFeed } from '../../web/src/lib/feed-types';

const SECRET = 'a-token-of-the-operator-0123456789';
const VISITOR = '5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D';
const LOCAL = ['localhost', '127.0.0.1', '[::1]'];

describe('the operator credential', () => {
  it('takes the token only as given, in a bearer header of any case', () => {
    expect(isToken(SECRET, SECRET)).toBe(true);
    for (const wrong of [null, undefined, '', SECRET.slice(1), `${SECRET}x`, SECRET.toUpperCase()]) expect(isToken(SECRET, wrong)).toBe(false);
    expect(bearerToken(`Bearer ${SECRET}`)).toBe(SECRET);
    expect(bearerToken(`bearer  ${SECRET} `)).toBe(SECRET);
    for (const header of [null, SECRET, `Basic ${SECRET}`, 'Bearer', `Bearer a b`]) expect(bearerToken(header)).toBeNull();
  });

  it('signs the operator in for a while: a cookie of another secret, altered or expired does not pass', () => {
    const now = 1_800_000_000_000;
    const cookie = operatorCookieValue(SECRET, now);
    expect(isOperatorCookie(SECRET, cookie, now + 1_000)).toBe(true);
    expect(isOperatorCookie(SECRET, cookie, now + OPERATOR_SESSION_MS + 1)).toBe(false);
    expect(isOperatorCookie('another-secret-0123456789', cookie, now)).toBe(false);
    const [expires, signature] = cookie.split('.');
    expect(isOperatorCookie(SECRET, `${Number(expires) * 2}.${signature}`, now)).toBe(false);
    for (const junk of [undefined, '', '.', 'x.y', signature]) expect(isOperatorCookie(SECRET, junk, now)).toBe(false);
    // A visitor cookie is signed for another purpose: it never passes as an operator's.
    expect(isOperatorCookie(SECRET, visitorCookieValue(SECRET, String(now + 1_000)), now)).toBe(false);
  });
});

describe('the shop visitor cookie', () => {
  it('carries a server-chosen id that cannot be changed or forged', () => {
    const cookie = visitorCookieValue(SECRET, VISITOR);
    expect(visitorFromCookie(SECRET, cookie)).toBe(VISITOR);
    expect(visitorFromCookie(SECRET, cookie.replace('5F2D', '5F2E'))).toBeNull();
    expect(visitorFromCookie('another-secret-0123456789', cookie)).toBeNull();
    expect(visitorFromCookie(SECRET, visitorCookieValue(SECRET, 'not-a-guid'))).toBeNull();
    expect(visitorFromCookie(SECRET, undefined)).toBeNull();
  });

  it("streams a browser its own visitor's offers only; the operator names any", () => {
    const browser = { operator: false, visitorId: VISITOR };
    expect(offersVisitor(null, browser)).toEqual({ ok: true, userId: VISITOR });
    expect(offersVisitor(VISITOR, browser)).toEqual({ ok: true, userId: VISITOR });
    expect(offersVisitor('OTHER-1', browser)).toMatchObject({ ok: false, status: 403 });
    expect(offersVisitor('OTHER-1', { operator: false, visitorId: null })).toMatchObject({ ok: false, status: 401 });
    expect(offersVisitor(null, { operator: false, visitorId: null })).toMatchObject({ ok: false, status: 401 });
    expect(offersVisitor('OTHER-1', { operator: true, visitorId: null })).toEqual({ ok: true, userId: 'OTHER-1' });
    expect(offersVisitor(null, { operator: true, visitorId: null })).toMatchObject({ ok: false, status: 400 });
    expect(offersVisitor('<script>', { operator: true, visitorId: null })).toMatchObject({ ok: false, status: 400 });
  });

  it('keeps only a well-formed age and gender in the browser', () => {
    expect(parseVisitorProfile(JSON.stringify({ age: 30, gender: 'F' }))).toEqual({ age: 30, gender: 'F' });
    for (const bad of [
      null,
      '',
      '{',
      JSON.stringify({ age: 30, gender: 'X' }),
      JSON.stringify({ age: -1, gender: 'M' }),
      JSON.stringify({ age: 1.5, gender: 'M' }),
    ]) {
      expect(parseVisitorProfile(bad)).toBeNull();
    }
  });
});

describe('host and origin checks', () => {
  it('serves the configured host names on any port, and no other name', () => {
    for (const host of ['127.0.0.1:3000', 'localhost', 'LOCALHOST:5173', '[::1]:3000']) expect(isAllowedHost(host, LOCAL), host).toBe(true);
    for (const host of [null, '', 'evil.example:3000', '127.0.0.1.nip.io:3000', 'localhost.evil.example', '127.0.0.1:3000/x', 'user@127.0.0.1']) {
      expect(isAllowedHost(host, LOCAL), String(host)).toBe(false);
    }
    expect(hostName('[::1]:80')).toBe('[::1]');
  });

  it("treats a page of another host as foreign, a request without Origin as a server's", () => {
    expect(isForeignOrigin(null, '127.0.0.1:3000')).toBe(false);
    expect(isForeignOrigin('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(false);
    for (const origin of ['http://evil.example', 'http://127.0.0.1:3001', 'null', 'junk']) expect(isForeignOrigin(origin, '127.0.0.1:3000'), origin).toBe(true);
  });
});

describe('what the dashboard shows its audiences', () => {
  const click: EnrichedClick = {
    clickId: 'c1',
    userId: VISITOR,
    productId: 'P1',
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0',
    timestamp: 1,
    source: 'shop',
    category: 'shoes',
    title: 'Runner',
    gender: 'M',
    birthDate: '1980-01-01',
    age: 45,
    country: 'FR',
    deviceType: 'Desktop',
  };
  const aggregates: DashboardAggregates = {
    ...mergePartials([]),
    asOf: 1,
    latestVisitors: [{ userId: VISITOR, timestamp: 1, ip: '203.0.113.9', country: 'FR' }],
    rawClicks: [click],
  };
  const entry = {
    id: '1-0',
    userId: VISITOR,
    state: 'shoes',
    productId: 'P1',
    category: 'shoes',
    clickId: 'c1',
    timestamp: 1,
    line: `User ${VISITOR} entered state shoes`,
  };

  it('shows anyone no IP address, birth date or user agent, and visitor ids cut to 8 characters', () => {
    const shown = feedAggregates(aggregates, 'public');
    const text = JSON.stringify(shown);
    for (const secret of ['203.0.113.9', '1980-01-01', 'Mozilla', VISITOR.slice(0, 9)]) expect(text).not.toContain(secret);
    expect(shown.latestVisitors).toEqual([{ userId: '5F2D9C1A', timestamp: 1, country: 'FR' }]);
    expect(shown.rawClicks[0]).toMatchObject({ userId: '5F2D9C1A', country: 'FR', deviceType: 'Desktop', age: 45, title: 'Runner' });
  });

  it('shows the operator whole visitor ids, to open their pages, and still no IP address, birth date or user agent', () => {
    const shown = feedAggregates(aggregates, 'operator');
    const text = JSON.stringify(shown);
    for (const secret of ['203.0.113.9', '1980-01-01', 'Mozilla']) expect(text).not.toContain(secret);
    expect(shown.latestVisitors).toEqual([{ userId: VISITOR, timestamp: 1, country: 'FR' }]);
    expect(shown.rawClicks[0]).toMatchObject({ userId: VISITOR, title: 'Runner' });
  });

  it('shortens the visitor in the state-machine log, its sentence included, for anyone but the operator', () => {
    expect(feedTransition(entry, 'public')).toEqual({ ...entry, userId: '5F2D9C1A', line: 'User 5F2D9C1A entered state shoes' });
    expect(feedTransition(entry, 'operator')).toEqual(entry);
  });

  it('cuts every part of the whole feed for its audience; the operator is one only when signed in', () => {
    const stored = { aggregates, stateMachineLog: [entry], replay: null };
    expect(JSON.stringify(feedFor(stored, audienceOf(false)))).not.toContain(VISITOR.slice(0, 9));
    const operator = feedFor(stored, audienceOf(true));
    expect(operator.stateMachineLog[0]!.userId).toBe(VISITOR);
    expect(operator.aggregates!.latestVisitors[0]!.userId).toBe(VISITOR);
    expect(feedFor({ ...stored, aggregates: null }, 'public').aggregates).toBeNull();
  });

  it("names the replay's log without the server's folders for anyone but the operator", () => {
    const replay = { file: '/srv/shop/data/clicks.csv', rowsSent: 5 } as unknown as DashboardFeed['replay'];
    const stored = { aggregates: null, stateMachineLog: [], replay };
    expect(feedFor(stored, 'public').replay?.file).toBe('clicks.csv');
    expect(feedFor({ ...stored, replay: { ...replay!, file: 'data\\clicks.csv' } }, 'public').replay?.file).toBe('clicks.csv');
    expect(feedFor(stored, 'operator').replay?.file).toBe('/srv/shop/data/clicks.csv');
    expect(feedFor({ ...stored, replay: null }, 'public').replay).toBeNull();
  });
});
