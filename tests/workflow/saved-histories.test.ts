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

/** The visitor workflow's patches when these histories were recorded, in the order a run meets them: deprecated, retired since. */
const VISITOR_PATCHES = [
  'offer-follows-completing-click',
  'offer-measures',
  'offer-state-search-attribute',
  'visitor-idle-spread',
  'live-rule-sets',
  'transition-log-regular-activity',
  'absence-timers',
];

/**
 * Each saved history, with an event it must hold to show what it was taken to show and, for those
 * recorded from a workflow test (docs/workflows.md, "Record a history"), the patch markers the code
 * of the day wrote.
 */
const SAVED: Record<string, { shows: temporal.api.enums.v1.EventType; patches?: string[] }> = {
  // A visitor's whole run (tests/workflow/visitor-offer.test.ts, the search attribute test), recorded by the code that deprecated its patches.
  'visitor-offer-deprecated-patches': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, patches: VISITOR_PATCHES.map((id) => `${id} (deprecated)`) },
  'replay-clicks-paused': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED }, // paced and paused before continue-as-new while paused
  'replay-clicks-tiny-rate': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW }, // a pace out of today's bounds
  // Paused, two paces, continued as new on its third command, all by update (tests/workflow/replay-clicks.test.ts, "here updates").
  'replay-clicks-updates': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, patches: ['replay-continue-as-new-while-paused'] },
  // Three runStage consumers, cancelled (tests/workflow/stream-consumers.test.ts, the first test), recorded by the code that deprecated its patch.
  'stream-consumers-deprecated-patch': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, patches: ['one-stage-activity (deprecated)'] },
  // 40 versions carried whole, a publish and a rollback, before archive pages (patched('rule-archive-pages')).
  'offer-rules-carried-versions': { shows: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, patches: [] },
};

/** The patch markers of a history, in order; a deprecated one as `<id> (deprecated)`. */
function patchMarkers(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((e) => {
    const data =
      e.markerRecordedEventAttributes?.markerName === 'core_patch' ? e.markerRecordedEventAttributes.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const { id, deprecated } = JSON.parse(Buffer.from(data).toString()) as { id: string; deprecated: boolean };
    return [deprecated ? `${id} (deprecated)` : id];
  });
}

function saved(name: string): temporal.api.history.v1.History {
  const json = JSON.parse(readFileSync(fileURLToPath(new URL(`../integration/fixtures/${name}.history.json`, import.meta.url)), 'utf8'));
  return temporal.api.history.v1.History.fromObject(json);
}

async function replay(histories: { workflowId: string; history: temporal.api.history.v1.IHistory }[]): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle() }, histories))
    results[r.workflowId] = r.error ? `${r.error.name}: ${r.error.message}` : 'ok';
  return results;
}

describe('saved histories', () => {
  it('replay with this code', async () => {
    const histories = Object.entries(SAVED).map(([name, { shows, patches }]) => {
      const history = saved(name);
      expect(history.events.map((e) => e.eventType)).toContain(shows);
      if (patches) expect(patchMarkers(history), name).toEqual(patches);
      return { workflowId: name, history };
    });

    expect(await replay(histories)).toEqual(Object.fromEntries(Object.keys(SAVED).map((name) => [name, 'ok'])));
  });

  it('a history this code did not write fails to replay: the check above can fail', async () => {
    const history = saved('visitor-offer-deprecated-patches');
    const scheduled = history.events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'sendCoupons';

    expect(await replay([{ workflowId: 'tampered', history }])).toEqual({ tampered: expect.stringMatching(/DeterminismViolationError|nondetermin/i) });
  });
});
