import { json } from '@sveltejs/kit';
import { parseJsonObjectBody } from './json-body';
import { readBody } from './read-body';
import { config } from './services';

/**
 * A control route's JSON body: read within the size cap and the body deadline, then one object of
 * only the `allowed` fields; or the error response to send instead.
 */
export async function readJsonObject(
  request: Request,
  maxBytes: number,
  allowed: readonly string[],
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; response: Response }> {
  const text = await readBody(request, maxBytes, config.web.bodyTimeoutS * 1000);
  if (!text.ok) return { ok: false, response: json({ error: text.message }, { status: text.status }) };
  const body = parseJsonObjectBody(request.headers.get('content-type'), text.text, maxBytes, allowed);
  if (!body.ok) return { ok: false, response: json({ error: body.message }, { status: body.status }) };
  return body;
}
