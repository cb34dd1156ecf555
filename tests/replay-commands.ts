/** The replay's commands as the tests send them: as updates, as clients send them, or as signals, as older clients did. */
import type { WorkflowHandle } from '@temporalio/client';
import {
  pauseReplaySignal,
  pauseReplayUpdate,
  resumeReplaySignal,
  resumeReplayUpdate,
  setReplayPaceUpdate,
  setReplaySpeedSignal,
} from '../lib/replay/messages';
import type { ReplayPace } from '../lib/replay/pacing';

export interface ReplayCommands {
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
  pace(pace: ReplayPace): Promise<unknown>;
}

export const replayCommandsBy: Record<'updates' | 'signals', (handle: WorkflowHandle) => ReplayCommands> = {
  updates: (handle) => ({
    pause: () => handle.executeUpdate(pauseReplayUpdate),
    resume: () => handle.executeUpdate(resumeReplayUpdate),
    pace: (pace) => handle.executeUpdate(setReplayPaceUpdate, { args: [pace] }),
  }),
  signals: (handle) => ({
    pause: () => handle.signal(pauseReplaySignal),
    resume: () => handle.signal(resumeReplaySignal),
    pace: (pace) => handle.signal(setReplaySpeedSignal, pace),
  }),
};
