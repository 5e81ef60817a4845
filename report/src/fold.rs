//! The one pure function that turns the engine's events into a report. The CLI, the API, the
//! page and the tests all use it, so a streamed result and a finished one never disagree.

use crate::checks::{assess, marks};
use crate::model::event::{CheckEvent, StepResult};
use crate::model::finding::{Finding, FindingKind, Severity};
use crate::model::report::{AddressReport, DnsReport, MxHost, MxSource, Report, SCHEMA};

impl Report {
    /// An empty report for a check that has not started.
    pub fn empty() -> Self {
        Report {
            schema: SCHEMA.to_owned(),
            input: String::new(),
            domain: String::new(),
            checked_at: String::new(),
            duration_ms: 0,
            mx_source: MxSource::None,
            mx: Vec::new(),
            findings: Vec::new(),
            dns: DnsReport::default(),
            complete: false,
            policies: None,
            egress: None,
        }
    }

    /// Folds a whole event sequence.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a CheckEvent>) -> Self {
        let mut report = Report::empty();
        for event in events {
            fold(&mut report, event);
        }
        report
    }

    /// Every finding of the report: domain, hosts and addresses.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().chain(
            self.mx.iter().flat_map(|h| h.findings.iter().chain(h.addresses.iter().flat_map(|a| a.findings.iter()))),
        )
    }

    /// The worst severity in the report (`Ok` when there is no finding).
    pub fn worst_severity(&self) -> Severity {
        self.all_findings().map(|f| f.severity).max().unwrap_or(Severity::Ok)
    }
}

/// Applies one event to a report.
pub fn fold(report: &mut Report, event: &CheckEvent) {
    match event {
        CheckEvent::Started { input, domain, checked_at, resolver } => {
            *report = Report::empty();
            report.input = input.clone();
            report.domain = domain.clone();
            report.checked_at = checked_at.clone();
            report.dns.resolver = resolver.clone();
        }
        CheckEvent::Resolved { mx_source, hosts, error, mx_hosts_skipped, null_mx_mixed } => {
            report.mx_source = *mx_source;
            report.dns.error = error.clone();
            report.dns.mx_hosts_skipped = *mx_hosts_skipped;
            report.dns.null_mx_mixed = *null_mx_mixed;
            report.mx = hosts.iter().map(planned_host).collect();
            for host in &mut report.mx {
                refresh_host(host);
            }
        }
        CheckEvent::HostResolved { mx, host } => {
            let Some(entry) = report.mx.get_mut(*mx) else { return };
            if entry.host != host.host {
                return;
            }
            // DANE facts may arrive before the host's addresses; keep them.
            let dane = entry.dane.take();
            *entry = planned_host(host);
            entry.dane = dane;
            refresh_host(entry);
        }
        CheckEvent::Step { mx, ip, step } => {
            with_address(report, *mx, ip, |a| match (**step).clone() {
                StepResult::Tcp(t) => a.tcp = Some(t),
                StepResult::Banner(b) => a.banner = Some(b),
                StepResult::Ehlo(e) => a.ehlo = Some(e),
                StepResult::Starttls(s) => a.starttls = Some(s),
                StepResult::Certificate(c) => a.certificate = Some(c),
                StepResult::EhloTls(e) => a.ehlo_tls = Some(e),
                StepResult::OpenRelay(r) => a.open_relay = Some(r),
                StepResult::LegacyTls(p) => {
                    a.tls_versions = Some(crate::model::depth::TlsVersions { legacy: Some(p), ..Default::default() })
                }
                StepResult::TlsQuality(probe) => {
                    a.tls_quality = Some(crate::model::quality::TlsQuality { items: Vec::new(), probe })
                }
                StepResult::ReverseDns(r) => a.reverse_dns = Some(r),
                StepResult::Dnsbl(d) => a.dnsbl = d,
                StepResult::Dane(d) => a.dane = Some(d),
                StepResult::Port(p) => crate::checks::ports::apply(&mut a.ports, &p),
            });
        }
        CheckEvent::AddressDone {
            mx,
            ip,
            duration_ms,
            transcript,
            deadline_hit,
            connections,
            error,
            failure,
            protocol_error,
            server_closed,
            queued_ms,
            same_server_as,
        } => {
            with_address(report, *mx, ip, |a| {
                a.duration_ms = *duration_ms;
                a.transcript = transcript.clone();
                a.deadline_hit = *deadline_hit;
                a.connections = *connections;
                a.error = error.clone();
                a.failure = failure.clone();
                a.protocol_error = protocol_error.clone();
                a.server_closed = server_closed.clone();
                a.queued_ms = *queued_ms;
                a.same_server_as = same_server_as.clone();
                a.done = true;
            });
        }
        CheckEvent::Policies { policies } => report.policies = Some((**policies).clone()),
        CheckEvent::HostDane { mx, dane } => {
            let Some(host) = report.mx.get_mut(*mx) else { return };
            host.dane = Some(dane.clone());
            refresh_host(host);
        }
        CheckEvent::MxDnssec { check } => report.dns.mx_dnssec = Some(check.clone()),
        CheckEvent::Egress { egress } => report.egress = Some(egress.clone()),
        CheckEvent::Heartbeat => return,
        CheckEvent::Done { duration_ms } => {
            report.duration_ms = *duration_ms;
            report.complete = true;
        }
    }
    crate::checks::mta_sts::refresh(report);
    refresh_local_timeouts(report);
    report.findings = findings(assess::domain_findings(report));
}

