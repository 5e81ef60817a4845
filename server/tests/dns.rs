//! The real resolver path: hickory-resolver asking a hickory-server zone on loopback.

use mxray_report::model::report::{DnsFailure, Mark, MxSource, RelayOutcome};
use mxray_testkit::{FakeSmtp, Scenario, TestCa, Zone, ZoneServer};
use server::probe::dns::{resolve_all, HickoryDns, MailDns};
use server::probe::net::TcpConnector;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

mod common;

async fn zone_server(zone: Zone) -> (ZoneServer, HickoryDns) {
    let server = ZoneServer::start("127.0.0.1:0".parse().unwrap(), zone).await.expect("DNS server");
    let dns = HickoryDns::new(Some(server.addr), Duration::from_secs(2)).expect("resolver");
    (server, dns)
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[tokio::test]
async fn resolves_mx_records_in_order_with_both_families() {
    let zone = Zone::new("example.test")
        .mx("example.test", 20, "mx2.example.test")
        .mx("example.test", 10, "mx1.example.test")
        .address("mx1.example.test", ip("192.0.2.1"))
        .address("mx1.example.test", ip("2001:db8::1"))
        .address("mx2.example.test", ip("192.0.2.2"))
        .mx("alias.example.test", 10, "mail.example.test")
        .cname("mail.example.test", "mx1.example.test")
        .mx("lame.example.test", 10, "nowhere.example.test")
        .mx("null.example.test", 0, "")
        .address("implicit.example.test", ip("192.0.2.9"))
        .address("aonly.example.test", ip("192.0.2.8"));
    let (_server, dns) = zone_server(zone).await;

    let plan = resolve_all(&dns, "example.test", Duration::from_secs(5)).await;
    assert_eq!(plan.mx_source, MxSource::Mx);
    let hosts: Vec<(&str, u16)> = plan.hosts.iter().map(|h| (h.host.as_str(), h.preference)).collect();
    assert_eq!(hosts, [("mx1.example.test", 10), ("mx2.example.test", 20)]);
    assert_eq!(plan.hosts[0].addresses, [ip("192.0.2.1"), ip("2001:db8::1")]);

    let alias = resolve_all(&dns, "alias.example.test", Duration::from_secs(5)).await;
    assert_eq!(alias.hosts[0].cname.as_deref(), Some("mx1.example.test"));
    assert_eq!(alias.hosts[0].addresses.len(), 2);

    let lame = resolve_all(&dns, "lame.example.test", Duration::from_secs(5)).await;
    assert!(lame.hosts[0].addresses.is_empty());
    assert!(lame.hosts[0].address_error.as_deref().unwrap().contains("NXDOMAIN"));

    assert_eq!(resolve_all(&dns, "null.example.test", Duration::from_secs(5)).await.mx_source, MxSource::NullMx);
    let implicit = resolve_all(&dns, "implicit.example.test", Duration::from_secs(5)).await;
    assert_eq!((implicit.mx_source, implicit.hosts[0].addresses.clone()), (MxSource::Implicit, vec![ip("192.0.2.9")]));
    assert_eq!(
        resolve_all(&dns, "missing.example.test", Duration::from_secs(5)).await.error,
        Some(DnsFailure::Nxdomain)
    );
    assert_eq!(dns.label(), _server.addr.to_string());
}

#[tokio::test]
async fn no_records_is_not_nxdomain() {
    let zone = Zone::new("empty.test").mx("other.empty.test", 10, "mx.empty.test");
    let (_server, dns) = zone_server(zone).await;
    let plan = resolve_all(&dns, "empty.test", Duration::from_secs(5)).await;
    assert_eq!((plan.mx_source, plan.error), (MxSource::None, Some(DnsFailure::NoRecords)));
}

#[tokio::test]
async fn a_whole_check_through_real_dns_and_sockets() {
    let ca = TestCa::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let good = FakeSmtp::start("127.0.0.21", port, Scenario::good("mx1.real.test", ca.valid(&["mx1.real.test"])))
        .await
        .unwrap();
    let mut relay = Scenario::plaintext("mx2.real.test");
    relay.rcpt_reply = "250 2.1.5 Ok".into();
    let open = FakeSmtp::start("127.0.0.22", port, relay).await.unwrap();
    let zone = Zone::new("real.test")
        .mx("real.test", 10, "mx1.real.test")
        .mx("real.test", 20, "mx2.real.test")
        .address("mx1.real.test", ip("127.0.0.21"))
        .address("mx2.real.test", ip("127.0.0.22"));
    let (_server, dns) = zone_server(zone).await;
    let ca_file = std::env::temp_dir().join(format!("mxray-dns-test-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let tls = TlsContext::new(Some(&ca_file)).unwrap();
    let engine = Prober::new(
        dns,
        TcpConnector,
        tls,
        common::session_config(Duration::from_secs(3), port),
        8,
        Duration::from_secs(10),
    );
    let (report, _) = common::run(&engine, "postmaster@Real.Test.").await;
    std::fs::remove_file(&ca_file).ok();

    assert_eq!((report.input.as_str(), report.domain.as_str()), ("postmaster@Real.Test.", "real.test"));
    assert_eq!(report.mx[0].status.certificate_valid, Mark::Ok);
    assert_eq!(report.mx[0].addresses[0].ip, ip("127.0.0.21"));
    assert_eq!(report.mx[1].addresses[0].open_relay.as_ref().unwrap().outcome, RelayOutcome::Accepted);
    assert_eq!(report.mx[1].status.open_relay, Mark::Critical);
    assert_eq!((good.connections(), open.connections()), (1, 1));
    let _: SocketAddr = report.dns.resolver.parse().expect("resolver label is the address");
}

// ---------------------------------------------------------------------------------------------
// Error paths through the real resolver

/// Runs a whole check of `domain` through `dns`; every connection goes to the lab's (empty) map, so
/// none is made. Bounded: a check that does not end within a minute fails the test.
async fn check_through(dns: HickoryDns, domain: &str) -> mxray_report::Report {
    let lab = common::Lab::new();
    let engine = Prober::new(
        dns,
        server::probe::net::Guarded::new(lab.connector.clone(), true),
        TlsContext::new(None).unwrap(),
        common::session_config(Duration::from_secs(2), 25),
        8,
        Duration::from_secs(10),
    );
    let (report, _) = tokio::time::timeout(Duration::from_secs(60), common::run(&engine, domain))
        .await
        .expect("the check ends within its bounds");
    assert!(report.complete);
    report
}

fn domain_codes(report: &mxray_report::Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.code.as_str()).collect()
}

fn host_codes(report: &mxray_report::Report, mx: usize) -> Vec<&str> {
    report.mx[mx].findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
async fn an_unresponsive_resolver_is_dns_failed_within_the_step_timeout() {
    // UDP and TCP on one address: the datagrams are never read, the TCP connection never answered.
    let udp = tokio::net::UdpSocket::bind("127.0.5.4:0").await.unwrap();
    let addr = udp.local_addr().unwrap();
    let tcp = tokio::net::TcpListener::bind(addr).await.unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = tcp.accept().await {
            open.push(stream);
        }
    });
    let dns = HickoryDns::new(Some(addr), Duration::from_millis(500)).unwrap();
    let report = check_through(dns, "silent.example.test").await;
    held.abort();
    assert!(matches!(report.dns.error, Some(DnsFailure::Failed { .. })), "{:?}", report.dns.error);
    assert_eq!(report.mx_source, MxSource::None);
    assert!(report.mx.is_empty());
    assert!(domain_codes(&report).contains(&"dns_failed"), "{:?}", domain_codes(&report));
    assert_eq!(report.worst_severity(), mxray_report::Severity::Critical);
}

/// Answers every UDP query with SERVFAIL (the question echoed, nothing else).
async fn servfail(socket: tokio::net::UdpSocket) {
    let mut buf = [0u8; 1500];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let query = &buf[..n];
        let Some(question_end) = question_end(query) else { continue };
        let mut reply = query[..question_end].to_vec();
        let rd = query[2] & 0x01;
        reply[2] = 0x80 | (query[2] & 0x78) | rd; // QR, the query's opcode, RD
        reply[3] = 0x80 | 2; // RA, RCODE 2 = SERVFAIL
        reply[4..12].copy_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // one question, no records
        let _ = socket.send_to(&reply, from).await;
    }
}

