//! DNSSEC-validating lookups for DANE: a second hickory resolver that validates (ring provider),
//! with the built-in root anchors plus `--dnssec-trust-anchor`. It runs beside the main lookups,
//! never in front of them, so a slow or broken chain of trust delays no probe.

use hickory_resolver::config::ResolverOpts;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::DS;
use hickory_resolver::proto::dnssec::{Algorithm, DigestType, Proof, PublicKeyBuf, TrustAnchors};
use hickory_resolver::proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_resolver::TokioResolver;
use mxray_report::model::dane::{DnssecCheck, DnssecReason, DnssecStatus, TlsaRecord};
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::dns::{fqdn, resolver_builder};
use super::ds_anchor::{self, DsAnchor};
use super::ProbeError;

/// Why a trust anchor file cannot be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// A line is not a DNSKEY or DS record in zone-file form.
    #[error("line {line}: {reason}")]
    Line {
        /// 1-based line number where the record starts.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Nothing usable in the file.
    #[error("no DNSKEY or DS record in the file")]
    Empty,
}

/// One parsed anchor: the zone it is for and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Anchor {
    zone: Name,
    algorithm: u8,
    key: Vec<u8>,
}

/// What an anchor file holds: keys trusted as they are, and DS records turned into keys on first use.
#[derive(Debug, Default, PartialEq, Eq)]
struct Anchors {
    keys: Vec<Anchor>,
    ds: Vec<DsAnchor>,
}

/// Parses DNSKEY records (`owner [TTL] [IN] DNSKEY flags 3 algorithm base64`) and DS records
/// (`owner [TTL] [IN] DS key-tag algorithm digest-type hex`) in zone-file form, parentheses and `;`
/// comments allowed.
fn parse_anchors(text: &str) -> Result<Anchors, AnchorError> {
    let mut anchors = Anchors::default();
    for (line, record) in records(text) {
        let bad = |reason: String| AnchorError::Line { line, reason };
        let mut fields = record.split_whitespace();
        let owner = fields.next().ok_or_else(|| bad("empty record".into()))?;
        let zone = Name::from_str(&fqdn(owner)).map_err(|e| bad(format!("bad owner name {owner:?}: {e}")))?;
        let kind = fields
            .by_ref()
            .find(|f| !f.chars().all(|c| c.is_ascii_digit()) && !f.eq_ignore_ascii_case("IN"))
            .ok_or_else(|| bad("no record type".into()))?;
        if kind.eq_ignore_ascii_case("DS") {
            anchors.ds.push(DsAnchor { zone, ds: parse_ds(fields).map_err(bad)? });
            continue;
        }
        if !kind.eq_ignore_ascii_case("DNSKEY") {
            return Err(bad(format!("{kind} is neither DNSKEY nor DS")));
        }
        let numbers: Vec<&str> = fields.by_ref().take(3).collect();
        let [_flags, protocol, algorithm] = numbers.as_slice() else {
            return Err(bad("a DNSKEY needs flags, protocol, algorithm and key".into()));
        };
        if *protocol != "3" {
            return Err(bad(format!("protocol {protocol} is not 3")));
        }
        let algorithm: u8 = algorithm.parse().map_err(|_| bad(format!("algorithm {algorithm:?} is not a number")))?;
        let key = data_encoding::BASE64
            .decode(fields.collect::<String>().as_bytes())
            .map_err(|e| bad(format!("the key is not base64: {e}")))?;
        if key.is_empty() {
            return Err(bad("the key is empty".into()));
        }
        anchors.keys.push(Anchor { zone, algorithm, key });
    }
    if anchors == Anchors::default() {
        return Err(AnchorError::Empty);
    }
    Ok(anchors)
}

