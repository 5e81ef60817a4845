#!/usr/bin/env bash
# Real Postfix peers for the tests, as private instances: each has its own main.cf and master.cf,
# queue, data directory and log under DIR, its own syslog name, and listens on one loopback address
# only. The machine's own Postfix and everything under /etc are never touched (read, at most:
# postfix reads its own program files there), whether or not a system Postfix is installed or
# running. Nothing is delivered anywhere: no SMTP client in master.cf, every transport discards,
# and the daemons run chrooted with a resolv.conf that names only a local DNS server
# answering NXDOMAIN to everything (scripts/lib/nxdomain-dns.pl on 127.0.0.9:53).
#
#   postfix-peer.sh start DIR   starts every instance; writes DIR/peers and prints it:
#                               name=IP:PORT,name=IP:PORT,...  (the tests' MXRAY_TEST_POSTFIX)
#   postfix-peer.sh stop DIR    stops what start started and removes DIR
#
# Instances (mx.postfix.test, self-signed certificate made here with openssl, STARTTLS offered):
#   strict  127.0.0.2  smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
#   debian  127.0.0.3  Debian's/Postfix's default: permit_mynetworks, permit_sasl_authenticated,
#                      defer_unauth_destination
#   sender  127.0.0.4  the default relay policy + smtpd_sender_restrictions = reject_unknown_sender_domain
#   open    127.0.0.5  an open relay: mynetworks = 127.0.0.0/8 (the probe connects from loopback)
#   helo    127.0.0.6  the default relay policy + smtpd_helo_required and the HELO name checks
#   localsender 127.0.0.10  relays for senders of its own domain (the classic mistake):
#                      smtpd_relay_restrictions = permit_mynetworks,
#                      check_sender_access (postfix.test OK), reject_unauth_destination
#   postscreen  127.0.0.11  postscreen in front of the strict policy, with its tests after the 220
#                      (pipelining, non-SMTP command, bare newline) and a 1 s greet banner: a new
#                      client gets "450 4.3.2 Service currently unavailable" at RCPT and reaches
#                      smtpd on its next connection, for a few seconds (short pass TTLs, so every
#                      test run is a new client again)
# and Exim 4 beside them (the Debian packages conflict, so Exim is not installed: the
# exim4-daemon-light package is fetched with apt-get download and unpacked into .tools/exim), each
# run from its own configuration file with `exim -C FILE -bdf` in a private mount namespace
# (unshare -m) where /etc/passwd, /etc/group and /etc/resolv.conf are copies from DIR bind-mounted
# over the real ones for that process only (Exim wants a Debian-exim user; its DNS goes to the
# NXDOMAIN server). No STARTTLS. Exim's ACL as in its default configuration:
#   exim         127.0.0.7  "require message = relay not permitted, domains = +local_domains : …"
#   exim-verify  127.0.0.8  the same after "require verify = sender"
# Port 25, or 10025 / 20025 when something (say a system Postfix on all addresses) holds port 25.
# Installs postfix (debconf "No configuration": the package writes no main.cf and starts nothing),
# openssl and Exim's libraries when missing. Needs root.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export PATH="/usr/sbin:/sbin:$PATH"
DNS_IP=127.0.0.9
INSTANCES=(strict:127.0.0.2 debian:127.0.0.3 sender:127.0.0.4 open:127.0.0.5 helo:127.0.0.6
  localsender:127.0.0.10 postscreen:127.0.0.11)
EXIM_INSTANCES=(exim:127.0.0.7 exim-verify:127.0.0.8)
EXIM_HOME="$(dirname "$HERE")/.tools/exim"
DEFAULT_RELAY="permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"

die() { printf 'postfix-peer: %s\n' "$*" >&2; exit 1; }

