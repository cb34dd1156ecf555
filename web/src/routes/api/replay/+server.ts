import { json, type RequestHandler } from '@sveltejs/kit';
import { pauseReplaySignal, replayProgressQuery, resumeReplaySignal, setReplaySpeedSignal } from '$shared/lib/replay/messages';
import { MAX_REPLAY_REQUEST_BYTES, parseReplayCommand, REPLAY_COMMAND_FIELDS } from '$shared/lib/web/replay-command';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { config, temporalClient } from '$lib/server/services';

/** POST /api/replay {"action": "pause" | "resume"} or {"action": "speed", "pace": ReplayPace}: signals the replay workflow. */
export const POST: RequestHandler = async ({ request }) => {
  const body = await readJsonObject(request, MAX_REPLAY_REQUEST_BYTES, REPLAY_COMMAND_FIELDS);
  if (!body.ok) return body.response;
  const command = parseReplayCommand(body.value);
  if (!command.ok) return json({ error: command.reason }, { status: 400 });
  try {
    const handle = (await temporalClient()).workflow.getHandle(config.temporal.replayWorkflowId);
    const c = command.value;
    if (c.action === 'pause') await handle.signal(pauseReplaySignal);
    else if (c.action === 'resume') await handle.signal(resumeReplaySignal);
    else await handle.signal(setReplaySpeedSignal, c.pace);
    return json(await handle.query(replayProgressQuery), { status: 202 });
  } catch (err) {
    return json({ error: `replay ${config.temporal.replayWorkflowId}: ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('POST');
