/**
 * Distributed tracing with OpenTelemetry, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans
 * go there by OTLP/HTTP in batches. Off, the SDK is never loaded, and every helper here returns at
 * its first line. The W3C trace context (`traceparent`) travels in Kafka record headers between
 * processes, and in Temporal's headers through its interceptors (workers/run-worker.ts).
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RecordHeaders } from './streams/processor';

export interface Tracing {
  /** What Temporal's workflow span sink exports through. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/** Spans wait at most this long before they are sent: a trace is complete moments after its offer. */
const EXPORT_DELAY_MS = 500;

/** Starts tracing for this process as `serviceName` when `endpoint` is set; null (and nothing loaded) when not. */
export async function startTracing(endpoint: string | null, serviceName: string): Promise<Tracing | null> {
  if (!endpoint || active) return active;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), { scheduledDelayMillis: EXPORT_DELAY_MS });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global tracer, W3C propagator and AsyncLocalStorage context: Temporal's interceptors use them too.
  provider.register();
  active = { spanProcessor, resource, shutdown: () => provider.shutdown() };
  return active;
}

export const tracingOn = (): boolean => active !== null;

const tracer = () => trace.getTracer('clickstream');

const headerGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    const one = Array.isArray(value) ? value[0] : value;
    return one === undefined ? undefined : one.toString();
  },
};

/** The trace context of `ctx` (the active one by default) as record headers; undefined when off or outside a trace. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> | undefined {
  if (!active) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The trace context a record's headers carry; undefined when off, or when they carry none. */
export function contextOfHeaders(headers: RecordHeaders | undefined): Context | undefined {
  if (!active || !headers?.traceparent) return undefined;
  const ctx = propagation.extract(context.active(), headers, headerGetter);
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/** The trace context of an HTTP request's `traceparent` header; undefined when off or absent. */
export function contextOfRequest(headers: Headers): Context | undefined {
  if (!active) return undefined;
  const traceparent = headers.get('traceparent');
  return traceparent ? contextOfHeaders({ traceparent, tracestate: headers.get('tracestate') ?? undefined }) : undefined;
}

/** A span started as a child of `parent`, and the context it makes active. */
export function childSpan(name: string, parent: Context, kind: SpanKind, attributes: Attributes = {}): { span: Span; ctx: Context } {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Runs `fn` in a new span (child of the active one, or of `parent`), ending it with `fn`'s outcome. When off, just runs `fn`. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  fn: () => Promise<T>,
  { parent, attributes }: { parent?: Context; attributes?: Attributes } = {},
): Promise<T> {
  if (!active) return fn();
  const { span, ctx } = childSpan(name, parent ?? context.active(), kind, attributes);
  try {
    return await context.with(ctx, fn);
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export function failed(span: Span, err: unknown): void {
  span.recordException(err as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String((err as Error)?.message ?? err) });
}

/** The trace id of the active span, for a log line; undefined when off or outside a trace. */
export function activeTraceId(): string | undefined {
  if (!active) return undefined;
  return trace.getActiveSpan()?.spanContext().traceId;
}

export { SpanKind };
