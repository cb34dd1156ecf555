/**
 * How clients talk to the running replay. Definitions only, so the command line and the web app
 * import them without importing workflow code. Its workflow id is the setting REPLAY_WORKFLOW_ID
 * (`config.temporal.replayWorkflowId`): one replay at a time, for both.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReplayProgress } from './click-replay';
import type { ReplayPace } from './pacing';

/** Takes effect when the current chunk ends, within about REPLAY_CHUNK_MS. */
export const pauseReplaySignal = defineSignal('pauseReplay');
export const resumeReplaySignal = defineSignal('resumeReplay');
/** A new speed factor, rate or mode; a pace parseReplayPace refuses (out of bounds, unknown fields) is logged and ignored. */
export const setReplaySpeedSignal = defineSignal<[ReplayPace]>('setReplaySpeed');
export const replayProgressQuery = defineQuery<ReplayProgress>('replayProgress');
