/**
 * Server-sent event streams with backpressure. Each stream is pulled by adapter-node, which reads
 * the next chunk only once the socket has drained the last one; until then the stream keeps at
 * most the newest frame of each key (`SseOutbox`), so a client that does not read costs a few
 * shared references, never a queue. A client that takes nothing for WEB_STREAM_LAG_LIMIT_S while
 * frames wait is cut off, and each kind of stream has a cap on how many are open at once.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { SSE_HEADERS, SSE_KEEPALIVE, SSE_OPEN, type SseFrame } from '$shared/lib/web/sse';
import { SseOutbox, type OutboxLimits } from '$shared/lib/web/sse-outbox';
import { config } from './services';

export type StreamKind = 'dashboard' | 'offers';

const KEEPALIVE_MS = 15_000;
const SWEEP_MS = 1_000;

/** Frames a stream may hold: a dashboard has a dozen parts; offers are rare, so 16 waiting means a dead client. */
const MAX_FRAMES: Record<StreamKind, number> = { dashboard: 64, offers: 16 };
const MAX_OPEN: Record<StreamKind, number> = { dashboard: config.web.maxDashboardStreams, offers: config.web.maxOfferStreams };
const open: Record<StreamKind, Set<OpenStream>> = { dashboard: new Set(), offers: new Set() };

let sweeper: NodeJS.Timeout | undefined;

/** One timer for all streams: keep-alives for idle ones, and cutting off the ones behind too long. */
function sweep(): void {
  const now = Date.now();
  for (const streams of Object.values(open)) for (const stream of [...streams]) stream.tick(now);
}

class OpenStream {
  readonly body: ReadableStream<Uint8Array>;
  private readonly outbox: SseOutbox;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  /** adapter-node asked for a chunk and none was waiting: the next frame goes out at once. */
  private reading = false;
  private lastSent = Date.now();
  private closed = false;
  private unsubscribe = () => {};

  constructor(
    private readonly streams: Set<OpenStream>,
    limits: OutboxLimits,
    /** The client's socket: cutting off a client that does not read must not wait for it to drain. */
    private readonly socket: { destroy(): void } | undefined,
  ) {
    this.outbox = new SseOutbox(limits);
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => void (this.controller = controller),
        pull: (controller) => {
          const bytes = this.outbox.take(Date.now());
          if (bytes) controller.enqueue(bytes);
          else this.reading = true;
        },
        cancel: () => this.close(),
      },
      // Nothing is buffered beyond what the reader asked for: the outbox holds the rest, newest only.
      { highWaterMark: 0 },
    );
  }

  send = (frame: SseFrame): void => {
    if (this.closed) return;
    const now = Date.now();
    this.lastSent = now;
    if (!this.outbox.put(frame, now)) return this.cutOff();
    if (this.reading) {
      this.reading = false;
      this.controller.enqueue(this.outbox.take(now)!);
    }
  };

  /** `subscribe` may send at once; a stream closed meanwhile unsubscribes at once. */
  subscribe(subscribe: (send: (frame: SseFrame) => void) => () => void): void {
    this.unsubscribe = subscribe(this.send);
    if (this.closed) this.unsubscribe();
  }

  tick(now: number): void {
    if (this.outbox.stalled(now)) this.cutOff();
    else if (now - this.lastSent >= KEEPALIVE_MS) this.send(SSE_KEEPALIVE);
  }

  close = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.streams.delete(this);
    if (open.dashboard.size + open.offers.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
    this.unsubscribe();
    try {
      this.controller.close();
    } catch {
      // already closed by the client
    }
  };

  /** Ending the body would wait for the client to read what the socket holds: drop the connection. */
  private cutOff(): void {
    this.close();
    this.socket?.destroy();
  }
}

/** Every open stream of each kind. */
export function openStreams(): Record<StreamKind, number> {
  return { dashboard: open.dashboard.size, offers: open.offers.size };
}

/** A stopping server ends every stream, or they would hold it open. */
export function closeAllStreams(): void {
  for (const streams of Object.values(open)) for (const stream of [...streams]) stream.close();
}

/**
 * An event stream of `kind`, or `503` when that kind's cap is reached. `subscribe` gets the
 * stream's `send` (frames, encoded once by the caller and shared) and returns its unsubscribe.
 */
export function sseResponse(
  kind: StreamKind,
  event: Pick<RequestEvent, 'request' | 'platform'>,
  subscribe: (send: (frame: SseFrame) => void) => () => void,
): Response {
  const streams = open[kind];
  if (streams.size >= MAX_OPEN[kind]) {
    return json({ error: `too many open ${kind} streams (at most ${MAX_OPEN[kind]}): try again later` }, { status: 503, headers: { 'retry-after': '10' } });
  }
  const stream = new OpenStream(streams, { maxFrames: MAX_FRAMES[kind], maxLagMs: config.web.streamLagLimitS * 1000 }, event.platform?.req.socket);
  streams.add(stream);
  sweeper ??= setInterval(sweep, SWEEP_MS).unref();
  stream.send(SSE_OPEN);
  stream.subscribe(subscribe);
  event.request.signal.addEventListener('abort', stream.close, { once: true });
  return new Response(stream.body, { headers: SSE_HEADERS });
}
