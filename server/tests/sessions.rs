//! The engine against fake mail servers on loopback: one scenario per way a server can behave.

mod common;

use common::{after_goodbye, Lab, Limits};
use mxray_report::model::report::{
    AddressReport, ConnectFailure, Direction, Mark, ReadFailure, RelayOutcome, RelayReason, StartTlsOutcome, TcpOutcome,
};
use mxray_report::Severity;
use mxray_testkit::ca::self_signed;
use mxray_testkit::{Greeting, LatencyProxy, Scenario, StartTls};
use std::time::Duration;

const HOST: &str = "mx.example.com";
const DOMAIN: &str = "example.com";
const IP: &str = "192.0.2.10";

/// Runs one scenario as the only MX of `example.com` and returns its address report.
async fn probe(scenario: impl FnOnce(&Lab) -> Scenario) -> (AddressReport, Lab) {
    probe_with(Limits::default(), scenario).await
}

async fn probe_with(limits: Limits, scenario: impl FnOnce(&Lab) -> Scenario) -> (AddressReport, Lab) {
    let mut lab = Lab::new();
    let s = scenario(&lab);
    lab.mx(DOMAIN, 10, HOST, IP, s).await;
    let (report, _) = common::run(&lab.engine(limits, true), DOMAIN).await;
    assert!(report.complete);
    (report.mx[0].addresses[0].clone(), lab)
}

/// [`probe_with`] on tokio's paused clock over in-memory pipes (the test must run paused): the
/// timeouts and the scenario's pauses are then the only time that passes.
async fn probe_paused(limits: Limits, scenario: Scenario) -> AddressReport {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, scenario).await;
    let (report, _) = common::run(&lab.piped_engine(limits, 64), DOMAIN).await;
    assert!(report.complete);
    report.mx[0].addresses[0].clone()
}

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

fn never_data(lab: &Lab) {
    for server in &lab.servers {
        assert!(server.commands().iter().all(|c| !c.eq_ignore_ascii_case("DATA")), "{:?}", server.commands());
    }
}

