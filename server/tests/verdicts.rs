//! Verdicts a postmaster can trust: what real servers answer at each step, and the outcome each
//! answer must give. One table of fake servers (scenario data), one expected verdict per row.

mod common;

use app::report::{AddressReport, Mark, RelayOutcome, RelayReason, StartTlsOutcome, TcpOutcome};
use app::{Report, Severity};
use common::{after_goodbye, Lab, Limits};
use mxray_testkit::{Greeting, Scenario, StartTls};
use std::time::Duration;

const HOST: &str = "mx.example.com";
const DOMAIN: &str = "example.com";
const IP: &str = "192.0.2.10";

/// A good plaintext server (STARTTLS not offered) whose replies are overridden per verb.
fn server(replies: &[(&'static str, &str)]) -> Scenario {
    let mut s = Scenario::plaintext(HOST);
    s.replies = replies.iter().map(|(v, r)| (*v, (*r).to_owned())).collect();
    s
}

async fn probe(scenario: Scenario) -> (Report, Lab) {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, scenario).await;
    let (report, _) = lab.check(DOMAIN).await;
    assert!(report.complete);
    (report, lab)
}

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

fn sent(lab: &Lab) -> Vec<String> {
    lab.servers[0].commands()
}

fn never_data(lab: &Lab) {
    let commands = sent(lab);
    assert!(!commands.iter().any(|c| c.eq_ignore_ascii_case("DATA") || c.starts_with("BDAT")), "{commands:?}");
}

/// One relay case: the server's replies and the verdict they must give.
struct RelayCase {
    name: &'static str,
    replies: &'static [(&'static str, &'static str)],
    outcome: RelayOutcome,
    reason: RelayReason,
    attempts: usize,
}

const RELAY_CASES: &[RelayCase] = &[
    RelayCase {
        name: "Postfix default (defer_unauth_destination)",
        replies: &[("RCPT", "454 4.7.1 <relay-test@example.net>: Relay access denied")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RelayDenied,
        attempts: 1,
    },
    RelayCase {
        name: "Exim default ACL",
        replies: &[("RCPT", "550 relay not permitted")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RelayDenied,
        attempts: 1,
    },
    RelayCase {
        name: "Exchange",
        replies: &[("RCPT", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RelayDenied,
        attempts: 1,
    },
    RelayCase {
        name: "open relay",
        replies: &[("RCPT", "250 2.1.5 Ok")],
        outcome: RelayOutcome::Accepted,
        reason: RelayReason::Accepted,
        attempts: 1,
    },
    RelayCase {
        name: "252 accepts without verifying",
        replies: &[("RCPT", "252 2.1.5 Cannot VRFY user, but will accept message")],
        outcome: RelayOutcome::Accepted,
        reason: RelayReason::AcceptedUnverified,
        attempts: 1,
    },
    RelayCase {
        name: "sender domain check, then the null sender is refused relaying",
        replies: &[
            ("RCPT", "450 4.1.8 <relay-probe@mxray.test>: Sender address rejected: Domain not found"),
            ("RCPT", "454 4.7.1 <relay-test@example.net>: Relay access denied"),
        ],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RelayDenied,
        attempts: 2,
    },
    RelayCase {
        name: "sender verification, then the null sender is relayed: an open relay all the same",
        replies: &[("RCPT", "550 5.1.7 <relay-probe@mxray.test>: Sender address rejected"), ("RCPT", "250 2.1.5 Ok")],
        outcome: RelayOutcome::Accepted,
        reason: RelayReason::Accepted,
        attempts: 2,
    },
    RelayCase {
        name: "sender refused at MAIL, then relaying refused for the null sender",
        replies: &[
            ("MAIL", "553 5.1.8 <relay-probe@mxray.test>... Domain of sender address does not exist"),
            ("MAIL", "250 2.1.0 Ok"),
            ("RCPT", "550 5.7.1 <relay-test@example.net>... Relaying denied"),
        ],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RelayDenied,
        attempts: 2,
    },
    RelayCase {
        name: "every sender refused",
        replies: &[("MAIL", "550 5.7.1 <relay-probe@mxray.test>: Sender address rejected: Access denied")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::SenderRejected,
        attempts: 2,
    },
    RelayCase {
        name: "mxray's address on a blocklist",
        replies: &[("RCPT", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "HELO name refused",
        replies: &[("RCPT", "504 5.5.2 <probe.mxray.test>: Helo command rejected: need fully-qualified hostname")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::HeloRejected,
        attempts: 2,
    },
    RelayCase {
        name: "greylisting",
        replies: &[("RCPT", "450 4.2.0 <relay-test@example.net>: Recipient address rejected: Greylisted")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::Greylisted,
        attempts: 2,
    },
    RelayCase {
        name: "a refusal without a reason, twice",
        replies: &[("RCPT", "550 Go away")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RefusedUnstated,
        attempts: 2,
    },
    RelayCase {
        name: "421 at RCPT: the server closes, no retry",
        replies: &[("RCPT", "421 4.7.0 mx.example.com Error: too many errors")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::Temporary,
        attempts: 1,
    },
    RelayCase {
        name: "RCPT answered with 354",
        replies: &[("RCPT", "354 End data with <CR><LF>.<CR><LF>")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ProtocolError,
        attempts: 1,
    },
    RelayCase {
        name: "MAIL answered with 220",
        replies: &[("MAIL", "220 mx.example.com ESMTP")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ProtocolError,
        attempts: 1,
    },
];

#[tokio::test]
async fn each_relay_reply_gives_the_verdict_it_means() {
    for case in RELAY_CASES {
        let (report, lab) = probe(server(case.replies)).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap_or_else(|| panic!("{}: no relay report", case.name));
        assert_eq!(relay.outcome, case.outcome, "{}: {relay:?}", case.name);
        assert_eq!(relay.reason, Some(case.reason), "{}", case.name);
        assert_eq!(relay.attempts.len(), case.attempts, "{}: {:?}", case.name, relay.attempts);
        let last = relay.attempts.last().unwrap();
        assert_eq!((&relay.mail_from, &relay.rcpt_to), (&last.mail_from, &last.rcpt_to), "{}", case.name);
        if case.attempts == 2 {
            assert_eq!(relay.attempts[1].sender, "", "{}: the retry uses the null sender", case.name);
            let commands = sent(&lab);
            let retry = commands.iter().position(|c| c == "MAIL FROM:<>").expect("null sender sent");
            assert_eq!(commands[retry - 1], "RSET", "{}: {commands:?}", case.name);
        } else {
            assert!(!sent(&lab).iter().any(|c| c == "MAIL FROM:<>"), "{}", case.name);
        }
        let mark = report.mx[0].status.open_relay;
        match case.outcome {
            RelayOutcome::Accepted => {
                assert_eq!(mark, Mark::Critical, "{}", case.name);
                assert!(codes(a).contains(&"open_relay"), "{}", case.name);
            }
            RelayOutcome::Refused => {
                assert_eq!(mark, Mark::Ok, "{}", case.name);
                assert!(codes(a).contains(&"relay_refused"), "{}", case.name);
            }
            _ => {
                assert_eq!(mark, Mark::Inconclusive, "{}", case.name);
                assert!(!codes(a).contains(&"relay_refused"), "{}: never 'not an open relay'", case.name);
                let f = a.findings.iter().find(|f| f.code == "relay_inconclusive").expect("inconclusive finding");
                assert_eq!(f.severity, Severity::Warning, "{}", case.name);
            }
        }
        never_data(&lab);
    }
}

#[tokio::test]
async fn an_inconclusive_probe_says_how_to_get_a_real_answer() {
    let (report, _) = probe(server(&[("MAIL", "550 5.1.8 Sender address rejected: Domain not found")])).await;
    let f = report.mx[0].addresses[0].findings.iter().find(|f| f.code == "relay_inconclusive").unwrap();
    assert!(f.detail.contains("sender"), "{}", f.detail);
    assert!(f.remedy.contains("--relay-sender"), "{}", f.remedy);
    let de = f.texts(app::Lang::De);
    assert!(de.remedy.contains("--relay-sender"), "{}", de.remedy);
}

#[tokio::test]
async fn two_greetings_in_one_packet_stop_the_dialogue_without_a_relay_verdict() {
    let mut s = Scenario::plaintext(HOST);
    s.greeting = Greeting::Reply(format!("220 {HOST} ESMTP\r\n220 {HOST} ESMTP again"));
    s.rcpt_reply = "250 2.1.5 Ok".into();
    let (report, lab) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    assert!(a.open_relay.is_none() && a.ehlo.is_none(), "{a:?}");
    let p = a.protocol_error.as_ref().expect("protocol error");
    assert!(p.unsolicited && p.command == "greeting" && p.reply.contains("again"), "{p:?}");
    assert_eq!(codes(a)[0], "unsolicited_reply");
    assert_eq!(a.findings[0].severity, Severity::Critical);
    assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
    assert_eq!(report.worst_severity(), Severity::Critical);
    // Nothing but a goodbye went out: no EHLO that could be answered by the stray greeting.
    wait_for_commands(&lab, 1).await;
    assert_eq!(sent(&lab), ["QUIT"]);
}

#[tokio::test]
async fn a_late_second_greeting_is_not_taken_for_the_ehlo_reply() {
    let mut s = Scenario::plaintext(HOST);
    s.after_greeting = Some((Duration::from_millis(150), format!("220 {HOST} ESMTP again")));
    s.rcpt_reply = "250 2.1.5 Ok".into();
    let (report, _) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    assert!(a.open_relay.is_none(), "{:?}", a.open_relay);
    let p = a.protocol_error.as_ref().expect("protocol error");
    // Either it was seen waiting before EHLO, or it came back as EHLO's "reply" with code 220.
    assert!(p.reply.contains("again"), "{p:?}");
    assert!(codes(a).contains(&"unsolicited_reply") || codes(a).contains(&"protocol_violation"), "{:?}", codes(a));
    assert_ne!(report.mx[0].status.open_relay, Mark::Ok);
    assert_ne!(report.mx[0].status.open_relay, Mark::Critical);
}

#[tokio::test]
async fn ehlo_and_starttls_accept_only_their_own_codes() {
    let (report, _) = probe(server(&[("EHLO", "220 mx.example.com hello")])).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.ehlo.as_ref().unwrap().code, Some(220));
    assert!(codes(a).contains(&"protocol_violation") && !codes(a).contains(&"helo_failed"), "{:?}", codes(a));
    assert!(a.open_relay.is_none());
    assert_eq!(report.mx[0].addresses[0].findings[0].severity, Severity::Critical);

    let lab_ca = Lab::new();
    let mut s = Scenario::good(HOST, lab_ca.ca.valid(&[HOST]));
    s.replies = vec![("STARTTLS", "250 2.0.0 Ok".to_owned())];
    let (report, lab) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().outcome, StartTlsOutcome::Rejected);
    let p = a.protocol_error.as_ref().unwrap();
    assert_eq!((p.command.as_str(), p.unsolicited), ("STARTTLS", false));
    assert!(a.open_relay.is_none());
    assert!(!sent(&lab).iter().any(|c| c.starts_with("MAIL")));
}

#[tokio::test]
async fn unrequested_replies_inside_tls_are_caught_before_ehlo() {
    let mut lab = Lab::new();
    let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    s.tls_greeting = Some(format!("220 {HOST} ESMTP inside TLS"));
    s.rcpt_reply = "250 2.1.5 Ok".into();
    lab.mx(DOMAIN, 10, HOST, IP, s).await;
    let (report, _) = lab.check(DOMAIN).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().outcome, StartTlsOutcome::Ok);
    let p = a.protocol_error.as_ref().expect("protocol error");
    // Seen waiting before EHLO, or returned as EHLO's "reply" with code 220: either way no pass.
    assert!(p.reply.contains("inside TLS"), "{p:?}");
    assert!(a.ehlo_tls.as_ref().is_none_or(|e| e.code == Some(220)), "{:?}", a.ehlo_tls);
    assert!(a.open_relay.is_none(), "the stray reply must not shift replies onto the relay probe");
    assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
}

/// Waits until the server has read `n` commands (10 s at most, as a bound against hanging).
async fn wait_for_commands(lab: &Lab, n: usize) {
    lab.servers[0].commands_until(|c| c.len() >= n, Duration::from_secs(10)).await;
}

/// TLS alerts as a server that cannot speak TLS 1.2/1.3 or shares no cipher sends them.
fn alert(description: u8) -> Vec<u8> {
    vec![0x15, 0x03, 0x01, 0x00, 0x02, 0x02, description]
}

/// A TLS 1.0 ServerHello (legacy version 0x0301, TLS_RSA_WITH_AES_128_CBC_SHA, no extensions), as a
/// server that speaks nothing newer answers.
fn tls10_server_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x01];
    body.extend([0x42; 32]);
    body.extend([0x00, 0x00, 0x2f, 0x00]);
    let mut handshake = vec![0x02, 0x00, 0x00, u8::try_from(body.len()).unwrap()];
    handshake.extend(body);
    let mut record = vec![0x16, 0x03, 0x01, 0x00, u8::try_from(handshake.len()).unwrap()];
    record.extend(handshake);
    record
}

#[tokio::test]
async fn tls_failures_say_what_the_server_answered() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (alert(70), "tls_legacy_only"),
        (tls10_server_hello(), "tls_legacy_only"),
        (alert(40), "tls_no_shared_cipher"),
        (alert(80), "tls_handshake_failed"),
    ];
    for (answer, code) in cases {
        let mut s = Scenario::plaintext(HOST);
        s.starttls = StartTls::Raw(answer);
        let (report, _) = probe(s).await;
        let a = &report.mx[0].addresses[0];
        assert_eq!(a.starttls.as_ref().unwrap().outcome, StartTlsOutcome::HandshakeFailed, "{code}");
        assert!(codes(a).contains(&code), "{code}: {:?} {:?}", codes(a), a.starttls);
        // The relay probe still ran, on the one fresh plaintext connection.
        assert_eq!(a.open_relay.as_ref().map(|r| r.outcome), Some(RelayOutcome::Refused), "{code}");
        assert_eq!(a.connections, 2);
    }
}

#[tokio::test]
async fn an_mx_name_that_cannot_be_a_tls_server_name_is_not_testable_not_broken() {
    let host = "mx.example.123";
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, host, IP, Scenario::good(host, lab.ca.valid(&[HOST]))).await;
    let (report, lab) = (lab.check(DOMAIN).await.0, lab);
    let a = &report.mx[0].addresses[0];
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!((tls.offered, tls.outcome), (true, StartTlsOutcome::NotTestable));
    assert!(tls.error.as_deref().unwrap().contains("not a valid TLS server name"));
    assert!(codes(a).contains(&"tls_not_testable") && !codes(a).contains(&"tls_handshake_failed"));
    assert_eq!(report.mx[0].status.starttls, Mark::Inconclusive);
    assert_eq!(a.open_relay.as_ref().map(|r| (r.outcome, r.over_tls)), Some((RelayOutcome::Refused, false)));
    assert!(!sent(&lab).iter().any(|c| c == "STARTTLS"));
}

/// On the paused clock over in-memory pipes: the fast host's session takes no time, the slow
/// lookup 600 ms, whatever the machine's load.
#[tokio::test(start_paused = true)]
async fn a_host_is_probed_as_soon_as_its_own_addresses_are_known() {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, "fast.example.com", "192.0.2.41", Scenario::plaintext("fast.example.com")).await;
    lab.mx(DOMAIN, 20, "slow.example.com", "192.0.2.42", Scenario::plaintext("slow.example.com")).await;
    lab.dns.delays.insert("slow.example.com".into(), Duration::from_millis(600));
    let (report, events) = common::run(&lab.piped_engine(Limits::default(), 64), DOMAIN).await;
    let position = |want: &dyn Fn(&app::CheckEvent) -> bool| events.iter().position(want).unwrap();
    let fast_done = position(&|e| matches!(e, app::CheckEvent::AddressDone { mx: 0, .. }));
    let slow_known = position(&|e| matches!(e, app::CheckEvent::HostResolved { mx: 1, .. }));
    assert!(fast_done < slow_known, "the fast host waited for the slow lookup: {events:#?}");
    assert!(report.mx.iter().all(|h| h.status.reachable == Mark::Ok && !h.resolving));
}

#[tokio::test]
async fn an_address_under_two_mx_names_is_probed_once_and_shown_under_both() {
    let mut lab = Lab::new();
    let s = Scenario::good("mx1.example.com", lab.ca.valid(&["mx1.example.com"]));
    lab.mx(DOMAIN, 10, "mx1.example.com", IP, s).await;
    lab.dns.hosts.insert("mx2.example.com".into(), vec![IP.parse().unwrap()]);
    if let Ok(records) = lab.dns.mx.get_mut(DOMAIN).unwrap() {
        records.push(server::probe::dns::MxRecord { preference: 20, exchange: "mx2.example.com".into() });
    }
    let (report, _) = lab.check(DOMAIN).await;
    assert_eq!(lab.servers[0].connections(), 1, "one session for both names");
    let (first, second) = (&report.mx[0].addresses[0], &report.mx[1].addresses[0]);
    assert_eq!(first.open_relay.as_ref().unwrap().outcome, RelayOutcome::Refused);
    assert_eq!(second.open_relay, first.open_relay);
    assert_eq!(second.starttls, first.starttls);
    assert_eq!(second.same_server_as.as_deref(), Some("mx1.example.com"));
    assert!(first.same_server_as.is_none() && !first.transcript.is_empty());
    // The certificate is judged against each name: it names mx1 only.
    assert!(first.certificate.as_ref().unwrap().hostname_matches);
    assert!(!second.certificate.as_ref().unwrap().hostname_matches);
    assert!(second.done && report.complete);
}

#[tokio::test]
async fn nothing_tested_is_never_works() {
    // Every address non-public: not contacted, and the verdict says that nothing was tested.
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, "192.168.1.25", Scenario::plaintext(HOST)).await;
    lab.mx(DOMAIN, 10, HOST, "10.0.0.25", Scenario::plaintext(HOST)).await;
    let (report, _) = common::run(&lab.engine(Limits::default(), false), DOMAIN).await;
    assert_eq!(lab.connector.opened.load(std::sync::atomic::Ordering::SeqCst), 0);
    let domain: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    // The policy check (no _mta-sts record in the lab's DNS) adds its info after the verdict.
    assert_eq!(domain, ["nothing_tested", "mta_sts_missing"]);
    assert_eq!(report.findings[0].severity, Severity::Critical);
    assert!(report.findings[0].detail.contains("2 not public"), "{}", report.findings[0].detail);
    assert_eq!(report.mx[0].findings[0].code, "mx_not_public");
    assert_eq!(report.mx[0].addresses[0].connections, 0);
    assert_eq!(report.worst_severity(), Severity::Critical);
    let (_, sentence) = app::render::facts::verdict(&report, app::Lang::En);
    assert!(!sentence.contains("works") && !sentence.contains("No problems"), "{sentence}");
}

/// A connector for an address family this machine cannot route (as without IPv6).
struct NoRoute;

impl server::probe::net::Connector for NoRoute {
    type Stream = tokio::net::TcpStream;
    async fn connect(&self, addr: std::net::SocketAddr) -> std::io::Result<Self::Stream> {
        let kind = std::io::ErrorKind::NetworkUnreachable;
        Err(std::io::Error::new(kind, server::probe::net::NoRouteHere(addr.ip())))
    }
}

#[tokio::test]
async fn no_route_from_here_is_not_testable_not_closed() {
    let mut dns = common::StaticDns::default();
    dns.mx.insert(DOMAIN.into(), Ok(vec![server::probe::dns::MxRecord { preference: 10, exchange: HOST.into() }]));
    dns.hosts.insert(HOST.into(), vec!["2001:db8::25".parse().unwrap()]);
    let tls = server::probe::tls::TlsContext::new(None).unwrap();
    let config = common::session_config(Duration::from_secs(2), 25);
    let engine = server::probe::Prober::new(dns, NoRoute, tls, config, 4, Duration::from_secs(5));
    let (report, _) = common::run(&engine, DOMAIN).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.tcp.as_ref().unwrap().outcome, TcpOutcome::NoRoute);
    assert_eq!(codes(a), ["no_route_from_here"]);
    assert_eq!(a.findings[0].severity, Severity::Info);
    assert!(!codes(a).contains(&"port25_unreachable"));
    assert_eq!(report.mx[0].status.reachable, Mark::Inconclusive);
    assert_eq!(report.findings[0].code, "nothing_tested");
}

#[tokio::test]
async fn a_null_mx_beside_other_mx_is_a_finding_and_the_others_are_probed() {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, Scenario::plaintext(HOST)).await;
    if let Ok(records) = lab.dns.mx.get_mut(DOMAIN).unwrap() {
        records.push(server::probe::dns::MxRecord { preference: 0, exchange: String::new() });
    }
    let (report, _) = lab.check(DOMAIN).await;
    assert_eq!(report.mx.len(), 1);
    assert!(report.findings.iter().any(|f| f.code == "null_mx_with_other_mx" && f.severity == Severity::Warning));
    assert_eq!(report.mx[0].status.reachable, Mark::Ok);
}

/// On the paused clock over in-memory pipes, so each greeting takes exactly its 400 ms and no
/// more, however busy the machine is.
#[tokio::test(start_paused = true)]
async fn waiting_for_a_connection_slot_does_not_eat_the_deadline() {
    let mut lab = Lab::new();
    for i in 0..3 {
        let mut s = Scenario::plaintext(HOST);
        s.greeting_delay = Duration::from_millis(400);
        lab.mx(DOMAIN, 10, HOST, &format!("192.0.2.{}", 20 + i), s).await;
    }
    // One connection at a time, 700 ms per address: queued addresses wait 400 and 800 ms first.
    let limits = Limits { step: Duration::from_secs(2), deadline: Duration::from_millis(700) };
    let (report, _) = common::run(&lab.piped_engine(limits, 1), DOMAIN).await;
    let addresses = &report.mx[0].addresses;
    assert!(
        addresses.iter().all(|a| !a.deadline_hit),
        "{:?}",
        addresses.iter().map(|a| a.deadline_hit).collect::<Vec<_>>()
    );
    assert!(addresses.iter().all(|a| a.open_relay.as_ref().is_some_and(|r| r.outcome == RelayOutcome::Refused)));
    let queued = addresses.iter().filter(|a| a.queued_ms >= 300).count();
    assert_eq!(queued, 2, "{:?}", addresses.iter().map(|a| a.queued_ms).collect::<Vec<_>>());
}

/// On the paused clock over in-memory pipes: a queued address waits a whole 300 ms greeting, one
/// that is not queued waits no time at all.
#[tokio::test(start_paused = true)]
async fn one_check_holds_at_most_its_own_share_of_connections() {
    let mut lab = Lab::new();
    for i in 0..4 {
        let mut s = Scenario::plaintext(HOST);
        s.greeting_delay = Duration::from_millis(300);
        lab.mx(DOMAIN, 10, HOST, &format!("192.0.2.{}", 30 + i), s).await;
    }
    let queued = |report: &Report| -> Vec<u64> { report.mx[0].addresses.iter().map(|a| a.queued_ms).collect() };
    // Two slots for four addresses that each take 300 ms: two of them wait for a slot.
    let (capped, _) = common::run(&lab.piped_engine(Limits::default(), 64).with_check_connections(2), DOMAIN).await;
    assert_eq!(queued(&capped).iter().filter(|q| **q >= 300).count(), 2, "{:?}", queued(&capped));
    // The default share (eight) leaves four addresses waiting for nothing; the global pool is 64.
    let (free, _) = common::run(&lab.piped_engine(Limits::default(), 64), DOMAIN).await;
    assert!(queued(&free).iter().all(|q| *q == 0), "{:?}", queued(&free));
    for report in [capped, free] {
        assert!(report.mx[0]
            .addresses
            .iter()
            .all(|a| a.open_relay.as_ref().is_some_and(|r| r.outcome == RelayOutcome::Refused)));
    }
}

#[tokio::test]
async fn a_flooding_greeting_and_ehlo_reply_stay_small_in_the_report() {
    // Within every reply cap (2 KiB lines, 128 lines), yet 250 KiB of control bytes per reply.
    let junk = "\u{1}".repeat(2000);
    let flood = |code: u16| -> String {
        let mut lines: Vec<String> = (0..127).map(|i| format!("{code}-K{i}{junk}")).collect();
        lines.push(format!("{code} end"));
        lines.join("\r\n")
    };
    let mut lab = Lab::new();
    for i in 0..8 {
        let mut s = Scenario::plaintext(HOST);
        s.greeting = Greeting::Reply(flood(220));
        s.replies = vec![("EHLO", flood(250))];
        lab.mx(DOMAIN, 10, HOST, &format!("192.0.2.{}", 50 + i), s).await;
    }
    let (report, _) = lab.check(DOMAIN).await;
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.len() <= 1024 * 1024, "report of {} bytes", json.len());
    for a in &report.mx[0].addresses {
        assert!(a.banner.as_ref().unwrap().text.len() <= 1024);
        assert!(a.ehlo.as_ref().is_none_or(|e| e.extensions.len() <= 64));
    }
}

#[tokio::test]
async fn an_ip_literal_mx_target_and_one_without_address_are_each_named() {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, Scenario::plaintext(HOST)).await;
    if let Ok(records) = lab.dns.mx.get_mut(DOMAIN).unwrap() {
        records.push(server::probe::dns::MxRecord { preference: 20, exchange: "192.0.2.77".into() });
        records.push(server::probe::dns::MxRecord { preference: 30, exchange: "gone.example.com".into() });
    }
    let (report, _) = lab.check(DOMAIN).await;
    let host_codes = |i: usize| report.mx[i].findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>();
    assert_eq!(report.mx[1].host, "192.0.2.77");
    assert!(host_codes(1).contains(&"mx_is_ip_literal") && host_codes(1).contains(&"mx_host_no_address"));
    assert_eq!(host_codes(2), ["mx_host_no_address"]);
    assert_eq!(report.mx[2].status.reachable, Mark::Critical);
    assert_eq!(report.mx[0].status.reachable, Mark::Ok);
}

