/** Server-sent events framing: one `data:` line of JSON per event (JSON.stringify escapes newlines). */
export const sseData = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

/** A comment line: keeps proxies and browsers from closing an idle stream. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';

/** Sent once at the start, so clients (and tests) know the subscription is registered. */
export const SSE_OPEN = ': open\n\n';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx and similar proxies would otherwise buffer the stream.
  'x-accel-buffering': 'no',
} as const;
