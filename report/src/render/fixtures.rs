//! Reports for the renderer and diff tests, built the way the engine builds them: by folding events.

use std::net::IpAddr;

use crate::model::event::{CheckEvent, PlannedHost, StepResult};
use crate::model::report::*;

/// A banner no renderer may pass through unescaped.
pub const HOSTILE_BANNER: &str = "mx2.example.com ESMTP <script>alert(1)</script></script><!-- \u{1b}[2J & \"'";

/// TLS as one address negotiates it.
#[derive(Clone)]
pub struct Tls {
    /// Protocol version.
    pub version: &'static str,
    /// Leaf end of validity.
    pub not_after: &'static str,
    /// Leaf fingerprint.
    pub sha256: &'static str,
    /// Days left on the leaf.
    pub days: i64,
}

/// One address and how it behaves.
#[derive(Clone)]
pub struct Addr {
    /// The address.
    pub ip: &'static str,
    /// Greeting text.
    pub banner: &'static str,
    /// TLS, or `None` for no STARTTLS.
    pub tls: Option<Tls>,
    /// Relay probe outcome.
    pub relay: RelayOutcome,
}

/// One MX host.
#[derive(Clone)]
pub struct Host {
    /// Name.
    pub name: &'static str,
    /// Its addresses.
    pub addrs: Vec<Addr>,
}

/// Good TLS with a certificate renewed in autumn 2026.
pub fn good_tls() -> Tls {
    Tls { version: "TLSv1.3", not_after: "2027-02-25T12:00:00Z", sha256: "AA:BB:CC", days: 89 }
}

/// An address with STARTTLS, a valid certificate and relaying refused.
pub fn good_addr(ip: &'static str) -> Addr {
    Addr { ip, banner: "mx1.example.com ESMTP Postfix (3.7.1)", tls: Some(good_tls()), relay: RelayOutcome::Refused }
}

/// mx1: two good addresses (IPv4 and IPv6); mx2: hostile banner, no STARTTLS, open relay.
pub fn sample() -> Report {
    build(&sample_hosts())
}

fn sample_hosts() -> Vec<Host> {
    vec![
        Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10"), good_addr("2001:db8::10")] },
        Host {
            name: "mx2.example.com",
            addrs: vec![Addr { ip: "192.0.2.20", banner: HOSTILE_BANNER, tls: None, relay: RelayOutcome::Accepted }],
        },
    ]
}

/// Folds the events of a complete check of example.com over these hosts.
pub fn build(hosts: &[Host]) -> Report {
    Report::from_events(&events(hosts))
}

/// The events of a complete check of example.com over these hosts.
pub fn events(hosts: &[Host]) -> Vec<CheckEvent> {
    let mut events = vec![
        CheckEvent::Started {
            input: "Example.COM".into(),
            domain: "example.com".into(),
            checked_at: "2026-11-27T23:59:00Z".into(),
            resolver: "system".into(),
        },
        CheckEvent::Resolved {
            mx_source: MxSource::Mx,
            hosts: hosts
                .iter()
                .enumerate()
                .map(|(i, h)| PlannedHost {
                    host: h.name.into(),
                    preference: 10 * (i as u16 + 1),
                    cname: None,
                    address_error: None,
                    addresses: h.addrs.iter().map(|a| ip(a.ip)).collect(),
                    addresses_skipped: 0,
                    resolving: false,
                })
                .collect(),
            error: None,
            mx_hosts_skipped: 0,
            null_mx_mixed: false,
        },
    ];
    for (mx, h) in hosts.iter().enumerate() {
        for a in &h.addrs {
            events.extend(address_events(mx, h.name, a));
        }
    }
    events.push(CheckEvent::Done { duration_ms: 1234 });
    events
}

/// A finished check that stopped at DNS (null MX, NXDOMAIN, …): no host was probed.
pub fn dns_only(mx_source: MxSource, error: Option<DnsFailure>) -> Report {
    let mut r = build(&[]);
    crate::fold(
        &mut r,
        &CheckEvent::Resolved { mx_source, hosts: vec![], error, mx_hosts_skipped: 0, null_mx_mixed: false },
    );
    r
}

