import { json, type RequestHandler } from '@sveltejs/kit';
import { commandReplay } from '$shared/clients/replay-control';
import { MAX_REPLAY_REQUEST_BYTES, parseReplayCommand, REPLAY_COMMAND_FIELDS } from '$lib/server/replay-command';
import { operatorRefusal } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { config, temporalClient } from '$lib/server/services';

/**
 * POST /api/replay {"action": "pause" | "resume"} or {"action": "speed", "pace": ReplayPace}: an
 * update of the replay workflow; 202 with its progress after the command (a pause lands when the
 * chunk under way ends), 400 with the reason for a command this parser or the workflow refuses.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
  const refusal = operatorRefusal(locals);
  if (refusal) return refusal;
  const body = await readJsonObject(request, MAX_REPLAY_REQUEST_BYTES, REPLAY_COMMAND_FIELDS);
  if (!body.ok) return body.response;
  const command = parseReplayCommand(body.value);
  if (!command.ok) return json({ error: command.reason }, { status: 400 });
  const { replayWorkflowId } = config.temporal;
  try {
    const progress = await commandReplay(await temporalClient(), replayWorkflowId, command.value);
    return progress.ok ? json(progress.value, { status: 202 }) : json({ error: progress.reason }, { status: 400 });
  } catch (err) {
    return json({ error: `replay ${replayWorkflowId}: ${(err as Error).message}` }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('POST');
