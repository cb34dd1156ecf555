import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReplayActivities } from '../activities/replay/replay-activities';
import { ClickReplay, type ReplayClicksInput, type ReplayProgress } from '../lib/replay/click-replay';
import { pauseReplaySignal, replayProgressQuery, resumeReplaySignal, setReplaySpeedSignal } from '../lib/replay/messages';
import { DEFAULT_PACE, parseReplayPace } from '../lib/replay/pacing';

const { replayChunk } = proxyActivities<ReplayActivities>({
  startToCloseTimeout: '1 minute',
  // A chunk heartbeats after each batch and lasts about REPLAY_CHUNK_MS: a silent one has lost its worker.
  heartbeatTimeout: '10 seconds',
  // No attempt limit: the replay waits out a Kafka outage. The log's own problems are non-retryable.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Replays the click log to Kafka, one short chunk after another, looping unless told not to.
 * Signals pause, resume and change its pace; the replayProgress query shows how far it is.
 */
export async function replayClicksWorkflow(input: ReplayClicksInput): Promise<ReplayProgress> {
  const pace = parseReplayPace(input.pace ?? DEFAULT_PACE);
  if (!pace.ok) throw ApplicationFailure.nonRetryable(`invalid pace: ${pace.reason}`);
  // The first run's id stays the same across continue-as-new: click ids stay unique per replay.
  const replay = new ClickReplay({ ...input, pace: pace.value }, workflowInfo().firstExecutionRunId);

  setHandler(pauseReplaySignal, () => replay.pause());
  setHandler(resumeReplaySignal, () => replay.resume());
  setHandler(setReplaySpeedSignal, (pace) => {
    const parsed = parseReplayPace(pace);
    if (parsed.ok) replay.setPace(parsed.value);
    else log.warn(`setReplaySpeed ignored: ${parsed.reason}`);
  });
  setHandler(replayProgressQuery, () => replay.progress());

  while (!replay.finished) {
    await condition(() => !replay.paused);
    if (replay.runIsLong || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof replayClicksWorkflow>(replay.continueAsNewInput());
    }
    replay.recordChunk(await replayChunk(replay.nextChunk()));
  }
  return replay.progress();
}
