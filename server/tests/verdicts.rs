//! Verdicts a postmaster can trust: what real servers answer at each step, and the outcome each
//! answer must give. One table of fake servers (scenario data), one expected verdict per row.

mod common;

use common::{after_goodbye, Lab, Limits};
use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::report::{
    AddressReport, Mark, NotTestable, RelayOutcome, RelayReason, RevisitReason, StartTlsOutcome, TcpOutcome,
};
use mxray_report::{Report, Severity};
use mxray_testkit::{Cut, Greeting, LatencyProxy, Scenario, StartTls};
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

/// The same server without PIPELINING: every command waits for its reply.
fn lock_step(mut s: Scenario) -> Scenario {
    s.extensions.retain(|e| e != "PIPELINING");
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
#[derive(Clone, Copy)]
struct RelayCase<'a> {
    name: &'a str,
    replies: &'static [(&'static str, &'static str)],
    outcome: RelayOutcome,
    reason: RelayReason,
    attempts: usize,
}

const RELAY_CASES: &[RelayCase<'static>] = &[
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
    // Issue 15: a refusal that says nothing about relaying is not proof of one; this row read
    // "Not an open relay" before.
    RelayCase {
        name: "a refusal without a reason, twice",
        replies: &[("RCPT", "550 Go away")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::RefusedUnstated,
        attempts: 2,
    },
    RelayCase {
        name: "a bare 5.7.1 without relay wording, twice",
        replies: &[("RCPT", "554 5.7.1 Delivery not authorized")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::RefusedUnstated,
        attempts: 2,
    },
    RelayCase {
        name: "the outside recipient unknown here (Postfix)",
        replies: &[("RCPT", "550 5.1.1 <relay-test@example.net>: Recipient address rejected: User unknown")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RecipientUnknown,
        attempts: 1,
    },
    RelayCase {
        name: "the outside recipient unknown here (OpenSMTPD)",
        replies: &[("RCPT", "550 Invalid recipient: <relay-test@example.net>")],
        outcome: RelayOutcome::Refused,
        reason: RelayReason::RecipientUnknown,
        attempts: 1,
    },
    // Refusals of mxray's own address (the fake puts the client's address where `{client}` is): each
    // read "Not an open relay" after the null sender's retry before issue 15.
    RelayCase {
        name: "Exchange Online: banned sending IP",
        replies: &[("RCPT", "550 5.7.606 Access denied, banned sending IP [{client}]")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "Exchange Online: traffic not accepted from this IP",
        replies: &[("RCPT", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "Proofpoint: blocked, see ipcheck",
        replies: &[("RCPT", "554 Blocked - see https://ipcheck.proofpoint.com/?ip={client}")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "Comcast: BL000010",
        replies: &[(
            "RCPT",
            "554 resimta-po-01v.sys.comcast.net comcast {client} found on one or more DNSBLs, see BL000010",
        )],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "a refusal that names only the address mxray connected from",
        replies: &[("RCPT", "550 5.7.1 Connections from {client} are not welcome here")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "Yahoo: [TSS04] deferred, and the session closes",
        replies: &[(
            "RCPT",
            "421 4.7.0 [TSS04] Messages from {client} temporarily deferred due to unexpected volume or user complaints",
        )],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ClientRejected,
        attempts: 1,
    },
    RelayCase {
        name: "TLS required first",
        replies: &[("RCPT", "530 5.7.0 Must issue a STARTTLS command first")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::TlsRequired,
        attempts: 2,
    },
    RelayCase {
        name: "x.4.4: the recipient's domain cannot be routed",
        replies: &[("RCPT", "550 5.4.4 <relay-test@example.net>: unable to route")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::RecipientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "x.4.4, temporary",
        replies: &[("RCPT", "451 4.4.4 Temporary routing failure")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::RecipientRejected,
        attempts: 2,
    },
    RelayCase {
        name: "421 at RCPT: the server closes, no retry",
        replies: &[("RCPT", "421 4.7.0 mx.example.com Error: too many errors")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ServerClosing,
        attempts: 1,
    },
    RelayCase {
        name: "421 at MAIL: the server closes, no retry",
        replies: &[("MAIL", "421 4.3.2 Service shutting down, closing transmission channel")],
        outcome: RelayOutcome::Inconclusive,
        reason: RelayReason::ServerClosing,
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
    for (case, pipelining) in RELAY_CASES.iter().flat_map(|c| [(c, true), (c, false)]) {
        let scenario = if pipelining { server(case.replies) } else { lock_step(server(case.replies)) };
        let (report, lab) = probe(scenario).await;
        let a = &report.mx[0].addresses[0];
        let name = format!("{} ({})", case.name, if pipelining { "pipelined" } else { "lock-step" });
        let name = name.as_str();
        let case = RelayCase { name, ..*case };
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
                let f = a.findings.iter().find(|f| f.code == "open_relay").unwrap();
                assert!(f.detail.contains("never sends DATA"), "{}", f.detail);
                assert!(f.texts(mxray_report::Lang::De).detail.contains("nie DATA"), "{}", case.name);
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
    let de = f.texts(mxray_report::Lang::De);
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
    let Some(NotTestable::InvalidServerName { name }) = &tls.not_testable else { panic!("{tls:?}") };
    assert!(tls.error.is_some(), "rustls' reason beside it: {tls:?}");
    assert!(a
        .findings
        .iter()
        .any(|f| f.detail.contains(&format!("the MX name \"{name}\" is not a valid TLS server name"))));
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
    let position = |want: &dyn Fn(&mxray_report::CheckEvent) -> bool| events.iter().position(want).unwrap();
    let fast_done = position(&|e| matches!(e, mxray_report::CheckEvent::AddressDone { mx: 0, .. }));
    let slow_known = position(&|e| matches!(e, mxray_report::CheckEvent::HostResolved { mx: 1, .. }));
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
    let (_, sentence) = mxray_report::render::facts::verdict(&report, mxray_report::Lang::En);
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

    // Refusals that name mxray's address (the fake fills in the client's address) or say that it is
    // banned: at the greeting and at EHLO, a warning about the tester, never "refuses sessions".
    for greeting in [
        "554 5.7.1 mx.example.com: no mail from {client}",
        "554 Blocked - see https://ipcheck.proofpoint.com/?ip={client}",
    ] {
        let mut s = Scenario::plaintext(HOST);
        s.greeting = Greeting::Reply(greeting.into());
        let (report, _) = probe(s).await;
        let a = &report.mx[0].addresses[0];
        assert_eq!(codes(a), ["tester_refused"], "{greeting}");
        assert_eq!(report.mx[0].status.reachable, Mark::Inconclusive, "{greeting}");
        assert_ne!(report.findings[0].code, "no_reachable_mx", "{greeting}");
    }
    let banned = "550 5.7.606 Access denied, banned sending IP [{client}]";
    let (report, _) = probe(server(&[("EHLO", banned), ("HELO", banned)])).await;
    let a = &report.mx[0].addresses[0];
    assert!(codes(a).contains(&"tester_refused") && !codes(a).contains(&"helo_failed"), "{:?}", codes(a));
    assert_eq!(step_mark(a, Step::Ehlo), Mark::Inconclusive);
    assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);

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

/// The plain relay probe.
const PROBE: [&str; 2] = ["MAIL FROM:<relay-probe@mxray.test>", "RCPT TO:<relay-test@example.net>"];

/// After a refusal: the forged local sender, then the refused sender's transaction again.
const LOCAL_SENDER: [&str; 5] = [
    "RSET",
    "MAIL FROM:<postmaster@example.com>",
    "RCPT TO:<relay-test@example.net>",
    "RSET",
    "MAIL FROM:<relay-probe@mxray.test>",
];

/// The routing forms as mxray sends them for the lab's address.
const FORMS: [&str; 4] = [
    "RCPT TO:<relay-test%example.net@[192.0.2.10]>",
    "RCPT TO:<example.net!relay-test@[192.0.2.10]>",
    "RCPT TO:<@[192.0.2.10]:relay-test@example.net>",
    "RCPT TO:<\"relay-test@example.net\"@[192.0.2.10]>",
];

#[tokio::test]
async fn routing_addresses_are_tried_only_after_a_refusal_and_warn_apart_from_the_verdict() {
    // Refuses the plain recipient and the forged local sender's, takes the percent hack and the
    // quoted form, 252 and 450 for the others.
    let replies = [
        ("RCPT", "554 5.7.1 <relay-test@example.net>: Relay access denied"),
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
        let local = relay.local_sender.as_ref().expect("the forged local sender was tried");
        assert_eq!((local.sender.as_str(), local.reason), ("postmaster@example.com", RelayReason::RelayDenied));
        let got: Vec<(mxray_report::model::bypass::BypassForm, bool)> =
            relay.bypass.iter().map(|b| (b.form, b.accepted)).collect();
        use mxray_report::model::bypass::BypassForm::*;
        assert_eq!(got, [(PercentHack, true), (BangPath, false), (SourceRoute, false), (QuotedLocalPart, true)]);
        assert_eq!(relay.bypass[2].reply.as_deref(), Some("450 4.7.1 Try again later"));
        let f = a.findings.iter().find(|f| f.code == "relay_bypass_accepted").expect("bypass finding");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("percent hack") && f.detail.contains("quoted local part"), "{}", f.detail);
        assert!(!f.detail.contains("bang path"), "{}", f.detail);
        assert!(f.remedy.contains("delivery test") && f.texts(mxray_report::Lang::De).remedy.contains("Zustelltest"));
        assert!(codes(a).contains(&"relay_refused") && !codes(a).contains(&"open_relay"));
        assert_eq!(report.mx[0].status.open_relay, Mark::Warning);
        let sent = after_goodbye(&lab.servers[0]).await;
        let mut want = [&["EHLO probe.mxray.test"][..], &PROBE, &LOCAL_SENDER].concat();
        // In a transaction of the refused sender again: with PIPELINING in one write, else one by one.
        want.extend(FORMS);
        want.extend(if pipelining { &["RSET", "QUIT"][..] } else { &["QUIT"][..] });
        assert_eq!(sent, want, "pipelining {pipelining}");
        // The rows of every report view show each form with its command and reply.
        let rows = mxray_report::render::rows::address_sections(a, &report, mxray_report::Lang::En);
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
        assert!(relay.bypass.is_empty() && relay.local_sender.is_none());
        let sent = after_goodbye(&lab.servers[0]).await;
        assert!(!sent.iter().any(|c| c.contains('%') || c.contains('!') || c.contains("@[")), "{sent:?}");
        assert!(!sent.iter().any(|c| c.contains("postmaster@")), "{sent:?}");
    }
}

/// Runs `scenario` behind a latency proxy; the report, the lab and the round trips the probe paid.
async fn probe_counting(scenario: Scenario) -> (Report, Lab, usize) {
    let mut lab = Lab::new();
    lab.mx(DOMAIN, 10, HOST, IP, scenario).await;
    let proxy = LatencyProxy::start("127.0.1.2:0".parse().unwrap(), lab.servers[0].addr, Duration::from_millis(10))
        .await
        .unwrap();
    lab.connector.map.insert(IP.parse().unwrap(), proxy.addr);
    let (report, _) = lab.check(DOMAIN).await;
    assert!(report.complete);
    after_goodbye(&lab.servers[0]).await;
    (report, lab, proxy.round_trips())
}

/// A plaintext server refusing relaying, without PIPELINING unless `pipelining`.
fn refusing(pipelining: bool) -> Scenario {
    let mut s = Scenario::plaintext(HOST);
    if !pipelining {
        s.extensions.retain(|e| e != "PIPELINING");
    }
    s
}

#[tokio::test]
async fn a_server_relaying_for_senders_of_its_own_domain_is_an_open_relay() {
    // Postfix with check_sender_access … OK before reject_unauth_destination, Sendmail's
    // FEATURE(relay_local_from): the outside recipient is refused, except from a local sender.
    for pipelining in [true, false] {
        let mut s = refusing(pipelining);
        s.rcpt_by_sender = vec![("@example.com".into(), "250 2.1.5 Ok".into())];
        let (report, lab, trips) = probe_counting(s).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!((relay.outcome, relay.reason), (RelayOutcome::Refused, Some(RelayReason::RelayDenied)));
        let local = relay.local_sender.as_ref().expect("forged local sender tried");
        assert_eq!(local.sender, "postmaster@example.com");
        assert_eq!((local.rcpt_to.as_deref(), local.reason), (Some("250 2.1.5 Ok"), RelayReason::Accepted));
        assert_eq!(report.mx[0].status.open_relay, Mark::Critical, "never ok");
        assert!(!codes(a).contains(&"relay_refused"), "{:?}", codes(a));
        let f = a.findings.iter().find(|f| f.code == "open_relay_local_sender").expect("local sender finding");
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.title, "Open relay for mail that claims to come from example.com");
        assert!(f.detail.contains("<postmaster@example.com>") && f.detail.contains("250 2.1.5 Ok"), "{}", f.detail);
        for needle in ["reject_unauth_destination", "check_sender_access", "relay_local_from", "587"] {
            assert!(f.remedy.contains(needle), "{needle}: {}", f.remedy);
        }
        let de = f.texts(mxray_report::Lang::De);
        assert!(de.title.contains("example.com") && de.remedy.contains("relay_local_from"), "{de:?}");
        // The routing forms still ran, in the refused sender's transaction: none taken.
        assert_eq!(relay.bypass.len(), 4);
        assert!(relay.bypass.iter().all(|b| !b.accepted));
        let want = [&["EHLO probe.mxray.test"][..], &PROBE, &LOCAL_SENDER, &FORMS].concat();
        let goodbye: &[&str] = if pipelining { &["RSET", "QUIT"] } else { &["QUIT"] };
        assert_eq!(sent(&lab), [want, goodbye.to_vec()].concat(), "pipelining {pipelining}");
        // Connect, EHLO, MAIL+RCPT, then the local sender with the forms in the same write: no round
        // trip more than the forms alone; lock-step pays one per command.
        assert_eq!(trips, if pipelining { 5 } else { 4 + 5 + 4 + 1 }, "pipelining {pipelining}");
        // Every view names the attempt and the state.
        let rows = mxray_report::render::rows::address_sections(a, &report, mxray_report::Lang::En);
        let relay_rows = &rows.iter().find(|s| s.title == "Open-relay probe").unwrap().rows;
        let row = relay_rows.iter().find(|r| r.label == "Forged local sender").expect("local sender row");
        assert_eq!(
            row.value,
            "postmaster@example.com: 250 2.1.0 Ok / 250 2.1.5 Ok (accepted for the outside recipient)"
        );
        let state = mxray_report::render::facts::step_state(a, mxray_report::checks::marks::Step::OpenRelay);
        assert_eq!(state.label(mxray_report::Lang::En), "relaying for a forged local sender");
        let markdown = mxray_report::render::render(
            &report,
            mxray_report::render::Format::Markdown,
            mxray_report::Lang::En,
            false,
        );
        assert!(markdown.contains("relays for a forged local sender"), "{markdown}");
        never_data(&lab);
    }
}

#[tokio::test]
async fn a_refused_local_sender_keeps_the_plain_verdict() {
    for pipelining in [true, false] {
        // Refused at RCPT like any other sender.
        let (report, lab, _) = probe_counting(refusing(pipelining)).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap();
        let local = relay.local_sender.as_ref().expect("forged local sender tried");
        assert_eq!(local.reason, RelayReason::RelayDenied);
        assert_eq!(report.mx[0].status.open_relay, Mark::Ok);
        assert!(codes(a).contains(&"relay_refused") && !codes(a).contains(&"open_relay_local_sender"));
        assert!(sent(&lab).contains(&"MAIL FROM:<postmaster@example.com>".to_owned()));

        // Refused at MAIL FROM (a server that wants local senders to log in): recorded, no verdict
        // change, and the routing forms still run in the refused sender's transaction.
        let mut s = refusing(pipelining);
        s.replies = vec![
            ("MAIL", "250 2.1.0 Ok".into()),
            ("MAIL", "553 5.7.1 <postmaster@example.com>: Sender address rejected: not logged in".into()),
            ("MAIL", "250 2.1.0 Ok".into()),
        ];
        let (report, lab, _) = probe_counting(s).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!(relay.outcome, RelayOutcome::Refused);
        let local = relay.local_sender.as_ref().unwrap();
        assert_eq!((local.rcpt_to.as_deref(), local.reason), (None, RelayReason::SenderRejected));
        assert_eq!(relay.bypass.len(), 4, "{:?}", sent(&lab));
        assert_eq!(report.mx[0].status.open_relay, Mark::Ok);
        assert!(a.protocol_error.is_none(), "{:?}", a.protocol_error);
        let commands = sent(&lab);
        let forged = commands.iter().position(|c| c == "MAIL FROM:<postmaster@example.com>").unwrap();
        // With PIPELINING its RCPT went out in the same write (and got 503); lock-step leaves it out.
        let next = if pipelining { vec![PROBE[1], "RSET"] } else { vec!["RSET"] };
        assert_eq!(commands[forged + 1..forged + 1 + next.len()], next, "{commands:?}");
    }
}

/// A postscreen-like first connection (its own 450 at RCPT) in front of a real server that
/// refuses relaying on the next connection.
fn postscreen(greeting: &str, rcpt: &str) -> Scenario {
    let mut s = refusing(false);
    s.greeting = Greeting::Reply(greeting.to_owned());
    s.rcpt_reply = rcpt.to_owned();
    s.later = Some(Box::new(refusing(true)));
    s
}

const POSTSCREEN_450: &str = "450 4.3.2 Service currently unavailable";

#[tokio::test]
async fn a_postscreen_like_refusal_brings_mxray_back_once_for_the_real_verdict() {
    let banner = format!("220-{HOST} ESMTP Postfix\r\n220 {HOST} ESMTP Postfix");
    for (greeting, rcpt, reason) in [
        (format!("220 {HOST} ESMTP Postfix"), POSTSCREEN_450, RevisitReason::PostscreenReply),
        (banner, "451 4.3.0 Try again later", RevisitReason::MultiLineGreeting),
    ] {
        let (report, lab) = probe(postscreen(&greeting, rcpt)).await;
        let a = &report.mx[0].addresses[0];
        assert_eq!((a.connections, lab.servers[0].connections()), (2, 2), "{reason:?}");
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!(
            (relay.outcome, relay.reason),
            (RelayOutcome::Refused, Some(RelayReason::RelayDenied)),
            "{reason:?}"
        );
        let revisit = relay.revisit.as_ref().expect("came back");
        assert_eq!((revisit.reason, revisit.reply.as_str(), &revisit.error), (reason, rcpt, &None));
        // The first connection's attempts: the probe's sender and the null sender, both deferred.
        assert_eq!(revisit.earlier.len(), 2, "{:?}", revisit.earlier);
        assert!(revisit.earlier.iter().all(|t| t.rcpt_to.as_deref() == Some(rcpt)));
        assert_eq!(report.mx[0].status.open_relay, Mark::Ok, "{reason:?}");
        assert!(codes(a).contains(&"relay_refused"), "{:?}", codes(a));
        let f = a.findings.iter().find(|f| f.code == "relay_revisited").expect("came-back finding");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains(rcpt) && f.detail.contains("postscreen"), "{}", f.detail);
        assert!(f.texts(mxray_report::Lang::De).detail.contains("postscreen"));
        assert!(a.error.is_none(), "{:?}", a.error);
        // The transcript shows the new connection; the full probe ran on it.
        assert!(a.transcript.iter().any(|l| l.text.starts_with("coming back once")), "{:#?}", a.transcript);
        let first = [
            &["EHLO probe.mxray.test"][..],
            &PROBE,
            &["RSET", "MAIL FROM:<>", "RCPT TO:<relay-test@example.net>", "QUIT"],
        ]
        .concat();
        let second = [&["EHLO probe.mxray.test"][..], &PROBE, &LOCAL_SENDER, &FORMS, &["RSET", "QUIT"]].concat();
        assert_eq!(after_goodbye(&lab.servers[0]).await, [first, second].concat(), "{reason:?}");
        let rows = mxray_report::render::rows::address_sections(a, &report, mxray_report::Lang::En);
        let relay_rows = &rows.iter().find(|s| s.title == "Open-relay probe").unwrap().rows;
        assert!(relay_rows.iter().any(|r| r.label == "Came back on a new connection" && r.value.contains(rcpt)));
        assert!(relay_rows.iter().any(|r| r.label == "First connection, attempt 2"), "{relay_rows:?}");
        never_data(&lab);
    }
}

#[tokio::test]
async fn greylisting_and_other_temporary_refusals_are_not_retried() {
    let banner = format!("220-{HOST} ESMTP\r\n220 {HOST} ESMTP");
    for (greeting, rcpt, reason) in [
        // postgrey, even after a greeting of several lines: minutes of delay, one connection.
        (banner, "450 4.2.0 <relay-test@example.net>: Recipient address rejected: Greylisted", RelayReason::Greylisted),
        // Another temporary failure without anything postscreen-like.
        (format!("220 {HOST} ESMTP"), "451 4.3.0 Temporary lookup failure", RelayReason::Temporary),
    ] {
        let (report, lab) = probe(postscreen(&greeting, rcpt)).await;
        let a = &report.mx[0].addresses[0];
        assert_eq!((a.connections, lab.servers[0].connections()), (1, 1), "{rcpt}");
        let relay = a.open_relay.as_ref().unwrap();
        assert_eq!((relay.outcome, relay.reason), (RelayOutcome::Inconclusive, Some(reason)), "{rcpt}");
        assert!(relay.revisit.is_none());
        assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
        assert!(!codes(a).contains(&"relay_revisited"));
    }
}

#[tokio::test]
async fn a_return_connection_without_a_verdict_keeps_the_first_and_says_why() {
    let mut s = postscreen(&format!("220 {HOST} ESMTP"), POSTSCREEN_450);
    let mut later = refusing(true);
    later.greeting = Greeting::Reply("421 4.3.2 All server ports are busy".into());
    s.later = Some(Box::new(later));
    let (report, lab) = probe(s).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!((a.connections, lab.servers[0].connections()), (2, 2));
    let relay = a.open_relay.as_ref().unwrap();
    assert_eq!((relay.outcome, relay.reason), (RelayOutcome::Inconclusive, Some(RelayReason::Temporary)));
    assert_eq!(relay.attempts.len(), 2, "the first connection's attempts stay");
    let revisit = relay.revisit.as_ref().expect("came back");
    assert!(revisit.earlier.is_empty());
    let closed = mxray_report::model::report::RevisitFailure::ServerClosed {
        command: "greeting".into(),
        reply: "421 4.3.2 All server ports are busy".into(),
    };
    assert_eq!((revisit.error.as_deref(), revisit.failure.as_ref()), (None, Some(&closed)), "{revisit:?}");
    assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
    let f = a.findings.iter().find(|f| f.code == "relay_revisited").unwrap();
    assert!(f.detail.contains("no relay verdict") && f.remedy.contains("again"), "{f:?}");
    assert!(codes(a).contains(&"relay_inconclusive") && !codes(a).contains(&"session_aborted"), "{:?}", codes(a));
}
/// How a failure-path server speaks TLS.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tls {
    /// No STARTTLS.
    Plain,
    /// STARTTLS with a valid certificate.
    Valid,
    /// STARTTLS answered 220, then garbage: the relay probe moves to a fresh plaintext connection.
    Broken,
}

/// What the fresh plaintext connection after broken TLS meets.
#[derive(Clone, Copy, Debug)]
enum Fallback {
    /// The same server.
    Same,
    /// Nothing: the server accepts no second connection.
    Refused,
    /// A plaintext server with these replies (the greeting under the verb `greeting`) and cuts.
    Server(&'static [(&'static str, &'static str)], &'static [(&'static str, usize, Cut)]),
}

/// In `replies`, the EHLO reply a good server gives on this connection (its extensions, STARTTLS
/// when it offers it), so a row can script the EHLO after it.
const GOOD_EHLO: &str = "<good EHLO>";

/// A way the relay probe, or a step before it, fails; what it must give in each mode.
struct PathCase {
    name: &'static str,
    tls: Tls,
    replies: &'static [(&'static str, &'static str)],
    cuts: &'static [(&'static str, usize, Cut)],
    /// The reply to a `RCPT TO` without a transaction, when not the usual 503.
    rcpt_without_mail: Option<&'static str>,
    fallback: Fallback,
    /// The relay report's outcome and reason; `None`: no relay report at all.
    relay: Option<(RelayOutcome, RelayReason)>,
    /// The relay mark.
    mark: Mark,
    /// Another step's mark, when the row is about it.
    step: Option<(Step, Mark)>,
    /// Finding codes that must be there, and ones that must not.
    findings: &'static [&'static str],
    absent: &'static [&'static str],
    /// Words the first of `findings` must say (English).
    says: &'static [&'static str],
}

/// Never a pass and never blamed as a protocol error, unless a row says so.
const NOT_OK: &[&str] = &["relay_refused", "open_relay", "protocol_violation", "unsolicited_reply"];

const PATH_CASES: &[PathCase] = &[
    // Issue 20 point 1: read "accepted" with a temporary failure's text before.
    PathCase {
        name: "MAIL accepted, then the connection closes at RCPT",
        tls: Tls::Plain,
        replies: &[],
        cuts: &[("RCPT", 1, Cut::Close)],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::NoReply)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive", "session_aborted"],
        absent: NOT_OK,
        says: &["accepted MAIL FROM (\"250 2.1.0 Ok\"), then closed the connection at RCPT TO", "nothing was accepted"],
    },
    PathCase {
        name: "MAIL accepted, then no reply to RCPT",
        tls: Tls::Plain,
        replies: &[],
        cuts: &[("RCPT", 1, Cut::Stall)],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::NoReply)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive", "session_aborted"],
        absent: NOT_OK,
        says: &["accepted MAIL FROM (\"250 2.1.0 Ok\"), then gave no reply to RCPT TO within 2 s"],
    },
    PathCase {
        name: "the connection closes at MAIL",
        tls: Tls::Plain,
        replies: &[],
        cuts: &[("MAIL", 1, Cut::Close)],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::NoReply)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive"],
        absent: NOT_OK,
        says: &["closed the connection at MAIL FROM"],
    },
    PathCase {
        name: "the null sender's retry closes at RCPT",
        tls: Tls::Plain,
        replies: &[("RCPT", "450 4.1.8 <relay-probe@mxray.test>: Sender address rejected: Domain not found")],
        cuts: &[("RCPT", 2, Cut::Close)],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::NoReply)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive"],
        absent: NOT_OK,
        says: &["then closed the connection at RCPT TO"],
    },
    // RSET before the null sender's retry.
    PathCase {
        name: "RSET refused before the retry",
        tls: Tls::Plain,
        replies: &[
            ("RCPT", "550 5.1.7 <relay-probe@mxray.test>: Sender address rejected"),
            ("RSET", "502 5.5.2 Error: command not recognized"),
        ],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::SenderRejected)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive", "protocol_violation"],
        absent: &["relay_refused", "open_relay"],
        says: &["sender"],
    },
    PathCase {
        name: "RSET answered 421 before the retry",
        tls: Tls::Plain,
        replies: &[
            ("RCPT", "550 5.1.7 <relay-probe@mxray.test>: Sender address rejected"),
            ("RSET", "421 4.3.2 Service shutting down"),
        ],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::SenderRejected)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive", "server_closed"],
        absent: NOT_OK,
        says: &["sender"],
    },
    PathCase {
        name: "the connection closes at RSET before the retry",
        tls: Tls::Plain,
        replies: &[("RCPT", "550 5.1.7 <relay-probe@mxray.test>: Sender address rejected")],
        cuts: &[("RSET", 1, Cut::Close)],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::SenderRejected)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive", "session_aborted"],
        absent: NOT_OK,
        says: &["sender"],
    },
    PathCase {
        name: "a RCPT without a transaction answered 421",
        tls: Tls::Plain,
        replies: &[("MAIL", "550 5.1.8 <relay-probe@mxray.test>: Sender address rejected: Domain not found")],
        cuts: &[],
        rcpt_without_mail: Some("421 4.7.0 mx.example.com closing connection"),
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Inconclusive, RelayReason::SenderRejected)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive"],
        absent: NOT_OK,
        says: &["sender"],
    },
    PathCase {
        name: "the forged local sender's RCPT answered 421",
        tls: Tls::Plain,
        replies: &[
            ("RCPT", "554 5.7.1 <relay-test@example.net>: Relay access denied"),
            ("RCPT", "421 4.7.0 mx.example.com Error: too many errors"),
        ],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Refused, RelayReason::RelayDenied)),
        mark: Mark::Ok,
        step: None,
        findings: &["server_closed", "relay_refused"],
        absent: &["protocol_violation", "relay_bypass_accepted", "session_aborted", "open_relay_local_sender"],
        says: &["RCPT TO", "421"],
    },
    PathCase {
        name: "a relay bypass form answered 421",
        tls: Tls::Plain,
        replies: &[
            ("RCPT", "554 5.7.1 <relay-test@example.net>: Relay access denied"),
            // The forged local sender's RCPT, then the first routing form.
            ("RCPT", "554 5.7.1 <relay-test@example.net>: Relay access denied"),
            ("RCPT", "421 4.7.0 mx.example.com Error: too many errors"),
        ],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Refused, RelayReason::RelayDenied)),
        mark: Mark::Ok,
        step: None,
        findings: &["server_closed", "relay_refused"],
        absent: &["protocol_violation", "relay_bypass_accepted", "session_aborted"],
        says: &["RCPT TO", "421"],
    },
    // EHLO and HELO.
    PathCase {
        name: "EHLO answered 421",
        tls: Tls::Plain,
        replies: &[("EHLO", "421 4.3.2 mx.example.com Service shutting down")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Ehlo, Mark::Inconclusive)),
        findings: &["server_closed"],
        absent: &["helo_failed", "protocol_violation", "relay_refused"],
        says: &["EHLO", "closing the session"],
    },
    PathCase {
        name: "HELO refused after EHLO",
        tls: Tls::Plain,
        replies: &[("EHLO", "502 5.5.2 Error: command not recognized"), ("HELO", "550 5.7.1 Go away")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Ehlo, Mark::Critical)),
        findings: &["helo_failed"],
        absent: &["relay_refused", "tester_refused", "protocol_violation"],
        says: &["550 5.7.1 Go away"],
    },
    PathCase {
        name: "HELO answered 421 after EHLO",
        tls: Tls::Plain,
        replies: &[("EHLO", "502 5.5.2 Error: command not recognized"), ("HELO", "421 4.3.2 Service shutting down")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Ehlo, Mark::Inconclusive)),
        findings: &["server_closed"],
        absent: &["helo_failed", "protocol_violation", "relay_refused"],
        says: &["HELO"],
    },
    // STARTTLS and EHLO inside TLS.
    PathCase {
        name: "STARTTLS answered 421",
        tls: Tls::Valid,
        replies: &[("STARTTLS", "421 4.3.2 Service shutting down, closing transmission channel")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::StartTls, Mark::Inconclusive)),
        findings: &["server_closed"],
        absent: &["starttls_rejected", "tls_not_testable", "protocol_violation", "relay_refused", "session_aborted"],
        says: &["STARTTLS", "421 4.3.2"],
    },
    PathCase {
        name: "EHLO inside TLS answered 4xx",
        tls: Tls::Valid,
        replies: &[("EHLO", GOOD_EHLO), ("EHLO", "454 4.7.0 TLS session not usable")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::StartTls, Mark::Ok)),
        findings: &["session_aborted"],
        absent: &["relay_refused", "protocol_violation"],
        says: &["EHLO inside TLS", "454 4.7.0"],
    },
    PathCase {
        name: "EHLO inside TLS answered 421",
        tls: Tls::Valid,
        replies: &[("EHLO", GOOD_EHLO), ("EHLO", "421 4.7.0 mx.example.com closing")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::StartTls, Mark::Ok)),
        findings: &["server_closed"],
        absent: &["relay_refused", "protocol_violation", "session_aborted"],
        says: &["EHLO", "421 4.7.0"],
    },
    PathCase {
        name: "EHLO and HELO inside TLS answered 5xx",
        tls: Tls::Valid,
        replies: &[("EHLO", GOOD_EHLO), ("EHLO", "550 5.7.0 Not here"), ("HELO", "550 5.7.0 Not here either")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::StartTls, Mark::Ok)),
        findings: &["session_aborted"],
        absent: &["relay_refused", "protocol_violation"],
        says: &["HELO inside TLS", "Not here either"],
    },
    PathCase {
        name: "EHLO inside TLS refused, HELO inside TLS taken: the probe runs",
        tls: Tls::Valid,
        replies: &[("EHLO", GOOD_EHLO), ("EHLO", "502 5.5.2 Error: command not recognized")],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Same,
        relay: Some((RelayOutcome::Refused, RelayReason::RelayDenied)),
        mark: Mark::Ok,
        step: Some((Step::StartTls, Mark::Ok)),
        findings: &["relay_refused"],
        absent: &["protocol_violation", "session_aborted"],
        says: &["Relay access denied"],
    },
    // The fresh plaintext connection after TLS broke.
    PathCase {
        name: "the fallback connection is refused",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Refused,
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::StartTls, Mark::Critical)),
        findings: &["tls_handshake_failed", "session_aborted"],
        absent: &["relay_refused"],
        says: &[],
    },
    PathCase {
        name: "the fallback connection greets with 554",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Server(&[("greeting", "554 5.3.2 mx.example.com Service currently unavailable")], &[]),
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Banner, Mark::Ok)),
        findings: &["session_aborted"],
        absent: &["relay_refused", "banner_not_ready"],
        says: &[],
    },
    PathCase {
        name: "the fallback connection greets with 421",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Server(&[("greeting", "421 4.3.2 mx.example.com Service not available")], &[]),
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Banner, Mark::Ok)),
        findings: &["server_closed"],
        absent: &["relay_refused", "banner_not_ready", "session_aborted"],
        says: &["the greeting of a new connection"],
    },
    PathCase {
        name: "the fallback connection refuses EHLO and HELO",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Server(&[("EHLO", "554 5.7.1 No"), ("HELO", "554 5.7.1 No")], &[]),
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Ehlo, Mark::Ok)),
        findings: &["session_aborted"],
        absent: &["relay_refused", "helo_failed"],
        says: &[],
    },
    PathCase {
        name: "the fallback connection answers EHLO with 421",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Server(&[("EHLO", "421 4.7.0 mx.example.com closing")], &[]),
        relay: None,
        mark: Mark::Inconclusive,
        step: Some((Step::Ehlo, Mark::Ok)),
        findings: &["server_closed"],
        absent: &["relay_refused", "helo_failed", "session_aborted"],
        says: &["EHLO"],
    },
    PathCase {
        name: "the fallback connection closes at RCPT",
        tls: Tls::Broken,
        replies: &[],
        cuts: &[],
        rcpt_without_mail: None,
        fallback: Fallback::Server(&[], &[("RCPT", 1, Cut::Close)]),
        relay: Some((RelayOutcome::Inconclusive, RelayReason::NoReply)),
        mark: Mark::Inconclusive,
        step: None,
        findings: &["relay_inconclusive"],
        absent: NOT_OK,
        says: &["closed the connection at RCPT TO"],
    },
];

