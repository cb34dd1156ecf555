/**
 * The visitor offer workflow on the time-skipping test server, its activities mocked: offers out of
 * signalled clicks, completion after the idle timeout plus the visitor's spread, continue-as-new
 * carrying the visitor, and the rules' 30-minute window, each over tens of minutes of workflow time
 * in milliseconds of real time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { OfferActivities } from '../../activities/detection/offer-activities';
import { isHeldOut } from '../../lib/offers/holdout';
import { spreadIdleTimeoutMs } from '../../lib/offers/idle-spread';
import { VISITOR_OFFER_WORKFLOW, visitorClicksSignal, visitorClicksUpdate, visitorOfferWorkflowId, visitorStateQuery } from '../../lib/offers/messages';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import type { OfferMeasures, TransitionLogEntry, VisitorOfferInput, VisitorView } from '../../lib/offers/visitor-offers';
import type { Gender, Offer } from '../../lib/schema';
import type { visitorOfferWorkflow } from '../../workflows/visitor-offer.workflow';
import { bundle, eventually, outcome, runChain, uniqueName, useTestServer } from './support';
import { shoesWithoutClothing } from '../offer-rule-examples';

const { EventType } = temporal.api.enums.v1;
const MINUTE = 60_000;
const IDLE_MS = 30 * MINUTE;
const taskQueue = 'visitor-offers-test';

/** What the mocked activities were called with, one entry per call. */
const sendOffersCalls: Offer[][] = [];
const logTransitionsCalls: TransitionLogEntry[][] = [];
const recordMeasuresCalls: OfferMeasures[] = [];
/** What the mocked offer-rules workflow holds. */
const publishedRuleSets: RuleSetVersion[] = [];

const activities: OfferActivities = {
  async sendOffers(offers) {
    sendOffersCalls.push(offers);
  },
  async logTransitions(entries) {
    logTransitionsCalls.push(entries);
  },
  async loadRuleSet(version) {
    return publishedRuleSets.find((s) => s.version === version) ?? null;
  },
  async recordMeasures(measures) {
    recordMeasuresCalls.push(measures);
  },
};