/// The sample check while it runs: resolved, first address connected and greeted.
pub fn running() -> Report {
    Report::from_events(&events(&sample_hosts())[..4])
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn address_events(mx: usize, host: &str, a: &Addr) -> Vec<CheckEvent> {
    let offers_tls = a.tls.is_some();
    let mut keywords = vec![("PIPELINING", vec![]), ("SIZE", vec!["10240000"]), ("8BITMIME", vec![])];
    if offers_tls {
        keywords.push(("STARTTLS", vec![]));
    }
    let ehlo = EhloReport {
        code: Some(250),
        host: host.into(),
        extensions: keywords
            .into_iter()
            .map(|(k, p)| Extension { keyword: k.into(), params: p.into_iter().map(String::from).collect() })
            .collect(),
        size_limit: Some(10_240_000),
        helo_fallback: false,
        ehlo_refusal: None,
        error: None,
        refuses_tester: None,
    };
    let mut steps = vec![
        StepResult::Tcp(TcpReport {
            failure: None,
            outcome: TcpOutcome::Connected,
            connect_ms: Some(12),
            detail: None,
            port: 25,
        }),
        StepResult::Banner(BannerReport {
            failure: None,
            code: Some(220),
            text: a.banner.into(),
            software: Some(Software { name: "Postfix".into(), version: Some("3.7.1".into()) }),
            elapsed_ms: 30,
            error: None,
            refuses_tester: None,
            greeting_timeout_secs: None,
        }),
        StepResult::Ehlo(ehlo.clone()),
        StepResult::Starttls(StartTlsReport {
            handshake_problem: None,
            no_reply: None,
            not_testable: None,
            offered: offers_tls,
            outcome: if offers_tls { StartTlsOutcome::Ok } else { StartTlsOutcome::NotOffered },
            tls_version: a.tls.as_ref().map(|t| t.version.into()),
            cipher_suite: a.tls.as_ref().map(|_| "TLS13_AES_256_GCM_SHA384".into()),
            kx_group: a.tls.as_ref().map(|_| "X25519".into()),
            handshake_ms: a.tls.as_ref().map(|_| 41),
            error: None,
            pipelined_plaintext: false,
            failure: None,
        }),
    ];
    if let Some(t) = &a.tls {
        steps.push(StepResult::Certificate(certificate(host, t)));
        steps.push(StepResult::EhloTls(ehlo));
    }
    let accepted = a.relay == RelayOutcome::Accepted;
    steps.push(StepResult::OpenRelay(RelayReport {
        outcome: a.relay,
        mail_from: Some("250 2.1.0 Ok".into()),
        rcpt_to: Some(if accepted { "250 2.1.5 Ok" } else { "554 5.7.1 Relay access denied" }.into()),
        sender: "probe@mxray.invalid".into(),
        recipient: "relay-test@mxray-outside.invalid".into(),
        over_tls: offers_tls,
        // A refusal reads as one only with the reply's meaning.
        reason: (a.relay == RelayOutcome::Refused).then_some(RelayReason::RelayDenied),
        attempts: vec![],
        bypass: vec![],
        local_sender: None,
        revisit: None,
    }));
    let mut events: Vec<CheckEvent> =
        steps.into_iter().map(|step| CheckEvent::Step { mx, ip: ip(a.ip), step: Box::new(step) }).collect();
    let line = |at_ms, dir, text: &str| TranscriptLine { at_ms, dir, text: text.into() };
    events.push(CheckEvent::AddressDone {
        mx,
        ip: ip(a.ip),
        duration_ms: 250,
        transcript: vec![
            line(0, Direction::Event, "connect 25"),
            line(30, Direction::Server, &format!("220 {}", a.banner)),
            line(31, Direction::Client, "EHLO mxray.invalid"),
            line(45, Direction::Server, "250-PIPELINING"),
        ],
        deadline_hit: false,
        connections: 1,
        error: None,
        failure: None,
        protocol_error: None,
        server_closed: None,
        queued_ms: 0,
        same_server_as: None,
    });
    events
}

fn certificate(host: &str, t: &Tls) -> CertificateReport {
    let cert = |subject: String, issuer: &str, not_after: &str, sha256: &str| CertificateInfo {
        subject,
        issuer: issuer.into(),
        serial: "03:a1:5f".into(),
        not_before: "2026-11-27T12:00:00Z".into(),
        not_after: not_after.into(),
        san: vec![host.into()],
        key_algorithm: "EC".into(),
        key_bits: Some(256),
        signature_algorithm: "ecdsa-with-SHA384".into(),
        sha256: sha256.into(),
        expired: false,
        not_yet_valid: false,
        off_path: false,
    };
    CertificateReport {
        trusted: true,
        trust_error: None,
        unknown_issuer: None,
        hostname_matches: true,
        expired: t.days < 0,
        not_yet_valid: false,
        parse_error: None,
        self_signed: false,
        days_until_expiry: t.days,
        chain: vec![
            cert(format!("CN={host}"), "C=US, O=Let's Encrypt, CN=E6", t.not_after, t.sha256),
            cert(
                "C=US, O=Let's Encrypt, CN=E6".into(),
                "C=US, O=ISRG, CN=ISRG Root X1",
                "2027-03-12T23:59:59Z",
                "DD:EE",
            ),
        ],
    }
}

/// What the engine (server/src/probe) writes where something went wrong, as it writes it: typed
/// values for mxray's own reasons (a connect that timed out, a DANE verdict whose session ended on
/// an EHLO that got no reply, the legacy TLS probe's extra connection that got no answer, a PTR
/// lookup that timed out, a blocklist's error code), a library's message only beside them. The
/// renderers show the typed ones in the catalogue's words and a library's message labelled, in
/// either language.
pub fn server_words() -> Report {
    let hosts = [
        Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10")] },
        Host { name: "mx2.example.com", addrs: vec![Addr { tls: None, ..good_addr("192.0.2.20") }] },
    ];
    let mut events = events(&hosts);
    let step = |mx: usize, at: &str, step: StepResult| CheckEvent::Step { mx, ip: ip(at), step: Box::new(step) };
    use crate::model::dane::{AddressDane, DaneOutcome, DaneReason};
    use crate::model::depth::{
        DnsblProblem, DnsblResult, DnsblStatus, LegacyAnswer, LegacyOutcome, LegacyTlsProbe, LookupFailure, ReverseDns,
        ReverseFailure,
    };
    use crate::model::report::{ConnectFailure, ReadFailure, SessionCause, SessionFailure, SessionLeg};
    let extra = vec![
        step(
            0,
            "192.0.2.10",
            StepResult::LegacyTls(LegacyTlsProbe {
                outcome: LegacyOutcome::NotTested,
                version: None,
                cipher: None,
                detail: String::new(),
                answer: Some(LegacyAnswer::ConnectFailed { failure: Some(ConnectFailure::NoAnswer { secs: 10 }) }),
            }),
        ),
        step(
            0,
            "192.0.2.10",
            StepResult::Dane(AddressDane::because(
                DaneOutcome::NotTested,
                DaneReason::SessionEnded {
                    failure: Some(SessionFailure {
                        step: "EHLO".into(),
                        connection: SessionLeg::First,
                        cause: SessionCause::NoReply { failure: ReadFailure::Timeout { secs: 15 } },
                    }),
                },
                None,
            )),
        ),
        step(
            0,
            "192.0.2.10",
            StepResult::ReverseDns(ReverseDns {
                names: vec![],
                error: Some(ReverseFailure::Failed {
                    detail: String::new(),
                    failure: Some(LookupFailure::Timeout { secs: 5 }),
                }),
            }),
        ),
        step(
            0,
            "192.0.2.10",
            StepResult::Dnsbl(vec![DnsblResult {
                zone: "zen.spamhaus.org".into(),
                query: "10.2.0.192.zen.spamhaus.org".into(),
                status: DnsblStatus::Unknown,
                codes: vec!["127.255.255.254".into()],
                reason: vec![],
                detail: None,
                problem: Some(DnsblProblem::ErrorCode { code: "127.255.255.254".into() }),
            }]),
        ),
        step(
            1,
            "192.0.2.20",
            StepResult::Tcp(TcpReport {
                failure: Some(ConnectFailure::NoAnswer { secs: 15 }),
                outcome: TcpOutcome::Timeout,
                connect_ms: None,
                detail: None,
                port: 25,
            }),
        ),
    ];
    // The second host's address timed out: none of its later steps happened.
    events.retain(|e| !matches!(e, CheckEvent::Step { mx: 1, .. }));
    let done = events.iter().position(|e| matches!(e, CheckEvent::AddressDone { mx: 1, .. })).expect("mx2 finishes");
    events.splice(done..done, extra);
    if let Some(CheckEvent::AddressDone { transcript, .. }) =
        events.iter_mut().find(|e| matches!(e, CheckEvent::AddressDone { mx: 1, .. }))
    {
        transcript.truncate(1);
    }
    Report::from_events(&events)
}

/// One hand-built hello's answer: `suite` chosen (with a clean ServerHello), or refused.
pub fn hello(offer: crate::model::quality::Offer, suite: Option<&str>) -> crate::model::quality::HelloAnswer {
    use crate::model::quality::{HelloAnswer, HelloOutcome};
    HelloAnswer {
        offer,
        outcome: if suite.is_some() { HelloOutcome::Chosen } else { HelloOutcome::Refused },
        version: suite.map(|_| "TLSv1.2".into()),
        suite: suite.map(str::to_owned),
        compression: suite.map(|_| 0),
        secure_renegotiation: suite.map(|_| true),
        key_exchange: None,
        signature: None,
        certificate_key: None,
        alert: suite.is_none().then(|| "handshake_failure".into()),
        untested: None,
        detail: String::new(),
    }
}

/// The TLS quality section: mx1 follows the client's order, takes 3DES and uses 1024-bit DH with
/// SHA-1 signatures; mx2 fails rustls's handshake but answers an OpenSSL-like hello with a CBC
/// suite (outdated suites only), and its weak hello's extra connection was refused with a 421.
pub fn tls_quality() -> Report {
    use crate::model::depth::LegacyAnswer;
    use crate::model::quality::{CertificateKey, KeyExchange, Offer, TlsQualityProbe, Untested};
    let hosts = [
        Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10")] },
        Host { name: "mx2.example.com", addrs: vec![good_addr("192.0.2.20")] },
    ];
    let mut events = events(&hosts);
    let step = |mx: usize, at: &str, step: StepResult| CheckEvent::Step { mx, ip: ip(at), step: Box::new(step) };
    let mut ordinary = hello(Offer::Ordinary, Some("TLS_DHE_RSA_WITH_AES_128_CBC_SHA"));
    ordinary.key_exchange = Some(KeyExchange::Dhe { bits: 1024 });
    ordinary.signature = Some("rsa_pkcs1_sha1".into());
    ordinary.certificate_key = Some(CertificateKey { algorithm: "RSA".into(), bits: Some(2048) });
    let mut weak = hello(Offer::InsufficientThenGood, Some("TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
    weak.key_exchange = Some(KeyExchange::Rsa);
    let mut fallback = hello(Offer::Ordinary, Some("TLS_RSA_WITH_AES_128_CBC_SHA"));
    fallback.key_exchange = Some(KeyExchange::Rsa);
    fallback.certificate_key = Some(CertificateKey { algorithm: "RSA".into(), bits: Some(2048) });
    let mut refused = hello(Offer::InsufficientThenGood, None);
    refused.outcome = crate::model::quality::HelloOutcome::NotTested;
    refused.alert = None;
    let reply = "421 4.7.0 Too many connections from your host".to_owned();
    refused.untested = Some(Untested::Answer { answer: LegacyAnswer::Refused { step: "greeting".into(), reply } });
    let failed = StartTlsReport {
        offered: true,
        outcome: StartTlsOutcome::HandshakeFailed,
        tls_version: None,
        cipher_suite: None,
        kx_group: None,
        handshake_ms: None,
        error: Some("received fatal alert: HandshakeFailure".into()),
        pipelined_plaintext: false,
        failure: Some(TlsFailure::NoSharedCipher),
        not_testable: None,
        no_reply: None,
        handshake_problem: None,
    };
    let extra = vec![
        step(0, "192.0.2.10", StepResult::TlsQuality(TlsQualityProbe { ordinary, weak })),
        step(1, "192.0.2.20", StepResult::Starttls(failed)),
        step(1, "192.0.2.20", StepResult::TlsQuality(TlsQualityProbe { ordinary: fallback, weak: refused })),
    ];
    // mx2's handshake failed: no certificate, no EHLO inside TLS.
    events.retain(|e| {
        !matches!(e, CheckEvent::Step { mx: 1, step, .. } if matches!(**step, StepResult::Certificate(_) | StepResult::EhloTls(_)))
    });
    let done = events.iter().position(|e| matches!(e, CheckEvent::Done { .. })).expect("the check finishes");
    events.splice(done..done, extra);
    Report::from_events(&events)
}
