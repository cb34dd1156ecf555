/**
 * Server-sent event streams with backpressure. Each stream is pulled by adapter-node, which reads
 * the next chunk only once the socket has drained the last one; until then the stream keeps at
 * most the newest frame of each key (`SseOutbox`), so a client that does not read costs a few
 * shared references, never a queue. A client that takes nothing for WEB_STREAM_LAG_LIMIT_S while
 * frames wait, or that misses WEB_STREAM_MAX_BEHIND frames before it catches up, is cut off; each
 * kind of stream has a cap on how many are open at once, and on how many one address holds.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { SSE_HEADERS, SSE_KEEPALIVE, SSE_OPEN, type SseFrame } from './sse';
import { SseOutbox, type OutboxLimits } from './sse-outbox';
import { countRefusal, tooMany } from './limits';
import { countRefusedStream } from './metrics';
import { config } from './services';
import { addressKey } from './token-buckets';

export type StreamKind = 'dashboard' | 'offers';

const KEEPALIVE_MS = 15_000;
const SWEEP_MS = 1_000;

/** Frames a stream may hold: a dashboard has a dozen parts; offers are rare, so 16 waiting means a dead client. */
const MAX_FRAMES: Record<StreamKind, number> = { dashboard: 64, offers: 16 };
const MAX_OPEN: Record<StreamKind, number> = { dashboard: config.web.maxDashboardStreams, offers: config.web.maxOfferStreams };
const open: Record<StreamKind, Set<OpenStream>> = { dashboard: new Set(), offers: new Set() };
/** Open streams of each kind by address key; an address leaves when its last stream closes. */
const byAddress: Record<StreamKind, Map<string, number>> = { dashboard: new Map(), offers: new Map() };

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
    /** Its address's count of open streams of its kind, and the key there: null for the operator, who is not counted. */
    private readonly holder: { counts: Map<string, number>; address: string } | null,
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
    if (this.holder) {
      const { counts, address } = this.holder;
      const left = (counts.get(address) ?? 1) - 1;
      if (left > 0) counts.set(address, left);
      else counts.delete(address);
    }
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
    countRefusal('streamsBehind');
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
 * An event stream of `kind`, or `503` when that kind's cap is reached, `429` when the caller's
 * address holds its share (the operator's are not counted against either). `subscribe` gets the stream's `send`
 * (frames, encoded once by the caller and shared) and returns its unsubscribe.
 */
export function sseResponse(
  kind: StreamKind,
  event: Pick<RequestEvent, 'request' | 'platform' | 'locals'>,
  subscribe: (send: (frame: SseFrame) => void) => () => void,
): Response {
  // HEAD (a monitor's check) gets the stream's headers, never a stream that would hold a place.
  if (event.request.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
  const streams = open[kind];
  // The operator's streams are never refused: a crowd of viewers cannot lock the operator out.
  if (!event.locals.operator && streams.size >= MAX_OPEN[kind]) {
    countRefusedStream(kind);
    return json({ error: `too many open ${kind} streams (at most ${MAX_OPEN[kind]}): try again later` }, { status: 503, headers: { 'retry-after': '10' } });
  }
  const counts = byAddress[kind];
  const address = addressKey(event.locals.clientAddress);
  const held = counts.get(address) ?? 0;
  if (!event.locals.operator && held >= config.web.maxStreamsPerAddress) {
    countRefusal('streamsPerAddress');
    return tooMany(`open ${kind} streams from this address (at most ${config.web.maxStreamsPerAddress})`, 10);
  }
  const holder = event.locals.operator ? null : { counts, address };
  if (holder) counts.set(address, held + 1);
  const limits = { maxFrames: MAX_FRAMES[kind], maxLagMs: config.web.streamLagLimitS * 1000, maxMissed: config.web.streamMaxBehind };
  const stream = new OpenStream(streams, holder, limits, event.platform?.req.socket);
  streams.add(stream);
  sweeper ??= setInterval(sweep, SWEEP_MS).unref();
  stream.send(SSE_OPEN);
  stream.subscribe(subscribe);
  event.request.signal.addEventListener('abort', stream.close, { once: true });
  return new Response(stream.body, { headers: SSE_HEADERS });
}
