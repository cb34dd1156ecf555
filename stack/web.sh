#!/usr/bin/env bash
# The SvelteKit shop and dashboard (web/build, made by `make web`), on WEB_PORT, as a daemon.
# usage: stack/web.sh start|stop
source "$(dirname "$0")/lib.sh"

start() {
  [ -f web/build/index.js ] || { echo "web/build missing: run 'make web' (it builds first)" >&2; exit 1; }
  # The operator's token: API_TOKEN, or a random one kept in API_TOKEN_FILE (the server reads it there).
  [ -n "${API_TOKEN:-}" ] || ensure_secret "$API_TOKEN_FILE" >/dev/null
  # adapter-node reads PORT, HOST and ORIGIN (else it takes requests for https) and HEADERS_TIMEOUT;
  # `[ready]` is printed once the offers consumer has joined.
  PORT="$WEB_PORT" HOST=127.0.0.1 ORIGIN="http://127.0.0.1:$WEB_PORT" HEADERS_TIMEOUT="$WEB_HEADERS_TIMEOUT_S" SHUTDOWN_TIMEOUT=5 \
    start_worker web node web/build
}

case "${1:-}" in
  start) start ;;
  stop) stop_daemon web ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
