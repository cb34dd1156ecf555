/**
 * The JSON bodies of the web app's POST endpoints: content type, size, syntax and shape, checked
 * before any field, so every endpoint refuses the same bad request with the same status and words.
 */

export type JsonBodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413 | 415; message: string };

const isJsonContentType = (contentType: string | null) => /^application\/json\s*(;|$)/i.test(contentType?.trim() ?? '');

/** Text cut to `max` characters, so a hostile value cannot flood an error message. */
export const cut = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** A value as an error message shows it: as JSON, cut short. */
export const shown = (value: unknown, max = 40) => cut(JSON.stringify(value) ?? String(value), max);

/** Parses a body that must be one JSON object of at most `maxBytes` with only the `allowed` fields. */
export function parseJsonObjectBody(contentType: string | null, body: string, maxBytes: number, allowed: readonly string[]): JsonBodyResult {
  if (!isJsonContentType(contentType)) return { ok: false, status: 415, message: `expected Content-Type application/json, got ${contentType ?? 'none'}` };
  const bytes = new TextEncoder().encode(body).byteLength;
  if (bytes > maxBytes) return { ok: false, status: 413, message: `body of ${bytes} bytes exceeds ${maxBytes}` };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, status: 400, message: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, status: 400, message: 'expected a JSON object' };
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    return {
      ok: false,
      status: 400,
      message: `unknown field ${unknown
        .slice(0, 3)
        .map((k) => shown(k))
        .join(', ')}: allowed are ${allowed.join(', ')}`,
    };
  }
  return { ok: true, value: raw as Record<string, unknown> };
}
