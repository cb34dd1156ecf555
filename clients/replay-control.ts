/**
 * The click replay as the command line and the web app steer it. A command is an update
 * (workflows/replay-clicks.workflow.ts), answered with the replay's progress after it, or refused
 * by the workflow's validator with its reason before anything reaches the history.
 */
import { isGrpcDeadlineError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { ReplayProgress } from '../lib/replay/click-replay';
import { pauseReplayUpdate, replayProgressQuery, resumeReplayUpdate, setReplayPaceUpdate, type ReplayCommand } from '../lib/replay/messages';
import type { Parsed } from '../lib/schema';

/** How long a command or the progress waits for a worker to answer: without one, both would wait without end. */
export const REPLAY_ANSWER_TIMEOUT_MS = 10_000;

const noWorker = () => new Error(`no worker answered within ${REPLAY_ANSWER_TIMEOUT_MS / 1000} s: is a worker polling the task queue?`);
const deadline = () => Date.now() + REPLAY_ANSWER_TIMEOUT_MS;

/** The replay's progress after the command, or the workflow's reason for refusing it; no such replay throws WorkflowNotFoundError. */
export async function commandReplay(client: Client, workflowId: string, command: ReplayCommand): Promise<Parsed<ReplayProgress>> {
  const handle = client.workflow.getHandle(workflowId);
  const send = () => {
    switch (command.action) {
      case 'pause':
        return handle.executeUpdate(pauseReplayUpdate);
      case 'resume':
        return handle.executeUpdate(resumeReplayUpdate);
      case 'speed':
        return handle.executeUpdate(setReplayPaceUpdate, { args: [command.pace] });
    }
  };
  try {
    return { ok: true, value: await client.withDeadline(deadline(), send) };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { ok: false, reason: err.cause?.message ?? err.message };
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw noWorker();
    throw err;
  }
}

/** The replay's progress (its query). */
export async function replayProgress(client: Client, workflowId: string): Promise<ReplayProgress> {
  try {
    return await client.withDeadline(deadline(), () => client.workflow.getHandle(workflowId).query(replayProgressQuery));
  } catch (err) {
    if (isGrpcDeadlineError(err)) throw noWorker();
    throw err;
  }
}
