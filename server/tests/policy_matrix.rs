//! STARTTLS outcomes and certificate failures against the transport-security policy in force, as
//! one table. Each row feeds one address's session results through the engine's own fan-out (which
//! judges the chain with the engine's certificate judge and tells DANE what was presented), adds
//! the engine's DANE verdict, folds the events as the page and the CLI do, and asserts every
//! finding (code and severity) and the STARTTLS and certificate marks. No network: the chains come
//! from the test CA, the DNS facts and the MTA-STS policy are given as the engine reports them.

use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::dane::{DnssecCheck, DnssecStatus, HostDane, TlsaRecord};
use mxray_report::model::policy::{
    MtaStsReport, PolicyFetch, PolicyRecord, PolicyReport, RuaTarget, StsMode, StsPolicy, TlsRptReport,
};
use mxray_report::model::report::{
    BannerReport, EhloReport, Extension, Mark, MxSource, StartTlsOutcome, StartTlsReport, TcpOutcome, TcpReport,
    TlsFailure,
};
use mxray_report::{CheckEvent, PlannedHost, Report, Severity, StepResult};
use mxray_testkit::TestCa;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use server::probe::clock::now_unix;
use server::probe::dane::{record_for, reference_names, verdict};
use server::probe::fanout::{AddressSummary, Fanout};
use server::probe::tls::TlsContext;
use std::net::IpAddr;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

const DOMAIN: &str = "example.test";
const HOST: &str = "mx.example.test";
const IP: &str = "192.0.2.25";

/// What happened at the one address.
#[derive(Clone, Copy, Debug)]
enum Case {
    /// STARTTLS missing from EHLO.
    NotOffered,
    /// STARTTLS answered 454.
    Rejected,
    /// The handshake ended in an alert.
    HandshakeFailed,
    /// Bytes after the 220 to STARTTLS, before the handshake.
    PipelinedPlaintext,
    /// STARTTLS offered, but the host name cannot be used for SNI.
    NotTestable,
    /// Port 25 refused the connection.
    Refused,
    /// The deadline came after EHLO, before STARTTLS.
    Deadline,
    /// TLS with a valid certificate for the MX name.
    Valid,
    /// TLS; the certificate expired ten days ago.
    Expired,
    /// TLS; the certificate is valid from ten days on.
    NotYetValid,
    /// TLS; the certificate names another host.
    WrongName,
    /// TLS; the certificate cannot be read.
    Unreadable,
    /// TLS; the certificate is issued by a CA nobody trusts.
    Untrusted,
    /// TLS; the certificate has a 1024-bit RSA key.
    WeakKey,
    /// TLS; a valid chain, plus an expired cross-sign of the trusted root sent along (AddTrust).
    UnusedExpiredCrossSign,
}

/// The policy in force for the domain.
#[derive(Clone, Copy, Debug)]
enum Policy {
    /// DANE: a signed DANE-EE record for the server's certificate.
    DaneEe,
    /// DANE: a signed DANE-TA record for the certificate's issuer, sent in the chain.
    DaneTa,
    /// MTA-STS in mode enforce.
    Enforce,
    /// MTA-STS in mode testing.
    Testing,
}

use Case::*;
use Policy::*;
use Severity::{Critical as C, Info as I, Ok as O, Warning as W};

/// One row: the case, the policy, every finding expected (no_ipv6 aside: the host has one IPv4
/// address only), and the STARTTLS and certificate marks.
type Row = (Case, Policy, &'static [(&'static str, Severity)], Mark, Mark);