#[tokio::test]
async fn a_good_server_passes_every_step() {
    let (a, lab) = probe(|lab| Scenario::good(HOST, lab.ca.valid(&[HOST]))).await;
    assert_eq!(a.tcp.as_ref().unwrap().outcome, TcpOutcome::Connected);
    let banner = a.banner.as_ref().unwrap();
    assert_eq!((banner.code, banner.software.as_ref().unwrap().name.as_str()), (Some(220), "Postfix"));
    let ehlo = a.ehlo.as_ref().unwrap();
    assert!(ehlo.offers("STARTTLS") && ehlo.offers("PIPELINING"));
    assert_eq!(ehlo.size_limit, Some(10_240_000));
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!(tls.outcome, StartTlsOutcome::Ok);
    assert_eq!(tls.tls_version.as_deref(), Some("TLSv1.3"));
    assert!(tls.cipher_suite.as_deref().unwrap().starts_with("TLS13_"));
    assert!(tls.kx_group.is_some() && tls.handshake_ms.is_some());
    let cert = a.certificate.as_ref().unwrap();
    assert!(cert.trusted && cert.hostname_matches && !cert.expired && !cert.self_signed, "{cert:?}");
    assert!((360..=366).contains(&cert.days_until_expiry));
    assert_eq!(cert.chain.len(), 2);
    assert_eq!(cert.chain[0].san, [HOST]);
    assert_eq!(cert.chain[0].key_algorithm, "EC");
    assert_eq!(cert.chain[0].sha256.len(), 32 * 3 - 1);
    assert!(a.ehlo_tls.as_ref().is_some_and(|e| !e.offers("STARTTLS")));
    let relay = a.open_relay.as_ref().unwrap();
    assert_eq!((relay.outcome, relay.over_tls), (RelayOutcome::Refused, true));
    assert!(relay.rcpt_to.as_deref().unwrap().starts_with("554"));
    assert_eq!(codes(&a), ["tls_ok", "certificate_valid", "relay_refused"]);
    assert_eq!((a.connections, lab.servers[0].connections()), (1, 1));
    let sent: Vec<String> = after_goodbye(&lab.servers[0]).await;
    assert_eq!(
        sent,
        [
            "EHLO probe.mxray.test",
            "STARTTLS",
            "EHLO probe.mxray.test",
            "MAIL FROM:<relay-probe@mxray.test>",
            "RCPT TO:<relay-test@example.net>",
            // Relaying refused: a forged local sender, then the routing forms in a transaction of
            // the refused sender again.
            "RSET",
            "MAIL FROM:<postmaster@example.com>",
            "RCPT TO:<relay-test@example.net>",
            "RSET",
            "MAIL FROM:<relay-probe@mxray.test>",
            "RCPT TO:<relay-test%example.net@[192.0.2.10]>",
            "RCPT TO:<example.net!relay-test@[192.0.2.10]>",
            "RCPT TO:<@[192.0.2.10]:relay-test@example.net>",
            "RCPT TO:<\"relay-test@example.net\"@[192.0.2.10]>",
            "RSET",
            "QUIT"
        ]
    );
    assert!(a.transcript.iter().any(|l| l.dir == Direction::Event && l.text.starts_with("TLS established")));
    assert!(a.transcript.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
}

#[tokio::test]
async fn no_starttls_is_critical_and_relay_runs_in_plaintext() {
    let (a, lab) = probe(|_| Scenario::plaintext(HOST)).await;
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!((tls.offered, tls.outcome), (false, StartTlsOutcome::NotOffered));
    assert!(a.certificate.is_none());
    assert_eq!(a.open_relay.as_ref().map(|r| (r.outcome, r.over_tls)), Some((RelayOutcome::Refused, false)));
    assert_eq!(codes(&a)[0], "starttls_not_offered");
    assert_eq!(lab.servers[0].connections(), 1);
}

#[tokio::test]
async fn an_expired_certificate_is_critical_but_its_chain_is_judged() {
    let (a, _) = probe(|lab| Scenario::good(HOST, lab.ca.expired(&[HOST]))).await;
    assert_eq!(a.starttls.as_ref().unwrap().outcome, StartTlsOutcome::Ok);
    let cert = a.certificate.as_ref().unwrap();
    assert!(cert.expired && cert.trusted && cert.hostname_matches, "{cert:?}");
    assert!(cert.days_until_expiry <= -10);
    assert_eq!(codes(&a)[0], "certificate_expired");
    assert!(a.findings[0].remedy.contains("SAN"));
}

#[tokio::test]
async fn a_wrong_name_is_reported_with_the_names_found() {
    let (a, _) = probe(|lab| Scenario::good(HOST, lab.ca.valid(&["other.example.org"]))).await;
    let cert = a.certificate.as_ref().unwrap();
    assert!(!cert.hostname_matches && cert.trusted && !cert.expired);
    let f = a.findings.iter().find(|f| f.code == "certificate_name_mismatch").expect("mismatch finding");
    assert!(f.detail.contains("other.example.org") && f.detail.contains(HOST));
}

#[tokio::test]
async fn a_self_signed_certificate_is_not_trusted() {
    let (a, _) = probe(|_| Scenario::good(HOST, self_signed(&[HOST]))).await;
    let cert = a.certificate.as_ref().unwrap();
    assert!(cert.self_signed && !cert.trusted && cert.hostname_matches);
    assert!(cert.trust_error.as_deref().unwrap().contains("issuer not trusted"));
    assert!(codes(&a).contains(&"certificate_self_signed"));
}

#[tokio::test]
async fn an_open_relay_is_critical_and_data_is_never_sent() {
    let (a, lab) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.rcpt_reply = "250 2.1.5 Ok".into();
        s
    })
    .await;
    assert_eq!(a.open_relay.as_ref().unwrap().outcome, RelayOutcome::Accepted);
    assert_eq!(codes(&a)[0], "open_relay");
    assert_eq!(a.findings[0].severity, Severity::Critical);
    assert!(a.findings[0].remedy.contains("relay"));
    never_data(&lab);
    assert_eq!(after_goodbye(&lab.servers[0]).await.last().map(String::as_str), Some("QUIT"));
}

