import { hostname } from 'node:os';
import { Runtime, Worker, DefaultLogger, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { serveMetrics, type MetricsEndpoint } from '../clients/metrics';
import { connectWorkerTemporal } from '../clients/temporal';
import { activeTraceId, startTracing, type Tracing } from '../clients/tracing';
import type { Config } from '../lib/config';
import { logLine, READY_MARK } from '../lib/log-line';
import { workerIdentity } from '../lib/worker-liveness';

/** One Temporal Worker of a process: what it polls and hosts, and the name it shows in `make status`. */
export interface WorkerSpec {
  name: string;
  options: Omit<WorkerOptions, 'connection' | 'namespace' | 'identity' | 'workflowBundle'>;
}

/** What a worker process exports: its metrics endpoint, and its tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
export interface Observed {
  metrics: MetricsEndpoint;
  tracing: Tracing | null;
}

/** A log line of this process (JSON, with the active trace id), for what Temporal's logger does not carry. */
export function log(level: LogLevel, message: string, meta: Record<string, unknown> = {}): void {
  const traceId = activeTraceId();
  console.log(logLine(level, message, traceId ? { ...meta, trace_id: traceId } : meta, new Date()));
}

/**
 * Starts what a worker process exports, before it makes its Temporal clients (their tracing
 * interceptor needs tracing on): `/metrics` as `job` (orchestrator or the stage's kind); the
 * Temporal Runtime, with JSON log lines and the SDK's own metrics on a port beside it; and tracing.
 */
export async function observe(config: Config, job: string): Promise<Observed> {
  const metrics = await serveMetrics(config.observability.metrics, job, config.workerName, {
    bindTemporalSdk: (bindAddress) =>
      Runtime.install({
        logger: new DefaultLogger(config.logLevel, ({ level, message, meta }) => console.log(logLine(level, message, meta, new Date()))),
        telemetryOptions: { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } },
      }),
  });
  const tracing = await startTracing(config.observability.otlpEndpoint, `clickstream-${job}`);
  return { metrics, tracing };
}

/** How long a stopped process may take to end by itself before it exits. */
const EXIT_AFTER_STOP_MS = 2_000;

/**
 * Runs a process's Temporal Workers, on one connection, until SIGTERM/SIGINT, then lets them cancel
 * their activities (consumers commit, flush and close) before the process exits. Logs `[ready]`
 * once every one polls, which the stack scripts wait for. When one Worker fails, the others stop
 * too: the process never lives on half working. Logs are JSON lines; Temporal's SDK metrics are
 * served where `observed` reserved them, and with tracing on, workflows and activities join the
 * traces their callers started (the workflow bundle then has the OpenTelemetry interceptors).
 */
export async function runWorkers(
  config: Config,
  name: string,
  specs: WorkerSpec[],
  { observed, workflowBundle, cleanup = async () => {} }: { observed: Observed; workflowBundle?: { codePath: string }; cleanup?: () => Promise<void> },
): Promise<void> {
  const { metrics, tracing } = observed;
  const traced = tracing ? await tracedWorkerOptions(tracing) : {};
  const connection = await connectWorkerTemporal(config.temporal);
  const workers = await Promise.all(
    specs.map((spec) =>
      Worker.create({
        connection,
        namespace: config.temporal.namespace,
        identity: workerIdentity(spec.name, process.pid, hostname()),
        // Running activities are cancelled at once on shutdown; they get this long to close cleanly.
        shutdownGraceTime: '1 second',
        shutdownForceTime: '30 seconds',
        ...(workflowBundle && { workflowBundle }),
        ...spec.options,
        ...traced,
      }),
    ),
  );
  log('INFO', `${READY_MARK} ${name} polls task queue ${specs.map((s) => s.options.taskQueue).join(', ')} (pid ${process.pid})`, {
    metrics: metrics.address,
    temporalSdkMetrics: metrics.temporalSdkAddress,
  });
  try {
    const outcomes = await Promise.allSettled(
      workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          for (const other of workers) if (other !== worker && other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      ),
    );
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await cleanup();
    await connection.close();
    await tracing?.shutdown();
    await metrics.close();
    log('INFO', `[stopped] ${name}`);
    // A consumer the watchdog gave up on (or a stop step that ran out of time) can leave kafkajs'
    // sockets and retry timers behind, which would keep the process alive after its stop.
    setTimeout(() => {
      log('WARN', `${name}: handles still open ${EXIT_AFTER_STOP_MS} ms after the stop; exiting`);
      process.exit();
    }, EXIT_AFTER_STOP_MS).unref();
  }
}

/** Temporal's OpenTelemetry interceptors: activities continue their caller's trace, and workflow spans leave the sandbox through a sink. */
async function tracedWorkerOptions({ spanProcessor, resource }: Tracing): Promise<Pick<WorkerOptions, 'interceptors' | 'sinks'>> {
  const { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } =
    await import('@temporalio/interceptors-opentelemetry');
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
  };
}
