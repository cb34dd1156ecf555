/**
 * The shop as a newcomer meets it, in headless Chromium at 1366x900 against the system
 * tests/e2e/system.ts started: a visitor who keeps their gender and age to themselves, a deep link
 * opened before choosing who you are, the category pills, the pictures, the product page and the
 * landing page's account of the offers. Screenshots go to `<RUN_DIR>/screenshots/`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeOfferRules } from '../../lib/offers/describe-rules';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { collectConsoleErrors, launchChromium } from './browser';
import { enterShop, inCategory, products, shopperPage, view, web } from './shop-steps';

const screenshots = inject('screenshotsDir');
const VIEWPORT = { width: 1366, height: 900 };
let browser: Browser;

/** A page in a browser context of its own: no identity chosen yet. */
async function newcomer(): Promise<{ page: Page; errors: string[] }> {
  const page = await shopperPage(browser, VIEWPORT);
  return { page, errors: collectConsoleErrors(page) };
}

describe('the shop for a newcomer', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets a visitor who prefers not to say browse, and takes their clicks with no gender or age', async () => {
    const { page, errors } = await newcomer();
    await enterShop(page, 'Prefer not to say');
    const [shoes] = inCategory('shoes');
    const sent = page.waitForResponse((r) => r.url() === `${web}/api/clicks` && r.request().method() === 'POST');
    await view(page, shoes!);
    const response = await sent;
    expect(response.status()).toBe(202);
    const body = JSON.parse(response.request().postData()!) as Record<string, unknown>;
    expect(body).toEqual({ productId: shoes!.id });
    expect(errors).toEqual([]);
  });

  it('brings a deep link opened without an identity back to its product once one is chosen', async () => {
    const { page, errors } = await newcomer();
    const product = inCategory('electronics').find((p) => p.title.includes('Power Bank')) ?? inCategory('electronics')[0]!;
    const path = `/shop/products/${product.id}`;
    await page.goto(`${web}${path}`);
    await page.waitForURL(`${web}/?next=${encodeURIComponent(path)}`);
    await page.locator('form[data-interactive="true"]').waitFor();
    // A ready-made visitor enters at once: back to the product asked for.
    await page.getByRole('button', { name: 'Woman, 30', exact: true }).click();
    await page.waitForURL(`${web}${path}`);
    await page.locator(`article[data-product-id="${product.id}"] [data-testid="click-status"][data-state="sent"]`).waitFor({ timeout: 10_000 });

    // The product page shows no internal id: neither the product's nor the visitor's.
    const text = await page.locator('body').innerText();
    expect(text).toContain(product.title);
    expect(text).not.toContain(product.id);
    expect(text).not.toMatch(/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/i);
    await page.screenshot({ path: join(screenshots, 'shop-product.png') });

    // Nowhere else: a link to another site in `next` ends in the shop.
    await page.goto(`${web}/?next=${encodeURIComponent('//evil.example/shop')}`);
    await page.locator('form[data-interactive="true"]').waitFor();
    await page.getByRole('button', { name: 'Enter the shop' }).click();
    await page.waitForURL(`${web}/shop`);
    expect(errors).toEqual([]);
  });

  it('shows every category pill at 1366 px, and each product of a category its own picture', async () => {
    const { page, errors } = await newcomer();
    await enterShop(page, 'Man, 40');
    const pills = page.locator('nav.categories a');
    const categories = [...new Set(products.map((p) => p.category))];
    await expect(pills.count()).resolves.toBe(categories.length + 1);
    for (const pill of await pills.all()) {
      const box = (await pill.boundingBox())!;
      expect(await pill.isVisible()).toBe(true);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, (await pill.textContent())!).toBeLessThanOrEqual(VIEWPORT.width);
    }
    await page.screenshot({ path: join(screenshots, 'shop-categories.png') });

    await page.goto(`${web}/shop?category=clothing`);
    const images = page.locator('a.product img');
    await expect(images.count()).resolves.toBe(inCategory('clothing').length);
    const sources = (await images.evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''))).map((src) => new URL(src, web).href);
    expect(new Set(sources).size).toBe(sources.length);
    // Distinct pictures, not just distinct addresses; none repeats the title printed under it.
    const pictures = await Promise.all(sources.map(async (src) => (await fetch(src)).text()));
    expect(new Set(pictures).size).toBe(pictures.length);
    for (const svg of pictures) expect(svg).not.toMatch(/<text/);
    await page.screenshot({ path: join(screenshots, 'shop-clothing.png') });
    expect(errors).toEqual([]);
  });

  it('tells a newcomer on the landing page whom the offer rules target and what to view', async () => {
    const { page, errors } = await newcomer();
    await page.goto(`${web}/`);
    const rules = describeOfferRules(OFFER_RULES);
    const section = page.getByTestId('offer-rules');
    const text = (await section.innerText()).replace(/\s+/g, ' ');
    for (const line of rules.audiences) expect(text).toContain(line);
    expect(text).toContain(rules.sequence);
    expect(text).toMatch(/Men aged 35 to 45/);
    await page.screenshot({ path: join(screenshots, 'shop-landing.png') });
    expect(errors).toEqual([]);
  });
});
