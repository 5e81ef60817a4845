#!/usr/bin/env bash
# Starts Debian's Postfix as a real SMTP peer for the tests: 127.0.0.2:25 only, STARTTLS with the
# snakeoil certificate, relaying refused for everyone (mynetworks names no loopback address).
# Installs postfix and ssl-cert when missing. Needs root. Prints the address to use.
set -euo pipefail
if ! command -v postfix >/dev/null || [ ! -f /etc/ssl/private/ssl-cert-snakeoil.key ]; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix ssl-cert >/dev/null
fi
[ -f /etc/ssl/private/ssl-cert-snakeoil.key ] || make-ssl-cert generate-default-snakeoil
cat > /etc/postfix/main.cf <<'CF'
compatibility_level = 3.6
myhostname = mx.postfix.test
mydomain = postfix.test
myorigin = $myhostname
mydestination = postfix.test, localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 192.0.2.1/32
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = $myhostname ESMTP $mail_name
smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level = may
maillog_file = /var/log/postfix-mxray.log
CF
# Listen on 127.0.0.2:25 only (inet_interfaces would insist on an address assigned to an interface).
sed -i -E 's/^(smtp|127\.0\.0\.2:smtp)[[:space:]]+inet[[:space:]].*$/127.0.0.2:smtp inet n - n - - smtpd/' /etc/postfix/master.cf
postfix check
if postfix status >/dev/null 2>&1; then postfix reload >/dev/null 2>&1; else postfix start >/dev/null 2>&1; fi
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.2/25) 2>/dev/null; then echo "127.0.0.2:25"; exit 0; fi
  sleep 0.2
done
echo "postfix did not start listening on 127.0.0.2:25" >&2
exit 1
