/**
 * The offer rule sets' workflow on the time-skipping test server: updates publish and roll back
 * versions, their validators refuse a bad request before anything reaches the history, queries
 * read them, and thousands of versions keep what each run carries bounded (full pages go to
 * archive page workflows) while publishing, rolling back to an early version and reading go on.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { createRuleArchiveActivities, type RuleArchiveActivities } from '../../activities/rules/rule-archive-activities';
import { currentRuleSet, publishRuleSet, rollbackRuleSet, ruleSetVersion, ruleSetVersionsPage } from '../../clients/offer-rules';
import { loadConfig } from '../../lib/config';
import {
  currentRulesQuery,
  OFFER_RULES_WORKFLOW,
  offerRulesWorkflowId,
  publishRulesUpdate,
  rollbackRulesUpdate,
  ruleVersionQuery,
  ruleVersionsPageQuery,
} from '../../lib/offers/rule-messages';
import { RULE_ARCHIVE_PAGE_SIZE, type RuleSetsInput } from '../../lib/offers/rule-sets';
import { bundle, runChain, uniqueName, useTestServer } from './support';

const { EventType } = temporal.api.enums.v1;
const taskQueue = 'offer-rules-test';
// The archive activity reads pages through the test server's own client, as the orchestrator's does through its.
const activities: RuleArchiveActivities = {
  readArchivedRuleVersion: (ref) => createRuleArchiveActivities({ temporal: testEnv().client }).readArchivedRuleVersion(ref),
};
const testEnv = useTestServer([{ taskQueue, workflowBundle: bundle(), activities }]);
let env: TestWorkflowEnvironment;
beforeAll(() => {
  env = testEnv();
});

const quick = { ...OFFER_RULES, name: 'quick', windowMinutes: 10 };

async function start(input: RuleSetsInput = { initial: OFFER_RULES }) {
  return env.client.workflow.start(OFFER_RULES_WORKFLOW, { taskQueue, workflowId: uniqueName('offer-rules'), args: [input] });
}

describe('offer rules workflow', () => {
  it('publishes, refuses a bad set without a trace in its history, and rolls back as a new version', async () => {
    const handle = await start();
    expect(await handle.query(currentRulesQuery)).toMatchObject({ version: 1, rules: OFFER_RULES });

    const v2 = await handle.executeUpdate(publishRulesUpdate, { args: [{ rules: quick, note: 'shorter window' }] });
    expect(v2).toMatchObject({ version: 2, rules: quick, note: 'shorter window' });
    const refused = await handle
      .executeUpdate(publishRulesUpdate, { args: [{ rules: { ...quick, windowMinutes: 0 }, note: 'too short' }] })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toContain('windowMinutes');

    const v3 = await handle.executeUpdate(rollbackRulesUpdate, { args: [{ version: 1, note: 'back' }] });
    expect(v3).toMatchObject({ version: 3, rules: OFFER_RULES, rollbackOf: 1 });
    expect((await handle.query(ruleVersionQuery, 2))?.rules).toEqual(quick);
    expect((await handle.query(ruleVersionsPageQuery, { limit: 10 })).map((v) => v.version)).toEqual([3, 2, 1]);

    // Only the two accepted updates are in the history: the validator refused the third before it.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(2);
    await handle.terminate('test over');
  });

  it('starts from the versions an earlier run carried', async () => {
    const versions = [
      { version: 1, rules: OFFER_RULES, note: 'built-in default', publishedAt: 0 },
      { version: 2, rules: quick, note: 'shorter', publishedAt: 1 },
    ];
    const handle = await start({ initial: OFFER_RULES, versions });
    expect(await handle.query(currentRulesQuery)).toEqual(versions[1]);
    expect(await handle.executeUpdate(publishRulesUpdate, { args: [{ rules: OFFER_RULES, note: 'again' }] })).toMatchObject({ version: 3 });
    await handle.terminate('test over');
  });
});

describe('offer rules workflow with thousands of versions', () => {
  const VERSIONS = 2_000;

  it('archives full pages, carries a bounded input, and still publishes, rolls back to an early version and reads', async () => {
    // Its own task queue's rule sets: the client functions find the workflow by the queue's id.
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue }).temporal;
    const workflowId = offerRulesWorkflowId(taskQueue);
    const first = await env.client.workflow.start(OFFER_RULES_WORKFLOW, { taskQueue, workflowId, args: [{ initial: OFFER_RULES }] });
    // Each publication's window tells its version: 8 updates in flight at a time, each numbered as the workflow took it.
    const windowOf = (version: number) => 1 + (version % 90);
    const published: number[] = [];
    const publishNext = async (): Promise<void> => {
      while (published.length < VERSIONS - 1) {
        published.push(0);
        const slot = published.length - 1;
        const handle = env.client.workflow.getHandle(workflowId);
        const version = await handle.executeUpdate(publishRulesUpdate, { args: [{ rules: { ...quick, windowMinutes: 1 }, note: 'bulk' }] });
        published[slot] = version.version;
      }
    };
    await Promise.all(Array.from({ length: 8 }, publishNext));
    expect([...published].sort((a, b) => a - b)).toEqual(Array.from({ length: VERSIONS - 1 }, (_, i) => i + 2));
    expect((await currentRuleSet(env.client, config))?.version).toBe(VERSIONS);
    const early = await publishRuleSet(env.client, config, { rules: { ...quick, windowMinutes: windowOf(VERSIONS + 1) }, note: 'marked' });
    expect(early.version).toBe(VERSIONS + 1);

    // Versions of the first archive page, read back and rolled back to.
    expect((await ruleSetVersion(env.client, config, 1))?.rules).toEqual(OFFER_RULES);
    expect((await ruleSetVersion(env.client, config, 3))?.rules.windowMinutes).toBe(1);
    expect(await ruleSetVersion(env.client, config, VERSIONS + 2)).toBeNull();
    const back = await rollbackRuleSet(env.client, config, { version: 1, note: 'back to the first' });
    expect(back).toMatchObject({ version: VERSIONS + 2, rollbackOf: 1, rules: OFFER_RULES });
    expect((await rollbackRuleSet(env.client, config, { version: VERSIONS + 1, note: 'forward again' })).rules.windowMinutes).toBe(windowOf(VERSIONS + 1));

    // The list, newest first, across what the workflow holds and the archive pages, page by page.
    const newest = await ruleSetVersionsPage(env.client, config, { limit: 50 });
    expect(newest.versions.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => VERSIONS + 3 - i));
    expect(newest.versions[0]).toMatchObject({ rollbackOf: VERSIONS + 1, note: 'forward again' });
    const oldest = await ruleSetVersionsPage(env.client, config, { before: 40, limit: 50 });
    expect(oldest.versions.map((v) => v.version)).toEqual(Array.from({ length: 39 }, (_, i) => 39 - i));
    expect(oldest.next).toBeNull();

    // Every run's input stayed small: the versions went to the archive pages, not into continue-as-new.
    const runs = await runChain(env.client, workflowId, first.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(VERSIONS / 200);
    const inputBytes = runs.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0);
    expect(Math.max(...inputBytes)).toBeLessThan(RULE_ARCHIVE_PAGE_SIZE * 2_000);
    const pagesStarted = runs
      .flatMap(({ history }) => history.events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    expect(pagesStarted).toHaveLength(Math.floor((VERSIONS + 3) / RULE_ARCHIVE_PAGE_SIZE));
    await first.terminate('test over');
  }, 600_000);
});
