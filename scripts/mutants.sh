#!/usr/bin/env bash
# README command: mutation testing of the pure core. Not part of the test command: it rebuilds
# and reruns the native tests once per mutant (~2,200 of them, several hours on 2 cores), so a
# run is usually one file (`--file src/predict.rs`) or the files a change touched (`--changed`).
#
# Installs cargo-mutants if missing, runs it with the settings in .cargo/mutants.toml (which
# files, which tests, the `mutants` build profile), then prints each file's score: mutants the
# tests caught ÷ (caught + missed), leaving out those scripts/mutants-equivalent.txt lists as
# equivalent, with why. Exits non-zero when a file scores under 97% or that list names a
# mutant the tests now catch. Arguments go to cargo-mutants (e.g. `--file src/gil.rs`, which
# may be given more than once), after an optional `--changed [REV]` (the files changed since REV).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

if ! cargo mutants --version 2>/dev/null | grep -qF " 27.1.0"; then
  note "installing cargo-mutants 27.1.0 from crates.io (takes minutes, once)"
  (cd / && cargo install cargo-mutants --version "=27.1.0" --locked --force)
fi

# `--changed [REV]`: only the examined files changed since REV (default: origin's main, else
# HEAD~1), for a change too small to wait an hour for.
if [ "${1:-}" = --changed ]; then
  shift
  base=${1:-$(git rev-parse -q --verify origin/main || git rev-parse HEAD~1)}
  [ $# -gt 0 ] && shift
  examined=$(cargo mutants --list-files)
  files=$(comm -12 <(git diff --name-only "$base" -- 'src/*.rs' | sort) <(sort <<<"$examined"))
  [ -n "$files" ] || { note "no pure-core file changed since $base"; exit 0; }
  note "examining the files changed since $base: $(paste -sd ' ' <<<"$files")"
  set -- $(sed 's/^/--file /' <<<"$files") "$@"
fi

# cargo-mutants adds `--file` globs to the config's list rather than replacing it: leave out
# every other examined file. Each glob must match an examined file.
wanted=()
for ((i = 1; i <= $#; i++)); do
  case ${!i} in
    --file | -f)
      j=$((i + 1))
      [ $j -le $# ] || { echo "error: --file needs a file" >&2; exit 2; }
      wanted+=("${!j}")
      ;;
    --file=* | -f?*) echo "error: write --file FILE, as two arguments" >&2; exit 2 ;;
  esac
done
if [ ${#wanted[@]} -gt 0 ]; then
  examined=$(cargo mutants --list-files)
  for w in "${wanted[@]}"; do
    # shellcheck disable=SC2053 # a glob, as cargo-mutants reads it
    grep -q . <<<"$(for f in $examined; do [[ $f == $w || $f == */$w ]] && echo "$f"; done)" ||
      { echo "error: --file $w matches none of the examined files (cargo mutants --list-files)" >&2; exit 2; }
  done
  for f in $examined; do
    keep=false
    for w in "${wanted[@]}"; do [[ $f == $w || $f == */$w ]] && keep=true; done
    $keep || set -- "$@" --exclude "$f"
  done
fi

OUT=artifacts/mutants
mkdir -p "$OUT"
# Exit status 2: some mutants were missed; 3: some made the tests hang (caught). The score below
# says whether that is acceptable.
status=0
# The link's property tests run at most a thousand random cases each per mutant (their full
# counts, up to 40,000, are for the test command): a run's tests take 3 s instead of 7.
export PROPTEST_CASES=1000
cargo mutants --jobs 2 --output "$OUT" "$@" || status=$?
case $status in 0 | 2 | 3) ;; *) exit "$status" ;; esac
node scripts/mutants-score.mjs "$OUT/mutants.out/outcomes.json" scripts/mutants-equivalent.txt 97
