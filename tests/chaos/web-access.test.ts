/**
 * Who may steer and whose data is whose, tried as an outsider would against a private copy of the
 * built web app: the replay's control route without the operator's token, from another site's
 * page or under another host name; a visitor's clicks and offers without their signed cookie or
 * under another visitor's id; the aggregates' addresses and ids; hostile User-Agent headers; and
 * clients that send their headers or body slowly.
 */
import { request as httpRequest } from 'node:http';
import { mergePartials } from '../../lib/aggregation/merge';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../clients/redis';
import { DASHBOARD_KEY, type DashboardAggregates } from '../../lib/redis-keys';
import type { EnrichedClick, Product } from '../../lib/schema';
import { OPERATOR_COOKIE, VISITOR_COOKIE } from '../../web/src/lib/server/access-checks';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { requiredCaller } from '../../web/src/lib/server/route-access';
import { concretePath, pathSpellings, routeFolders } from '../web-routes';
import { PrivateWebApp } from './web-support';

const REDIS_DB = 12;
const HEADERS_TIMEOUT_S = 2;
const BODY_TIMEOUT_S = 3;
const products = JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[];
const productId = products[0]!.id;
const OTHER_VISITOR = '00000000-0000-4000-8000-000000000000';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let app: PrivateWebApp;
let redis: Redis;

/** One request over node:http, which lets a test set Host and Origin as a hostile page's browser would, and sends the path as spelled. */
function send(r: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(app.url);
    const req = httpRequest({ host: hostname, port, path: r.path, method: r.method ?? 'GET', headers: r.headers, timeout: 20_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        // An event stream stays open: its first comment is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream') && text.includes(': open')) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 20 s')));
    req.on('error', reject);
    req.end(r.body);
  });
}

const json = { 'content-type': 'application/json' };
const pause = JSON.stringify({ action: 'pause' });
const cookieOf = (answer: Answer, name: string) => ((answer.headers['set-cookie'] ?? []) as string[]).find((c) => c.startsWith(`${name}=`));
const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

