//! The depth checks end to end on loopback (127.0.2.x): legacy TLS against real OpenSSL servers
//! (`openssl s_server`, spawned here) behind a small plaintext SMTP front that hands the socket over
//! after STARTTLS; reverse DNS and blocklists through the real hickory resolver asking a
//! hickory-server zone. `openssl` must be installed (the test command installs it): a missing
//! binary fails these tests, it never skips them.

use common::openssl::{smtp_front, OpenSsl};
use common::{MappedConnector, StaticDns};
use mxray_report::model::depth::{DnsblStatus, Forward, LegacyOutcome, ReverseFailure, TLS10, TLS11, TLS12, TLS13};
use mxray_report::model::report::{AddressReport, TlsFailure};
use mxray_report::render::{render, Format};
use mxray_report::{Lang, Report, Severity};
use mxray_testkit::{FakeSmtp, Scenario, Zone, ZoneServer};
use server::probe::depth::DepthChecks;
use server::probe::dns::{HickoryDns, MailDns, MxRecord};
use server::probe::net::Guarded;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

mod common;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

/// An engine over `dns`, each planned address sent to its loopback listener, with `depth` on.
fn engine<D: MailDns>(dns: D, map: &[(IpAddr, SocketAddr)], depth: DepthChecks) -> Prober<D, Guarded<MappedConnector>> {
    let connector = MappedConnector { map: map.iter().copied().collect(), ..Default::default() };
    let tls = TlsContext::new(None).expect("TLS context");
    let config = common::session_config(Duration::from_secs(3), 25);
    Prober::new(dns, Guarded::new(connector, true), tls, config, 8, Duration::from_secs(20)).with_depth(depth)
}

/// Plaintext fake mail servers on `listen`, greeting as `names`; the planned address each stands for.
async fn servers(plan: &[(&str, &str, &str)]) -> (Vec<FakeSmtp>, Vec<(IpAddr, SocketAddr)>) {
    let mut running = Vec::new();
    let mut map = Vec::new();
    for (planned, listen, name) in plan {
        let server = FakeSmtp::start(listen, 0, Scenario::plaintext(name)).await.expect("fake server");
        map.push((ip(planned), server.addr));
        running.push(server);
    }
    (running, map)
}

async fn resolver(zones: Vec<Zone>) -> (ZoneServer, HickoryDns) {
    let server = ZoneServer::start_zones("127.0.2.1:0".parse().unwrap(), zones).await.expect("DNS server");
    let dns = HickoryDns::new(Some(server.addr), Duration::from_secs(2)).expect("resolver");
    (server, dns)
}

