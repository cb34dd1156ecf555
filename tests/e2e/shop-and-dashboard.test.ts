/**
 * The whole system in a real browser (started once by tests/e2e/system.ts): headless Chromium as
 * two shop visitors and a dashboard user. Screenshots go to `<RUN_DIR>/screenshots/`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { parseShopOffer } from '../../web/src/lib/shop-offer';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { enterShop, inCategory, shopperPage, view, web } from './shop-steps';

const token = inject('operatorToken');
const screenshots = inject('screenshotsDir');
const [clothingA, clothingB] = inCategory('clothing');
const [shoes] = inCategory('shoes');
let browser: Browser;

describe('the shop and the dashboard in a browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('gives a visitor of the offer demographic the offer live, and a visitor outside it none', { timeout: 120_000 }, async () => {
    const outside = await shopperPage(browser, { width: 390, height: 844 });
    const inside = await shopperPage(browser, { width: 1280, height: 900 });
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
    // Spoken to the shopper: the products they looked at, not the rule's name.
    const said = await dialog.textContent();
    for (const p of [clothingA!, shoes!, clothingB!]) expect(said).toContain(p.title);
    expect(said).not.toContain('clothes-shoes-clothes');
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
      JSON.stringify(await Promise.all(['page-views-total', 'replay-rows', 'as-of'].map((id) => page.getByTestId(id).textContent({ timeout: 30_000 }))));

    const before = await numbers();
    await eventually('the dashboard numbers to change', async () => ((await numbers()) !== before ? true : undefined), 20_000);
    expect(Number((await page.getByTestId('page-views-total').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    await expect(page.getByTestId('top-products').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });

    // Only the operator steers: a browser that has not signed in sees how to, not the controls.
    await page.getByTestId('replay-sign-in').waitFor();
    expect(await page.getByTestId('replay-pause').count()).toBe(0);
    // The Temporal UI shows whole visitor ids: no link to it, nor its address, for anyone else.
    expect(await page.getByRole('link', { name: /Temporal/ }).count()).toBe(0);
    expect(await page.content()).not.toContain('/namespaces/');
    await page.goto(`${web}/sign-in?token=${encodeURIComponent(token)}`);
    await page.waitForURL(`${web}/dashboard`);
    expect(await page.getByTestId('temporal-link').getAttribute('href')).toMatch(/\/namespaces\/[^/]+\/workflows$/);
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
    await phone.getByTestId('page-views-total').waitFor();
    await phone.screenshot({ path: join(screenshots, 'dashboard-phone.png') });
    expect(errors).toEqual([]);
  });

  it('serves the HTTP API: clicks, offers as server-sent events, aggregates and health', { timeout: 60_000 }, async () => {
    // Another front end's server: the operator token lets it name any visitor.
    const authorization = `Bearer ${token}`;
    const post = (body: string, type = 'application/json', origin = web) =>
      fetch(`${web}/api/clicks`, { method: 'POST', headers: { 'content-type': type, origin, authorization }, body });
    expect((await post('{}', 'text/plain')).status).toBe(415);
    // SvelteKit refuses a form-like POST from another site before it reaches the route.
    expect((await post('{}', 'text/plain', 'http://elsewhere.example')).status).toBe(403);
    expect((await post(JSON.stringify({ pad: 'x'.repeat(10_000) }))).status).toBe(413);
    const bad = await post(JSON.stringify({ userId: 'U', productId: 'P', age: 'forty', gender: 'M' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('age');

    // A visitor of another front end: listen for offers, then send the three clicks.
    const userId = crypto.randomUUID().toUpperCase();
    const stream = await fetch(`${web}/api/offers?userId=${userId}`, { headers: { authorization } });
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
    // The offer as on special-offers, with what it gives and its rule in words.
    const shown = parseShopOffer(line.slice('data: '.length));
    expect(shown.ok && shown.value.offer).toMatchObject({ userId, offerId: 'offer2' });
    expect(shown.ok && shown.value.definition).toMatchObject({ discountPercent: 25, categories: ['clothing', 'shoes'] });

    const aggregates = await fetch(`${web}/api/aggregates`);
    expect(aggregates.status).toBe(200);
    const figures = (await aggregates.json()) as { rawClicks: Record<string, unknown>[]; latestVisitors: Record<string, unknown>[] };
    expect(Object.keys(figures)).toEqual(
      expect.arrayContaining([
        'asOf',
        'activeVisitors',
        'pageViewsPerMinute',
        'sessionsStarted',
        'sessions',
        'devices',
        'entryPages',
        'exitPages',
        'countries',
        'bots',
        'lateEvents',
        'topProducts',
        'categories',
        'latestVisitors',
        'rawClicks',
      ]),
    );
    // Shown to anyone: no address, visitor ids cut short.
    const rows = [...figures.rawClicks, ...figures.latestVisitors];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).not.toHaveProperty('ip');
      expect(String(row.userId).length).toBeLessThanOrEqual(8);
    }
    const health = (await (await fetch(`${web}/api/health`)).json()) as { up: boolean; consumerLag: Record<string, { lag: number | null }> };
    expect(health.up, JSON.stringify(health)).toBe(true);
    expect(Object.keys(health.consumerLag)).toEqual([...CONSUMER_KINDS]);
  });
});
