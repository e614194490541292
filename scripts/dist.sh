#!/usr/bin/env bash
# README command 3: builds dist/, a self-contained static folder with relative paths only, for
# any static host and any sub-path (/corescope/ works as well as /):
#   pkg/          the threaded module (shared memory; needs cross-origin isolation)
#   pkg-script/   the threaded module with the script interpreter, which play.html loads
#   pkg-single/   the single-threaded module, loaded where isolation is impossible
#   pkg-worker/   the isolated workers' module (worker/: the workloads and the batch loop)
#   pkg-worker-script/  the same with the script interpreter, for the playground's workers
#   coi-*.js      the service worker that isolates the page on hosts without header control
#   _headers      COOP/COEP for hosts that read it (Netlify, Cloudflare Pages)
# Both modules go through wasm-opt.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

ensure_rust_wasm
ensure_wasm_bindgen
ensure_node_modules

bindgen() { wasm-bindgen --target web --no-typescript --out-dir "$2" "$1"; }

rm -rf dist
mkdir -p dist
# Both threaded modules build into one file: each is bound before the next is built.
note "building the threaded release module"
(source scripts/wasm-env.sh && cargo build --release --target wasm32-unknown-unknown --lib \
  --no-default-features --features page,threads)
bindgen target/wasm32-unknown-unknown/release/corescope.wasm dist/pkg
note "building the threaded release module with the script interpreter (the playground's)"
(source scripts/wasm-env.sh && cargo build --release --target wasm32-unknown-unknown --lib \
  --no-default-features --features page,threads,script)
bindgen target/wasm32-unknown-unknown/release/corescope.wasm dist/pkg-script
note "building the single-threaded release module"
# No atomics, no shared memory, no rebuilt std: a set RUSTFLAGS (here empty) replaces the
# wasm32 flags of .cargo/config.toml.
env -u CARGO_UNSTABLE_BUILD_STD RUSTFLAGS="" cargo build --release --target wasm32-unknown-unknown --lib --no-default-features \
  --features page --target-dir target/single
bindgen target/single/wasm32-unknown-unknown/release/corescope.wasm dist/pkg-single
# The isolated workers' modules, from their own crate: single-threaded (a worker's memory is its
# own, and the workloads' waits are timers), so every page can use it; the playground's has the
# interpreter and threads, since a script's sleep() blocks its worker (only the threaded
# playground has the interpreter; elsewhere play.html loads pkg-single, whose workers get pkg-worker).
note "building the isolated workers' modules"
env -u CARGO_UNSTABLE_BUILD_STD RUSTFLAGS="" cargo build --release --target wasm32-unknown-unknown \
  --package corescope-worker --target-dir target/single
bindgen target/single/wasm32-unknown-unknown/release/corescope_worker.wasm dist/pkg-worker
(source scripts/wasm-env.sh && cargo build --release --target wasm32-unknown-unknown \
  --package corescope-worker --features script,threads)
bindgen target/wasm32-unknown-unknown/release/corescope_worker.wasm dist/pkg-worker-script
# A threaded module whose memory is not shared would load and then fail only when the first
# worker starts: refuse to ship it. (It happens when the link arguments in .cargo/config.toml
# are lost.) The single-threaded one must not need shared memory.
for glue in dist/pkg/corescope.js dist/pkg-script/corescope.js dist/pkg-worker-script/corescope_worker.js; do
  if ! grep -q 'shared: *true' "$glue"; then
    echo "error: the threaded module's memory is not shared (no 'shared: true' in $glue)." >&2
    echo "       Check the wasm32 rustflags in .cargo/config.toml and CARGO_UNSTABLE_BUILD_STD in scripts/wasm-env.sh." >&2
    exit 1
  fi
done
for glue in dist/pkg-single/corescope.js dist/pkg-worker/corescope_worker.js; do
  if grep -q 'shared: *true' "$glue"; then
    echo "error: a single-threaded module asks for shared memory ($glue)." >&2
    exit 1
  fi
done
# The worker module has the batch loop and none of the page's exports, and its glue imports
# nothing: the page makes each isolated worker's script of it, a blob with no folder to
# resolve an import in.
for glue in dist/pkg-worker*/corescope_worker.js; do
  grep -q 'export function isolated_worker_main' "$glue" && ! grep -q 'start_app' "$glue" ||
    { echo "error: $glue is not the workers' module (isolated_worker_main only, no start_app)" >&2; exit 1; }
  if grep -Eq '^\s*(import\s|export\s.*\sfrom\s)' "$glue"; then
    echo "error: $glue imports other files; an isolated worker's script is made of it alone" >&2
    exit 1
  fi
done
# binaryen's wasm-opt (npm; Debian's is too old for threads and current wasm-bindgen output):
# -O3 keeps the workloads' loops as fast as LLVM left them while it shrinks the rest, and the
# debug and producers sections are not shipped.
for wasm in dist/pkg*/*_bg.wasm; do
  note "optimizing $wasm with wasm-opt -O3"
  node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers "$wasm" -o "${wasm%.wasm}.opt.wasm"
  mv "${wasm%.wasm}.opt.wasm" "$wasm"
done
cp index.html www/* dist/
# The playground: the same page, loading (and preloading) the module with the interpreter.
sed -e 's|<html lang="en">|<html lang="en" data-playground>|' -e 's|"pkg/corescope|"pkg-script/corescope|g' \
  -e 's|<title>corescope — [^<]*</title>|<title>corescope playground — run your own task on every engine</title>|' \
  -e 's|<meta name="description" content="[^"]*">|<meta name="description" content="Write a task and run it serially, on threads sharing memory with and without a GIL, on isolated workers and as asyncio coroutines, checked and timed in your browser.">|' \
  index.html > dist/play.html
for mark in data-playground pkg-script/corescope_bg.wasm "<title>corescope playground"; do
  grep -q "$mark" dist/play.html || { echo "error: dist/play.html has no $mark" >&2; exit 1; }
done
# The glue imports its snippets (the pool host's and isolated workers' scripts, the guard,
# wasm-bindgen-rayon's helpers) before the module can be instantiated: preload them with it,
# so they arrive with the glue rather than after it is parsed.
preload_snippets() { # PAGE PKG
  local links
  links=$(cd dist && find "$2/snippets" -name '*.js' | sort | sed 's|.*|  <link rel="modulepreload" href="&">|')
  [ -n "$links" ] || { echo "error: no snippets in dist/$2" >&2; exit 1; }
  awk -v links="$links" -v glue="href=\"$2/corescope.js\"" \
    '{ print } index($0, glue) && index($0, "modulepreload") { print links }' "$1" > "$1.tmp"
  mv "$1.tmp" "$1"
  grep -q "$2/snippets/" "$1" || { echo "error: $1 preloads no snippet" >&2; exit 1; }
}
preload_snippets dist/index.html pkg
preload_snippets dist/play.html pkg-script
cp node_modules/coi-serviceworker/coi-serviceworker.js dist/
gz() { gzip -9c "$1" | wc -c | awk '{ printf "%d KB", $1 / 1000 }'; }
note "built dist/ ($(du -sh dist | cut -f1)); gzip: threaded wasm $(gz dist/pkg/corescope_bg.wasm) + JS $(gz dist/pkg/corescope.js), single-threaded wasm $(gz dist/pkg-single/corescope_bg.wasm); workers' wasm $(gz dist/pkg-worker/corescope_worker_bg.wasm) + JS $(gz dist/pkg-worker/corescope_worker.js); the playground's threaded wasm $(gz dist/pkg-script/corescope_bg.wasm)"
