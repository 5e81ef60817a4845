//! DANE end to end: a DNSSEC-signed zone served by hickory-server on loopback (signed in memory
//! with a fresh key, its DNSKEY or DS passed as the trust anchor file), the engine's validating resolver,
//! and fake mail servers with STARTTLS whose chains match or miss the published TLSA records.

use hickory_server::dnssec::NxProofKind;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::dnssec::crypto::EcdsaSigningKey;
use hickory_server::proto::dnssec::rdata::{DNSSECRData, DNSKEY, DS};
use hickory_server::proto::dnssec::{Algorithm, DigestType, DnssecSigner, PublicKey, SigningKey};
use hickory_server::proto::rr::rdata::{CNAME, NS, TLSA};
use hickory_server::proto::rr::{LowerName, Name, RData, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use hickory_server::Server;
use mxray_report::model::dane::{DaneOutcome, DaneReason, DnssecReason, DnssecStatus, TlsaRecord};
use mxray_report::model::report::{Mark, MxHost};
use mxray_report::{Report, Severity};
use mxray_testkit::ca::Identity;
use mxray_testkit::{FakeSmtp, Scenario, TestCa, Zone};
use rustls::pki_types::PrivatePkcs8KeyDer;
use server::probe::dane::record_for;
use server::probe::dns::HickoryDns;
use server::probe::dnssec::Validator;
use server::probe::net::Guarded;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};

mod common;

fn name(text: &str) -> Name {
    Name::from_str(&format!("{}.", text.trim_end_matches('.'))).unwrap()
}

/// A zone signing key (one key signs everything, flags 257) and its DNSKEY.
struct ZoneKey {
    pkcs8: PrivatePkcs8KeyDer<'static>,
    dnskey: DNSKEY,
}

impl ZoneKey {
    fn new() -> Self {
        let pkcs8 = EcdsaSigningKey::generate_pkcs8(Algorithm::ECDSAP256SHA256).unwrap();
        let key = EcdsaSigningKey::from_pkcs8(&pkcs8, Algorithm::ECDSAP256SHA256).unwrap();
        let dnskey = DNSKEY::from_key(&key.to_public_key().unwrap());
        ZoneKey { pkcs8, dnskey }
    }

    /// A signer for `zone` with this key.
    fn signer(&self, zone: &Name) -> DnssecSigner {
        let key = EcdsaSigningKey::from_pkcs8(&self.pkcs8, Algorithm::ECDSAP256SHA256).unwrap();
        DnssecSigner::new(self.dnskey.clone(), Box::new(key), zone.clone(), Duration::from_secs(86_400))
    }

    /// The DS record for this key at `zone`.
    fn ds(&self, zone: &str) -> DS {
        let digest = self.dnskey.to_digest(&name(zone), DigestType::SHA256).unwrap();
        DS::new(
            self.dnskey.calculate_key_tag().unwrap(),
            Algorithm::ECDSAP256SHA256,
            DigestType::SHA256,
            digest.as_ref().to_vec(),
        )
    }

    /// The trust anchor line for `zone`, as `--dnssec-trust-anchor` reads it.
    fn anchor(&self, zone: &str) -> String {
        let key = data_encoding::BASE64.encode(self.dnskey.public_key().public_bytes());
        format!("{zone}. 3600 IN DNSKEY 257 3 13 {key}\n")
    }

    /// The DS anchor line for this key at `zone`, its digest split as zone files may split it.
    fn ds_anchor(&self, zone: &str) -> String {
        let ds = self.ds(zone);
        let hex = data_encoding::HEXUPPER.encode(ds.digest());
        format!("{zone}. 3600 IN DS {} 13 2 ( {} {} )\n", ds.key_tag(), &hex[..20], &hex[20..])
    }
}

/// One zone's records (the testkit's zone builder), signed or not when served.
struct ZoneData(Zone);

impl ZoneData {
    fn new(origin: &str) -> Self {
        ZoneData(Zone::new(origin))
    }

