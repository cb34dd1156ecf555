/**
 * The rules editor a marketer can use (issue 23, items 1, 2 and 6): the operator builds a new
 * offer for women in the form (30% off shoes only, a 20-minute window), sees the draft checked and
 * diffed against the live version, backtests it, publishes it; a shopper then gets exactly that
 * offer, in words from its definition, and the basket gives exactly that; the version list shows
 * what each version changed, and the roll back answers where it was asked. A rule set naming an
 * offer without a definition is refused. Screenshots: `<RUN_DIR>/screenshots/pages/`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { OFFER_RULES, type OfferDefinition } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import { offerPrice } from '../../lib/shop/basket';
import { collectConsoleErrors, launchChromium } from './browser';
import { checkPage, euros, focusedTestId, operatorPage, SIZES, textOf } from './page-checks';
import { enterShop, inCategory, shopperPage, view, web } from './shop-steps';

const token = inject('operatorToken');
const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const [clothingA, clothingB] = inCategory('clothing');
const [shoesA, shoesB] = inCategory('shoes');
const WINTER: OfferDefinition = { title: 'Winter boots', copy: 'For cold and wet days.', discountPercent: 30, categories: ['shoes'] };
let browser: Browser;

const current = async () => ((await (await fetch(`${web}/api/rules`)).json()) as { current: RuleSetVersion }).current;

describe('the offer rules editor', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    // The other files of the shared system expect the original rules.
    if ((await current()).rules.name !== OFFER_RULES.name || (await current()).rules.offerByGender.F !== 'offer2') {
      await fetch(`${web}/api/rules`, { method: 'PUT', headers: bearer, body: JSON.stringify({ rules: OFFER_RULES, note: 'rules-editor test over' }) });
    }
  });

  it('refuses a rule set that names an offer without a definition', async () => {
    const rules = { ...OFFER_RULES, offerByGender: { M: 'offer1', F: 'offer9' }, offers: { offer1: OFFER_RULES.offers!.offer1 } };
    const res = await fetch(`${web}/api/rules`, { method: 'PUT', headers: bearer, body: JSON.stringify({ rules, note: 'undefined offer' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('offerByGender.F: offer "offer9" has no definition');
  });

  it(
    'builds a new offer in the form, diffs, backtests and publishes it; a shopper gets exactly it; the version list rolls back where it stands',
    { timeout: 240_000 },
    async () => {
      const page = await operatorPage(browser, 'desktop');
      const errors = collectConsoleErrors(page);
      await page.goto(`${web}/dashboard/rules`);
      await page.getByTestId('rules-form').waitFor();
      await expect(textOf(page, 'draft-changes')).resolves.toBe('Nothing yet: the draft is the live version.');
      await checkPage(page, 'rules-editor', 'desktop');

      // The holdout is there to set: and a change shows in the diff before anything is published.
      await page.getByTestId('rule-holdout').fill('10');
      await expect.poll(() => textOf(page, 'draft-changes'), { timeout: 15_000 }).toContain('holdout (% of visitors)');
      await page.getByTestId('rule-holdout').fill('');
      await expect.poll(() => textOf(page, 'draft-changes'), { timeout: 15_000 }).toBe('Nothing yet: the draft is the live version.');

      await page.getByTestId('rule-window').fill('20');
      await page.getByTestId('add-offer').click();
      const offer3 = page.locator('[data-testid="offer-definition"][data-offer-id="offer3"]');
      await offer3.getByTestId('offer-title').fill(WINTER.title);
      await offer3.getByTestId('offer-copy').fill(WINTER.copy);
      await offer3.getByTestId('offer-discount').fill(String(WINTER.discountPercent));
      await offer3.getByRole('checkbox', { name: 'clothing' }).uncheck();
      await offer3.getByRole('checkbox', { name: 'shoes' }).check();
      expect(await offer3.getByTestId('offer-words').textContent()).toBe('30% off shoes');
      // An offer no one gets is named as such, and the server's own check says so.
      expect(await offer3.textContent()).toContain('No one gets it');
      await page.getByTestId('offer-for-F').selectOption('offer3');
      await expect.poll(() => textOf(page, 'draft-check'), { timeout: 15_000 }).toContain('offers.offer2: no gender gets it');
      await page.getByRole('button', { name: 'Remove offer offer2' }).click();
      await expect.poll(() => textOf(page, 'draft-check'), { timeout: 15_000 }).toBe('The server’s checks pass.');
      const changes = (await page.getByTestId('draft-changes').locator('li').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
      expect(changes).toEqual([
        'changed window (minutes) was 30 now 20',
        'changed offer by gender · women was "offer2" now "offer3"',
        expect.stringMatching(/^removed offers · offer offer2 was \{"title":"For your wardrobe"/),
        `added offers · offer offer3 now ${JSON.stringify(WINTER)}`,
      ]);

      // The JSON view shows the same draft; broken JSON is named, and the form waits for it to be fixed.
      await page.getByTestId('show-json').click();
      const json = page.getByTestId('rules-json');
      const good = await json.inputValue();
      expect(JSON.parse(good)).toMatchObject({ windowMinutes: 20, offerByGender: { F: 'offer3' }, offers: { offer3: WINTER } });
      await checkPage(page, 'rules-editor-json', 'desktop', { fullPage: false });
      await json.fill(good.replace('"windowMinutes": 20', '"windowMinutes": 20,,'));
      await expect.poll(() => textOf(page, 'draft-check'), { timeout: 15_000 }).toContain('not valid JSON');
      await page.getByTestId('show-form').click();
      await expect(page.getByRole('alert').first().textContent()).resolves.toContain('fix this in the JSON first');
      await json.fill(good);
      await page.getByTestId('show-form').click();
      await page.getByTestId('rules-form').waitFor();

      // Backtest: the columns say which is which.
      await page.getByTestId('run-backtest').click();
      await page.getByTestId('backtest-summary').waitFor({ timeout: 60_000 });
      const headers = await page.locator('[data-testid="backtest-table"] thead th').allTextContents();
      expect(headers.slice(1)).toEqual([expect.stringMatching(/^live \(version \d+\)$/), 'draft']);

      await page.getByTestId('rules-note').fill('winter boots for women');
      await page.getByTestId('publish-rules').click();
      // A Temporal update, then the page's data read again: seconds on a busy machine, past expect.poll's 1 s default.
      await expect.poll(() => textOf(page, 'rules-outcome'), { timeout: 60_000 }).toMatch(/^Published version \d+/);
      const published = await current();
      expect(published.rules).toMatchObject({
        windowMinutes: 20,
        offerByGender: { M: 'offer1', F: 'offer3' },
        offers: { offer1: OFFER_RULES.offers!.offer1, offer3: WINTER },
      });
      expect(published.rules.offers).not.toHaveProperty('offer2');

      // A shopper of the new offer's group gets it, said from its definition, and the basket gives exactly it.
      const shop = await shopperPage(browser, SIZES.phone);
      const shopErrors = collectConsoleErrors(shop);
      await enterShop(shop, 'Woman, 30');
      await expect
        .poll(async () => ((await (await fetch(`${web}/api/rules`)).json()) as { current: RuleSetVersion }).current.version, { timeout: 15_000 })
        .toBe(published.version);
      for (const p of [clothingA!, shoesA!, clothingB!]) await view(shop, p);
      const dialog = shop.getByTestId('offer-dialog');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await dialog.getAttribute('data-offer-id')).toBe('offer3');
      const said = (await dialog.textContent())!.replace(/\s+/g, ' ');
      for (const words of ['30% off', 'shoes', WINTER.title, WINTER.copy]) expect(said).toContain(words);
      await dialog.locator('summary').click();
      expect(await textOf(shop, 'offer-why')).toContain(
        'It is for women aged 25 to 35 who view a clothing item, shoes and a different clothing item, in that order, within 20 minutes of the first.',
      );
      await checkPage(shop, 'offer-dialog-new-offer', 'phone', { fullPage: false });
      await dialog.getByRole('button', { name: 'Use offer', exact: true }).click();
      await view(shop, clothingA!);
      expect(await shop.locator('article [data-testid="offer-price"]').count()).toBe(0);
      await view(shop, shoesB!);
      const each = offerPrice(shoesB!, WINTER)!;
      expect(each).toBe(shoesB!.priceCents - Math.round(shoesB!.priceCents * 0.3));
      expect(await shop.locator('article [data-testid="offer-price"] strong').textContent()).toBe(euros(each));
      await shop.getByRole('button', { name: 'Add to basket', exact: true }).click();
      await shop.locator('[data-testid="basket-status"][data-state="sent"]').waitFor();
      await shop.goto(`${web}/shop/basket`);
      expect(await textOf(shop, 'basket-discount')).toBe(`Your offer: 30% off shoes −${euros(shoesB!.priceCents - each)}`);
      expect(shopErrors).toEqual([]);

      // The versions: newest first, each with what it changed; roll back where the original stands.
      await page.reload();
      const newest = page.locator('[data-testid="rule-versions"] > li').first();
      expect(await newest.getAttribute('data-version')).toBe(String(published.version));
      await newest.getByTestId('version-changes').locator('summary').click();
      expect((await newest.getByTestId('version-changes').textContent())!.replace(/\s+/g, ' ')).toContain('added offers · offer offer3');
      const previous = page.locator(`[data-testid="rule-versions"] > li[data-version="${published.version - 1}"]`);
      await previous.getByTestId('rollback-note').fill('winter is over');
      await previous.getByRole('button', { name: `Roll back to version ${published.version - 1}` }).click();
      const answer = previous.getByTestId('rollback-outcome');
      await expect
        .poll(async () => (await answer.textContent()) ?? '', { timeout: 60_000 })
        .toContain(`runs the rules of version ${published.version - 1} again`);
      // The answer is where the operator looks: focused, in the row they acted on.
      expect(await focusedTestId(page)).toBe('rollback-outcome');
      await checkPage(page, 'rules-editor-rolled-back', 'desktop');
      const back = await current();
      expect(back).toMatchObject({ version: published.version + 1, rollbackOf: published.version - 1, note: 'winter is over' });
      expect(back.rules.offerByGender.F).toBe('offer2');

      const phone = await operatorPage(browser, 'phone');
      await phone.goto(`${web}/dashboard/rules`);
      await phone.getByTestId('rules-form').waitFor();
      await checkPage(phone, 'rules-editor', 'phone');
      expect(errors).toEqual([]);
    },
  );
});