/// The server of one failure-path row, pipelined or lock-step.
fn path_scenario(case: &PathCase, lab: &Lab, pipelining: bool) -> Scenario {
    let mut s = match case.tls {
        Tls::Plain => Scenario::plaintext(HOST),
        Tls::Valid => Scenario::good(HOST, lab.ca.valid(&[HOST])),
        Tls::Broken => Scenario { starttls: StartTls::Broken, ..Scenario::good(HOST, lab.ca.valid(&[HOST])) },
    };
    if !pipelining {
        s = lock_step(s);
    }
    let mut extensions = vec![HOST.to_owned()];
    extensions.extend(s.extensions.iter().cloned());
    if case.tls != Tls::Plain {
        extensions.push("STARTTLS".into());
    }
    let last = extensions.len() - 1;
    let good_ehlo: Vec<String> =
        extensions.iter().enumerate().map(|(i, e)| format!("250{}{e}", if i == last { ' ' } else { '-' })).collect();
    let good_ehlo = good_ehlo.join("\r\n");
    s.replies = case
        .replies
        .iter()
        .map(|(v, r)| (*v, if *r == GOOD_EHLO { good_ehlo.clone() } else { (*r).to_owned() }))
        .collect();
    s.cuts = case.cuts.to_vec();
    if let Some(reply) = case.rcpt_without_mail {
        s.rcpt_without_mail = reply.to_owned();
    }
    match case.fallback {
        Fallback::Same => {}
        Fallback::Refused => s.max_connections = Some(1),
        Fallback::Server(replies, cuts) => {
            let mut later = lock_step(Scenario::plaintext(HOST));
            if pipelining {
                later.extensions = s.extensions.clone();
            }
            for (verb, reply) in replies {
                if *verb == "greeting" {
                    later.greeting = Greeting::Reply((*reply).to_owned());
                } else {
                    later.replies.push((verb, (*reply).to_owned()));
                }
            }
            later.cuts = cuts.to_vec();
            s.later = Some(Box::new(later));
        }
    }
    s
}

