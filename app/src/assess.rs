//! Judging the facts: findings and one-glance marks derived from report data. Pure, so the fold,
//! the page and a re-opened report all reach the same verdict.

use std::net::IpAddr;

use crate::dane::AddressDane;
use crate::findings::FindingKind;
use crate::report::{
    AddressReport, CertificateInfo, CertificateReport, DnsFailure, Family, Mark, MxHost, MxSource, RelayOutcome,
    RelayReport, Report, StartTlsOutcome, TcpOutcome, TlsFailure,
};

/// Days before expiry from which a certificate earns a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;
/// Smallest RSA key that is not weak.
const MIN_RSA_BITS: u32 = 2048;
/// The SMTP greeting code for "service ready".
const READY: u16 = 220;
/// The reply code with which a server closes the session, allowed for every command (RFC 5321 §3.8).
const CLOSING: u16 = 421;

/// The six steps shown for each address, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// TCP connect.
    Tcp,
    /// Greeting.
    Banner,
    /// EHLO.
    Ehlo,
    /// STARTTLS.
    StartTls,
    /// Certificate.
    Certificate,
    /// Open-relay probe.
    OpenRelay,
}

impl Step {
    /// All steps in display order.
    pub const ALL: [Step; 6] =
        [Step::Tcp, Step::Banner, Step::Ehlo, Step::StartTls, Step::Certificate, Step::OpenRelay];
}

/// The mark of one step at one address.
pub fn step_mark(a: &AddressReport, step: Step) -> Mark {
    let unknown = if a.done { Mark::NotApplicable } else { Mark::Pending };
    match step {
        Step::Tcp => match a.tcp.as_ref().map(|t| t.outcome) {
            None => unknown,
            Some(TcpOutcome::Connected) => Mark::Ok,
            Some(TcpOutcome::Blocked) => Mark::Warning,
            Some(TcpOutcome::NoRoute) => Mark::Inconclusive,
            // No address of the domain answered: maybe this network drops port 25, not the server.
            Some(TcpOutcome::Timeout) if a.timeout_may_be_local => Mark::Inconclusive,
            Some(_) => Mark::Critical,
        },
        Step::Banner => match &a.banner {
            None => unknown,
            Some(b) if b.code == Some(READY) => Mark::Ok,
            Some(b) if b.refuses_tester.is_some() => Mark::Inconclusive,
            // Slow, not dead: the greeting may still come (senders wait 5 minutes).
            Some(b) if b.code.is_none() && b.greeting_timeout_secs.is_some() => Mark::Inconclusive,
            Some(_) => Mark::Critical,
        },
        Step::Ehlo => match &a.ehlo {
            None => unknown,
            // Refused for mxray itself, or the server is closing: not tested, never a fault.
            Some(e) if e.code != Some(250) && e.refuses_tester.is_some() => Mark::Inconclusive,
            Some(e) if e.code == Some(CLOSING) => Mark::Inconclusive,
            Some(e) if e.code != Some(250) => Mark::Critical,
            Some(e) if e.helo_fallback => Mark::Warning,
            Some(_) => Mark::Ok,
        },
        Step::StartTls => match &a.starttls {
            // EHLO worked, then the session ended (deadline, broken connection): not tested, not n/a.
            None if a.done && step_mark(a, Step::Ehlo) == Mark::Ok => Mark::Inconclusive,
            None => unknown,
            Some(s) if s.pipelined_plaintext => Mark::Critical,
            Some(s) => match s.outcome {
                StartTlsOutcome::Ok => Mark::Ok,
                StartTlsOutcome::Skipped => Mark::NotApplicable,
                StartTlsOutcome::NotTestable => Mark::Inconclusive,
                _ => Mark::Critical,
            },
        },
        Step::Certificate => match &a.certificate {
            // No chain to judge because STARTTLS itself could not be tested: not tested either.
            None if a.done && step_mark(a, Step::StartTls) == Mark::Inconclusive => Mark::Inconclusive,
            None => unknown,
            // Unreadable: nothing could be judged, and other parsers may accept it; a warning.
            Some(c) if c.parse_error.is_some() => Mark::Warning,
            // DANE-EE pins the certificate: its names, dates and issuer do not count (RFC 7672 §3.1.1).
            Some(c) if dane(a, AddressDane::ee_matched) => {
                if weak_key(c).is_some() {
                    Mark::Warning
                } else {
                    Mark::Ok
                }
            }
            // DANE-TA vouched for the issuer, but the name or the dates fail: DANE senders defer.
            Some(_) if dane(a, AddressDane::ta_rejected) => Mark::Critical,
            Some(c) if c.expired || c.not_yet_valid || out_of_date_intermediates(c).next().is_some() => Mark::Critical,
            Some(c)
                if ((!c.trusted || c.self_signed) && !dane(a, AddressDane::ta_anchored))
                    || !c.hostname_matches
                    || c.days_until_expiry < EXPIRY_WARNING_DAYS
                    || weak_key(c).is_some() =>
            {
                Mark::Warning
            }
            Some(_) => Mark::Ok,
        },
        Step::OpenRelay => match a.open_relay.as_ref().map(|r| r.outcome) {
            // The server greeted but the probe never ran: not tested, never "ok".
            None if a.done && step_mark(a, Step::Banner) == Mark::Ok => Mark::Inconclusive,
            None => unknown,
            Some(RelayOutcome::Accepted) => Mark::Critical,
            // Refused for a stranger, but relayed for a forged local sender: open all the same.
            Some(RelayOutcome::Refused) if a.open_relay.as_ref().is_some_and(RelayReport::relays_for_local_sender) => {
                Mark::Critical
            }
            // Refused, but a routing address was taken: a warning, never critical on its own.
            Some(RelayOutcome::Refused)
                if a.open_relay.as_ref().is_some_and(|r| r.bypass.iter().any(|b| b.accepted)) =>
            {
                Mark::Warning
            }
            Some(RelayOutcome::Refused) if a.open_relay.as_ref().is_some_and(refusal_shown) => Mark::Ok,
            // "Refused" without the reply that shows it (an old or hand-made report): not tested.
            Some(RelayOutcome::Refused) => Mark::Inconclusive,
            Some(RelayOutcome::Inconclusive) => Mark::Inconclusive,
            Some(RelayOutcome::Skipped) => Mark::NotApplicable,
        },
    }
}

