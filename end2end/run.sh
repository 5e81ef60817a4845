#!/usr/bin/env bash
# Browser tests: starts the loopback test world (DNS zone mxray.test + fake mail servers), builds
# and starts the release server against it with `cargo leptos end-to-end --release`, runs the
# Playwright specs with Debian's Chromium, and stops the test world again.
#
# Overrides: MXRAY_E2E_DNS (127.0.0.1:15353), MXRAY_E2E_SMTP_PORT (2525), MXRAY_E2E_CONTROL
# (127.0.0.1:15354, where the tests hold and release the slow MX), LEPTOS_SITE_ADDR (127.0.0.1:3000),
# MXRAY_E2E_OFF_ADDR (127.0.0.1:3002, the watch spec's server without monitoring).
# Screenshots land in end2end/test-results/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

DNS="${MXRAY_E2E_DNS:-127.0.0.1:15353}"
SMTP_PORT="${MXRAY_E2E_SMTP_PORT:-2525}"
export MXRAY_E2E_CONTROL="${MXRAY_E2E_CONTROL:-127.0.0.1:15354}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export MXRAY_E2E_URL="http://$LEPTOS_SITE_ADDR"

if [ ! -x "$HERE/node_modules/.bin/playwright" ] || [ ! -d "$HERE/node_modules/@axe-core/playwright" ]; then
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

cd "$ROOT"
source "$ROOT/scripts/lib/fixtures.sh"
start_fixtures "$DNS" "$SMTP_PORT" --control "$MXRAY_E2E_CONTROL"

export MXRAY_RESOLVER="$DNS"
export MXRAY_ALLOW_PRIVATE_TARGETS=true
export MXRAY_SMTP_PORT="$SMTP_PORT"
export MXRAY_CA_FILE="$CA_FILE"
export MXRAY_STEP_TIMEOUT_SECS=10
export MXRAY_DEADLINE_SECS=30
# Shorter than the deadline (the engine refuses a greeting wait as long as the deadline).
export MXRAY_GREETING_TIMEOUT_SECS=10
# The fixtures' blocklist zone (lists openrelay.mxray.test's server).
export MXRAY_DNSBL=bl.mxray.test

# Monitoring (issue 18): the server's watcher checks these fixture domains once at start (and every
# MXRAY_WATCH_EVERY after), into a database in the test world's folder (removed on exit). The
# watch spec also starts the same binary without them, for the page of a server that watches nothing.
printf '%s\n' good.mxray.test openrelay.mxray.test expired.mxray.test >"$WORK/watch.txt"
export MXRAY_WATCH="$WORK/watch.txt"
export MXRAY_DATABASE="sqlite://$WORK/watch.db"
export MXRAY_WATCH_EVERY=10m
export MXRAY_CERT_DAYS=30
export MXRAY_KEEP=1d
export MXRAY_E2E_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/mxray"
export MXRAY_E2E_ROOT="$ROOT"

# --split: the export, saved-report and offline sections load as WASM chunks of their own (see
# app/src/ui/library.rs), so the page's WASM stays small; the tests run what ships.
cargo leptos end-to-end --release --split
