//! The TLS quality probe end to end on loopback (127.0.6.x): real `openssl s_server` instances
//! behind the plaintext SMTP front (CBC and RSA key exchange only, server preference on and off,
//! FFDHE 1024, an RSA-1024 certificate, anonymous suites) and, for the suites Debian's OpenSSL 3
//! no longer builds (3DES, RC4), a fake server that answers the ClientHello with a hand-made
//! ServerHello; and a server that allows one connection per client (421 on the extra ones).

use common::openssl::{smtp_front, OpenSsl};
use common::{MappedConnector, StaticDns};
use mxray_report::model::quality::{Aspect, Class, Evidence, KeyExchange, QualityLine, Untested};
use mxray_report::model::report::{AddressReport, Mark, TlsFailure};
use mxray_report::{Report, Severity};
use mxray_testkit::{Greeting, Scenario, StartTls};
use server::probe::depth::DepthChecks;
use server::probe::dns::MxRecord;
use server::probe::net::Guarded;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

mod common;

const HOST: &str = "mx.quality.test";

fn depth() -> DepthChecks {
    DepthChecks { legacy_tls: true, tls_quality: true, ..Default::default() }
}

/// One MX whose address is sent to `addr`, both the legacy and the TLS quality probe on.
async fn check_at(addr: SocketAddr) -> Report {
    let planned: IpAddr = "192.0.2.80".parse().unwrap();
    let mut dns = StaticDns::default();
    dns.mx.insert("quality.test".into(), Ok(vec![MxRecord { preference: 10, exchange: HOST.into() }]));
    dns.hosts.insert(HOST.into(), vec![planned]);
    let connector = MappedConnector { map: [(planned, addr)].into_iter().collect(), ..Default::default() };
    let tls = TlsContext::new(None).expect("TLS context");
    let config = common::session_config(Duration::from_secs(3), 25);
    let engine =
        Prober::new(dns, Guarded::new(connector, true), tls, config, 8, Duration::from_secs(20)).with_depth(depth());
    common::run(&engine, "quality.test").await.0
}

/// One MX on `front`, which joins STARTTLS to `openssl`.
async fn check(front: &str, openssl: &OpenSsl) -> Report {
    check_at(smtp_front(front, &openssl.addrs).await).await
}

fn item(a: &AddressReport, aspect: Aspect) -> QualityLine {
    let q = a.tls_quality.as_ref().expect("tls_quality");
    q.items.iter().find(|l| l.aspect == aspect).cloned().expect("every aspect has a line")
}

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
async fn cbc_and_rsa_key_exchange_only_works_for_ordinary_senders_a_warning_not_no_tls() {
    let args = ["-cipher", "AES128-SHA:AES256-SHA:@SECLEVEL=0", "-no_tls1_3"];
    let openssl = OpenSsl::start_rsa("127.0.6.41", HOST, 2048, None, &args);
    let report = check("127.0.6.31", &openssl).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().failure, Some(TlsFailure::NoSharedCipher), "{:?}", a.starttls);
    let outdated = a.findings.iter().find(|f| f.code == "tls_outdated_suites_only").expect("outdated suites only");
    assert_eq!(outdated.severity, Severity::Warning);
    assert!(outdated.detail.contains("TLS_RSA_WITH_AES_128_CBC_SHA"), "{}", outdated.detail);
    assert!(
        !codes(a).contains(&"tls_no_shared_cipher") && !codes(a).contains(&"tls_handshake_failed"),
        "{:?}",
        codes(a)
    );
    assert_eq!(report.mx[0].status.starttls, Mark::Warning);
    let ordinary = item(a, Aspect::OrdinarySenders);
    assert_eq!(ordinary.class, Some(Class::PhaseOut));
    assert!(matches!(ordinary.evidence, Some(Evidence::Suite { fallback: true, .. })), "{ordinary:?}");
    let kx = item(a, Aspect::KeyExchange);
    assert!(matches!(kx.evidence, Some(Evidence::KeyExchange { kx: KeyExchange::Rsa, .. })), "{kx:?}");
    assert_eq!(kx.class, Some(Class::PhaseOut));
    assert_eq!(item(a, Aspect::Renegotiation).class, Some(Class::Good), "OpenSSL answers the SCSV");
    assert_eq!(item(a, Aspect::Compression).class, Some(Class::Good));
    // The session, its plaintext relay connection after the failed handshake, and three extra ones.
    assert_eq!(a.connections, 5, "{:?}", a.transcript);
}

