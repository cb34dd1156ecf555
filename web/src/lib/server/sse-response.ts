/** A server-sent events response whose listener is removed when the client goes away. */
import { SSE_HEADERS, SSE_KEEPALIVE, SSE_OPEN, sseData } from '$shared/lib/web/sse';

const KEEPALIVE_MS = 15_000;

/** Every open stream's close function: a stopping server ends them, or they would hold it open. */
const openStreams = new Set<() => void>();

export function closeAllStreams(): void {
  for (const close of [...openStreams]) close();
}

/** `subscribe` gets a `send` function and returns the function that unsubscribes. */
export function sseResponse(signal: AbortSignal, subscribe: (send: (value: unknown) => void) => () => void): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const keepAlive = setInterval(() => write(SSE_KEEPALIVE), KEEPALIVE_MS);
      const unsubscribe = subscribe((value) => write(sseData(value)));
      const close = () => {
        if (!open) return;
        open = false;
        openStreams.delete(close);
        clearInterval(keepAlive);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      cleanup = close;
      openStreams.add(close);
      signal.addEventListener('abort', close, { once: true });
      write(SSE_OPEN);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
