/** What a shopper does in the browser tests, against the system tests/e2e/system.ts started. */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import type { Product } from '../../lib/schema';
import { VISITOR_COOKIE } from '../../web/src/lib/server/access-checks';

export const web = inject('webUrl');

/** The shop's catalogue, as the system under test loaded it. */
export const products = JSON.parse(readFileSync('data/products.json', 'utf8')) as Product[];
export const inCategory = (category: string): Product[] => products.filter((p) => p.category === category);

/**
 * A page for a shopper: headless Chromium names itself `HeadlessChrome`, which the enrichment
 * rightly counts as a bot and keeps from offer detection, so a shopper's page sends the user
 * agent of the same Chromium with a screen.
 */
export async function shopperPage(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
  return (await browser.newContext({ viewport, userAgent })).newPage();
}

/** A visitor picks a ready-made identity on the start page, which enters the shop as a new visitor; returns the visitor's id. */
export async function enterShop(page: Page, preset: string): Promise<string> {
  await page.goto(`${web}/`);
  await page.locator('form[data-interactive="true"]').waitFor();
  const previous = (await page.getByTestId('visitor-id').textContent())!.trim();
  // A preset asks the server for a new visitor id, then goes into the shop.
  await page.getByRole('button', { name: preset, exact: true }).click();
  await page.waitForURL(`${web}/shop`);
  await expect(page.getByTestId('visitor-badge').textContent()).resolves.toContain(preset.toLowerCase());
  await page.locator('[data-testid="offers-connection"][data-connected="true"]').waitFor();
  const userId = await visitorIdOf(page);
  expect(userId).not.toBe(previous);
  return userId;
}

/** The visitor id of the page's browser: that of its signed cookie (`<id>.<signature>`). */
export async function visitorIdOf(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === VISITOR_COOKIE)?.value;
  if (!cookie) throw new Error('no visitor cookie');
  return cookie.slice(0, cookie.lastIndexOf('.'));
}

/** Views a product by clicking through the shop, as a person would, until its click is on click-data. */
export async function view(page: Page, product: Product): Promise<void> {
  await page.locator('header nav a[href="/shop"]').click();
  await page.locator(`a.product[data-product-id="${product.id}"]`).click();
  await page.locator(`article[data-product-id="${product.id}"] [data-testid="click-status"][data-state="sent"]`).waitFor({ timeout: 10_000 });
}