#[tokio::test]
async fn a_server_that_refuses_mxray_itself_is_not_called_broken() {
    // mxray's own address on a blocklist at the greeting: not "the server refuses sessions".
    let mut s = Scenario::plaintext(HOST);
    s.greeting =
        Greeting::Reply("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org".into());
    let (report, _) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(codes(a), ["tester_refused"]);
    assert_eq!(a.findings[0].severity, Severity::Warning);
    assert!(a.findings[0].remedy.contains("blocklist"), "{}", a.findings[0].remedy);
    assert_eq!(report.mx[0].status.reachable, Mark::Inconclusive);
    let domain: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(domain, ["nothing_tested", "mta_sts_missing"], "still no 'works': nothing was tested");
    assert!(report.findings[0].detail.contains("1 refused mxray itself"), "{}", report.findings[0].detail);

    // mxray's HELO name refused at EHLO and HELO: not "neither EHLO nor HELO accepted".
    let helo = "550 5.7.1 <probe.mxray.test>: Helo command rejected: Host not found";
    let (report, _) = probe(server(&[("EHLO", helo), ("HELO", helo)])).await;
    let a = &report.mx[0].addresses[0];
    assert!(codes(a).contains(&"tester_refused") && !codes(a).contains(&"helo_failed"), "{:?}", codes(a));
    let f = a.findings.iter().find(|f| f.code == "tester_refused").unwrap();
    assert!(f.remedy.contains("--helo-name"), "{}", f.remedy);
    assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
    assert_eq!(report.mx[0].status.reachable, Mark::Ok);

    // A plain refusal of service stays critical.
    let mut s = Scenario::plaintext(HOST);
    s.greeting = Greeting::Reply("554 5.3.2 mx.example.com Service currently unavailable".into());
    let (report, _) = probe(s).await;
    assert_eq!(codes(&report.mx[0].addresses[0]), ["banner_not_ready"]);
    assert_eq!(report.findings[0].code, "no_reachable_mx");
}