/// An open relay (250 to the outside recipient) as the only MX of `example.com`, with the relay
/// recipient's domain `example.net` served by `recipient_mx` at `recipient_ip`.
async fn relay_to_a_domain_served_by(recipient_mx: &str, recipient_ip: &str) -> AddressReport {
    let mut lab = Lab::new();
    let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    s.rcpt_reply = "250 2.1.5 Ok".into();
    lab.mx(DOMAIN, 10, HOST, IP, s).await;
    let record = server::probe::dns::MxRecord { preference: 5, exchange: recipient_mx.into() };
    lab.dns.mx.insert("example.net".into(), Ok(vec![record]));
    lab.dns.hosts.insert(recipient_mx.into(), vec![recipient_ip.parse().unwrap()]);
    // The recipient's mail hosts answer slower than the session: the verdict waits for them.
    lab.dns.delays.insert(recipient_mx.into(), Duration::from_millis(300));
    let (report, _) = lab.check(DOMAIN).await;
    never_data(&lab);
    report.mx[0].addresses[0].clone()
}

#[tokio::test]
async fn a_relay_recipient_served_by_the_same_provider_is_no_relay_test() {
    // mx.example.com and mx2.example.com: the same registrable domain, the same provider.
    for (recipient_mx, recipient_ip) in [("MX2.example.com.", "198.51.100.9"), ("mx.recipient.test", IP)] {
        let a = relay_to_a_domain_served_by(recipient_mx, recipient_ip).await;
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!(relay.rcpt_to.as_deref(), Some("250 2.1.5 Ok"), "the server's answer is kept");
        assert_eq!((relay.outcome, relay.reason), (RelayOutcome::Inconclusive, Some(RelayReason::SameProvider)));
        assert!(!codes(&a).contains(&"open_relay"), "{recipient_mx}: {:?}", codes(&a));
        let f = a.findings.iter().find(|f| f.code == "relay_inconclusive").expect("said so");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("same provider") && f.remedy.contains("--relay-recipient"), "{f:?}");
        assert!(f.texts(mxray_report::Lang::De).title.contains("selben Anbieter"));
        assert_eq!(
            mxray_report::checks::marks::step_mark(&a, mxray_report::checks::marks::Step::OpenRelay),
            Mark::Inconclusive
        );
    }
    // At another provider the same answer is an open relay, as before.
    let a = relay_to_a_domain_served_by("mx.other-provider.test", "198.51.100.9").await;
    assert_eq!(a.open_relay.as_ref().map(|r| r.outcome), Some(RelayOutcome::Accepted));
    assert_eq!(codes(&a)[0], "open_relay");
}

#[tokio::test]
async fn greylisting_is_inconclusive() {
    let (a, _) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.rcpt_reply = "450 4.2.0 Greylisted, try again later".into();
        s
    })
    .await;
    let relay = a.open_relay.as_ref().unwrap();
    assert_eq!(relay.outcome, RelayOutcome::Inconclusive);
    assert!(relay.rcpt_to.as_deref().unwrap().contains("Greylisted"));
}

