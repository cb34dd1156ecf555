#!/usr/bin/env bash
# The project's own worker processes: the orchestrator (workflows, ingestion, replay) and one
# stream worker per consumer kind. WORKERS_PER_KIND starts more of each kind.
# usage: stack/workers.sh start|stop
source "$(dirname "$0")/lib.sh"
KINDS=(enrichment aggregation detection)
# A bounded heap: V8 otherwise lets an allocation-heavy consumer grow far past its working set.
export NODE_OPTIONS="--max-old-space-size=$WORKER_HEAP_MB${NODE_OPTIONS:+ $NODE_OPTIONS}"

# The workers run from the JavaScript workers/build-workers.ts bundles (`make workers` rebuilds it
# when a source changed), with plain node: through tsx each cost ~35 MB more, plus a launcher process.
BUILD=.build

start() {
  # Built here, once per version of the workflow code, rather than by webpack inside the orchestrator;
  # with tracing on, the variant with Temporal's OpenTelemetry workflow interceptors.
  say "workflow bundle: $("$TSX" workers/workflow-bundle.ts ${OTEL_EXPORTER_OTLP_ENDPOINT:+--traced})"
  [ -f "$BUILD/orchestrator.js" ] && [ -f "$BUILD/stream-worker.js" ] || say "$("$TSX" workers/build-workers.ts)"
  start_worker worker-orchestrator node "$BUILD/orchestrator.js"
  for kind in "${KINDS[@]}"; do
    for i in $(seq 1 "$WORKERS_PER_KIND"); do
      WORKER_NAME="$kind-$i" start_worker "worker-$kind-$i" node "$BUILD/stream-worker.js" "$kind"
    done
  done
}

stop() {
  for f in "$PIDS"/worker-*.pid; do
    [ -e "$f" ] || continue
    stop_daemon "$(basename "$f" .pid)"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
