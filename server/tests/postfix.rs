//! Debian's Postfix as a real peer. `scripts/postfix-peer.sh` starts it on 127.0.0.2:25 and the test
//! script sets `MXRAY_TEST_POSTFIX`; without that variable this test says so and does nothing.

mod common;

use app::report::{RelayOutcome, StartTlsOutcome, TcpOutcome};
use common::{session_config, StaticDns};
use server::probe::dns::MxRecord;
use server::probe::net::TcpConnector;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::net::SocketAddr;
use std::time::Duration;

#[tokio::test]
async fn postfix_is_diagnosed_like_any_real_mx() {
    let Ok(addr) = std::env::var("MXRAY_TEST_POSTFIX") else {
        eprintln!("MXRAY_TEST_POSTFIX is not set: run scripts/postfix-peer.sh (the test script does)");
        return;
    };
    let addr: SocketAddr = addr.parse().expect("MXRAY_TEST_POSTFIX is IP:PORT");
    let mut dns = StaticDns::default();
    dns.mx.insert("postfix.test".into(), Ok(vec![MxRecord { preference: 10, exchange: "mx.postfix.test".into() }]));
    dns.hosts.insert("mx.postfix.test".into(), vec![addr.ip()]);
    let tls = TlsContext::new(None).expect("TLS context");
    let config = session_config(Duration::from_secs(10), addr.port(), true);
    let engine = Prober::new(dns, TcpConnector, tls, config, 4, Duration::from_secs(30));
    let (report, _) = common::run(&engine, "postfix.test").await;

    let a = &report.mx[0].addresses[0];
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
    assert!(cert.self_signed && !cert.trusted, "the snakeoil certificate is self-signed: {cert:?}");
    assert!(!cert.hostname_matches);
    assert_eq!(cert.chain[0].key_algorithm, "RSA");
    assert!(a.ehlo_tls.as_ref().is_some_and(|e| e.code == Some(250) && !e.offers("STARTTLS")));
    let relay = a.open_relay.as_ref().unwrap();
    assert_eq!(relay.outcome, RelayOutcome::Refused, "{relay:?}");
    assert!(relay.rcpt_to.as_deref().unwrap().contains("Relay access denied"));
    assert_eq!(a.connections, 1);
    let sent: Vec<&str> =
        a.transcript.iter().filter(|l| l.dir == app::report::Direction::Client).map(|l| l.text.as_str()).collect();
    assert_eq!(sent.last(), Some(&"QUIT"));
    assert!(!sent.iter().any(|c| c.eq_ignore_ascii_case("DATA")));
    let codes: Vec<&str> = a.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"certificate_self_signed") && codes.contains(&"relay_refused"), "{codes:?}");
}
