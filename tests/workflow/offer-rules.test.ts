/**
 * The offer rule sets' workflow on the time-skipping test server: updates publish and roll back
 * versions, their validators refuse a bad request before anything reaches the history, queries
 * read them, and a continue-as-new carries every version.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { currentRulesQuery, OFFER_RULES_WORKFLOW, publishRulesUpdate, rollbackRulesUpdate, ruleVersionQuery, ruleVersionsQuery } from '../../lib/offers/rule-messages';
import type { RuleSetsInput } from '../../lib/offers/rule-sets';
import { bundle, uniqueName, useTestServer } from './support';

const { EventType } = temporal.api.enums.v1;
const taskQueue = 'offer-rules-test';
const testEnv = useTestServer([{ taskQueue, workflowBundle: bundle() }]);
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
    const refused = await handle.executeUpdate(publishRulesUpdate, { args: [{ rules: { ...quick, windowMinutes: 0 }, note: 'too short' }] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toContain('windowMinutes');

    const v3 = await handle.executeUpdate(rollbackRulesUpdate, { args: [{ version: 1, note: 'back' }] });
    expect(v3).toMatchObject({ version: 3, rules: OFFER_RULES, rollbackOf: 1 });
    expect((await handle.query(ruleVersionQuery, 2))?.rules).toEqual(quick);
    expect((await handle.query(ruleVersionsQuery)).map((v) => v.version)).toEqual([3, 2, 1]);

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
