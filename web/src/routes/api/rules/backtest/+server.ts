import { randomUUID } from 'node:crypto';
import { json, type RequestHandler } from '@sveltejs/kit';
import { BACKTEST_RULES_WORKFLOW, type BacktestResult } from '$shared/lib/offers/backtest';
import { BACKTEST_REQUEST_FIELDS, parseBacktestRequest } from '$shared/lib/web/backtest-request';
import { MAX_RULES_REQUEST_BYTES } from '$shared/lib/web/rules-request';
import { operatorRefusal } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readJsonObject } from '$lib/server/json-request';
import { config, temporalClient } from '$lib/server/services';

/** How long the request waits for the report; a longer backtest goes on in Temporal, under its workflow id. */
const WAIT_MS = 60_000;

/**
 * POST /api/rules/backtest (operator) {rules, hours}: runs the backtest workflow and answers its
 * report (200), 400 naming the first problem of the rules, or 504 with the workflow id when it
 * takes longer than a minute.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
  const refusal = operatorRefusal(locals);
  if (refusal) return refusal;
  const body = await readJsonObject(request, MAX_RULES_REQUEST_BYTES, BACKTEST_REQUEST_FIELDS);
  if (!body.ok) return body.response;
  const parsed = parseBacktestRequest(body.value);
  if (!parsed.ok) return json({ error: parsed.reason }, { status: 400 });
  const workflowId = `backtest-${randomUUID()}`;
  try {
    const client = await temporalClient();
    const handle = await client.workflow.start(BACKTEST_RULES_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId, args: [parsed.value] });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), WAIT_MS);
    });
    const report = await Promise.race([handle.result() as Promise<BacktestResult>, late]).finally(() => clearTimeout(timer));
    if (report === null) return json({ error: `the backtest takes over ${WAIT_MS / 1000} s: see workflow ${workflowId} in the Temporal UI`, workflowId }, { status: 504 });
    return json({ workflowId, ...report });
  } catch (err) {
    return json({ error: `backtest ${workflowId}: ${(err as Error).message}`, workflowId }, { status: 503 });
  }
};

export const fallback = methodNotAllowed('POST');
