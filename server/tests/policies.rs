//! MTA-STS and TLS-RPT end to end on loopback: TXT records from the lab's DNS, the policy served by
//! an HTTPS fake (rustls with a certificate of the lab's CA, passed as `--ca-file`), MX hosts
//! served by fake SMTP servers, and the folded report's findings.

use mxray_report::model::policy::{FetchError, MxTls, PolicyRecord, StsMode, TargetProblem, TlsPolicyFailure};
use mxray_report::{CheckEvent, Report, Severity};
use mxray_testkit::ca::Identity;
use mxray_testkit::Scenario;
use rustls::ServerConfig;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

mod common;
use common::{Lab, Limits};

/// Where the fake policy hosts listen (this suite's loopback range).
const LISTEN: &str = "127.0.3.1:0";

const ENFORCE: &str = "version: STSv1\r\nmode: enforce\r\nmx: *.mail.test\r\nmax_age: 604800\r\n";

/// What the fake policy host answers.
enum Answer {
    /// Status line, headers and body as given (a Content-Length is added).
    Fixed { status: &'static str, headers: Vec<(&'static str, String)>, body: Vec<u8> },
    /// 200 text/plain without a length, then up to 1 MiB of policy-looking lines.
    Endless,
}

impl Answer {
    fn policy(body: &str) -> Self {
        Answer::Fixed { status: "200 OK", headers: vec![("Content-Type", "text/plain".into())], body: body.into() }
    }
}

