/**
 * The dashboard's figures as a newcomer meets them (issue 13): present and numeric in the
 * server-rendered HTML and the live page, readable on a phone without sideways scrolling, and a
 * 404 page with a way back. Screenshots go to `<RUN_DIR>/screenshots/`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { web } from './shop-steps';

const token = inject('operatorToken');
const screenshots = inject('screenshotsDir');
let browser: Browser;

/** The number a figure shows, e.g. "12,199" → 12199; NaN when it is not one. */
const numberIn = (text: string | null) => Number((text ?? '').trim().replace(/,/g, ''));
const figure = async (page: Page, testid: string) => numberIn(await page.getByTestId(testid).textContent());

/** Each table's scroll container, wider inside than it shows: what a phone would have to scroll sideways. */
const overflowingTables = (page: Page) =>
  page.$$eval('table', (tables) =>
    tables.flatMap((table) => {
      const box = table.closest('.table-scroll') ?? table.parentElement!;
      return box.scrollWidth > box.clientWidth + 1
        ? [`${table.dataset.testid ?? table.closest('section')?.querySelector('h2')?.textContent}: ${box.scrollWidth} > ${box.clientWidth}`]
        : [];
    }),
  );

describe('the dashboard figures', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    // The replay runs from the system's start: wait until the aggregates count visitors and sessions.
    await eventually(
      'the first figures in the server-rendered dashboard',
      async () => {
        const html = await (await fetch(`${web}/dashboard`)).text();
        const sessions = /data-testid="sessions-count"[^>]*>([\d,]+)</.exec(html);
        return sessions && numberIn(sessions[1]!) > 0 ? true : undefined;
      },
      60_000,
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the current figures on the server, before any script runs', async () => {
    const res = await fetch(`${web}/dashboard`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const active = /data-testid="active-visitors"[^>]*>([\d,]+)</.exec(html);
    expect(active, 'active visitors in the HTML').not.toBeNull();
    expect(numberIn(active![1]!)).toBeGreaterThan(0);
    expect(html).toMatch(/data-testid="as-of"/);
    expect(html).not.toContain('No replay workflow answers');
    // The two clocks, in words: the e2e replay runs at a fixed rate.
    expect(html).toContain('replayed at 40 clicks/s, whatever their spacing in the log');
    // Shown to anyone: no visitor's address in the page nor in the data it hydrates from.
    expect(html).not.toMatch(/\bip["']?:/);
  });

  it('shows the key figures as numbers at 1366x900', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = collectConsoleErrors(page);
    await page.goto(`${web}/dashboard`);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 15_000 });

    expect(await figure(page, 'active-visitors')).toBeGreaterThan(0);
    expect(await figure(page, 'page-views-total')).toBeGreaterThan(0);
    expect(await figure(page, 'sessions-count')).toBeGreaterThan(0);
    // Read together: the figures change every second.
    const both = await page.$$eval('[data-testid="devices-total"], [data-testid="active-visitors"]', (els) => els.map((e) => e.textContent));
    expect(both).toHaveLength(2);
    expect(numberIn(both[0]!)).toBe(numberIn(both[1]!));
    const bounce = (await page.getByTestId('bounce-rate').textContent())!.trim();
    expect(bounce).toMatch(/^\d{1,3}(\.\d)?%$/);
    expect(Number(bounce.slice(0, -1))).toBeLessThanOrEqual(100);
    expect(await page.getByTestId('session-median').textContent()).toMatch(/^\d+ (h|min|s)( \d+ (min|s))?$/);
    expect(Number.isNaN(await figure(page, 'bots-count'))).toBe(false);
    expect(Number.isNaN(await figure(page, 'late-events'))).toBe(false);
    for (const table of ['top-products', 'entry-pages', 'countries', 'latest-visitors']) {
      // Rows with figures, not the "none yet" row.
      await expect(page.getByTestId(table).locator('tbody tr:not(:has(td.muted))').count(), table).resolves.toBeGreaterThan(0);
    }
    // Every country's share is a percentage.
    const shares = await page.getByTestId('countries').locator('td.share .num').allTextContents();
    expect(shares.length).toBeGreaterThan(0);
    for (const share of shares) expect(share).toMatch(/^\d{1,3}(\.\d)?%$/);
    // Titles say what is counted over which window.
    const titles = await page.locator('main h2').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['Page views per minute, last 30 minutes', 'Sessions started per half hour, last 8 hours']));
    expect(titles.some((t) => t.startsWith('Visitors now (last 5 minutes) by device'))).toBe(true);
    // Anyone sees short ids, and no links to a visitor's page.
    expect(await page.getByTestId('visitor-link').count()).toBe(0);

    await page.screenshot({ path: join(screenshots, 'dashboard-figures-desktop.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('links the operator to each visitor’s page', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${web}/sign-in?token=${encodeURIComponent(token)}`);
    await page.waitForURL(`${web}/dashboard`);
    const link = page.getByTestId('latest-visitors').getByTestId('visitor-link').first();
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(/^\/dashboard\/visitors\/[^/]+$/);
    await page.close();
  });

  it('fits a phone: no table scrolls sideways, nor the page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectConsoleErrors(page);
    await page.goto(`${web}/dashboard`);
    // A stream the server refused at first (its caps are shared with the other pages) is asked again every 10 s.
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 40_000 });
    await expect(page.getByTestId('latest-visitors').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    expect(await overflowingTables(page)).toEqual([]);
    expect(await page.$eval('html', (html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(screenshots, 'dashboard-figures-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('answers an unknown address with a 404 page that leads back', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const res = await page.goto(`${web}/no-such-page`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('error-page').textContent()).resolves.toContain('This page does not exist');
    expect(await page.getByTestId('back-to-shop').getAttribute('href')).toBe('/shop');
    await page.getByTestId('back-to-dashboard').click();
    await page.waitForURL(`${web}/dashboard`);
    await page.getByTestId('active-visitors').waitFor();
  });
});
