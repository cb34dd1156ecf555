/**
 * The whole system in a real browser: a private copy of the pipeline (its own topics, task queue,
 * Redis db) with every worker and the built web app, a click log replaying, and headless Chromium
 * as two shop visitors and a dashboard user. Screenshots go to `<RUN_DIR>/screenshots/`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { createRedis } from '../../clients/redis';
import { connectTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { generateClickRows } from '../../lib/datagen/clickLog';
import { csvRow } from '../../lib/datagen/csv';
import { generateVisitors, visitorJsonLine } from '../../lib/datagen/visitors';
import { CLICK_LOG_COLUMNS, parseOffer, type Product } from '../../lib/schema';
import { replayClicksWorkflow } from '../../workflows/replay-clicks.workflow';
import { streamConsumersWorkflow } from '../../workflows/stream-consumers.workflow';
import { eventually, ingestDataDir, isolatedEnv, WorkerProcess } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { freePort } from '../integration/support';

const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
const base = isolatedEnv(join(dir, 'state'), dir, 7);
const webPort = await freePort();
const env = { ...base, WEB_PORT: String(webPort), REPLAY_WORKFLOW_ID: `${base.TEMPORAL_TASK_QUEUE}-replay` };
const config = loadConfig(env);
const web = `http://127.0.0.1:${webPort}`;
const screenshots = resolve(loadConfig().runDir, 'screenshots');

const products = JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[];
const inCategory = (category: string) => products.filter((p) => p.category === category);
const [clothingA, clothingB] = inCategory('clothing');
const [shoes] = inCategory('shoes');

const workers = [
  new WorkerProcess('orchestrator', ['workers/orchestrator.ts'], { ...env, WORKER_NAME: 'orchestrator' }),
  ...CONSUMER_KINDS.map((kind) => new WorkerProcess(kind, ['workers/stream-worker.ts', kind], { ...env, WORKER_NAME: `${kind}-1` })),
];
const webServer = new WorkerProcess('web', ['web/build'], { ...env, PORT: String(webPort), HOST: '127.0.0.1', ORIGIN: web, SHUTDOWN_TIMEOUT: '5' }, 'node');
let browser: Browser;

describe('the shop and the dashboard in a browser', () => {
  beforeAll(async () => {
    if (!existsSync('web/build/index.js')) throw new Error('web/build missing: run `make web/build/index.js` (make e2e does) first');
    mkdirSync(screenshots, { recursive: true });
    // The shop's real catalogue and pictures; a small click log of the same products, replayed in a loop.
    writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
    symlinkSync(resolve('data/images'), join(dir, 'images'));
    const visitors = generateVisitors(23, 300);
    writeFileSync(join(dir, 'users.json'), visitors.map(visitorJsonLine).join('\n') + '\n');
    const rows = [...generateClickRows({ seed: 23, rows: 20_000, products, visitors, malformedRate: 0 })];
    writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));

    const redis = createRedis(config.redis);
    await redis.flushdb();
    redis.disconnect();
    await ensureTopics(createKafka(config.kafka, 'e2e'), config.kafka, projectTopics(config.kafka));
    await Promise.all([...workers.map((w) => w.start()), webServer.start(), launchChromium().then((b) => (browser = b))]);

    const client = await connectTemporal(config.temporal);
    const taskQueue = config.temporal.taskQueue;
    await ingestDataDir(client, taskQueue, dir);
    for (const kind of CONSUMER_KINDS) {
      await client.workflow.start(streamConsumersWorkflow, { taskQueue, workflowId: `${taskQueue}-${kind}`, args: [{ kind, consumers: 1 }] });
    }
    await client.workflow.start(replayClicksWorkflow, {
      taskQueue,
      workflowId: config.web.replayWorkflowId,
      args: [{ file: join(dir, 'clicks.csv'), loop: true, pace: { mode: 'fixed', rate: 40 } }],
    });
    await client.connection.close();
  });

  afterAll(async () => {
    await browser?.close();
    const client = await connectTemporal(config.temporal);
    const running = client.workflow.list({ query: `TaskQueue = '${config.temporal.taskQueue}' AND ExecutionStatus = 'Running'` });
    for await (const wf of running) await client.workflow.getHandle(wf.workflowId).terminate('test over').catch(() => {});
    await client.connection.close();
    await Promise.all([webServer.stop(), ...workers.map((w) => w.stop())]);
    const admin = createKafka(config.kafka, 'e2e').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: projectTopics(config.kafka) }).catch(() => {});
    await admin.disconnect();
    const redis = createRedis(config.redis);
    await redis.flushdb();
    redis.disconnect();
  });

  /** A visitor picks a ready-made identity on the start page and enters the shop. */
  async function enterShop(page: Page, preset: string): Promise<string> {
    await page.goto(`${web}/`);
    await page.locator('form[data-interactive="true"]').waitFor();
    await page.getByRole('button', { name: preset, exact: true }).click();
    const userId = (await page.getByTestId('visitor-id').textContent())!.trim();
    await page.getByRole('button', { name: 'Enter the shop' }).click();
    await page.waitForURL(`${web}/shop`);
    await expect(page.getByTestId('visitor-badge').textContent()).resolves.toContain(preset.toLowerCase());
    await page.locator('[data-testid="offers-connection"][data-connected="true"]').waitFor();
    return userId;
  }

  /** Views a product by clicking through the shop, as a person would, until its click is on click-data. */
  async function view(page: Page, product: Product): Promise<void> {
    await page.locator('header nav a[href="/shop"]').click();
    await page.locator(`a.product[data-product-id="${product.id}"]`).click();
    await page.locator(`article[data-product-id="${product.id}"] [data-testid="click-status"][data-state="sent"]`).waitFor({ timeout: 10_000 });
  }

  it('gives a visitor of the offer demographic the offer live, and a visitor outside it none', { timeout: 120_000 }, async () => {
    const outside = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const inside = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [...collectConsoleErrors(outside), ...collectConsoleErrors(inside)];

    const outsideId = await enterShop(outside, 'Woman, 55');
    for (const p of [clothingA!, shoes!, clothingB!]) await view(outside, p);
    await enterShop(inside, 'Man, 40');
    for (const p of [clothingA!, shoes!, clothingB!]) await view(inside, p);
    const lastClick = Date.now();

    const dialog = inside.getByTestId('offer-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    const latencyMs = Date.now() - lastClick;
    console.log(`[e2e] offer dialog shown ${latencyMs} ms after the third click`);
    expect(latencyMs).toBeLessThan(10_000);
    expect(await dialog.getAttribute('data-offer-id')).toBe('offer1');
    await expect(dialog.textContent()).resolves.toContain('clothes-shoes-clothes');
    await inside.screenshot({ path: join(screenshots, 'shop-offer.png') });

    // The other visitor's clicks went in first: had they made an offer, it would be here by now.
    await new Promise((r) => setTimeout(r, 3_000));
    await outside.screenshot({ path: join(screenshots, 'shop-phone.png'), fullPage: false });
    const unexpected = outside.getByTestId('offer-dialog');
    expect(await unexpected.count(), `${outsideId}: ${await unexpected.allTextContents()}`).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the aggregates changing while the replay runs, and still once it is paused from the dashboard', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectConsoleErrors(page);
    await page.goto(`${web}/dashboard`);
    const numbers = async () =>
      JSON.stringify(await Promise.all(['visits-total', 'replay-rows', 'as-of'].map((id) => page.getByTestId(id).textContent({ timeout: 30_000 }))));

    const before = await numbers();
    await eventually('the dashboard numbers to change', async () => ((await numbers()) !== before ? true : undefined), 20_000);
    expect(Number((await page.getByTestId('visits-total').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    await expect(page.getByTestId('top-products').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });

    await page.getByTestId('replay-pause').click();
    await page.locator('[data-testid="replay-state"]', { hasText: 'paused' }).waitFor({ timeout: 15_000 });
    // Clicks already on their way are still counted; then nothing changes.
    await eventually(
      'the numbers to stop changing',
      async () => {
        const a = await numbers();
        await new Promise((r) => setTimeout(r, 3_000));
        return a === (await numbers()) ? true : undefined;
      },
      30_000,
    );
    const paused = await numbers();
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await numbers()).toBe(paused);

    await page.getByTestId('replay-resume').click();
    await page.locator('[data-testid="replay-state"]', { hasText: 'running' }).waitFor({ timeout: 15_000 });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    errors.push(...collectConsoleErrors(phone));
    await phone.goto(`${web}/dashboard`);
    await phone.getByTestId('visits-total').waitFor();
    await phone.screenshot({ path: join(screenshots, 'dashboard-phone.png') });
    expect(errors).toEqual([]);
  });

  it('serves the HTTP API: clicks, offers as server-sent events, aggregates and health', { timeout: 60_000 }, async () => {
    const post = (body: string, type = 'application/json', origin = web) =>
      fetch(`${web}/api/clicks`, { method: 'POST', headers: { 'content-type': type, origin }, body });
    expect((await post('{}', 'text/plain')).status).toBe(415);
    // SvelteKit refuses a form-like POST from another site before it reaches the route.
    expect((await post('{}', 'text/plain', 'http://elsewhere.example')).status).toBe(403);
    expect((await post(JSON.stringify({ pad: 'x'.repeat(10_000) }))).status).toBe(413);
    const bad = await post(JSON.stringify({ userId: 'U', productId: 'P', age: 'forty', gender: 'M' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('age');

    // A visitor of another front end: listen for offers, then send the three clicks.
    const userId = crypto.randomUUID().toUpperCase();
    const stream = await fetch(`${web}/api/offers?userId=${userId}`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    for (const p of [clothingA!, shoes!, clothingB!]) {
      const res = await post(JSON.stringify({ userId, productId: p.id, age: 30, gender: 'female', userAgent: 'e2e/1.0' }));
      expect(res.status).toBe(202);
    }
    let text = '';
    while (!/^data: .*\n\n/m.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    const line = text.split('\n').find((l) => l.startsWith('data: '))!;
    const offer = parseOffer(line.slice('data: '.length));
    expect(offer.ok && offer.value).toMatchObject({ userId, offerId: 'offer2' });

    const aggregates = await fetch(`${web}/api/aggregates`);
    expect(aggregates.status).toBe(200);
    expect(Object.keys((await aggregates.json()) as object)).toEqual(
      expect.arrayContaining(['asOf', 'visitsPerMinute', 'sessions', 'devices', 'topProducts', 'categories', 'latestVisitors', 'rawClicks']),
    );
    const health = (await (await fetch(`${web}/api/health`)).json()) as { up: boolean; consumerLag: Record<string, { lag: number | null }> };
    expect(health.up, JSON.stringify(health)).toBe(true);
    expect(Object.keys(health.consumerLag)).toEqual([...CONSUMER_KINDS]);
  });
});
