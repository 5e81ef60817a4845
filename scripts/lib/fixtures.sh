# Starts `mxray-fixtures`, the loopback test world (DNS zone mxray.test, fake mail servers with their
# own CA), and stops it on exit. Sourced by end2end/run.sh and scripts/smoke-cli.sh.
#
# start_fixtures DNS SMTP_PORT [extra mxray-fixtures flags…]: builds and starts it in the background,
# waits for its JSON line, and sets WORK (a temporary folder, removed on exit), WORLD_OUT (the JSON
# line's file) and CA_FILE (the world's CA in PEM). Fails when it exits early or prints nothing.
start_fixtures() {
  local dns="$1" smtp_port="$2"
  shift 2
  cargo build --quiet -p mxray-testkit --bin mxray-fixtures
  WORK="$(mktemp -d)"
  WORLD_OUT="$WORK/world.json"
  target/debug/mxray-fixtures --dns "$dns" --smtp-port "$smtp_port" --ca-out "$WORK/ca.pem" "$@" >"$WORLD_OUT" &
  FIXTURES_PID=$!
  trap stop_fixtures EXIT
  for _ in $(seq 1 100); do
    [ -s "$WORLD_OUT" ] && break
    kill -0 "$FIXTURES_PID" 2>/dev/null || { echo "mxray-fixtures exited early" >&2; return 1; }
    sleep 0.1
  done
  [ -s "$WORLD_OUT" ] || { echo "mxray-fixtures printed nothing" >&2; return 1; }
  CA_FILE="$WORK/ca.pem"
}

stop_fixtures() {
  kill "$FIXTURES_PID" 2>/dev/null || true
  wait "$FIXTURES_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
