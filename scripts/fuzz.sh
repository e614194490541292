#!/usr/bin/env bash
# README command: fuzzes the share-link decoder with libFuzzer for SECONDS (default 300).
# Installs cargo-fuzz if missing. The target (fuzz/fuzz_targets/decode.rs) frames each input as
# a link's fields with a valid checksum, so that mutations reach the field checks. It starts
# from the seed links in fuzz/seeds/decode and keeps what it finds in artifacts/fuzz/decode
# (reused by the next run); an input that panics is saved under fuzz/artifacts/decode and fails
# the run.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
ensure_cargo_tool cargo-fuzz 0.13.2
mkdir -p artifacts/fuzz/decode
# Inputs up to the largest fields a link holds: 16,384 characters of base64 are 12,288 bytes,
# room for an 8 KB script or a thousand tasks' costs (libFuzzer otherwise guesses from its
# corpus, with 4,096 bytes by default).
cargo fuzz run decode artifacts/fuzz/decode fuzz/seeds/decode -- -max_total_time="${1:-300}" \
  -max_len=12288
