/**
 * A dashboard that never misleads (issue 23, items 3 and 6): it says "Live" only while its stream
 * is open; a refused stream is said in words, with figures that stopped, and it retries by
 * itself; its newest click time never goes back; durations say which clock they are on; the
 * funnel shows its base; the speed menu shows the pace; it passes axe at both sizes, signed in or
 * not. Screenshots: `<RUN_DIR>/screenshots/pages/`.
 */
import { get as httpGet, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { checkPage, operatorPage, type Size, SIZES, textOf } from './page-checks';
import { web } from './shop-steps';

const token = inject('operatorToken');
let browser: Browser;

/** The newest click time the page shows, as ms of the day (the dashboard shows the time of day for today). */
const asOf = async (page: Page): Promise<number> => {
  const [h, m, s] = (await textOf(page, 'as-of')).split(':').map(Number);
  return ((h! * 60 + m!) * 60 + s!) * 1000;
};

/** Anonymous dashboard streams from this address until the server says 429: the address's share taken. Each its own connection. */
async function takeEveryStream(): Promise<ClientRequest[]> {
  const held: ClientRequest[] = [];
  for (let i = 0; i < 40; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpGet(`${web}/api/dashboard`, { agent: false }, (res) => {
        resolve(res.statusCode ?? 0);
        if (res.statusCode !== 200) res.resume();
      });
      req.on('error', reject);
      held.push(req);
    });
    if (status === 429) {
      held.pop()!.destroy();
      return held;
    }
    expect(status).toBe(200);
  }
  throw new Error('the server never refused a stream: is WEB_MAX_STREAMS_PER_ADDRESS above 40?');
}

describe('the dashboard, live or saying it is not', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('is live, with durations on their clock, the funnel with its base, and passes at both sizes', { timeout: 240_000 }, async () => {
    for (const size of ['desktop', 'phone'] as Size[]) {
      const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
      const errors = collectConsoleErrors(page);
      await page.goto(`${web}/dashboard`);
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 30_000 });
      expect(await textOf(page, 'live-status')).toMatch(/^Live: figures move as clicks arrive/);
      // The e2e replay runs at a fixed rate: the log's spacing is not kept, so the duration is the replay clock's, and says so.
      expect(await textOf(page, 'session-median-clock')).toMatch(/^replay clock: at 40 clicks\/s/);
      await page.getByTestId('funnel-at-start').waitFor({ timeout: 30_000 });
      const funnel = (await page.getByTestId('funnel').textContent())!.replace(/\s+/g, ' ');
      expect(funnel).toContain('At the start: no step taken yet');
      expect(funnel).toContain('Step 1: viewed clothing');
      expect(funnel).toContain('Step 2: viewed clothing, then shoes');
      expect(funnel).not.toMatch(/clothes_visited|shoes_visited/);
      expect(await textOf(page, 'funnel-offered')).toMatch(/^Offers sent under these rules/);
      await checkPage(page, 'dashboard', size);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it('never paints an older newest click over a newer one, from the first paint on', { timeout: 60_000 }, async () => {
    // A viewer comes and goes: the hub's feed of that moment must not come back to the next one.
    const first = await browser.newPage();
    await first.goto(`${web}/dashboard`);
    await first.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await first.close();
    await new Promise((r) => setTimeout(r, 3_000));

    const page = await browser.newPage();
    await page.goto(`${web}/dashboard`);
    const seen: number[] = [];
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      seen.push(await asOf(page));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(new Set(seen).size, 'the figures moved meanwhile').toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!, `sample ${i}: ${seen.join(', ')}`).toBeGreaterThanOrEqual(seen[i - 1]!);
    await page.close();
  });

  it('says in words that figures are not live when its stream is refused, and goes live again by itself', { timeout: 120_000 }, async () => {
    const held = await takeEveryStream();
    try {
      // The phone first: the desktop then lets the streams go and watches the page go live.
      for (const size of ['phone', 'desktop'] as Size[]) {
        const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
        await page.goto(`${web}/dashboard`);
        await page.locator('[data-testid="live-status"][data-status="refused"]').waitFor({ timeout: 20_000 });
        const said = await textOf(page, 'live-status');
        expect(said).toMatch(/^Not live: the server refused the live stream/);
        expect(said).toContain('The figures below stopped');
        expect(said).toMatch(/It tries again by itself every 10 s \(next in \d+ s\)/);
        await checkPage(page, 'dashboard-not-live', size, { fullPage: false });
        if (size === 'desktop') {
          for (const req of held.splice(0)) req.destroy();
          // The server gives the places back once it sees the connections gone; the page asks every 10 s.
          await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 40_000 });
        }
        await page.context().close();
      }
    } finally {
      for (const req of held) req.destroy();
    }
  });

  it('shows the operator the pace the replay runs at in the speed menu', { timeout: 180_000 }, async () => {
    const page = await operatorPage(browser, 'desktop');
    const errors = collectConsoleErrors(page);
    const speed = page.getByTestId('replay-speed');
    await speed.waitFor();
    // 40 clicks a second is none of the menu's choices: the menu names it as it is.
    expect(await speed.locator('option:checked').textContent()).toBe('40 rows/s');
    const checked = async () => (await speed.locator('option:checked').textContent())?.trim();
    // A slow pace: a fast one would flood the shared system with new visitors for the files after this one.
    await speed.selectOption({ label: '5 clicks/s' });
    const restore = () =>
      fetch(`${web}/api/replay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'speed', pace: { mode: 'fixed', rate: 40 } }),
      });
    try {
      await eventually('the replay at 5 clicks/s', async () => ((await textOf(page, 'replay')).includes('5 rows/s') ? true : undefined), 30_000);
      expect(await checked()).toBe('5 clicks/s');
    } finally {
      expect((await restore()).status).toBeLessThan(300);
    }
    // A pace set elsewhere shows in the menu too: it follows the replay, not the last choice made in it.
    await eventually('the menu back at 40 rows/s', async () => ((await checked()) === '40 rows/s' ? true : undefined), 30_000);
    await checkPage(page, 'dashboard-operator', 'desktop', { fullPage: false });
    const phone = await operatorPage(browser, 'phone');
    await checkPage(phone, 'dashboard-operator', 'phone', { fullPage: false });
    expect(errors).toEqual([]);
  });
});