const NA: Mark = Mark::NotApplicable;
const INC: Mark = Mark::Inconclusive;
const OK: Mark = Mark::Ok;
const WARN: Mark = Mark::Warning;
const CRIT: Mark = Mark::Critical;

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // STARTTLS outcomes against DANE in force and MTA-STS enforce / testing.
    (NotOffered, DaneEe, &[("starttls_not_offered", C), ("dane_no_tls", C)], CRIT, NA),
    (NotOffered, Enforce, &[("mta_sts_mx_tls_invalid", C), ("starttls_not_offered", C)], CRIT, NA),
    (NotOffered, Testing, &[("mta_sts_mx_tls_invalid", W), ("starttls_not_offered", C)], CRIT, NA),
    (Rejected, DaneEe, &[("starttls_rejected", C), ("dane_no_tls", C)], CRIT, NA),
    (Rejected, Enforce, &[("mta_sts_mx_tls_invalid", C), ("starttls_rejected", C)], CRIT, NA),
    (Rejected, Testing, &[("mta_sts_mx_tls_invalid", W), ("starttls_rejected", C)], CRIT, NA),
    (HandshakeFailed, DaneEe, &[("tls_handshake_failed", C), ("dane_no_tls", C)], CRIT, NA),
    (HandshakeFailed, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_handshake_failed", C)], CRIT, NA),
    (HandshakeFailed, Testing, &[("mta_sts_mx_tls_invalid", W), ("tls_handshake_failed", C)], CRIT, NA),
    (PipelinedPlaintext, DaneEe, &[("tls_handshake_failed", C), ("starttls_plaintext_injection", C), ("dane_no_tls", C)], CRIT, NA),
    (PipelinedPlaintext, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_handshake_failed", C), ("starttls_plaintext_injection", C)], CRIT, NA),
    (PipelinedPlaintext, Testing, &[("mta_sts_mx_tls_invalid", W), ("tls_handshake_failed", C), ("starttls_plaintext_injection", C)], CRIT, NA),
    // Not tested is said, never silence: DANE and MTA-STS each say why.
    (NotTestable, DaneEe, &[("tls_not_testable", I), ("dane_not_tested", I)], INC, INC),
    (NotTestable, Enforce, &[("mta_sts_mx_not_tested", W), ("tls_not_testable", I)], INC, INC),
    (NotTestable, Testing, &[("mta_sts_mx_not_tested", I), ("tls_not_testable", I)], INC, INC),
    (Refused, DaneEe, &[("no_reachable_mx", C), ("port25_unreachable", C), ("dane_not_tested", I)], NA, NA),
    (Refused, Enforce, &[("mta_sts_mx_not_tested", W), ("no_reachable_mx", C), ("port25_unreachable", C)], NA, NA),
    (Refused, Testing, &[("mta_sts_mx_not_tested", I), ("no_reachable_mx", C), ("port25_unreachable", C)], NA, NA),
    (Deadline, DaneEe, &[("dane_not_tested", I), ("deadline_reached", W)], INC, INC),
    (Deadline, Enforce, &[("mta_sts_mx_not_tested", W), ("deadline_reached", W)], INC, INC),
    (Deadline, Testing, &[("mta_sts_mx_not_tested", I), ("deadline_reached", W)], INC, INC),
    // What passes, for contrast.
    (Valid, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("dane_matched", O)], OK, OK),
    (Valid, DaneTa, &[("tls_ok", O), ("certificate_valid", O), ("dane_matched", O)], OK, OK),
    (Valid, Enforce, &[("mta_sts_protected", O), ("tls_ok", O), ("certificate_valid", O)], OK, OK),
    (Valid, Testing, &[("mta_sts_testing", I), ("tls_ok", O), ("certificate_valid", O)], OK, OK),
    // Certificate failures: DANE-EE pins the key (names, dates, issuer do not count); DANE-TA
    // vouches for the issuer only (names and dates still count); MTA-STS wants PKIX.
    (Expired, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("dane_matched", O)], OK, OK),
    (Expired, DaneTa, &[("tls_ok", O), ("certificate_expired", C), ("dane_ta_rejected", C)], OK, CRIT),
    (Expired, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_ok", O), ("certificate_expired", C)], OK, CRIT),
    (NotYetValid, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("dane_matched", O)], OK, OK),
    (NotYetValid, DaneTa, &[("tls_ok", O), ("certificate_not_yet_valid", C), ("dane_ta_rejected", C)], OK, CRIT),
    (NotYetValid, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_ok", O), ("certificate_not_yet_valid", C)], OK, CRIT),
    (WrongName, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("dane_matched", O)], OK, OK),
    (WrongName, DaneTa, &[("tls_ok", O), ("certificate_name_mismatch", W), ("dane_ta_rejected", C)], OK, CRIT),
    (WrongName, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_ok", O), ("certificate_name_mismatch", W)], OK, WARN),
    (Unreadable, DaneEe, &[("tls_ok", O), ("certificate_unreadable", W), ("dane_matched", O)], OK, WARN),
    (Unreadable, DaneTa, &[("tls_ok", O), ("certificate_unreadable", W), ("dane_no_match", C)], OK, WARN),
    (Unreadable, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_ok", O), ("certificate_unreadable", W)], OK, WARN),
    (Untrusted, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("dane_matched", O)], OK, OK),
    (Untrusted, DaneTa, &[("tls_ok", O), ("certificate_valid", O), ("dane_matched", O)], OK, OK),
    (Untrusted, Enforce, &[("mta_sts_mx_tls_invalid", C), ("tls_ok", O), ("certificate_untrusted", W)], OK, WARN),
    (WeakKey, DaneEe, &[("tls_ok", O), ("certificate_dane_ee", O), ("certificate_weak_key", W), ("dane_matched", O)], OK, WARN),
    (WeakKey, DaneTa, &[("tls_ok", O), ("certificate_weak_key", W), ("dane_matched", O)], OK, WARN),
    (WeakKey, Enforce, &[("mta_sts_protected", O), ("tls_ok", O), ("certificate_weak_key", W)], OK, WARN),
    // Only the path that verified counts: an expired cross-sign sent along is an extra.
    (UnusedExpiredCrossSign, DaneTa, &[("tls_ok", O), ("certificate_valid", O), ("certificate_intermediate_unused", I), ("dane_matched", O)], OK, OK),
    (UnusedExpiredCrossSign, Enforce, &[("mta_sts_protected", O), ("tls_ok", O), ("certificate_valid", O), ("certificate_intermediate_unused", I)], OK, OK),
    (UnusedExpiredCrossSign, Testing, &[("mta_sts_testing", I), ("tls_ok", O), ("certificate_valid", O), ("certificate_intermediate_unused", I)], OK, OK),
];

