#!/usr/bin/env bash
# Builds the release app into dist/: the threaded wasm module, its glue, the page and its assets.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

ensure_rust_wasm
ensure_wasm_bindgen
source scripts/wasm-env.sh

note "building the release wasm module"
cargo build --release --target wasm32-unknown-unknown --lib

rm -rf dist
mkdir -p dist
wasm-bindgen --target web --no-typescript --out-dir dist/pkg target/wasm32-unknown-unknown/release/corescope.wasm
# A module whose memory is not shared would load and then fail only when the first worker starts:
# refuse to ship it. (It happens when the link arguments in .cargo/config.toml are lost.)
if ! grep -q 'shared: *true' dist/pkg/corescope.js; then
  echo "error: the built module's memory is not shared (no 'shared: true' in dist/pkg/corescope.js)." >&2
  echo "       Check the wasm32 rustflags in .cargo/config.toml and CARGO_UNSTABLE_BUILD_STD in scripts/wasm-env.sh." >&2
  exit 1
fi
cp index.html www/* dist/
note "built dist/ ($(du -sh dist | cut -f1)); wasm $(du -h dist/pkg/corescope_bg.wasm | cut -f1)"