    fn add(self, owner: &str, data: RData) -> Self {
        ZoneData(self.0.record(owner, data))
    }

    /// A domain with one MX host at `ip` and that host's TLSA records.
    fn mail(self, domain: &str, ip: &str, tlsa: &[TlsaRecord]) -> Self {
        let mx = format!("mx.{domain}");
        ZoneData(self.0.mx(domain, 10, &mx).address(&mx, ip.parse().unwrap())).tlsa(&format!("_25._tcp.{mx}"), tlsa)
    }

    /// A domain whose MX host `mx.{domain}` is a CNAME for `target`, with TLSA records at the
    /// host's own name.
    fn aliased_mail(self, domain: &str, target: &str, tlsa: &[TlsaRecord]) -> Self {
        let mx = format!("mx.{domain}");
        ZoneData(self.0.mx(domain, 10, &mx).cname(&mx, target)).tlsa(&format!("_25._tcp.{mx}"), tlsa)
    }

    /// TLSA records at `owner`.
    fn tlsa(mut self, owner: &str, records: &[TlsaRecord]) -> Self {
        for r in records {
            let data =
                (0..r.data.len()).step_by(2).map(|i| u8::from_str_radix(&r.data[i..i + 2], 16).unwrap()).collect();
            self = self.add(owner, RData::TLSA(TLSA::new(r.usage.into(), r.selector.into(), r.matching.into(), data)));
        }
        self
    }

    /// A delegation of `child` to its own zone, with a DS for `key` when given.
    fn delegate(self, child: &str, key: Option<&ZoneKey>) -> Self {
        let zone = self.add(child, RData::NS(NS(name(&format!("ns.{child}")))));
        match key {
            Some(key) => zone.add(child, RData::DNSSEC(DNSSECRData::DS(key.ds(child)))),
            None => zone,
        }
    }

    fn handler(self, key: Option<&ZoneKey>) -> Arc<dyn ZoneHandler> {
        let (origin, records) = self.0.into_parts();
        let proof = key.map(|_| NxProofKind::Nsec);
        let mut handler = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
            origin.clone(),
            ZoneType::Primary,
            AxfrPolicy::Deny,
            proof,
        );
        for record in records {
            handler.upsert_mut(record, 1);
        }
        if let Some(key) = key {
            handler.add_zone_signing_key_mut(key.signer(&origin)).unwrap();
            handler.secure_zone_mut().unwrap();
        }
        Arc::new(handler)
    }
}

/// Serves every zone; DS queries go to the parent zone `test.` (hickory's catalog would ask the
/// child, which does not hold the DS of its own delegation).
struct SplitDs {
    zones: Catalog,
    parent: Catalog,
}

#[async_trait::async_trait]
impl RequestHandler for SplitDs {
    async fn handle_request<R: ResponseHandler, T: Time>(&self, request: &Request, response: R) -> ResponseInfo {
        let ds = request.request_info().is_ok_and(|i| i.query.query_type() == RecordType::DS);
        let catalog = if ds { &self.parent } else { &self.zones };
        catalog.handle_request::<R, T>(request, response).await
    }
}

/// The lab: the signed `test.` zone with one mail domain per case, the fake servers, the anchor.
struct World {
    dns: SocketAddr,
    _dns_server: Server<SplitDs>,
    anchor: PathBuf,
    ca_file: PathBuf,
    connector: common::MappedConnector,
    _servers: Vec<FakeSmtp>,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.anchor);
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// The mail domains of the lab, each with its MX host `mx.{domain}` on its own 127.0.4.x address
/// (alias.test's MX host is a CNAME for `real.alias.test` at its address).
const CASES: [(&str, &str); 12] = [
    ("ee.test", "127.0.4.11"),
    ("ta.test", "127.0.4.12"),
    ("wrong.test", "127.0.4.13"),
    ("pkix.test", "127.0.4.14"),
    ("plain.test", "127.0.4.15"),
    ("bogus.test", "127.0.4.16"),
    ("notls.test", "127.0.4.17"),
    ("lonely.example", "127.0.4.18"),
    ("keyless.test", "127.0.4.19"),
    ("taname.test", "127.0.4.20"),
    ("alias.test", "127.0.4.21"),
    ("cname.test", "127.0.4.22"),
];

