import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReplayActivities } from '../activities/replay/replay-activities';
import { ClickReplay, type ReplayClicksInput, type ReplayProgress } from '../lib/replay/click-replay';
import {
  pauseReplaySignal,
  pauseReplayUpdate,
  replayProgressQuery,
  resumeReplaySignal,
  resumeReplayUpdate,
  setReplayPaceUpdate,
  setReplaySpeedSignal,
} from '../lib/replay/messages';
import { DEFAULT_PACE, paceOfStartInput } from '../lib/replay/pacing';

const { replayChunk } = proxyActivities<ReplayActivities>({
  startToCloseTimeout: '1 minute',
  // A chunk heartbeats after each batch and lasts about REPLAY_CHUNK_MS: a silent one has lost its worker.
  heartbeatTimeout: '10 seconds',
  // No attempt limit: the replay waits out a Kafka outage. The log's own problems are non-retryable.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Runs started before this waited out a pause in one run, whatever the signals that came
 * meanwhile, and never counted them: their histories must replay as they were written.
 */
const CONTINUE_AS_NEW_WHILE_PAUSED = 'replay-continue-as-new-while-paused';

/**
 * Replays the click log to Kafka, one short chunk after another, looping unless told not to.
 * Updates pause, resume and change its pace, each answering with its progress (the pace's
 * validator refuses a bad one); the replayProgress query shows how far it is. The signals of the
 * same commands are what clients sent before the updates: histories hold them, and adding the
 * updates changed no command the workflow issues, so old histories replay without a patch.
 */
export async function replayClicksWorkflow(input: ReplayClicksInput): Promise<ReplayProgress> {
  const pace = paceOfStartInput(input.pace ?? DEFAULT_PACE);
  if (!pace.ok) throw ApplicationFailure.nonRetryable(`invalid pace: ${pace.reason}`);
  // The first run's id stays the same across continue-as-new: click ids stay unique per replay.
  const replay = new ClickReplay({ ...input, pace: pace.value }, workflowInfo().firstExecutionRunId);

  setHandler(pauseReplayUpdate, () => replay.pause());
  setHandler(resumeReplayUpdate, () => replay.resume());
  setHandler(setReplayPaceUpdate, (pace) => replay.changePace(pace), { validator: (pace) => replay.validatePace(pace) });
  setHandler(pauseReplaySignal, () => void replay.pause());
  setHandler(resumeReplaySignal, () => void replay.resume());
  setHandler(setReplaySpeedSignal, (pace) => {
    const parsed = replay.setPace(pace);
    if (!parsed.ok) log.warn(`setReplaySpeed ignored: ${parsed.reason}`);
  });
  setHandler(replayProgressQuery, () => replay.progress());

  while (!replay.finished) {
    if (patched(CONTINUE_AS_NEW_WHILE_PAUSED)) {
      // Every command lengthens the history, paused or not: a flood of them moves on to a new run.
      const runIsOver = () => replay.runIsLong || replay.commandBudgetSpent || workflowInfo().continueAsNewSuggested;
      await condition(() => !replay.paused || runIsOver());
      if (runIsOver()) return continueAsNewWith(replay);
    } else {
      await condition(() => !replay.paused);
      if (replay.runIsLong || workflowInfo().continueAsNewSuggested) return continueAsNewWith(replay);
    }
    replay.recordChunk(await replayChunk(replay.startChunk()));
  }
  return replay.progress();
}

/** The next run starts where this one stands: position, totals, pace, paused or not. */
async function continueAsNewWith(replay: ClickReplay): Promise<never> {
  await condition(allHandlersFinished);
  return continueAsNew<typeof replayClicksWorkflow>(replay.continueAsNewInput());
}
