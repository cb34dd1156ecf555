/**
 * Offer rules changed live (issue 14, item 1): the operator publishes a new rule set through
 * `PUT /api/rules` while a visitor is mid-sequence; with no worker restart, that visitor's sequence
 * carries on under the new version and ends in the new offer, a new visitor's sequence too, and
 * the editor page rolls back to the original and backtests the rules. Bad rule sets and callers
 * without the token are refused. The editor's screenshot goes to `<RUN_DIR>/screenshots/rules-editor.png`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { OFFER_RULES, type OfferRules } from '../../lib/offers/offer-rules';
import type { RuleSetSummary, RuleSetVersion } from '../../lib/offers/rule-sets';
import type { VisitorView } from '../../lib/offers/visitor-offers';
import type { Offer } from '../../lib/schema';
import type { VisitorDetails } from '../../web/src/lib/visitor-page';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { inCategory, web } from './shop-steps';

const token = inject('operatorToken');
const bearer = { authorization: `Bearer ${token}` };
const json = { 'content-type': 'application/json' };
const [clothingA, clothingB] = inCategory('clothing');
const [shoes] = inCategory('shoes');
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
/** The original rules with a winter offer for women. */
const WINTER: OfferRules = {
  ...OFFER_RULES,
  name: 'winter-sale',
  offerByGender: { ...OFFER_RULES.offerByGender, F: 'offer-winter' },
  offers: {
    offer1: OFFER_RULES.offers!.offer1!,
    'offer-winter': { title: 'Winter sale', copy: 'Boots and coats for the cold.', discountPercent: 30, categories: ['clothing', 'shoes'] },
  },
};
let browser: Browser;

const putRules = (body: unknown, headers: Record<string, string> = bearer) =>
  fetch(`${web}/api/rules`, { method: 'PUT', headers: { ...headers, ...json }, body: JSON.stringify(body) });
const currentRules = async () => (await (await fetch(`${web}/api/rules`)).json()) as { current: RuleSetVersion; versions: RuleSetSummary[] };

async function click(userId: string, productId: string): Promise<void> {
  const res = await fetch(`${web}/api/clicks`, {
    method: 'POST',
    headers: { ...bearer, ...json },
    body: JSON.stringify({ userId, productId, age: 30, gender: 'F', userAgent: DESKTOP }),
  });
  expect(res.status).toBe(202);
}

/** The visitor's workflow view as their page's API gives it, or null while they have none. */
async function viewOf(userId: string): Promise<VisitorView | null> {
  const d = (await (await fetch(`${web}/api/visitors/${userId}`, { headers: bearer })).json()) as VisitorDetails;
  return d.workflow?.kind === 'found' ? d.workflow.view : null;
}

/** Waits until the visitor's workflow view is what `ready` wants. */
const viewWhen = (userId: string, what: string, ready: (v: VisitorView) => boolean) =>
  eventually(
    what,
    async () => {
      const view = await viewOf(userId);
      if (view && ready(view)) return view;
      throw new Error(`${userId}: ${JSON.stringify(view).slice(0, 300)}`);
    },
    60_000,
    500,
  );

