/**
 * What every page must pass, shopper's and operator's, at both sizes: axe-core's accessibility
 * rules with no violation, one h1, a skip link to the content, and nothing scrolling sideways;
 * and its screenshot, saved for a person to look at. axe-core's own source is put into the page
 * (installed with the project: nothing downloads at run time).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const SIZES = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type Size = keyof typeof SIZES;

/** Where these tests' screenshots go: `<RUN_DIR>/screenshots/pages/<name>-<size>.png`. */
export const pageShots = join(inject('screenshotsDir'), 'pages');
mkdirSync(pageShots, { recursive: true });

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

/** axe-core's violations on the page as it stands, one line each: rule, impact, what and where. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated by the browser's debugging protocol, which the page's content security policy does not stop.
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as AxeResult;
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(' ')} [${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}]`)
        .join('; ')}`,
  );
}

/**
 * The page as it stands passes: no axe violation, one h1, a skip link first that leads to the main
 * content, no sideways scrolling; its screenshot saved as `<name>-<size>.png`.
 */
export async function checkPage(page: Page, name: string, size: Size, { fullPage = true } = {}): Promise<void> {
  // Live charts redraw every second: a busy machine may take a while to give a still frame.
  await page.screenshot({ path: join(pageShots, `${name}-${size}.png`), fullPage, animations: 'disabled', timeout: 60_000 });
  expect(await axeViolations(page), `${name} at ${size}`).toEqual([]);
  expect(await page.locator('h1').count(), `${name}: one h1`).toBe(1);
  const skip = page.locator('a.skip');
  expect(await skip.getAttribute('href'), `${name}: skip link`).toBe('#main');
  expect(await page.locator('main#main').count(), `${name}: one main`).toBe(1);
  expect(await page.$eval('html', (html) => html.scrollWidth), `${name}: no sideways scrolling at ${size}`).toBeLessThanOrEqual(SIZES[size].width);
}

/** A browser page signed in as the operator, at `size`. */
export async function operatorPage(browser: Browser, size: Size): Promise<Page> {
  const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
  await page.goto(`${inject('webUrl')}/sign-in?token=${encodeURIComponent(inject('operatorToken'))}`);
  await page.waitForURL(/\/dashboard$/);
  return page;
}

/** The test id of the element that has the keyboard focus. */
export const focusedTestId = (page: Page): Promise<string | null> => page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null");

/** The text of the element that has the keyboard focus. */
export const focusedText = (page: Page): Promise<string | undefined> => page.evaluate('document.activeElement?.textContent?.trim()');

/** The text of the first element with the test id, its spaces made single. */
export const textOf = async (page: Page, testId: string): Promise<string> =>
  ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** A price as the shop writes it, "€33.59". */
export const euros = (cents: number): string => (cents / 100).toLocaleString('en-IE', { style: 'currency', currency: 'EUR' });
