#!/usr/bin/env bash
# Apache Kafka as users run it: a three-node KRaft cluster (each node broker and controller), from
# the same jars as stack/kafka.sh. Node n listens on KAFKA_PORT + 2(n-1) and its controller on
# KAFKA_CONTROLLER_PORT + 2(n-1), each with a KAFKA_HEAP heap; topics get replication factor 3 and
# min.insync.replicas 2 unless KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS say otherwise.
# usage: stack/kafka-cluster.sh install|start|stop|brokers|kill N
#   brokers: prints the bootstrap list for KAFKA_BROKERS;  kill N: SIGKILLs node N (a crash); start brings it back.
GIVEN_REPLICATION_FACTOR=${KAFKA_REPLICATION_FACTOR:-}
GIVEN_MIN_INSYNC_REPLICAS=${KAFKA_MIN_INSYNC_REPLICAS:-}
source "$(dirname "$0")/lib.sh"
LIBS="$OPT/kafka/libs"
HOME_DIR="$RUN/kafka-cluster"
NODES=(1 2 3)

port_of() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
controller_port_of() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }

for n in "${NODES[@]}"; do
  for m in "${NODES[@]}"; do
    if [ "$(port_of "$n")" = "$(controller_port_of "$m")" ]; then
      echo "KAFKA_PORT=$KAFKA_PORT and KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT give node $n's broker and node $m's controller the same port" >&2
      exit 2
    fi
  done
done

brokers() {
  local n list=()
  for n in "${NODES[@]}"; do list+=("127.0.0.1:$(port_of "$n")"); done
  (IFS=,; echo "${list[*]}")
}

# configure N VOTERS CLUSTER_ID: writes node N's server.properties and formats its storage once.
configure() {
  local n=$1 dir="$HOME_DIR/node-$1"
  mkdir -p "$dir/data"
  NODE_ID=$n NODE_PORT=$(port_of "$n") NODE_CONTROLLER_PORT=$(controller_port_of "$n") QUORUM_VOTERS=$2 KAFKA_DATA="$dir/data" \
    perl -pe 's/\$\{(\w+)\}/$ENV{$1}/g' stack/kafka/cluster.properties.template >"$dir/server.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    say "formatting Kafka storage of node $n in $dir/data"
    java -cp "$LIBS/*" -Dlog4j2.configurationFile="$ROOT/stack/kafka/log4j2.properties" \
      kafka.tools.StorageTool format -t "$3" -c "$dir/server.properties" >>"$LOGS/kafka-$n.log" 2>&1
  fi
}

# A node waits for a quorum of controllers before it answers: every node is launched, then awaited.
start() {
  "$ROOT/stack/kafka.sh" install
  mkdir -p "$HOME_DIR"
  [ -s "$HOME_DIR/cluster-id" ] || java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null >"$HOME_DIR/cluster-id"
  local n voters=() waits=() pid
  for n in "${NODES[@]}"; do voters+=("$n@127.0.0.1:$(controller_port_of "$n")"); done
  for n in "${NODES[@]}"; do
    local address="127.0.0.1:$(port_of "$n")"
    if pid=$(pid_of "kafka-$n"); then
      say "kafka-$n already running (pid $pid)"
    elif KAFKA_BROKERS=$address answers kafka; then
      say "kafka-$n already answers at $address (started elsewhere); reusing it"
      continue
    else
      configure "$n" "$(IFS=,; echo "${voters[*]}")" "$(cat "$HOME_DIR/cluster-id")"
      say "starting kafka-$n at $address (log: $LOGS/kafka-$n.log)"
      setsid nohup java -Xmx"$KAFKA_HEAP" -Xms64m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Dlog4j2.configurationFile="$ROOT/stack/kafka/log4j2.properties" \
        -cp "$LIBS/*" kafka.Kafka "$HOME_DIR/node-$n/server.properties" >>"$LOGS/kafka-$n.log" 2>&1 </dev/null &
      pid=$!
      echo "$pid" >"$PIDS/kafka-$n.pid"
    fi
    KAFKA_BROKERS=$address "$TSX" scripts/wait-for.ts kafka --log "$LOGS/kafka-$n.log" --pid "$pid" --timeout 120 &
    waits+=($!)
  done
  for pid in "${waits[@]}"; do wait "$pid"; done
  KAFKA_BROKERS=$(brokers) KAFKA_REPLICATION_FACTOR=${GIVEN_REPLICATION_FACTOR:-3} KAFKA_MIN_INSYNC_REPLICAS=${GIVEN_MIN_INSYNC_REPLICAS:-2} \
    "$TSX" scripts/create-topics.ts
}

# Every node at once: one stopped alone would wait on a controller quorum the others no longer make.
stop() {
  local n
  for n in "${NODES[@]}"; do stop_daemon "kafka-$n" & done
  wait
}

kill_node() {
  local n=${1:-} pid
  [[ " ${NODES[*]} " == *" $n "* ]] || { echo "usage: $0 kill <${NODES[*]}>" >&2; exit 2; }
  pid=$(pid_of "kafka-$n") || { echo "kafka-$n is not running (by this project)" >&2; exit 1; }
  say "SIGKILL of kafka-$n (pid $pid)"
  kill -KILL -- "-$pid"
  # Gone, or a zombie nobody reaped yet: either way its ports are free.
  while kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]; do sleep 0.1; done
  rm -f "$PIDS/kafka-$n.pid"
}

case "${1:-}" in
  install) "$ROOT/stack/kafka.sh" install ;;
  start) start ;;
  stop) stop ;;
  brokers) brokers ;;
  kill) kill_node "${2:-}" ;;
  *) echo "usage: $0 install|start|stop|brokers|kill N" >&2; exit 2 ;;
esac
