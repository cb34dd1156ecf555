/**
 * One visitor's page (issue 13, item 6), as the operator opens it: a shop visitor of the offer
 * demographic views clothing, and their page shows their clicks, a session, where they stand in
 * the offer rule and their workflow in the Temporal UI. Nobody else gets it, nor whole visitor ids
 * on the dashboard's feed. The screenshot goes to `<RUN_DIR>/screenshots/visitor-page.png`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createRedis } from '../../clients/redis';
import { loadConfig } from '../../lib/config';
import { visitorOfferWorkflowId } from '../../lib/offers/messages';
import { VISITOR_COOKIE } from '../../web/src/lib/server/access-checks';
import { VISITOR_CLICKS_TTL_S, visitorClicksKey } from '../../lib/redis-keys';
import type { EnrichedClick } from '../../lib/schema';
import type { VisitorDetails } from '../../web/src/lib/visitor-page';
import { eventually } from '../integration/pipeline-support';
import { collectConsoleErrors, launchChromium } from './browser';
import { enterShop, inCategory, shopperPage, view, web } from './shop-steps';

const token = inject('operatorToken');
const screenshots = inject('screenshotsDir');
const config = loadConfig({ ...process.env, ...inject('systemEnv') });
const [clothingA, clothingB] = inCategory('clothing');
const bearer = { authorization: `Bearer ${token}` };
let browser: Browser;

const rowCount = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"] tbody tr`).count();

describe("a visitor's page", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the operator a shopper’s clicks, session, place in the offer rule and workflow', { timeout: 120_000 }, async () => {
    const shop = await shopperPage(browser, { width: 1280, height: 900 });
    await enterShop(shop, 'Man, 40');
    for (const p of [clothingA!, clothingB!]) await view(shop, p);
    // Whom the clicks were sent as: the visitor of the browser's signed cookie (`<id>.<signature>`).
    const cookie = (await shop.context().cookies()).find((c) => c.name === VISITOR_COOKIE)!.value;
    const userId = cookie.slice(0, cookie.lastIndexOf('.'));

    const operator = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    const errors = collectConsoleErrors(operator);
    await operator.goto(`${web}/sign-in?token=${encodeURIComponent(token)}`);
    await operator.waitForURL(`${web}/dashboard`);
    // The clicks reach Redis through enrichment and aggregation, the state through the visitor's workflow.
    const details = await eventually(
      'both clicks and the state after clothing',
      async () => {
        const res = await fetch(`${web}/api/visitors/${userId}`, { headers: bearer });
        const d = (await res.json()) as VisitorDetails;
        const state = d.workflow?.kind === 'found' ? d.workflow.view?.state : undefined;
        if (res.status === 200 && d.clicks.length >= 2 && state === 'clothes_visited') return d;
        throw new Error(`${res.status}: ${d.clicks?.length} clicks, workflow ${JSON.stringify(d.workflow ?? d)}`);
      },
      60_000,
      1_000,
    );
    expect(details.clicks.map((c) => c.productId)).toEqual(expect.arrayContaining([clothingA!.id, clothingB!.id]));
    expect(details.workflow).toMatchObject({ kind: 'found', status: 'RUNNING' });

    await operator.goto(`${web}/dashboard/visitors/${userId}`);
    expect(await rowCount(operator, 'visitor-clicks')).toBeGreaterThanOrEqual(2);
    await expect(operator.locator('[data-testid="rule-step"][data-current="true"]').getAttribute('data-state')).resolves.toBe('clothes_visited');
    await expect(operator.getByTestId('visitor-full-id').textContent()).resolves.toBe(userId);
    expect(await rowCount(operator, 'visitor-sessions')).toBeGreaterThanOrEqual(1);
    await expect(operator.getByTestId('rule-standing').textContent()).resolves.toContain('clothes_visited');
    const link = await operator.getByTestId('temporal-link').getAttribute('href');
    expect(link).toBe(
      `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(visitorOfferWorkflowId(userId))}`,
    );
    await operator.screenshot({ path: join(screenshots, 'visitor-page.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('is refused to anyone but the operator, with a way to sign in, and to a malformed id', async () => {
    const stranger = await browser.newPage();
    const refused = await stranger.goto(`${web}/dashboard/visitors/${randomUUID().toUpperCase()}`);
    expect(refused?.status()).toBe(401);
    await stranger.getByTestId('sign-in-hint').waitFor();
    expect((await fetch(`${web}/api/visitors/${randomUUID()}`)).status).toBe(401);
    expect((await fetch(`${web}/api/visitors/${encodeURIComponent('<script>')}`, { headers: bearer })).status).toBe(400);
    expect((await fetch(`${web}/api/visitors/nobody-${randomUUID()}`, { headers: bearer })).status).toBe(404);
  });

  it('lists a click the aggregation wrote twice once, and skips an entry that is no click', async () => {
    const userId = `e2e-${randomUUID()}`;
    const click: EnrichedClick = {
      clickId: `${userId}-c1`,
      userId,
      productId: clothingA!.id,
      ip: '203.0.113.9',
      userAgent: 'e2e/1.0',
      timestamp: Date.now(),
      source: 'shop',
      category: 'clothing',
      title: clothingA!.title,
      gender: 'M',
      birthDate: null,
      age: 40,
      country: 'FR',
      deviceType: 'Desktop',
    };
    const redis = createRedis(config.redis);
    try {
      await redis.lpush(visitorClicksKey(userId), JSON.stringify(click), 'not a click', JSON.stringify(click));
      await redis.expire(visitorClicksKey(userId), VISITOR_CLICKS_TTL_S);
    } finally {
      redis.disconnect();
    }
    const details = (await (await fetch(`${web}/api/visitors/${userId}`, { headers: bearer })).json()) as VisitorDetails;
    expect(details.clicks).toEqual([click]);
    expect(details.sessions).toHaveLength(1);
    expect(details.workflow).toEqual({ kind: 'none' });
    expect(details.rules.sequenceInProgress).toBe(false);
  });

  it('gives the operator whole visitor ids on the dashboard’s figures, and anyone else 8 characters', async () => {
    const ids = async (headers: Record<string, string>) => {
      const res = await fetch(`${web}/api/aggregates`, { headers });
      if (res.status !== 200) return undefined;
      const { latestVisitors } = (await res.json()) as { latestVisitors: { userId: string }[] };
      return latestVisitors.length > 0 ? latestVisitors.map((v) => v.userId) : undefined;
    };
    const operatorIds = await eventually('latest visitors on the dashboard', () => ids(bearer), 60_000);
    expect(operatorIds.some((id) => id.length > 8)).toBe(true);
    const publicIds = (await ids({}))!;
    expect(publicIds.every((id) => id.length <= 8)).toBe(true);
  });
});