/// A DS record's data after its type: key tag, algorithm, digest type, hex digest (may be split).
fn parse_ds<'a>(mut fields: impl Iterator<Item = &'a str>) -> Result<DS, String> {
    let mut number = |what: &str| -> Result<u16, String> {
        let field =
            fields.next().ok_or_else(|| format!("a DS needs key tag, algorithm, digest type and digest; no {what}"))?;
        field.parse().map_err(|_| format!("{what} {field:?} is not a number"))
    };
    let key_tag = number("key tag")?;
    let algorithm = u8::try_from(number("algorithm")?).map_err(|_| "the algorithm is over 255".to_owned())?;
    let digest_type = u8::try_from(number("digest type")?).map_err(|_| "the digest type is over 255".to_owned())?;
    let digest = data_encoding::HEXLOWER_PERMISSIVE
        .decode(fields.collect::<String>().as_bytes())
        .map_err(|e| format!("the digest is not hex: {e}"))?;
    if digest.is_empty() {
        return Err("the digest is empty".into());
    }
    Ok(DS::new(key_tag, Algorithm::from_u8(algorithm), DigestType::from(digest_type), digest))
}

/// The file's records with the line each starts on: comments dropped, parenthesised continuations joined.
fn records(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let mut depth = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(';').next().unwrap_or_default();
        depth += line.matches('(').count();
        depth = depth.saturating_sub(line.matches(')').count());
        let clean = line.replace(['(', ')'], " ");
        let (start, mut joined) = open.take().unwrap_or((i + 1, String::new()));
        joined.push(' ');
        joined.push_str(&clean);
        if depth > 0 {
            open = Some((start, joined));
        } else if !joined.trim().is_empty() {
            out.push((start, joined.trim().to_owned()));
        }
    }
    out.extend(open.filter(|(_, r)| !r.trim().is_empty()));
    out
}

/// The validating resolver and what it answers.
pub struct Validator {
    /// Built at once without DS anchors; with them on first use, once their keys are fetched and
    /// verified. Until then every status is unknown with the reason.
    resolver: tokio::sync::OnceCell<TokioResolver>,
    /// The last failure to turn the DS anchors into keys, and when: asked again only after
    /// [`DS_RETRY`], so a bogus or unreachable anchor costs one fetch, not one per lookup.
    ds_failure: std::sync::Mutex<Option<(Instant, String)>>,
    /// What the lazy build needs: the server, the options, the key anchors, the DS anchors.
    server: Option<SocketAddr>,
    options: ResolverOpts,
    trust: TrustAnchors,
    ds: Vec<DsAnchor>,
    /// The same servers without validation, to tell a signed zone that fails from an unsigned one
    /// whose parents could not be asked.
    plain: TokioResolver,
    /// The zones of the configured anchors besides the root, most specific first.
    anchor_zones: Vec<Name>,
}

/// The TLSA records of a name and the DNSSEC status of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsaAnswer {
    /// Status of the records (or of the proof that there are none), CNAMEs on the way included.
    pub check: DnssecCheck,
    /// The records (empty when none exist or the lookup failed).
    pub records: Vec<TlsaRecord>,
    /// The owner of an unsigned CNAME the lookup went through, when it went through one.
    pub insecure_cname: Option<String>,
}

impl TlsaAnswer {
    /// No records, for a lookup that gave no answer (`check` says why).
    pub fn failed(check: DnssecCheck) -> Self {
        TlsaAnswer { check, records: Vec::new(), insecure_cname: None }
    }
}

/// The DNSSEC status of a host's addresses and the name they are at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressAnswer {
    /// The weaker status of the A and AAAA answers, CNAMEs on the way included.
    pub check: DnssecCheck,
    /// The name the addresses are at when the host name is a CNAME (the expansion's end).
    pub target: Option<String>,
}

/// One validated lookup: its status, the records of the asked type, and the CNAMEs followed.
struct Validated {
    check: DnssecCheck,
    answers: Vec<Record>,
    cnames: Vec<Record>,
}

