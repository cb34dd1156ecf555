#!/usr/bin/env bash
# The Temporal dev server from the temporal CLI, built with `go install`; history in a SQLite file
# in the run folder, so workflows survive a restart. The file in write-ahead-log mode, synced at
# checkpoints rather than at each commit: signal-with-start on a private server went from 41/s to
# 99-140/s (an in-memory server: 154/s); a crashed server loses nothing committed, a crashed
# machine at most the last moments. Fewer task queue partitions (matching.numTaskqueue*Partitions=1)
# halved it: the defaults stay.
# usage: stack/temporal.sh install|start|stop
source "$(dirname "$0")/lib.sh"
# Later tags carry a `replace` directive that `go install` refuses.
TEMPORAL_CLI_VERSION=v1.5.1
BIN="$OPT/bin/temporal"
# docker-compose.yml's temporal service passes the same.
SQLITE_PRAGMAS=(--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)

install() {
  if [ -x "$BIN" ]; then return; fi
  command -v go >/dev/null || apt_install golang-go
  say "building the temporal CLI $TEMPORAL_CLI_VERSION with go install (several minutes the first time)"
  GOBIN="$OPT/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
}

# The visitor workflows keep their offer state in this Keyword search attribute (lib/config.ts);
# `none`: no funnel, nothing to register.
SEARCH_ATTRIBUTES=()
[ "${OFFER_STATE_SEARCH_ATTRIBUTE:-none}" != none ] && SEARCH_ATTRIBUTES=(--search-attribute "$OFFER_STATE_SEARCH_ATTRIBUTE=Keyword")
# Each CLI call bounded, so a server that accepts connections but does not answer cannot hang a start.
CLI_TARGET=(--address "127.0.0.1:$TEMPORAL_PORT" --namespace "$TEMPORAL_NAMESPACE" --command-timeout 10s)

start() {
  install
  mkdir -p "$RUN/temporal"
  start_daemon temporal 90 "$BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
    --ui-port "$TEMPORAL_UI_PORT" --metrics-port "$TEMPORAL_METRICS_PORT" --db-filename "$RUN/temporal/temporal.db" --namespace "$TEMPORAL_NAMESPACE" \
    --log-level warn "${SQLITE_PRAGMAS[@]}" "${SEARCH_ATTRIBUTES[@]}"
  ensure_offer_state_attribute
}

# A server this script did not start (or one it reuses) may lack the attribute: a visitor
# workflow's upsert would then fail its task. Register it, and wait until queries take it, as
# visibility learns of a new attribute a moment after it is created.
ensure_offer_state_attribute() {
  local name=${OFFER_STATE_SEARCH_ATTRIBUTE:-} type
  [ -n "$name" ] && [ "$name" != none ] || return 0
  type=$("$BIN" operator search-attribute list "${CLI_TARGET[@]}" | awk -v name="$name" '$1 == name { print $2 }')
  case "$type" in
    Keyword) ;;
    '')
      say "registering the search attribute $name (Keyword)"
      "$BIN" operator search-attribute create "${CLI_TARGET[@]}" --name "$name" --type Keyword >/dev/null
      ;;
    *)
      echo "the search attribute $name exists as $type, but the visitor workflows keep their state in a Keyword: set OFFER_STATE_SEARCH_ATTRIBUTE to another name" >&2
      return 1
      ;;
  esac
  local deadline=$((SECONDS + 30))
  until "$BIN" workflow count "${CLI_TARGET[@]}" --query "$name = 'x'" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "Temporal still refuses queries on the search attribute $name after 30 s" >&2
      return 1
    fi
    sleep 0.5
  done
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon temporal ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
