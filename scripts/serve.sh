#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds mxray in release mode and serves the web app on
# http://127.0.0.1:3000 (override with LEPTOS_SITE_ADDR; probe options via MXRAY_* variables).
source "$(dirname "$0")/lib/toolchain.sh"
ensure_leptos_tools
cd "$ROOT"
log "cargo leptos build --release --precompress --split"
# --split: issue 4's sections are WASM chunks loaded after the page (app/src/ui/library.rs).
cargo leptos build --release --precompress --split
log "serving on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
exec "$ROOT/target/release/mxray" serve