impl Validator {
    /// A validating resolver asking `server` (or the system's resolvers), trusting the root anchors
    /// and the DNSKEY and DS records in `anchors`.
    pub fn new(server: Option<SocketAddr>, timeout: Duration, anchors: Option<&Path>) -> Result<Self, ProbeError> {
        let mut trust = TrustAnchors::default();
        let mut anchor_zones = Vec::new();
        let mut ds = Vec::new();
        if let Some(path) = anchors {
            let bad = |reason: String| ProbeError::TrustAnchor(path.to_owned(), reason);
            let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
            let parsed = parse_anchors(&text).map_err(|e| bad(e.to_string()))?;
            for anchor in parsed.keys {
                let key = PublicKeyBuf::new(anchor.key, Algorithm::from_u8(anchor.algorithm));
                trust.insert_with_name(&key, LowerName::new(&anchor.zone));
                anchor_zones.push(anchor.zone);
            }
            anchor_zones.extend(parsed.ds.iter().map(|d| d.zone.clone()));
            ds = parsed.ds;
        }
        let mut options = ResolverOpts::default();
        options.timeout = timeout;
        options.attempts = 2;
        let plain = resolver_builder(server)?.0.with_options(options.clone()).build().map_err(resolver_failed)?;
        options.validate = true;
        anchor_zones.sort_by_key(|z| std::cmp::Reverse(z.num_labels()));
        anchor_zones.dedup();
        let resolver = match ds.is_empty() {
            true => tokio::sync::OnceCell::new_with(Some(validating(server, &options, trust.clone())?)),
            false => tokio::sync::OnceCell::new(),
        };
        let ds_failure = std::sync::Mutex::default();
        Ok(Validator { resolver, ds_failure, server, options, trust, ds, plain, anchor_zones })
    }

    /// The validating resolver, built on first use when DS anchors must be turned into keys.
    async fn resolver(&self) -> Result<&TokioResolver, String> {
        self.resolver.get_or_try_init(|| self.with_ds_keys()).await
    }

