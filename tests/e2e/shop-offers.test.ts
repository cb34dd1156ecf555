/**
 * The shopper's side (issue 23, items 1, 4 and 6): an offer says what it gives, in words derived
 * from its definition, and the product page, the basket and the thank-you page give exactly that;
 * the basket has quantities and remove; "Why this offer?" says who it is for, the steps and the
 * window; focus goes back where it was when the dialog closes; every shop page passes axe at both
 * sizes. Screenshots: `<RUN_DIR>/screenshots/pages/`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { offerWords } from '../../lib/offers/offer-copy';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { offerPrice } from '../../lib/shop/basket';
import { collectConsoleErrors, launchChromium } from './browser';
import { checkPage, euros, focusedTestId, focusedText, type Size, SIZES, textOf } from './page-checks';
import { sendOffer } from './offer-producer';
import { enterShop, inCategory, shopperPage, view, web } from './shop-steps';

const [clothingA, clothingB] = inCategory('clothing');
const [shoesA, shoesB] = inCategory('shoes');
const [book] = inCategory('books');
const offer1 = OFFER_RULES.offers!.offer1!;
let browser: Browser;

describe("the shopper's side of an offer", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts a newcomer as "prefer not to say", and the landing page passes at both sizes', async () => {
    for (const size of ['desktop', 'phone'] as Size[]) {
      const page = await shopperPage(browser, SIZES[size]);
      const errors = collectConsoleErrors(page);
      await page.goto(`${web}/`);
      await page.locator('form[data-interactive="true"]').waitFor();
      expect(await page.locator('input[name="gender"][value="unknown"]').isChecked()).toBe(true);
      expect(await page.locator('input[name="age"]').inputValue()).toBe('');
      // The offers as the rules define them, in words.
      expect(await textOf(page, 'offer-rules')).toContain('Men aged 35 to 45: 20% off clothing and shoes');
      await checkPage(page, 'landing', size);
      await page.goto(`${web}/no-such-page`);
      await checkPage(page, 'not-found', size);
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
      await page.context().close();
    }
  });

  it('walks to offer1, says what it gives and why, and the product page, the basket and the thank-you give exactly that', { timeout: 180_000 }, async () => {
    const page = await shopperPage(browser, SIZES.desktop);
    const errors = collectConsoleErrors(page);
    // A preset enters the shop at once.
    await enterShop(page, 'Man, 40');
    await checkPage(page, 'shop', 'desktop');
    for (const p of [clothingA!, shoesA!, clothingB!]) await view(page, p);

    const dialog = page.getByTestId('offer-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await dialog.getAttribute('data-offer-id')).toBe('offer1');
    const words = offerWords(offer1).summary;
    expect(words).toBe('20% off clothing and shoes');
    const said = (await dialog.textContent())!.replace(/\s+/g, ' ');
    expect(said).toContain(offer1.title);
    expect(said).toContain(offer1.copy);
    expect(await textOf(page, 'offer-reason')).toBe(`You looked at ${clothingA!.title}, ${shoesA!.title} and ${clothingB!.title}: ${words}, just for you.`);
    expect(said).not.toMatch(/offer1|clothes_visited|clothes-shoes-clothes/);
    await dialog.locator('summary', { hasText: 'Why this offer?' }).click();
    expect(await textOf(page, 'offer-why')).toContain(
      'It is for men aged 35 to 45 who view a clothing item, shoes and a different clothing item, in that order, within 30 minutes of the first.',
    );
    expect(await textOf(page, 'offer-why')).toContain(`You viewed ${shoesA!.title}`);
    await checkPage(page, 'offer-dialog', 'desktop', { fullPage: false });

    await dialog.getByRole('button', { name: 'Use offer', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await textOf(page, 'offer-notice')).toBe(`Offer taken: ${words}. Prices in the shop and your basket now show it.`);
    expect(await textOf(page, 'offer-banner')).toContain(`Your offer, until your next purchase: ${words}.`);

    // The product page shows the price with the offer where it covers the product, and only there.
    await view(page, shoesB!);
    const withOffer = offerPrice(shoesB!, offer1)!;
    expect(withOffer).toBe(shoesB!.priceCents - Math.round(shoesB!.priceCents * 0.2));
    expect(await textOf(page, 'offer-price')).toBe(`was ${euros(shoesB!.priceCents)} ${euros(withOffer)} with your 20% off`);
    await checkPage(page, 'product-with-offer', 'desktop');
    await page.getByRole('button', { name: 'Add to basket', exact: true }).click();
    await view(page, book!);
    expect(await page.locator('article [data-testid="offer-price"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Add to basket', exact: true }).click();
    await page.locator('[data-testid="basket-status"][data-state="sent"]').waitFor();

    // The basket: two of the shoes, the book removed, the offer on the shoes' line only.
    await page.getByTestId('basket-link').click();
    await page.waitForURL(`${web}/shop/basket`);
    const shoeLine = page.locator(`[data-testid="basket-lines"] li[data-product-id="${shoesB!.id}"]`);
    await shoeLine.getByRole('button', { name: `One more ${shoesB!.title}` }).click();
    expect(await shoeLine.getByTestId('basket-quantity').inputValue()).toBe('2');
    const bookLine = page.locator(`[data-testid="basket-lines"] li[data-product-id="${book!.id}"]`);
    expect(await bookLine.getAttribute('data-discounted')).toBe('false');
    expect(await shoeLine.getAttribute('data-discounted')).toBe('true');
    expect(await shoeLine.getByTestId('line-total').textContent()).toBe(euros(2 * withOffer));
    expect(await textOf(page, 'basket-discount')).toBe(`Your offer: ${words} −${euros(2 * (shoesB!.priceCents - withOffer))}`);
    await checkPage(page, 'basket', 'desktop');
    await page.setViewportSize(SIZES.phone);
    await checkPage(page, 'basket', 'phone');
    await page.setViewportSize(SIZES.desktop);
    await bookLine.getByRole('button', { name: `Remove ${book!.title}` }).click();
    await bookLine.waitFor({ state: 'detached' });
    await shoeLine.getByTestId('basket-quantity').fill('3');
    await shoeLine.getByTestId('basket-quantity').press('Enter');
    await expect.poll(() => textOf(page, 'basket-total'), { timeout: 15_000 }).toBe(euros(3 * withOffer));
    expect(await textOf(page, 'basket-link')).toBe('Basket (3)');

    // The thank-you says what was bought, paid and saved.
    await page.getByRole('button', { name: `Buy 3 items for ${euros(3 * withOffer)}` }).click();
    await page.getByTestId('purchase-done').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Thank you for your order');
    expect(await textOf(page, 'purchase-done')).toContain(`You bought 3 items for ${euros(3 * withOffer)}`);
    expect(await textOf(page, 'purchase-done')).toContain(`3 × ${shoesB!.title}`);
    expect(await textOf(page, 'purchase-saved')).toBe(`You saved ${euros(3 * (shoesB!.priceCents - withOffer))} with ${words}.`);
    // Focus moves to the thank-you, which replaced the basket.
    expect(await focusedTestId(page)).toBe('purchase-done');
    await checkPage(page, 'thank-you', 'desktop');
    await page.setViewportSize(SIZES.phone);
    await checkPage(page, 'thank-you', 'phone');
    expect(await page.getByTestId('offer-banner').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('returns focus where it was when the offer dialog closes, and the dialog passes on a phone', { timeout: 120_000 }, async () => {
    const page = await shopperPage(browser, SIZES.phone);
    const errors = collectConsoleErrors(page);
    const userId = await enterShop(page, 'Woman, 30');
    await checkPage(page, 'shop', 'phone');
    await view(page, book!);
    await checkPage(page, 'product', 'phone');
    const add = page.getByRole('button', { name: 'Add to basket', exact: true });
    await add.focus();
    // An offer for this shopper, on the offers topic as a visitor workflow writes it.
    await sendOffer({ userId, offerId: 'offer2', productId: book!.id });
    const dialog = page.getByTestId('offer-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await textOf(page, 'offer-reason')).toContain('25% off clothing and shoes');
    await checkPage(page, 'offer-dialog', 'phone', { fullPage: false });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedText(page)).toBe('Add to basket');
    // Dismissed: no offer in the basket.
    expect(await page.getByTestId('offer-banner').count()).toBe(0);

    await sendOffer({ userId, offerId: 'offer2', productId: book!.id });
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    await dialog.getByRole('button', { name: 'No thanks', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedText(page)).toBe('Add to basket');

    await page.goto(`${web}/shop/basket`);
    await page.getByTestId('basket-empty').waitFor();
    await checkPage(page, 'basket-empty', 'phone');
    expect(errors).toEqual([]);
  });
});
