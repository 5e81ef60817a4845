//! Every finding's title, detail and remedy in English: one exhaustive `match`.

use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::texts::{count, plural, seconds};

/// What an inconclusive relay reply was about, and how to get a real answer (English).
fn relay_reason(reason: Option<crate::model::report::RelayReason>) -> (&'static str, &'static str) {
    use crate::model::report::RelayReason::*;
    match reason {
        Some(SenderRejected) => ("the server rejected the probe's sender, the null sender included", "Run mxray with --relay-sender set to an address at a real domain you control (and --helo-name set to this host's name)."),
        Some(HeloRejected) => ("the server rejected the probe's HELO name", "Run mxray with --helo-name set to this host's real, resolvable name."),
        Some(ClientRejected) => ("the server rejected the address mxray connects from (blocklist or reverse DNS)", "Run mxray from a host with a clean address and a reverse DNS name."),
        Some(RecipientRejected) => ("the server rejected the outside recipient's domain as unable to take mail", "Run mxray with --relay-recipient set to a real mailbox at a domain outside the tested one that receives mail."),
        Some(Greylisted) => ("the server greylists new senders", "Run the test again in a few minutes, once the greylisting delay has passed."),
        Some(ProtocolError) => ("the reply code is not allowed for the command", "Check the mail server and any SMTP proxy in front of it."),
        Some(TlsRequired) => ("the server takes mail only over TLS, and the probe ran in plaintext because TLS failed", "Fix the TLS problem reported above; the relay probe then runs inside TLS."),
        Some(NoReply) => ("no valid reply came", "Run the test again; check the server's logs for the session."),
        Some(SameProvider) => ("the relay recipient's domain is served by the same server or provider as this address, which may take mail for it as its own, so this was no relay test", "Run mxray with --relay-recipient set to a mailbox at a domain hosted by another provider."),
        Some(RelayDenied) => ("the server refused the sender before any recipient was named (it wants authentication for all mail), so no outside recipient was tried", "If this host is an MX it must take MAIL FROM without authentication on port 25 (RFC 5321); if it only takes submissions, list another host as MX."),
        Some(RefusedUnstated) => ("the server refused without giving a reason (no relay wording, no status code that says why), which is not proof that it refuses relaying", "If the server refuses relaying, let it say so (Postfix: reject_unauth_destination answers \"Relay access denied\"); to be sure, send a test message through it from a host outside your network to a mailbox outside the domain."),
        Some(RecipientUnknown) => ("the report names the outside recipient as unknown but holds no reply to RCPT TO that says so", "Run the test again; check the server's logs for the session."),
        Some(ServerClosing) => ("the server closed the session (421) before the probe had its answer", "Run the test again later; a 421 means the server is busy, shutting down or limiting connections."),
        Some(Temporary) => ("a temporary failure", "Run the test again later; greylisting and rate limits give temporary answers."),
        Some(Accepted | AcceptedUnverified) | None => ("the probe ended before the outside recipient got an answer", "Run the test again; check the server's logs for the session."),
    }
}

/// Which command went unanswered and how, after the reply before it (English).
fn unanswered(ip: &str, before: &str, u: &crate::model::report::Unanswered) -> String {
    use crate::model::report::NoAnswer;
    let command = &u.command;
    let what = match &u.cause {
        NoAnswer::Timeout { ms } => format!("gave no reply to {command} within {}", seconds(*ms, Lang::En)),
        NoAnswer::Closed => format!("closed the connection at {command}"),
        NoAnswer::Failed { detail } => format!(
            "broke off the exchange at {command} ({detail})",
            detail = crate::texts::library_message(detail, Lang::En)
        ),
    };
    if command == "RCPT TO" && before.starts_with('2') {
        format!("{ip} accepted MAIL FROM (\"{before}\"), then {what}")
    } else {
        format!("{ip} {what}")
    }
}

