//! Real Postfix as the peer: the engine's verdicts against what Postfix really answers.
//! `scripts/postfix-peer.sh` starts private Postfix instances on 127.0.0.2–6, .10 and .11 (their own
//! configuration, queue and log in a temporary folder; the system's Postfix is never touched) and
//! `scripts/test.sh` passes them as `MXRAY_TEST_POSTFIX=name=IP:PORT,…`. The tests are `#[ignore]`d,
//! so a plain `cargo test` lists them as ignored instead of counting them as passed; the test
//! command runs them with `--ignored` once the peers are up. Run by hand without the peers, they
//! fail.
//!
//! The replies each instance gives (Postfix 3.7, seen by hand and asserted below):
//! - strict (`reject_unauth_destination`): `554 5.7.1 <…>: Relay access denied`
//! - debian (Postfix's default `defer_unauth_destination`): `454 4.7.1 <…>: Relay access denied`
//! - sender (`reject_unknown_sender_domain`, the sender's domain does not resolve):
//!   `450 4.1.8 <sender>: Sender address rejected: Domain not found`; with `MAIL FROM:<>` the
//!   default relay policy answers `454 4.7.1 <…>: Relay access denied`
//! - open (`mynetworks = 127.0.0.0/8`): `250 2.1.5 Ok`
//! - helo (`reject_non_fqdn_helo_hostname`, HELO `probe`):
//!   `504 5.5.2 <probe>: Helo command rejected: need fully-qualified hostname`, for every sender
//! - localsender (`check_sender_access` with `postfix.test OK` before `reject_unauth_destination`):
//!   `554 5.7.1 <…>: Relay access denied`, but `250 2.1.5 Ok` after `MAIL FROM:<postmaster@postfix.test>`
//! - postscreen (the strict policy behind postscreen with its tests after the 220): to a new client
//!   `220-mx.postfix.test ESMTP Postfix`, a second later `220 mx.postfix.test ESMTP Postfix`, an EHLO
//!   reply without PIPELINING and `450 4.3.2 Service currently unavailable` at RCPT; within the next
//!   5 s the client reaches smtpd (`554 5.7.1 <…>: Relay access denied`)
//!
//! Exim 4 runs beside them as a second real peer (same list, same script; Exim 4.96):
//! - exim (the ACL of Exim's default configuration): `550 relay not permitted`
//! - exim-verify (`require verify = sender` first):
//!   `550-Verification failed for <sender>` / `550-Unrouteable address` / `550 Sender verify failed`;
//!   with `MAIL FROM:<>`: `550 relay not permitted`

mod common;

use common::{session_config, StaticDns};
use mxray_report::model::report::{
    AddressReport, Direction, RelayOutcome, RelayReason, RelayReport, StartTlsOutcome, TcpOutcome,
};
use server::probe::dns::MxRecord;
use server::probe::net::TcpConnector;
use server::probe::session::SessionConfig;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

/// The Postfix instances the test command started, by name. Panics without them: a test that
/// cannot reach its peer fails, it never passes.
fn peers() -> HashMap<String, SocketAddr> {
    let Some(list) = std::env::var("MXRAY_TEST_POSTFIX").ok().filter(|l| !l.is_empty()) else {
        panic!(
            "MXRAY_TEST_POSTFIX is not set: these tests need the private Postfix/Exim peers. Run \
             scripts/test.sh, which starts them (scripts/postfix-peer.sh start DIR) and runs \
             `cargo test -p server --test postfix -- --ignored`"
        );
    };
    list.split(',')
        .map(|entry| {
            let (name, addr) = entry.split_once('=').unwrap_or_else(|| panic!("MXRAY_TEST_POSTFIX: {entry:?}"));
            (name.to_owned(), addr.parse().unwrap_or_else(|_| panic!("MXRAY_TEST_POSTFIX: {entry:?} is not IP:PORT")))
        })
        .collect()
}

/// The address of the instance `name`.
fn peer(name: &str) -> SocketAddr {
    let peers = peers();
    *peers.get(name).unwrap_or_else(|| panic!("no Postfix peer {name:?} in MXRAY_TEST_POSTFIX: {peers:?}"))
}

