//! Findings of the domain, of each MX host and of each address: the entry point that asks every check.

use crate::checks::certificate::certificate_findings;
use crate::checks::certificate::judge_certificate;
use crate::checks::marks::reach;
use crate::checks::marks::refused_tester;
use crate::checks::marks::Reach;
use crate::model::dane::HostDane;
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, DnsFailure, Family, MxHost, MxSource, Report, TcpOutcome};
use std::net::IpAddr;

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
    out.extend(crate::checks::dane::domain_findings(r));
    out.extend(crate::checks::mta_sts::findings(r));
    out.extend(crate::checks::tls_rpt::findings(r));
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
            out.push(crate::checks::egress::all_silent(r, count(Reach::Silent)));
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
    out.extend(crate::checks::dane::host_findings(h));
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
pub fn address_findings(a: &AddressReport, host: &str, dane: Option<&HostDane>) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    out.extend(crate::checks::tcp::findings(a));
    out.extend(crate::checks::banner::findings(a));
    out.extend(crate::checks::inspection::findings(a));
    out.extend(crate::checks::ehlo::findings(a));
    out.extend(crate::checks::starttls::findings(a));
    out.extend(certificate_findings(a, host));
    out.extend(crate::checks::dane::address_findings(a, dane));
    out.extend(crate::checks::depth::findings(a));
    out.extend(crate::checks::relay::findings(a));
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
    out.extend(crate::checks::ports::port_findings(&a.ports, &ip));
    // TLSA records are looked up for port 25 only (`_25._tcp`), so no DANE verdict applies here.
    for p in &a.ports {
        let judged = p.certificate.iter().flat_map(|c| judge_certificate(c, None, host));
        out.extend(judged.map(|f| FindingKind::PortCertificate { ip: ip.clone(), port: p.port, finding: Box::new(f) }));
    }
    if a.deadline_hit {
        out.push(FindingKind::DeadlineReached { ip: ip.clone() });
    } else if a.error.is_some() || a.failure.is_some() {
        let reason = a.error.clone().unwrap_or_default();
        out.push(FindingKind::SessionAborted { ip, reason, failure: a.failure.clone() });
    }
    out
}