/// Where the first question of a DNS message ends (after its name, type and class).
fn question_end(message: &[u8]) -> Option<usize> {
    let mut at = 12;
    loop {
        let len = usize::from(*message.get(at)?);
        at += 1 + len;
        if len == 0 {
            break;
        }
    }
    (at + 4 <= message.len()).then_some(at + 4)
}

#[tokio::test]
async fn servfail_is_dns_failed_not_nxdomain_or_no_records() {
    let udp = tokio::net::UdpSocket::bind("127.0.5.5:0").await.unwrap();
    let addr = udp.local_addr().unwrap();
    let server = tokio::spawn(servfail(udp));
    let dns = HickoryDns::new(Some(addr), Duration::from_secs(1)).unwrap();
    assert!(matches!(dns.mx("broken.example.test").await, Err(server::probe::dns::LookupError::Failed(_))));
    let report = check_through(dns, "broken.example.test").await;
    server.abort();
    let Some(DnsFailure::Failed { detail }) = &report.dns.error else { panic!("{:?}", report.dns.error) };
    assert!(!detail.is_empty());
    assert!(domain_codes(&report).contains(&"dns_failed"), "{:?}", domain_codes(&report));
    assert_eq!(report.worst_severity(), mxray_report::Severity::Critical);
}

#[tokio::test]
async fn an_ip_literal_and_a_cname_as_mx_target_are_named() {
    let zone = Zone::new("odd.test")
        .mx("iplit.odd.test", 10, "192.0.2.1")
        .mx("alias.odd.test", 10, "mail.odd.test")
        .cname("mail.odd.test", "mx1.odd.test")
        .address("mx1.odd.test", ip("192.0.2.30"));
    let (server, dns) = zone_server(zone).await;
    let report = check_through(dns, "iplit.odd.test").await;
    assert_eq!(report.mx[0].host, "192.0.2.1");
    assert!(host_codes(&report, 0).contains(&"mx_is_ip_literal"), "{:?}", host_codes(&report, 0));
    assert!(report.mx[0].addresses.is_empty(), "a name made of digits has no address records here");

    let dns = HickoryDns::new(Some(server.addr), Duration::from_secs(2)).unwrap();
    let report = check_through(dns, "alias.odd.test").await;
    assert_eq!(report.mx[0].host, "mail.odd.test");
    assert_eq!(report.mx[0].cname.as_deref(), Some("mx1.odd.test"));
    let cname = report.mx[0].findings.iter().find(|f| f.code == "mx_is_cname").expect("the CNAME is a finding");
    assert!(cname.detail.contains("mx1.odd.test"), "{}", cname.detail);
    assert_eq!(report.mx[0].addresses.iter().map(|a| a.ip).collect::<Vec<_>>(), [ip("192.0.2.30")]);
}
