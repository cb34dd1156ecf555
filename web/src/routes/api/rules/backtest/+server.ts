import { randomUUID } from 'node:crypto';
import { json, type RequestHandler } from '@sveltejs/kit';
import { BACKTEST_RULES_WORKFLOW, type BacktestResult } from '$shared/lib/offers/backtest';
import { BACKTEST_REQUEST_FIELDS, parseBacktestRequest } from '$lib/server/backtest-request';
import { MAX_RULES_REQUEST_BYTES } from '$lib/server/rules-request';
import { operatorRefusal } from '$lib/server/access';
import { countRefusal, tooMany } from '$lib/server/limits';
import { DeadlineError, withinDeadline } from '$shared/lib/deadline';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { config, temporalClient } from '$lib/server/services';

/** How long the request waits for the report; a longer backtest goes on in Temporal, under its workflow id. */
const WAIT_MS = 60_000;

/** Backtests under way from this server: each reads hours of clicks, so only WEB_MAX_BACKTESTS run at once. */
let running = 0;

/**
 * POST /api/rules/backtest (operator) {rules, hours}: runs the backtest workflow and answers its
 * report (200), 400 naming the first problem of the rules, or 504 with the workflow id when it
 * takes longer than a minute; 429 while WEB_MAX_BACKTESTS others run.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
  const refusal = operatorRefusal(locals);
  if (refusal) return refusal;
  const body = await readJsonObject(request, MAX_RULES_REQUEST_BYTES, BACKTEST_REQUEST_FIELDS);
  if (!body.ok) return body.response;
  const parsed = parseBacktestRequest(body.value);
  if (!parsed.ok) return json({ error: parsed.reason }, { status: 400 });
  if (running >= config.web.maxBacktests) {
    countRefusal('backtests');
    return tooMany(`backtests at once (at most ${config.web.maxBacktests})`, 30);
  }
  running += 1;
  const workflowId = `backtest-${randomUUID()}`;
  let result: Promise<BacktestResult> | undefined;
  try {
    const client = await temporalClient();
    const handle = await client.workflow.start(BACKTEST_RULES_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId, args: [parsed.value] });
    // Its place is free once the backtest ends, even when this answer stopped waiting for it.
    result = (handle.result() as Promise<BacktestResult>).finally(() => (running -= 1));
    return json({
      workflowId,
      ...(await withinDeadline(result, WAIT_MS, `the backtest takes over ${WAIT_MS / 1000} s: see workflow ${workflowId} in the Temporal UI`)),
    });
  } catch (err) {
    if (err instanceof DeadlineError) return json({ error: err.message, workflowId }, { status: 504 });
    if (!result) running -= 1;
    return json({ error: `backtest ${workflowId}: ${(err as Error).message}`, workflowId }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('POST');
