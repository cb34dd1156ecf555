#!/usr/bin/env bash
# Applies patches/*.patch to node_modules after an install (idempotent: an applied patch is skipped).
# kafkajs+2.2.4.patch: a transactional send to several brokers retried one broker's failure while
# another's request was in flight, writing committed duplicates on a replicated cluster
# (tests/chaos/kafka-cluster.test.ts); kafkajs is unmaintained, so the fix lives here.
# kafkajs+2.2.4+group-messages.patch: a send grouped its messages per partition by copying the
# group's array once per message, quadratic in the send's size; it now appends.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in patches/*.patch; do
  if patch -p1 --dry-run --reverse --force --silent <"$p" >/dev/null 2>&1; then continue; fi
  echo "[install] applying $p"
  patch -p1 --forward --silent <"$p"
done