    /// The validating resolver trusting the verified keys of the DS anchors too (each zone's fetch
    /// bounded by the lookup timeout), or why not; a recent failure is answered without asking again.
    async fn with_ds_keys(&self) -> Result<TokioResolver, String> {
        let recent = |failure: &Option<(Instant, String)>| match failure {
            Some((at, reason)) if at.elapsed() < DS_RETRY => Some(reason.clone()),
            _ => None,
        };
        if let Some(reason) = recent(&self.ds_failure.lock().unwrap_or_else(|e| e.into_inner())) {
            return Err(reason);
        }
        let built = self.fetch_ds_keys().await;
        if let Err(reason) = &built {
            *self.ds_failure.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), reason.clone()));
        }
        built
    }

    async fn fetch_ds_keys(&self) -> Result<TokioResolver, String> {
        let server = match self.server {
            Some(server) => server,
            None => system_server()?,
        };
        let mut trust = self.trust.clone();
        for (zone, key) in ds_anchor::keys_for(server, &self.ds, self.options.timeout).await? {
            trust.insert_with_name(key.public_key(), LowerName::new(&zone));
        }
        validating(self.server, &self.options, trust).map_err(|e| e.to_string())
    }

    /// The TLSA records at `_25._tcp.{host}` (RFC 7672 §2.2) with their DNSSEC status. A CNAME
    /// on the way that is not signed makes the whole answer insecure, however well the records'
    /// own zone is signed: senders do not count records reached that way.
    pub async fn tlsa(&self, host: &str) -> TlsaAnswer {
        let Validated { mut check, answers, cnames } = self.validated(&tlsa_name(host), RecordType::TLSA).await;
        let insecure_cname = cnames.iter().find(|c| c.proof == Proof::Insecure).map(|c| dotless(&c.name));
        if let (Some(cname), DnssecStatus::Insecure) = (&insecure_cname, check.status) {
            check.reason = Some(DnssecReason::InsecureCname { cname: cname.clone() });
        }
        let records = answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::TLSA(t) => Some(TlsaRecord {
                    usage: t.cert_usage.into(),
                    selector: t.selector.into(),
                    matching: t.matching.into(),
                    data: t.cert_data.iter().map(|b| format!("{b:02x}")).collect(),
                }),
                _ => None,
            })
            .collect();
        TlsaAnswer { check, records, insecure_cname }
    }

    /// The DNSSEC status of `name`'s records of one type (present or provably absent).
    pub async fn status(&self, name: &str, record_type: RecordType) -> DnssecCheck {
        self.validated(&fqdn(name), record_type).await.check
    }

    /// The DNSSEC status of a host's A and AAAA answers (the weaker of the two, every CNAME on
    /// the way included) and, when the host name is a CNAME, the name the addresses are at.
    pub async fn addresses(&self, host: &str) -> AddressAnswer {
        let name = fqdn(host);
        let (v4, v6) = tokio::join!(self.validated(&name, RecordType::A), self.validated(&name, RecordType::AAAA));
        let target = v4
            .answers
            .iter()
            .chain(&v6.answers)
            .map(|r| dotless(&r.name))
            .find(|owner| !owner.eq_ignore_ascii_case(host.trim_end_matches('.')));
        AddressAnswer { check: weaker(v4.check, v6.check), target }
    }

    /// One validated lookup: its status (the weakest proof of its records and of the CNAMEs that
    /// led to them), its answer records of the asked type, and those CNAMEs.
    async fn validated(&self, name: &str, record_type: RecordType) -> Validated {
        let resolver = match self.resolver().await {
            Ok(resolver) => resolver,
            Err(reason) => {
                let check = DnssecCheck { status: DnssecStatus::Unknown, detail: Some(reason), reason: None };
                return Validated { check, answers: Vec::new(), cnames: Vec::new() };
            }
        };
        let (check, answers, cnames) = match resolver.lookup(name, record_type).await {
            Ok(lookup) => {
                let of = |t: RecordType| -> Vec<Record> {
                    lookup.answers().iter().filter(|r| r.record_type() == t).cloned().collect()
                };
                let (answers, cnames) = (of(record_type), of(RecordType::CNAME));
                let proof = answers.iter().chain(&cnames).map(|r| r.proof).min().unwrap_or(Proof::Indeterminate);
                (DnssecCheck { status: status_of(proof), detail: None, reason: None }, answers, cnames)
            }
            Err(e) => (denial(&e), Vec::new(), Vec::new()),
        };
        if check.status != DnssecStatus::Bogus {
            return Validated { check, answers, cnames };
        }
        let check = self.unless_unsigned(name, check).await;
        if check.status != DnssecStatus::Bogus {
            return Validated { check, answers, cnames };
        }
        Validated { check: self.unless_blind(name, check).await, answers, cnames }
    }

    /// A bogus verdict, unless the trust anchor above `name` does not validate either: then the
    /// resolver mxray asks does not pass DNSSEC data through (some forwarders strip it), and
    /// nothing can be said about the zone: unknown, with the reason.
    async fn unless_blind(&self, name: &str, bogus: DnssecCheck) -> DnssecCheck {
        let target = Name::from_str(name).unwrap_or_else(|_| Name::root());
        let anchor = self.anchor_zones.iter().find(|z| z.zone_of(&target)).cloned().unwrap_or_else(Name::root);
        let lookup = match self.resolver().await {
            Ok(resolver) => resolver.lookup(anchor.clone(), RecordType::DNSKEY).await.ok(),
            Err(_) => None,
        };
        let anchored = match lookup {
            Some(lookup) => {
                lookup.answers().iter().any(|r| r.record_type() == RecordType::DNSKEY && r.proof == Proof::Secure)
            }
            None => false,
        };
        if anchored {
            return bogus;
        }
        DnssecCheck::because(
            DnssecStatus::Unknown,
            DnssecReason::ResolverBlind { anchor: if anchor.is_root() { ".".into() } else { dotless(&anchor) } },
        )
    }

    /// True when the parent publishes a DS record for `apex`.
    async fn has_ds(&self, apex: &Name) -> bool {
        match self.plain.lookup(apex.clone(), RecordType::DS).await {
            Ok(lookup) => lookup.answers().iter().any(|r| r.record_type() == RecordType::DS),
            Err(_) => false,
        }
    }

    /// A bogus verdict, unless the name's zone has no DNSKEY at all: then it is unsigned, and the
    /// validator only failed to prove that through parents it could not ask (a private resolver or
    /// zone); that is insecure, with the reason, not a broken signature.
    async fn unless_unsigned(&self, name: &str, bogus: DnssecCheck) -> DnssecCheck {
        let apex = match self.plain.lookup(name, RecordType::SOA).await {
            Ok(lookup) => lookup.answers().iter().find(|r| r.record_type() == RecordType::SOA).map(|r| r.name.clone()),
            Err(NetError::Dns(DnsError::NoRecordsFound(none))) => none.soa.as_ref().map(|soa| soa.name.clone()),
            Err(_) => None,
        };
        let Some(apex) = apex else { return bogus };
        match self.plain.lookup(apex.clone(), RecordType::DNSKEY).await {
            // A DS above a zone without keys is the classic broken roll-over (or keys stripped on
            // the way): validating senders fail there, so it stays bogus.
            Err(e) if e.is_no_records_found() && self.has_ds(&apex).await => bogus,
            Err(e) if e.is_no_records_found() => {
                DnssecCheck::because(DnssecStatus::Insecure, DnssecReason::ZoneWithoutKeys { zone: dotless(&apex) })
            }
            _ => bogus,
        }
    }
}