/// True when the deciding attempt's reply to `RCPT TO` of the outside recipient shows that the server
/// does not relay (refused about relaying, or the recipient unknown there). Only then may the probe
/// read as "not an open relay".
fn refusal_shown(r: &RelayReport) -> bool {
    let shows = |rcpt_to: &Option<String>, reason: Option<crate::report::RelayReason>| {
        rcpt_to.is_some() && reason.is_some_and(|r| r.refuses_relaying())
    };
    shows(&r.rcpt_to, r.reason) && r.attempts.last().is_none_or(|last| shows(&last.rcpt_to, Some(last.reason)))
}

/// True when the address has a DANE verdict for which `test` holds.
fn dane(a: &AddressReport, test: fn(&AddressDane) -> bool) -> bool {
    a.dane.as_ref().is_some_and(test)
}

/// The leaf's key algorithm and size when it is a weak RSA key.
fn weak_key(c: &CertificateReport) -> Option<(String, u32)> {
    let leaf = c.chain.first()?;
    match leaf.key_bits {
        Some(bits) if leaf.key_algorithm == "RSA" && bits < MIN_RSA_BITS => Some((leaf.key_algorithm.clone(), bits)),
        _ => None,
    }
}

/// How bad a mark is, for "the worst of several" (pending ranks highest: the answer is not in yet).
fn badness(m: Mark) -> u8 {
    match m {
        Mark::NotApplicable => 0,
        Mark::Ok => 1,
        Mark::Inconclusive => 2,
        Mark::Warning => 3,
        Mark::Critical => 4,
        Mark::Pending => 5,
    }
}

/// The worst mark of one step over a host's addresses.
fn worst(host: &MxHost, step: Step) -> Mark {
    host.addresses.iter().map(|a| step_mark(a, step)).max_by_key(|m| badness(*m)).unwrap_or(Mark::NotApplicable)
}

/// The one-glance status of a host.
pub fn host_status(host: &MxHost) -> crate::report::HostStatus {
    crate::report::HostStatus {
        reachable: reachability(host),
        starttls: worst(host, Step::StartTls),
        certificate_valid: worst(host, Step::Certificate),
        open_relay: worst(host, Step::OpenRelay),
    }
}