#[tokio::test]
async fn a_refused_connection_is_reported_with_the_firewall_remedy() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, Scenario::plaintext(HOST)).await;
    lab.connector.map.insert(IP.parse().unwrap(), closed);
    let (report, _) = lab.check(DOMAIN).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.tcp.as_ref().unwrap().outcome, TcpOutcome::Refused);
    assert!(a.banner.is_none() && a.open_relay.is_none());
    assert_eq!(codes(a), ["port25_unreachable"]);
    assert!(a.findings[0].remedy.contains("firewall"));
    assert_eq!(report.mx[0].status.reachable, Mark::Critical);
    assert_eq!(report.findings[0].code, "no_reachable_mx");
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_ends_at_the_greeting_wait_not_tested_rather_than_dead() {
    let limits = Limits { step: Duration::from_millis(600), deadline: Duration::from_secs(10) };
    let mut s = Scenario::plaintext(HOST);
    s.greeting = Greeting::Silent;
    let started = tokio::time::Instant::now();
    let a = probe_paused(limits, s).await;
    assert!(started.elapsed() < limits.deadline, "{:?}", started.elapsed());
    assert!(!a.deadline_hit);
    let banner = a.banner.as_ref().unwrap();
    assert_eq!((banner.code, banner.greeting_timeout_secs), (None, Some(1)));
    assert_eq!(banner.failure, Some(ReadFailure::Timeout { secs: 1 }));
    assert_eq!(codes(&a), ["greeting_timeout"]);
}

#[tokio::test(start_paused = true)]
async fn a_dripping_server_ends_at_the_step_timeout_not_later() {
    let limits = Limits { step: Duration::from_millis(800), deadline: Duration::from_secs(10) };
    let mut s = Scenario::plaintext(HOST);
    // 40 bytes, one every 100 ms: the whole greeting would take 4 s.
    s.greeting = Greeting::Drip("220 mx.example.com ESMTP drip drip drip\r\n".into(), Duration::from_millis(100));
    let started = tokio::time::Instant::now();
    let a = probe_paused(limits, s).await;
    assert!(started.elapsed() < Duration::from_secs(4), "ended at the step timeout: {:?}", started.elapsed());
    let banner = a.banner.as_ref().unwrap();
    assert_eq!(banner.code, None);
    assert!(matches!(banner.failure, Some(ReadFailure::Timeout { .. })), "{banner:?}");
    assert!(!a.deadline_hit);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_a_whole_address() {
    let limits = Limits { step: Duration::from_secs(5), deadline: Duration::from_millis(700) };
    let mut s = Scenario::plaintext(HOST);
    s.greeting = Greeting::Silent;
    let started = tokio::time::Instant::now();
    let a = probe_paused(limits, s).await;
    assert!(started.elapsed() < limits.step, "ended at the deadline: {:?}", started.elapsed());
    assert!(a.deadline_hit && a.done);
    assert!(codes(&a).contains(&"deadline_reached"));
    assert!(a.transcript.last().unwrap().text.contains("deadline"));
}

#[tokio::test]
async fn garbage_and_floods_are_clear_outcomes() {
    let (a, _) = probe(|_| {
        let mut s = Scenario::plaintext(HOST);
        s.greeting = Greeting::Garbage(b"SSH-2.0-OpenSSH_9.2p1\r\n".to_vec());
        s
    })
    .await;
    let failure = a.banner.as_ref().unwrap().failure.clone();
    assert!(matches!(failure, Some(ReadFailure::NotAReply { .. })), "{failure:?}");

    let (a, _) = probe(|_| {
        let mut s = Scenario::plaintext(HOST);
        s.greeting = Greeting::Flood;
        s
    })
    .await;
    let failure = a.banner.as_ref().unwrap().failure.clone();
    assert!(matches!(failure, Some(ReadFailure::LineTooLong { .. } | ReadFailure::TooManyLines { .. })), "{failure:?}");
    assert!(a.transcript.len() <= 200);
}

#[tokio::test]
async fn a_421_banner_is_reported_raw_and_never_passes() {
    let (a, lab) = probe(|_| {
        let mut s = Scenario::plaintext(HOST);
        s.greeting = Greeting::Reply("421 4.3.2 mx.example.com Service not available, closing channel".into());
        s
    })
    .await;
    let banner = a.banner.as_ref().unwrap();
    assert_eq!(banner.code, Some(421));
    assert!(banner.text.contains("Service not available"));
    assert_eq!(codes(&a), ["banner_not_ready"]);
    assert!(a.ehlo.is_none() && a.open_relay.is_none());
    // QUIT is sent without waiting for the reply: wait until the fake server has read it.
    assert_eq!(after_goodbye(&lab.servers[0]).await, ["QUIT"]);
}

#[tokio::test]
async fn broken_tls_falls_back_to_one_plaintext_connection_for_the_relay_probe() {
    let (a, lab) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.starttls = StartTls::Broken;
        s
    })
    .await;
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!(tls.outcome, StartTlsOutcome::HandshakeFailed);
    assert!(tls.error.is_some() || tls.handshake_problem.is_some(), "why the handshake failed: {tls:?}");
    assert_eq!(a.open_relay.as_ref().map(|r| (r.outcome, r.over_tls)), Some((RelayOutcome::Refused, false)));
    assert_eq!((a.connections, lab.servers[0].connections()), (2, 2));
    assert!(codes(&a).contains(&"tls_handshake_failed"));
    never_data(&lab);
}

