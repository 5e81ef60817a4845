//! The port 25 egress check: whether silent addresses are the domain's fault or the tester's network's.

use crate::model::egress::EgressOutcome;
use crate::model::finding::FindingKind;
use crate::model::report::{Report, TcpOutcome};

/// True when every port 25 connect made so far timed out, none connected, and no egress check
/// showed that this network lets port 25 out: then each timeout may be the tester's network rather
/// than the server (the fold marks every address with it).
pub fn timeout_may_be_local(r: &Report) -> bool {
    let tried = || {
        r.mx.iter()
            .flat_map(|h| h.addresses.iter())
            .filter_map(|a| a.tcp.as_ref())
            .filter(|t| !matches!(t.outcome, TcpOutcome::Blocked | TcpOutcome::NoRoute))
    };
    let egress_open = r.egress.as_ref().is_some_and(|e| e.outcome == EgressOutcome::Reachable);
    !egress_open && tried().next().is_some() && tried().all(|t| t.outcome == TcpOutcome::Timeout)
}

/// The domain finding when no address answered the TCP handshake and every attempt (`silent` of
/// them) timed out: mail bounces only when the egress check proved that port 25 leaves this
/// network; when the egress check timed out too, nothing was tested; else it may be either.
pub fn all_silent(r: &Report, silent: usize) -> FindingKind {
    match &r.egress {
        Some(e) if e.outcome == EgressOutcome::Reachable => FindingKind::NoReachableMx,
        Some(e) if e.outcome == EgressOutcome::TimedOut => {
            FindingKind::EgressBlocked { target: e.target.clone(), addresses: silent }
        }
        egress => FindingKind::Port25NoAnswer { addresses: silent, egress: egress.clone() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::assess::domain_findings;
    use crate::checks::marks::{step_mark, Step};
    use crate::model::egress::{EgressOutcome, EgressReport};
    use crate::model::event::{CheckEvent, PlannedHost, StepResult};
    use crate::model::finding::Severity;
    use crate::model::lang::Lang;
    use crate::model::report::{Mark, MxSource, TcpReport};
    use std::net::IpAddr;

    const IPS: [&str; 3] = ["192.0.2.1", "192.0.2.2", "2001:db8::1"];

    /// A finished check of one MX host whose addresses' connects ended as `outcomes`.
    fn check(outcomes: &[TcpOutcome], egress: Option<EgressOutcome>) -> Report {
        let ips: Vec<IpAddr> = IPS.iter().take(outcomes.len()).map(|ip| ip.parse().unwrap()).collect();
        let host = PlannedHost {
            host: "mx.example.com".into(),
            preference: 10,
            cname: None,
            address_error: None,
            addresses: ips.clone(),
            addresses_skipped: 0,
            resolving: false,
        };
        let mut events = vec![
            CheckEvent::Started {
                input: "example.com".into(),
                domain: "example.com".into(),
                checked_at: String::new(),
                resolver: "system".into(),
            },
            CheckEvent::Resolved {
                mx_source: MxSource::Mx,
                hosts: vec![host],
                error: None,
                mx_hosts_skipped: 0,
                null_mx_mixed: false,
            },
        ];
        if let Some(outcome) = egress {
            let target = "smtp.example.net:25".into();
            let egress = EgressReport {
                target,
                address: None,
                outcome,
                connect_ms: None,
                detail: None,
                failure: None,
                lookup: None,
            };
            events.push(CheckEvent::Egress { egress });
        }
        for (ip, outcome) in ips.iter().zip(outcomes) {
            let tcp = TcpReport {
                failure: None,
                outcome: *outcome,
                connect_ms: None,
                detail: Some("no answer within 15 s".into()),
                port: 25,
            };
            events.push(CheckEvent::Step { mx: 0, ip: *ip, step: Box::new(StepResult::Tcp(tcp)) });
            events.push(CheckEvent::AddressDone {
                mx: 0,
                ip: *ip,
                duration_ms: 15_000,
                transcript: Vec::new(),
                deadline_hit: false,
                connections: 1,
                error: None,
                failure: None,
                protocol_error: None,
                queued_ms: 0,
                same_server_as: None,
                server_closed: None,
            });
        }
        events.push(CheckEvent::Done { duration_ms: 15_000 });
        Report::from_events(&events)
    }

    fn codes(r: &Report) -> Vec<&str> {
        r.all_findings().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn all_timeouts_may_be_this_network_and_blame_no_domain() {
        use TcpOutcome::{NoRoute, Timeout};
        let r = check(&[Timeout, Timeout, NoRoute], None);
        assert!(timeout_may_be_local(&r));
        assert_eq!(domain_findings(&r), [FindingKind::Port25NoAnswer { addresses: 2, egress: None }]);
        assert_eq!(codes(&r), ["port25_no_answer", "port25_timeout", "port25_timeout", "no_route_from_here"]);
        assert_eq!(r.worst_severity(), Severity::Warning, "not critical: it may be the tester's network");
        let a = &r.mx[0].addresses[0];
        assert_eq!((step_mark(a, Step::Tcp), r.mx[0].status.reachable), (Mark::Inconclusive, Mark::Inconclusive));
        let hint = r.findings[0].texts(Lang::En);
        assert!(hint.detail.contains("None of the 2 addresses") && hint.remedy.contains("--egress-check"), "{hint:?}");
        assert!(r.findings[0].texts(Lang::De).remedy.contains("--egress-check"));
        // The hint is said once: the addresses point to it; the verdict carries it.
        assert!(!r.mx[0].addresses[0].findings[0].remedy.contains("--egress-check"));
        let (_, verdict) = crate::render::facts::verdict(&r, Lang::En);
        assert_eq!(verdict, "Mail to example.com could not be tested: No address answered on port 25: all down, or this network blocks port 25.");
        let hints = crate::render::facts::verdict_hints(&r, Lang::De);
        let [hint] = &hints[..] else { panic!("one hint at the verdict: {hints:?}") };
        assert!(hint.starts_with("Keine Adresse antwortete auf Port 25") && hint.contains("--egress-check"), "{hint}");
        let text = crate::render::text::render(&r, Lang::En, Default::default());
        assert_eq!(text.matches("--egress-check").count(), 1, "{text}");
    }

    #[test]
    fn one_refused_or_connected_address_means_port_25_leaves_this_network() {
        use TcpOutcome::{Connected, Refused, Timeout};
        let refused = check(&[Timeout, Refused], None);
        assert!(!timeout_may_be_local(&refused));
        assert_eq!(domain_findings(&refused), [FindingKind::NoReachableMx]);
        assert_eq!(codes(&refused), ["no_reachable_mx", "no_ipv6", "port25_unreachable", "port25_unreachable"]);
        assert_eq!(step_mark(&refused.mx[0].addresses[0], Step::Tcp), Mark::Critical);
        assert_eq!(refused.mx[0].status.reachable, Mark::Critical);
        // Connected (here without a greeting, the session ended): no longer "maybe this network".
        let connected = check(&[Timeout, Connected], None);
        assert!(!timeout_may_be_local(&connected));
        assert!(codes(&connected).contains(&"no_reachable_mx"), "{:?}", codes(&connected));
        assert_eq!(step_mark(&connected.mx[0].addresses[0], Step::Tcp), Mark::Critical);
    }

    #[test]
    fn the_egress_check_decides_between_dead_servers_and_a_blocked_network() {
        use TcpOutcome::Timeout;
        let open = check(&[Timeout, Timeout], Some(EgressOutcome::Reachable));
        assert!(!timeout_may_be_local(&open));
        assert_eq!(domain_findings(&open), [FindingKind::NoReachableMx]);
        assert_eq!(open.worst_severity(), Severity::Critical, "port 25 leaves this network: the MX is unreachable");
        assert_eq!(open.mx[0].status.reachable, Mark::Critical);

        let blocked = check(&[Timeout, Timeout], Some(EgressOutcome::TimedOut));
        let [FindingKind::EgressBlocked { target, addresses: 2 }] = &domain_findings(&blocked)[..] else {
            panic!("{:?}", domain_findings(&blocked))
        };
        assert_eq!(target, "smtp.example.net:25");
        assert_eq!(blocked.worst_severity(), Severity::Warning);
        assert!(blocked.findings[0].title.contains("not tested"), "{}", blocked.findings[0].title);

        // A refusal of the egress target settles nothing: the hint stays, with what the check saw.
        let refused = check(&[Timeout], Some(EgressOutcome::Refused));
        let [FindingKind::Port25NoAnswer { addresses: 1, egress: Some(e) }] = &domain_findings(&refused)[..] else {
            panic!("{:?}", domain_findings(&refused))
        };
        assert_eq!(e.outcome, EgressOutcome::Refused);
        assert!(refused.findings[0].detail.contains("smtp.example.net:25: refused"), "{}", refused.findings[0].detail);
        assert_eq!(refused.egress.as_ref().map(|e| e.describe(Lang::De)).unwrap(), "smtp.example.net:25: abgewiesen");
    }
}