/// Checks `postfix.test`, whose one MX is the peer at `addr`; returns its one address report.
async fn check(addr: SocketAddr, configure: impl FnOnce(&mut SessionConfig)) -> AddressReport {
    let mut dns = StaticDns::default();
    dns.mx.insert("postfix.test".into(), Ok(vec![MxRecord { preference: 10, exchange: "mx.postfix.test".into() }]));
    dns.hosts.insert("mx.postfix.test".into(), vec![addr.ip()]);
    let tls = TlsContext::new(None).expect("TLS context");
    let mut config = session_config(Duration::from_secs(10), addr.port());
    configure(&mut config);
    let engine = Prober::new(dns, TcpConnector, tls, config, 4, Duration::from_secs(30));
    let (mut report, _) = common::run(&engine, "postfix.test").await;
    assert_eq!(report.mx.len(), 1, "{report:?}");
    assert_eq!(report.mx[0].addresses.len(), 1, "{report:?}");
    report.mx.remove(0).addresses.remove(0)
}

/// Lines mxray sent.
fn sent(a: &AddressReport) -> Vec<&str> {
    a.transcript.iter().filter(|l| l.dir == Direction::Client).map(|l| l.text.as_str()).collect()
}

/// Lines the server sent.
fn received(a: &AddressReport) -> Vec<&str> {
    a.transcript.iter().filter(|l| l.dir == Direction::Server).map(|l| l.text.as_str()).collect()
}

fn relay(a: &AddressReport) -> &RelayReport {
    a.open_relay.as_ref().unwrap_or_else(|| panic!("no relay probe: {:?}", a.transcript))
}

/// What every relay probe must be: one connection, never DATA, closed with QUIT.
fn assert_polite(a: &AddressReport) {
    let sent = sent(a);
    assert!(!sent.iter().any(|c| c.eq_ignore_ascii_case("DATA") || c.to_ascii_uppercase().starts_with("BDAT")));
    assert_eq!(sent.last(), Some(&"QUIT"), "{sent:?}");
    assert_eq!(a.connections, 1);
}

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_is_diagnosed_like_any_real_mx() {
    let addr = peer("strict");
    let a = check(addr, |_| {}).await;

    assert_eq!(a.tcp.as_ref().unwrap().outcome, TcpOutcome::Connected);
    let banner = a.banner.as_ref().unwrap();
    assert_eq!(banner.code, Some(220));
    assert_eq!(banner.software.as_ref().map(|s| s.name.as_str()), Some("Postfix"), "{}", banner.text);
    let ehlo = a.ehlo.as_ref().unwrap();
    assert_eq!(ehlo.host, "mx.postfix.test");
    for keyword in ["PIPELINING", "SIZE", "STARTTLS", "8BITMIME", "ENHANCEDSTATUSCODES"] {
        assert!(ehlo.offers(keyword), "{keyword} missing from {:?}", ehlo.extensions);
    }
    assert_eq!(ehlo.size_limit, Some(10_240_000), "Postfix's default message_size_limit");
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!(tls.outcome, StartTlsOutcome::Ok, "{:?}", tls.error);
    assert!(tls.tls_version.as_deref().unwrap().starts_with("TLSv1."));
    let cert = a.certificate.as_ref().unwrap();
    assert!(cert.self_signed && !cert.trusted, "the peer's certificate is self-signed: {cert:?}");
    assert!(!cert.hostname_matches);
    assert_eq!(cert.chain[0].key_algorithm, "RSA");
    assert!(a.ehlo_tls.as_ref().is_some_and(|e| e.code == Some(250) && !e.offers("STARTTLS")));
    let relay = relay(&a);
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    assert_eq!(relay.rcpt_to.as_deref(), Some("554 5.7.1 <relay-test@example.net>: Relay access denied"));
    assert!(relay.over_tls);
    assert_polite(&a);
    let codes = codes(&a);
    assert!(codes.contains(&"certificate_self_signed") && codes.contains(&"relay_refused"), "{codes:?}");
}