#[tokio::test]
async fn plaintext_after_starttls_is_reported_and_aborted() {
    let (a, lab) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.starttls = StartTls::Inject(lab.ca.valid(&[HOST]));
        s
    })
    .await;
    let tls = a.starttls.as_ref().unwrap();
    assert!(tls.pipelined_plaintext);
    assert!(codes(&a).contains(&"starttls_plaintext_injection"));
    assert_eq!(a.open_relay.as_ref().map(|r| r.over_tls), Some(false));
    assert_eq!(lab.servers[0].connections(), 2);
}

#[tokio::test]
async fn a_rejected_starttls_keeps_the_session_for_the_relay_probe() {
    let (a, lab) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.starttls = StartTls::Reject("454 4.7.0 TLS not available due to local problem".into());
        s
    })
    .await;
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!(tls.outcome, StartTlsOutcome::Rejected);
    assert!(tls.error.as_deref().unwrap().starts_with("454"));
    assert_eq!(a.open_relay.as_ref().unwrap().outcome, RelayOutcome::Refused);
    assert_eq!(lab.servers[0].connections(), 1);
}

#[tokio::test]
async fn ehlo_refused_falls_back_to_helo() {
    let (a, _) = probe(|_| {
        let mut s = Scenario::plaintext(HOST);
        s.ehlo_refused = true;
        s
    })
    .await;
    let ehlo = a.ehlo.as_ref().unwrap();
    assert!(ehlo.helo_fallback && ehlo.extensions.is_empty());
    assert_eq!(ehlo.code, Some(250));
    assert!(codes(&a).contains(&"ehlo_refused"));
    assert_eq!(a.open_relay.as_ref().unwrap().outcome, RelayOutcome::Refused);
}

/// Cisco ASA/PIX SMTP inspection between mxray and the server: the greeting masked with asterisks,
/// EHLO rewritten to `XXXX` and refused by the server behind, HELO passed (issue 23).
fn cisco_asa(masked_banner: bool) -> Scenario {
    let mut s = Scenario::plaintext(HOST);
    if masked_banner {
        s.greeting = Greeting::Reply("220 ***************************0*0*2******0*******0***0*00**".into());
    }
    s.replies = vec![("EHLO", "500 5.5.1 Command unrecognized: \"XXXX mxray.invalid\"".into())];
    s
}