/// `-serverpref` decides which suite a client offering phase-out suites first gets.
#[tokio::test]
async fn server_preference_on_and_off() {
    let list = ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0"];
    for (listen, front, serverpref) in [("127.0.6.42", "127.0.6.32", false), ("127.0.6.43", "127.0.6.33", true)] {
        let mut args = list.to_vec();
        if serverpref {
            args.push("-serverpref");
        }
        let openssl = OpenSsl::start_rsa(listen, HOST, 2048, None, &args);
        let report = check(front, &openssl).await;
        let a = &report.mx[0].addresses[0];
        let order = item(a, Aspect::ServerPreference);
        let weak = item(a, Aspect::WeakSuites);
        assert_eq!(weak.class, Some(Class::PhaseOut), "{serverpref}: AES128-SHA is taken either way");
        if serverpref {
            assert_eq!(order.class, Some(Class::Good), "{order:?}");
            assert!(matches!(order.evidence, Some(Evidence::OwnOrder { .. })), "{order:?}");
            assert!(!codes(a).contains(&"tls_client_order"), "{:?}", codes(a));
        } else {
            assert_eq!(order.class, Some(Class::PhaseOut), "{order:?}");
            let client = a.findings.iter().find(|f| f.code == "tls_client_order").expect("client order");
            assert!(client.detail.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "{}", client.detail);
            assert!(client.remedy.contains("tls_preempt_cipherlist"), "{}", client.remedy);
        }
        assert_eq!(a.connections, 4, "{serverpref}: the session and three extra connections");
    }
}

/// Only good suites: the order is not judged (internet.nl #1734), nothing weak is accepted.
#[tokio::test]
async fn a_server_with_only_good_suites_gets_no_order_finding() {
    let args = ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"];
    let openssl = OpenSsl::start_rsa("127.0.6.44", HOST, 2048, None, &args);
    let report = check("127.0.6.34", &openssl).await;
    let a = &report.mx[0].addresses[0];
    let order = item(a, Aspect::ServerPreference);
    assert!(matches!(order.evidence, Some(Evidence::NoChoice { .. })), "{order:?}");
    assert_eq!(order.class, None);
    assert_eq!(item(a, Aspect::WeakSuites).class, Some(Class::Good));
    assert_eq!(item(a, Aspect::KeyExchange).class, Some(Class::Good), "{:?}", item(a, Aspect::KeyExchange));
    let quality = ["tls_weak", "tls_client_order", "tls_sha1", "tls_compression", "tls_no_secure"];
    assert!(!codes(a).iter().any(|c| quality.iter().any(|q| c.starts_with(q))), "{:?}", codes(a));
}

#[tokio::test]
async fn ffdhe_1024_is_critical() {
    let args = ["-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-no_tls1_3"];
    let openssl = OpenSsl::start_rsa("127.0.6.45", HOST, 2048, Some(1024), &args);
    let report = check("127.0.6.35", &openssl).await;
    let a = &report.mx[0].addresses[0];
    let kx = item(a, Aspect::KeyExchange);
    assert!(matches!(kx.evidence, Some(Evidence::KeyExchange { kx: KeyExchange::Dhe { bits: 1024 }, .. })), "{kx:?}");
    assert_eq!(kx.class, Some(Class::Insufficient));
    let dh = a.findings.iter().find(|f| f.code == "tls_weak_dh").expect("weak DH");
    assert_eq!(dh.severity, Severity::Critical);
    // rustls has no DHE: ordinary senders still get TLS.
    assert!(codes(a).contains(&"tls_outdated_suites_only"), "{:?}", codes(a));
}

#[tokio::test]
async fn an_rsa_1024_certificate_is_critical() {
    let openssl = OpenSsl::start_rsa("127.0.6.46", HOST, 1024, None, &["-no_tls1_3"]);
    let report = check("127.0.6.36", &openssl).await;
    let a = &report.mx[0].addresses[0];
    let kx = item(a, Aspect::KeyExchange);
    assert_eq!(kx.class, Some(Class::Insufficient), "{kx:?}");
    let weak = a.findings.iter().find(|f| f.code == "tls_weak_rsa_key").expect("weak RSA key");
    assert_eq!(weak.severity, Severity::Critical);
    assert!(weak.detail.contains("1024"), "{}", weak.detail);
}

