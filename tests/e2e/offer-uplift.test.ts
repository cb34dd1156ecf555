/**
 * Whether offers work (issue 14, item 4), in a browser: a shopper gets the offer, takes it ("Use
 * offer"), puts shoes in the basket, sees the discount there, buys, and the dashboard's uplift panel
 * counts the offer taken and bought. The basket's screenshot goes to `<RUN_DIR>/screenshots/basket.png`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { OfferUplift } from '../../lib/offers/uplift';
import { priceBasket } from '../../lib/shop/basket';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { enterShop, inCategory, products, shopperPage, view, web } from './shop-steps';

const screenshots = inject('screenshotsDir');
const [clothingA, clothingB] = inCategory('clothing');
const [shoesViewed, shoesToBuy] = inCategory('shoes');
let browser: Browser;

const offer1 = async (): Promise<OfferUplift | undefined> =>
  ((await (await fetch(`${web}/api/uplift`)).json()) as { offers: OfferUplift[] }).offers.find((o) => o.rules === OFFER_RULES.name && o.offerId === 'offer1');

/** A figure of the dashboard's uplift panel for offer1 of the original rules. */
const panelFigure = async (page: Page, testId: string): Promise<number> =>
  Number(
    (await page
      .locator(`[data-testid="uplift"] li[data-offer-id="offer1"][data-rules="${OFFER_RULES.name}"] [data-testid="${testId}"]`)
      .textContent())!.replace(/,/g, ''),
  );

/** Euros as the shop writes them, without the sign: "17.99". */
const euros = (cents: number) => (cents / 100).toFixed(2);

/**
 * The dashboard's uplift panel: the counters count visitors, and the shopper who took offer1 and
 * bought is one more of each than `before`.
 */
async function expectUpliftPanelCountsTakenAndBought(before: OfferUplift | undefined): Promise<void> {
  const after = await eventually(
    'the offer counted as taken and bought',
    async () => {
      const now = await offer1();
      return now && now.taken > (before?.taken ?? 0) && now.bought.offered > (before?.bought.offered ?? 0) ? now : undefined;
    },
    30_000,
  );
  expect(after.offered).toBeGreaterThan(before?.offered ?? 0);
  expect(after.conversion.offered).toBeGreaterThan(0);

  const dashboard = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = collectConsoleErrors(dashboard);
  await dashboard.goto(`${web}/dashboard`);
  const panel = dashboard.getByTestId('uplift');
  await panel.waitFor();
  expect(await panelFigure(dashboard, 'uplift-taken')).toBeGreaterThanOrEqual(after.taken);
  expect(await panelFigure(dashboard, 'uplift-bought')).toBeGreaterThanOrEqual(after.bought.offered);
  await expect(panel.textContent()).resolves.toContain('Uplift:');
  await panel.screenshot({ path: join(screenshots, 'uplift-panel.png') });
  expect(errors).toEqual([]);
}

describe('an offer measured', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('walks offer, take, basket with the discount, buy, and the uplift panel counts it', { timeout: 150_000 }, async () => {
    const before = await offer1();
    const shop = await shopperPage(browser, { width: 1280, height: 900 });
    const errors = collectConsoleErrors(shop);
    await enterShop(shop, 'Man, 40');
    for (const p of [clothingA!, shoesViewed!, clothingB!]) await view(shop, p);

    const dialog = shop.getByTestId('offer-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await dialog.getAttribute('data-offer-id')).toBe('offer1');
    await dialog.getByRole('button', { name: 'Use offer', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    await view(shop, shoesToBuy!);
    await shop.getByRole('button', { name: 'Add to basket', exact: true }).click();
    await shop.locator('[data-testid="basket-status"][data-state="sent"]').waitFor();
    await expect(shop.getByTestId('basket-link').textContent()).resolves.toContain('Basket (1)');
    await shop.getByTestId('basket-link').click();
    await shop.waitForURL(`${web}/shop/basket`);

    // 20% off clothing and shoes, worked out here and by the basket module alike.
    const discountCents = Math.round(shoesToBuy!.priceCents * 0.2);
    const expected = priceBasket([{ productId: shoesToBuy!.id, quantity: 1 }], new Map(products.map((p) => [p.id, p])), {
      offerId: 'offer1',
      definition: OFFER_RULES.offers!.offer1!,
    });
    expect(expected.discount?.cents).toBe(discountCents);
    const lines = shop.getByTestId('basket-lines');
    await expect(lines.textContent()).resolves.toContain(shoesToBuy!.title);
    const discount = (await shop.getByTestId('basket-discount').textContent())!;
    expect(discount).toContain('Your offer: 20% off clothing and shoes');
    expect(discount).toContain(`−€${euros(discountCents)}`);
    await expect(shop.getByTestId('basket-total').textContent()).resolves.toContain(euros(shoesToBuy!.priceCents - discountCents));
    await shop.screenshot({ path: join(screenshots, 'basket.png') });
    // On a phone too, nothing scrolls sideways.
    await shop.setViewportSize({ width: 390, height: 844 });
    expect(await shop.$eval('html', (html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    await shop.screenshot({ path: join(screenshots, 'basket-phone.png') });

    await shop.getByRole('button', { name: /^Buy / }).click();
    await shop.getByTestId('purchase-done').waitFor();
    expect(await shop.locator('h1').textContent()).toBe('Thank you for your order');
    await expect(shop.getByTestId('purchase-done').textContent()).resolves.toMatch(/^\s*You bought 1 item for/);
    await expect(shop.getByTestId('basket-link').textContent()).resolves.toContain('Basket (0)');
    // The offer was used up by the purchase: the next basket is at full price.
    await view(shop, shoesToBuy!);
    await shop.getByRole('button', { name: 'Add to basket', exact: true }).click();
    await shop.getByTestId('basket-link').click();
    await shop.getByTestId('basket-total').waitFor();
    expect(await shop.getByTestId('basket-discount').count()).toBe(0);
    expect(errors).toEqual([]);

    await expectUpliftPanelCountsTakenAndBought(before);
  });

  it('shows in the live funnel a shopper standing one step short of the offer', { timeout: 90_000 }, async () => {
    const shop = await shopperPage(browser, { width: 390, height: 844 });
    const userId = await enterShop(shop, 'Woman, 30');
    for (const p of [clothingA!, shoesViewed!]) await view(shop, p);

    const dashboard = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectConsoleErrors(dashboard);
    await dashboard.goto(`${web}/dashboard`);
    const standing = dashboard.locator('[data-testid="funnel"] li[data-state="shoes_visited"] [data-testid="funnel-visitors"]');
    // The panel asks again every few seconds: the shopper's workflow keeps its state in the search attribute.
    await eventually(
      'the shopper counted at shoes_visited',
      async () => (Number((await standing.textContent())!.replace(/,/g, '')) >= 1 ? true : undefined),
      30_000,
    );
    const funnel = (await (await fetch(`${web}/api/funnel`)).json()) as { steps: { state: string; visitors: number }[]; running: number };
    expect(funnel.steps.map((st) => st.state)).toEqual(['clothes_visited', 'shoes_visited']);
    expect(funnel.running).toBeGreaterThanOrEqual(1);
    // Anyone may read the funnel, never a whole visitor id.
    expect(JSON.stringify(funnel)).not.toContain(userId);
    await dashboard.getByTestId('funnel').screenshot({ path: join(screenshots, 'funnel-panel.png') });
    expect(errors).toEqual([]);
  });
});