/// Re-judges every address when the whole domain's answer changed whether a port 25 timeout may be
/// the tester's own network ([`crate::checks::egress::timeout_may_be_local`]): only then, so an event
/// re-judges just its own address.
fn refresh_local_timeouts(report: &mut Report) {
    let local = crate::checks::egress::timeout_may_be_local(report);
    let changed = |h: &MxHost| h.addresses.iter().any(|a| a.timeout_may_be_local != local);
    for host in report.mx.iter_mut().filter(|h| changed(h)) {
        for address in &mut host.addresses {
            address.timeout_may_be_local = local;
            address.findings = findings(assess::address_findings(address, &host.host, host.dane.as_ref()));
        }
        refresh_host(host);
    }
}

/// A host as planned, before any of its addresses answered.
fn planned_host(p: &crate::model::event::PlannedHost) -> MxHost {
    MxHost {
        host: p.host.clone(),
        preference: p.preference,
        status: Default::default(),
        findings: Vec::new(),
        addresses: p.addresses.iter().copied().map(AddressReport::pending).collect(),
        cname: p.cname.clone(),
        address_error: p.address_error.clone(),
        addresses_skipped: p.addresses_skipped,
        resolving: p.resolving,
        dane: None,
    }
}

/// Updates one address (events for unknown addresses are ignored) and re-judges its host.
fn with_address(report: &mut Report, mx: usize, ip: &std::net::IpAddr, update: impl FnOnce(&mut AddressReport)) {
    let Some(host) = report.mx.get_mut(mx) else { return };
    let Some(address) = host.addresses.iter_mut().find(|a| a.ip == *ip) else { return };
    update(address);
    crate::checks::legacy_tls::refresh_tls_versions(address);
    crate::checks::tls_quality::refresh(address);
    address.findings = findings(assess::address_findings(address, &host.host, host.dane.as_ref()));
    refresh_host(host);
}

fn refresh_host(host: &mut MxHost) {
    host.status = marks::host_status(host);
    host.findings = findings(assess::host_findings(host));
}

