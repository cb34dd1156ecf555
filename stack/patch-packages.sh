#!/usr/bin/env bash
# Applies patches/*.patch to node_modules after an install (idempotent: an applied patch is skipped).
# kafkajs+2.2.4.patch: a transactional send to several brokers retried one broker's failure while
# another's request was in flight, writing committed duplicates on a replicated cluster
# (tests/chaos/kafka-cluster.test.ts); kafkajs is unmaintained, so the fix lives here.
# kafkajs+2.2.4+group-messages.patch: a send grouped its messages per partition by copying the
# group's array once per message, quadratic in the send's size; it now appends.
# kafkajs+2.2.4+negative-timeout.patch: with nothing pending the request queue set a timer of a
# negative delay, which Node.js 24 runs after 1 ms as older versions did, but warns about
# (TimeoutNegativeWarning) in every process's log; it now asks for 0.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in patches/*.patch; do
  if patch -p1 --dry-run --reverse --force --silent <"$p" >/dev/null 2>&1; then continue; fi
  echo "[install] applying $p"
  patch -p1 --forward --silent <"$p"
done