/// Debian's and Postfix's own default, `defer_unauth_destination`: a temporary 454 that still says
/// plainly that relaying is denied. That is a refusal, not "cannot tell".
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_default_relay_policy_454_is_refused() {
    let addr = peer("debian");
    let a = check(addr, |_| {}).await;
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some("454 4.7.1 <relay-test@example.net>: Relay access denied"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    assert_polite(&a);
    assert!(codes(&a).contains(&"relay_refused"), "{:?}", codes(&a));
}

/// `reject_unknown_sender_domain` turns the probe's sender (whose domain does not resolve) away at
/// RCPT. That says nothing about relaying, so the probe tries again with the null sender, and the
/// relay policy's answer to that decides; the first reply stays in the transcript.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_sender_domain_check_is_retried_with_the_null_sender() {
    let addr = peer("sender");
    let a = check(addr, |c| c.relay_sender = "relay-probe@mxray.invalid".into()).await;
    let first = "450 4.1.8 <relay-probe@mxray.invalid>: Sender address rejected: Domain not found";
    assert!(received(&a).contains(&first), "{:?}", a.transcript);
    let sent = sent(&a);
    let from = sent.iter().position(|c| *c == "MAIL FROM:<relay-probe@mxray.invalid>").expect("MAIL FROM");
    assert_eq!(
        sent[from..].iter().take(5).copied().collect::<Vec<_>>(),
        [
            "MAIL FROM:<relay-probe@mxray.invalid>",
            "RCPT TO:<relay-test@example.net>",
            "RSET",
            "MAIL FROM:<>",
            "RCPT TO:<relay-test@example.net>",
        ],
        "{:?}",
        a.transcript
    );
    let relay = relay(&a);
    assert_eq!(relay.mail_from.as_deref(), Some("250 2.1.0 Ok"));
    assert_eq!(relay.rcpt_to.as_deref(), Some("454 4.7.1 <relay-test@example.net>: Relay access denied"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    // The routing forms follow in the null sender's refused transaction, refused as relaying too.
    assert_eq!(relay.bypass.len(), 4, "{:?}", a.transcript);
    assert!(
        relay
            .bypass
            .iter()
            .all(|b| !b.accepted && b.reply.as_deref().is_some_and(|r| r.contains("Relay access denied"))),
        "{:?}",
        relay.bypass
    );
    assert_polite(&a);
}

/// An open relay (the classic mistake: `mynetworks` wider than the host itself): RCPT to the
/// outside domain is accepted, and the probe stops there — no DATA, nothing is sent.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_open_relay_is_accepted_and_critical() {
    let addr = peer("open");
    let a = check(addr, |_| {}).await;
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some("250 2.1.5 Ok"));
    assert_eq!(relay.outcome, RelayOutcome::Accepted, "{relay:?}");
    assert_polite(&a);
    let open = a.findings.iter().find(|f| f.code == "open_relay").unwrap_or_else(|| panic!("{:?}", codes(&a)));
    assert_eq!(open.severity, mxray_report::Severity::Critical);
}

/// `reject_non_fqdn_helo_hostname` with a HELO name that is no FQDN: every attempt is refused for
/// the HELO name, which tells nothing about relaying.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_helo_check_says_nothing_about_relaying() {
    let addr = peer("helo");
    let a = check(addr, |c| c.helo_name = "probe".into()).await;
    let reply = "504 5.5.2 <probe>: Helo command rejected: need fully-qualified hostname";
    assert!(received(&a).contains(&reply), "{:?}", a.transcript);
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some(reply));
    assert_eq!(relay.outcome, RelayOutcome::Inconclusive, "{relay:?}");
    assert_polite(&a);
}