/// How long a failure to turn DS anchors into keys stands before they are fetched again.
const DS_RETRY: Duration = Duration::from_secs(60);

/// A validating resolver asking `server` (or the system's resolvers) and trusting `trust`.
fn validating(
    server: Option<SocketAddr>,
    options: &ResolverOpts,
    trust: TrustAnchors,
) -> Result<TokioResolver, ProbeError> {
    resolver_builder(server)?
        .0
        .with_options(options.clone())
        .with_trust_anchor(Arc::new(trust))
        .build()
        .map_err(resolver_failed)
}

fn resolver_failed(e: NetError) -> ProbeError {
    ProbeError::Resolver(e.to_string())
}

/// The first system name server, asked for the DS anchors' keys when no `--resolver` is set.
fn system_server() -> Result<SocketAddr, String> {
    let (config, _) = hickory_resolver::system_conf::read_system_conf().map_err(|e| e.to_string())?;
    let ns = config.name_servers.first().ok_or("the system configures no name server")?;
    Ok(SocketAddr::new(ns.ip, ns.connections.first().map_or(53, |c| c.port)))
}

/// A name as written in reports: without the root's trailing dot.
fn dotless(name: &Name) -> String {
    name.to_string().trim_end_matches('.').to_owned()
}

/// `_25._tcp.{host}.`
pub fn tlsa_name(host: &str) -> String {
    fqdn(&format!("_25._tcp.{}", host.trim_end_matches('.')))
}

fn status_of(proof: Proof) -> DnssecStatus {
    match proof {
        Proof::Secure => DnssecStatus::Secure,
        Proof::Insecure => DnssecStatus::Insecure,
        Proof::Bogus => DnssecStatus::Bogus,
        Proof::Indeterminate => DnssecStatus::Unknown,
    }
}

/// The status a failed lookup carries: a validated denial (no such records), a bogus answer, or
/// a failure that leaves the status unknown.
fn denial(error: &NetError) -> DnssecCheck {
    let (status, detail) = match error {
        NetError::Dns(DnsError::DnssecBogus) => (DnssecStatus::Bogus, Some(error.to_string())),
        NetError::Dns(DnsError::Nsec { proof, .. }) => (status_of(*proof), Some(error.to_string())),
        NetError::Dns(DnsError::NoRecordsFound(none)) => {
            let proofs = none.authorities.iter().flat_map(|a| a.iter()).map(|r| r.proof);
            // A denial counts as secure when its NSEC/NSEC3 proof validated, else by its weakest part.
            let status = match proofs.min() {
                Some(p) => status_of(p),
                None => DnssecStatus::Unknown,
            };
            (status, None)
        }
        other => (DnssecStatus::Unknown, Some(other.to_string())),
    };
    DnssecCheck { status, detail, reason: None }
}