#[tokio::test]
async fn every_starttls_outcome_and_certificate_failure_against_every_policy() {
    let lab = Certificates::new();
    let mut failures = Vec::new();
    for &(case, policy, expected, starttls, certificate) in TABLE {
        let r = run(&lab, case, policy).await;
        let mut found: Vec<(String, Severity)> =
            r.all_findings().filter(|f| f.code != "no_ipv6").map(|f| (f.code.clone(), f.severity)).collect();
        let mut wanted: Vec<(String, Severity)> = expected.iter().map(|(c, s)| ((*c).to_owned(), *s)).collect();
        found.sort();
        wanted.sort();
        let a = &r.mx[0].addresses[0];
        let marks = (step_mark(a, Step::StartTls), step_mark(a, Step::Certificate));
        if found != wanted || marks != (starttls, certificate) {
            failures.push(format!(
                "{case:?} × {policy:?}:\n  findings {found:?}\n  expected {wanted:?}\n  marks {marks:?}, expected {:?}",
                (starttls, certificate)
            ));
        }
        // Each finding speaks both languages.
        for f in r.all_findings() {
            let (en, de) = (f.kind.texts(mxray_report::Lang::En), f.kind.texts(mxray_report::Lang::De));
            assert!(!en.detail.is_empty() && !de.detail.is_empty() && !de.remedy.is_empty(), "{}", f.code);
        }
    }
    assert!(failures.is_empty(), "{} of {} rows differ:\n{}", failures.len(), TABLE.len(), failures.join("\n"));
}

/// The chains of the table, made once: a trusted CA, a CA nobody trusts, an old root.
struct Certificates {
    ca: TestCa,
    private: TestCa,
    old_root: TestCa,
}

impl Certificates {
    fn new() -> Self {
        Certificates {
            ca: TestCa::new(),
            private: TestCa::named("mxray private CA"),
            old_root: TestCa::named("mxray old root"),
        }
    }

    /// The engine's TLS context, trusting the test CA only.
    fn context(&self) -> TlsContext {
        let mut roots = RootCertStore::empty();
        roots.add(self.ca.der().clone()).unwrap();
        TlsContext { provider: Arc::new(rustls::crypto::ring::default_provider()), roots: Arc::new(roots) }
    }