/// Findings sorted worst first (stable, so equal severities keep their step order).
fn findings(kinds: Vec<FindingKind>) -> Vec<Finding> {
    let mut out: Vec<Finding> = kinds.into_iter().map(FindingKind::into_finding).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::event::PlannedHost;
    use crate::model::report::*;
    use std::net::IpAddr;

    const IP: &str = "192.0.2.25";

    fn ip() -> IpAddr {
        IP.parse().unwrap()
    }

    fn script(relay: RelayOutcome) -> Vec<CheckEvent> {
        vec![
            CheckEvent::Started {
                input: "Example.com".into(),
                domain: "example.com".into(),
                checked_at: "2026-11-27T00:00:00Z".into(),
                resolver: "system".into(),
            },
            CheckEvent::Resolved {
                mx_source: MxSource::Mx,
                hosts: vec![PlannedHost {
                    host: "mx.example.com".into(),
                    preference: 10,
                    cname: None,
                    address_error: None,
                    addresses: vec![ip()],
                    addresses_skipped: 0,
                    resolving: false,
                }],
                error: None,
                mx_hosts_skipped: 0,
                null_mx_mixed: false,
            },
            step(StepResult::Tcp(TcpReport {
                failure: None,
                outcome: TcpOutcome::Connected,
                connect_ms: Some(1),
                detail: None,
                port: 25,
            })),
            step(StepResult::Banner(BannerReport {
                failure: None,
                code: Some(220),
                text: "mx.example.com ESMTP Postfix".into(),
                software: Some(Software { name: "Postfix".into(), version: None }),
                elapsed_ms: 2,
                error: None,
                refuses_tester: None,
                greeting_timeout_secs: None,
            })),
            step(StepResult::Ehlo(EhloReport {
                code: Some(250),
                host: "mx.example.com".into(),
                extensions: vec![],
                size_limit: None,
                helo_fallback: false,
                ehlo_refusal: None,
                error: None,
                refuses_tester: None,
            })),
            step(StepResult::Starttls(StartTlsReport {
                handshake_problem: None,
                no_reply: None,
                not_testable: None,
                offered: false,
                outcome: StartTlsOutcome::NotOffered,
                tls_version: None,
                cipher_suite: None,
                kx_group: None,
                handshake_ms: None,
                error: None,
                pipelined_plaintext: false,
                failure: None,
            })),
            step(StepResult::OpenRelay(RelayReport {
                outcome: relay,
                mail_from: Some("250 2.1.0 Ok".into()),
                rcpt_to: Some("554 5.7.1 Relay access denied".into()),
                sender: "a@b".into(),
                recipient: "c@d".into(),
                over_tls: false,
                // A refusal reads as one only with the reply's meaning.
                reason: (relay == RelayOutcome::Refused).then_some(RelayReason::RelayDenied),
                attempts: vec![],
                bypass: vec![],
                local_sender: None,
                revisit: None,
            })),
            CheckEvent::AddressDone {
                mx: 0,
                ip: ip(),
                duration_ms: 9,
                transcript: vec![],
                deadline_hit: false,
                connections: 1,
                error: None,
                failure: None,
                protocol_error: None,
                server_closed: None,
                queued_ms: 0,
                same_server_as: None,
            },
            CheckEvent::Done { duration_ms: 10 },
        ]
    }

    fn step(step: StepResult) -> CheckEvent {
        CheckEvent::Step { mx: 0, ip: ip(), step: Box::new(step) }
    }

    #[test]
    fn folds_a_session_into_marks_and_findings() {
        let events = script(RelayOutcome::Refused);
        let mid = Report::from_events(&events[..4]);
        assert_eq!(mid.mx[0].status.reachable, Mark::Ok);
        assert_eq!(mid.mx[0].status.starttls, Mark::Pending);
        assert!(!mid.complete);

        let r = Report::from_events(&events);
        assert!(r.complete);
        assert_eq!(r.domain, "example.com");
        let host = &r.mx[0];
        assert_eq!(host.status.reachable, Mark::Ok);
        assert_eq!(host.status.starttls, Mark::Critical);
        assert_eq!(host.status.certificate_valid, Mark::NotApplicable);
        assert_eq!(host.status.open_relay, Mark::Ok);
        let codes: Vec<&str> = host.addresses[0].findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["starttls_not_offered", "relay_refused"]);
        assert_eq!(r.worst_severity(), Severity::Critical);
        assert_eq!(host.findings[0].code, "no_ipv6");
    }

    #[test]
    fn an_open_relay_is_critical() {
        let r = Report::from_events(&script(RelayOutcome::Accepted));
        assert_eq!(r.mx[0].status.open_relay, Mark::Critical);
        assert_eq!(r.mx[0].addresses[0].findings[0].code, "starttls_not_offered");
        assert!(r.mx[0].addresses[0].findings.iter().any(|f| f.code == "open_relay"));
    }

    #[test]
    fn events_and_reports_survive_json() {
        let events = script(RelayOutcome::Inconclusive);
        let lines: Vec<String> = events.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
        assert!(lines[2].starts_with(r#"{"type":"step","mx":0,"ip":"192.0.2.25","step":"tcp","#), "{}", lines[2]);
        let back: Vec<CheckEvent> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(back, events);
        let report = Report::from_events(&events);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["schema"], "mxray.report.v1");
        assert_eq!(json["mx"][0]["addresses"][0]["family"], "ipv4");
        assert_eq!(json["mx"][0]["addresses"][0]["open_relay"]["outcome"], "inconclusive");
        let again: Report = serde_json::from_value(json).unwrap();
        assert_eq!(again, report);
    }

    #[test]
    fn unreachable_everywhere_is_a_domain_finding() {
        let mut events = script(RelayOutcome::Refused);
        events.truncate(2);
        events.push(step(StepResult::Tcp(TcpReport {
            failure: None,
            outcome: TcpOutcome::Refused,
            connect_ms: None,
            detail: Some("connection refused".into()),
            port: 25,
        })));
        events.push(CheckEvent::AddressDone {
            mx: 0,
            ip: ip(),
            duration_ms: 1,
            transcript: vec![],
            deadline_hit: false,
            connections: 1,
            error: None,
            failure: None,
            protocol_error: None,
            server_closed: None,
            queued_ms: 0,
            same_server_as: None,
        });
        let before_done = Report::from_events(&events);
        assert!(before_done.findings.is_empty());
        events.push(CheckEvent::Done { duration_ms: 2 });
        let r = Report::from_events(&events);
        assert_eq!(r.findings[0].code, "no_reachable_mx");
        assert_eq!(r.mx[0].status.reachable, Mark::Critical);
        assert_eq!(r.mx[0].status.open_relay, Mark::NotApplicable);
        assert!(r.mx[0].addresses[0].findings[0].remedy.contains("firewall"));
    }

    #[test]
    fn events_for_unknown_addresses_are_ignored() {
        let mut events = script(RelayOutcome::Refused);
        events.insert(2, CheckEvent::Step { mx: 7, ip: ip(), step: Box::new(events[2].clone().step().unwrap()) });
        let r = Report::from_events(&events);
        assert_eq!(r.mx.len(), 1);
    }

    impl CheckEvent {
        fn step(self) -> Option<StepResult> {
            match self {
                CheckEvent::Step { step, .. } => Some(*step),
                _ => None,
            }
        }
    }
}
