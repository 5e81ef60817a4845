//! Is port 25 blocked where mxray runs? Cloud hosts and many home lines drop outbound TCP 25, and
//! then every MX looks dead. When no address of any MX completed the TCP handshake and every attempt
//! timed out (no reset, no ICMP error), the timeouts may be the tester's own network: this module
//! judges that case, with the optional egress check (`--egress-check HOST[:PORT]`: one TCP connect
//! to a server the user knows accepts port 25, made beside the check) to tell the two apart.

use serde::{Deserialize, Serialize};

use crate::findings::FindingKind;
use crate::i18n::{pick, Lang};
use crate::report::{Report, TcpOutcome};

/// What the egress check's one TCP connect did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EgressOutcome {
    /// The handshake completed: this network lets outbound connections to that port out.
    Reachable,
    /// No answer within the step timeout: the network (or the target) drops the packets.
    TimedOut,
    /// Refused (a reset): the target does not listen there, or a firewall on the way rejects.
    Refused,
    /// An ICMP error or no route.
    Unreachable,
    /// Not attempted: the target is not public and private targets are not allowed.
    Blocked,
    /// The name did not resolve.
    NotResolved,
    /// Another error.
    Failed,
}

/// The egress check: one TCP connect beside the check, to a server known to accept connections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressReport {
    /// The target as configured (`HOST[:PORT]`).
    pub target: String,
    /// The address connected to (`IP:PORT`), once the name resolved.
    #[serde(default)]
    pub address: Option<String>,
    /// What happened.
    pub outcome: EgressOutcome,
    /// Connect time in milliseconds, when reachable.
    #[serde(default)]
    pub connect_ms: Option<u64>,
    /// The error text, when it failed.
    #[serde(default)]
    pub detail: Option<String>,
}

impl EgressReport {
    /// One line for the report header, e.g. `smtp.example.net:25 (192.0.2.7:25): reachable in 12 ms`.
    pub fn describe(&self, lang: Lang) -> String {
        let at = self.address.as_ref().map(|a| format!(" ({a})")).unwrap_or_default();
        let detail = self.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
        let outcome = match self.outcome {
            EgressOutcome::Reachable => {
                let ms = self.connect_ms.map(|ms| format!(" {} {ms} ms", pick(lang, "in", "in"))).unwrap_or_default();
                format!("{}{ms}", pick(lang, "reachable", "erreichbar"))
            }
            EgressOutcome::TimedOut => pick(lang, "timed out", "Zeitüberschreitung").to_owned(),
            EgressOutcome::Refused => pick(lang, "refused", "abgewiesen").to_owned(),
            EgressOutcome::Unreachable => pick(lang, "unreachable", "nicht erreichbar").to_owned(),
            EgressOutcome::Blocked => {
                pick(lang, "not contacted (not public)", "nicht kontaktiert (nicht öffentlich)").to_owned()
            }
            EgressOutcome::NotResolved => pick(lang, "name not resolved", "Name nicht aufgelöst").to_owned(),
            EgressOutcome::Failed => pick(lang, "failed", "gescheitert").to_owned(),
        };
        format!("{}{at}: {outcome}{detail}", self.target)
    }
}

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