#[tokio::test]
async fn reverse_dns_matching_missing_and_not_confirmed() {
    let forward = Zone::new("rev.test")
        .mx("rev.test", 10, "mx.rev.test")
        .address("mx.rev.test", ip("192.0.2.10"))
        .address("mx.rev.test", ip("192.0.2.11"))
        .address("mx.rev.test", ip("192.0.2.12"))
        .address("mx.rev.test", ip("192.0.2.13"))
        .address("mx.rev.test", ip("2001:db8::10"))
        .address("other.rev.test", ip("198.51.100.7"))
        .address("mx4.rev.test", ip("192.0.2.13"));
    let reverse = Zone::new("2.0.192.in-addr.arpa")
        .ptr(ip("192.0.2.10"), "mx.rev.test")
        .ptr(ip("192.0.2.12"), "other.rev.test")
        .ptr(ip("192.0.2.13"), "mx4.rev.test");
    let reverse6 = Zone::new("8.b.d.0.1.0.0.2.ip6.arpa").ptr(ip("2001:db8::10"), "mx.rev.test");
    let (_dns_server, dns) = resolver(vec![forward, reverse, reverse6]).await;
    let (_servers, map) = servers(&[
        ("192.0.2.10", "127.0.2.10", "mx.rev.test"),
        ("192.0.2.11", "127.0.2.11", "mx.rev.test"),
        ("192.0.2.12", "127.0.2.12", "other.rev.test"),
        ("192.0.2.13", "127.0.2.13", "mail.rev.test"),
        ("2001:db8::10", "127.0.2.14", "mx.rev.test"),
    ])
    .await;
    let depth = DepthChecks { reverse_dns: true, private_addresses: true, ..Default::default() };
    let (report, _) = common::run(&engine(dns, &map, depth), "rev.test").await;
    let a = |n: usize| &report.mx[0].addresses[n];
    let reverse = |n: usize| a(n).reverse_dns.clone().expect("reverse DNS looked up");

    // Matching: the PTR resolves back, and the greeting names the same host.
    let matching = reverse(0);
    assert_eq!((matching.names[0].name.as_str(), &matching.names[0].forward), ("mx.rev.test", &Forward::Confirmed));
    assert!(!codes(a(0)).iter().any(|c| c.contains("ptr")), "{:?}", codes(a(0)));

    // Missing: NXDOMAIN for the reverse name is a definite "no PTR", a warning with a remedy.
    assert!(matches!(reverse(1).error, Some(ReverseFailure::NoPtr { .. })), "{:?}", reverse(1));
    let missing = a(1).findings.iter().find(|f| f.code == "ptr_missing").expect("ptr_missing");
    assert_eq!(missing.severity, Severity::Warning);
    assert!(missing.remedy.contains("PTR"), "{}", missing.remedy);

    // Not confirmed: the PTR name points elsewhere.
    let other = reverse(2);
    assert_eq!(other.names[0].forward, Forward::Mismatch { detail: None, failure: None });
    assert_eq!(other.names[0].addresses, [ip("198.51.100.7")]);
    let unconfirmed = a(2).findings.iter().find(|f| f.code == "ptr_not_confirmed").expect("ptr_not_confirmed");
    assert_eq!(unconfirmed.severity, Severity::Warning);

    // Confirmed, but the greeting names another host: worth knowing, not a delivery problem.
    let named = a(3).findings.iter().find(|f| f.code == "name_not_ptr").expect("name_not_ptr");
    assert_eq!(named.severity, Severity::Info);
    assert!(named.detail.contains("mail.rev.test") && named.detail.contains("mx4.rev.test"), "{}", named.detail);

    // IPv6: the nibble name under ip6.arpa, and its AAAA back.
    assert_eq!(reverse(4).names[0].forward, Forward::Confirmed, "{:?}", reverse(4));

    let text = render(&report, Format::Text, Lang::En, false);
    assert!(text.contains("Reverse DNS and names") && text.contains("mx4.rev.test"), "{text}");
    assert!(render(&report, Format::Html, Lang::De, false).contains("Reverse-DNS und Namen"));
}

#[tokio::test]
async fn blocklists_listed_unlisted_refused_and_ipv6_nibbles() {
    const NIBBLES: &str = "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test";
    let zone = Zone::new("test")
        .mx("bl-check.test", 10, "mx.bl-check.test")
        .address("mx.bl-check.test", ip("192.0.2.20"))
        .address("mx.bl-check.test", ip("192.0.2.21"))
        .address("mx.bl-check.test", ip("192.0.2.22"))
        .address("mx.bl-check.test", ip("2001:db8::25"))
        .address("20.2.0.192.bl.test", ip("127.0.0.2"))
        .txt("20.2.0.192.bl.test", "Listed for spam, see https://bl.test/lookup?ip=192.0.2.20")
        .address("22.2.0.192.bl.test", ip("127.255.255.254"))
        .address(NIBBLES, ip("127.0.0.4"));
    let (_dns_server, dns) = resolver(vec![zone]).await;
    let (_servers, map) = servers(&[
        ("192.0.2.20", "127.0.2.20", "mx.bl-check.test"),
        ("192.0.2.21", "127.0.2.21", "mx.bl-check.test"),
        ("192.0.2.22", "127.0.2.22", "mx.bl-check.test"),
        ("2001:db8::25", "127.0.2.23", "mx.bl-check.test"),
    ])
    .await;
    let depth = DepthChecks {
        dnsbl: vec!["bl.test".into(), "clean.test".into()],
        private_addresses: true,
        ..Default::default()
    };
    let (report, _) = common::run(&engine(dns, &map, depth), "bl-check.test").await;
    let a = |n: usize| &report.mx[0].addresses[n];
    let status = |n: usize| a(n).dnsbl.iter().map(|d| d.status).collect::<Vec<_>>();

    assert_eq!(status(0), [DnsblStatus::Listed, DnsblStatus::NotListed]);
    let listed = &a(0).dnsbl[0];
    assert_eq!((listed.query.as_str(), listed.codes.clone()), ("20.2.0.192.bl.test", vec!["127.0.0.2".to_owned()]));
    assert!(listed.reason[0].contains("bl.test/lookup"), "{:?}", listed.reason);
    let finding = a(0).findings.iter().find(|f| f.code == "dnsbl_listed").expect("dnsbl_listed");
    assert_eq!(finding.severity, Severity::Warning);
    assert!(finding.detail.contains("bl.test/lookup"), "{}", finding.detail);

    assert_eq!(status(1), [DnsblStatus::NotListed, DnsblStatus::NotListed]);
    assert!(!codes(a(1)).iter().any(|c| c.starts_with("dnsbl")), "{:?}", codes(a(1)));

    // 127.255.255.254 is "query refused", never a listing.
    assert_eq!(status(2)[0], DnsblStatus::Unknown);
    let refused = a(2).findings.iter().find(|f| f.code == "dnsbl_not_tested").expect("dnsbl_not_tested");
    assert_eq!(refused.severity, Severity::Info);
    assert!(
        refused.detail.contains("127.255.255.254") && refused.detail.contains("not a listing"),
        "{}",
        refused.detail
    );
    assert!(!codes(a(2)).contains(&"dnsbl_listed"));

    assert_eq!((a(3).dnsbl[0].query.as_str(), a(3).dnsbl[0].status), (NIBBLES, DnsblStatus::Listed));

    let text = render(&report, Format::Text, Lang::En, false);
    assert!(text.contains("Blocklists") && text.contains("clean.test"), "{text}");

    // Non-public addresses go to no blocklist unless private targets are allowed.
    let dns = HickoryDns::new(Some(_dns_server.addr), Duration::from_secs(2)).expect("resolver");
    let quiet = DepthChecks { dnsbl: vec!["bl.test".into()], ..Default::default() };
    let (report, _) = common::run(&engine(dns, &map, quiet), "bl-check.test").await;
    assert!(report.mx[0].addresses.iter().all(|a| a.dnsbl.is_empty()));
}

