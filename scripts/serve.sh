#!/usr/bin/env bash
# README command 1: build the app and serve it with the COOP/COEP headers shared memory needs.
# Usage: scripts/serve.sh [PORT]   (default 8080; also PORT=… in the environment)
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
port=${1:-${PORT:-8080}}
[[ $port =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || { echo "usage: $0 [PORT]  (PORT is 1-65535, got '$port')" >&2; exit 2; }

scripts/dist.sh
ensure_node_modules
note "serving corescope at http://127.0.0.1:$port/  (Ctrl-C stops)"
exec node_modules/.bin/serve dist --listen "tcp://127.0.0.1:$port" --config "$ROOT/serve.json" --no-clipboard --no-port-switching