fn reachability(host: &MxHost) -> Mark {
    let reaches: Vec<Reach> = host.addresses.iter().map(reach).collect();
    if host.resolving || reaches.contains(&Reach::Pending) {
        return Mark::Pending;
    }
    let count = |r: Reach| reaches.iter().filter(|x| **x == r).count();
    let (tested, ready) = (reaches.len() - count(Reach::Untested), count(Reach::Greeted));
    match (tested, ready) {
        (0, _) if host.addresses.is_empty() => Mark::Critical,
        (0, _) => Mark::Inconclusive,
        (n, r) if r == n => Mark::Ok,
        (_, 0) if count(Reach::Failed) > 0 => Mark::Critical,
        // Only slow greetings, or timeouts that may be this network: not decided.
        (_, 0) => Mark::Inconclusive,
        _ => Mark::Warning,
    }
}

/// What one address showed about reaching a mail server on its port 25.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Still running.
    Pending,
    /// Greeted with 220.
    Greeted,
    /// Not tried, or turned away as mxray itself (guard, no route from here, mxray's address refused).
    Untested,
    /// Connected, but no complete greeting within the wait or the deadline: it may greet later.
    Slow,
    /// The connect timed out while no address of the domain answered: maybe this network.
    Silent,
    /// Refused, reset, unreachable, timed out while others answered, closed or not 220: a fault.
    Failed,
}

/// How far `a` got towards a greeting ([`Reach`]).
fn reach(a: &AddressReport) -> Reach {
    if a.banner.is_none() && !a.done {
        return Reach::Pending;
    }
    if !attempted(a) {
        return Reach::Untested;
    }
    match (&a.banner, a.tcp.as_ref().map(|t| t.outcome)) {
        (Some(b), _) if b.code == Some(READY) => Reach::Greeted,
        (Some(b), _) if b.code.is_none() && b.greeting_timeout_secs.is_some() => Reach::Slow,
        (None, Some(TcpOutcome::Connected)) if a.deadline_hit => Reach::Slow,
        (None, Some(TcpOutcome::Timeout)) if a.timeout_may_be_local => Reach::Silent,
        _ => Reach::Failed,
    }
}

/// Findings about the domain as a whole.
pub fn domain_findings(r: &Report) -> Vec<FindingKind> {
    let mut out = Vec::new();
    match r.mx_source {
        MxSource::NullMx => out.push(FindingKind::NullMx),
        MxSource::Implicit => out.push(FindingKind::ImplicitMx),
        MxSource::Mx | MxSource::None => {}
    }
    match &r.dns.error {
        Some(DnsFailure::Nxdomain) => out.push(FindingKind::DomainNotFound),
        Some(DnsFailure::NoRecords) => out.push(FindingKind::NoMailRecords),
        Some(DnsFailure::Failed { detail }) => out.push(FindingKind::DnsFailed { detail: detail.clone() }),
        None => {}
    }
    if r.dns.mx_hosts_skipped > 0 {
        out.push(FindingKind::MxHostsCapped { skipped: r.dns.mx_hosts_skipped });
    }
    if r.dns.null_mx_mixed {
        out.push(FindingKind::NullMxWithOtherMx);
    }
    out.extend(crate::dane::domain_findings(r));
    out.extend(crate::policy::findings(r));
    let addresses = || r.mx.iter().flat_map(|h| h.addresses.iter());
    let reaches: Vec<Reach> = addresses().map(reach).collect();
    let count = |x: Reach| reaches.iter().filter(|r| **r == x).count();
    if r.complete && count(Reach::Greeted) == 0 && !reaches.is_empty() {
        // "Works" needs one address that greeted; "bounces" needs proof that none will; when none
        // could even be tried, say why.
        if count(Reach::Slow) > 0 {
            // Each slow greeting is a warning of its own: the server may still greet.
        } else if count(Reach::Failed) > 0 {
            out.push(FindingKind::NoReachableMx);
        } else if count(Reach::Silent) > 0 {
            out.push(crate::egress::all_silent(r, count(Reach::Silent)));
        } else {
            let count = |o: TcpOutcome| addresses().filter(|a| a.tcp.as_ref().is_some_and(|t| t.outcome == o)).count();
            out.push(FindingKind::NothingTested {
                blocked: count(TcpOutcome::Blocked),
                no_route: count(TcpOutcome::NoRoute),
                refused: addresses().filter(|a| refused_tester(a)).count(),
            });
        }
    }
    out
}

/// True when mxray could try the address: not refused by the guard, routable from here, not
/// turned away at the greeting for mxray's own address, and finished (a deadline before the connect
/// still counts as a try).
fn attempted(a: &AddressReport) -> bool {
    match &a.tcp {
        Some(t) => !matches!(t.outcome, TcpOutcome::Blocked | TcpOutcome::NoRoute) && !refused_tester(a),
        None => a.done,
    }
}