# Settings that make one instance what it is (NAME BASE). mynetworks is a documentation address (no
# loopback client is trusted) except for the open relay.
policy() {
  [ "$1" = open ] && echo "mynetworks = 127.0.0.0/8" || echo "mynetworks = 192.0.2.1/32"
  case "$1" in
    strict) echo "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" ;;
    debian) echo "smtpd_relay_restrictions = $DEFAULT_RELAY" ;;
    sender)
      echo "smtpd_relay_restrictions = $DEFAULT_RELAY"
      echo "smtpd_sender_restrictions = reject_unknown_sender_domain"
      ;;
    open) echo "smtpd_relay_restrictions = $DEFAULT_RELAY" ;;
    helo)
      echo "smtpd_relay_restrictions = $DEFAULT_RELAY"
      echo "smtpd_helo_required = yes"
      echo "smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname, reject_unknown_helo_hostname"
      ;;
    localsender)
      # The sender decides before the destination: anyone who claims postfix.test relays.
      echo "smtpd_relay_restrictions = permit_mynetworks, check_sender_access texthash:$2/conf/local-senders, reject_unauth_destination"
      ;;
    postscreen)
      echo "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination"
      # No permit_mynetworks, no blocklists: every client takes the tests. The 220- line goes out
      # at once, the final 220 after postscreen_greet_wait.
      echo "postscreen_access_list ="
      echo "postscreen_dnsbl_sites ="
      echo "postscreen_greet_action = ignore"
      echo "postscreen_greet_wait = 1s"
      echo "postscreen_pipelining_enable = yes"
      echo "postscreen_non_smtp_command_enable = yes"
      echo "postscreen_bare_newline_enable = yes"
      echo "postscreen_greet_ttl = 5s"
      echo "postscreen_pipelining_ttl = 5s"
      echo "postscreen_non_smtp_command_ttl = 5s"
      echo "postscreen_bare_newline_ttl = 5s"
      ;;
  esac
}

# The master.cf line(s) that listen on IP:PORT for instance NAME: smtpd, or postscreen handing
# clients that passed its tests to smtpd (NAME IP PORT).
listener() {
  if [ "$1" = postscreen ]; then
    cat <<CF
$2:$3 inet  n       -       y       -       1       postscreen
smtpd     pass  -       -       y       -       -       smtpd
dnsblog   unix  -       -       y       -       0       dnsblog
tlsproxy  unix  -       -       y       -       0       tlsproxy
CF
  else
    echo "$2:$3 inet  n       -       y       -       -       smtpd"
  fi
}

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Waits for a 220 greeting at IP PORT (so a daemon that dies in its chroot is caught here).
greets() {
  local line
  for _ in $(seq 1 50); do
    if { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null; then
      line=""
      IFS= read -r -t 5 line <&3 || true
      printf 'QUIT\r\n' >&3 2>/dev/null || true
      exec 3>&- 3<&-
      [[ "$line" == 220* ]] && return 0
      printf 'postfix-peer: %s:%s greeted with %q\n' "$1" "$2" "$line" >&2
      return 1
    fi
    sleep 0.2
  done
  return 1
}

stop() {
  local dir="$1" conf pid pidfile
  [ -d "$dir" ] || return 0
  for conf in "$dir"/*/conf; do
    [ -f "$conf/main.cf" ] || continue
    if postfix -c "$conf" status >/dev/null 2>&1; then
      postfix -c "$conf" stop >/dev/null 2>&1 || postfix -c "$conf" abort >/dev/null 2>&1 || true
    fi
  done
  # The DNS server and the Exim daemons (each pid checked to still be ours before it is signalled).
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'nxdomain-dns|exim'; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  # postfix stop returns once master has been told; wait until it has let go of its queue.
  for conf in "$dir"/*/conf; do
    [ -f "$conf/main.cf" ] || continue
    for _ in $(seq 1 50); do postfix -c "$conf" status >/dev/null 2>&1 || break; sleep 0.1; done
  done
  rm -rf "$dir"
}

# Instances left by a test run that died before it could stop them (its owner is gone).
stop_stale() {
  local dir owner
  for dir in "$(dirname "$1")"/mxray-peers.*; do
    [ -d "$dir" ] && [ "$dir" != "$1" ] && [ -f "$dir/owner" ] || continue
    owner="$(cat "$dir/owner")"
    kill -0 "$owner" 2>/dev/null && continue
    echo "postfix-peer: stopping instances left in $dir" >&2
    stop "$dir"
  done
}

install_missing() {
  if ! command -v postfix >/dev/null || ! command -v openssl >/dev/null; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix openssl >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix openssl >/dev/null; } \
      || die "could not install postfix and openssl"
  fi
  getent passwd postfix >/dev/null && getent group postdrop >/dev/null \
    || die "the postfix package did not create the postfix user and postdrop group"
}

start_dns() {
  local dir="$1"
  perl "$HERE/lib/nxdomain-dns.pl" "$DNS_IP" 53 >"$dir/dns.log" 2>&1 </dev/null &
  echo $! >"$dir/dns.pid"
  for _ in $(seq 1 50); do
    grep -q '^ready' "$dir/dns.log" 2>/dev/null && return 0
    kill -0 "$(cat "$dir/dns.pid")" 2>/dev/null || break
    sleep 0.1
  done
  die "the local DNS server did not start on $DNS_IP:53/udp: $(cat "$dir/dns.log")"
}

