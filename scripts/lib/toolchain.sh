# Installs what building and testing mxray needs, skipping whatever is already present.
# Sourced by scripts/serve.sh and scripts/test.sh. Debian; run as root (or with sudo available).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -q >/dev/null; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

ensure_rust() {
  apt_install build-essential pkg-config ca-certificates
  if ! command -v cargo >/dev/null; then
    apt_install rustup
    rustup default stable
  fi
  # rust-toolchain.toml pins the version and lists the wasm32 target; this installs both.
  (cd "$ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
  (cd "$ROOT" && rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown)
}

ensure_node() {
  command -v npm >/dev/null || apt_install nodejs npm
}

ensure_leptos_tools() {
  ensure_rust
  ensure_node
  if ! cargo leptos --version 2>/dev/null | grep -q '0.3.11'; then
    log "cargo install cargo-leptos 0.3.11 (15-25 minutes on 2 cores)"
    cargo install cargo-leptos --version 0.3.11 --locked --ignore-rust-version --features no_downloads
  fi
  local wb
  wb="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print}' "$ROOT/Cargo.lock")"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
    log "cargo install wasm-bindgen-cli $wb"
    cargo install wasm-bindgen-cli --version "$wb"
  fi
  # wasm-opt for release builds: binaryen 132 from npm (Debian's 108 breaks hydration).
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
    log "npm install binaryen@132.0.0"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund binaryen@132.0.0 >/dev/null
  fi
}

ensure_browser() {
  apt_install chromium chromium-driver
}

# The egress test (server/tests/egress.rs) makes a network namespace that drops outbound port 25.
ensure_netns_tools() {
  apt_install iproute2 nftables
}

# The shared-limits tests (server/tests/shared_limits.rs) start a private redis-server of their own
# (loopback port, temporary folder, no persistence). Debian's package also sets up a system service,
# which the tests never use; on machines without systemd it does not start.
ensure_redis_server() {
  command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || apt_install redis-server
}

# The monitoring store's PostgreSQL tests start a private cluster from Debian's binaries
# (server/testkit/src/postgres.rs); the package's own cluster is never used.
ensure_postgresql() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
}