/// The weaker of two checks (bogus < unknown < insecure < secure).
pub fn weaker(a: DnssecCheck, b: DnssecCheck) -> DnssecCheck {
    let rank = |s: DnssecStatus| match s {
        DnssecStatus::Bogus => 0,
        DnssecStatus::Unknown => 1,
        DnssecStatus::Insecure => 2,
        DnssecStatus::Secure => 3,
    };
    if rank(b.status) < rank(a.status) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";

    #[test]
    fn reads_dnskey_anchors_in_zone_file_form() {
        let text = format!(
            "; test anchors\nexample.test. 3600 IN DNSKEY 257 3 13 {KEY}\nother.test. DNSKEY 256 3 13 (\n  {} ; first half\n  {} )\n",
            &KEY[..40],
            &KEY[40..]
        );
        let anchors = parse_anchors(&text).unwrap().keys;
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors[0].zone, Name::from_str("example.test.").unwrap());
        assert_eq!((anchors[0].algorithm, anchors[0].key.len()), (13, 64));
        assert_eq!(anchors[1].key, anchors[0].key, "a record split by parentheses is joined");
    }

    #[test]
    fn reads_ds_anchors_in_zone_file_form() {
        let text = "example.test. 3600 IN DS 12345 13 2 ( 0123456789ABCDEF\n 00ff )\nexample.test. DS 1 8 1 aa";
        let anchors = parse_anchors(text).unwrap();
        assert!(anchors.keys.is_empty());
        let ds = &anchors.ds[0];
        assert_eq!(ds.zone, Name::from_str("example.test.").unwrap());
        assert_eq!(
            (ds.ds.key_tag(), ds.ds.algorithm(), ds.ds.digest_type()),
            (12345, Algorithm::ECDSAP256SHA256, DigestType::SHA256)
        );
        assert_eq!(ds.ds.digest(), [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0xff], "split digest joined");
        assert_eq!(anchors.ds.len(), 2);
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        for (ds, why) in [
            ("example.test. IN DS 12345 13 2", "digest is empty"),
            ("example.test. IN DS 12345 13", "no digest type"),
            ("example.test. IN DS x 13 2 00", "key tag \"x\""),
            ("example.test. IN DS 1 13 2 0g", "not hex"),
            ("example.test. IN DS 1 300 2 00", "algorithm is over 255"),
        ] {
            assert!(
                matches!(parse_anchors(ds), Err(AnchorError::Line { line: 1, ref reason }) if reason.contains(why)),
                "{ds}: {:?}",
                parse_anchors(ds)
            );
        }
        assert_eq!(parse_anchors("; nothing\n\n"), Err(AnchorError::Empty));
        assert!(parse_anchors("example.test. IN DNSKEY 257 3 13 not*base64").is_err());
        assert!(parse_anchors("example.test. IN DNSKEY 257 2 13 AAAA").is_err());
        assert!(parse_anchors("example.test. IN A 192.0.2.1").is_err());
    }

    #[test]
    fn the_weaker_status_wins() {
        let c = |status| DnssecCheck { status, detail: None, reason: None };
        assert_eq!(weaker(c(DnssecStatus::Secure), c(DnssecStatus::Insecure)).status, DnssecStatus::Insecure);
        assert_eq!(weaker(c(DnssecStatus::Unknown), c(DnssecStatus::Bogus)).status, DnssecStatus::Bogus);
        assert_eq!(tlsa_name("MX.example.test."), "_25._tcp.MX.example.test.");
    }
}