    /// The chain the server presents (leaf, then its CA) for a case with a TLS session.
    fn chain(&self, case: Case) -> Vec<CertificateDer<'static>> {
        match case {
            Expired => self.ca.leaf(&[HOST], -400, -10).chain,
            NotYetValid => self.ca.leaf(&[HOST], 10, 375).chain,
            WrongName => self.ca.leaf(&["other.example.test"], -1, 365).chain,
            Unreadable => {
                let mut chain = self.ca.valid(&[HOST]).chain;
                chain[0] = CertificateDer::from(b"\x30\x03\x02\x01\x00 not a certificate".to_vec());
                chain
            }
            Untrusted => self.private.valid(&[HOST]).chain,
            WeakKey => {
                let now = OffsetDateTime::now_utc();
                self.ca.rsa_1024_chain(&[HOST], now - Duration::days(1), now + Duration::days(365))
            }
            UnusedExpiredCrossSign => {
                let now = OffsetDateTime::now_utc();
                let mut chain = self.ca.valid(&[HOST]).chain;
                chain.push(self.ca.cross_signed_by(
                    &self.old_root,
                    now - Duration::days(3000),
                    now - Duration::days(5),
                ));
                chain
            }
            _ => self.ca.valid(&[HOST]).chain,
        }
    }
}

/// The report of one row.
async fn run(lab: &Certificates, case: Case, policy: Policy) -> Report {
    let ip: IpAddr = IP.parse().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut events = vec![
        CheckEvent::Started {
            input: DOMAIN.into(),
            domain: DOMAIN.into(),
            checked_at: String::new(),
            resolver: "test".into(),
        },
        CheckEvent::Resolved {
            mx_source: MxSource::Mx,
            hosts: vec![PlannedHost {
                host: HOST.into(),
                preference: 10,
                cname: None,
                address_error: None,
                addresses: vec![ip],
                addresses_skipped: 0,
                resolving: false,
            }],
            error: None,
            mx_hosts_skipped: 0,
            null_mx_mixed: false,
        },
    ];
    let chain = lab.chain(case);
    let dane = dane_facts(&chain, policy);
    match policy {
        DaneEe | DaneTa => events.push(CheckEvent::HostDane { mx: 0, dane: dane.clone() }),
        Enforce => events.push(CheckEvent::Policies { policies: Box::new(mta_sts(StsMode::Enforce)) }),
        Testing => events.push(CheckEvent::Policies { policies: Box::new(mta_sts(StsMode::Testing)) }),
    }

    let fanout = Fanout::new(ip, lab.context(), tx.clone());
    fanout.subscribe(0, HOST).await;
    session(&fanout, case, &chain).await;
    if matches!(policy, DaneEe | DaneTa) {
        // As the engine's DANE run does once the address presented something.
        let presented = fanout.presented().await;
        let names = reference_names(HOST, &dane, None);
        let provider = rustls::crypto::ring::default_provider();
        let step = StepResult::Dane(verdict(&dane, &names, &presented, &provider, now_unix()));
        tx.send(CheckEvent::Step { mx: 0, ip, step: Box::new(step) }).await.unwrap();
    }
    drop((fanout, tx));
    while let Some(event) = rx.recv().await {
        events.push(event);
    }
    events.push(CheckEvent::Done { duration_ms: 1 });
    Report::from_events(&events)
}

