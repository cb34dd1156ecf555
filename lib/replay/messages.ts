/**
 * How clients talk to the running replay. Definitions only, so the command line and the web app
 * import them without importing workflow code. Its workflow id is the setting REPLAY_WORKFLOW_ID
 * (`config.temporal.replayWorkflowId`): one replay at a time, for both.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReplayProgress } from './click-replay';
import type { ReplayPace } from './pacing';

/** What the web app and the command line ask of the replay. */
export type ReplayCommand = { action: 'pause' } | { action: 'resume' } | { action: 'speed'; pace: ReplayPace };

/**
 * The commands, as updates: each answers with the replay's progress after it. A pause lands when
 * the chunk under way ends (`chunkUnderWay`), within about REPLAY_CHUNK_MS; a new pace at the next
 * chunk. The pace's validator refuses what parseReplayPace refuses, with its reason, before the
 * update reaches the history.
 */
export const pauseReplayUpdate = defineUpdate<ReplayProgress>('pause');
export const resumeReplayUpdate = defineUpdate<ReplayProgress>('resume');
export const setReplayPaceUpdate = defineUpdate<ReplayProgress, [ReplayPace]>('setPace');

/**
 * The same commands as signals, as clients sent them before the updates: histories carry them,
 * and a client of that code may still send them. A pace parseReplayPace refuses is logged and ignored.
 */
export const pauseReplaySignal = defineSignal('pauseReplay');
export const resumeReplaySignal = defineSignal('resumeReplay');
export const setReplaySpeedSignal = defineSignal<[ReplayPace]>('setReplaySpeed');

export const replayProgressQuery = defineQuery<ReplayProgress>('replayProgress');
