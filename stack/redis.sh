#!/usr/bin/env bash
# Debian's redis-server, keeping nothing on disk: the pipeline reloads what it needs. It requires
# REDIS_PASSWORD, or a random password kept in REDIS_PASSWORD_FILE (which the clients then read).
# usage: stack/redis.sh install|start|stop
source "$(dirname "$0")/lib.sh"

install() { command -v redis-server >/dev/null || apt_install redis-server; }

# The password goes in a config file (mode 600), not on the command line where `ps` shows it.
start() {
  install
  mkdir -p "$RUN/redis"
  local password="${REDIS_PASSWORD:-}"
  [ -n "$password" ] || password=$(ensure_secret "$REDIS_PASSWORD_FILE")
  (umask 077; printf 'requirepass "%s"\n' "$password" >"$RUN/redis/redis.conf")
  start_daemon redis 30 redis-server "$RUN/redis/redis.conf" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$RUN/redis" --daemonize no --protected-mode yes
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon redis ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
