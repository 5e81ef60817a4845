#!/usr/bin/env bash
# Fuzzes mxray's parsers of hostile input with cargo-fuzz (libFuzzer), one target after the other:
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     # default: 600 s, every target
#
# Targets (fuzz/fuzz_targets/): reply (SMTP reply framing over any reads), ehlo (EHLO parsing and
# report fields), normalize (the input normaliser), lines (the page's NDJSON line buffer), fold
# (the event fold), import (JSON/HTML report import). Installs the nightly toolchain and cargo-fuzz
# when missing. Builds into fuzz/target; the corpus grows in fuzz/corpus/TARGET (seeded from
# fuzz/seeds/TARGET); a crash is saved in fuzz/artifacts/TARGET and stops the run with its input.
# Prints executions and corpus size per target. Not part of scripts/test.sh (nightly, long).
# Set FUZZ_SANITIZER=address for AddressSanitizer (slower; the fuzzed code has no unsafe of its own).
source "$(dirname "$0")/lib/toolchain.sh"

SECONDS_PER_TARGET="${1:-600}"
shift || true
ALL_TARGETS=(reply ehlo normalize lines fold import)
TARGETS=("${ALL_TARGETS[@]}")
if [ $# -gt 0 ]; then TARGETS=("$@"); fi
SANITIZER="${FUZZ_SANITIZER:-none}"

ensure_rust
if ! rustup toolchain list | grep -q '^nightly'; then
  log "rustup toolchain install nightly"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "cargo install cargo-fuzz"
  (cd /tmp && cargo install cargo-fuzz --locked)
fi

cd "$ROOT"
# The fuzz crate is its own workspace; start its lock from the root's so it builds the same versions.
[ -f fuzz/Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock

log "cargo +nightly fuzz build (fuzz/target, sanitizer: $SANITIZER)"
cargo +nightly fuzz build -a -s "$SANITIZER"

SUMMARY=()
for target in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  log "fuzzing $target for $SECONDS_PER_TARGET s"
  out="$(mktemp)"
  set +e
  cargo +nightly fuzz run -a -s "$SANITIZER" "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$out" 2>&1
  status=$?
  set -e
  grep -E '^(#[0-9]+ +DONE|Done |thread |SUMMARY|==[0-9]+==|Test unit written|Base64)' "$out" | tail -n 20 || true
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)"
  files="$(find "$corpus" -type f | wc -l)"
  bytes="$(du -sb "$corpus" | cut -f1)"
  SUMMARY+=("$(printf '%-10s %12s executions  corpus %5s files %9s bytes  exit %s' \
    "$target" "${runs:-?}" "$files" "$bytes" "$status")")
  rm -f "$out"
  if [ "$status" != 0 ]; then
    log "$target failed: see fuzz/artifacts/$target"
    break
  fi
done

log "summary ($SECONDS_PER_TARGET s per target)"
printf '%s\n' "${SUMMARY[@]}"
