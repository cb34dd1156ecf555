/**
 * The operator's side (issue 23, items 5 and 6): every operator page says the operator is signed
 * in and offers sign-out; one opened signed out says how to sign in, and its form signs in and
 * comes back; a visitor's page shows each click's kind, who they are and what they did with each
 * offer; all pass axe at both sizes. Screenshots: `<RUN_DIR>/screenshots/pages/`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { VisitorDetails } from '../../web/src/lib/visitor-page';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { checkPage, operatorPage, type Size, SIZES, textOf } from './page-checks';
import { enterShop, inCategory, shopperPage, view, web } from './shop-steps';

const token = inject('operatorToken');
const bearer = { authorization: `Bearer ${token}` };
const [clothingA, clothingB] = inCategory('clothing');
const [shoes] = inCategory('shoes');
let browser: Browser;

describe("the operator's pages", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('says how to sign in on an operator page opened signed out, and its form signs in and comes back', { timeout: 90_000 }, async () => {
    for (const size of ['desktop', 'phone'] as Size[]) {
      const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
      const response = await page.goto(`${web}/dashboard/rules?before=5`);
      expect(response?.status()).toBe(401);
      expect(await page.locator('h1').textContent()).toBe('This page is for the operator');
      expect(await textOf(page, 'sign-in-hint')).toContain('Open the operator’s link that make up prints');
      expect(await page.getByTestId('operator-signed-in').count()).toBe(0);
      await checkPage(page, 'sign-in-rules', size);
      const visitor = await page.goto(`${web}/dashboard/visitors/5F2D9C1A-0B3E-4C6D-8E7F-9A0B1C2D3E4F`);
      expect(visitor?.status()).toBe(401);
      await checkPage(page, 'sign-in-visitor', size);

      // A wrong token is refused; the right one signs in and comes back to the page asked for.
      await page.goto(`${web}/dashboard/rules?before=5`);
      await page.getByLabel('Operator token').fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${web}/dashboard/rules?before=5&signin=wrong`);
      expect(await textOf(page, 'sign-in-wrong')).toContain('That is not the operator’s token');
      await page.getByLabel('Operator token').fill(token);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${web}/dashboard/rules?before=5`);
      await page.getByTestId('rules-form').waitFor();
      expect(await textOf(page, 'operator-signed-in')).toBe('Signed in as the operator Sign out');
      await page.context().close();
    }
  });

  it(
    'shows a visitor’s clicks by kind, who they are and each offer’s outcome, with sign-in and sign-out on every operator page',
    { timeout: 180_000 },
    async () => {
      const shop = await shopperPage(browser, SIZES.desktop);
      const userId = await enterShop(shop, 'Woman, 30');
      for (const p of [clothingA!, shoes!, clothingB!]) await view(shop, p);
      const dialog = shop.getByTestId('offer-dialog');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      await dialog.getByRole('button', { name: 'Use offer', exact: true }).click();
      await view(shop, shoes!);
      await shop.getByRole('button', { name: 'Add to basket', exact: true }).click();
      await shop.locator('[data-testid="basket-status"][data-state="sent"]').waitFor();
      await shop.goto(`${web}/shop/basket`);
      await shop.getByRole('button', { name: /^Buy / }).click();
      await shop.getByTestId('purchase-done').waitFor();

      // Basket, buy and offer answers reach the visitor's recent clicks through the pipeline.
      await eventually(
        'the visitor’s basket, buy and offer answer',
        async () => {
          const d = (await (await fetch(`${web}/api/visitors/${userId}`, { headers: bearer })).json()) as VisitorDetails;
          const kinds = new Set(d.clicks.map((c) => c.kind ?? 'view'));
          if (['view', 'basket', 'buy', 'offer-taken'].every((k) => kinds.has(k as never)) && d.offers.length > 0) return true;
          throw new Error(`kinds ${[...kinds].join(', ')}, ${d.offers?.length} offers`);
        },
        60_000,
        1_000,
      );

      for (const size of ['desktop', 'phone'] as Size[]) {
        const page = await operatorPage(browser, size);
        const errors = collectConsoleErrors(page);
        expect(await textOf(page, 'operator-signed-in')).toBe('Signed in as the operator Sign out');
        await page.goto(`${web}/dashboard/visitors/${userId}`);
        expect(await textOf(page, 'visitor-demographics')).toMatch(/^woman, 30 \(as of their click at /);
        const kinds = await page.getByTestId('click-kind').allTextContents();
        for (const kind of ['viewed', 'put in basket', 'bought', 'took an offer']) expect(kinds).toContain(kind);
        const offer = page.locator('[data-testid="visitor-offers"] tbody tr').first();
        expect((await offer.textContent())!.replace(/\s+/g, ' ')).toContain('25% off clothing and shoes');
        expect(await offer.getByTestId('offer-outcome').textContent()).toBe('taken, then bought 1 item');
        expect(await textOf(page, 'operator-signed-in')).toBe('Signed in as the operator Sign out');
        await checkPage(page, 'visitor-page', size);
        expect(errors).toEqual([]);

        if (size === 'phone') {
          await page.getByRole('button', { name: 'Sign out', exact: true }).click();
          await page.waitForURL(`${web}/dashboard`);
          expect(await page.getByTestId('operator-signed-in').count()).toBe(0);
          expect((await page.goto(`${web}/dashboard/rules`))?.status()).toBe(401);
        }
        await page.context().close();
      }
    },
  );
});