#[tokio::test]
async fn every_failure_path_of_the_relay_probe_is_not_tested_never_ok() {
    // Rows that stall wait out the step timeout.
    let limits = Limits { step: Duration::from_secs(2), deadline: Duration::from_secs(20) };
    for (case, pipelining) in PATH_CASES.iter().flat_map(|c| [(c, true), (c, false)]) {
        let name = format!("{} ({})", case.name, if pipelining { "pipelined" } else { "lock-step" });
        let mut lab = Lab::new();
        let scenario = path_scenario(case, &lab, pipelining);
        lab.mx(DOMAIN, 10, HOST, IP, scenario).await;
        let (report, _) = common::run(&lab.engine(limits, true), DOMAIN).await;
        assert!(report.complete, "{name}");
        let a = &report.mx[0].addresses[0];
        assert!(!a.deadline_hit, "{name}");
        let relay = a.open_relay.as_ref().map(|r| (r.outcome, r.reason));
        assert_eq!(relay, case.relay.map(|(o, r)| (o, Some(r))), "{name}: {:?}", a.open_relay);
        assert_eq!(report.mx[0].status.open_relay, case.mark, "{name}");
        assert_eq!(step_mark(a, Step::OpenRelay), case.mark, "{name}");
        if let Some((step, mark)) = case.step {
            assert_eq!(step_mark(a, step), mark, "{name}: {step:?}");
        }
        for code in case.findings {
            assert!(codes(a).contains(code), "{name}: {code} missing from {:?}", codes(a));
        }
        for code in case.absent {
            assert!(!codes(a).contains(code), "{name}: {code} in {:?}", codes(a));
        }
        let first = a.findings.iter().find(|f| f.code == case.findings[0]).unwrap();
        for words in case.says {
            assert!(first.detail.contains(words), "{name}: {words:?} not in {:?}", first.detail);
        }
        // Whatever broke, the German text exists too, and nothing is "works" or "not an open relay".
        assert!(!first.texts(mxray_report::Lang::De).detail.is_empty(), "{name}");
        for server in &lab.servers {
            let commands = server.commands();
            assert!(!commands.iter().any(|c| c.eq_ignore_ascii_case("DATA") || c.starts_with("BDAT")), "{commands:?}");
        }
    }
}

