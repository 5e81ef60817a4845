#!/usr/bin/env bash
# mxray beside swaks and sslyze on one real Postfix with STARTTLS, directly on loopback and
# through a latency proxy of 50 ms round-trip time, with the connections each tool opened as
# counted by the server side (Postfix's own log; the proxy's count and round trips):
#
#   bash scripts/bench.sh [RUNS]          # default 5 runs per tool and path (sslyze: 2)
#
# The Postfix is scripts/postfix-peer.sh's private "strict" instance (127.0.0.2, STARTTLS with a
# self-signed certificate, relaying refused); the script starts the peers and stops them at the end,
# so run it when no test uses 127.0.0.2-9. A loopback DNS zone (server/testkit's mxray-bench-net)
# gives `direct.bench.test` the MX 127.0.0.2 and `far.bench.test` the MX 127.0.5.40, where the
# latency proxy listens. The tools:
#   mxray    target/release/mxray check DOMAIN --json (DNS, banner, EHLO, STARTTLS, certificate,
#            EHLO, relay probe, and whatever else a check does)
#   swaks    swaks --tls --quit-after RCPT (one SMTP session up to RCPT TO)
#   sslyze   sslyze --starttls smtp (its default scan), from a venv in .tools/sslyze
# Times are wall-clock medians per run, each including the tool's own start-up.
source "$(dirname "$0")/lib/toolchain.sh"
RUNS="${1:-5}"
SSLYZE_RUNS=$((RUNS < 2 ? RUNS : 2))
cd "$ROOT"

apt_install swaks
if [ ! -x .tools/sslyze/bin/sslyze ]; then
  log "pip install sslyze (venv .tools/sslyze)"
  python3 -m venv .tools/sslyze
  .tools/sslyze/bin/pip install -q sslyze
fi
# MXRAY_BENCH_NO_BUILD=1 measures the binaries already in target/release.
if [ -z "${MXRAY_BENCH_NO_BUILD:-}" ]; then
  log "cargo build --release (mxray, mxray-bench-net)"
  cargo build --release -q -p server --bin mxray
  cargo build --release -q -p mxray-testkit --bin mxray-bench-net
fi

PEERS="$(mktemp -d "${TMPDIR:-/tmp}/mxray-peers.XXXXXX")"
NET_PID=""
cleanup() {
  [ -n "$NET_PID" ] && kill "$NET_PID" 2>/dev/null
  bash scripts/postfix-peer.sh stop "$PEERS" >/dev/null 2>&1 || true
}
trap cleanup EXIT
log "private Postfix peers (scripts/postfix-peer.sh start $PEERS)"
MXRAY_PEER_OWNER=$$ bash scripts/postfix-peer.sh start "$PEERS" >/dev/null
SERVER="$(tr ',' '\n' <"$PEERS/peers" | sed -n 's/^strict=//p')"
PORT="${SERVER##*:}"
MAILLOG="$PEERS/strict/maillog"

coproc NET { exec target/release/mxray-bench-net --upstream "$SERVER" --rtt-ms 50; }
read -r line <&"${NET[0]}"
RESOLVER="$(sed -n 's/.*"resolver":"\([^"]*\)".*/\1/p' <<<"$line")"
PROXY="$(sed -n 's/.*"proxy":"\([^"]*\)".*/\1/p' <<<"$line")"
proxy_counts() { echo counts >&"${NET[1]}"; read -r c <&"${NET[0]}"; echo "$c"; }
json_field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }
connects() { sleep 1; grep -c ': connect from' "$MAILLOG" 2>/dev/null || true; }

run_tool() { # TOOL DOMAIN HOST
  case "$1" in
    mxray) target/release/mxray check "$2" --resolver "$RESOLVER" --smtp-port "$PORT" --allow-private-targets --json ;;
    swaks) swaks --server "$3" --port "$PORT" --tls --quit-after RCPT --helo bench.mxray.test \
      --from relay-probe@mxray.invalid --to relay-test@example.net ;;
    sslyze) .tools/sslyze/bin/sslyze --starttls smtp "$3:$PORT" ;;
  esac
}

# One tool on one path: sets MEDIAN (ms), CONNS (server connections per run), TRIPS (proxy round
# trips per run).
measure() { # TOOL DOMAIN HOST RUNS
  local before after p_before p_after times=() t0 t1 out
  before="$(connects)"; p_before="$(proxy_counts)"
  for _ in $(seq "$4"); do
    t0="$(date +%s%N)"
    out="$(run_tool "$1" "$2" "$3" 2>&1)" || true
    t1="$(date +%s%N)"
    times+=("$(( (t1 - t0) / 1000000 ))")
    check_output "$1" "$out"
  done
  after="$(connects)"; p_after="$(proxy_counts)"
  MEDIAN="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  CONNS=$(( (after - before) / $4 ))
  TRIPS=$(( ($(json_field round_trips "$p_after") - $(json_field round_trips "$p_before")) / $4 ))
}

# A run that did not reach the server's STARTTLS and relay answer is no measurement.
check_output() { # TOOL OUTPUT
  local ok=1
  case "$1" in
    mxray) grep -q '"outcome": *"ok"' <<<"$2" && grep -q '"outcome": *"refused"' <<<"$2" || ok=0 ;;
    swaks) grep -q 'STARTTLS' <<<"$2" && grep -qE '(454|554) [45]\.7\.1' <<<"$2" || ok=0 ;;
    sslyze) grep -qiE 'SCANS? COMPLETED' <<<"$2" || ok=0 ;;
  esac
  if [ "$ok" = 0 ]; then
    printf 'bench: %s did not complete a run:\n%s\n' "$1" "$(tail -n 15 <<<"$2")" >&2
    exit 1
  fi
}

log "measuring ($RUNS runs each, sslyze $SSLYZE_RUNS) on $SERVER and through the 50 ms proxy $PROXY"
printf '\n%-8s | %-28s | %-44s\n' "" "loopback (${SERVER%%:*})" "50 ms round trip (proxy ${PROXY%%:*})"
printf '%-8s | %10s %17s | %10s %17s %15s\n' tool "median" "connections/run" "median" "connections/run" "round trips/run"
for tool in mxray swaks sslyze; do
  runs="$RUNS"; [ "$tool" = sslyze ] && runs="$SSLYZE_RUNS"
  measure "$tool" direct.bench.test "${SERVER%%:*}" "$runs"
  near="$MEDIAN" near_conns="$CONNS"
  measure "$tool" far.bench.test "${PROXY%%:*}" "$runs"
  printf '%-8s | %8s ms %17s | %8s ms %17s %15s\n' "$tool" "$near" "$near_conns" "$MEDIAN" "$CONNS" "$TRIPS"
done
echo
echo "connections/run: 'connect from' lines in the Postfix instance's own log; round trips/run: the proxy's"
echo "count (one per TCP handshake, one per client flight that waited for the server)."