#[tokio::test]
async fn an_open_relay_offering_chunking_sees_no_data_and_only_an_outside_recipient() {
    // The tested domain is the configured recipient's own domain: the probe must pick another one.
    let (domain, host) = ("example.net", "mx.example.net");
    let mut lab = Lab::new();
    let mut s = Scenario::good(host, lab.ca.valid(&[host]));
    s.rcpt_reply = "250 2.1.5 Ok".into();
    assert!(s.extensions.iter().any(|e| e == "CHUNKING") && s.extensions.iter().any(|e| e == "PIPELINING"));
    lab.mx(domain, 10, host, IP, s).await;
    let (report, _) = lab.check(domain).await;
    let relay = report.mx[0].addresses[0].open_relay.clone().expect("relay report");
    assert_eq!((relay.outcome, relay.recipient.as_str()), (RelayOutcome::Accepted, "relay-test@example.org"));
    assert_eq!(report.mx[0].status.open_relay, Mark::Critical);
    let sent = after_goodbye(&lab.servers[0]).await;
    assert_eq!(
        sent,
        [
            "EHLO probe.mxray.test",
            "STARTTLS",
            "EHLO probe.mxray.test",
            "MAIL FROM:<relay-probe@mxray.test>",
            "RCPT TO:<relay-test@example.org>",
            "RSET",
            "QUIT"
        ]
    );
    let transcript = &report.mx[0].addresses[0].transcript;
    assert!(transcript.iter().all(|l| !l.text.to_ascii_lowercase().contains("@example.net")), "{transcript:#?}");
}

