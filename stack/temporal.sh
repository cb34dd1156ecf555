#!/usr/bin/env bash
# The Temporal dev server from the temporal CLI, built with `go install`; history in a SQLite file
# in the run folder, so workflows survive a restart.
# usage: stack/temporal.sh install|start|stop
source "$(dirname "$0")/lib.sh"
# Later tags carry a `replace` directive that `go install` refuses.
TEMPORAL_CLI_VERSION=v1.5.1
BIN="$OPT/bin/temporal"

install() {
  if [ -x "$BIN" ]; then return; fi
  command -v go >/dev/null || apt_install golang-go
  say "building the temporal CLI $TEMPORAL_CLI_VERSION with go install (several minutes the first time)"
  GOBIN="$OPT/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
}

start() {
  install
  mkdir -p "$RUN/temporal"
  start_daemon temporal 90 "$BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
    --ui-port "$TEMPORAL_UI_PORT" --db-filename "$RUN/temporal/temporal.db" --namespace "$TEMPORAL_NAMESPACE" \
    --log-level warn
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon temporal ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
