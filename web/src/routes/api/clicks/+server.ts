import { json, type RequestHandler } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { MAX_CLICK_REQUEST_BYTES, parseClickRequest, shopClickEvent } from '$shared/lib/web/click-request';
import { clickProducer, config } from '$lib/server/services';

/** POST /api/clicks: one product view, on click-data keyed by visitor; 202 once Kafka has it. */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_CLICK_REQUEST_BYTES) return json({ error: `body of ${declared} bytes exceeds ${MAX_CLICK_REQUEST_BYTES}` }, { status: 413 });
  const parsed = parseClickRequest(request.headers.get('content-type'), await request.text());
  if (!parsed.ok) return json({ error: parsed.message }, { status: parsed.status });
  const click = shopClickEvent(parsed.value, {
    clickId: randomUUID(),
    timestamp: Date.now(),
    ip: getClientAddress(),
    userAgent: request.headers.get('user-agent') ?? '',
  });
  try {
    const producer = await clickProducer.get();
    await producer.send({ topic: config.kafka.topics.clicks, messages: [{ key: click.userId, value: JSON.stringify(click) }] });
  } catch (err) {
    return json({ error: `click not sent: ${(err as Error).message}` }, { status: 503 });
  }
  return json({ clickId: click.clickId }, { status: 202 });
};
