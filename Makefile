# clickstream: `make up` starts everything, `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
TSX := node_modules/.bin/tsx

# Every recipe runs on Node.js 24: stack/node.sh installs it in $(TOOLS_DIR)/node when the machine's
# node is older (else that folder stays empty and the machine's node is used). First on PATH, it is
# the node of npm, npx, tsx, vite, vitest, the stack scripts and every process they start.
export PATH := $(abspath $(or $(TOOLS_DIR),.tools))/node/bin:$(PATH)

.PHONY: help node install stack data workers ingest pipeline replay web prometheus up down status test check unit workflow integration e2e chaos bench

help:
	@echo "make up      install what is missing, start the stack, generate data, print the URLs"
	@echo "make test    install what is missing, start what tests need, run every test"
	@echo "make status  one JSON object: each service up or down"
	@echo "make ingest  load products and visitors into Redis again"
	@echo "make down    stop everything make up started"

node:
	@stack/node.sh install

# npm 11 runs a dependency's install script only as package.json's allowScripts says: classic-level's
# (node-gyp-build: keeps its prebuilt binary when it loads, else compiles); the others are not needed.
# patches/ holds fixes to installed packages (stack/patch-packages.sh says why each).
node_modules/.package-lock.json: package.json package-lock.json $(wildcard patches/*.patch) | node
	@echo "[install] npm ci"
	@npm ci --no-audit --no-fund --loglevel=error
	@stack/patch-packages.sh
	@touch $@

install: node_modules/.package-lock.json
	@stack/redis.sh install
	@stack/kafka.sh install
	@stack/temporal.sh install
	@stack/prometheus.sh install

stack: install
	@stack/redis.sh start
	@stack/kafka.sh start
	@stack/temporal.sh start

data: node_modules/.package-lock.json
	@$(TSX) scripts/generate-data.ts --if-missing

# The workers run from JavaScript bundled by esbuild (workers/build-workers.ts), rebuilt when a source changed.
WORKER_SOURCES := $(shell find workers lib clients activities workflows -name '*.ts' 2>/dev/null)
.build/orchestrator.js: node_modules/.package-lock.json $(WORKER_SOURCES)
	@$(TSX) workers/build-workers.ts
	@touch $@

workers: stack .build/orchestrator.js
	@stack/workers.sh start

# Loads products and visitors into Redis; run it again any time (idempotent).
ingest: workers data
	@$(TSX) scripts/ingest.ts

pipeline: workers
	@$(TSX) scripts/start-pipeline.ts

replay: pipeline ingest
	@$(TSX) scripts/replay.ts start

# The web app is rebuilt only when its sources, or the lib/ and clients/ it bundles, changed.
WEB_SOURCES := $(shell find web/src lib clients -type f 2>/dev/null) web/svelte.config.js web/vite.config.ts web/package.json
web/build/index.js: node_modules/.package-lock.json $(WEB_SOURCES)
	@echo "[web] vite build"
	@cd web && ../node_modules/.bin/vite build --logLevel warn
	@touch $@

web: workers web/build/index.js
	@stack/web.sh start

# Scrapes every process that registers in METRICS_TARGETS_DIR, started before or after it.
prometheus: install
	@stack/prometheus.sh start

up: replay web prometheus
	@$(TSX) scripts/urls.ts

down:
	@stack/prometheus.sh stop
	@stack/web.sh stop
	@stack/workers.sh stop
	@stack/temporal.sh stop
	@stack/kafka.sh stop
	@stack/redis.sh stop

status: node_modules/.package-lock.json
	@$(TSX) scripts/status.ts

check: node_modules/.package-lock.json
	@echo "[check] format (prettier; \`npx prettier --write .\` fixes it)"
	@npx prettier --check --log-level warn .
	@echo "[check] type-check"
	@npx tsc -p tsconfig.json --noEmit
	@echo "[check] lint"
	@npx eslint .
	@echo "[check] web (svelte-check)"
	@cd web && ../node_modules/.bin/svelte-kit sync && ../node_modules/.bin/svelte-check --tsconfig ./tsconfig.json --fail-on-warnings

# The web app's generated tsconfig: unit tests import web/src/lib/server modules, which vite compiles with it.
web/.svelte-kit/tsconfig.json: node_modules/.package-lock.json web/svelte.config.js
	@cd web && ../node_modules/.bin/svelte-kit sync

# The alert rules are tested with promtool, from Debian's prometheus.
unit: node_modules/.package-lock.json web/.svelte-kit/tsconfig.json
	@stack/prometheus.sh install
	@npx vitest run --project unit

# Workflows on Temporal's time-skipping test server (Java, from Maven Central), activities mocked.
workflow: node_modules/.package-lock.json
	@stack/temporal-test-server.sh install
	@npx vitest run --project workflow

# The tracing test runs the built web app beside the workers.
integration: stack data web/build/index.js
	@npx vitest run --project integration

# Browser tests: the whole system in real headless Chromium, against the built web app.
e2e: stack data web/build/index.js
	@[ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "[e2e] apt-get install chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@npx vitest run --project e2e

# Throughput and latency on the real local stack; the last line printed is the results as JSON
# (also in bench/results/latest.json). Takes about 15 minutes.
bench: stack data
	@$(TSX) bench/run.ts

# Fault injection and hostile input: workers killed, servers restarted, bad records, bad requests, load.
chaos: stack data web/build/index.js
	@npx vitest run --project chaos

test: check unit workflow integration e2e chaos
