/**
 * The traces of a batch's records: a span of the stage for each record that carries a trace
 * context, child of it, made when the processor first asks (`ctx.traceOf`) and ended when the
 * batch commits or fails. A record without one costs a property check.
 */
import { context } from '@opentelemetry/api';
import { childSpan, contextOfHeaders, failed, SpanKind, traceHeaders } from '../tracing';
import type { RecordTrace, StageRecord } from './processor';

export class RecordTraces {
  private readonly traces = new Map<string, { trace: RecordTrace; end: (err?: unknown) => void } | null>();

  constructor(
    private readonly stage: string,
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  of(record: StageRecord): RecordTrace | undefined {
    if (!record.headers?.traceparent) return undefined;
    let known = this.traces.get(record.offset);
    if (known === undefined) {
      const parent = contextOfHeaders(record.headers);
      known = parent ? this.start(record, parent) : null;
      this.traces.set(record.offset, known);
    }
    return known?.trace;
  }

  private start(record: StageRecord, parent: NonNullable<ReturnType<typeof contextOfHeaders>>) {
    const { span, ctx } = childSpan(`${this.stage} process`, parent, SpanKind.CONSUMER, {
      'messaging.system': 'kafka',
      'messaging.destination.name': this.topic,
      'messaging.kafka.destination.partition': this.partition,
      'messaging.kafka.message.offset': Number(record.offset),
    });
    const trace: RecordTrace = { headers: traceHeaders(ctx) ?? {}, run: (fn) => context.with(ctx, fn) };
    return {
      trace,
      end: (err?: unknown) => {
        if (err !== undefined) failed(span, err);
        span.end();
      },
    };
  }

  /** Ends every span of the batch: committed, or failed with `err`. */
  end(err?: unknown): void {
    for (const known of this.traces.values()) known?.end(err);
    this.traces.clear();
  }
}
