#!/bin/sh
# Starts Temporal's time-skipping test server from the jars stack/temporal-test-server.sh installed,
# with the one argument io.temporal.testserver.TestServer takes, `<port>` (time skipping is then the
# client's to lock and unlock). The workflow tests start it (tests/workflow/support.ts) and wait
# until it answers. It execs java, so their kill at teardown stops the server itself. Plain sh, no
# tsx, and a quick JVM. The folder as stack/lib.sh finds it.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case "${TOOLS_DIR:-.tools}" in
  /*) OPT=${TOOLS_DIR} ;;
  *) OPT="$ROOT/${TOOLS_DIR:-.tools}" ;;
esac
LIBS="$OPT/temporal-test-server/libs"
# The class-data archive install made of a started server halves the JVM's start; install itself
# asks for it to be written (TEMPORAL_TEST_SERVER_ARCHIVE_TO) when the server exits.
ARCHIVE="$OPT/temporal-test-server/classes.jsa"
if [ -n "${TEMPORAL_TEST_SERVER_ARCHIVE_TO:-}" ]; then
  CDS="-XX:ArchiveClassesAtExit=$TEMPORAL_TEST_SERVER_ARCHIVE_TO"
elif [ -f "$ARCHIVE" ]; then
  CDS="-XX:SharedArchiveFile=$ARCHIVE"
else
  CDS="-Xshare:auto"
fi
if ! ls "$LIBS"/temporal-test-server-*.jar >/dev/null 2>&1; then
  echo "temporal test server not installed in $LIBS: run 'stack/temporal-test-server.sh install' (or 'make workflow')" >&2
  exit 1
fi
# The tests kill the server when their file is done; a test process that dies first
# would leave it running: a watchdog stops the server (this shell's pid, once exec'd) when the
# process that started it is gone.
parent=$PPID
(
  while kill -0 "$parent" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done
  kill $$ 2>/dev/null
) </dev/null >/dev/null 2>&1 &
# A small heap and the client compiler: the tests' server holds a few hundred short workflows.
exec java "$CDS" -Xlog:cds=off -Xlog:cds+dynamic=off -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$LIBS/*" io.temporal.testserver.TestServer "$@"
