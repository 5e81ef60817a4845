#!/usr/bin/perl
# A DNS server for the private Postfix test peers that knows no name at all: every query over UDP
# is answered NXDOMAIN at once. The peers' resolv.conf names only this server, so the checks that
# look a name up (reject_unknown_sender_domain, reject_unknown_helo_hostname) get a quick, fixed
# "Domain not found" and no query ever leaves the machine.
# Usage: nxdomain-dns.pl LOOPBACK_IP [PORT]   (perl-base only)
use strict;
use warnings;
use IO::Socket::INET;

my ($ip, $port) = (@ARGV, 53)[0, 1];
die "usage: $0 LOOPBACK_IP [PORT]\n" unless defined $ip && $ip =~ /^127\./;
my $sock = IO::Socket::INET->new(LocalAddr => $ip, LocalPort => $port, Proto => 'udp')
  or die "nxdomain-dns: cannot bind $ip:$port/udp: $!\n";
$SIG{TERM} = $SIG{INT} = sub { exit 0 };
$| = 1;
print "ready $ip:$port\n";
while (1) {
  my $peer = $sock->recv(my $query, 512);
  next unless defined $peer && length($query) >= 17;
  my ($id, $flags) = unpack('n n', $query);
  next if $flags & 0x8000;    # a response, not a query
  # The question: QNAME labels up to the root label, then QTYPE and QCLASS.
  my ($end, @labels) = (12);
  while ($end < length($query)) {
    my $len = ord(substr($query, $end, 1));
    last if $len == 0 || $len >= 0xC0;
    push @labels, substr($query, $end + 1, $len);
    $end += $len + 1;
  }
  next if $end + 5 > length($query);
  my $question = substr($query, 12, $end + 5 - 12);
  # QR, the query's opcode and RD, AA, RA, RCODE 3 (NXDOMAIN); one question, no records.
  my $reply_flags = 0x8000 | ($flags & 0x7900) | 0x0400 | 0x0080 | 3;
  printf "NXDOMAIN %s type %d\n", join('.', @labels), unpack('n', substr($query, $end + 1, 2));
  $sock->send(pack('n6', $id, $reply_flags, 1, 0, 0, 0) . $question, 0, $peer);
}
