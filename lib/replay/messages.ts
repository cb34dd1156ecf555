/**
 * How clients talk to the running replay. Definitions only, so the command line and the web app
 * import them without importing workflow code.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReplayProgress } from './click-replay';
import type { ReplayPace } from './pacing';

/** One replay at a time: starting it again finds the running one. */
export const REPLAY_WORKFLOW_ID = 'replay-clicks';

/** Takes effect when the current chunk ends, within about REPLAY_CHUNK_MS. */
export const pauseReplaySignal = defineSignal('pauseReplay');
export const resumeReplaySignal = defineSignal('resumeReplay');
/** A new speed factor, rate or mode; a pace parseReplayPace refuses (out of bounds, unknown fields) is logged and ignored. */
export const setReplaySpeedSignal = defineSignal<[ReplayPace]>('setReplaySpeed');
export const replayProgressQuery = defineQuery<ReplayProgress>('replayProgress');
