/**
 * Server-sent events framing. A frame is encoded once and the same bytes go to every stream that
 * gets it, so fan-out to many clients costs no serialisation per client.
 */

/**
 * An encoded event and the slot it fills in a stream's outbox (`sse-outbox.ts`): a frame
 * replaces a waiting frame of the same key, so give updates of one thing one key and events that
 * must all arrive (offers) keys of their own.
 */
export interface SseFrame {
  readonly key: string;
  readonly bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** One `data:` line per event (JSON escapes newlines, so a JSON text is always one line). */
export const sseDataText = (json: string): string => `data: ${json}\n\n`;

export const sseData = (value: unknown): string => sseDataText(JSON.stringify(value));

/** A frame of one `data:` line of `json`, already serialised. */
export const sseJsonFrame = (key: string, json: string): SseFrame => ({ key, bytes: encoder.encode(sseDataText(json)) });

export const sseFrame = (key: string, value: unknown): SseFrame => sseJsonFrame(key, JSON.stringify(value));

/** A comment line: keeps proxies and browsers from closing an idle stream. */
export const SSE_KEEPALIVE: SseFrame = { key: ':keep-alive', bytes: encoder.encode(': keep-alive\n\n') };

/** Sent once at the start, so clients (and tests) know the subscription is registered. */
export const SSE_OPEN: SseFrame = { key: ':open', bytes: encoder.encode(': open\n\n') };

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx and similar proxies would otherwise buffer the stream.
  'x-accel-buffering': 'no',
} as const;