#[tokio::test]
async fn a_550_at_mail_from_is_inconclusive_whatever_its_wording() {
    for refusal in ["550 5.7.1 <relay-probe@mxray.test>: Access denied", "550 5.7.1 Relaying denied"] {
        // The RCPT that went out in the same write is answered 503: no transaction.
        let (report, lab) = probe(server(&[("MAIL", refusal), ("RCPT", "250 2.1.5 Ok")])).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!(relay.outcome, RelayOutcome::Inconclusive, "{refusal}: {relay:?}");
        assert_eq!(relay.attempts.len(), 2, "{refusal}");
        assert!(relay.attempts.iter().all(|t| t.rcpt_to.is_none()), "{refusal}: {:?}", relay.attempts);
        assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive, "{refusal}");
        assert!(!codes(a).contains(&"relay_refused") && !codes(a).contains(&"open_relay"), "{refusal}");
        assert!(a.protocol_error.is_none(), "{refusal}: {:?}", a.protocol_error);
        assert!(a.transcript.iter().any(|l| l.text.starts_with("503 ")), "{refusal}: the RCPT reply was read");
        let sent = after_goodbye(&lab.servers[0]).await;
        assert_eq!(
            sent,
            [
                "EHLO probe.mxray.test",
                "MAIL FROM:<relay-probe@mxray.test>",
                "RCPT TO:<relay-test@example.net>",
                "RSET",
                "MAIL FROM:<>",
                "RCPT TO:<relay-test@example.net>",
                "RSET",
                "QUIT"
            ]
        );
    }
}

