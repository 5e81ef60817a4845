#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every test: formatting, unit and integration tests
# (fake mail servers, loopback DNS, Debian's Postfix as a real peer) and the browser tests.
source "$(dirname "$0")/lib/toolchain.sh"
ensure_leptos_tools
ensure_browser
cd "$ROOT"

log "cargo fmt --check"
cargo fmt --all -- --check

log "Postfix on 127.0.0.2:25 as a real peer"
MXRAY_TEST_POSTFIX="$(bash scripts/postfix-peer.sh)"
export MXRAY_TEST_POSTFIX

log "cargo test (app, server, testkit)"
cargo test --workspace --exclude frontend

log "WASM build of the shared crate"
cargo check -p frontend --target wasm32-unknown-unknown

log "browser tests"
bash end2end/run.sh
