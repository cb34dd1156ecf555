/**
 * The saved histories of older code (tests/integration/fixtures, where the integration suite
 * replays them too) replay with this code's workflow bundle: a replay needs no server, so this
 * fast project catches a change that breaks running workflows before any stack starts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bundle, quietRuntime } from './support';

quietRuntime();

const { EventType } = temporal.api.enums.v1;

/** Each saved history, with what it was taken to show (README of each in the integration tests that use it). */
const SAVED = {
  'visitor-offer-local-log': EventType.EVENT_TYPE_MARKER_RECORDED, // the transition log as a local activity
  'visitor-offer-idle-timeout': EventType.EVENT_TYPE_TIMER_FIRED, // completed after the unspread idle timeout
  'replay-clicks-paused': EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, // paced and paused before continue-as-new while paused
  'replay-clicks-tiny-rate': EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, // a pace out of today's bounds
  'stream-consumers-per-kind-activity': EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, // runEnrichment, before one runStage activity ran every kind
  'offer-rules-carried-versions': EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, // 40 versions carried whole, a publish and a rollback, before archive pages
} as const;

function saved(name: string): temporal.api.history.v1.History {
  const json = JSON.parse(readFileSync(fileURLToPath(new URL(`../integration/fixtures/${name}.history.json`, import.meta.url)), 'utf8'));
  return temporal.api.history.v1.History.fromObject(json);
}

async function replay(histories: { workflowId: string; history: temporal.api.history.v1.IHistory }[]): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle() }, histories)) results[r.workflowId] = r.error ? `${r.error.name}: ${r.error.message}` : 'ok';
  return results;
}

describe('saved histories', () => {
  it('replay with this code', async () => {
    const histories = Object.entries(SAVED).map(([name, shows]) => {
      const history = saved(name);
      expect(history.events.map((e) => e.eventType)).toContain(shows);
      return { workflowId: name, history };
    });

    expect(await replay(histories)).toEqual(Object.fromEntries(Object.keys(SAVED).map((name) => [name, 'ok'])));
  });

  it('a history this code did not write fails to replay: the check above can fail', async () => {
    const history = saved('visitor-offer-idle-timeout');
    const scheduled = history.events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'sendCoupons';

    expect(await replay([{ workflowId: 'tampered', history }])).toEqual({ tampered: expect.stringMatching(/DeterminismViolationError|nondetermin/i) });
  });
});
