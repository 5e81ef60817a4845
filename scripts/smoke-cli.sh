#!/usr/bin/env bash
# The native binary as a user builds it: `cargo build --release` at the workspace root (every member,
# the WASM crate included, so feature unification turns on app's `hydrate` feature in the native
# build too), then `target/release/mxray check` against the loopback test world of `mxray-fixtures`
# (DNS zone mxray.test, fake mail servers on 127.0.0.11-17). Fails on a panic, on an exit code
# other than the expected 0 / 2, and on output that is not a JSON report.
#
# Overrides: MXRAY_SMOKE_DNS (127.0.0.1:15363), MXRAY_SMOKE_SMTP_PORT (2535).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
DNS="${MXRAY_SMOKE_DNS:-127.0.0.1:15363}"
SMTP_PORT="${MXRAY_SMOKE_SMTP_PORT:-2535}"
cd "$ROOT"

cargo build --release
source "$ROOT/scripts/lib/fixtures.sh"
start_fixtures "$DNS" "$SMTP_PORT" --slow-secs 0

failed=0
# check INPUT EXPECTED_CODES...: runs the release binary and judges what it did.
check() {
  local input="$1" code=0
  shift
  target/release/mxray check "$input" --json --resolver "$DNS" --allow-private-targets \
    --smtp-port "$SMTP_PORT" --ca-file "$CA_FILE" --step-timeout-secs 10 --greeting-timeout-secs 10 --deadline-secs 30 \
    >"$WORK/out.json" 2>"$WORK/err.txt" || code=$?
  local why=""
  if grep -q 'panicked' "$WORK/err.txt"; then
    why="panicked"
  elif [[ " $* " != *" $code "* ]]; then
    why="exit code $code, expected $*"
  elif ! grep -q '"schema": *"mxray.report.v1"' "$WORK/out.json"; then
    why="no mxray.report.v1 JSON report on stdout"
  fi
  if [ -n "$why" ]; then
    printf 'smoke-cli: mxray check %s: %s\n--- stderr\n%s\n--- stdout (head)\n%s\n' \
      "$input" "$why" "$(cat "$WORK/err.txt")" "$(head -c 2000 "$WORK/out.json")" >&2
    failed=1
  else
    echo "smoke-cli: mxray check $input: exit $code, JSON report" >&2
  fi
}
check good.mxray.test 0
check postmaster@Good.MXRAY.test. 0
check openrelay.mxray.test 2
# An internationalised name goes through the IDN mapping (the code path that used to call the
# browser in the native build); the name does not exist, which is a finding, not a crash.
check bücher.mxray.test 0 2
exit "$failed"
