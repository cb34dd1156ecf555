#!/usr/bin/env bash
# Debian's Prometheus (it brings promtool, which `make unit` tests the alert rules with), scraping
# every process of the project: its config is generated from the topology and the processes'
# target files (scripts/prometheus-config.ts), its data lives in the run folder. Started again on a
# running one, it reloads the config it regenerated.
# usage: stack/prometheus.sh install|start|stop
source "$(dirname "$0")/lib.sh"
HOME_DIR="$RUN/prometheus"

# No recommends: the node exporter Debian suggests beside it is not used here.
install() { command -v prometheus >/dev/null && command -v promtool >/dev/null || apt_install --no-install-recommends prometheus; }

start() {
  install
  mkdir -p "$HOME_DIR/data"
  "$TSX" scripts/prometheus-config.ts >"$HOME_DIR/prometheus.yml.new"
  promtool check config --syntax-only "$HOME_DIR/prometheus.yml.new" >/dev/null
  mv "$HOME_DIR/prometheus.yml.new" "$HOME_DIR/prometheus.yml"
  local pid
  if pid=$(pid_of prometheus); then
    say "prometheus already running (pid $pid): reloading its config"
    kill -HUP "$pid"
    return
  fi
  start_daemon prometheus 60 prometheus --config.file="$HOME_DIR/prometheus.yml" --storage.tsdb.path="$HOME_DIR/data" \
    --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon prometheus ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