async fn world(anchor_for: impl FnOnce(&ZoneKey) -> String) -> World {
    let ca = TestCa::new();
    let test_key = ZoneKey::new();
    // ee.test: a certificate for another name from a CA nobody trusts; DANE-EE pins its key.
    let stranger = TestCa::named("mxray stranger CA").leaf(&["someone.else.example"], -400, -1);
    // ta.test: a CA that is not in the trusted roots; DANE-TA vouches for it.
    let ta_ca = TestCa::named("mxray DANE-TA CA");
    let identities: Vec<Identity> = CASES
        .iter()
        .map(|(domain, _)| match *domain {
            "ee.test" | "cname.test" => stranger.clone(),
            "ta.test" => ta_ca.valid(&["mx.ta.test"]),
            // DANE-TA vouches for the CA, but the certificate names another host.
            "taname.test" => ta_ca.valid(&["someone.else.example"]),
            // The certificate names the CNAME target, the TLSA base domain, only.
            "alias.test" => ta_ca.valid(&["real.alias.test"]),
            _ => ca.valid(&[&format!("mx.{domain}")]),
        })
        .collect();
    let id = |domain: &str| &identities[CASES.iter().position(|(d, _)| *d == domain).unwrap()];
    let other = ca.valid(&["unrelated.example"]);

    let ee = record_for(&id("ee.test").chain[0], 3, 1, 1).unwrap();
    let ta = record_for(&id("ta.test").chain[1], 2, 0, 1).unwrap();
    let wrong = record_for(&other.chain[0], 3, 1, 1).unwrap();
    let pkix = [
        record_for(&id("pkix.test").chain[0], 1, 1, 1).unwrap(),
        record_for(&id("pkix.test").chain[1], 0, 0, 2).unwrap(),
    ];
    let plain = record_for(&id("plain.test").chain[0], 3, 1, 1).unwrap();
    let bogus = record_for(&id("bogus.test").chain[0], 3, 1, 1).unwrap();
    let notls = record_for(&id("notls.test").chain[0], 3, 1, 1).unwrap();

    let (bogus_key, bogus_ds_key) = (ZoneKey::new(), ZoneKey::new());
    let parent = ZoneData::new("test")
        .mail("ee.test", CASES[0].1, &[ee])
        .mail("ta.test", CASES[1].1, std::slice::from_ref(&ta))
        .mail("taname.test", CASES[9].1, std::slice::from_ref(&ta))
        // A signed CNAME: the records at its target count first (a wrong one waits at the alias).
        .aliased_mail("alias.test", "real.alias.test", std::slice::from_ref(&wrong))
        .add("real.alias.test", RData::A(CASES[10].1.parse::<std::net::Ipv4Addr>().unwrap().into()))
        .tlsa("_25._tcp.real.alias.test", &[ta])
        // Signed TLSA records for a host whose addresses sit in the unsigned plain.test.
        .aliased_mail("unsigned-a.test", "mx.plain.test", std::slice::from_ref(&plain))
        // The TLSA name is in an unsigned zone, whose CNAME leads back to ee.test's signed records.
        .mail("cname.test", CASES[11].1, &[])
        .delegate("_tcp.mx.cname.test", None)
        .mail("wrong.test", CASES[2].1, &[wrong])
        .mail("pkix.test", CASES[3].1, &pkix)
        .mail("notls.test", CASES[6].1, &[notls])
        .delegate("plain.test", None)
        .delegate("bogus.test", Some(&bogus_ds_key))
        .delegate("keyless.test", Some(&bogus_ds_key))
        .handler(Some(&test_key));
    let plain_zone = ZoneData::new("plain.test").mail("plain.test", CASES[4].1, &[plain]).handler(None);
    let cname_zone = ZoneData::new("_tcp.mx.cname.test")
        .add("_25._tcp.mx.cname.test", RData::CNAME(CNAME(name("_25._tcp.mx.ee.test"))))
        .handler(None);
    // Signed, but with a key the parent's DS does not name: bogus.
    let bogus_zone = ZoneData::new("bogus.test").mail("bogus.test", CASES[5].1, &[bogus]).handler(Some(&bogus_key));

    // A DS in the parent, but the zone is served without any key (keys removed before the DS).
    let keyless = record_for(&id("keyless.test").chain[0], 3, 1, 1).unwrap();
    let keyless_zone = ZoneData::new("keyless.test").mail("keyless.test", CASES[8].1, &[keyless]).handler(None);

    // An unsigned zone under no anchor, whose parents this server does not serve.
    let lonely = ZoneData::new("lonely.example").mail("lonely.example", CASES[7].1, &[]).handler(None);

    let mut zones = Catalog::new();
    zones.upsert(LowerName::new(&name("lonely.example")), vec![lonely]);
    zones.upsert(LowerName::new(&name("test")), vec![parent.clone()]);
    zones.upsert(LowerName::new(&name("plain.test")), vec![plain_zone]);
    zones.upsert(LowerName::new(&name("_tcp.mx.cname.test")), vec![cname_zone]);
    zones.upsert(LowerName::new(&name("bogus.test")), vec![bogus_zone]);
    zones.upsert(LowerName::new(&name("keyless.test")), vec![keyless_zone]);
    let mut parents = Catalog::new();
    parents.upsert(LowerName::new(&name("test")), vec![parent]);
    let udp = UdpSocket::bind("127.0.4.53:0").await.unwrap();
    let dns = udp.local_addr().unwrap();
    let mut dns_server = Server::new(SplitDs { zones, parent: parents });
    dns_server.register_socket(udp);
    dns_server.register_listener(TcpListener::bind(dns).await.unwrap(), Duration::from_secs(5), 4096);

    let mut connector = common::MappedConnector::default();
    let mut servers = Vec::new();
    for ((domain, ip), identity) in CASES.iter().zip(identities) {
        let host = format!("mx.{domain}");
        let scenario =
            if *domain == "notls.test" { Scenario::plaintext(&host) } else { Scenario::good(&host, identity) };
        let server = FakeSmtp::start(ip, 0, scenario).await.unwrap();
        connector.map.insert(ip.parse::<IpAddr>().unwrap(), server.addr);
        servers.push(server);
    }
    let unique = format!("{}-{:?}", std::process::id(), std::thread::current().id());
    let anchor = std::env::temp_dir().join(format!("mxray-dane-anchor-{unique}.key"));
    std::fs::write(&anchor, anchor_for(&test_key)).unwrap();
    let ca_file = std::env::temp_dir().join(format!("mxray-dane-ca-{unique}.pem"));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    World { dns, _dns_server: dns_server, anchor, ca_file, connector, _servers: servers }
}

