# Shared by the stack scripts: config from the TypeScript config module, paths, and daemons.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TSX="$ROOT/node_modules/.bin/tsx"
[ -x "$TSX" ] || { echo "node_modules missing: run 'make install' first" >&2; exit 1; }
eval "$("$TSX" scripts/config.ts --shell)"
RUN=$(realpath -m "$RUN_DIR")
LOGS="$RUN/logs"
PIDS="$RUN/pids"
OPT=$(realpath -m "$TOOLS_DIR")
mkdir -p "$LOGS" "$PIDS" "$OPT/bin"

say() { printf '[stack] %s\n' "$*"; }

pid_of() { # prints the pid of a daemon this project started, if it still runs
  local f="$PIDS/$1.pid"
  [ -f "$f" ] || return 1
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then echo "$pid"; else rm -f "$f"; return 1; fi
}

answers() { "$TSX" scripts/wait-for.ts "$1" --log "$LOGS/$1.log" --timeout 0 >/dev/null 2>&1; }

# start_daemon NAME TIMEOUT CMD...: reuse what already answers, else start CMD and wait until it answers.
start_daemon() {
  local name=$1 timeout=$2; shift 2
  local pid
  if pid=$(pid_of "$name"); then
    say "$name already running (pid $pid)"
    "$TSX" scripts/wait-for.ts "$name" --log "$LOGS/$name.log" --pid "$pid" --timeout "$timeout"
    return
  fi
  if answers "$name"; then
    say "$name already answers (started elsewhere); reusing it"
    return
  fi
  say "starting $name (log: $LOGS/$name.log)"
  setsid nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  "$TSX" scripts/wait-for.ts "$name" --log "$LOGS/$name.log" --pid $! --timeout "$timeout"
}

stop_daemon() {
  local name=$1 pid
  if ! pid=$(pid_of "$name"); then say "$name not running (by this project)"; return; fi
  say "stopping $name (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then say "$name did not stop in 30 s; killing it"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -f "$PIDS/$name.pid"
}

# start_worker NAME CMD...: reuse a running process of the project (a worker, the web server),
# else start it and wait for its `[ready]` line.
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
    if tail -n +"$((mark + 1))" "$log" | grep -qE '^\[ready\]|"msg":"\[ready\]'; then return; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited while starting; see its log: $log" >&2; tail -n 15 "$log" >&2; rm -f "$PIDS/$name.pid"; exit 1
    fi
    sleep 0.5
  done
  echo "$name did not get ready within 60 s; see its log: $log" >&2; tail -n 15 "$log" >&2; exit 1
}

APT_UPDATED=
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "need root to install $* (apt-get); install them and retry" >&2; exit 1; }
  [ -n "$APT_UPDATED" ] || { say "apt-get update"; apt-get update -qq; APT_UPDATED=1; }
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_secret FILE: prints the secret kept in FILE, making a random one (mode 600) the first time.
ensure_secret() {
  local file=$1
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077; node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("base64url"))' >"$file")
  fi
  cat "$file"
}
