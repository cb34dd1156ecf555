/**
 * Hostile input against a private copy of the built web app: every API endpoint that takes input
 * gets bad JSON, wrong types, missing and extra fields, oversized bodies (declared and chunked),
 * wrong content types, unknown products, injection strings in every string field and wrong methods.
 * Each must be refused with a 4xx naming the problem, the server must stay up, nothing may reach
 * click-data, and pages that carry the input in their URL must render it escaped. Requests carry the
 * operator token, as a server-to-server caller's would, so each reaches the check it is aimed at.
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../lib/schema';
import { eventually } from '../integration/pipeline-support';
import { PrivateWebApp } from './web-support';

const products = JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[];
const valid = { userId: '5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D', productId: products[0]!.id, age: 40, gender: 'M' };
const SCRIPT = '<script>alert(1)</script>';
const INJECTIONS = [SCRIPT, "'; DROP TABLE clicks; --", '{{7*7}}', '${7*7}', '../../etc/passwd', 'a\u0000b', 'ü'.repeat(400)];

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

interface BadRequest {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent in pieces without a Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
  status: number;
  /** What the error message must say. */
  error: string;
  /** SvelteKit's own CSRF check answers form-like cross-site posts in plain text, before any route. */
  plainText?: boolean;
}

let app: PrivateWebApp;

