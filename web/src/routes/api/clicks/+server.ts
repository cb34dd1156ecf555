import { json, type RequestHandler } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { clickVisitor, headerUserAgent, MAX_CLICK_REQUEST_BYTES, parseClickRequest, shopClickEvent } from '$lib/server/click-request';
import { getCatalogue } from '$lib/server/catalogue';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readBody } from '$lib/server/read-body';
import { clickRefusal } from '$lib/server/limits';
import { clickSender, config } from '$lib/server/services';
import { traceHeaders } from '$shared/clients/tracing';

/**
 * POST /api/clicks: one click of the shop on click-data keyed by visitor, a product view or (by its
 * `kind`) a basket, buy or offer answer; 202 once Kafka has it.
 */
export const POST: RequestHandler = async ({ request, getClientAddress, locals }) => {
  if (!locals.operator && !locals.visitorId)
    return json({ error: 'no visitor: open the shop first (it gives this browser a visitor cookie), or send the operator token' }, { status: 401 });
  const limited = clickRefusal(locals, locals.clientAddress);
  if (limited) return limited;
  const userAgent = headerUserAgent(request.headers.get('user-agent'));
  if (!userAgent.ok) return json({ error: userAgent.message }, { status: userAgent.status });
  const body = await readBody(request, MAX_CLICK_REQUEST_BYTES, config.web.bodyTimeoutS * 1000);
  if (!body.ok) return json({ error: body.message }, { status: body.status });
  const { byId } = getCatalogue();
  const parsed = parseClickRequest(request.headers.get('content-type'), body.text, (id) => byId.has(id));
  if (!parsed.ok) return json({ error: parsed.message }, { status: parsed.status });
  const visitor = clickVisitor(parsed.value.userId, locals);
  if (!visitor.ok) return json({ error: visitor.message }, { status: visitor.status });
  const click = shopClickEvent(parsed.value, {
    userId: visitor.userId,
    clickId: randomUUID(),
    timestamp: Date.now(),
    ip: getClientAddress(),
    userAgent: userAgent.value,
  });
  try {
    // The request's span (hooks.server.ts) goes on in the record's headers: enrichment continues the trace.
    const headers = traceHeaders();
    await clickSender.add({ key: click.userId, value: JSON.stringify(click), ...(headers && { headers }) });
  } catch (err) {
    return json({ error: `click not sent: ${(err as Error).message}` }, { status: 503 });
  }
  return json({ clickId: click.clickId }, { status: 202 });
};

export const fallback = methodNotAllowed('POST');
