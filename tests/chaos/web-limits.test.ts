/**
 * Fair limits, tried as one greedy client would against a private copy of the built web app: a
 * visitor posting clicks as fast as it can, visitors made by the hundred, event streams held
 * from one address, backtests started together. Each is refused with `429` and `Retry-After`
 * past its limit, exactly the accepted clicks reach click-data, the operator's token is not
 * limited, and every refusal is counted where the operator sees it (`/api/health`).
 */
import { readFileSync } from 'node:fs';
import { get as httpGet, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTemporal } from '../../clients/temporal';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { BACKTEST_RULES_WORKFLOW } from '../../lib/offers/backtest';
import type { Product } from '../../lib/schema';
import { VISITOR_COOKIE } from '../../web/src/lib/server/access-checks';
import { eventually } from '../integration/pipeline-support';
import { PrivateWebApp } from './web-support';

const REDIS_DB = 11;
const productId = (JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[])[0]!.id;
const json = { 'content-type': 'application/json' };

let app: PrivateWebApp;

const visitorCookie = (res: Response) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${VISITOR_COOKIE}=`))
    ?.split(';')[0];

async function newVisitor(): Promise<Response> {
  return fetch(`${app.url}/api/visitor`, { method: 'POST', headers: { origin: app.url } });
}

const click = (headers: Record<string, string>, userId?: string) =>
  fetch(`${app.url}/api/clicks`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify({ productId, age: 30, gender: 'F', ...(userId ? { userId } : {}) }),
  });

async function refusals(): Promise<Record<string, number>> {
  const health = (await (await fetch(`${app.url}/api/health`)).json()) as { web: { refusals: Record<string, number> } };
  return health.web.refusals;
}

describe('fair limits for every client', () => {
  beforeAll(async () => {
    app = await PrivateWebApp.start(REDIS_DB, { WEB_CLICKS_PER_ADDRESS: '40/s,120', WEB_MAX_BACKTESTS: '1' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('lets one visitor click at a shopper’s pace, refuses a flood with 429, and puts exactly the accepted clicks on click-data', async () => {
    const cookie = visitorCookie(await newVisitor())!;
    expect(cookie).toBeDefined();
    const before = await app.clickRecords();
    const answers = await Promise.all(Array.from({ length: 200 }, () => click({ cookie })));
    const accepted = answers.filter((a) => a.status === 202).length;
    const refused = answers.filter((a) => a.status === 429);
    // The default burst (30) and the pace earned while 200 requests run: far from 200.
    expect(accepted).toBeGreaterThanOrEqual(30);
    expect(accepted).toBeLessThan(60);
    expect(refused.length).toBe(200 - accepted);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused[0]!.json()) as { error: string }).error).toMatch(/too many clicks from this visitor/);
    expect(
      await eventually('the accepted clicks on click-data', async () => ((await app.clickRecords()) === before + accepted ? true : undefined), 10_000),
    ).toBe(true);

    // A second later the visitor may click again.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await click({ cookie })).status).toBe(202);

    // The operator's token (server-to-server, load tests) is not limited.
    const bearer = { authorization: `Bearer ${app.token}` };
    const operator = await Promise.all(Array.from({ length: 200 }, () => click(bearer, 'LOAD-TEST-VISITOR')));
    expect(operator.map((a) => a.status)).toEqual(Array(200).fill(202));
    console.log(
      `[chaos] limits: one visitor sent 200 clicks at once: ${accepted} accepted, ${refused.length} refused with 429; the operator's 200 all accepted`,
    );
  });

  it('limits the clicks of one address across its visitors, and the visitors it may make', async () => {
    const made = await Promise.all(Array.from({ length: 100 }, () => newVisitor()));
    const cookies = made.filter((r) => r.status === 201).map(visitorCookie);
    const refusedVisitors = made.filter((r) => r.status === 429);
    // 40 at once by default (the first test took one), then 20 a minute.
    expect(cookies.length).toBeGreaterThanOrEqual(38);
    expect(cookies.length).toBeLessThan(45);
    expect(refusedVisitors.length).toBe(100 - cookies.length);
    expect(Number(refusedVisitors[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A page opened without a cookie past the limit comes without a visitor.
    const page = await fetch(`${app.url}/shop`);
    expect(page.status).toBe(200);
    expect(visitorCookie(page)).toBeUndefined();

    // Every visitor of the address within its own limit, together past the address's: 120 at once, then 40 a second.
    await new Promise((r) => setTimeout(r, 3_000));
    const started = Date.now();
    const answers = await Promise.all(cookies.flatMap((cookie) => Array.from({ length: 8 }, () => click({ cookie: cookie! }))));
    const seconds = (Date.now() - started) / 1000;
    const accepted = answers.filter((a) => a.status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(120);
    expect(accepted).toBeLessThanOrEqual(120 + Math.ceil(40 * seconds));
    expect(accepted).toBeLessThan(answers.length);
    const refusedText = await answers.find((a) => a.status === 429)!.text();
    expect(refusedText).toMatch(/too many clicks from this address/);
    console.log(`[chaos] limits: 100 new visitors asked from one address: ${cookies.length} made; their ${answers.length} clicks: ${accepted} accepted`);
  });

  it('caps the event streams one address holds, and the backtests under way', async () => {
    const opened: ClientRequest[] = [];
    const stream = (headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = httpGet(`${app.url}/api/dashboard`, { agent: false, headers }, (res) => {
          resolve(res.statusCode ?? 0);
          if (res.statusCode !== 200) res.resume();
        });
        req.on('error', reject);
        opened.push(req);
      });
    const statuses = [];
    for (let i = 0; i < 17; i++) statuses.push(await stream());
    const operator = await stream({ authorization: `Bearer ${app.token}` });
    opened.forEach((req) => req.destroy());
    expect(statuses.slice(0, 16)).toEqual(Array(16).fill(200));
    expect(statuses[16]).toBe(429);
    expect(operator).toBe(200);
    // Closed streams give their places back.
    await eventually('the places back', async () => ((await stream()) === 200 ? true : undefined), 10_000);
    opened.forEach((req) => req.destroy());

    // No worker runs this private app's backtests: the first waits, the second is refused at once.
    const body = JSON.stringify({ rules: OFFER_RULES, hours: 1 });
    const headers = { ...json, authorization: `Bearer ${app.token}` };
    const first = new AbortController();
    void fetch(`${app.url}/api/rules/backtest`, { method: 'POST', headers, body, signal: first.signal }).catch(() => undefined);
    const client = await connectTemporal(app.config.temporal);
    try {
      const query = `WorkflowType = '${BACKTEST_RULES_WORKFLOW}' AND TaskQueue = '${app.config.temporal.taskQueue}' AND ExecutionStatus = 'Running'`;
      const runningOne = async () => {
        for await (const w of client.workflow.list({ query })) return w.workflowId;
        return undefined;
      };
      const workflowId = await eventually('the first backtest to start', runningOne, 20_000);
      const second = await fetch(`${app.url}/api/rules/backtest`, { method: 'POST', headers, body });
      expect(second.status).toBe(429);
      expect(((await second.json()) as { error: string }).error).toMatch(/too many backtests at once \(at most 1\)/);
      first.abort();
      await client.workflow.getHandle(workflowId).terminate('chaos test over');
    } finally {
      await client.connection.close();
    }

    const counted = await refusals();
    expect(counted.clicksPerVisitor).toBeGreaterThanOrEqual(140);
    expect(counted.clicksPerAddress).toBeGreaterThanOrEqual(1);
    expect(counted.newVisitors).toBeGreaterThanOrEqual(56);
    expect(counted.streamsPerAddress).toBeGreaterThanOrEqual(1);
    expect(counted.backtests).toBe(1);
    console.log(
      `[chaos] limits: 17 dashboards from one address: 16 open, the 17th 429, the operator's open; 2 backtests at once with a cap of 1: 1 refused; refusals counted: ${JSON.stringify(counted)}`,
    );
  });
});