# Exim's binary from Debian's package, unpacked (not installed: it conflicts with postfix).
ensure_exim() {
  local libs=(libc6 libcrypt1 libdb5.3 libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libnsl2 libpcre2-8-0)
  local missing=() pkg tmp
  for pkg in "${libs[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || die "could not install Exim's libraries: ${missing[*]}"
  fi
  [ -x "$EXIM_HOME/usr/sbin/exim4" ] && return 0
  tmp="$(mktemp -d)"
  (cd "$tmp" && { apt-get download exim4-daemon-light >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get download exim4-daemon-light >/dev/null; }; }) \
    || { rm -rf "$tmp"; die "apt-get download exim4-daemon-light failed"; }
  mkdir -p "$EXIM_HOME"
  dpkg -x "$tmp"/exim4-daemon-light_*.deb "$EXIM_HOME"
  rm -rf "$tmp"
  [ -x "$EXIM_HOME/usr/sbin/exim4" ] || die "exim4-daemon-light holds no usr/sbin/exim4"
}

# One Exim instance: NAME IP PORT DIR
start_exim() {
  local name="$1" ip="$2" port="$3" dir="$4"
  local base="$dir/$name" uid=65534 gid=65534
  mkdir -p "$base/spool" "$base/log"
  # The binary runs as the user Debian-exim (compiled in); a machine without Exim has none, so
  # Exim's own copy of /etc/passwd names nobody's ids Debian-exim.
  cp /etc/passwd "$base/passwd"
  cp /etc/group "$base/group"
  if getent passwd Debian-exim >/dev/null; then
    uid="$(id -u Debian-exim)"
    gid="$(id -g Debian-exim)"
  else
    echo "Debian-exim:x:$uid:$gid:Exim (mxray test peer):/nonexistent:/usr/sbin/nologin" >>"$base/passwd"
    echo "Debian-exim:x:$gid:" >>"$base/group"
  fi
  printf 'nameserver %s\noptions attempts:1 timeout:1\n' "$DNS_IP" >"$base/resolv.conf"
  chown "$uid:$gid" "$base/spool" "$base/log"
  cat >"$base/exim.conf" <<CF
# Private mxray test instance "$name" (scripts/postfix-peer.sh); nothing here is the system's.
primary_hostname = mx.exim.test
qualify_domain = exim.test
domainlist local_domains = exim.test
domainlist relay_to_domains =
hostlist relay_from_hosts =
spool_directory = $base/spool
log_file_path = $base/log/%slog
pid_file_path = $base/exim.pid
local_interfaces = <; $ip
daemon_smtp_ports = $port
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
never_users = root
keep_environment =
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  accept hosts = :
.ifdef SENDER_VERIFY
  require verify = sender
.endif
  accept domains = +local_domains
  require message = relay not permitted
          domains = +local_domains : +relay_to_domains
  accept

begin routers
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = nowhere
  no_more
local:
  driver = accept
  domains = +local_domains
  transport = nowhere

begin transports
# Nothing is ever delivered (the probe never sends DATA); if it were, it would go to /dev/null.
nowhere:
  driver = appendfile
  file = /dev/null
CF
  cat >"$base/run.sh" <<RUN
set -e
mount --bind "$base/passwd" /etc/passwd
mount --bind "$base/group" /etc/group
mount --bind "$base/resolv.conf" /etc/resolv.conf
exec "$EXIM_HOME/usr/sbin/exim4" -C "$base/exim.conf" $([ "$name" = exim-verify ] && echo -DSENDER_VERIFY) -bdf
RUN
  unshare --mount --propagation private sh "$base/run.sh" >"$base/daemon.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
  greets "$ip" "$port" || die "exim $name does not greet on $ip:$port: $(cat "$base/daemon.log" "$base/log/"* 2>/dev/null)"
}