/// The greeting refused mxray itself (its address), not senders in general.
fn refused_tester(a: &AddressReport) -> bool {
    a.banner.as_ref().is_some_and(|b| b.code != Some(READY) && b.refuses_tester.is_some())
}

/// Findings about one host (DNS facts).
pub fn host_findings(h: &MxHost) -> Vec<FindingKind> {
    let mut out = Vec::new();
    if h.host.parse::<IpAddr>().is_ok() {
        out.push(FindingKind::MxIsIpLiteral { host: h.host.clone() });
    }
    if let Some(target) = &h.cname {
        out.push(FindingKind::MxIsCname { host: h.host.clone(), target: target.clone() });
    }
    if let Some(detail) = &h.address_error {
        out.push(FindingKind::MxHostNoAddress { host: h.host.clone(), detail: detail.clone() });
    }
    out.extend(crate::dane::host_findings(h));
    if h.resolving {
        return out;
    }
    let blocked = |a: &AddressReport| a.tcp.as_ref().is_some_and(|t| t.outcome == TcpOutcome::Blocked);
    if !h.addresses.is_empty() && h.addresses.iter().all(blocked) {
        out.push(FindingKind::MxNotPublic { host: h.host.clone() });
    }
    if h.addresses_skipped > 0 {
        out.push(FindingKind::AddressesCapped { host: h.host.clone(), skipped: h.addresses_skipped });
    }
    let has = |f: Family| h.addresses.iter().any(|a| a.family == f);
    if has(Family::Ipv4) && !has(Family::Ipv6) {
        out.push(FindingKind::NoIpv6 { host: h.host.clone() });
    }
    out
}

