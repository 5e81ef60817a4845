#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every test: formatting, clippy, the fuzz targets' build, unit
# and integration tests (fake mail servers, loopback DNS, private Postfix and Exim instances as real
# peers), the native release binary against a loopback test world, and the browser tests.
source "$(dirname "$0")/lib/toolchain.sh"
ensure_leptos_tools
ensure_browser
ensure_netns_tools
ensure_redis_server
ensure_postgresql
cd "$ROOT"

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

log "the fuzz targets build (fuzz/ is its own workspace; clippy type-checks them on stable)"
# Started from the root's lock so the same versions are built (as scripts/fuzz.sh does); the lock
# stays local (.gitignore). The root's target folder shares the dependencies already built.
[ -f fuzz/Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock
cargo clippy --manifest-path fuzz/Cargo.toml --target-dir target --bins -- -D warnings

log "private Postfix (127.0.0.2-6, .10, .11) and Exim (127.0.0.7-8) instances as real peers (scripts/postfix-peer.sh)"
# Their own configuration, queue and log under PEERS; the system's mail server and /etc are untouched.
PEERS="$(mktemp -d "${TMPDIR:-/tmp}/mxray-peers.XXXXXX")"
trap 'bash scripts/postfix-peer.sh stop "$PEERS"' EXIT
MXRAY_PEER_OWNER=$$ bash scripts/postfix-peer.sh start "$PEERS" >/dev/null
MXRAY_TEST_POSTFIX="$(cat "$PEERS/peers")"
export MXRAY_TEST_POSTFIX

# --include-ignored: a test that needs what this script sets up (the Postfix/Exim peers) is
# #[ignore]d with that reason, so a plain `cargo test` never counts it as passed; here it runs, and
# fails without its peers. The shared-limits tests (server/tests/shared_limits.rs) start their own
# private redis-server and fail without one (MXRAY_SKIP_REDIS is never set here).
log "cargo test (report incl. its layering test, app, server, testkit, Redis-shared limits), the ignored ones included"
unset MXRAY_SKIP_REDIS
cargo test --workspace --exclude frontend -- --include-ignored
bash scripts/postfix-peer.sh stop "$PEERS"

log "port 25 blocked where mxray runs: a network namespace that drops it (server/tests/egress.rs, root)"
# Ignored by a plain cargo test; here it runs, and fails when root, ip or nft is missing.
MXRAY_REQUIRE_NETNS=1 cargo test -p server --test egress -- --ignored

log "cargo build --release at the root, then mxray check against loopback (scripts/smoke-cli.sh)"
bash scripts/smoke-cli.sh

log "WASM builds: the report crate alone (no Leptos) and the page"
cargo check -p mxray-report --target wasm32-unknown-unknown
cargo check -p frontend --target wasm32-unknown-unknown

log "browser tests"
bash end2end/run.sh