describe('the web app against outsiders', () => {
  beforeAll(async () => {
    app = await PrivateWebApp.start(REDIS_DB, { WEB_HEADERS_TIMEOUT_S: String(HEADERS_TIMEOUT_S), WEB_BODY_TIMEOUT_S: String(BODY_TIMEOUT_S) });
    redis = createRedis(app.config.redis);
  });

  afterAll(async () => {
    await redis?.flushdb();
    redis?.disconnect();
    await app?.stop();
  });

  it('lets only the operator steer the replay, and not from another site or host name', async () => {
    const bearer = { ...json, authorization: `Bearer ${app.token}` };
    const host = new URL(app.url).host;
    const answers = {
      anonymous: await send({ method: 'POST', path: '/api/replay', headers: json, body: pause }),
      wrongToken: await send({ method: 'POST', path: '/api/replay', headers: { ...json, authorization: 'Bearer not-the-token-at-all' }, body: pause }),
      foreignOrigin: await send({ method: 'POST', path: '/api/replay', headers: { ...bearer, origin: 'http://evil.example' }, body: pause }),
      foreignHost: await send({
        method: 'POST',
        path: '/api/replay',
        headers: { ...bearer, host: `rebound.evil.example:${new URL(app.url).port}` },
        body: pause,
      }),
      sameOrigin: await send({ method: 'POST', path: '/api/replay', headers: { ...bearer, origin: app.url, host }, body: pause }),
    };
    expect(answers.anonymous.status, answers.anonymous.text).toBe(401);
    expect(answers.anonymous.text).toContain('operator');
    expect(answers.wrongToken.status).toBe(401);
    expect(answers.foreignOrigin.status, answers.foreignOrigin.text).toBe(403);
    expect(answers.foreignHost.status, answers.foreignHost.text).toBe(403);
    // Past the guard, the route signals the replay workflow, of which this private app has none.
    expect(answers.sameOrigin.status, answers.sameOrigin.text).toBe(503);
    expect(answers.sameOrigin.text).toMatch(/not found/i);

    // The sign-in link sets an HttpOnly, SameSite cookie that steers as the token does.
    expect((await send({ path: '/sign-in?token=wrong-token-of-some-length' })).status).toBe(401);
    const signIn = await send({ path: `/sign-in?token=${encodeURIComponent(app.token)}` });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/dashboard');
    const operator = cookieOf(signIn, OPERATOR_COOKIE)!;
    expect(operator).toMatch(/HttpOnly/i);
    expect(operator).toMatch(/SameSite=Strict/i);
    expect(operator).not.toContain(app.token);
    const withCookie = await send({ method: 'POST', path: '/api/replay', headers: { ...json, cookie: cookiePair(operator) }, body: pause });
    expect(withCookie.status, withCookie.text).toBe(503);
    const tampered = cookiePair(operator).replace(/=(\d)/, (_, d: string) => `=${(Number(d) + 1) % 10}`);
    expect((await send({ method: 'POST', path: '/api/replay', headers: { ...json, cookie: tampered }, body: pause })).status).toBe(401);
    console.log(`[chaos] access: replay control 401 anonymous, 403 foreign origin and host, token and sign-in cookie pass`);
  });

  it('refuses every operator route and page to an outsider, however its path is spelled', async () => {
    // Bodies that would act if they got through: pause the replay, publish rules, run a backtest.
    const BODIES: Record<string, string> = {
      '/api/replay': pause,
      '/api/rules': JSON.stringify({ rules: { ...OFFER_RULES, name: 'outsider' }, note: 'let me in' }),
      '/api/rules/backtest': JSON.stringify({ rules: OFFER_RULES, hours: 1 }),
    };
    const PARAMS = { id: OTHER_VISITOR };
    const tries: { method: string; path: string; body?: string; accept: string }[] = [];
    for (const route of routeFolders()) {
      const methods = [...new Set([...route.methods, ...(route.page ? ['GET'] : [])])].filter((m) => requiredCaller(route.id, m) === 'operator');
      if (requiredCaller(route.id, 'GET') === 'operator' && !methods.includes('GET')) methods.push('GET');
      const base = concretePath(route.id, PARAMS);
      for (const method of methods) {
        const paths = [base, ...(route.page && method === 'GET' ? [`${base}/__data.json`] : [])];
        const body = method === 'GET' ? undefined : BODIES[route.id];
        for (const path of paths)
          for (const spelled of pathSpellings(path))
            tries.push({ method, path: spelled, body, accept: route.page && !path.endsWith('.json') ? 'text/html' : 'application/json' });
      }
    }
    const operatorRoutes = routeFolders().filter((r) => ['GET', 'POST', 'PUT'].some((m) => requiredCaller(r.id, m) === 'operator'));
    expect(operatorRoutes.map((r) => r.id).sort()).toEqual([
      '/api/alerts',
      '/api/replay',
      '/api/rules',
      '/api/rules/backtest',
      '/api/visitors/[id]',
      '/dashboard/rules',
      '/dashboard/visitors/[id]',
    ]);

    const statuses = new Map<string, number>();
    const passed: string[] = [];
    let visitorsMade = 0;
    for (const t of tries) {
      const headers = { ...json, accept: t.accept };
      let answer = await send({ method: t.method, path: t.path, headers, body: t.body });
      // A refused operator page makes no visitor: it would spend the address's budget of new visitors.
      if (cookieOf(answer, VISITOR_COOKIE)) visitorsMade++;
      let label = String(answer.status);
      // SvelteKit redirects a trailing slash to the route's own spelling: follow it, and that must refuse.
      if (answer.status === 308) {
        answer = await send({ method: t.method, path: String(answer.headers.location), headers, body: t.body });
        label = `308→${answer.status}`;
      }
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      if (![401, 403, 404].includes(answer.status)) passed.push(`${t.method} ${t.path}: ${answer.status} ${answer.text.slice(0, 80)}`);
    }
    expect(passed.join('\n')).toBe('');
    expect(visitorsMade).toBe(0);
    expect(tries.length).toBeGreaterThanOrEqual(200);
    expect(statuses.get('401')).toBeGreaterThan(tries.length / 3);

    // The refusals are the credential's: with the token the same routes answer (a missing visitor, a replay
    // this app does not run, an empty body's 400: nothing is published or started).
    const bearer = { ...json, authorization: `Bearer ${app.token}` };
    for (const route of operatorRoutes) {
      const method = route.methods.find((m) => requiredCaller(route.id, m) === 'operator') ?? 'GET';
      const body = route.id === '/api/replay' ? pause : '{}';
      const answer = await send({
        method,
        path: concretePath(route.id, PARAMS),
        headers: { ...bearer, accept: route.page ? 'text/html' : 'application/json' },
        body: method === 'GET' ? undefined : body,
      });
      expect([401, 403], `${method} ${route.id} with the token: ${answer.text.slice(0, 120)}`).not.toContain(answer.status);
    }
    const counts = [...statuses].map(([status, n]) => `${status} x${n}`).join(', ');
    console.log(`[chaos] access: ${tries.length} spellings of ${operatorRoutes.length} operator routes and their data, none passed: ${counts}`);
  });

  it('sends pages that no other site may frame, and serves no foreign host name', async () => {
    for (const path of ['/', '/shop', '/dashboard']) {
      const page = await send({ path });
      expect(page.status, path).toBe(200);
      expect(page.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options'], path).toBe('DENY');
    }
    const rebound = await send({ path: '/dashboard', headers: { host: 'attacker.example' } });
    expect(rebound.status).toBe(403);
  });

  it('gives each browser its own signed visitor, whose clicks and offers nobody else can take', async () => {
    const landing = await send({ path: '/' });
    const visitor = cookieOf(landing, VISITOR_COOKIE)!;
    expect(visitor).toMatch(/HttpOnly/i);
    expect(visitor).toMatch(/SameSite=Lax/i);
    const cookie = cookiePair(visitor);
    const userId = cookie.split('=')[1]!.split('.')[0]!;
    expect(userId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(landing.text).toContain(userId);
    // The same browser keeps its visitor.
    expect(cookieOf(await send({ path: '/shop', headers: { cookie } }), VISITOR_COOKIE)).toBeUndefined();

    const click = (headers: Record<string, string>, body: object) =>
      send({ method: 'POST', path: '/api/clicks', headers: { ...json, ...headers }, body: JSON.stringify(body) });
    const view = { productId, age: 40, gender: 'M' };
    const before = await app.clickRecords();
    const answers = {
      noCredential: await click({}, { ...view, userId: OTHER_VISITOR }),
      anotherVisitor: await click({ cookie }, { ...view, userId: OTHER_VISITOR }),
      forgedCookie: await click({ cookie: `${VISITOR_COOKIE}=${OTHER_VISITOR}.${cookie.split('.').at(-1)}` }, view),
      own: await click({ cookie }, view),
      ownNamed: await click({ cookie }, { ...view, userId }),
      serverToServer: await click({ authorization: `Bearer ${app.token}` }, { ...view, userId: OTHER_VISITOR }),
    };
    expect(answers.noCredential.status, answers.noCredential.text).toBe(401);
    expect(answers.anotherVisitor.status, answers.anotherVisitor.text).toBe(403);
    expect(answers.forgedCookie.status, answers.forgedCookie.text).toBe(401);
    for (const ok of [answers.own, answers.ownNamed, answers.serverToServer]) expect(ok.status, ok.text).toBe(202);
    expect(await app.clickRecords()).toBe(before + 3);

    const offers = {
      noCredential: await send({ path: `/api/offers?userId=${OTHER_VISITOR}` }),
      anotherVisitor: await send({ path: `/api/offers?userId=${OTHER_VISITOR}`, headers: { cookie } }),
      own: await send({ path: '/api/offers', headers: { cookie } }),
      serverToServer: await send({ path: `/api/offers?userId=${OTHER_VISITOR}`, headers: { authorization: `Bearer ${app.token}` } }),
    };
    expect(offers.noCredential.status).toBe(401);
    expect(offers.anotherVisitor.status).toBe(403);
    for (const ok of [offers.own, offers.serverToServer]) {
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toContain('text/event-stream');
    }
    console.log('[chaos] access: clicks and offers 401 without a visitor, 403 for another visitor, 202/200 for their own and the token');
  });

  it('shows no address and only short visitor ids in the aggregates', async () => {
    const click = (i: number): EnrichedClick => ({
      clickId: `c${i}`,
      userId: `5F2D9C1A-8E4B-4C3D-9A7B-${String(i).padStart(12, '0')}`,
      productId,
      ip: `203.0.113.${i}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      timestamp: 1_800_000_000_000 + i,
      source: 'replay',
      category: 'shoes',
      title: 'Runner',
      gender: 'F',
      birthDate: '1990-05-17',
      age: 36,
      country: 'FR',
      deviceType: 'Desktop',
    });
    const clicks = Array.from({ length: 5 }, (_, i) => click(i + 1));
    const aggregates: DashboardAggregates = {
      ...mergePartials([]),
      asOf: 1_800_000_000_005,
      latestVisitors: clicks.map((c) => ({ userId: c.userId, timestamp: c.timestamp, ip: c.ip, country: c.country })),
      rawClicks: clicks,
    };
    await redis.set(DASHBOARD_KEY, JSON.stringify(aggregates));
    const answer = await send({ path: '/api/aggregates' });
    expect(answer.status).toBe(200);
    const shown = JSON.parse(answer.text) as { latestVisitors: { userId: string; country: string }[]; rawClicks: Record<string, unknown>[] };
    expect(shown.latestVisitors).toHaveLength(5);
    expect(shown.rawClicks).toHaveLength(5);
    for (const secret of ['203.0.113.', '1990-05-17', 'Mozilla', '5F2D9C1A-']) expect(answer.text).not.toContain(secret);
    expect(shown.latestVisitors.map((v) => v.userId)).toEqual(Array(5).fill('5F2D9C1A'));
    expect(shown.latestVisitors.every((v) => v.country === 'FR')).toBe(true);
  });

  it('refuses a User-Agent header that the body field would refuse, and puts nothing on click-data for it', async () => {
    const before = await app.clickRecords();
    const bearer = { ...json, authorization: `Bearer ${app.token}` };
    const body = JSON.stringify({ userId: OTHER_VISITOR, productId, age: 40, gender: 'M' });
    for (const agent of ['Mozilla/5.0 (<script>alert(1)</script>)', `Mozilla/5.0 (${'x'.repeat(3_000)})`, '{{7*7}} <b>']) {
      const answer = await send({ method: 'POST', path: '/api/clicks', headers: { ...bearer, 'user-agent': agent }, body });
      expect(answer.status, agent.slice(0, 30)).toBe(400);
      expect(answer.text).toContain('User-Agent header');
    }
    const fine = await send({
      method: 'POST',
      path: '/api/clicks',
      headers: { ...bearer, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' },
      body,
    });
    expect(fine.status, fine.text).toBe(202);
    expect(await app.clickRecords()).toBe(before + 1);
  });

  it('answers 408 to a body that does not arrive in time, and drops a client whose headers never end', async () => {
    const started = Date.now();
    const slowBody = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        `${app.url}/api/clicks`,
        { method: 'POST', headers: { ...json, authorization: `Bearer ${app.token}`, 'content-length': '200' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.write('{"userId":'); // and nothing more
    });
    const bodySeconds = (Date.now() - started) / 1000;
    expect(slowBody.status, slowBody.text).toBe(408);
    expect(bodySeconds).toBeGreaterThanOrEqual(BODY_TIMEOUT_S - 0.5);
    expect(bodySeconds).toBeLessThan(BODY_TIMEOUT_S + 5);

    // Node checks header deadlines every 30 s (connectionsCheckingInterval): the drop comes within that.
    const headersStarted = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(new URL(app.url).port), '127.0.0.1', () => socket.write('GET /shop HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve((Date.now() - headersStarted) / 1000));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('the server kept a client with unfinished headers for 45 s')), 45_000).unref();
    });
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_S - 0.5);
    console.log(`[chaos] access: slow body answered 408 after ${bodySeconds.toFixed(1)} s, unfinished headers dropped after ${closedAfter.toFixed(1)} s`);
  }, 90_000);
});