describe('offer rules changed live', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    // The other files of the shared system expect the original rules.
    if ((await currentRules()).current.rules.name !== OFFER_RULES.name) await putRules({ rules: OFFER_RULES, note: 'live-rules test over' });
  });

  it('refuses a bad rule set with its first problem, and anyone without the operator token', async () => {
    const empty = await putRules({ rules: { ...WINTER, transitions: [] }, note: 'nothing to match' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toContain('transitions: empty');
    const unknownCategory = await putRules({
      rules: { ...WINTER, transitions: [{ ...WINTER.transitions[0]!, category: 'shose' }, ...WINTER.transitions.slice(1)] },
      note: 'typo',
    });
    expect(unknownCategory.status).toBe(400);
    expect(((await unknownCategory.json()) as { error: string }).error).toContain('unknown category "shose"');
    expect((await putRules({ rules: WINTER, note: 'no token' }, {})).status).toBe(401);
    expect((await putRules({ rules: WINTER }, bearer)).status).toBe(400);
  });

  it('moves a visitor mid-sequence and a new one to a version published meanwhile, and rolls back from the editor', { timeout: 180_000 }, async () => {
    const before = await currentRules();
    const mid = `live-mid-${randomUUID()}`;
    await click(mid, clothingA!.id);
    await viewWhen(mid, 'the first visitor in clothes_visited', (v) => v.state === 'clothes_visited');

    const res = await putRules({ rules: WINTER, note: 'winter sale for women' });
    expect(res.status).toBe(200);
    const published = (await res.json()) as RuleSetVersion;
    expect(published).toMatchObject({ version: Math.max(before.current.version, 1) + 1, rules: WINTER, note: 'winter sale for women' });
    expect((await currentRules()).current.version).toBe(published.version);

    // The feed asks for the current version every second; a visitor's next click brings it to their workflow.
    const fresh = `live-new-${randomUUID()}`;
    await eventually(
      'the new visitor on the new version',
      async () => {
        await click(fresh, clothingA!.id);
        const view = await viewOf(fresh);
        return view?.rulesVersion === published.version ? view : undefined;
      },
      30_000,
      1_000,
    );
    for (const productId of [shoes!.id, clothingB!.id]) {
      await click(mid, productId);
      await click(fresh, productId);
    }
    const offers = async (userId: string) => (await viewWhen(userId, `${userId}'s offer`, (v) => v.offersSent.length > 0)).offersSent;
    const expected: Partial<Offer> = { offerId: 'offer-winter', rules: { name: 'winter-sale', version: published.version } };
    expect(await offers(mid)).toEqual([expect.objectContaining(expected)]);
    expect(await offers(fresh)).toEqual([expect.objectContaining(expected)]);

    // Back to the version before, from the editor page.
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${web}/sign-in?token=${encodeURIComponent(token)}`);
    await page.goto(`${web}/dashboard/rules`);
    await expect(page.getByTestId('current-rules').textContent()).resolves.toContain(`Live now: version ${published.version}, “winter-sale”`);
    // Pinned by its version: once rolled back, the new version (the same name) heads the list.
    const originalVersion = await page
      .locator('[data-testid="rule-versions"] > li', { hasText: `“${OFFER_RULES.name}”` })
      .first()
      .getAttribute('data-version');
    const original = page.locator(`[data-testid="rule-versions"] > li[data-version="${originalVersion}"]`);
    await original.getByTestId('rollback-note').fill('winter is over');
    await original.getByRole('button', { name: /^Roll back to version/ }).click();
    await expect(original.getByTestId('rollback-outcome').textContent({ timeout: 60_000 })).resolves.toContain(
      `version ${published.version + 1} runs the rules of version`,
    );
    const after = await currentRules();
    expect(after.current).toMatchObject({ version: published.version + 1, rules: OFFER_RULES, note: 'winter is over' });
    expect(after.versions[0]).toMatchObject({ version: published.version + 1, name: OFFER_RULES.name, rollbackOf: expect.any(Number) });

    // A backtest of the rules in the editor over the last hour, beside the live ones: the same rules, the same offers.
    await page.getByTestId('run-backtest').click();
    await expect(page.getByTestId('backtest-summary').textContent({ timeout: 60_000 })).resolves.toMatch(/[\d,]+ clicks of [\d,]+ visitors/);
    const offersRow = page.locator('[data-testid="backtest-table"] tbody tr', { has: page.locator('th', { hasText: /^offers$/ }) });
    const [live, candidate] = await offersRow.locator('td.num').allTextContents();
    expect(Number(candidate!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(candidate).toBe(live);
    await page.screenshot({ path: join(inject('screenshotsDir'), 'rules-editor.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