#[tokio::test]
async fn anonymous_suites_are_insufficient() {
    let args = ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA:@SECLEVEL=0"];
    let openssl = OpenSsl::start_rsa("127.0.6.47", HOST, 2048, None, &args);
    let report = check("127.0.6.37", &openssl).await;
    let a = &report.mx[0].addresses[0];
    let weak = item(a, Aspect::WeakSuites);
    assert_eq!(weak.class, Some(Class::Insufficient), "{weak:?}");
    assert!(matches!(&weak.evidence, Some(Evidence::Suite { suite, .. }) if suite.contains("anon")), "{weak:?}");
    let finding = a.findings.iter().find(|f| f.code == "tls_weak_suites").expect("weak suites");
    assert_eq!(finding.severity, Severity::Critical);
}

/// 3DES and RC4: Debian's OpenSSL 3 builds neither, so a fake server answers the ClientHello.
#[tokio::test]
async fn a_server_speaking_only_3des_or_rc4_accepts_insufficient_suites() {
    for (suite, name) in [(0x000a_u16, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"), (0x0005, "TLS_RSA_WITH_RC4_128_SHA")] {
        let mut lab = common::Lab::new();
        let mut s = Scenario::plaintext(HOST);
        s.starttls = StartTls::Suites(vec![suite]);
        lab.mx("quality.test", 10, HOST, "192.0.2.81", s).await;
        let engine = lab.engine(common::Limits::default(), true).with_depth(depth());
        let (report, _) = common::run(&engine, "quality.test").await;
        let a = &report.mx[0].addresses[0];
        let weak = item(a, Aspect::WeakSuites);
        assert_eq!(weak.class, Some(Class::Insufficient), "{weak:?}");
        assert!(matches!(&weak.evidence, Some(Evidence::Suite { suite, .. }) if suite == name), "{weak:?}");
        let finding = a.findings.iter().find(|f| f.code == "tls_weak_suites").expect("weak suites");
        assert_eq!(finding.severity, Severity::Critical);
        // No OpenSSL 3 sender offers these: no TLS for ordinary senders stays critical.
        assert!(codes(a).contains(&"tls_no_shared_cipher"), "{:?}", codes(a));
        let ordinary = item(a, Aspect::OrdinarySenders);
        assert!(matches!(ordinary.evidence, Some(Evidence::Refused { .. })), "{ordinary:?}");
    }
}

/// A server that allows one connection per client answers the extra ones with 421: the session
/// comes first and is whole; the quality lines are "not tested", never a TLS result.
#[tokio::test]
async fn a_421_on_the_extra_connections_is_not_tested_and_the_session_came_first() {
    let mut lab = common::Lab::new();
    let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    let mut busy = s.clone();
    busy.greeting = Greeting::Reply("421 4.7.0 Too many connections from your host".into());
    s.later = Some(Box::new(busy));
    lab.mx("quality.test", 10, HOST, "192.0.2.82", s).await;
    let engine = lab.engine(common::Limits::default(), true).with_depth(depth());
    let (report, _) = common::run(&engine, "quality.test").await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(report.mx[0].status.starttls, Mark::Ok, "the session got TLS: {:?}", a.transcript);
    let q = a.tls_quality.as_ref().expect("tls_quality");
    assert!(
        matches!(&q.probe.ordinary.untested, Some(Untested::Answer { .. })),
        "a 421 is no TLS result: {:?}",
        q.probe.ordinary
    );
    assert_eq!(q.probe.ordinary.offer, mxray_report::model::quality::Offer::Ordinary);
    let weak = item(a, Aspect::WeakSuites);
    assert!(weak.class.is_none() && weak.untested.is_some(), "{weak:?}");
    let words = weak.evidence_text(mxray_report::Lang::En);
    assert!(words.starts_with("not tested, because") && words.contains("421"), "{words}");
    assert_eq!(item(a, Aspect::OrdinarySenders).class, Some(Class::Good), "from the session's own handshake");
    assert!(!codes(a).iter().any(|c| c.starts_with("tls_weak") || *c == "tls_client_order"), "{:?}", codes(a));
}