/// One MX on `front` (which joins STARTTLS to an OpenSSL server), legacy TLS probe on.
async fn legacy_check(front: &str, openssl: &OpenSsl) -> Report {
    let addr = smtp_front(front, &openssl.addrs).await;
    let mut dns = StaticDns::default();
    dns.mx.insert("legacy.test".into(), Ok(vec![MxRecord { preference: 10, exchange: "mx.legacy.test".into() }]));
    dns.hosts.insert("mx.legacy.test".into(), vec![ip("192.0.2.30")]);
    let depth = DepthChecks { legacy_tls: true, ..Default::default() };
    common::run(&engine(dns, &[(ip("192.0.2.30"), addr)], depth), "legacy.test").await.0
}

fn versions(a: &AddressReport) -> (Vec<String>, Vec<String>, Vec<String>) {
    let v = a.tls_versions.clone().expect("tls_versions");
    (v.accepted, v.refused, v.not_tested)
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_server_that_speaks_only_tls_1_0_is_named_so() {
    let openssl = OpenSsl::start("127.0.2.41", "mx.legacy.test", &["-tls1"]);
    let report = legacy_check("127.0.2.31", &openssl).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().failure, Some(TlsFailure::LegacyVersionOnly), "{:?}", a.starttls);
    assert_eq!(versions(a), (owned(&[TLS10]), owned(&[TLS11, TLS12, TLS13]), vec![]));
    let legacy = a.tls_versions.as_ref().unwrap().legacy.clone().unwrap();
    assert_eq!((legacy.outcome, legacy.version.as_deref()), (LegacyOutcome::Accepted, Some(TLS10)));
    let only = a.findings.iter().find(|f| f.code == "tls_legacy_only").expect("tls_legacy_only");
    assert_eq!((only.title.as_str(), only.severity), ("Only TLS 1.0", Severity::Critical));
    assert!(
        !codes(a).contains(&"tls_handshake_failed") && !codes(a).contains(&"tls_legacy_accepted"),
        "{:?}",
        codes(a)
    );
    // Main session, the plaintext relay probe after the failed handshake, and the legacy probe.
    assert_eq!(a.connections, 3);
    assert!(
        a.transcript
            .iter()
            .any(|l| l.text.starts_with("legacy TLS probe: the server answered with a ServerHello for TLSv1.0")),
        "{:?}",
        a.transcript
    );
}

