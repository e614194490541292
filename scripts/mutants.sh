#!/usr/bin/env bash
# README command: mutation testing of the pure core. Not part of the test command: it rebuilds
# and reruns the native tests once per mutant (~550 of them, about an hour on 2 cores).
#
# Installs cargo-mutants if missing, runs it with the settings in .cargo/mutants.toml (which
# files, which tests, the `mutants` build profile), then prints each file's score: mutants the
# tests caught ÷ (caught + missed), leaving out those scripts/mutants-equivalent.txt lists as
# equivalent, with why. Exits non-zero when a file scores under 97% or that list names a
# mutant the tests now catch. Arguments go to cargo-mutants (e.g. `--re '^src/gil\.rs'` for one
# file).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

if ! cargo mutants --version 2>/dev/null | grep -qF " 27.1.0"; then
  note "installing cargo-mutants 27.1.0 from crates.io (takes minutes, once)"
  (cd / && cargo install cargo-mutants --version "=27.1.0" --locked --force)
fi

OUT=artifacts/mutants
mkdir -p "$OUT"
# Exit status 2: some mutants were missed; 3: some made the tests hang (caught). The score below
# says whether that is acceptable.
status=0
cargo mutants --jobs 2 --output "$OUT" "$@" || status=$?
case $status in 0 | 2 | 3) ;; *) exit "$status" ;; esac
node scripts/mutants-score.mjs "$OUT/mutants.out/outcomes.json" scripts/mutants-equivalent.txt 97