#[tokio::test]
async fn a_server_closing_at_rcpt_after_mail_says_so_in_the_json() {
    // Issue 20: `open_relay.reason` read "accepted" (the 250 to MAIL) and the finding quoted it as a
    // temporary failure.
    for (cut, cause) in [(Cut::Close, "closed"), (Cut::Stall, "timeout")] {
        for pipelining in [true, false] {
            let mut s = Scenario::plaintext(HOST);
            s.cuts = vec![("RCPT", 1, cut)];
            if !pipelining {
                s = lock_step(s);
            }
            let mut lab = Lab::new();
            lab.mx(DOMAIN, 10, HOST, IP, s).await;
            let limits = Limits { step: Duration::from_secs(1), deadline: Duration::from_secs(10) };
            let (report, _) = common::run(&lab.engine(limits, true), DOMAIN).await;
            let json = serde_json::to_value(&report).unwrap();
            let relay = &json["mx"][0]["addresses"][0]["open_relay"];
            assert_eq!(relay["outcome"], "inconclusive", "{relay}");
            assert_eq!(relay["reason"], "no_reply", "{relay}");
            assert_eq!(relay["mail_from"], "250 2.1.0 Ok", "{relay}");
            assert!(relay["rcpt_to"].is_null(), "{relay}");
            let unanswered = &relay["attempts"][0]["unanswered"];
            assert_eq!((&unanswered["command"], &unanswered["cause"]["kind"]), (&"RCPT TO".into(), &cause.into()));
            let f = report.mx[0].addresses[0].findings.iter().find(|f| f.code == "relay_inconclusive").unwrap();
            assert!(!f.detail.contains("temporary failure"), "{}", f.detail);
            let de = f.texts(mxray_report::Lang::De).detail;
            assert!(de.contains("nahm MAIL FROM an") && de.contains("RCPT TO"), "{de}");
        }
    }
}