/// Findings about one address of a host.
pub fn address_findings(a: &AddressReport, host: &str) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(tcp) = &a.tcp {
        let detail = tcp.detail.clone().unwrap_or_default();
        match tcp.outcome {
            TcpOutcome::Connected => {}
            TcpOutcome::Blocked => out.push(FindingKind::TargetBlocked { ip: ip.clone(), range: detail }),
            TcpOutcome::NoRoute => out.push(FindingKind::NoRouteFromHere { ip: ip.clone(), detail }),
            TcpOutcome::Timeout if a.timeout_may_be_local => {
                out.push(FindingKind::Port25Timeout { ip: ip.clone(), detail })
            }
            other => out.push(FindingKind::Port25Unreachable {
                ip: ip.clone(),
                outcome: serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                detail,
            }),
        }
    }
    if let Some(b) = &a.banner {
        match b.code {
            Some(READY) => {
                if let Some(version) = b.software.as_ref().and_then(|s| s.version.clone().map(|v| (s.name.clone(), v)))
                {
                    out.push(FindingKind::BannerLeaksVersion { software: version.0, version: version.1 });
                }
            }
            Some(_) => out.push(match b.refuses_tester {
                Some(reason) => FindingKind::TesterRefused {
                    ip: ip.clone(),
                    step: "greeting".into(),
                    reply: b.text.clone(),
                    reason,
                },
                None => FindingKind::BannerNotReady { ip: ip.clone(), reply: b.text.clone() },
            }),
            None => out.push(match b.greeting_timeout_secs {
                Some(waited_secs) => FindingKind::GreetingTimeout { ip: ip.clone(), waited_secs },
                None => FindingKind::BannerMissing {
                    ip: ip.clone(),
                    reason: b.error.clone().unwrap_or_else(|| b.text.clone()),
                },
            }),
        }
    }
    if let Some(e) = &a.ehlo {
        out.extend(crate::ehlo_diff::auth_in_plaintext(
            e,
            &ip,
            a.tcp.as_ref().map(|t| t.port).filter(|p| *p != 0).unwrap_or(25),
        ));
        match e.code {
            Some(250) if e.helo_fallback => out.push(FindingKind::EhloRefused { ip: ip.clone() }),
            Some(250) => {}
            // Other codes are protocol violations, reported as such below.
            None | Some(400..=599) => {
                let reply = e.error.clone().unwrap_or_else(|| e.host.clone());
                let command = if e.helo_fallback { "HELO" } else { "EHLO" }.to_owned();
                out.push(match e.refuses_tester {
                    Some(reason) => FindingKind::TesterRefused { ip: ip.clone(), step: "EHLO".into(), reply, reason },
                    None if e.code == Some(CLOSING) => FindingKind::ServerClosed { ip: ip.clone(), command, reply },
                    None => FindingKind::HeloFailed { ip: ip.clone(), reply },
                });
            }
            Some(_) => {}
        }
    }
    if let Some(s) = &a.starttls {
        let error = s.error.clone().unwrap_or_default();
        match s.outcome {
            StartTlsOutcome::Ok => out.push(FindingKind::TlsOk {
                version: s.tls_version.clone().unwrap_or_default(),
                cipher: s.cipher_suite.clone().unwrap_or_default(),
            }),
            StartTlsOutcome::NotOffered => out.push(FindingKind::StartTlsNotOffered { ip: ip.clone() }),
            StartTlsOutcome::Rejected => out.push(FindingKind::StartTlsRejected { ip: ip.clone(), reply: error }),
            StartTlsOutcome::HandshakeFailed => out.push(match s.failure {
                Some(TlsFailure::LegacyVersionOnly) => {
                    FindingKind::TlsLegacyOnly { ip: ip.clone(), error, versions: crate::depth::legacy_accepted(a) }
                }
                Some(TlsFailure::NoSharedCipher) => FindingKind::TlsNoSharedCipher { ip: ip.clone(), error },
                _ => FindingKind::TlsHandshakeFailed { ip: ip.clone(), error },
            }),
            // A 421 to STARTTLS: the server-closed finding below says it.
            StartTlsOutcome::NotTestable if a.server_closed.as_ref().is_some_and(|c| c.command == "STARTTLS") => {}
            StartTlsOutcome::NotTestable => out.push(FindingKind::TlsNotTestable { ip: ip.clone(), reason: error }),
            StartTlsOutcome::Skipped => {}
        }
        if s.pipelined_plaintext {
            out.push(FindingKind::StartTlsInjection { ip: ip.clone() });
        }
    }
    out.extend(certificate_findings(a, host));
    out.extend(crate::dane::address_findings(a));
    out.extend(crate::depth::findings(a));
    if let Some(r) = &a.open_relay {
        let reply = r.rcpt_to.clone().or_else(|| r.mail_from.clone()).unwrap_or_default();
        if let Some(revisit) = &r.revisit {
            out.push(FindingKind::RelayRevisited {
                ip: ip.clone(),
                reason: revisit.reason,
                reply: revisit.reply.clone(),
                error: revisit.error.clone(),
            });
        }
        let local = r.local_sender.as_ref().filter(|_| r.relays_for_local_sender());
        let unanswered = r.attempts.last().and_then(|last| last.unanswered.clone());
        match r.outcome {
            RelayOutcome::Accepted => out.push(FindingKind::OpenRelay { ip: ip.clone(), reply }),
            // "Not an open relay" only when no forged local sender got through either.
            RelayOutcome::Refused if local.is_some() => {}
            RelayOutcome::Refused if refusal_shown(r) => out.push(FindingKind::RelayRefused { reply }),
            RelayOutcome::Refused | RelayOutcome::Inconclusive => {
                out.push(FindingKind::RelayInconclusive { ip: ip.clone(), reply, reason: r.reason, unanswered })
            }
            RelayOutcome::Skipped => {}
        }
        if let Some(local) = local {
            out.push(FindingKind::OpenRelayLocalSender {
                ip: ip.clone(),
                domain: local.sender.rsplit_once('@').map(|(_, d)| d.to_owned()).unwrap_or_default(),
                sender: local.sender.clone(),
                reply: local.rcpt_to.clone().unwrap_or_default(),
            });
        }
        let forms: Vec<_> = r.bypass.iter().filter(|b| b.accepted).cloned().collect();
        // A routing form to a domain the server hosts is delivery too, like the plain probe.
        if !forms.is_empty() && r.reason != Some(crate::report::RelayReason::SameProvider) {
            out.push(FindingKind::RelayBypassAccepted { ip: ip.clone(), forms });
        }
    }
    if let Some(c) = &a.server_closed {
        let (command, reply) = (c.command.clone(), c.reply.clone());
        out.push(FindingKind::ServerClosed { ip: ip.clone(), command, reply });
    }
    if let Some(p) = &a.protocol_error {
        let (command, reply) = (p.command.clone(), p.reply.clone());
        out.push(if p.unsolicited {
            FindingKind::UnsolicitedReply { ip: ip.clone(), after: command, data: reply }
        } else {
            FindingKind::ProtocolViolation { ip: ip.clone(), command, reply }
        });
    }
    out.extend(crate::ports::port_findings(&a.ports, &ip));
    // TLSA records are looked up for port 25 only (`_25._tcp`), so no DANE verdict applies here.
    for p in &a.ports {
        let judged = p.certificate.iter().flat_map(|c| judge_certificate(c, None, host));
        out.extend(judged.map(|f| FindingKind::PortCertificate { ip: ip.clone(), port: p.port, finding: Box::new(f) }));
    }
    if a.deadline_hit {
        out.push(FindingKind::DeadlineReached { ip: ip.clone() });
    } else if let Some(reason) = &a.error {
        out.push(FindingKind::SessionAborted { ip, reason: reason.clone() });
    }
    out
}

