#!/usr/bin/env bash
# README command 2: every test. Installs what is missing, then runs lint, the native tests of
# the pure core, the wasm tests in headless Chromium and Firefox, and the end-to-end tests of the
# served page; prints each runner's summary and exits non-zero if anything failed.
set -uo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

set -e
ensure_rust_wasm
ensure_wasm_bindgen
ensure_cargo_tool wasm-pack 0.15.1
ensure_cargo_tool geckodriver 0.37.1
ensure_browsers
ensure_node_modules
set +e
source scripts/wasm-env.sh

LOGS=artifacts/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
steps=() statuses=()

# step NAME COMMAND…: runs the command with its output on screen and in $LOGS/NAME.log.
step() {
  local name=$1
  shift
  note "$name"
  "$@" 2>&1 | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]}
  steps+=("$name")
  statuses+=("$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)")")
}

# Imports flow one way (docs/architecture.md, Layout): prints the circles and wrong-way imports it finds.
layers() {
  local out rc
  out=$(node scripts/layers.mjs)
  rc=$?
  grep -v ' -> ' <<<"$out"
  return "$rc"
}
lint() {
  layers &&
    cargo fmt --check &&
    cargo clippy --all-targets -- -D warnings &&
    cargo clippy --release --target wasm32-unknown-unknown --all-targets -- -D warnings &&
    env -u CARGO_UNSTABLE_BUILD_STD RUSTFLAGS="" cargo clippy --release --target wasm32-unknown-unknown --lib --no-default-features \
      --features page --target-dir target/single -- -D warnings &&
    env -u CARGO_UNSTABLE_BUILD_STD RUSTFLAGS="" cargo clippy --release --target wasm32-unknown-unknown --package corescope-worker \
      --target-dir target/single -- -D warnings &&
    (source scripts/wasm-env.sh && cargo clippy --release --target wasm32-unknown-unknown --package corescope-worker \
      --features script,threads -- -D warnings)
}
# The preset tests run real sleeps and worker start-ups: allow each test page 3 minutes.
export WASM_BINDGEN_TEST_TIMEOUT=180
# wasm-bindgen-test-runner picks the browser from whichever driver variable is set.
wasm_once() {
  if [ "$1" = chrome ]; then
    env -u GECKODRIVER CHROMEDRIVER=/usr/bin/chromedriver \
      wasm-pack test --mode no-install --headless --chrome --release -- --test web --test presets --test timelines --test faults --test scripts
  else
    env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
      wasm-pack test --mode no-install --headless --firefox --release -- --test web --test presets --test timelines --test faults --test scripts
  fi
}
# The wasm tests' pages come from wasm-bindgen-test-runner's own server (tiny_http), which now
# and then leaves a new kept-alive connection unread while its threads hold the others: the
# requests on it wait, unread, until a connection closes. With Firefox's six connections per
# server taken, a test page's workers then never load their scripts ("did not get ready ...
# (it had got to: loading the module's JavaScript)") and the page can stop answering the driver.
# webdriver.json gives Firefox one connection per server, on which every request is read in turn.
wasm_in() {
  wasm_once "$1"
  local rc=$?
  # The runner kills its driver, not the browser of a page that stopped answering.
  pkill -f rust_mozprofile || true
  return "$rc"
}

step lint lint
step native cargo test
step wasm-chromium wasm_in chrome
step wasm-firefox wasm_in firefox
step build scripts/dist.sh
step e2e node --test tests/e2e/
step bench-unit node --test bench/
# The bench at tiny sizes, one repetition: it must keep working (its figures are not checked).
step bench-quick scripts/bench.sh --quick

# Summary: each step's status and its runners' closing lines, then one total.
passed=0 failed=0 bad=0
echo
note "summary"
for i in "${!steps[@]}"; do
  name=${steps[$i]}
  printf '%-15s %s\n' "$name" "${statuses[$i]}"
  [ "${statuses[$i]}" = ok ] || bad=1
  while read -r line; do
    printf '    %s\n' "$line"
    if [[ $line =~ ([0-9]+)\ passed\;\ ([0-9]+)\ failed ]]; then
      passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
    fi
  done < <(grep -E '^test result:' "$LOGS/$name.log")
  if grep -qE '^# pass [0-9]+' "$LOGS/$name.log"; then
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$LOGS/$name.log" | tail -1)
    f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$LOGS/$name.log" | tail -1)
    printf '    node --test: %s passed; %s failed\n' "$p" "$f"
    passed=$((passed + p)) failed=$((failed + f))
  fi
done
echo "screenshots: artifacts/screenshots/"
[ "$failed" = 0 ] || bad=1
echo "corescope: $passed passed, $failed failed"
exit $bad