/** One request over node:http, so bodies can be chunked, mislabelled or bigger than any limit. */
/** With the operator token (a server-to-server caller), so that every field's check is reached. */
function send(r: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<Answer> {
  const body = Buffer.from(r.body ?? '');
  const headers = {
    authorization: `Bearer ${app.token}`,
    ...r.headers,
    ...(r.body !== undefined && !r.chunked ? { 'content-length': String(body.length) } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}${r.path}`, { method: r.method ?? 'POST', headers, timeout: 20_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 20 s')));
    req.on('error', reject);
    if (r.body === undefined) return void req.end();
    // Chunked: 16 KiB pieces, honouring back-pressure; the server may answer before the last one.
    const pieces = r.chunked ? Math.ceil(body.length / 16_384) : 1;
    let i = 0;
    const writeOn = () => {
      while (i < pieces) {
        const piece = body.subarray((i * body.length) / pieces, ((i + 1) * body.length) / pieces);
        i++;
        if (!req.write(piece)) return void req.once('drain', writeOn);
      }
      req.end();
    };
    writeOn();
  });
}

const json = (o: unknown) => JSON.stringify(o);
const clicks = (
  name: string,
  body: string | Buffer,
  status: number,
  error: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): BadRequest => ({
  name: `clicks: ${name}`,
  path: '/api/clicks',
  headers,
  body,
  status,
  error,
});
const replay = (
  name: string,
  body: string,
  status: number,
  error: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): BadRequest => ({
  name: `replay: ${name}`,
  path: '/api/replay',
  headers,
  body,
  status,
  error,
});

function badRequests(origin: string): BadRequest[] {
  const without = (field: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field));
  const big = (bytes: number) => json({ ...valid, userAgent: 'x'.repeat(bytes) });
  return [
    // Not JSON, or not a JSON object.
    ...['{bad', '', '{"userId":', 'null', '[]', '"click"', '42', '{"userId":"a\u0000b"}'].map((b) =>
      clicks(`body ${json(b)}`, b, 400, b === '' || b.startsWith('{') ? 'invalid JSON' : 'expected a JSON object'),
    ),
    clicks('bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x00]), 400, 'invalid JSON'),
    // Wrong types and values.
    ...(
      [
        ['userId', 42],
        ['userId', true],
        ['productId', []],
        ['productId', {}],
        ['age', '40'],
        ['age', 40.5],
        ['age', -1],
        ['age', 131],
        ['gender', 1],
        ['gender', 'X'],
        ['ip', 5],
        ['ip', '256.1.1.1'],
        ['userAgent', {}],
      ] as const
    ).map(([field, v]) => clicks(`${field} ${json(v)}`, json({ ...valid, [field]: v }), 400, field)),
    clicks('age 1e400 (Infinity)', json(valid).replace('"age":40', '"age":1e400'), 400, 'age'),
    // Missing fields (a shopper may keep their age and gender to themselves: those are no error).
    ...(['userId', 'productId'] as const).map((f) => clicks(`no ${f}`, json(without(f)), 400, f)),
    clicks('empty object', '{}', 400, 'productId'),
    // Extra fields, small and huge.
    clicks('extra field', json({ ...valid, admin: true }), 400, 'unknown field "admin"'),
    clicks('__proto__ field', json(valid).replace('{', '{"__proto__":{"admin":true},'), 400, 'unknown field "__proto__"'),
    clicks('extra field of 3 KB', json({ ...valid, pad: 'x'.repeat(3_000) }), 400, 'unknown field "pad"'),
    clicks('extra field of 10 KB', json({ ...valid, pad: 'x'.repeat(10_000) }), 413, 'exceeds 4096'),
    // Oversized bodies: declared, and chunked without a Content-Length, under and over adapter-node's 512 KiB.
    clicks('declared body of 10 KB', big(10_000), 413, 'exceeds 4096'),
    clicks('declared body of 1 MB', big(1_000_000), 413, 'exceeds 4096'),
    { ...clicks('chunked body of 10 KB', big(10_000), 413, 'exceeds 4096'), chunked: true },
    { ...clicks('chunked body of 1 MB', big(1_000_000), 413, 'exceeds 4096'), chunked: true },
    // Wrong or missing content types: from the app's own origin they reach the route.
    clicks('no content type', json(valid), 415, 'expected Content-Type application/json, got none', {}),
    ...['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'text/html'].map((type) =>
      clicks(`content type ${type}`, json(valid), 415, `got ${type}`, { 'content-type': type, origin }),
    ),
    ...['text/plain', 'application/x-www-form-urlencoded'].map((type) => ({
      ...clicks(`cross-site ${type}`, json(valid), 403, 'Cross-site POST form submissions are forbidden', { 'content-type': type }),
      plainText: true,
    })),
    // Clicks on no product of the shop.
    ...['XX00000000', valid.productId.toLowerCase(), `${valid.productId} `.repeat(2), 'P'.repeat(512)].map((id) =>
      clicks(`unknown product ${json(id.slice(0, 20))}`, json({ ...valid, productId: id }), 400, 'is not a product of the shop'),
    ),
    // Injection strings in every string field.
    ...(['userId', 'productId', 'gender', 'ip', 'userAgent'] as const).flatMap((field) =>
      INJECTIONS.map((v) => clicks(`${field} ${json(v.slice(0, 20))}`, json({ ...valid, [field]: v }), 400, field)),
    ),
    // Methods the endpoints do not serve.
    ...['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => ({
      ...clicks(`method ${method}`, json(valid), 405, `method ${method} not allowed: use POST`),
      method,
    })),

    // The dashboard's replay controls.
    ...['{bad', ''].map((b) => replay(`body ${json(b)}`, b, 400, 'invalid JSON')),
    replay('an array', '[]', 400, 'expected a JSON object'),
    replay('no action', '{}', 400, 'action must be pause, resume or speed, got undefined'),
    ...['stop', 42, ...INJECTIONS].map((a) => replay(`action ${json(a).slice(0, 20)}`, json({ action: a }), 400, 'action must be pause, resume or speed')),
    replay('speed without pace', json({ action: 'speed' }), 400, 'pace: expected an object with a mode'),
    replay('pace of a bad mode', json({ action: 'speed', pace: { mode: SCRIPT } }), 400, 'pace: mode must be one of'),
    replay('negative rate', json({ action: 'speed', pace: { mode: 'fixed', rate: -1 } }), 400, 'pace: rate must be a positive number'),
    replay('rate as text', json({ action: 'speed', pace: { mode: 'fixed', rate: '{{7*7}}' } }), 400, 'pace: rate must be a positive number'),
    replay('speed of zero', json({ action: 'speed', pace: { mode: 'original', speed: 0 } }), 400, 'pace: speed must be a positive number'),
    replay('extra field', json({ action: 'pause', force: true }), 400, 'unknown field "force"'),
    replay('declared body of 10 KB', json({ action: 'pause', pad: 'x'.repeat(10_000) }), 413, 'exceeds 1024'),
    { ...replay('chunked body of 1 MB', json({ action: 'pause', pad: 'x'.repeat(1_000_000) }), 413, 'exceeds 1024'), chunked: true },
    replay('no content type', json({ action: 'pause' }), 415, 'got none', {}),
    replay('content type text/plain', json({ action: 'pause' }), 415, 'got text/plain', { 'content-type': 'text/plain', origin }),
    ...['GET', 'PUT', 'DELETE'].map((method) => ({
      ...replay(`method ${method}`, json({ action: 'pause' }), 405, `method ${method} not allowed: use POST`),
      method,
    })),

    // Offers stream: the visitor id from the query string.
    ...['', ...INJECTIONS].map((id) => ({
      name: `offers: userId ${json(id.slice(0, 20))}`,
      method: 'GET',
      path: `/api/offers?userId=${encodeURIComponent(id)}`,
      status: 400,
      error: 'userId query parameter',
    })),
    { name: 'offers: no userId', method: 'GET', path: '/api/offers', status: 400, error: 'userId query parameter required with the operator token' },
    {
      name: 'offers: method POST',
      path: '/api/offers?userId=A1',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      status: 405,
      error: 'method POST not allowed: use GET',
    },
    { name: 'health: method DELETE', method: 'DELETE', path: '/api/health', status: 405, error: 'method DELETE not allowed: use GET' },
  ];
}

describe('the HTTP API under hostile input', () => {
  beforeAll(async () => {
    app = await PrivateWebApp.start(14);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('refuses every bad request with a 4xx naming the problem, stays up and puts nothing on click-data', async () => {
    // A valid click first: it must be counted, or counting records could not catch a bad one.
    const accepted = await send({ path: '/api/clicks', headers: { 'content-type': 'application/json' }, body: json(valid) });
    expect(accepted.status, accepted.text).toBe(202);
    await eventually('the valid click on click-data', async () => ((await app.clickRecords()) === 1 ? true : undefined), 10_000);

    const cases = badRequests(app.url);
    const failures: string[] = [];
    let rejected = 0;
    let crashes = 0;
    for (const c of cases) {
      let answer: Answer;
      try {
        answer = await send(c);
      } catch (err) {
        crashes++;
        failures.push(`${c.name}: no answer: ${(err as Error).message}`);
        continue;
      }
      if (answer.status >= 500) crashes++;
      if (answer.status >= 400 && answer.status < 500) rejected++;
      let error: unknown = answer.text;
      if (!c.plainText) {
        try {
          error = answer.contentType.startsWith('application/json') ? (JSON.parse(answer.text) as { error?: unknown }).error : undefined;
        } catch {
          error = undefined;
        }
      }
      if (answer.status !== c.status || typeof error !== 'string' || !error.includes(c.error)) {
        failures.push(`${c.name}: expected ${c.status} "${c.error}", got ${answer.status} ${answer.contentType} ${answer.text.slice(0, 200)}`);
      }
    }
    console.log(`[chaos] http: ${cases.length} bad inputs, ${rejected} rejected with 4xx, ${crashes} crashes`);
    expect(failures).toEqual([]);
    expect(rejected).toBe(cases.length);

    const health = await fetch(`${app.url}/api/health`);
    const body = (await health.json()) as { services: Record<string, { up: boolean }> };
    expect(body.services.kafka?.up, JSON.stringify(body)).toBe(true);
    // Only the valid click: no bad request reached the topic.
    expect(await app.clickRecords()).toBe(1);
  });

  it('renders input from the URL escaped in its pages, under its content security policy', async () => {
    const q = encodeURIComponent(SCRIPT);
    const pages: [string, number][] = [
      [`/shop/products/${q}`, 404],
      [`/shop?category=${q}`, 200],
      [`/shop/products/${valid.productId}?from=${q}`, 200],
      [`/?userId=${q}&age=${q}`, 200],
      [`/dashboard?replay=${q}`, 200],
      [`/images/products/${q}.svg`, 404],
    ];
    for (const [path, status] of pages) {
      const res = await fetch(`${app.url}${path}`);
      const html = await res.text();
      expect(res.status, path).toBe(status);
      expect(html, path).not.toContain(SCRIPT);
      if (res.headers.get('content-type')?.startsWith('text/html')) expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
    console.log(`[chaos] http: ${pages.length} pages with ${SCRIPT} in the URL, none renders it as markup`);
  });
});