#[tokio::test]
async fn a_server_with_tls_1_0_to_1_3_shows_what_two_handshakes_can_show() {
    let all = ["-min_protocol", "TLSv1", "-max_protocol", "TLSv1.3"];
    let openssl = OpenSsl::start("127.0.2.42", "mx.legacy.test", &all);
    let report = legacy_check("127.0.2.32", &openssl).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.starttls.as_ref().unwrap().tls_version.as_deref(), Some(TLS13), "{:?}", a.starttls);
    // The legacy hello offers up to 1.1, so the server shows 1.1; 1.0 and 1.2 were never offered alone.
    assert_eq!(versions(a), (owned(&[TLS11, TLS13]), vec![], owned(&[TLS10, TLS12])));
    let old = a.findings.iter().find(|f| f.code == "tls_legacy_accepted").expect("tls_legacy_accepted");
    assert_eq!(old.severity, Severity::Warning);
    assert!(old.detail.contains("TLS 1.0 was not tested"), "{}", old.detail);
}

#[tokio::test]
async fn a_server_with_tls_1_2_and_up_refuses_the_legacy_hello() {
    let openssl = OpenSsl::start("127.0.2.43", "mx.legacy.test", &["-min_protocol", "TLSv1.2"]);
    let report = legacy_check("127.0.2.33", &openssl).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(versions(a), (owned(&[TLS13]), owned(&[TLS10, TLS11]), owned(&[TLS12])));
    assert_eq!(a.tls_versions.as_ref().unwrap().legacy.as_ref().unwrap().outcome, LegacyOutcome::Refused);
    assert!(!codes(a).iter().any(|c| c.starts_with("tls_legacy")), "{:?}", codes(a));
    let text = render(&report, Format::Text, Lang::En, false);
    assert!(text.contains("TLS versions") && text.contains("TLSv1.0, TLSv1.1"), "{text}");
    let markdown = render(&report, Format::Markdown, Lang::En, false);
    assert!(markdown.contains("TLS versions: TLSv1.3 (Not tested: TLSv1.2)"), "{markdown}");
}

/// A record of `kind` holding `body`.
fn record(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, 3, 1, 0, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

#[tokio::test]
async fn answers_that_show_nothing_are_not_tested_never_refused_or_accepted() {
    let mut tls12_hello = vec![2, 0, 0, 38, 3, 3];
    tls12_hello.extend([0u8; 32]);
    tls12_hello.extend([0, 0x00, 0x2f, 0]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(), "not a TLS record"),
        (record(0x15, &[2, 80]), "says nothing about the version"),
        (record(0x16, &tls12_hello), "does not allow"),
        (Vec::new(), "closed the connection without answering"),
    ];
    for (answer, why) in cases {
        let mut lab = common::Lab::new();
        let mut s = Scenario::plaintext("mx.hostile.test");
        s.starttls = mxray_testkit::StartTls::Raw(answer);
        lab.mx("hostile.test", 10, "mx.hostile.test", "192.0.2.50", s).await;
        let depth = DepthChecks { legacy_tls: true, ..Default::default() };
        let engine = lab.engine(common::Limits::default(), true).with_depth(depth);
        let (report, _) = common::run(&engine, "hostile.test").await;
        let a = &report.mx[0].addresses[0];
        let legacy = a.tls_versions.as_ref().and_then(|v| v.legacy.clone()).expect("legacy probe ran");
        assert_eq!(legacy.outcome, LegacyOutcome::NotTested, "{why}: {legacy:?}");
        let said = legacy.why(mxray_report::Lang::En);
        assert!(legacy.answer.is_some() && legacy.detail.is_empty(), "{why}: typed, {legacy:?}");
        assert!(said.contains(why), "{why}: {said}");
        assert_eq!(versions(a).0, Vec::<String>::new(), "{why}: nothing accepted");
        let finding = a.findings.iter().find(|f| f.code == "tls_legacy_not_tested").expect("not tested, with why");
        assert_eq!(finding.severity, Severity::Info);
        assert_eq!(a.connections, 3, "{why}: session, relay fallback, legacy probe");
    }
}