# One instance: NAME IP PORT DIR
start_instance() {
  local name="$1" ip="$2" port="$3" dir="$4"
  local base="$dir/$name"
  mkdir -p "$base/conf" "$base/queue/etc" "$base/data"
  chown postfix "$base/data"
  # The chroot (the queue directory) gets its own resolver files: only the local NXDOMAIN server.
  printf 'nameserver %s\noptions attempts:1 timeout:1\n' "$DNS_IP" >"$base/queue/etc/resolv.conf"
  printf '127.0.0.1 localhost\n' >"$base/queue/etc/hosts"
  printf 'hosts: files dns\n' >"$base/queue/etc/nsswitch.conf"
  [ -f /etc/services ] && cp /etc/services "$base/queue/etc/services"
  {
    cat <<CF
# Private mxray test instance "$name" (scripts/postfix-peer.sh); nothing here is the system's.
compatibility_level = 3.6
queue_directory = $base/queue
data_directory = $base/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-mxray-$name
maillog_file = $base/maillog
maillog_file_prefixes = $dir
myhostname = mx.postfix.test
mydomain = postfix.test
myorigin = \$myhostname
mydestination = postfix.test, localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
smtpd_banner = \$myhostname ESMTP \$mail_name
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_security_level = may
smtpd_peername_lookup = no
# Nothing leaves: every transport discards (and master.cf has no SMTP client). Not the error
# transport: smtpd already rejects at RCPT an address that resolves to it, open relay or not.
default_transport = discard:mxray test peer delivers nothing
relay_transport = discard:mxray test peer delivers nothing
local_transport = discard:mxray test peer delivers nothing
virtual_transport = discard:mxray test peer delivers nothing
smtp_dns_support_level = disabled
alias_maps =
alias_database =
biff = no
CF
    policy "$name" "$base"
  } >"$base/conf/main.cf"
  [ "$name" = localsender ] && printf 'postfix.test OK\n' >"$base/conf/local-senders"
  cat >"$base/conf/master.cf" <<CF
# service type  private unpriv  chroot  wakeup  maxproc command
$(listener "$name" "$ip" "$port")
pickup    unix  n       -       y       60      1       pickup
cleanup   unix  n       -       y       -       0       cleanup
qmgr      unix  n       -       y       300     1       qmgr
tlsmgr    unix  -       -       y       1000?   1       tlsmgr
rewrite   unix  -       -       y       -       -       trivial-rewrite
bounce    unix  -       -       y       -       0       bounce
defer     unix  -       -       y       -       0       bounce
trace     unix  -       -       y       -       0       bounce
verify    unix  -       -       y       -       1       verify
flush     unix  n       -       y       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
error     unix  -       -       y       -       -       error
retry     unix  -       -       y       -       -       error
discard   unix  -       -       y       -       -       discard
anvil     unix  -       -       y       -       1       anvil
scache    unix  -       -       y       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
  postfix -c "$base/conf" check || die "postfix check failed for $name: $(cat "$base/maillog" 2>/dev/null)"
  postfix -c "$base/conf" start >/dev/null 2>&1 || die "postfix $name did not start: $(cat "$base/maillog" 2>/dev/null)"
  greets "$ip" "$port" || die "postfix $name does not greet on $ip:$port: $(cat "$base/maillog" 2>/dev/null)"
}

start() {
  local dir="$1" port="" p entry ok failed="" peers=() pids=()
  [ "$(id -u)" = 0 ] || die "needs root (postfix start)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  chmod 755 "$dir"
  echo "${MXRAY_PEER_OWNER:-$PPID}" >"$dir/owner"
  stop_stale "$dir"
  install_missing
  ensure_exim
  for p in 25 10025 20025; do
    ok=1
    for entry in "${INSTANCES[@]}" "${EXIM_INSTANCES[@]}"; do listening "${entry#*:}" "$p" && ok=""; done
    [ -n "$ok" ] && { port="$p"; break; }
  done
  [ -n "$port" ] || die "ports 25, 10025 and 20025 are all taken on 127.0.0.2-8, .10 or .11"
  [ "$port" = 25 ] || echo "postfix-peer: port 25 is taken on loopback; the peers use port $port" >&2
  mkdir -p "$dir/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=postfix-peer.mxray.invalid" \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
  chmod 600 "$dir/tls/key.pem"
  start_dns "$dir"
  # All at once (postfix check and start take seconds each); any failure fails the whole start.
  for entry in "${INSTANCES[@]}"; do
    start_instance "${entry%%:*}" "${entry#*:}" "$port" "$dir" &
    pids+=($!)
    peers+=("${entry%%:*}=${entry#*:}:$port")
  done
  for entry in "${EXIM_INSTANCES[@]}"; do
    start_exim "${entry%%:*}" "${entry#*:}" "$port" "$dir" &
    pids+=($!)
    peers+=("${entry%%:*}=${entry#*:}:$port")
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ -z "$failed" ] || die "not every instance started (see above); nothing is left running once stop runs"
  (IFS=,; echo "${peers[*]}") >"$dir/peers"
  cat "$dir/peers"
}

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start "$2" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start DIR | stop DIR" ;;
esac
