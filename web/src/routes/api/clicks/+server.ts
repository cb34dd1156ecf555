import { json, type RequestHandler } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { MAX_CLICK_REQUEST_BYTES, parseClickRequest, shopClickEvent } from '$shared/lib/web/click-request';
import { getCatalogue } from '$lib/server/catalogue';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readBody } from '$lib/server/read-body';
import { clickSender } from '$lib/server/services';

/** POST /api/clicks: one product view, on click-data keyed by visitor; 202 once Kafka has it. */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
  const body = await readBody(request, MAX_CLICK_REQUEST_BYTES);
  if (!body.ok) return json({ error: body.message }, { status: body.status });
  const { byId } = getCatalogue();
  const parsed = parseClickRequest(request.headers.get('content-type'), body.text, (id) => byId.has(id));
  if (!parsed.ok) return json({ error: parsed.message }, { status: parsed.status });
  const click = shopClickEvent(parsed.value, {
    clickId: randomUUID(),
    timestamp: Date.now(),
    ip: getClientAddress(),
    userAgent: request.headers.get('user-agent') ?? '',
  });
  try {
    await clickSender.add({ key: click.userId, value: JSON.stringify(click) });
  } catch (err) {
    return json({ error: `click not sent: ${(err as Error).message}` }, { status: 503 });
  }
  return json({ clickId: click.clickId }, { status: 202 });
};

export const fallback = methodNotAllowed('POST');
