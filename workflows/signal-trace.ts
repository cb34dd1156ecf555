/**
 * The trace context the latest signal came with. Temporal's OpenTelemetry workflow interceptors (in
 * the bundle when tracing is on) run each signal handler in its span; the workflow's main loop runs
 * outside it, so an activity it schedules for that signal's clicks would start a trace of its own.
 * Run in this context, the activity continues the click's trace. Without the interceptors the
 * context is always the empty one: nothing changes, and no command either (replays are unaffected).
 */
import { context, type Context } from '@opentelemetry/api';

export class LatestSignalTrace {
  private latest: Context = context.active();

  /** Called in a signal handler. */
  capture(): void {
    this.latest = context.active();
  }

  run<T>(fn: () => T): T {
    return context.with(this.latest, fn);
  }
}
