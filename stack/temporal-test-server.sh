#!/usr/bin/env bash
# Temporal's time-skipping test server (Java), from its jars on Maven Central, for the workflow tests
# (tests/workflow, `make workflow`). The SDK would download a build of it when a test starts; nothing
# may download at run time here, so it is installed like Kafka and started by
# stack/temporal-test-server/launch.sh, which the tests hand to the SDK as an existing executable.
# usage: stack/temporal-test-server.sh install
source "$(dirname "$0")/lib.sh"
LIBS="$OPT/temporal-test-server/libs"
ARCHIVE="$OPT/temporal-test-server/classes.jsa"

install() {
  if ! ls "$LIBS"/temporal-test-server-*.jar "$LIBS"/slf4j-nop-*.jar >/dev/null 2>&1; then
    command -v java >/dev/null && command -v mvn >/dev/null || apt_install default-jre-headless maven
    say "fetching the Temporal test server jars from Maven Central (stack/temporal-test-server/pom.xml)"
    # Into a fresh folder, moved into place whole: an interrupted fetch leaves no half-installed server.
    rm -rf "$LIBS.partial" "$ARCHIVE"
    mvn -q -B -f stack/temporal-test-server/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS.partial"
    rm -rf "$LIBS"
    mv "$LIBS.partial" "$LIBS"
  fi
  [ -f "$ARCHIVE" ] || archive_classes
}

# Starts the server once and keeps the classes it loaded in a class-data archive, which the launcher
# uses: the SDK gives a test server 5 s to answer, and a JVM on a busy machine can take that long.
# Without the archive the server still starts, only slower.
archive_classes() {
  say "archiving the test server's classes for a faster start"
  local port pid log="$LOGS/temporal-test-server-archive.log"
  port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  rm -f "$ARCHIVE.partial"
  TEMPORAL_TEST_SERVER_ARCHIVE_TO="$ARCHIVE.partial" stack/temporal-test-server/launch.sh "$port" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 1 # it serves: the classes a test needs first are loaded
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -s "$ARCHIVE.partial" ]; then mv "$ARCHIVE.partial" "$ARCHIVE"; else say "no class archive (see $log); the server starts without one"; fi
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