impl World {
    async fn check(&self, domain: &str) -> Report {
        let dns = HickoryDns::new(Some(self.dns), Duration::from_secs(2)).unwrap();
        let validator = Validator::new(Some(self.dns), Duration::from_secs(2), Some(&self.anchor)).unwrap();
        let engine = Prober::new(
            dns,
            Guarded::new(self.connector.clone(), true),
            TlsContext::new(Some(&self.ca_file)).unwrap(),
            common::session_config(Duration::from_secs(3), 25),
            16,
            Duration::from_secs(10),
        )
        .with_dnssec(validator);
        common::run(&engine, domain).await.0
    }
}

fn host(report: &Report) -> &MxHost {
    assert_eq!(report.mx.len(), 1, "{report:#?}");
    &report.mx[0]
}

fn codes(report: &Report) -> Vec<(String, Severity)> {
    report.all_findings().map(|f| (f.code.clone(), f.severity)).collect()
}

/// The report's DANE facts of its one host and address: TLSA status, verdict, findings.
fn dane(report: &Report) -> (DnssecStatus, DaneOutcome) {
    let h = host(report);
    let tlsa = h.dane.as_ref().expect("host DANE facts").tlsa.status;
    let verdict = h.addresses[0].dane.as_ref().expect("address DANE verdict").outcome;
    (tlsa, verdict)
}