/// The texts of the findings of this module in `lang` (other kinds give empty texts; `findings`
/// never passes them).
pub(crate) fn texts(kind: &FindingKind, lang: Lang) -> (String, String, String) {
    let en = lang == Lang::En;
    match kind {
        FindingKind::Port25NoAnswer { addresses, egress } => {
            let egress = match egress {
                Some(e) if en => format!(" The egress check to {} did not settle it: {}.", e.target, e.describe(lang)),
                Some(e) => format!(" Der Ausgangstest zu {} entschied es nicht: {}.", e.target, e.describe(lang)),
                None => String::new(),
            };
            if en {
                (
                    "No address answered on port 25: all down, or this network blocks port 25".to_owned(),
                    format!("None of the {addresses} addresses of the MX hosts completed the TCP handshake on port 25, and every attempt timed out (no reset, no ICMP error). Either all of them are down or filtered, or the network mxray runs in drops outbound TCP port 25, as many cloud hosts and home lines do.{egress}"),
                    "Tell the two apart: run mxray with --egress-check HOST:25 (MXRAY_EGRESS_CHECK) naming a mail server you know accepts connections; if that times out too, this network blocks port 25. Or run mxray from another network.".to_owned(),
                )
            } else {
                (
                    "Keine Adresse antwortete auf Port 25: alle aus, oder dieses Netz sperrt Port 25".to_owned(),
                    format!("Keine der {addresses} Adressen der MX-Hosts schloss den TCP-Verbindungsaufbau auf Port 25 ab, und jeder Versuch lief in eine Zeitüberschreitung (kein Reset, kein ICMP-Fehler). Entweder sind alle aus oder gefiltert, oder das Netz, in dem mxray läuft, verwirft ausgehendes TCP 25, wie viele Cloud-Hosts und private Anschlüsse.{egress}"),
                    "Beides unterscheiden: mxray mit --egress-check HOST:25 (MXRAY_EGRESS_CHECK) starten, mit einem Mailserver, der sicher Verbindungen annimmt; läuft auch dieser Test in eine Zeitüberschreitung, sperrt dieses Netz Port 25. Oder mxray aus einem anderen Netz starten.".to_owned(),
                )
            }
        }
        FindingKind::EgressBlocked { target, addresses } => {
            if en {
                (
                    "This network blocks outbound port 25: mail delivery not tested".to_owned(),
                    format!("The egress check to {target} timed out just like all {addresses} addresses of the MX hosts: the network mxray runs in drops outbound TCP port 25, so nothing here says whether the domain's mail servers work."),
                    "Run mxray from a network that allows outbound port 25 (many cloud providers lift the block on request), then check again.".to_owned(),
                )
            } else {
                (
                    "Dieses Netz sperrt ausgehenden Port 25: Zustellung nicht getestet".to_owned(),
                    format!("Der Ausgangstest zu {target} lief genauso in eine Zeitüberschreitung wie alle {addresses} Adressen der MX-Hosts: das Netz, in dem mxray läuft, verwirft ausgehendes TCP 25, daher sagt hier nichts, ob die Mailserver der Domain funktionieren."),
                    "mxray aus einem Netz starten, das ausgehenden Port 25 erlaubt (viele Cloud-Anbieter heben die Sperre auf Antrag auf), und erneut prüfen.".to_owned(),
                )
            }
        }
        FindingKind::Port25Timeout { ip, detail } => {
            if en {
                (
                    "Port 25 did not answer (maybe this network)".to_owned(),
                    format!("Connecting to {ip} port 25 timed out ({detail}). No address of the domain answered, so this may be the network mxray runs in rather than the server (see the domain finding)."),
                    "Follow the domain finding to tell a dead server from a blocked network.".to_owned(),
                )
            } else {
                (
                    "Port 25 antwortete nicht (vielleicht dieses Netz)".to_owned(),
                    format!("Die Verbindung zu {ip} Port 25 lief in eine Zeitüberschreitung ({detail}). Keine Adresse der Domain antwortete, das kann am Netz liegen, in dem mxray läuft, statt am Server (siehe den Befund zur Domain)."),
                    "Dem Befund zur Domain folgen, um einen toten Server von einem gesperrten Netz zu unterscheiden.".to_owned(),
                )
            }
        }
        _ => (String::new(), String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::{domain_findings, step_mark, Step};
    use crate::event::{CheckEvent, PlannedHost, StepResult};
    use crate::findings::Severity;
    use crate::report::{Mark, MxSource, TcpReport};
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
            let egress = EgressReport { target, address: None, outcome, connect_ms: None, detail: None };
            events.push(CheckEvent::Egress { egress });
        }
        for (ip, outcome) in ips.iter().zip(outcomes) {
            let tcp = TcpReport {
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
        assert_eq!(verdict, "Mail to example.com could not be tested: 1 warning.");
        let hint = crate::render::facts::verdict_hint(&r, Lang::De).expect("a hint at the verdict");
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