impl FindingKind {
    pub(super) fn english(&self) -> (String, String, String) {
        use FindingKind::*;
        let s = |a: &str, b: String, c: &str| (a.to_owned(), b, c.to_owned());
        match self {
            NullMx => s("The domain accepts no mail", "It publishes a null MX record (RFC 7505: MX 0 .), so senders bounce mail at once.".into(), "Nothing to do if the domain should not receive mail; otherwise replace the null MX with real MX records."),
            ImplicitMx => s("No MX records: the domain's own address is used", "Without MX records senders fall back to the domain's A/AAAA records (RFC 5321 §5.1).".into(), "Publish an MX record naming your mail server, even when it is the same host."),
            DomainNotFound => s("The domain does not exist", "DNS answered NXDOMAIN: nobody can send mail to it.".into(), "Check the spelling; if it is yours, make sure it is registered and delegated to working name servers."),
            NoMailRecords => s("The domain has no MX and no address records", "DNS has neither MX nor A/AAAA records for it, so mail cannot be delivered.".into(), "Publish an MX record pointing at your mail server, or a null MX (MX 0 .) if the domain sends no mail."),
            DnsFailed { detail } => s("DNS lookup failed", format!("The resolver gave no answer: {detail}.", detail = crate::texts::library_message(detail, Lang::En)), "Check that the domain's name servers answer and that DNSSEC, if used, validates."),
            MxHostsCapped { skipped } => s("Not every MX host was tested", format!("{} beyond the first 10.", count(*skipped, "more MX host exists", "more MX hosts exist")), "Ten MX hosts are plenty; consider removing unused ones."),
            NoReachableMx => s("No mail server accepts connections", "Not one address of any MX host answered on port 25 with a 220 greeting: incoming mail queues and then bounces.".into(), "Make the mail server listen on port 25 and allow inbound TCP 25 from the Internet in every firewall and security group."),
            MxIsCname { host, target } => s("MX target is an alias (CNAME)", format!("{host} is a CNAME for {target}; RFC 2181 §10.3 forbids MX targets that are aliases and some senders refuse them."), "Point the MX record at the canonical host name (the CNAME's target) instead."),
            MxIsIpLiteral { host } => s("MX target is an IP address", format!("The MX record names \"{host}\", which is an address, not a host name."), "An MX record must name a host that has A/AAAA records; create one and point the MX at it."),
            MxHostNoAddress { host, detail } => s("MX host has no address", format!("{host} has no A or AAAA record ({detail}); mail to it cannot be delivered.", detail = crate::texts::library_message(detail, Lang::En)), "Add A/AAAA records for the mail host or fix the MX record's host name."),
            AddressesCapped { host, skipped } => s("Not every address was tested", format!("{host} has {} beyond the first 8.", count(*skipped, "more address", "more addresses")), "Nothing to fix; mxray tests the first 8 addresses of each host."),
            NoIpv6 { host } => s("No IPv6 address", format!("{host} has IPv4 only; senders on IPv6-only networks cannot reach it."), "Add an AAAA record and let the server listen on IPv6."),
            TargetBlocked { ip, range } => s("Address is not public and was not tested", format!("{ip} is {}, unreachable from the Internet; mxray does not connect there.", crate::texts::failures::range_address(range, Lang::En)), "Publish only public addresses for an MX host; use split DNS for internal names."),
            Port25Unreachable { ip, outcome, detail, failure } => s("Port 25 cannot be reached", format!("Connecting to {ip} port 25 failed ({}).", crate::texts::failures::explain_outcome(&crate::texts::tcp_outcome(outcome, Lang::En), failure.as_ref().map(|f| f.text(Lang::En)), detail, Lang::En)), "Check that the mail server runs and listens on port 25, and allow inbound TCP 25 in every firewall, security group and at the provider."),
            BannerNotReady { ip, reply } => s("The server refuses sessions", format!("{ip} greeted with \"{reply}\" instead of 220."), "Check the mail server's load and access rules; a 421 or 554 greeting turns every sender away."),
            BannerMissing { ip, reason, failure } => s("No SMTP greeting", format!("{ip} accepted the connection but gave no valid 220 greeting: {reason}.", reason = crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::En)), reason, Lang::En)), "Check that port 25 is served by an SMTP server and nothing in between (proxy, IPS, tarpit) holds the greeting back."),
            BannerLeaksVersion { software, version } => s("The banner reveals the software version", format!("The greeting names {software} {version}."), "Hide the version in the banner (Postfix: smtpd_banner = $myhostname ESMTP); it helps attackers pick exploits."),
            SmtpInspection { ip, banner_masked, ehlo_masked, starttls_hidden } => {
                let seen = match (banner_masked, ehlo_masked) {
                    (true, true) => "masks the greeting with asterisks and turns EHLO into XXXX, which the mail server refuses",
                    (false, _) => "turns EHLO into XXXX, which the mail server refuses",
                    (true, false) => "masks the greeting with asterisks",
                };
                let consequence = if *starttls_hidden { "; senders fall back to HELO and cannot see STARTTLS, so mail to this address travels unencrypted. The mail server is not at fault" } else { "; STARTTLS still passes, but such inspection is known to break it" };
                s("A firewall in front of the server rewrites SMTP", format!("Something between the Internet and {ip} (Cisco ASA/PIX SMTP inspection) {seen}{consequence}."), "Disable the firewall's SMTP inspection for this server (Cisco ASA: no inspect esmtp in the policy map; PIX: no fixup protocol smtp 25), then check that EHLO offers STARTTLS.")
            }
            EhloRefused { ip } => s("EHLO refused, HELO used", format!("{ip} refused EHLO; without ESMTP there is no STARTTLS, SIZE or 8BITMIME."), "Enable ESMTP (EHLO) on the mail server."),
            HeloFailed { ip, reply } => s("Neither EHLO nor HELO accepted", format!("{ip} answered \"{reply}\"."), "Check the server's HELO restrictions; a sender must be able to introduce itself."),
            StartTlsNotOffered { ip } => s("STARTTLS not offered", format!("{ip} does not offer STARTTLS: mail to it travels unencrypted."), "Enable STARTTLS with a certificate for the MX name (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file, smtpd_tls_security_level = may)."),
            StartTlsRejected { ip, reply, no_reply } => s("STARTTLS offered but refused", match no_reply { Some(f) => format!("{ip} announced STARTTLS, then gave no valid reply to it: {}.", f.text(Lang::En)), None => format!("{ip} announced STARTTLS, then answered \"{reply}\".") }, "Check the TLS settings and that the certificate and key files are readable by the mail server."),
            TlsHandshakeFailed { ip, error, problem } => s("TLS handshake failed", format!("After STARTTLS the handshake with {ip} failed: {error}.", error = crate::texts::failures::explain(problem.as_ref().map(|p| p.text(Lang::En)), error, Lang::En)), "Enable TLS 1.2 and 1.3 with modern ciphers and check the certificate and key the server loads."),
            StartTlsInjection { ip } => s("Plaintext sent after STARTTLS", format!("{ip} sent unrequested bytes after its 220 reply to STARTTLS, before TLS began. A client that took them for TLS-protected replies could be fed injected answers; mxray dropped that connection and ran the relay probe on a fresh one."), "Check the mail server and any middlebox in front of it (SMTP inspection, proxy): nothing may follow the 220 reply to STARTTLS before the handshake."),
            TlsOk { version, cipher } => s("TLS works", format!("{version} with {cipher}."), "Nothing to do."),
            CertificateExpired { not_after } => s("Certificate expired", format!("The certificate was valid until {not_after}."), "Renew the certificate now, with the exact MX host name in its SAN, and reload the mail server."),
            CertificateExpiresSoon { days, not_after } => s("Certificate expires soon", format!("It expires in {} ({not_after}).", count(*days, "day", "days")), "Renew the certificate now and check that automatic renewal reloads the mail server."),
            CertificateNameMismatch { host, names } => s("Certificate does not match the MX name", format!("{host} is not among the certificate's names ({names})."), "Renew the certificate with the exact MX host name in its SAN."),
            CertificateSelfSigned { subject } => s("Self-signed certificate", format!("The certificate ({subject}) is signed by itself."), "Use a certificate from a public CA (e.g. Let's Encrypt) with the MX host name in its SAN."),
            CertificateNotYetValid { not_before } => s("Certificate not yet valid", format!("The certificate is valid only from {not_before}; senders that check certificates reject it until then."), "Install a certificate that is valid now (reissue it if its start date is in the future) and check the clock of the machine that issued it."),
            CertificateIntermediateExpired { subject, not_after } => s("Intermediate certificate expired", format!("The intermediate certificate {subject}, sent with the leaf, expired on {not_after}; senders that check certificates reject the chain."), "Replace the intermediate in the chain file with the current one from your CA (or renew the certificate and send the chain the CA delivers with it), then reload the mail server."),
            CertificateIntermediateNotYetValid { subject, not_before } => s("Intermediate certificate not yet valid", format!("The intermediate certificate {subject}, sent with the leaf, is valid only from {not_before}; senders that check certificates reject the chain."), "Send the intermediate your CA currently issues with (the chain delivered with the certificate), then reload the mail server."),
            CertificateUnreadable { error } => s("Certificate cannot be read", format!("TLS was established, but mxray's X.509 parser cannot read the server's certificate ({error}), so its name, dates and key were not judged; strict senders may reject it too.", error = crate::texts::library_message(error, Lang::En)), "Reissue the certificate from a standard CA and check that the server sends it unmodified (DER, leaf first)."),
            CertificateUntrusted { error, issuer, sent, issuer_sent } => match issuer {
                Some(i) if *issuer_sent => s("Certificate not trusted: unknown root", format!("The chain sent ends at the root {i}, which is not a publicly trusted root (a private or internal CA); senders that check certificates cannot verify it."), "Use a certificate from a public CA (e.g. Let's Encrypt) that names the MX host; a private CA is trusted only by senders configured for it."),
                Some(i) if *sent == 1 => s("Certificate not trusted: intermediate missing", format!("The server sends only its own certificate; the certificate that issued it ({i}) is missing, so senders cannot build a chain to a trusted root."), "Configure the full chain: the server's certificate followed by the CA's intermediate certificate (Postfix: smtpd_tls_chain_files with key, certificate and intermediates, or the intermediate appended to the smtpd_tls_cert_file), then reload the mail server."),
                Some(i) => s("Certificate not trusted: intermediate missing", format!("The chain sent ends with a certificate issued by {i}, which is neither among the certificates sent nor a trusted root: that intermediate is missing (or it belongs to a private CA)."), "Configure the full chain: the server's certificate followed by every intermediate up to the CA's root (Postfix: smtpd_tls_chain_files, or the intermediates appended to the smtpd_tls_cert_file), then reload the mail server."),
                None => s("Certificate not trusted", format!("The chain does not verify to a public root: {error}.", error = crate::texts::library_message(error, Lang::En)), "Install a certificate from a public CA and send the full chain (leaf and intermediates)."),
            },
            CertificateWeakKey { algorithm, bits } => s("Weak certificate key", format!("{algorithm} key of {bits} bits."), "Reissue the certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key."),
            CertificateValid { days } => s("Certificate valid", format!("Trusted, names the MX host, {} left.", count(*days, "day", "days")), "Nothing to do."),
            OpenRelay { ip, reply } => s("Open relay", format!("{ip} accepted mail for an outside domain without authentication: \"{reply}\". Spammers will abuse it and the server will be blacklisted. mxray never sends DATA, so no message went out; some gateways accept every recipient and refuse only at the end of the data: to confirm, send a test message through {ip} from a host outside your network to a mailbox you control outside the domain (e.g. swaks --server {ip} --to you@elsewhere.example)."), "Refuse unauthenticated relaying: accept mail only for your own domains unless the client authenticated (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination)."),
            RelayRefused { reply } => s("Not an open relay", format!("Mail for an outside domain was refused: \"{reply}\"."), "Nothing to do."),
            RelayInconclusive { ip, reply, reason: Some(crate::model::report::RelayReason::SameProvider), .. } => s("Relay not tested: the recipient's domain is served by the same provider", format!("The relay probe's recipient domain is served by the same server or provider as {ip}, which may take mail for it as its own; its answer (\"{reply}\") says nothing about relaying, so whether it is an open relay was not tested."), "Run mxray with --relay-recipient set to a mailbox at a domain hosted by another provider."),
            RelayInconclusive { ip, reply, reason: _, unanswered: Some(u) } => {
                s("Relay test inconclusive", format!("{}: nothing was accepted, so whether it is an open relay could not be tested.", unanswered(ip, reply, u)), "Run the test again; if it repeats, check the server's logs for the session: a server that drops or stalls the dialogue there fails real senders too.")
            }
            RelayInconclusive { ip, reply, reason, unanswered: None } => {
                let (why, remedy) = relay_reason(*reason);
                s("Relay test inconclusive", format!("{ip} answered \"{reply}\": {why}, which says nothing about relaying, so whether it is an open relay could not be tested."), remedy)
            }
            UnsolicitedReply { ip, after, data } => s("The server sent replies nobody asked for", format!("After {}, {ip} sent \"{data}\" before mxray said anything more. Replies would pair with the wrong commands, so mxray stopped and gives no relay verdict.", if after == "greeting" { "the greeting" } else { after.as_str() }), "Check the server and anything in front of it (proxy, firewall SMTP inspection, load balancer): every reply must answer exactly one command."),
            ProtocolViolation { ip, command, reply } => s("Reply code not allowed for the command", format!("{ip} answered {command} with \"{reply}\", a code that command does not allow (RFC 5321 §4.3.2)."), "Check the mail server and any SMTP proxy in front of it; senders treat such replies as errors."),
            NothingTested { blocked, no_route, refused } => s("Mail delivery could not be tested", format!("No address of any MX host could be tested: {blocked} not public, {no_route} not reachable from the machine running mxray, {refused} refused mxray itself. Nothing here shows that mail to this domain can be delivered."), "Publish public addresses for the MX hosts; if they are public, run mxray from a host with IPv6, a clean address and reverse DNS."),
            TesterRefused { ip, step, reply, reason } => {
                let (whom, remedy) = if *reason == crate::model::report::RelayReason::HeloRejected {
                    ("mxray's HELO name", "Run mxray with --helo-name set to this host's real, resolvable name.")
                } else {
                    ("the address mxray connects from (blocklist or reverse DNS)", "Run mxray from a host whose address is on no blocklist and has a reverse DNS name; check your own senders against the same lists.")
                };
                s("The server refused mxray, not senders in general", format!("{ip} answered the {step} with \"{reply}\": it refused {whom}, so the rest could not be tested from here."), remedy)
            }
            MxNotPublic { host } => s("MX host has only non-public addresses", format!("Every address of {host} is private, loopback or otherwise not routed on the Internet; mxray did not connect, and no sender on the Internet can."), "Point the MX record at a host with public A/AAAA records; keep internal addresses in internal DNS only."),
            NullMxWithOtherMx => s("Null MX next to other MX records", "The domain publishes a null MX (MX 0 .) and other MX records; RFC 7505 says a null MX must be the only one, and senders differ: some bounce, some deliver, some delay.".into(), "Remove the null MX if the domain receives mail, or remove the other MX records if it does not."),
            NoRouteFromHere { ip, detail } => s("Not testable from here", format!("The machine running mxray has no route to {ip}{detail}; this says nothing about the server.", detail = crate::texts::failures::paren(&crate::texts::failures::explain(None, detail, Lang::En))), "Run the check from a host with connectivity for this address family (usually IPv6)."),
            TlsNotTestable { ip, reason, why } => s("STARTTLS could not be tested", format!("{ip} offers STARTTLS, but mxray could not test it: {reason}.", reason = crate::texts::failures::explain(why.as_ref().map(|w| w.text(Lang::En)), reason, Lang::En)), "Give the MX a plain host name (letters, digits, hyphens) so that certificates can name it."),
            k @ (TlsLegacyOnly { .. }
            | TlsLegacyAccepted { .. }
            | TlsLegacyNotTested { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblListed { .. }
            | DnsblNotTested { .. }) => crate::texts::depth::english(k),
            k @ (TlsOutdatedSuitesOnly { .. }
            | TlsWeakSuites { .. }
            | TlsClientOrder { .. }
            | TlsWeakDh { .. }
            | TlsWeakRsaKey { .. }
            | TlsSha1Signature { .. }
            | TlsNoSecureRenegotiation { .. }
            | TlsCompression { .. }) => crate::texts::quality::english(k),
            TlsNoSharedCipher { ip, error } => s("No TLS cipher in common", format!("{ip} accepts none of the modern cipher suites or key exchange groups offered ({error}).", error = crate::texts::library_message(error, Lang::En)), "Enable the ECDHE AEAD cipher suites (AES-GCM, ChaCha20-Poly1305) and the X25519/P-256 groups on the mail server."),
            SessionAborted { ip, reason, failure } => s("The SMTP session broke off", format!("The session with {ip} ended early: {reason}.", reason = crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::En)), reason, Lang::En)), "Check the server's logs for the session; a server should answer every command with a valid reply."),
            DeadlineReached { ip } => s("The server was too slow", format!("{ip} did not finish the session within the deadline."), "Check for tarpitting, overload or slow DNS lookups on the mail server."),
            k @ (RelayBypassAccepted { .. }
            | OpenRelayLocalSender { .. }
            | RelayRevisited { .. }
            | AuthInPlaintext { .. }
            | PortNotServing { .. }
            | PortTlsFailed { .. }
            | SubmissionNoAuth { .. }
            | GreetingTimeout { .. }
            | ServerClosed { .. }) => crate::texts::session::texts(k, Lang::En),
            k @ (DaneTaRejected { .. }
            | DaneNotInForce { .. }
            | CertificateIntermediateUnused { .. }
            | MtaStsMxNotTested { .. }) => crate::texts::trust::texts(k, Lang::En),
            k @ (Port25NoAnswer { .. } | EgressBlocked { .. } | Port25Timeout { .. }) => crate::texts::egress::texts(k, Lang::En),
            PortCertificate { ip, port, finding } => crate::texts::ports::certificate_texts(ip, *port, finding, Lang::En),
            MxDnssecBogus { detail } => s("The MX records fail DNSSEC validation", format!("The domain's MX answer is signed, but its signatures do not validate ({}); validating resolvers answer SERVFAIL, so senders behind them cannot find your mail servers.", crate::texts::library_message(detail, Lang::En)), "Fix the zone's signing: re-sign it, check that no signature has expired and that the DS record at the parent matches a current DNSKEY."),
            AddressDnssecBogus { host, detail } => s("The MX host's addresses fail DNSSEC validation", format!("The A/AAAA answer for {host} is signed, but its signatures do not validate ({}); validating resolvers answer SERVFAIL, so senders behind them cannot reach it.", crate::texts::library_message(detail, Lang::En)), "Fix the zone's signing: re-sign it, check that no signature has expired and that the DS record at the parent matches a current DNSKEY."),
            DaneTlsaBogus { host, detail } => s("DANE TLSA records fail DNSSEC validation", format!("The TLSA answer for _25._tcp.{host} does not validate ({}); DANE senders (RFC 7672) that get a bogus TLSA answer defer mail to this host instead of delivering it.", crate::texts::library_message(detail, Lang::En)), "Fix the DNSSEC chain of the zone holding the TLSA records: re-sign it and make the parent's DS record match a current DNSKEY."),
            DnssecResolverBlind { anchor } => s("DNSSEC and DANE could not be judged from here", format!("The resolver mxray asks does not pass DNSSEC data on: even the trust anchor's zone ({anchor}) does not validate through it. So nothing is known about the domain's DNSSEC, and DANE could not be judged for any of its hosts; this says nothing about the domain."), "Run mxray with a validating resolver that passes DNSSEC data on, e.g. --resolver 127.0.0.1:53 for a local Unbound, or ask the operator of this mxray to configure one."),
            DaneTlsaUnknown { host, detail, reason } => s("DANE not tested: the TLSA lookup failed", format!("The TLSA lookup for _25._tcp.{host} gave no answer mxray could validate ({}); validating resolvers answer SERVFAIL for bogus data, and DANE senders defer mail while the lookup fails.", crate::texts::dane::why(reason.as_ref(), detail, Lang::En)), "Check that the zone's name servers answer TLSA queries (also with 'no such name') and that its DNSSEC signatures validate."),
            DaneTlsaInsecure { host } => s("TLSA records without DNSSEC are ignored", format!("_25._tcp.{host} has TLSA records, but the zone is not DNSSEC-signed; DANE (RFC 7672) counts only TLSA records that validate, so senders ignore these."), "Sign the zone with DNSSEC and publish its DS record at the parent, or remove the TLSA records."),
            DaneUnusableRecords { host, records } => s("TLSA records not usable for SMTP", format!("_25._tcp.{host} publishes {records}; RFC 7672 §3.1.3 tells SMTP senders to ignore the PKIX usages 0 and 1 (and unknown selectors or matching types), so these protect no mail."), "Publish DANE records instead: \"3 1 1\" with the SHA-256 of the server's public key (SPKI), or \"2 1 1\" with the issuing CA's key."),
            DaneMatched { ip, record } => s("DANE matches", format!("{ip} presented a chain that matches the DNSSEC-signed TLSA record {record}: DANE senders authenticate it and never fall back to plaintext."), "Nothing to do; before a new key goes live, publish its \"3 1 1\" record beside the current one and remove the old record only after the TTL has passed."),
            DaneNoMatch { ip, detail, why } => s("DANE mismatch: senders will not deliver", format!("{ip} presented a chain that matches none of the host's DNSSEC-signed TLSA records{detail}; DANE senders (RFC 7672) refuse to deliver to it and queue the mail.", detail = crate::texts::failures::paren(&crate::texts::failures::dane_why(why.as_ref(), detail, Lang::En))), "Publish a TLSA record that matches the certificate the server presents (\"3 1 1\" with its public key's SHA-256) or restore the key the records name; roll over by publishing the next key's record before switching."),
            DaneNoTls { ip, detail, why } => s("DANE published, but no TLS", format!("The host has DNSSEC-signed TLSA records, so DANE senders require TLS, but {ip} gave no TLS session{detail}; they will not deliver to it.", detail = crate::texts::failures::paren(&crate::texts::failures::dane_why(why.as_ref(), detail, Lang::En))), "Make STARTTLS work with the certificate the TLSA records name, or remove the TLSA records until it does."),
            DaneNotTested { ip, reason, why } => s("DANE not tested at this address", format!("DANE could not be judged at {ip}: {reason}.", reason = crate::texts::failures::dane_why(why.as_ref(), reason, Lang::En)), "Run the test again once the address answers; the TLSA records are shown with the host."),
            CertificateDaneEe { record } => s("Certificate authenticated by DANE-EE", format!("The server's certificate matches the DANE-EE record {record}; DANE senders pin it and ignore its names, dates and issuer (RFC 7672 §3.1.1), so those are not judged here."), "Nothing to do for DANE senders; senders that rely on MTA-STS or public CAs still need a trusted certificate for the MX name."),
            MtaStsMissing => s("No MTA-STS policy", "The domain publishes no _mta-sts TXT record, so senders use STARTTLS only opportunistically and anyone on the path can strip it; MTA-STS (RFC 8461) lets a domain demand TLS with a valid certificate.".into(), "Serve a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (version: STSv1, mode: testing, later enforce, one mx: line per MX host, max_age: 604800) and publish the TXT record _mta-sts.<domain> \"v=STSv1; id=<date>\"."),
            PolicyLookupFailed { name, detail } => s("Policy record could not be looked up", format!("The TXT lookup of {name} failed ({detail}), so whether the policy exists is unknown.", detail = crate::texts::library_message(detail, Lang::En)), "Check that the domain's name servers answer TXT queries for this name, then run the test again."),
            MtaStsRecordMultiple { count } => s("Several MTA-STS records", format!("{count} TXT records at _mta-sts start with v=STSv1; RFC 8461 §3.1 tells senders to ignore MTA-STS entirely then."), "Keep exactly one record \"v=STSv1; id=…\" at _mta-sts and delete the others."),
            MtaStsRecordIgnored { name, record, reason, counted: None } => s("MTA-STS record published, but ignored by senders", format!("A TXT record is published at {name}, but senders ignore it: {}. Senders therefore see no MTA-STS record. The record as published: {record:?}.", crate::texts::policy::ignored_reason_text(*reason, "v=STSv1", Lang::En)), "Publish the value exactly as v=STSv1; id=<1 to 32 letters or digits>, then check what the name really holds with: dig +short TXT <name>."),
            MtaStsRecordIgnored { name, record, reason, counted: Some(counted) } => s("A second TXT record at _mta-sts is ignored", format!("Senders read the MTA-STS record {counted:?} at {name}; the other TXT record there, {record:?}, they ignore: {}.", crate::texts::policy::ignored_reason_text(*reason, "v=STSv1", Lang::En)), "Delete the record senders ignore, so that the name holds only the one they read (and change its id when the policy changes)."),
            MtaStsRecordMalformed { record, problem } => s("MTA-STS record malformed", format!("The record \"{record}\" is not valid: {}; senders ignore MTA-STS for the domain (RFC 8461 §3.1).", problem.text(Lang::En)), "Publish exactly \"v=STSv1; id=<1 to 32 letters or digits>\" and change the id whenever the policy changes."),
            MtaStsPolicyUnavailable { url, error } => s("MTA-STS policy cannot be fetched", format!("{url}: {}. Senders that cannot fetch the policy act as if the domain had no MTA-STS (RFC 8461 §3.3).", error.text(Lang::En)), "Serve the policy at this URL over HTTPS with a certificate valid for the mta-sts host: status 200, Content-Type text/plain, no redirect, at most 64 KiB."),
            MtaStsPolicyLenient { comment_lines, blank_lines } => {
                let mut parts = Vec::new();
                if !comment_lines.is_empty() {
                    parts.push(format!("{} starting with #", crate::texts::policy::line_numbers(comment_lines, Lang::En)));
                }
                if !blank_lines.is_empty() {
                    parts.push(format!("blank {}", crate::texts::policy::line_numbers(blank_lines, Lang::En)));
                }
                s("MTA-STS policy has lines strict senders may reject", format!("The policy file has {}: RFC 8461 §3.2 allows neither comments nor blank lines. Lenient senders such as postfix-mta-sts-resolver skip them, and mxray read the policy the same way; a strict sender may reject the whole file and apply no policy.", parts.join(" and ")), "Remove the comment and blank lines from mta-sts.txt, so that it holds only key: value lines.")
            }
            MtaStsPolicyInvalid { problems } => s("MTA-STS policy invalid", format!("The policy file is not valid: {}; senders ignore it (RFC 8461 §3.2).", crate::texts::policy::problems_text(problems, Lang::En)), "Write the policy as the lines version: STSv1, mode: enforce, testing or none, max_age: seconds up to 31557600, and one mx: line per MX host (a leading *. covers one label)."),
            MtaStsMxNotListed { host, patterns, mode } => s("MX host not covered by the MTA-STS policy", match mode {
                crate::model::policy::StsMode::Enforce => format!("{host} matches none of the policy's mx patterns ({patterns}); in enforce mode, senders that honour MTA-STS will not deliver to it."),
                _ => format!("{host} matches none of the policy's mx patterns ({patterns}); in testing mode senders still deliver but report a failure, and enforce mode would stop delivery there."),
            }, "Add an mx: line for this host to the policy and change the id in the _mta-sts record, or remove the MX record."),
            MtaStsMxTlsInvalid { host, ip, failure, mode } => s("MX host fails the MTA-STS policy", match mode {
                crate::model::policy::StsMode::Enforce => format!("{ip} of {host}: {}. MTA-STS demands STARTTLS with a certificate valid for the MX name; in enforce mode, senders that honour it will not deliver there.", failure.label(Lang::En)),
                _ => format!("{ip} of {host}: {}. MTA-STS demands STARTTLS with a certificate valid for the MX name; in testing mode senders still deliver but report a failure.", failure.label(Lang::En)),
            }, "Offer STARTTLS on every address with a certificate from a public CA that names the MX host, and send the full chain."),
            MtaStsModeNone => s("MTA-STS policy withdrawn (mode none)", "The policy's mode is none: senders drop any MTA-STS policy they cached and deliver as without it.".into(), "Nothing to do if MTA-STS is being retired; otherwise set mode: testing, then enforce, and change the id in the _mta-sts record."),
            MtaStsTesting { hosts } => s("MTA-STS in testing mode", format!("{} valid TLS, but in testing mode senders only report failures and still deliver over an unprotected connection.", plural(*hosts, "The one MX host matches the policy and offers", &format!("All {hosts} MX hosts match the policy and offer"))), "Switch the policy to mode: enforce and change the id in the _mta-sts record."),
            MtaStsMaxAgeShort { max_age } => s("MTA-STS max_age is short", format!("max_age is {max_age} s; RFC 8461 expects days to weeks, so senders keep the policy between visits and a downgrade cannot simply wait for it to expire."), "Set max_age to 604800 (a week) or more, at most 31557600."),
            MtaStsProtected { hosts } => s("Protected against STARTTLS downgrade (MTA-STS enforce)", format!("The policy is in enforce mode and {} with valid certificates, so senders that honour MTA-STS refuse a stripped or redirected connection.", plural(*hosts, "the one MX host matches it", &format!("all {hosts} MX hosts match it"))), "Nothing to do; update the policy and its id before changing MX hosts or certificates."),
            TlsRptMissing { domain } => s("No TLS-RPT record", format!("The domain uses MTA-STS or DANE but publishes no _smtp._tls.{domain} TXT record, so senders cannot report TLS failures (TLS-RPT, RFC 8460) and a broken policy goes unnoticed."), "Publish a TXT record _smtp._tls.<domain> \"v=TLSRPTv1; rua=mailto:tlsrpt@<domain>\" pointing at a mailbox that receives the daily reports."),
            TlsRptRecordMultiple { count } => s("Several TLS-RPT records", format!("{count} TXT records at _smtp._tls start with v=TLSRPTv1; senders ignore them all (RFC 8460 §3)."), "Keep exactly one record \"v=TLSRPTv1; rua=…\" and delete the others."),
            TlsRptRecordIgnored { name, record, reason, counted: None } => s("TLS-RPT record published, but ignored by senders", format!("A TXT record is published at {name}, but senders ignore it: {}. Senders therefore send no TLS reports. The record as published: {record:?}.", crate::texts::policy::ignored_reason_text(*reason, "v=TLSRPTv1", Lang::En)), "Publish the value exactly as v=TLSRPTv1; rua=mailto:<address>, then check what the name really holds with: dig +short TXT <name>."),
            TlsRptRecordIgnored { name, record, reason, counted: Some(counted) } => s("A second TXT record at _smtp._tls is ignored", format!("Senders read the TLS-RPT record {counted:?} at {name}; the other TXT record there, {record:?}, they ignore: {}.", crate::texts::policy::ignored_reason_text(*reason, "v=TLSRPTv1", Lang::En)), "Delete the record senders ignore, so that the name holds only the one they read."),
            TlsRptRecordMalformed { record, problem } => s("TLS-RPT record malformed", format!("The record \"{record}\" is not valid: {}; senders send no TLS reports (RFC 8460 §3).", problem.text(Lang::En)), "Publish \"v=TLSRPTv1; rua=mailto:address@your-domain\" (several targets separated by commas)."),
            TlsRptBadTarget { uri, problem } => s("TLS-RPT report target unusable", format!("The rua target \"{uri}\": {}; senders cannot deliver reports there (RFC 8460 §3).", problem.label(Lang::En)), "Use targets of the form mailto:local@domain or https://host/path."),
        }
    }
}