fn has(report: &Report, code: &str, severity: Severity) -> bool {
    codes(report).contains(&(code.to_owned(), severity))
}

fn signed_world() -> impl std::future::Future<Output = World> {
    world(|key| key.anchor("test"))
}

#[tokio::test]
async fn dane_ee_pins_the_key_so_name_dates_and_issuer_do_not_count() {
    let w = signed_world().await;
    let r = w.check("ee.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::Matched), "{r:#?}");
    let (h, a) = (host(&r), &host(&r).addresses[0]);
    let verdict = a.dane.as_ref().unwrap();
    assert_eq!((verdict.matched.as_ref().unwrap().usage, verdict.depth), (3, Some(0)));
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Secure);
    assert_eq!(h.dane.as_ref().unwrap().addresses.as_ref().unwrap().status, DnssecStatus::Secure);
    // The certificate is expired, for another name and from an unknown CA: all facts still recorded…
    let c = a.certificate.as_ref().unwrap();
    assert!(c.expired && !c.hostname_matches && !c.trusted, "{c:?}");
    // …but DANE-EE makes them irrelevant, and the report says so instead of flagging them.
    assert!(has(&r, "certificate_dane_ee", Severity::Ok) && has(&r, "dane_matched", Severity::Ok), "{:?}", codes(&r));
    for code in ["certificate_expired", "certificate_name_mismatch", "certificate_untrusted"] {
        assert!(!codes(&r).iter().any(|(c, _)| c == code), "{code} flagged: {:?}", codes(&r));
    }
    assert_eq!(h.status.certificate_valid, Mark::Ok);
}

#[tokio::test]
async fn dane_ta_vouches_for_the_issuer_sent_in_the_chain() {
    let w = signed_world().await;
    let r = w.check("ta.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::Matched), "{r:#?}");
    let a = &host(&r).addresses[0];
    let verdict = a.dane.as_ref().unwrap();
    assert_eq!((verdict.matched.as_ref().unwrap().usage, verdict.depth), (2, Some(1)));
    assert!(!a.certificate.as_ref().unwrap().trusted, "the CA is not a trusted root");
    assert!(!codes(&r).iter().any(|(c, _)| c == "certificate_untrusted"), "{:?}", codes(&r));
    assert!(has(&r, "dane_matched", Severity::Ok));
    assert_eq!(host(&r).status.certificate_valid, Mark::Ok);
}

#[tokio::test]
async fn dane_ta_with_a_certificate_for_another_name_is_critical() {
    let w = signed_world().await;
    let r = w.check("taname.test").await;
    // Postfix and Exim defer this mail: DANE-TA vouches for the issuer, not for the name.
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::TaRejected), "{r:#?}");
    let verdict = host(&r).addresses[0].dane.clone().unwrap();
    assert_eq!((verdict.matched.as_ref().unwrap().usage, verdict.depth), (2, Some(1)));
    assert!(has(&r, "dane_ta_rejected", Severity::Critical), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c == "dane_matched"), "{:?}", codes(&r));
    let finding = r.all_findings().find(|f| f.code == "dane_ta_rejected").unwrap();
    assert!(finding.detail.contains("names someone.else.example, not mx.taname.test"), "{}", finding.detail);
    assert!(
        finding.remedy.contains("MX host name in its SAN") && finding.remedy.contains("DANE-EE"),
        "{}",
        finding.remedy
    );
    assert_eq!(host(&r).status.certificate_valid, Mark::Critical);
}

