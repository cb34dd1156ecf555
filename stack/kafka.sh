#!/usr/bin/env bash
# Apache Kafka, single-node KRaft, from its jars on Maven Central, run with the machine's Java.
# usage: stack/kafka.sh install|start|stop
source "$(dirname "$0")/lib.sh"
LIBS="$OPT/kafka/libs"
HOME_DIR="$RUN/kafka"

install() {
  if ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1; then return; fi
  command -v java >/dev/null && command -v mvn >/dev/null || apt_install default-jre-headless maven
  say "fetching the Kafka broker jars from Maven Central (stack/kafka/pom.xml)"
  mvn -q -B -f stack/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS"
}

start() {
  install
  mkdir -p "$HOME_DIR/data"
  KAFKA_DATA="$HOME_DIR/data" perl -pe 's/\$\{(\w+)\}/$ENV{$1}/g' stack/kafka/server.properties.template >"$HOME_DIR/server.properties"
  if [ ! -f "$HOME_DIR/data/meta.properties" ]; then
    say "formatting Kafka storage in $HOME_DIR/data"
    local id; id=$(java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null)
    java -cp "$LIBS/*" -Dlog4j2.configurationFile="$ROOT/stack/kafka/log4j2.properties" \
      kafka.tools.StorageTool format -t "$id" -c "$HOME_DIR/server.properties" >>"$LOGS/kafka.log" 2>&1
  fi
  start_daemon kafka 120 java -Xmx"$KAFKA_HEAP" -Xms128m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j2.configurationFile="$ROOT/stack/kafka/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$HOME_DIR/server.properties"
  "$TSX" scripts/create-topics.ts
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_daemon kafka ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