/// The legacy probe starts beside the session once the first EHLO offered STARTTLS: this server
/// answers the relay probe only after a second connection came, which a legacy probe run after the
/// session would open only once the relay probe had timed out. Without STARTTLS no extra connection
/// opens; with STARTTLS offered but refused the probe's answer is not reported.
#[tokio::test]
async fn the_legacy_probe_runs_beside_the_session_once_starttls_is_offered() {
    use mxray_report::model::report::{RelayOutcome, StartTlsOutcome};
    use mxray_testkit::StartTls;
    let host = "mx.beside.test";
    let refused = StartTls::Reject("454 4.7.0 TLS not available due to local problem".into());
    for (starttls, outcome, connections) in [
        (None, StartTlsOutcome::Ok, 2),
        (Some(StartTls::NotOffered), StartTlsOutcome::NotOffered, 1),
        (Some(refused), StartTlsOutcome::Rejected, 2),
    ] {
        let mut lab = common::Lab::new();
        let mut s = Scenario::good(host, lab.ca.valid(&[host]));
        s.rcpt_waits_for_connections = Some(connections);
        s.starttls = starttls.unwrap_or(s.starttls);
        lab.mx("beside.test", 10, host, "192.0.2.70", s).await;
        let depth = DepthChecks { legacy_tls: true, ..Default::default() };
        let engine = lab.engine(common::Limits::default(), true).with_depth(depth);
        let (report, _) = common::run(&engine, "beside.test").await;
        let a = &report.mx[0].addresses[0];
        assert_eq!(a.starttls.as_ref().map(|t| t.outcome), Some(outcome), "{:?}", a.transcript);
        let relay = a.open_relay.as_ref().map(|r| r.outcome);
        assert_eq!(relay, Some(RelayOutcome::Refused), "{outcome:?}: answered at once: {:?}", a.transcript);
        assert_eq!((a.connections, lab.servers[0].connections()), (connections as u8, connections), "{outcome:?}");
        let legacy = a.tls_versions.as_ref().and_then(|v| v.legacy.clone());
        let noted = a.transcript.iter().any(|l| l.text.starts_with("legacy TLS probe not reported"));
        match outcome {
            StartTlsOutcome::Ok => {
                assert_eq!(legacy.map(|l| l.outcome), Some(LegacyOutcome::Refused), "rustls refuses TLS 1.1");
            }
            StartTlsOutcome::Rejected => assert!(legacy.is_none() && noted, "{:?}", a.transcript),
            _ => assert!(legacy.is_none() && !noted, "{:?}", a.transcript),
        }
    }
}

/// `mxray check`/`serve` options, parsed as the binary parses them.
#[derive(clap::Parser)]
struct Options {
    #[command(flatten)]
    probe: server::probe::ProbeOptions,
}

#[tokio::test]
async fn the_engine_the_binary_builds_runs_the_depth_checks() {
    use clap::Parser as _;
    use futures::StreamExt as _;
    let ca = mxray_testkit::TestCa::new();
    let host = "mx.built.test";
    let server = FakeSmtp::start("127.0.2.60", 0, Scenario::good(host, ca.valid(&[host]))).await.unwrap();
    let zone = Zone::new("test")
        .mx("built.test", 10, host)
        .address(host, ip("127.0.2.60"))
        .address("60.2.0.127.bl.test", ip("127.0.0.2"));
    let (dns, _) = resolver(vec![zone]).await;
    let ca_file = std::env::temp_dir().join(format!("mxray-depth-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let (resolver_addr, port) = (dns.addr.to_string(), server.addr.port().to_string());
    let ca_path = ca_file.display().to_string();
    let args = ["mxray", "--allow-private-targets", "--resolver", &resolver_addr, "--smtp-port", &port];
    let options = Options::parse_from(args.into_iter().chain(["--ca-file", &ca_path, "--dnsbl", "bl.test"]));
    let engine = server::probe::build_engine(&options.probe).expect("engine");
    let events: Vec<mxray_report::CheckEvent> =
        engine.check(mxray_report::normalize("built.test").unwrap()).collect().await;
    std::fs::remove_file(&ca_file).ok();
    let report = Report::from_events(&events);
    let a = &report.mx[0].addresses[0];
    let legacy = a.tls_versions.as_ref().and_then(|v| v.legacy.clone()).expect("legacy probe ran");
    assert_eq!(legacy.outcome, LegacyOutcome::Refused, "rustls as a server refuses a TLS 1.1 hello: {legacy:?}");
    assert_eq!(a.dnsbl[0].status, DnsblStatus::Listed);
    assert!(a.reverse_dns.is_none(), "loopback addresses are not looked up in reverse");
    let quality = a.tls_quality.as_ref().expect("the TLS quality probe ran");
    assert_eq!(
        quality.probe.weak.outcome,
        mxray_report::model::quality::HelloOutcome::Refused,
        "rustls takes no weak suite"
    );
    assert_eq!((a.connections, server.connections()), (4, 4), "the session, one legacy probe, two TLS quality hellos");
}