#[tokio::test]
async fn a_signed_cname_moves_the_tlsa_lookup_to_its_target() {
    let w = signed_world().await;
    let r = w.check("alias.test").await;
    let facts = host(&r).dane.clone().expect("host DANE facts");
    // The target's DANE-TA record counts, not the wrong DANE-EE record at the alias, and the
    // certificate for the target's name is accepted (RFC 7672 §2.2.2, §3.2.3).
    assert_eq!(facts.base_domain.as_deref(), Some("real.alias.test"), "{facts:?}");
    assert_eq!(facts.name, "_25._tcp.real.alias.test");
    assert_eq!(facts.addresses.as_ref().unwrap().status, DnssecStatus::Secure);
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::Matched), "{r:#?}");
    assert_eq!(host(&r).addresses[0].dane.as_ref().unwrap().matched.as_ref().unwrap().usage, 2);
    assert!(has(&r, "dane_matched", Severity::Ok), "{:?}", codes(&r));
}

#[tokio::test]
async fn signed_tlsa_records_of_a_host_with_unsigned_addresses_are_not_in_force() {
    let w = signed_world().await;
    let r = w.check("unsigned-a.test").await;
    let facts = host(&r).dane.clone().expect("host DANE facts");
    assert_eq!(facts.addresses.as_ref().unwrap().status, DnssecStatus::Insecure, "{facts:?}");
    assert_eq!((facts.base_domain, facts.records.len()), (None, 1), "no lookup at an unsigned target");
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::NotApplicable), "{r:#?}");
    assert!(has(&r, "dane_not_in_force", Severity::Info), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c == "dane_matched"), "{:?}", codes(&r));
}

#[tokio::test]
async fn tlsa_records_behind_an_unsigned_cname_are_not_in_force() {
    let w = signed_world().await;
    let r = w.check("cname.test").await;
    let facts = host(&r).dane.clone().expect("host DANE facts");
    assert_eq!(facts.insecure_cname.as_deref(), Some("_25._tcp.mx.cname.test"), "{facts:?}");
    assert_eq!(facts.records.len(), 1, "the records at the CNAME's target are shown");
    assert_eq!(dane(&r), (DnssecStatus::Insecure, DaneOutcome::NotApplicable), "{r:#?}");
    assert!(has(&r, "dane_not_in_force", Severity::Info), "{:?}", codes(&r));
    for code in ["dane_matched", "dane_tlsa_insecure", "certificate_dane_ee"] {
        assert!(!codes(&r).iter().any(|(c, _)| c == code), "{code}: {:?}", codes(&r));
    }
}

