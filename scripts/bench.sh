#!/usr/bin/env bash
# README command 4: the bench. Builds dist/ (its modules already through wasm-opt), builds the
# native twin, then runs every
# workload × engine × worker count in headless Chromium beside native rayon, and the
# micro-benchmarks. Writes bench/results.json and prints markdown tables.
# Usage: scripts/bench.sh [--quick] [--firefox]
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

for arg in "$@"; do
  case $arg in
    --quick) ;;
    --firefox) ensure_cargo_tool geckodriver 0.37.1 ;;
    *) echo "usage: $0 [--quick] [--firefox]" >&2; exit 2 ;;
  esac
done
ensure_browsers
ensure_node_modules
scripts/dist.sh
rm -rf target/bench-site
cp -r dist target/bench-site
note "building the native twin"
cargo build --profile native --bin bench-native
note "running the bench"
exec node bench/run.mjs --site target/bench-site "$@"