const testEnv = useTestServer([{ taskQueue, workflowBundle: bundle(), activities }]);
let env: TestWorkflowEnvironment;
/** The Keyword search attribute a visitor keeps its offer state in, as stack/temporal.sh registers it on the dev server. */
const STATE_ATTRIBUTE = 'OfferState';
beforeAll(async () => {
  env = testEnv();
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { [STATE_ATTRIBUTE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
});

const offersTo = (userId: string) => sendOffersCalls.filter((batch) => batch[0]?.userId === userId);
const statesLoggedFor = (userId: string) =>
  logTransitionsCalls
    .flat()
    .filter((e) => e.userId === userId)
    .map((e) => e.state);

/** A visitor whose clicks get ids of their own. */
function visitor(gender: Gender, age: number) {
  const userId = uniqueName(`visitor-${gender}${age}`);
  let clicks = 0;
  return {
    userId,
    click: (category: string, productId: string, timestamp: number): VisitorClick => ({
      clickId: `${userId}:${++clicks}`,
      productId,
      category,
      gender,
      age,
      timestamp,
    }),
  };
}

async function start(input: Partial<VisitorOfferInput> & { userId: string }): Promise<WorkflowHandle<typeof visitorOfferWorkflow>> {
  await env.client.workflow.start<typeof visitorOfferWorkflow>(VISITOR_OFFER_WORKFLOW, {
    taskQueue,
    workflowId: visitorOfferWorkflowId(input.userId),
    args: [{ rules: OFFER_RULES, idleTimeoutMs: IDLE_MS, ...input }],
  });
  // Not bound to the first run: signals and queries go to whichever run is current.
  return env.client.workflow.getHandle<typeof visitorOfferWorkflow>(visitorOfferWorkflowId(input.userId));
}

/** Signals the clicks and waits until the workflow has processed `processed` clicks in all. */
async function click(handle: WorkflowHandle, clicks: VisitorClick[], processed: number): Promise<VisitorView> {
  await handle.signal(visitorClicksSignal, clicks);
  return eventually(`${processed} clicks processed`, async () => {
    const view = await handle.query(visitorStateQuery);
    return view.clicksProcessed === processed ? view : undefined;
  });
}

async function statusOf(handle: WorkflowHandle, runId?: string): Promise<string> {
  return (await env.client.workflow.getHandle(handle.workflowId, runId).describe()).status.name;
}

type ProtoDuration = { seconds?: unknown; nanos?: number | null } | null | undefined;
const durationMs = (d: ProtoDuration) => Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);
const timeMs = (e: temporal.api.history.v1.IHistoryEvent | undefined) => durationMs(e?.eventTime);

describe('visitor offer workflow', () => {
  it('sends one offer for clothing, shoes and other clothing, and logs each state it enters', async () => {
    const ann = visitor('F', 28);
    const young = visitor('M', 20); // outside the rules' demographics
    const t0 = Date.UTC(2026, 0, 5, 10);
    const annHandle = await start({ userId: ann.userId });
    const youngHandle = await start({ userId: young.userId });
    const annClicks = [ann.click('clothing', 'A', t0), ann.click('shoes', 'S', t0 + MINUTE), ann.click('clothing', 'B', t0 + 2 * MINUTE)];

    const annView = await click(annHandle, annClicks, 3);
    const youngView = await click(
      youngHandle,
      [young.click('clothing', 'A', t0), young.click('shoes', 'S', t0 + MINUTE), young.click('clothing', 'B', t0 + 2 * MINUTE)],
      3,
    );

    // The query answers once the clicks are processed; the activities they call may still be running.
    await eventually("ann's transitions logged", () => (statesLoggedFor(ann.userId).length >= 3 ? true : undefined));
    expect(offersTo(ann.userId)).toEqual([
      [
        {
          userId: ann.userId,
          offerId: 'offer2',
          reason:
            'rules "clothes-shoes-clothes" version 0: reached "offer" within 30 minutes of the sequence\'s first click: ' +
            'clicked A (clothing) → clothes_visited, clicked S (shoes) → shoes_visited, clicked B (clothing) → offer',
          rules: { name: 'clothes-shoes-clothes', version: 0 },
          clickIds: annClicks.map((c) => c.clickId),
          timestamp: t0 + 2 * MINUTE,
          steps: annClicks.map((c, i) => ({
            state: ['clothes_visited', 'shoes_visited', 'offer'][i],
            at: c.timestamp,
            clickId: c.clickId,
            productId: c.productId,
            category: c.category,
          })),
        },
      ],
    ]);
    expect(statesLoggedFor(ann.userId)).toEqual(['clothes_visited', 'shoes_visited', 'offer']);
    expect(annView).toMatchObject({ state: 'init', sequenceStartedAt: null, clicksProcessed: 3, duplicatesIgnored: 0, offersSent: offersTo(ann.userId)[0] });
    expect(annView.recentClicks.map((c) => c.clickId)).toEqual(annClicks.map((c) => c.clickId));

    expect(youngView).toMatchObject({ state: 'init', clicksProcessed: 3, offersSent: [] });
    expect(offersTo(young.userId)).toEqual([]);
    expect(statesLoggedFor(young.userId)).toEqual([]);
  });

  it('takes clicks by update as by signal (the feed starts new visitors with update-with-start): the update completes once they are taken in, and a click sent twice counts once', async () => {
    const bea = visitor('F', 30);
    const t0 = Date.UTC(2026, 0, 5, 10);
    const [first, second, third] = [bea.click('clothing', 'A', t0), bea.click('shoes', 'S', t0 + MINUTE), bea.click('clothing', 'B', t0 + 2 * MINUTE)];
    const handle = await start({ userId: bea.userId });
    await handle.executeUpdate(visitorClicksUpdate, { args: [[first, second]] });
    expect((await handle.query(visitorStateQuery)).recentClicks.map((c) => c.clickId)).toEqual([first.clickId, second.clickId]);
    // A signal re-sending the first click with the third: the first changes nothing.
    const view = await click(handle, [first, third], 3);
    expect(view).toMatchObject({ clicksProcessed: 3, duplicatesIgnored: 1 });
    await eventually("bea's offer", () => (offersTo(bea.userId).length > 0 ? true : undefined));
    expect(offersTo(bea.userId).map((batch) => batch.map((o) => o.clickIds))).toEqual([[[first.clickId, second.clickId, third.clickId]]]);
  });

  it("sends the offer of the completing click's gender", async () => {
    const shared = visitor('M', 40); // a shared device: a man starts the sequence, a woman of 50 completes it
    const t0 = Date.UTC(2026, 0, 5, 11);
    const handle = await start({ userId: shared.userId });
    const woman = { gender: 'F' as const, age: 50 };
    await click(
      handle,
      [
        shared.click('clothing', 'A', t0),
        { ...shared.click('shoes', 'S', t0 + MINUTE), ...woman },
        { ...shared.click('clothing', 'B', t0 + 2 * MINUTE), ...woman },
      ],
      3,
    );

    await eventually('the offer sent', () => (offersTo(shared.userId).length > 0 ? true : undefined));
    expect(
      offersTo(shared.userId)
        .flat()
        .map((o) => o.offerId),
    ).toEqual(['offer2']);
  });

  it('moves to a newer rule set a signal names before its clicks, keeping the sequence in progress', async () => {
    const ada = visitor('F', 30);
    const t0 = Date.UTC(2026, 0, 5, 13);
    const winter = { ...OFFER_RULES, name: 'winter-sale', offerByGender: { ...OFFER_RULES.offerByGender, F: 'offer-winter' } };
    publishedRuleSets.push({ version: 7, rules: winter, note: 'winter', publishedAt: t0 });
    const handle = await start({ userId: ada.userId, rulesVersion: 6 });
    await click(handle, [ada.click('clothing', 'A', t0), ada.click('shoes', 'S', t0 + MINUTE)], 2);
    await handle.signal(visitorClicksSignal, [ada.click('clothing', 'B', t0 + 2 * MINUTE)], 7);

    await eventually('the offer sent', () => (offersTo(ada.userId).length > 0 ? true : undefined));
    expect(offersTo(ada.userId).flat()).toEqual([expect.objectContaining({ offerId: 'offer-winter', rules: { name: 'winter-sale', version: 7 } })]);
    expect(await handle.query(visitorStateQuery)).toMatchObject({ rules: 'winter-sale', rulesVersion: 7, clicksProcessed: 3 });
    const events = (await handle.fetchHistory()).events ?? [];
    const loads = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadRuleSet');
    expect(loads).toHaveLength(1);
  });

  it('takes an absence step on a durable timer, once, then waits out its idle time', async () => {
    // Viewed shoes, and no clothing within 10 minutes: the offer.
    const rules = shoesWithoutClothing(10);
    const ivy = visitor('F', 30);
    const handle = await start({ userId: ivy.userId, rules });
    const t0 = await env.currentTimeMs();
    await click(handle, [ivy.click('shoes', 'S', t0), ivy.click('books', 'K', t0 + MINUTE)], 2);
    await env.sleep(8 * MINUTE);
    expect(offersTo(ivy.userId)).toEqual([]);
    await env.sleep(2 * MINUTE);
    await eventually('the absence offer', () => (offersTo(ivy.userId).length > 0 ? true : undefined));
    expect(offersTo(ivy.userId).flat()).toEqual([expect.objectContaining({ offerId: 'offer-shoes', timestamp: t0 + 10 * MINUTE })]);
    expect(statesLoggedFor(ivy.userId)).toEqual(['shoes_visited', 'offer']);

    await env.sleep(spreadIdleTimeoutMs(ivy.userId, IDLE_MS) + MINUTE);
    expect(await outcome(handle)).toMatchObject({ status: 'COMPLETED', result: { state: 'init', clicksProcessed: 2 } });
    expect(offersTo(ivy.userId)).toHaveLength(1);
    const events = (await handle.fetchHistory()).events ?? [];
    const timers = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
      .map((e) => durationMs(e.timerStartedEventAttributes?.startToFireTimeout));
    // The wait for the first click, the absence's 9 minutes left after the book at minute 1, then the idle wait.
    expect(timers).toEqual([spreadIdleTimeoutMs(ivy.userId, IDLE_MS), 9 * MINUTE, spreadIdleTimeoutMs(ivy.userId, IDLE_MS)]);
  });

  it('holds the offer back from a visitor of the holdout, records what became of offers, and a near miss when it goes idle', async () => {
    const rules = { ...OFFER_RULES, holdoutPercent: 50 };
    const candidates = Array.from({ length: 40 }, () => visitor('M', 40));
    const held = candidates.find((v) => isHeldOut(v.userId, rules))!;
    const sent = candidates.find((v) => !isHeldOut(v.userId, rules))!;
    const t0 = await env.currentTimeMs();
    const shopEvent = (v: typeof held, kind: NonNullable<VisitorClick['kind']>, at: number, offerId?: string): VisitorClick => ({
      ...v.click('shoes', 'S2', at),
      kind,
      ...(offerId ? { offerId } : {}),
    });
    const measuresOf = (userId: string) =>
      recordMeasuresCalls.flatMap((m) => [
        ...m.outcomes.filter((o) => o.userId === userId).map((o) => `${o.group}:${o.stage}`),
        ...m.nearMisses.filter((n) => n.userId === userId).map((n) => `near miss in ${n.state} (${n.endedBy})`),
      ]);

    const heldHandle = await start({ userId: held.userId, rules });
    await click(
      heldHandle,
      [
        held.click('clothing', 'A', t0),
        held.click('shoes', 'S', t0 + MINUTE),
        held.click('clothing', 'B', t0 + 2 * MINUTE),
        shopEvent(held, 'buy', t0 + 3 * MINUTE),
      ],
      4,
    );
    const sentHandle = await start({ userId: sent.userId, rules });
    const sentClicks = [sent.click('clothing', 'A', t0), sent.click('shoes', 'S', t0 + MINUTE), sent.click('clothing', 'B', t0 + 2 * MINUTE)];
    await click(sentHandle, [...sentClicks, shopEvent(sent, 'offer-taken', t0 + 3 * MINUTE, 'offer1'), shopEvent(sent, 'buy', t0 + 4 * MINUTE)], 5);
    // Then clothing and shoes again: one step short when the visitor goes idle.
    await click(sentHandle, [sent.click('clothing', 'C', t0 + 5 * MINUTE), sent.click('shoes', 'S3', t0 + 6 * MINUTE)], 7);

    await eventually('the measures recorded', () => (measuresOf(held.userId).length >= 2 && measuresOf(sent.userId).length >= 3 ? true : undefined));
    expect(offersTo(held.userId)).toEqual([]);
    expect(measuresOf(held.userId)).toEqual(['holdout:qualified', 'holdout:bought']);
    expect(logTransitionsCalls.flat().find((e) => e.userId === held.userId && e.state === 'offer')).toMatchObject({ heldOut: true });
    expect(
      offersTo(sent.userId)
        .flat()
        .map((o) => o.offerId),
    ).toEqual(['offer1']);
    expect(measuresOf(sent.userId)).toEqual(['offered:qualified', 'offered:taken', 'offered:bought']);

    await env.sleep(spreadIdleTimeoutMs(sent.userId, IDLE_MS) + MINUTE);
    expect(await outcome(sentHandle)).toMatchObject({ status: 'COMPLETED', result: { state: 'shoes_visited', clicksProcessed: 7 } });
    expect(measuresOf(sent.userId)).toEqual(['offered:qualified', 'offered:taken', 'offered:bought', 'near miss in shoes_visited (window)']);
  });

  it('completes after its idle timeout plus its spread, not before; a click restarts the wait', async () => {
    const eve = visitor('F', 30);
    const spread = spreadIdleTimeoutMs(eve.userId, IDLE_MS);
    // The spread is the visitor's own: at least a few seconds here, so "just before" is before the idle timeout's end too.
    expect(spread).toBeGreaterThan(IDLE_MS + 5_000);
    expect(spread).toBeLessThan(IDLE_MS * 1.2);
    const handle = await start({ userId: eve.userId });
    const { runId: firstRunId } = await handle.describe();
    const t0 = await env.currentTimeMs();

    await click(handle, [eve.click('books', 'K', t0)], 1);
    await env.sleep(20 * MINUTE);
    expect(await statusOf(handle)).toBe('RUNNING');
    // 20 minutes later another click: the wait starts again from it.
    await click(handle, [eve.click('books', 'L', await env.currentTimeMs())], 2);
    await env.sleep(spread - 2_000);
    expect(await statusOf(handle)).toBe('RUNNING');
    await env.sleep(4_000);
    expect(await outcome(handle)).toMatchObject({ status: 'COMPLETED', result: { userId: eve.userId, state: 'init', clicksProcessed: 2, offersSent: [] } });
    const events = (await handle.fetchHistory()).events ?? [];
    // Each wait was a timer of exactly the spread idle timeout: before the first click, after it
    // (both cancelled by a click), and after the second, which fired.
    const timers = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
    expect(timers.map((e) => durationMs(e.timerStartedEventAttributes?.startToFireTimeout))).toEqual([spread, spread, spread]);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(2);
    const fired = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    expect(fired).toHaveLength(1);
    const completed = events.at(-1);
    expect(completed?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(timeMs(fired[0]) - timeMs(timers[2])).toBeGreaterThanOrEqual(spread);
    expect(timeMs(completed) - timeMs(timers[2])).toBeLessThan(spread + 4_000);
    // One run from start to end: the idle wait is not a continue-as-new.
    expect((await handle.describe()).runId).toBe(firstRunId);
  });

  it('continues as new when its run is long, carrying its machine and the click ids it saw', async () => {
    const cora = visitor('F', 28);
    const t0 = Date.UTC(2026, 0, 5, 12);
    const clicks = [cora.click('clothing', 'A', t0), cora.click('shoes', 'S', t0 + MINUTE), cora.click('clothing', 'B', t0 + 2 * MINUTE)];
    const handle = await start({ userId: cora.userId, batchesPerRun: 1 });
    const { runId: firstRunId } = await handle.describe();
    /** Waits until the workflow has moved on to its `n`th run, which then waits for clicks. */
    const runs = (n: number) =>
      eventually(`run ${n}`, async () => {
        const chain = await runChain(env.client, handle.workflowId, firstRunId);
        return chain.length >= n ? chain : undefined;
      });

    // One click per batch, each batch re-sending the earlier ones as a restarted feed would: every
    // batch ends its run, so the offer needs the machine's state carried over two continue-as-news.
    // (No query meanwhile: the test server may never answer one sent while a run continues as new.)
    for (const [i, state] of ['clothes_visited', 'shoes_visited', 'offer'].entries()) {
      await handle.signal(visitorClicksSignal, clicks.slice(0, i + 1));
      await eventually(`the transition to ${state}`, () => (statesLoggedFor(cora.userId).length === i + 1 ? true : undefined));
      await runs(i + 2);
    }
    expect(statesLoggedFor(cora.userId)).toEqual(['clothes_visited', 'shoes_visited', 'offer']);
    expect(offersTo(cora.userId)).toEqual([[expect.objectContaining({ offerId: 'offer2', clickIds: clicks.map((c) => c.clickId) })]]);
    expect(await handle.query(visitorStateQuery)).toMatchObject({ state: 'init', clicksProcessed: 3, duplicatesIgnored: 3 });

    // The whole pattern again, as a redelivery: every click is known, so no second offer, and no
    // batch to process, so no new run.
    await handle.signal(visitorClicksSignal, clicks);
    const after = await eventually('the redelivery counted', async () => {
      const v = await handle.query(visitorStateQuery);
      return v.duplicatesIgnored === 6 ? v : undefined;
    });
    expect(after).toMatchObject({ clicksProcessed: 3, offersSent: offersTo(cora.userId)[0] });
    expect(offersTo(cora.userId)).toHaveLength(1);

    const chain = await runs(4);
    expect(chain).toHaveLength(4);
    for (const { runId } of chain.slice(0, -1)) expect(await statusOf(handle, runId)).toBe('CONTINUED_AS_NEW');
    expect(await statusOf(handle)).toBe('RUNNING');
    expect((await handle.describe()).runId).toBe(chain[3]?.runId);
    // This code's own histories, continue-as-new included, replay with it.
    const replays = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: bundle() },
      chain.slice(0, -1).map(({ history }) => ({ workflowId: handle.workflowId, history })),
    )) {
      replays.push(r.error?.message ?? 'ok');
    }
    expect(replays).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps its offer state in the search attribute its input names, through a newer rule set and an absence, until it goes idle', async () => {
    // Every path the workflow has in one run: the history docs/workflows.md records as the saved fixture.
    publishedRuleSets.push({ version: 9, rules: shoesWithoutClothing(10), note: 'shoes alone', publishedAt: 0 });
    const una = visitor('F', 30);
    const handle = await start({ userId: una.userId, rulesVersion: 8, offerStateAttribute: STATE_ATTRIBUTE });
    const t0 = await env.currentTimeMs();
    await handle.signal(visitorClicksSignal, [una.click('shoes', 'S', t0), una.click('books', 'K', t0 + MINUTE)], 9);
    await eventually('two clicks processed', async () => ((await handle.query(visitorStateQuery)).clicksProcessed === 2 ? true : undefined));
    expect((await handle.describe()).searchAttributes[STATE_ATTRIBUTE]).toEqual(['shoes_visited']);

    await env.sleep(10 * MINUTE);
    await eventually('the absence offer', () => (offersTo(una.userId).length > 0 ? true : undefined));
    expect(offersTo(una.userId).flat()).toEqual([
      expect.objectContaining({ offerId: 'offer-shoes', rules: { name: 'shoes-without-clothing', version: 9 }, timestamp: t0 + 10 * MINUTE }),
    ]);
    await env.sleep(spreadIdleTimeoutMs(una.userId, IDLE_MS) + MINUTE);
    expect(await outcome(handle)).toMatchObject({ status: 'COMPLETED', result: { rulesVersion: 9, state: 'init', clicksProcessed: 2 } });

    expect(statesLoggedFor(una.userId)).toEqual(['shoes_visited', 'offer']);
    expect((await handle.describe()).searchAttributes[STATE_ATTRIBUTE]).toEqual(['init']);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadRuleSet')).toHaveLength(1);
    const timers = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
      .map((e) => durationMs(e.timerStartedEventAttributes?.startToFireTimeout));
    expect(timers).toEqual([spreadIdleTimeoutMs(una.userId, IDLE_MS), 9 * MINUTE, spreadIdleTimeoutMs(una.userId, IDLE_MS)]);
  });

  it('offers for a pattern within the 30-minute window, not for the same clicks over 31 minutes', async () => {
    const realStart = Date.now();
    const within = visitor('M', 40);
    const beyond = visitor('M', 40);
    const [withinHandle, beyondHandle] = await Promise.all([start({ userId: within.userId }), start({ userId: beyond.userId })]);
    const now = () => env.currentTimeMs();
    const t0 = await now();

    // Live clicks, stamped with the server's clock as it skips ahead: both start at t0.
    await click(withinHandle, [within.click('clothing', 'A', t0)], 1);
    await click(beyondHandle, [beyond.click('clothing', 'A', t0)], 1);
    await env.sleep(14 * MINUTE);
    await click(withinHandle, [within.click('shoes', 'S', await now())], 2);
    await env.sleep(2 * MINUTE);
    await click(beyondHandle, [beyond.click('shoes', 'S', await now())], 2);
    await env.sleep(13 * MINUTE);
    const withinLast = await now();
    const withinView = await click(withinHandle, [within.click('clothing', 'B', withinLast)], 3);
    await env.sleep(2 * MINUTE);
    const beyondLast = await now();
    const beyondView = await click(beyondHandle, [beyond.click('clothing', 'B', beyondLast)], 3);

    await eventually('the offer within the window', () => (offersTo(within.userId).length > 0 ? true : undefined));
    await eventually('the late click logged', () => (statesLoggedFor(beyond.userId).length >= 4 ? true : undefined));
    expect(withinLast - t0).toBeGreaterThanOrEqual(29 * MINUTE);
    expect(withinLast - t0).toBeLessThan(30 * MINUTE);
    expect(beyondLast - t0).toBeGreaterThan(31 * MINUTE);
    expect(offersTo(within.userId)).toEqual([[expect.objectContaining({ offerId: 'offer1', timestamp: withinLast })]]);
    expect(withinView).toMatchObject({ state: 'init', sequenceStartedAt: null });
    // The late clothing click found the window closed: back to init, and it starts a sequence of its own.
    expect(offersTo(beyond.userId)).toEqual([]);
    expect(statesLoggedFor(beyond.userId)).toEqual(['clothes_visited', 'shoes_visited', 'init', 'clothes_visited']);
    expect(beyondView).toMatchObject({ state: 'clothes_visited', sequenceStartedAt: beyondLast, offersSent: [] });
    // Both lived through more than half an hour of workflow time, in seconds of real time.
    expect([await statusOf(withinHandle), await statusOf(beyondHandle)]).toEqual(['RUNNING', 'RUNNING']);
    expect(Date.now() - realStart).toBeLessThan(10_000);
  });
});
