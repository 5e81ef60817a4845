//! Findings of the domain, of each MX host and of each address: the entry point that asks every check.

use crate::checks::certificate::certificate_findings;
use crate::checks::certificate::judge_certificate;
use crate::checks::marks::reach;
use crate::checks::marks::refusal_shown;
use crate::checks::marks::Reach;
use crate::checks::marks::READY;
use crate::checks::marks::{refused_tester, CLOSING};
use crate::model::finding::FindingKind;
use crate::model::report::{
    AddressReport, DnsFailure, Family, MxHost, MxSource, RelayOutcome, Report, StartTlsOutcome, TcpOutcome, TlsFailure,
};
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
        out.extend(crate::checks::ehlo::auth_in_plaintext(
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
                Some(TlsFailure::LegacyVersionOnly) => FindingKind::TlsLegacyOnly {
                    ip: ip.clone(),
                    error,
                    versions: crate::checks::legacy_tls::legacy_accepted(a),
                },
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
    out.extend(crate::checks::dane::address_findings(a));
    out.extend(crate::checks::depth::findings(a));
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
        if !forms.is_empty() && r.reason != Some(crate::model::report::RelayReason::SameProvider) {
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
    out.extend(crate::checks::ports::port_findings(&a.ports, &ip));
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