#[tokio::test]
async fn a_firewall_that_hides_esmtp_is_named_not_the_mail_server() {
    let (a, _) = probe(|_| cisco_asa(true)).await;
    let ehlo = a.ehlo.as_ref().unwrap();
    assert!(ehlo.helo_fallback, "mail still flows over HELO");
    assert!(ehlo.ehlo_refusal.as_deref().is_some_and(|r| r.contains("XXXX")), "{ehlo:?}");
    let found = codes(&a);
    assert!(found.contains(&"smtp_inspection"), "{found:?}");
    assert!(!found.contains(&"ehlo_refused") && !found.contains(&"starttls_not_offered"), "{found:?}");
    let f = a.findings.iter().find(|f| f.code == "smtp_inspection").unwrap();
    assert_eq!(f.severity, Severity::Critical, "mail travels unencrypted");
    assert!(f.detail.contains("Cisco ASA/PIX") && f.remedy.contains("no inspect esmtp"), "{f:?}");
    let de = f.texts(mxray_report::Lang::De);
    assert!(de.detail.contains("unverschlüsselt") && de.remedy.contains("no fixup protocol smtp"), "{de:?}");

    // The XXXX echo alone is enough; a plain EHLO refusal stays the server's.
    let (a, _) = probe(|_| cisco_asa(false)).await;
    assert!(codes(&a).contains(&"smtp_inspection") && !codes(&a).contains(&"ehlo_refused"), "{:?}", codes(&a));
    let (a, _) = probe(|_| {
        let mut s = Scenario::plaintext(HOST);
        s.ehlo_refused = true;
        s
    })
    .await;
    assert!(codes(&a).contains(&"ehlo_refused") && !codes(&a).contains(&"smtp_inspection"), "{:?}", codes(&a));
}

#[tokio::test]
async fn a_masked_greeting_with_working_starttls_is_only_worth_knowing() {
    let (a, _) = probe(|lab| {
        let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
        s.greeting = Greeting::Reply("220 ***************************0*0*2******0*******0***0*00**".into());
        s
    })
    .await;
    let f = a.findings.iter().find(|f| f.code == "smtp_inspection").expect("the masked greeting is named");
    assert_eq!(f.severity, Severity::Info);
    assert!(codes(&a).contains(&"tls_ok"), "{:?}", codes(&a));
}

#[tokio::test]
async fn non_public_addresses_are_blocked_unless_allowed() {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, "127.0.0.1", Scenario::plaintext(HOST)).await;
    lab.mx(DOMAIN, 10, HOST, "10.0.0.25", Scenario::plaintext(HOST)).await;
    let (report, _) = common::run(&lab.engine(Limits::default(), false), DOMAIN).await;
    for a in &report.mx[0].addresses {
        assert_eq!(a.tcp.as_ref().unwrap().outcome, TcpOutcome::Blocked, "{}", a.ip);
        assert_eq!(a.findings[0].code, "target_blocked");
    }
    let private = ConnectFailure::NotPublic { range: "private".into() };
    assert_eq!(report.mx[0].addresses[1].tcp.as_ref().unwrap().failure, Some(private));
    assert_eq!(lab.connector.opened.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(report.mx[0].status.reachable, Mark::Inconclusive);
}

#[tokio::test]
async fn every_address_of_every_host_is_probed_concurrently() {
    let mut lab = Lab::new();
    // No server greets before all six are connected: probing one after another would time out.
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(6));
    for (i, host) in ["mx1.example.com", "mx2.example.com", "mx3.example.com"].iter().enumerate() {
        for ip in [format!("192.0.2.{}", 10 + i), format!("2001:db8::{}", 10 + i)] {
            let mut s = Scenario::good(host, lab.ca.valid(&[host]));
            s.gate = Some(gate.clone());
            lab.mx(DOMAIN, 10 * (i as u16 + 1), host, &ip, s).await;
        }
    }
    let (report, events) = lab.check(DOMAIN).await;
    assert_eq!(report.mx.len(), 3);
    for host in &report.mx {
        assert_eq!(host.addresses.len(), 2);
        assert_eq!(host.status.reachable, Mark::Ok);
        assert_eq!(host.status.certificate_valid, Mark::Ok, "{}", host.host);
        assert!(host.addresses.iter().all(|a| a.connections == 1));
    }
    assert_eq!(report.mx[0].addresses[1].family, mxray_report::model::report::Family::Ipv6);
    assert!(matches!(events.last(), Some(mxray_report::CheckEvent::Done { .. })));
}