#[tokio::test]
async fn a_secure_tlsa_set_that_matches_nothing_is_critical() {
    let w = signed_world().await;
    let r = w.check("wrong.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::NoMatch), "{r:#?}");
    assert!(has(&r, "dane_no_match", Severity::Critical), "{:?}", codes(&r));
    let reason = host(&r).addresses[0].dane.as_ref().unwrap().reason.clone();
    let Some(DaneReason::NoMatch { usable: 1.., key_would_match: Some(data) }) = &reason else { panic!("{reason:?}") };
    assert_eq!(data.len(), 64, "names the record that would match: {reason:?}");
    assert_eq!(r.worst_severity(), Severity::Critical);
}

#[tokio::test]
async fn dane_published_without_starttls_is_critical() {
    let w = signed_world().await;
    let r = w.check("notls.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::NoTls), "{r:#?}");
    assert!(has(&r, "dane_no_tls", Severity::Critical), "{:?}", codes(&r));
}

#[tokio::test]
async fn pkix_usages_are_unsuitable_for_smtp() {
    let w = signed_world().await;
    let r = w.check("pkix.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::NotApplicable), "{r:#?}");
    assert_eq!(host(&r).dane.as_ref().unwrap().records.len(), 2);
    assert!(has(&r, "dane_unusable_records", Severity::Warning), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c.starts_with("dane_no")), "{:?}", codes(&r));
}

#[tokio::test]
async fn tlsa_in_an_unsigned_zone_is_ignored_and_said_so() {
    let w = signed_world().await;
    let r = w.check("plain.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Insecure, DaneOutcome::NotApplicable), "{r:#?}");
    assert_eq!(host(&r).dane.as_ref().unwrap().records.len(), 1, "the records are shown");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Insecure);
    assert!(has(&r, "dane_tlsa_insecure", Severity::Warning), "{:?}", codes(&r));
    // The mail server itself is fine: nothing critical.
    assert!(r.worst_severity() < Severity::Critical, "{:?}", codes(&r));
}

#[tokio::test]
async fn a_ds_for_another_key_makes_the_zone_bogus() {
    let w = signed_world().await;
    let r = w.check("bogus.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Bogus, DaneOutcome::NotTested), "{r:#?}");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Bogus);
    for code in ["dane_tlsa_bogus", "mx_dnssec_bogus", "address_dnssec_bogus"] {
        assert!(has(&r, code, Severity::Critical), "{code}: {:?}", codes(&r));
    }
    // The probe still ran through the ordinary resolver: the server's own results are there.
    assert_eq!(host(&r).status.starttls, Mark::Ok);
}

#[tokio::test]
async fn a_zone_without_keys_below_a_ds_is_bogus_not_unsigned() {
    let w = signed_world().await;
    let r = w.check("keyless.test").await;
    assert_eq!(dane(&r).0, DnssecStatus::Bogus, "{r:#?}");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Bogus);
    assert!(has(&r, "dane_tlsa_bogus", Severity::Critical), "{:?}", codes(&r));
}

#[tokio::test]
async fn without_the_right_anchor_nothing_is_secure() {
    let w = world(|_| ZoneKey::new().anchor("test")).await;
    let r = w.check("ee.test").await;
    // The anchor's own zone does not validate: nothing can be judged, and the report says why
    // instead of calling the zone bogus.
    assert_eq!(dane(&r), (DnssecStatus::Unknown, DaneOutcome::NotTested), "{r:#?}");
    let reason = host(&r).dane.as_ref().unwrap().tlsa.reason.clone();
    assert_eq!(reason, Some(DnssecReason::ResolverBlind { anchor: "test".into() }));
    // Said once, for the domain, with what to do; not again at every host and address.
    assert!(has(&r, "dnssec_resolver_blind", Severity::Warning), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c == "dane_tlsa_unknown" || c == "dane_not_tested"), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c == "certificate_dane_ee"), "{:?}", codes(&r));
    assert_eq!(host(&r).status.certificate_valid, Mark::Critical, "the expired certificate counts again");
}

#[tokio::test]
async fn an_unsigned_zone_whose_parents_cannot_be_asked_is_insecure_not_bogus() {
    let w = signed_world().await;
    let r = w.check("lonely.example").await;
    assert_eq!(dane(&r), (DnssecStatus::Insecure, DaneOutcome::NotApplicable), "{r:#?}");
    let tlsa = &host(&r).dane.as_ref().unwrap().tlsa;
    assert_eq!(tlsa.reason, Some(DnssecReason::ZoneWithoutKeys { zone: "lonely.example".into() }), "{tlsa:?}");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Insecure);
    assert!(!codes(&r).iter().any(|(c, _)| c.contains("dnssec") || c.starts_with("dane")), "{:?}", codes(&r));
}

#[tokio::test]
async fn a_ds_anchor_validates_exactly_as_the_key_it_names() {
    let w = world(|key| key.ds_anchor("test")).await;
    let r = w.check("ee.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Secure, DaneOutcome::Matched), "{r:#?}");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Secure);
    assert!(has(&r, "certificate_dane_ee", Severity::Ok) && has(&r, "dane_matched", Severity::Ok), "{:?}", codes(&r));
    // The chain below the anchor still judges: a DS for another key in the delegation is bogus.
    let r = w.check("bogus.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Bogus, DaneOutcome::NotTested), "{r:#?}");
}

#[tokio::test]
async fn a_ds_anchor_that_names_no_key_of_the_zone_makes_nothing_secure() {
    // The right key tag and algorithm, but the digest of another key: no DNSKEY of `test.` matches.
    let w = world(|key| {
        let line = key.ds_anchor("test");
        let wrong = data_encoding::HEXUPPER.encode(ZoneKey::new().ds("test").digest());
        let digest = line.split(['(', ')']).nth(1).unwrap().to_owned();
        line.replace(&digest, &format!(" {wrong} "))
    })
    .await;
    let r = w.check("ee.test").await;
    assert_eq!(dane(&r), (DnssecStatus::Unknown, DaneOutcome::NotTested), "{r:#?}");
    let detail = host(&r).dane.as_ref().unwrap().tlsa.detail.clone().unwrap();
    assert!(detail.contains("bogus anchor") && detail.contains("matches the DS"), "{detail}");
    assert_eq!(r.dns.mx_dnssec.as_ref().unwrap().status, DnssecStatus::Unknown);
    assert!(has(&r, "dane_tlsa_unknown", Severity::Warning), "{:?}", codes(&r));
    assert!(!codes(&r).iter().any(|(c, _)| c == "certificate_dane_ee"), "{:?}", codes(&r));
    assert_eq!(host(&r).status.certificate_valid, Mark::Critical, "the expired certificate counts again");
}

#[tokio::test]
async fn a_ds_anchor_whose_keys_never_arrive_is_unknown_with_the_reason_and_asked_once() {
    // A name server whose connections the kernel completes and nobody ever answers.
    let silent = std::net::TcpListener::bind("127.0.4.54:0").unwrap();
    silent.set_nonblocking(true).unwrap();
    let server = silent.local_addr().unwrap();
    let file = std::env::temp_dir().join(format!("mxray-dane-silent-{}.key", std::process::id()));
    std::fs::write(&file, ZoneKey::new().ds_anchor("test")).unwrap();
    let validator = Validator::new(Some(server), Duration::from_millis(300), Some(&file)).unwrap();
    std::fs::remove_file(&file).ok();
    for _ in 0..2 {
        let check = validator.status("ee.test", hickory_server::proto::rr::RecordType::MX).await;
        assert_eq!(check.status, DnssecStatus::Unknown, "{check:?}");
        assert!(check.detail.as_deref().unwrap().contains("DNSKEY records of test. did not arrive"), "{check:?}");
    }
    // One connection for both lookups: the failure stands for a while instead of being asked again.
    assert!(silent.accept().is_ok(), "the keys were asked for");
    assert_eq!(silent.accept().map(|_| ()).unwrap_err().kind(), std::io::ErrorKind::WouldBlock, "asked twice");
}

#[test]
fn a_trust_anchor_file_that_cannot_be_used_is_refused_with_its_reason() {
    let dns: SocketAddr = "127.0.4.53:53".parse().unwrap();
    let file = std::env::temp_dir().join(format!("mxray-dane-ds-{}.key", std::process::id()));
    std::fs::write(&file, "test. IN DS 12345 13 2 zz\n").unwrap();
    let error = Validator::new(Some(dns), Duration::from_secs(1), Some(&file)).err().expect("refused");
    std::fs::remove_file(&file).ok();
    let text = error.to_string();
    assert!(text.contains("trust anchor") && text.contains("line 1") && text.contains("not hex"), "{text}");
    let missing = Validator::new(Some(dns), Duration::from_secs(1), Some(&file)).err().expect("refused");
    assert!(missing.to_string().contains(&file.display().to_string()), "{missing}");
}