/// The intermediates sent with the leaf (not the leaf, not roots sent along) that are out of date
/// and that senders need: one the verified path does without is only an extra (see `unused_intermediates`).
pub fn out_of_date_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    stale_intermediates(c).filter(|i| !i.off_path)
}

/// Out-of-date intermediates sent along but not on the path that verified (an old cross-sign,
/// the AddTrust case): validating senders ignore them.
fn unused_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    stale_intermediates(c).filter(|i| i.off_path)
}

/// Every out-of-date certificate sent above the leaf, roots sent along (self-signed) excepted:
/// verifiers use their own copy of a root.
fn stale_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    c.chain.iter().skip(1).filter(|i| (i.expired || i.not_yet_valid) && i.subject != i.issuer)
}

fn certificate_findings(a: &AddressReport, host: &str) -> Vec<FindingKind> {
    a.certificate.as_ref().map(|c| judge_certificate(c, a.dane.as_ref(), host)).unwrap_or_default()
}

/// Findings about one certificate judged against the MX name `host`, given the address's DANE
/// verdict for that port (if any).
fn judge_certificate(c: &CertificateReport, tlsa: Option<&AddressDane>, host: &str) -> Vec<FindingKind> {
    if let Some(error) = &c.parse_error {
        return vec![FindingKind::CertificateUnreadable { error: error.clone() }];
    }
    // DANE-EE pins the certificate: say so instead of judging names, dates and issuer.
    if let Some(record) = tlsa.filter(|d| d.ee_matched()).and_then(|d| d.matched.as_ref()) {
        let pinned = FindingKind::CertificateDaneEe { record: format!("\"{}\"", record.presentation()) };
        let weak = weak_key(c).map(|(algorithm, bits)| FindingKind::CertificateWeakKey { algorithm, bits });
        return std::iter::once(pinned).chain(weak).collect();
    }
    let Some(leaf) = c.chain.first() else { return Vec::new() };
    let mut out = Vec::new();
    if c.expired {
        out.push(FindingKind::CertificateExpired { not_after: leaf.not_after.clone() });
    } else if c.not_yet_valid {
        out.push(FindingKind::CertificateNotYetValid { not_before: leaf.not_before.clone() });
    } else if c.days_until_expiry < EXPIRY_WARNING_DAYS {
        out.push(FindingKind::CertificateExpiresSoon { days: c.days_until_expiry, not_after: leaf.not_after.clone() });
    }
    for i in out_of_date_intermediates(c) {
        let subject = i.subject.clone();
        out.push(if i.expired {
            FindingKind::CertificateIntermediateExpired { subject, not_after: i.not_after.clone() }
        } else {
            FindingKind::CertificateIntermediateNotYetValid { subject, not_before: i.not_before.clone() }
        });
    }
    if !c.hostname_matches {
        out.push(FindingKind::CertificateNameMismatch { host: host.to_owned(), names: leaf.san.join(", ") });
    }
    if tlsa.is_some_and(AddressDane::ta_anchored) {
        // A DANE-TA record vouches for the issuer (RFC 7672 §3.1.2); the DANE finding says so, and
        // whether the name and dates that DANE-TA still checks pass.
    } else if c.self_signed {
        out.push(FindingKind::CertificateSelfSigned { subject: leaf.subject.clone() });
    } else if !c.trusted {
        out.push(FindingKind::CertificateUntrusted {
            error: c.trust_error.clone().unwrap_or_default(),
            issuer: c.unknown_issuer.clone(),
        });
    }
    if let Some((algorithm, bits)) = weak_key(c) {
        out.push(FindingKind::CertificateWeakKey { algorithm, bits });
    }
    if out.is_empty() {
        out.push(FindingKind::CertificateValid { days: c.days_until_expiry });
    }
    out.extend(unused_intermediates(c).map(|i| FindingKind::CertificateIntermediateUnused {
        subject: i.subject.clone(),
        not_before: i.not_before.clone(),
        not_after: i.not_after.clone(),
    }));
    out
}
