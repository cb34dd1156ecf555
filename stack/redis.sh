#!/usr/bin/env bash
# Debian's redis-server, keeping nothing on disk: the pipeline reloads what it needs.
# usage: stack/redis.sh install|start|stop
source "$(dirname "$0")/lib.sh"

install() { command -v redis-server >/dev/null || apt_install redis-server; }

start() {
  install
  mkdir -p "$RUN/redis"
  start_daemon redis 30 redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$RUN/redis" --daemonize no --protected-mode yes
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon redis ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