#[tokio::test]
async fn a_not_yet_valid_certificate_is_its_own_critical_fact() {
    let (a, _) = probe(|lab| Scenario::good(HOST, lab.ca.not_yet_valid(&[HOST]))).await;
    let cert = a.certificate.as_ref().unwrap();
    assert!(cert.not_yet_valid && !cert.expired && cert.trusted && cert.hostname_matches, "{cert:?}");
    let f = a.findings.iter().find(|f| f.code == "certificate_not_yet_valid").expect("not-yet-valid finding");
    assert_eq!(f.severity, Severity::Critical);
    assert!(!codes(&a).contains(&"certificate_expired"));
}

#[tokio::test]
async fn an_expired_intermediate_and_a_missing_one_are_named() {
    let (a, _) = probe(|lab| Scenario::good(HOST, lab.ca.with_expired_intermediate(&[HOST]))).await;
    let cert = a.certificate.as_ref().unwrap();
    assert!(!cert.expired && cert.chain[1].expired && cert.trusted, "{cert:?}");
    let f = a.findings.iter().find(|f| f.code == "certificate_intermediate_expired").expect("named");
    assert!(f.detail.contains("CN=mxray test expired intermediate"), "{}", f.detail);

    let (a, _) = probe(|lab| Scenario::good(HOST, lab.ca.without_intermediate(&[HOST]))).await;
    let cert = a.certificate.as_ref().unwrap();
    assert!(!cert.trusted && !cert.self_signed && cert.chain.len() == 1, "{cert:?}");
    assert_eq!(cert.unknown_issuer.as_deref(), Some("CN=mxray test intermediate"));
    assert!(codes(&a).contains(&"certificate_untrusted"));
}

/// Round trips of one address with STARTTLS and TLS 1.3, counted by a latency proxy (client
/// flights that followed server data, plus the TCP handshake), with the relay probe answered `rcpt`.
async fn round_trips(extensions: &[&str], rcpt: &str, outcome: RelayOutcome) -> (usize, Vec<String>) {
    let mut lab = Lab::new();
    let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    s.extensions = extensions.iter().map(|e| (*e).to_owned()).collect();
    s.rcpt_reply = rcpt.to_owned();
    lab.mx(DOMAIN, 10, HOST, IP, s).await;
    let bind = "127.0.1.1:0".parse().unwrap();
    let proxy = LatencyProxy::start(bind, lab.servers[0].addr, Duration::from_millis(20)).await.unwrap();
    lab.connector.map.insert(IP.parse().unwrap(), proxy.addr);
    let (report, _) = lab.check(DOMAIN).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().tls_version.as_deref(), Some("TLSv1.3"));
    assert_eq!(a.open_relay.as_ref().map(|r| (r.outcome, r.over_tls)), Some((outcome, true)));
    let sent = after_goodbye(&lab.servers[0]).await;
    (proxy.round_trips(), sent[3..].to_vec())
}

#[tokio::test]
async fn pipelining_takes_the_fewest_round_trips_and_lock_step_more() {
    const PIPELINING: &[&str] = &["PIPELINING", "SIZE 10240000", "8BITMIME"];
    const LOCK_STEP: &[&str] = &["SIZE 10240000", "8BITMIME"];
    const REFUSED: &str = "554 5.7.1 <relay-test@example.net>: Relay access denied";
    let probe = ["MAIL FROM:<relay-probe@mxray.test>", "RCPT TO:<relay-test@example.net>"];
    // Connect, greeting, EHLO, STARTTLS, TLS 1.3 handshake, EHLO, MAIL+RCPT; the goodbye is not awaited.
    let (trips, sent) = round_trips(PIPELINING, "250 2.1.5 Ok", RelayOutcome::Accepted).await;
    assert_eq!(trips, 7);
    assert_eq!(sent, [&probe[..], &["RSET", "QUIT"]].concat());
    // A refusal costs one more: the forged local sender (RSET, MAIL, RCPT), the refused sender's
    // transaction again (RSET, MAIL) and the four routing forms, all in one write.
    let (trips, sent) = round_trips(PIPELINING, REFUSED, RelayOutcome::Refused).await;
    assert_eq!((trips, sent.len()), (8, 2 + 5 + 4 + 2), "{sent:?}");
    // Without PIPELINING every command waits for its reply, and the goodbye is QUIT alone.
    let (trips, sent) = round_trips(LOCK_STEP, "250 2.1.5 Ok", RelayOutcome::Accepted).await;
    assert_eq!(trips, 8);
    assert_eq!(sent, [&probe[..], &["QUIT"]].concat());
    // A refusal: the forged local sender and the routing forms one by one.
    let (trips, sent) = round_trips(LOCK_STEP, REFUSED, RelayOutcome::Refused).await;
    assert_eq!((trips, sent.len()), (17, 2 + 5 + 4 + 1), "{sent:?}");
}