/// The classic mistake: the sender decides before the destination (`check_sender_access` says the
/// tested domain's senders are OK). The plain probe is refused, the forged local sender relays: a
/// critical finding, never "not an open relay".
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postfix_relaying_for_its_own_domains_senders_is_critical() {
    let addr = peer("localsender");
    let a = check(addr, |_| {}).await;
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some("554 5.7.1 <relay-test@example.net>: Relay access denied"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    let local = relay.local_sender.as_ref().unwrap_or_else(|| panic!("no local sender: {:?}", a.transcript));
    assert_eq!(local.sender, "postmaster@postfix.test");
    assert_eq!((local.mail_from.as_deref(), local.rcpt_to.as_deref()), (Some("250 2.1.0 Ok"), Some("250 2.1.5 Ok")));
    assert_eq!(
        mxray_report::checks::marks::step_mark(&a, mxray_report::checks::marks::Step::OpenRelay),
        mxray_report::model::report::Mark::Critical
    );
    let f =
        a.findings.iter().find(|f| f.code == "open_relay_local_sender").unwrap_or_else(|| panic!("{:?}", codes(&a)));
    assert_eq!(f.severity, mxray_report::Severity::Critical);
    assert!(f.title.contains("postfix.test"), "{}", f.title);
    assert!(!codes(&a).contains(&"relay_refused"), "{:?}", codes(&a));
    // The routing forms ran after it, in the refused sender's transaction, and were refused.
    let sent = sent(&a);
    let forged = sent.iter().position(|c| *c == "MAIL FROM:<postmaster@postfix.test>").expect("forged sender");
    assert_eq!(sent[forged + 2..forged + 4], ["RSET", "MAIL FROM:<relay-probe@mxray.test>"], "{sent:?}");
    assert_eq!(relay.bypass.len(), 4, "{:?}", a.transcript);
    assert!(relay.bypass.iter().all(|b| !b.accepted), "{:?}", relay.bypass);
    assert_polite(&a);
}

/// postscreen with its tests after the 220 defers a new client at RCPT and passes it to smtpd on its
/// next connection: mxray comes back once, and the real relay refusal decides.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn postscreen_passes_mxray_on_its_return_and_the_real_refusal_decides() {
    let addr = peer("postscreen");
    let mut a = check(addr, |_| {}).await;
    if a.banner.as_ref().is_some_and(|b| !b.text.contains('\n')) && relay(&a).revisit.is_none() {
        // A run moments ago passed postscreen's tests; the peer keeps that for 5 s only.
        tokio::time::sleep(Duration::from_secs(6)).await;
        a = check(addr, |_| {}).await;
    }
    let banner = a.banner.as_ref().unwrap();
    assert_eq!(banner.text.lines().count(), 2, "postscreen's greet banner, then its 220: {:?}", banner.text);
    let relay = relay(&a);
    let revisit = relay.revisit.as_ref().unwrap_or_else(|| panic!("did not come back: {:?}", a.transcript));
    assert_eq!(revisit.reply, "450 4.3.2 Service currently unavailable");
    assert_eq!(revisit.reason, mxray_report::model::report::RevisitReason::PostscreenReply);
    assert!(revisit.error.is_none() && !revisit.earlier.is_empty(), "{revisit:?}");
    assert_eq!(relay.rcpt_to.as_deref(), Some("554 5.7.1 <relay-test@example.net>: Relay access denied"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    assert!(!relay.over_tls, "the return connection is plaintext");
    assert_eq!(
        mxray_report::checks::marks::step_mark(&a, mxray_report::checks::marks::Step::OpenRelay),
        mxray_report::model::report::Mark::Ok
    );
    let codes = codes(&a);
    assert!(codes.contains(&"relay_revisited") && codes.contains(&"relay_refused"), "{codes:?}");
    assert_eq!(a.connections, 2, "{:?}", a.transcript);
    assert!(a.transcript.iter().any(|l| l.text.starts_with("coming back once")));
    // The return connection reached smtpd: its greeting is one line, and its EHLO offers PIPELINING.
    let received = received(&a);
    assert!(received.iter().filter(|l| l.starts_with("220 mx.postfix.test")).count() >= 2, "{received:?}");
    assert!(received.contains(&"250-PIPELINING"), "{received:?}");
    let sent = sent(&a);
    assert!(!sent.iter().any(|c| c.eq_ignore_ascii_case("DATA") || c.to_ascii_uppercase().starts_with("BDAT")));
    assert_eq!(sent.iter().filter(|c| **c == "QUIT").count(), 2, "{sent:?}");
}

/// Exim's default ACL refuses relaying with a bare `550 relay not permitted`.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn exim_refuses_relaying() {
    let addr = peer("exim");
    let a = check(addr, |_| {}).await;
    let banner = a.banner.as_ref().unwrap();
    assert_eq!(banner.software.as_ref().map(|s| s.name.as_str()), Some("Exim"), "{}", banner.text);
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some("550 relay not permitted"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    // The forged local sender goes out before the routing forms (Exim ends the session after too
    // many syntax errors, and domain literals are), so its answer always arrives: refused too.
    let local = relay.local_sender.as_ref().unwrap_or_else(|| panic!("no local sender: {:?}", a.transcript));
    assert_eq!((local.rcpt_to.as_deref(), local.reason), (Some("550 relay not permitted"), RelayReason::RelayDenied));
    assert_eq!(
        mxray_report::checks::marks::step_mark(&a, mxray_report::checks::marks::Step::OpenRelay),
        mxray_report::model::report::Mark::Ok
    );
    assert_polite(&a);
}

/// Exim's sender verification (`require verify = sender`) refuses the probe's unroutable sender at
/// RCPT with a three-line 550; the null sender then meets the relay policy.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn exim_sender_verification_is_retried_with_the_null_sender() {
    let addr = peer("exim-verify");
    let a = check(addr, |c| c.relay_sender = "relay-probe@mxray.invalid".into()).await;
    let received = received(&a);
    for line in [
        "550-Verification failed for <relay-probe@mxray.invalid>",
        "550-Unrouteable address",
        "550 Sender verify failed",
    ] {
        assert!(received.contains(&line), "{line:?} missing: {:?}", a.transcript);
    }
    let sent = sent(&a);
    let from = sent.iter().position(|c| *c == "MAIL FROM:<relay-probe@mxray.invalid>").expect("MAIL FROM");
    assert_eq!(sent[from + 2..from + 4], ["RSET", "MAIL FROM:<>"], "{:?}", a.transcript);
    let relay = relay(&a);
    assert_eq!(relay.rcpt_to.as_deref(), Some("550 relay not permitted"));
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    // The forged local sender fails sender verification (postfix.test does not resolve there):
    // recorded, and the null sender's transaction is opened again for the routing forms.
    let local = relay.local_sender.as_ref().unwrap_or_else(|| panic!("no local sender: {:?}", a.transcript));
    assert_eq!(local.reason, RelayReason::SenderRejected, "{local:?}");
    assert!(local.rcpt_to.as_deref().is_some_and(|r| r.contains("<postmaster@postfix.test>")), "{local:?}");
    let forged = sent.iter().position(|c| *c == "MAIL FROM:<postmaster@postfix.test>").expect("forged sender");
    assert_eq!(sent[forged + 2..forged + 4], ["RSET", "MAIL FROM:<>"], "{:?}", a.transcript);
    assert_eq!(
        mxray_report::checks::marks::step_mark(&a, mxray_report::checks::marks::Step::OpenRelay),
        mxray_report::model::report::Mark::Ok
    );
    assert_polite(&a);
}

/// After the refusal, the routing forms go to real servers in the same session: Postfix resolves the
/// percent hack, bang path, source route and quoted local part to the outside recipient and refuses
/// relaying for each; Exim refuses them too. None is "accepted", no warning, one connection.
#[tokio::test]
#[ignore = "needs the private Postfix/Exim peers: run scripts/test.sh"]
async fn real_servers_refuse_the_relay_bypass_forms() {
    for name in ["strict", "debian", "exim"] {
        let addr = peer(name);
        let a = check(addr, |_| {}).await;
        let relay = relay(&a);
        assert_eq!(relay.outcome, RelayOutcome::Refused, "{name}: {relay:?}");
        assert_eq!(relay.bypass.len(), 4, "{name}: {:?}", a.transcript);
        for b in &relay.bypass {
            let reply = b.reply.as_deref().unwrap_or_default();
            assert!(!b.accepted && (reply.starts_with('4') || reply.starts_with('5')), "{name}: {b:?}");
        }
        assert!(!codes(&a).contains(&"relay_bypass_accepted"), "{name}");
        assert_polite(&a);
    }
}
