#!/usr/bin/env bash
# The project's own worker processes: the orchestrator (workflows, ingestion, replay) and one
# stream worker per consumer kind. WORKERS_PER_KIND starts more of each kind.
# usage: stack/workers.sh start|stop
source "$(dirname "$0")/lib.sh"
KINDS=(enrichment aggregation detection)

# start_worker NAME CMD...: reuse a running one, else start it and wait for its `[ready]` line.
start_worker() {
  local name=$1; shift
  local log="$LOGS/$name.log" pid
  if pid=$(pid_of "$name"); then say "$name already running (pid $pid)"; return; fi
  say "starting $name (log: $log)"
  local mark=0; [ -f "$log" ] && mark=$(wc -l <"$log")
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDS/$name.pid"
  for _ in $(seq 1 120); do
    if tail -n +"$((mark + 1))" "$log" | grep -q '^\[ready\]'; then return; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited while starting; see its log: $log" >&2; tail -n 15 "$log" >&2; rm -f "$PIDS/$name.pid"; exit 1
    fi
    sleep 0.5
  done
  echo "$name did not get ready within 60 s; see its log: $log" >&2; tail -n 15 "$log" >&2; exit 1
}

start() {
  start_worker worker-orchestrator "$TSX" workers/orchestrator.ts
  for kind in "${KINDS[@]}"; do
    for i in $(seq 1 "$WORKERS_PER_KIND"); do
      WORKER_NAME="$kind-$i" start_worker "worker-$kind-$i" "$TSX" workers/stream-worker.ts "$kind"
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