#[tokio::test]
async fn submission_ports_get_the_same_steps_and_no_relay_probe() {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, Scenario::good(HOST, lab.ca.valid(&[HOST]))).await;
    // 465: implicit TLS, AUTH inside it. 587: STARTTLS, but AUTH offered in plaintext as well.
    let mut smtps = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    smtps.implicit_tls = Some(lab.ca.valid(&[HOST]));
    smtps.extensions.push("AUTH PLAIN LOGIN".into());
    let mut submission = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    submission.extensions.push("AUTH PLAIN LOGIN".into());
    let s465 = lab.port(IP, 465, smtps).await;
    let s587 = lab.port(IP, 587, submission).await;
    let engine = lab.engine(Limits::default(), true).with_ports(vec![25, 465, 587]);
    let (report, events) = common::run(&engine, DOMAIN).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.open_relay.as_ref().map(|r| r.outcome), Some(RelayOutcome::Refused), "port 25 as before");
    assert_eq!(a.tcp.as_ref().unwrap().port, 25);
    assert_eq!(a.connections, 3, "one more connection per extra port");
    assert_eq!(a.ports.iter().map(|p| (p.port, p.implicit_tls)).collect::<Vec<_>>(), [(465, true), (587, false)]);
    let (p465, p587) = (&a.ports[0], &a.ports[1]);
    assert_eq!(p465.tcp.as_ref().unwrap().port, 465);
    assert_eq!(p465.banner.as_ref().unwrap().code, Some(220));
    assert!(p465.ehlo.is_none(), "nothing in plaintext on 465");
    assert_eq!(p465.starttls.as_ref().unwrap().outcome, StartTlsOutcome::Ok);
    assert!(p465.certificate.as_ref().is_some_and(|c| c.hostname_matches && c.trusted));
    assert!(p465.ehlo_tls.as_ref().unwrap().offers("AUTH"));
    assert!(p587.ehlo.as_ref().unwrap().offers("STARTTLS") && p587.ehlo_tls.as_ref().unwrap().offers("AUTH"));
    assert_eq!(p587.starttls.as_ref().unwrap().outcome, StartTlsOutcome::Ok);
    let auth: Vec<_> = a.findings.iter().filter(|f| f.code == "auth_in_plaintext").collect();
    assert_eq!(auth.len(), 1, "{:?}", codes(a));
    assert!(auth[0].detail.contains("port 587"), "{}", auth[0].detail);
    for server in [s465, s587] {
        let sent = after_goodbye(&lab.servers[server]).await;
        assert!(!sent.iter().any(|c| c.starts_with("MAIL") || c.starts_with("RCPT")), "{sent:?}");
    }
    let titles: Vec<String> = mxray_report::render::rows::address_sections(a, &report, mxray_report::Lang::En)
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert!(titles.iter().any(|t| t == "Port 465: TLS") && titles.iter().any(|t| t == "Port 587: EHLO"), "{titles:?}");
    // Every port step names its port in the event stream.
    assert!(events
        .iter()
        .any(|e| matches!(e, mxray_report::CheckEvent::Step { step, .. } if matches!(&**step, mxray_report::StepResult::Port(p) if p.port == 587))));
}