#[tokio::test]
async fn a_recipient_accepted_without_a_transaction_is_a_protocol_error_not_a_verdict() {
    let mut s = server(&[("MAIL", "530 5.7.0 Authentication required")]);
    s.rcpt_without_mail = "250 2.1.5 Ok".into();
    let (report, _) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    let relay = a.open_relay.as_ref().unwrap();
    assert_eq!((relay.outcome, relay.reason), (RelayOutcome::Inconclusive, Some(RelayReason::ProtocolError)));
    let p = a.protocol_error.as_ref().expect("protocol error");
    assert_eq!((p.command.as_str(), p.reply.as_str(), p.unsolicited), ("RCPT TO", "250 2.1.5 Ok", false));
    assert!(codes(a).contains(&"protocol_violation"));
}

/// The routing forms as mxray sends them for the lab's address.
const FORMS: [&str; 4] = [
    "RCPT TO:<relay-test%example.net@[192.0.2.10]>",
    "RCPT TO:<example.net!relay-test@[192.0.2.10]>",
    "RCPT TO:<@[192.0.2.10]:relay-test@example.net>",
    "RCPT TO:<\"relay-test@example.net\"@[192.0.2.10]>",
];

#[tokio::test]
async fn routing_addresses_are_tried_only_after_a_refusal_and_warn_apart_from_the_verdict() {
    // Refuses the plain recipient, takes the percent hack and the quoted form, 252 and 450 for the others.
    let replies = [
        ("RCPT", "554 5.7.1 <relay-test@example.net>: Relay access denied"),
        ("RCPT", "250 2.1.5 Ok"),
        ("RCPT", "252 2.1.5 Cannot VRFY user"),
        ("RCPT", "450 4.7.1 Try again later"),
        ("RCPT", "251 2.1.5 User not local; will forward"),
    ];
    for pipelining in [true, false] {
        let mut s = server(&replies);
        if !pipelining {
            s.extensions.retain(|e| e != "PIPELINING");
        }
        let (report, lab) = probe(s).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!(relay.outcome, RelayOutcome::Refused, "the plain verdict alone decides");
        let got: Vec<(app::report::BypassForm, bool)> = relay.bypass.iter().map(|b| (b.form, b.accepted)).collect();
        use app::report::BypassForm::*;
        assert_eq!(got, [(PercentHack, true), (BangPath, false), (SourceRoute, false), (QuotedLocalPart, true)]);
        assert_eq!(relay.bypass[2].reply.as_deref(), Some("450 4.7.1 Try again later"));
        let f = a.findings.iter().find(|f| f.code == "relay_bypass_accepted").expect("bypass finding");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("percent hack") && f.detail.contains("quoted local part"), "{}", f.detail);
        assert!(!f.detail.contains("bang path"), "{}", f.detail);
        assert!(f.remedy.contains("delivery test") && f.texts(app::Lang::De).remedy.contains("Zustelltest"));
        assert!(codes(a).contains(&"relay_refused") && !codes(a).contains(&"open_relay"));
        assert_eq!(report.mx[0].status.open_relay, Mark::Warning);
        let sent = after_goodbye(&lab.servers[0]).await;
        let mut want =
            vec!["EHLO probe.mxray.test", "MAIL FROM:<relay-probe@mxray.test>", "RCPT TO:<relay-test@example.net>"];
        // In the refused transaction: with PIPELINING in one write, else one by one.
        want.extend(FORMS);
        want.extend(if pipelining { &["RSET", "QUIT"][..] } else { &["QUIT"][..] });
        assert_eq!(sent, want, "pipelining {pipelining}");
        // The rows of every report view show each form with its command and reply.
        let rows = app::render::rows::address_sections(a, &report, app::Lang::En);
        let relay_rows = &rows.iter().find(|s| s.title == "Open-relay probe").unwrap().rows;
        let percent = relay_rows.iter().find(|r| r.label == "percent hack").unwrap();
        assert_eq!(percent.value, format!("{} → 250 2.1.5 Ok (accepted: may relay)", FORMS[0]));
    }
}

#[tokio::test]
async fn routing_addresses_are_not_tried_unless_relaying_was_refused() {
    for (rcpt, outcome) in [
        ("250 2.1.5 Ok", RelayOutcome::Accepted),
        ("450 4.2.0 <relay-test@example.net>: Recipient address rejected: Greylisted", RelayOutcome::Inconclusive),
        ("550 5.1.7 <relay-probe@mxray.test>: Sender address rejected", RelayOutcome::Inconclusive),
    ] {
        let (report, lab) = probe(server(&[("RCPT", rcpt)])).await;
        let relay = report.mx[0].addresses[0].open_relay.clone().unwrap();
        assert_eq!(relay.outcome, outcome);
        assert!(relay.bypass.is_empty());
        let sent = after_goodbye(&lab.servers[0]).await;
        assert!(!sent.iter().any(|c| c.contains('%') || c.contains('!') || c.contains("@[")), "{sent:?}");
    }
}