#[tokio::test]
async fn a_pipelined_send_that_fails_half_way_records_the_attempt_and_never_passes() {
    // A stray line after the EHLO reply is waiting when the relay probe's commands are to go out:
    // they are not sent, and the attempt says why.
    for pipelining in [true, false] {
        let extensions = if pipelining { "250-PIPELINING\r\n" } else { "" };
        let mut s = server(&[]);
        s.replies = vec![("EHLO", format!("250-{HOST}\r\n{extensions}250 8BITMIME\r\n250 2.0.0 stray"))];
        s.rcpt_reply = "250 2.1.5 Ok".into();
        let (report, lab) = probe(s).await;
        let a = &report.mx[0].addresses[0];
        let relay = a.open_relay.as_ref().expect("relay report");
        assert_eq!(relay.outcome, RelayOutcome::Inconclusive, "{relay:?}");
        assert_eq!(relay.reason, Some(RelayReason::ProtocolError), "pipelining {pipelining}: {relay:?}");
        assert_eq!(relay.attempts.len(), 1, "{relay:?}");
        assert_eq!(report.mx[0].status.open_relay, Mark::Inconclusive);
        assert!(codes(a).contains(&"unsolicited_reply") && codes(a).contains(&"relay_inconclusive"), "{:?}", codes(a));
        assert!(!sent(&lab).iter().any(|c| c.starts_with("MAIL") || c.starts_with("RCPT")), "{:?}", sent(&lab));
        never_data(&lab);
    }
}