/// An HTTPS server for one policy host: answers every request the same way and records them.
struct PolicyHost {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Drop for PolicyHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PolicyHost {
    async fn start(identity: Identity, answer: Answer) -> Self {
        let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(identity.chain, identity.key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind(LISTEN).await.expect("bind policy host");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (seen, answer) = (Arc::clone(&requests), Arc::new(answer));
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, seen, answer) = (acceptor.clone(), Arc::clone(&seen), Arc::clone(&answer));
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    seen.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                    let _ = write_answer(&mut tls, &answer).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        PolicyHost { addr, requests, task }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn write_answer(out: &mut (impl AsyncWriteExt + Unpin), answer: &Answer) -> std::io::Result<()> {
    match answer {
        Answer::Fixed { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            out.write_all(head.as_bytes()).await?;
            out.write_all(body).await
        }
        Answer::Endless => {
            out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nversion: STSv1\r\n",
            )
            .await?;
            let line = b"mx: padding-line-to-make-the-policy-file-far-too-large.mail.test\r\n";
            for _ in 0..(1 << 20) / line.len() {
                out.write_all(line).await?;
            }
            Ok(())
        }
    }
}

/// A lab for `domain`: MX hosts (name, planned address, names on its certificate), the TXT records,
/// and a policy host at 127.0.3.53 (planned) answering `answer` with a certificate for `cert_name`.
struct Setup {
    lab: Lab,
    policy_host: PolicyHost,
}

const POLICY_IP: &str = "127.0.3.53";

async fn setup(
    domain: &str,
    mx: &[(&str, &str, &str)],
    txt: &[(&str, &str)],
    cert_name: &str,
    answer: Answer,
) -> Setup {
    let mut lab = Lab::new();
    for (i, (host, ip, cert)) in mx.iter().enumerate() {
        let preference = 10 * (i as u16 + 1);
        lab.mx(domain, preference, host, ip, Scenario::good(host, lab.ca.valid(&[cert]))).await;
    }
    for (name, record) in txt {
        lab.dns.txt.entry(format!("{name}.{domain}")).or_default().push((*record).to_owned());
    }
    let policy_host = PolicyHost::start(lab.ca.valid(&[cert_name]), answer).await;
    let ip: IpAddr = POLICY_IP.parse().unwrap();
    lab.connector.map.insert(ip, policy_host.addr);
    lab.dns.hosts.insert(format!("mta-sts.{domain}"), vec![ip]);
    Setup { lab, policy_host }
}

const STS: (&str, &str) = ("_mta-sts", "v=STSv1; id=20261201");
const RPT: (&str, &str) = ("_smtp._tls", "v=TLSRPTv1; rua=mailto:tlsrpt@mail.test");

fn codes(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

fn severity(r: &Report, code: &str) -> Vec<Severity> {
    r.findings.iter().filter(|f| f.code == code).map(|f| f.severity).collect()
}

fn fetch_error(r: &Report) -> Option<FetchError> {
    r.policies.as_ref()?.mta_sts.fetch.as_ref()?.error.clone()
}

#[tokio::test]
async fn enforce_with_every_mx_covered_and_valid_is_protected() {
    let mx = [("mx1.mail.test", "127.0.3.21", "mx1.mail.test"), ("mx2.mail.test", "127.0.3.22", "mx2.mail.test")];
    let s = setup("good.test", &mx, &[STS, RPT], "mta-sts.good.test", Answer::policy(ENFORCE)).await;
    let (report, events) = s.lab.check("good.test").await;

    let p = report.policies.as_ref().expect("policies reported");
    assert_eq!(p.mta_sts.record, PolicyRecord::Valid { record: STS.1.into() });
    assert_eq!(p.mta_sts.id.as_deref(), Some("20261201"));
    let fetch = p.mta_sts.fetch.as_ref().unwrap();
    assert_eq!((fetch.status, fetch.content_type.as_deref(), &fetch.error), (Some(200), Some("text/plain"), &None));
    assert_eq!(fetch.url, "https://mta-sts.good.test/.well-known/mta-sts.txt");
    assert_eq!(fetch.address, Some(POLICY_IP.parse().unwrap()));
    let policy = fetch.policy.as_ref().unwrap();
    assert_eq!(
        (policy.mode, policy.max_age, policy.mx.as_slice()),
        (Some(StsMode::Enforce), Some(604_800), ["*.mail.test".to_owned()].as_slice())
    );
    for m in &p.mta_sts.mx {
        assert_eq!((m.pattern.as_deref(), &m.tls), (Some("*.mail.test"), &MxTls::Valid), "{m:?}");
    }
    assert_eq!(p.tls_rpt.rua.len(), 1);
    assert_eq!(p.tls_rpt.rua[0].problem, None);
    assert_eq!(codes(&report), ["mta_sts_protected"]);
    assert_eq!(severity(&report, "mta_sts_protected"), [Severity::Ok]);

    // One GET of the well-known path with the policy host's name; the event comes once, before `done`.
    let requests = s.policy_host.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].starts_with("GET /.well-known/mta-sts.txt HTTP/1.1\r\n"), "{}", requests[0]);
    assert!(requests[0].to_ascii_lowercase().contains("\r\nhost: mta-sts.good.test\r\n"), "{}", requests[0]);
    let at = |pred: fn(&CheckEvent) -> bool| events.iter().position(pred);
    assert_eq!(events.iter().filter(|e| matches!(e, CheckEvent::Policies { .. })).count(), 1);
    assert!(at(|e| matches!(e, CheckEvent::Policies { .. })) < at(|e| matches!(e, CheckEvent::Done { .. })));
}

#[tokio::test]
async fn mx_hosts_outside_the_patterns_are_critical_under_enforce() {
    // The wildcard covers one label: a.b.mail.test and mail.test itself are outside it.
    let mx = [
        ("mx1.mail.test", "127.0.3.31", "mx1.mail.test"),
        ("a.b.mail.test", "127.0.3.32", "a.b.mail.test"),
        ("mx.other.test", "127.0.3.33", "mx.other.test"),
    ];
    let s = setup("outside.test", &mx, &[STS, RPT], "mta-sts.outside.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("outside.test").await;
    let m = &report.policies.as_ref().unwrap().mta_sts.mx;
    let patterns: Vec<Option<&str>> = m.iter().map(|m| m.pattern.as_deref()).collect();
    assert_eq!(patterns, [Some("*.mail.test"), None, None]);
    assert_eq!(severity(&report, "mta_sts_mx_not_listed"), [Severity::Critical, Severity::Critical]);
    assert!(!codes(&report).contains(&"mta_sts_protected"));
    assert_eq!(report.worst_severity(), Severity::Critical);
}

#[tokio::test]
async fn the_same_mx_is_a_warning_under_testing() {
    let mx = [("mx1.mail.test", "127.0.3.41", "mx1.mail.test"), ("mx.other.test", "127.0.3.42", "mx.other.test")];
    let testing = ENFORCE.replace("enforce", "testing");
    let s = setup("testing.test", &mx, &[STS, RPT], "mta-sts.testing.test", Answer::policy(&testing)).await;
    let (report, _) = s.lab.check("testing.test").await;
    assert_eq!(severity(&report, "mta_sts_mx_not_listed"), [Severity::Warning]);
    assert!(!codes(&report).contains(&"mta_sts_testing"), "not every MX passes");
}

#[tokio::test]
async fn an_mx_certificate_for_another_name_fails_the_policy() {
    let mx = [("mx1.mail.test", "127.0.3.51", "elsewhere.test")];
    let s = setup("badcert.test", &mx, &[STS, RPT], "mta-sts.badcert.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("badcert.test").await;
    let m = &report.policies.as_ref().unwrap().mta_sts.mx[0];
    assert_eq!(m.tls, MxTls::Invalid { ip: "127.0.3.51".parse().unwrap(), failure: TlsPolicyFailure::WrongName });
    assert_eq!(severity(&report, "mta_sts_mx_tls_invalid"), [Severity::Critical]);
}

#[tokio::test]
async fn an_mx_whose_tls_could_not_be_tested_is_named_under_enforce_never_passed_over() {
    // mx1 refuses port 25 (a port nothing listens on any more); mx2's name ends in a numeric label,
    // which no certificate can name, so its STARTTLS is not testable.
    let mx = [("mx2.mail.123", "127.0.3.82", "mx2.mail.123")];
    let policy = format!("{ENFORCE}mx: *.mail.123\r\n");
    let mut s = setup("untested.test", &mx, &[STS, RPT], "mta-sts.untested.test", Answer::policy(&policy)).await;
    let closed = TcpListener::bind(LISTEN).await.unwrap().local_addr().unwrap();
    let refusing: IpAddr = "127.0.3.81".parse().unwrap();
    s.lab.connector.map.insert(refusing, closed);
    s.lab.dns.hosts.insert("mx1.mail.test".into(), vec![refusing]);
    let records = s.lab.dns.mx.get_mut("untested.test").unwrap().as_mut().unwrap();
    records.insert(0, server::probe::dns::MxRecord { preference: 5, exchange: "mx1.mail.test".into() });
    let (report, _) = s.lab.check("untested.test").await;

    let m = &report.policies.as_ref().unwrap().mta_sts.mx;
    assert_eq!(m.iter().map(|m| &m.tls).collect::<Vec<_>>(), [&MxTls::NotTested, &MxTls::NotTested], "{m:?}");
    assert_eq!(severity(&report, "mta_sts_mx_not_tested"), [Severity::Warning, Severity::Warning]);
    assert!(!codes(&report).contains(&"mta_sts_protected"));
    let said: Vec<&str> =
        report.findings.iter().filter(|f| f.code == "mta_sts_mx_not_tested").map(|f| f.detail.as_str()).collect();
    assert!(said[0].contains("127.0.3.81: no connection to port 25 (connection refused"), "{}", said[0]);
    assert!(said[1].contains("127.0.3.82: STARTTLS is offered but could not be tested"), "{}", said[1]);
    let de = report.findings.iter().find(|f| f.code == "mta_sts_mx_not_tested").unwrap().texts(mxray_report::Lang::De);
    assert!(de.detail.contains("keine Verbindung zu Port 25"), "{}", de.detail);
}

#[tokio::test]
async fn a_policy_host_certificate_for_another_name_is_refused() {
    let mx = [("mx1.mail.test", "127.0.3.61", "mx1.mail.test")];
    let s = setup("wrongname.test", &mx, &[STS, RPT], "www.wrongname.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("wrongname.test").await;
    assert_eq!(
        fetch_error(&report),
        Some(FetchError::Certificate { detail: "the certificate does not name this host".into() })
    );
    assert!(s.policy_host.requests().is_empty(), "no request goes out over a bad certificate");
    assert_eq!(severity(&report, "mta_sts_policy_unavailable"), [Severity::Warning]);
    assert!(!codes(&report).iter().any(|c| c.starts_with("mta_sts_mx")), "no policy, no MX judgement");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let answer = Answer::Fixed {
        status: "301 Moved Permanently",
        headers: vec![("Location", "https://elsewhere.test/mta-sts.txt".into())],
        body: Vec::new(),
    };
    let mx = [("mx1.mail.test", "127.0.3.71", "mx1.mail.test")];
    let s = setup("redirect.test", &mx, &[STS, RPT], "mta-sts.redirect.test", answer).await;
    let (report, _) = s.lab.check("redirect.test").await;
    assert_eq!(
        fetch_error(&report),
        Some(FetchError::Redirect { status: 301, location: Some("https://elsewhere.test/mta-sts.txt".into()) })
    );
    assert_eq!(s.policy_host.requests().len(), 1);
    assert!(codes(&report).contains(&"mta_sts_policy_unavailable"));
}

#[tokio::test]
async fn a_policy_served_as_html_is_refused() {
    let answer = Answer::Fixed {
        status: "200 OK",
        headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
        body: ENFORCE.into(),
    };
    let mx = [("mx1.mail.test", "127.0.3.81", "mx1.mail.test")];
    let s = setup("html.test", &mx, &[STS, RPT], "mta-sts.html.test", answer).await;
    let (report, _) = s.lab.check("html.test").await;
    assert_eq!(
        fetch_error(&report),
        Some(FetchError::ContentType { content_type: Some("text/html; charset=utf-8".into()) })
    );
    assert!(report.policies.unwrap().mta_sts.fetch.unwrap().policy.is_none());
}

#[tokio::test]
async fn an_oversized_policy_is_cut_off_with_or_without_a_length() {
    let big = format!("{ENFORCE}{}", "# padding\r\n".repeat(7000));
    let mx = [("mx1.mail.test", "127.0.3.91", "mx1.mail.test")];
    let s = setup("big.test", &mx, &[STS, RPT], "mta-sts.big.test", Answer::policy(&big)).await;
    let (report, _) = s.lab.check("big.test").await;
    assert_eq!(fetch_error(&report), Some(FetchError::TooLarge { limit: 65_536 }));

    let s = setup("endless.test", &mx, &[STS, RPT], "mta-sts.endless.test", Answer::Endless).await;
    let (report, _) = s.lab.check("endless.test").await;
    assert_eq!(fetch_error(&report), Some(FetchError::TooLarge { limit: 65_536 }));
}

#[tokio::test]
async fn without_a_record_nothing_is_fetched() {
    let mx = [("mx1.mail.test", "127.0.3.101", "mx1.mail.test")];
    let s = setup("norecord.test", &mx, &[], "mta-sts.norecord.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("norecord.test").await;
    let p = report.policies.as_ref().unwrap();
    assert_eq!(
        (&p.mta_sts.record, &p.mta_sts.fetch, &p.tls_rpt.record),
        (&PolicyRecord::Absent, &None, &PolicyRecord::Absent)
    );
    assert!(s.policy_host.requests().is_empty());
    let mx_connections: usize = s.lab.servers.iter().map(|m| m.connections()).sum();
    assert_eq!(s.lab.connector.opened.load(std::sync::atomic::Ordering::SeqCst), mx_connections, "only MX connections");
    assert!(codes(&report).contains(&"mta_sts_missing"));
    assert!(!codes(&report).contains(&"tls_rpt_missing"), "no MTA-STS, no TLS-RPT reminder");
}

#[tokio::test]
async fn broken_records_are_reported_and_tls_rpt_is_missed_next_to_mta_sts() {
    let mx = [("mx1.mail.test", "127.0.3.111", "mx1.mail.test")];
    let records = [("_mta-sts", "v=STSv1; id=1"), ("_mta-sts", "v=STSv1; id=2"), ("_mta-sts", "v=spf1 -all")];
    let s = setup("multi.test", &mx, &records, "mta-sts.multi.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("multi.test").await;
    assert!(
        matches!(&report.policies.as_ref().unwrap().mta_sts.record, PolicyRecord::Multiple { records } if records.len() == 2)
    );
    let c = codes(&report);
    assert!(c.contains(&"mta_sts_record_multiple") && c.contains(&"tls_rpt_missing"), "{c:?}");
    assert!(!c.contains(&"mta_sts_protected"), "senders ignore MTA-STS with two records: {c:?}");

    let records = [
        ("_mta-sts", "v=STSv1; id=not-valid!"),
        ("_smtp._tls", "v=TLSRPTv1; rua=mailto:ok@mail.test,http://plain.test/r"),
    ];
    let s = setup("malformed.test", &mx, &records, "mta-sts.malformed.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("malformed.test").await;
    let p = report.policies.as_ref().unwrap();
    assert!(matches!(&p.mta_sts.record, PolicyRecord::Malformed { .. }));
    assert!(p.mta_sts.fetch.as_ref().unwrap().policy.is_some(), "the policy behind a broken record is still read");
    assert_eq!(p.tls_rpt.rua[1].problem, Some(TargetProblem::Scheme));
    let c = codes(&report);
    assert!(c.contains(&"mta_sts_record_malformed") && c.contains(&"tls_rpt_bad_target"), "{c:?}");
}

#[tokio::test]
async fn the_ssrf_guard_covers_the_policy_host() {
    let mx = [("mx1.mail.test", "127.0.3.121", "mx1.mail.test")];
    let s = setup("guarded.test", &mx, &[STS, RPT], "mta-sts.guarded.test", Answer::policy(ENFORCE)).await;
    let (report, _) = common::run(&s.lab.engine(Limits::default(), false), "guarded.test").await;
    assert_eq!(fetch_error(&report), Some(FetchError::NotPublic { detail: format!("{POLICY_IP}: loopback") }));
    assert!(s.policy_host.requests().is_empty());
    assert_eq!(s.lab.connector.opened.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_real_resolver_path_reads_the_txt_records() {
    use mxray_testkit::{Zone, ZoneServer};
    use server::probe::dns::{HickoryDns, LookupError, MailDns};
    use server::probe::net::Guarded;
    use server::probe::tls::TlsContext;
    use server::probe::Prober;
    use std::time::Duration;

    // hickory-resolver against a hickory-server zone on loopback; the lab's connector still maps
    // every resolved address to its loopback listener.
    let mut lab = Lab::new();
    let (mx, mx_ip) = ("mx1.zone.test", "127.0.3.131");
    lab.mx("zone.test", 10, mx, mx_ip, Scenario::good(mx, lab.ca.valid(&[mx]))).await;
    let policy_host = PolicyHost::start(lab.ca.valid(&["mta-sts.zone.test"]), Answer::policy(ENFORCE)).await;
    lab.connector.map.insert(POLICY_IP.parse().unwrap(), policy_host.addr);
    let zone = Zone::new("zone.test")
        .mx("zone.test", 10, mx)
        .address(mx, mx_ip.parse().unwrap())
        .txt("zone.test", "v=spf1 -all")
        .txt("_mta-sts.zone.test", STS.1)
        .txt("_mta-sts.zone.test", "some-other-verification=1")
        .txt("_smtp._tls.zone.test", RPT.1)
        .address("mta-sts.zone.test", POLICY_IP.parse().unwrap());
    let zone_server = ZoneServer::start("127.0.3.1:0".parse().unwrap(), zone).await.expect("DNS server");
    let dns = HickoryDns::new(Some(zone_server.addr), Duration::from_secs(2)).expect("resolver");
    let mut txt = dns.txt("_mta-sts.zone.test").await.unwrap();
    txt.sort();
    assert_eq!(txt, ["some-other-verification=1", STS.1]);
    assert_eq!(dns.txt("_mta-sts.nothing.zone.test").await, Err(LookupError::NxDomain));

    let tls = TlsContext::new(Some(&lab.ca_file)).unwrap();
    let connector = Guarded::new(lab.connector.clone(), true);
    let session = common::session_config(Duration::from_secs(3), 25);
    let engine = Prober::new(dns, connector, tls, session, 8, Duration::from_secs(10));
    let (report, _) = common::run(&engine, "zone.test").await;
    let p = report.policies.as_ref().expect("policies");
    assert_eq!(p.mta_sts.record, PolicyRecord::Valid { record: STS.1.into() });
    assert_eq!(p.tls_rpt.record, PolicyRecord::Valid { record: RPT.1.into() });
    assert_eq!(p.mta_sts.fetch.as_ref().and_then(|f| f.policy.as_ref()).and_then(|p| p.mode), Some(StsMode::Enforce));
    assert_eq!(policy_host.requests().len(), 1);
    // mx1.zone.test is outside the policy's *.mail.test: critical under enforce.
    assert_eq!(severity(&report, "mta_sts_mx_not_listed"), [Severity::Critical]);
}

#[tokio::test]
async fn mode_none_judges_no_mx_and_an_invalid_policy_is_named() {
    let mx = [("mx.other.test", "127.0.3.141", "mx.other.test")];
    let none = "version: STSv1\nmode: none\nmax_age: 86400\n";
    let s = setup("none.test", &mx, &[STS, RPT], "mta-sts.none.test", Answer::policy(none)).await;
    let (report, _) = s.lab.check("none.test").await;
    assert_eq!(codes(&report), ["mta_sts_mode_none"], "under mode none no MX is judged");

    let invalid = "version: STSv1\nmode: enforce\nmax_age: 99999999\nmx: mx.other.test\n";
    let s = setup("invalid.test", &mx, &[STS, RPT], "mta-sts.invalid.test", Answer::policy(invalid)).await;
    let (report, _) = s.lab.check("invalid.test").await;
    assert_eq!(codes(&report), ["mta_sts_policy_invalid"], "senders ignore an invalid policy: no MX verdict");
    let text = mxray_report::render::text::render(&report, mxray_report::Lang::En, Default::default());
    assert!(text.contains("max_age: 99999999 — must be whole seconds up to 31557600"), "{text}");
}

/// Real policy files are saved by editors and static-site tools: a byte-order mark, UTF-16, comments
/// and blank lines each get their own words, and a commented policy is still judged (issue 23).
#[tokio::test]
async fn odd_encodings_are_named_and_comments_only_warned_about() {
    let mx = [("mx1.mail.test", "127.0.3.151", "mx1.mail.test")];
    let bom = format!("\u{FEFF}{ENFORCE}");
    let s = setup("bom.test", &mx, &[STS, RPT], "mta-sts.bom.test", Answer::policy(&bom)).await;
    let (report, _) = s.lab.check("bom.test").await;
    assert_eq!(codes(&report), ["mta_sts_policy_invalid"]);
    let invalid = &report.findings[0];
    assert!(invalid.detail.contains("byte-order mark (EF BB BF)"), "{}", invalid.detail);
    assert!(!invalid.detail.contains('\u{FEFF}'), "the mark is named, not shown: {}", invalid.detail);

    let mx = [("mx1.mail.test", "127.0.3.152", "mx1.mail.test")];
    let utf16: String = ENFORCE.chars().flat_map(|c| [c, '\0']).collect();
    let s = setup("utf16.test", &mx, &[STS, RPT], "mta-sts.utf16.test", Answer::policy(&utf16)).await;
    let (report, _) = s.lab.check("utf16.test").await;
    assert_eq!(codes(&report), ["mta_sts_policy_invalid"]);
    assert!(report.findings[0].detail.contains("UTF-16 (little-endian)"), "{}", report.findings[0].detail);

    let mx = [("mx1.mail.test", "127.0.3.153", "mx1.mail.test")];
    let commented = format!("# managed by the web team\r\n{ENFORCE}\r\n");
    let s = setup("comment.test", &mx, &[STS, RPT], "mta-sts.comment.test", Answer::policy(&commented)).await;
    let (report, _) = s.lab.check("comment.test").await;
    assert_eq!(codes(&report), ["mta_sts_policy_lenient", "mta_sts_protected"], "warned about, still judged");
    assert_eq!(severity(&report, "mta_sts_policy_lenient"), [Severity::Warning]);
    let lenient = &report.findings[0];
    assert!(lenient.detail.contains("line 1 starting with # and blank line 6"), "{}", lenient.detail);
    let de = lenient.texts(mxray_report::Lang::De);
    assert!(de.detail.contains("Zeile 1 mit # am Anfang und leere Zeile 6"), "{}", de.detail);
}

/// A record published at the policy's name that senders discard is named with the reason, never
/// "no record" (issue 23): quotes typed into the value, a version tag in the wrong case.
#[tokio::test]
async fn records_senders_ignore_are_named_not_called_missing() {
    let mx = [("mx1.mail.test", "127.0.3.161", "mx1.mail.test")];
    let records = [("_mta-sts", "\"v=STSv1; id=20261207\""), ("_smtp._tls", "v=tlsrptv1; rua=mailto:tls@mail.test")];
    let s = setup("ignored.test", &mx, &records, "mta-sts.ignored.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("ignored.test").await;
    let p = report.policies.as_ref().unwrap();
    assert_eq!(p.mta_sts.record, PolicyRecord::Ignored { records: vec![records[0].1.into()] });
    assert_eq!(p.tls_rpt.record, PolicyRecord::Ignored { records: vec![records[1].1.into()] });
    assert!(s.policy_host.requests().is_empty(), "no policy is fetched for a record senders discard");
    assert_eq!(codes(&report), ["mta_sts_record_ignored", "tls_rpt_record_ignored"]);
    assert_eq!(severity(&report, "mta_sts_record_ignored"), [Severity::Warning]);
    let sts = &report.findings[0];
    assert!(sts.detail.contains("published at _mta-sts.ignored.test, but senders ignore it: it begins with a quote"));
    assert!(sts.detail.contains(r#""\"v=STSv1; id=20261207\"""#), "the raw value is shown: {}", sts.detail);
    let rpt = report.findings[1].texts(mxray_report::Lang::De);
    assert!(rpt.detail.contains("Groß- und Kleinschreibung zählt"), "{}", rpt.detail);
}

/// Beside the record senders read, another TXT record at the name is said to be ignored, and which
/// one counts (issue 23): an old record typed with its quotes next to the new one.
#[tokio::test]
async fn beside_the_record_that_counts_the_ignored_one_is_named() {
    let mx = [("mx1.mail.test", "127.0.3.171", "mx1.mail.test")];
    let records = [STS, ("_mta-sts", "\"v=STSv1; id=20251201\""), RPT];
    let s = setup("second.test", &mx, &records, "mta-sts.second.test", Answer::policy(ENFORCE)).await;
    let (report, _) = s.lab.check("second.test").await;
    let p = report.policies.as_ref().unwrap();
    assert_eq!(p.mta_sts.record, PolicyRecord::Valid { record: STS.1.into() });
    assert_eq!(p.mta_sts.discarded, [records[1].1]);
    assert!(p.tls_rpt.discarded.is_empty());
    assert_eq!(codes(&report), ["mta_sts_record_ignored", "mta_sts_protected"], "the policy still works");
    assert_eq!(severity(&report, "mta_sts_record_ignored"), [Severity::Info]);
    let f = &report.findings[0];
    assert!(f.detail.contains("Senders read the MTA-STS record \"v=STSv1; id=20261201\""), "{}", f.detail);
    assert!(f.detail.contains("it begins with a quote"), "{}", f.detail);
}