/// The session's steps as the engine reports them, then the address's end.
async fn session(fanout: &Fanout, case: Case, chain: &[CertificateDer<'static>]) {
    let tcp = |outcome, detail: Option<&str>| {
        StepResult::Tcp(TcpReport {
            failure: None,
            outcome,
            connect_ms: Some(1),
            detail: detail.map(str::to_owned),
            port: 25,
        })
    };
    let mut summary = AddressSummary {
        duration_ms: 5,
        transcript: Vec::new(),
        deadline_hit: false,
        connections: 1,
        failure: None,
        protocol_error: None,
        queued_ms: 0,
        server_closed: None,
    };
    if let Refused = case {
        fanout.step(tcp(TcpOutcome::Refused, Some("Connection refused (os error 111)"))).await;
        return fanout.done(summary).await;
    }
    fanout.step(tcp(TcpOutcome::Connected, None)).await;
    fanout
        .step(StepResult::Banner(BannerReport {
            failure: None,
            code: Some(220),
            text: format!("220 {HOST} ESMTP"),
            software: None,
            elapsed_ms: 1,
            error: None,
            refuses_tester: None,
            greeting_timeout_secs: None,
        }))
        .await;
    let starttls = Extension { keyword: "STARTTLS".into(), params: Vec::new() };
    let extensions = if matches!(case, NotOffered) { Vec::new() } else { vec![starttls] };
    fanout
        .step(StepResult::Ehlo(EhloReport { code: Some(250), host: HOST.into(), extensions, ..Default::default() }))
        .await;
    let report = |outcome, error: Option<&str>| StartTlsReport {
        handshake_problem: None,
        no_reply: None,
        not_testable: None,
        offered: !matches!(case, NotOffered),
        outcome,
        tls_version: None,
        cipher_suite: None,
        kx_group: None,
        handshake_ms: None,
        error: error.map(str::to_owned),
        pipelined_plaintext: false,
        failure: None,
    };
    let step = match case {
        NotOffered => report(StartTlsOutcome::NotOffered, None),
        Rejected => report(StartTlsOutcome::Rejected, Some("454 4.7.0 TLS not available due to local problem")),
        HandshakeFailed => StartTlsReport {
            failure: Some(TlsFailure::Alert),
            ..report(StartTlsOutcome::HandshakeFailed, Some("received fatal alert: InternalError"))
        },
        PipelinedPlaintext => StartTlsReport {
            pipelined_plaintext: true,
            handshake_problem: Some(mxray_report::model::report::HandshakeProblem::PlaintextAfterReply { bytes: 22 }),
            ..report(StartTlsOutcome::HandshakeFailed, None)
        },
        NotTestable => report(StartTlsOutcome::NotTestable, Some("mx.example.123 is not a valid TLS server name")),
        Deadline => {
            summary.deadline_hit = true;
            return fanout.done(summary).await;
        }
        _ => StartTlsReport {
            tls_version: Some("TLSv1.3".into()),
            cipher_suite: Some("TLS13_AES_256_GCM_SHA384".into()),
            ..report(StartTlsOutcome::Ok, None)
        },
    };
    let tls_up = step.outcome == StartTlsOutcome::Ok;
    fanout.step(StepResult::Starttls(step)).await;
    if tls_up {
        fanout.certificate(chain).await;
    }
    fanout.done(summary).await
}

/// The host's DANE facts for a policy: a signed DANE-EE record for the certificate presented (or
/// a DANE-TA record for its issuer), signed addresses. Without DANE the facts go unused.
fn dane_facts(chain: &[CertificateDer<'static>], policy: Policy) -> HostDane {
    let record: TlsaRecord = match policy {
        // The full certificate's digest: it matches even a certificate nothing can parse.
        DaneTa => record_for(&chain[1], 2, 0, 1).unwrap(),
        _ => record_for(&chain[0], 3, 0, 1).unwrap(),
    };
    let secure = DnssecCheck { status: DnssecStatus::Secure, detail: None, reason: None };
    HostDane {
        name: format!("_25._tcp.{HOST}"),
        tlsa: secure.clone(),
        records: vec![record],
        addresses: Some(secure),
        base_domain: None,
        insecure_cname: None,
    }
}

/// An MTA-STS policy for the one MX host in `mode`, with TLS-RPT beside it.
fn mta_sts(mode: StsMode) -> PolicyReport {
    PolicyReport {
        mta_sts: MtaStsReport {
            record: PolicyRecord::Valid { record: "v=STSv1; id=20260101".into() },
            id: Some("20260101".into()),
            fetch: Some(PolicyFetch {
                url: format!("https://mta-sts.{DOMAIN}/.well-known/mta-sts.txt"),
                status: Some(200),
                policy: Some(StsPolicy {
                    version: Some("STSv1".into()),
                    mode: Some(mode),
                    max_age: Some(604_800),
                    mx: vec![HOST.into()],
                    problems: Vec::new(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            mx: Vec::new(),
            discarded: Vec::new(),
        },
        tls_rpt: TlsRptReport {
            record: PolicyRecord::Valid { record: format!("v=TLSRPTv1; rua=mailto:tlsrpt@{DOMAIN}") },
            rua: vec![RuaTarget { uri: format!("mailto:tlsrpt@{DOMAIN}"), problem: None }],
            discarded: Vec::new(),
        },
    }
}
