//! DANE for SMTP (RFC 7672): the chain an address presented in its STARTTLS handshake against the
//! host's TLSA records. Pure: no lookups, no connections.

use mxray_report::model::dane::{
    AddressDane, DaneOutcome, DaneReason, DnssecStatus, HostDane, NotInForce, TaChainProblem, TaProblem, TlsaRecord,
};
use mxray_report::model::report::StartTlsOutcome;
use mxray_report::StepResult;
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::RootCertStore;
use sha2::{Digest, Sha256, Sha512};
use std::time::Duration;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use super::certificate::chain_time;
use super::clock::rfc3339;

/// What one address presented, as far as DANE is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presented {
    /// A TLS session was established with this chain (leaf first).
    Chain(Vec<CertificateDer<'static>>),
    /// The server gave no TLS session (STARTTLS not offered, refused, or the handshake failed): why,
    /// and the library's message beside it.
    NoTls(DaneReason, Option<String>),
    /// mxray did not get as far as TLS (no connection, no greeting, deadline…): why, and the
    /// library's message beside it.
    NotReached(DaneReason, Option<String>),
}

/// What a STARTTLS step tells DANE before any chain: no TLS, not tested, or (`None`) wait for the chain.
pub fn step_presented(step: &StepResult) -> Option<Presented> {
    let StepResult::Starttls(s) = step else { return None };
    Some(match s.outcome {
        StartTlsOutcome::Ok if !s.pipelined_plaintext => return None,
        StartTlsOutcome::NotOffered => Presented::NoTls(DaneReason::StarttlsNotOffered, None),
        StartTlsOutcome::Rejected => {
            Presented::NoTls(DaneReason::StarttlsRefused { reply: s.error.clone(), no_reply: s.no_reply.clone() }, None)
        }
        StartTlsOutcome::Ok | StartTlsOutcome::HandshakeFailed => {
            Presented::NoTls(DaneReason::NoTlsSession, s.error.clone())
        }
        StartTlsOutcome::NotTestable => {
            Presented::NotReached(DaneReason::StarttlsNotTestable { why: s.not_testable.clone() }, s.error.clone())
        }
        StartTlsOutcome::Skipped => Presented::NotReached(DaneReason::StarttlsNotTried, None),
    })
}

/// The names a certificate matched through a DANE-TA record may carry (RFC 7672 §3.2.3): the MX
/// host name, the TLSA base domain when CNAME expansion made it another name, and the mail domain
/// when its MX records are DNSSEC-signed (`signed_domain`). Postfix accepts the same set.
pub fn reference_names(mx_host: &str, dane: &HostDane, signed_domain: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in std::iter::once(mx_host).chain(dane.base_domain.as_deref()).chain(signed_domain) {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The DANE verdict for an address whose host has the TLSA facts `host` and the reference
/// identifiers `names` (see [`reference_names`]), and that presented `presented`, at `now` (Unix seconds).
pub fn verdict(
    host: &HostDane,
    names: &[String],
    presented: &Presented,
    provider: &CryptoProvider,
    now: i64,
) -> AddressDane {
    let not_applicable = |reason| AddressDane::because(DaneOutcome::NotApplicable, reason, None);
    match host.tlsa.status {
        DnssecStatus::Bogus => return AddressDane::because(DaneOutcome::NotTested, DaneReason::TlsaBogus, None),
        DnssecStatus::Unknown => {
            let reason = DaneReason::TlsaUnknown { why: host.tlsa.reason.clone() };
            return AddressDane::because(DaneOutcome::NotTested, reason, host.tlsa.detail.clone());
        }
        DnssecStatus::Insecure if !host.records.is_empty() => {
            return not_applicable(match &host.insecure_cname {
                Some(cname) => DaneReason::InsecureCname { cname: cname.clone() },
                None => DaneReason::RecordsUnsigned,
            });
        }
        DnssecStatus::Insecure => return not_applicable(DaneReason::ZoneUnsigned),
        DnssecStatus::Secure if host.records.is_empty() => return not_applicable(DaneReason::NoRecords),
        DnssecStatus::Secure if !host.records.iter().any(TlsaRecord::usable) => {
            return not_applicable(DaneReason::NoUsableRecords);
        }
        DnssecStatus::Secure => {}
    }
    // RFC 7672 §2.2.2: unsigned address records (or an unsigned CNAME to them) and senders do not
    // even look for TLSA records; signed ones then do not matter.
    if let Some(NotInForce::InsecureAddresses) = host.not_in_force() {
        return not_applicable(DaneReason::AddressesUnsigned);
    }
    match presented {
        Presented::NoTls(why, detail) => AddressDane::because(DaneOutcome::NoTls, why.clone(), detail.clone()),
        Presented::NotReached(why, detail) => AddressDane::because(DaneOutcome::NotTested, why.clone(), detail.clone()),
        Presented::Chain(chain) => match_chain(&host.records, chain, names, provider, now),
    }
}

/// The usable record that authenticates `chain`: DANE-EE against the server's own certificate,
/// DANE-TA against a certificate sent above it that the server's certificate chains up to, with
/// the server's certificate naming one of `names` and every certificate up to the anchor in date.
/// A DANE-TA match that fails those checks is the verdict only when no other record authenticates.
fn match_chain(
    records: &[TlsaRecord],
    chain: &[CertificateDer<'static>],
    names: &[String],
    provider: &CryptoProvider,
    now: i64,
) -> AddressDane {
    let Some(leaf) = chain.first() else {
        return AddressDane::because(DaneOutcome::NotTested, DaneReason::NoCertificate, None);
    };
    let (mut unchained, mut rejected) = (None, None);
    for record in records.iter().filter(|r| r.usable()) {
        if record.usage == 3 {
            if matches(record, leaf) {
                return AddressDane::matched(record, 0);
            }
            continue;
        }
        for (depth, ta) in chain.iter().enumerate().skip(1) {
            if !matches(record, ta) {
                continue;
            }
            if let Err((problem, error)) = chains_to(chain, depth, provider, now) {
                let reason = DaneReason::TaUnchained { record: record.presentation(), subject: subject(ta), problem };
                unchained = Some((reason, error));
                continue;
            }
            let problems = ta_problems(chain, depth, names, now);
            if problems.is_empty() {
                return AddressDane::matched(record, depth);
            }
            rejected.get_or_insert_with(|| AddressDane {
                outcome: DaneOutcome::TaRejected,
                ta_problems: problems,
                reason: Some(DaneReason::TaProblems),
                ..AddressDane::matched(record, depth)
            });
        }
    }
    if let Some(rejected) = rejected {
        return rejected;
    }
    let (reason, detail) = unchained.unwrap_or_else(|| {
        let usable = records.iter().filter(|r| r.usable()).count();
        (DaneReason::NoMatch { usable, key_would_match: association(leaf, 1, 1).map(|a| hex(&a)) }, None)
    });
    AddressDane::because(DaneOutcome::NoMatch, reason, detail)
}

/// True when `record`'s association data equals the one computed from `cert`.
fn matches(record: &TlsaRecord, cert: &CertificateDer<'_>) -> bool {
    association(cert, record.selector, record.matching).is_some_and(|a| hex(&a).eq_ignore_ascii_case(&record.data))
}

/// The association data of `cert` for a selector (0 full certificate, 1 SPKI) and matching type
/// (0 exact, 1 SHA-256, 2 SHA-512), RFC 6698 §2.1.
fn association(cert: &CertificateDer<'_>, selector: u8, matching: u8) -> Option<Vec<u8>> {
    let selected: Vec<u8> = match selector {
        0 => cert.as_ref().to_vec(),
        1 => X509Certificate::from_der(cert.as_ref()).ok()?.1.tbs_certificate.subject_pki.raw.to_vec(),
        _ => return None,
    };
    match matching {
        0 => Some(selected),
        1 => Some(Sha256::digest(&selected).to_vec()),
        2 => Some(Sha512::digest(&selected).to_vec()),
        _ => None,
    }
}

/// Checks that the leaf chains up to `chain[depth]` as its trust anchor (signatures, constraints,
/// server use), at a moment every certificate is valid: dates are the certificate check's business.
/// What failed and the library's message, when it does not.
fn chains_to(
    chain: &[CertificateDer<'static>],
    depth: usize,
    provider: &CryptoProvider,
    now: i64,
) -> Result<(), (TaChainProblem, Option<String>)> {
    let failed = |problem| move |e: rustls::Error| (problem, Some(e.to_string()));
    let leaf = ParsedCertificate::try_from(&chain[0]).map_err(failed(TaChainProblem::LeafUnreadable))?;
    let mut anchor = RootCertStore::empty();
    anchor.add(chain[depth].clone()).map_err(failed(TaChainProblem::NotAnAnchor))?;
    let leaf_window = X509Certificate::from_der(chain[0].as_ref())
        .map(|(_, c)| (c.validity().not_before.timestamp(), c.validity().not_after.timestamp()))
        .unwrap_or((now, now));
    let at = chain_time(&chain[..=depth], leaf_window, now);
    let at = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0).unsigned_abs()));
    verify_server_cert_signed_by_trust_anchor(
        &leaf,
        &anchor,
        &chain[1..depth],
        at,
        provider.signature_verification_algorithms.all,
    )
    .map_err(failed(TaChainProblem::NoChain))
}

/// What DANE-TA senders still reject once the chain is anchored at `chain[depth]`: a server
/// certificate that names none of `names`, and any certificate from it up to the anchor that is
/// out of date at `now`. Only DANE-EE(3) waives names and dates (RFC 7672 §3.1.1); with DANE-TA(2)
/// the chain is verified as PKIX would, with the anchor from the DNS (§3.1.2) — OpenSSL's DANE
/// code, which Postfix and Exim use, checks the time of every certificate in that chain.
fn ta_problems(chain: &[CertificateDer<'static>], depth: usize, names: &[String], now: i64) -> Vec<TaProblem> {
    let mut problems: Vec<TaProblem> = name_problem(&chain[0], names).into_iter().collect();
    for (position, cert) in chain.iter().enumerate().take(depth + 1) {
        let Ok((_, c)) = X509Certificate::from_der(cert.as_ref()) else { continue };
        let (from, to) = (c.validity().not_before.timestamp(), c.validity().not_after.timestamp());
        if now < from || now > to {
            problems.push(TaProblem::OutOfDate {
                depth: position,
                subject: c.subject().to_string(),
                not_before: rfc3339(from),
                not_after: rfc3339(to),
            });
        }
    }
    problems
}

/// The name problem of a server certificate for the reference identifiers `names`: none when a
/// DNS name in it matches one (a leftmost wildcard covers one label), or, for a certificate without
/// DNS names, when its subject CN equals one (RFC 6125 §6.4.4, as OpenSSL's host check does).
fn name_problem(leaf: &CertificateDer<'_>, names: &[String]) -> Option<TaProblem> {
    let parsed = ParsedCertificate::try_from(leaf).ok()?;
    let by_dns_name = |name: &String| {
        ServerName::try_from(name.as_str()).is_ok_and(|server| verify_server_name(&parsed, &server).is_ok())
    };
    if names.iter().any(by_dns_name) {
        return None;
    }
    let (dns_names, common_name) = match X509Certificate::from_der(leaf.as_ref()) {
        Ok((_, c)) => {
            (dns_names(&c), c.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_owned))
        }
        Err(_) => (Vec::new(), None),
    };
    if dns_names.is_empty() {
        let equal = |cn: &String| names.iter().any(|n| n.eq_ignore_ascii_case(cn.trim_end_matches('.')));
        if common_name.as_ref().is_some_and(equal) {
            return None;
        }
    }
    let shown = if dns_names.is_empty() { common_name.into_iter().collect() } else { dns_names };
    Some(TaProblem::NameMismatch { names: shown, expected: names.to_vec() })
}

/// The DNS names in a certificate's subject alternative name.
fn dns_names(c: &X509Certificate<'_>) -> Vec<String> {
    match c.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some((*d).to_owned()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn subject(cert: &CertificateDer<'_>) -> String {
    X509Certificate::from_der(cert.as_ref())
        .map(|(_, c)| c.subject().to_string())
        .unwrap_or_else(|_| "a certificate".into())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The TLSA record of a usage, selector and matching type that `cert` satisfies (for tests and
/// for suggesting a record).
pub fn record_for(cert: &CertificateDer<'_>, usage: u8, selector: u8, matching: u8) -> Option<TlsaRecord> {
    Some(TlsaRecord { usage, selector, matching, data: hex(&association(cert, selector, matching)?) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::model::dane::DnssecCheck;
    use mxray_testkit::TestCa;

    const HOST: &str = "mx.example.test";

    fn provider() -> CryptoProvider {
        rustls::crypto::ring::default_provider()
    }

    fn now() -> i64 {
        super::super::clock::now_unix()
    }

    fn host(status: DnssecStatus, records: Vec<TlsaRecord>) -> HostDane {
        HostDane {
            name: format!("_25._tcp.{HOST}"),
            tlsa: DnssecCheck { status, detail: None, reason: None },
            records,
            addresses: None,
            base_domain: None,
            insecure_cname: None,
        }
    }

    fn names() -> Vec<String> {
        vec![HOST.to_owned()]
    }

    fn judge(records: Vec<TlsaRecord>, chain: &[CertificateDer<'static>]) -> AddressDane {
        verdict(&host(DnssecStatus::Secure, records), &names(), &Presented::Chain(chain.to_vec()), &provider(), now())
    }

    #[test]
    fn dane_ee_matches_the_server_certificate_by_every_selector_and_matching_type() {
        let ca = TestCa::new();
        let chain = ca.leaf(&[HOST], -1, 30).chain;
        for (selector, matching) in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)] {
            let record = record_for(&chain[0], 3, selector, matching).unwrap();
            let v = judge(vec![record.clone()], &chain);
            assert_eq!((v.outcome, v.depth, v.matched.as_ref()), (DaneOutcome::Matched, Some(0), Some(&record)));
            assert!(v.ee_matched() && !v.ta_matched());
        }
        // The CA's key as DANE-EE does not match the server's own certificate.
        let v = judge(vec![record_for(&chain[1], 3, 1, 1).unwrap()], &chain);
        assert_eq!(v.outcome, DaneOutcome::NoMatch);
        let expected = record_for(&chain[0], 3, 1, 1).unwrap().data;
        assert_eq!(v.reason, Some(DaneReason::NoMatch { usable: 1, key_would_match: Some(expected) }), "{v:?}");
        assert_eq!(v.detail, None, "no library spoke");
    }

    #[test]
    fn dane_ta_needs_the_anchor_in_the_chain_and_a_chain_up_to_it() {
        let ca = TestCa::new();
        let intermediate = ca.intermediate("mxray DANE intermediate", at(-30), at(700));
        let chain = intermediate.leaf(&[HOST], -1, 30).chain;
        assert_eq!(chain.len(), 3);
        let root = record_for(&chain[2], 2, 0, 1).unwrap();
        let v = judge(vec![root.clone()], &chain);
        assert_eq!((v.outcome, v.depth), (DaneOutcome::Matched, Some(2)));
        assert!(v.ta_matched() && !v.ee_matched());
        let v = judge(vec![record_for(&chain[1], 2, 1, 2).unwrap()], &chain);
        assert_eq!((v.outcome, v.depth), (DaneOutcome::Matched, Some(1)));

        // Not sent: the root is not in a chain of leaf and intermediate only.
        assert_eq!(judge(vec![root.clone()], &chain[..2]).outcome, DaneOutcome::NoMatch);
        // Sent, but the server's certificate was issued by another CA.
        let other = TestCa::named("mxray other CA").leaf(&[HOST], -1, 30).chain;
        let forged = vec![other[0].clone(), chain[2].clone()];
        let v = judge(vec![root], &forged);
        assert_eq!(v.outcome, DaneOutcome::NoMatch);
        let Some(DaneReason::TaUnchained { problem: TaChainProblem::NoChain, .. }) = &v.reason else { panic!("{v:?}") };
        assert!(v.detail.is_some(), "rustls' reason beside it: {v:?}");
        // DANE-TA never matches the server's own certificate.
        assert_eq!(judge(vec![record_for(&chain[0], 2, 0, 1).unwrap()], &chain).outcome, DaneOutcome::NoMatch);
    }

    #[test]
    fn dane_ee_ignores_names_and_dates() {
        let ca = TestCa::new();
        let chain = ca.leaf(&["other.example"], -400, -10).chain;
        let v = judge(vec![record_for(&chain[0], 3, 1, 1).unwrap()], &chain);
        assert_eq!(v.outcome, DaneOutcome::Matched);
    }

    #[test]
    fn only_a_secure_usable_set_is_judged() {
        let ca = TestCa::new();
        let chain = ca.leaf(&[HOST], -1, 30).chain;
        let good = record_for(&chain[0], 3, 1, 1).unwrap();
        let presented = Presented::Chain(chain.clone());
        let outcome = |h: &HostDane, p: &Presented| verdict(h, &names(), p, &provider(), now()).outcome;
        assert_eq!(outcome(&host(DnssecStatus::Insecure, vec![good.clone()]), &presented), DaneOutcome::NotApplicable);
        assert_eq!(outcome(&host(DnssecStatus::Bogus, vec![good.clone()]), &presented), DaneOutcome::NotTested);
        assert_eq!(outcome(&host(DnssecStatus::Unknown, vec![]), &presented), DaneOutcome::NotTested);
        assert_eq!(outcome(&host(DnssecStatus::Secure, vec![]), &presented), DaneOutcome::NotApplicable);
        // PKIX usages 0/1 do not count for SMTP, even when they would match.
        let pkix = vec![record_for(&chain[0], 1, 1, 1).unwrap(), record_for(&chain[1], 0, 0, 1).unwrap()];
        assert_eq!(outcome(&host(DnssecStatus::Secure, pkix), &presented), DaneOutcome::NotApplicable);
        // In force: no TLS is a failure for DANE senders, not reaching TLS is untested.
        let secure = host(DnssecStatus::Secure, vec![good]);
        assert_eq!(outcome(&secure, &Presented::NoTls(DaneReason::StarttlsNotOffered, None)), DaneOutcome::NoTls);
        assert_eq!(
            outcome(&secure, &Presented::NotReached(DaneReason::SessionEnded { failure: None }, None)),
            DaneOutcome::NotTested
        );
        assert_eq!(outcome(&secure, &Presented::Chain(vec![])), DaneOutcome::NotTested);
    }

    #[test]
    fn dane_ta_still_needs_a_reference_name() {
        let ca = TestCa::new();
        let anchor = |chain: &[CertificateDer<'static>]| record_for(&chain[1], 2, 0, 1).unwrap();
        let other = ca.leaf(&["other.example"], -1, 30).chain;
        let v = judge(vec![anchor(&other)], &other);
        assert_eq!((v.outcome, v.depth), (DaneOutcome::TaRejected, Some(1)), "{v:?}");
        assert!(!v.ta_matched() && v.ta_anchored() && v.ta_rejected());
        let mismatch = TaProblem::NameMismatch { names: vec!["other.example".into()], expected: vec![HOST.to_owned()] };
        assert_eq!(v.ta_problems, [mismatch]);
        assert_eq!((v.reason.as_ref(), v.detail.as_deref()), (Some(&DaneReason::TaProblems), None));
        let said = v.why(mxray_report::Lang::En);
        assert_eq!(said.as_deref(), Some("the certificate names other.example, not mx.example.test"));

        // Any reference identifier will do: a CNAME target or the signed mail domain.
        let secure = host(DnssecStatus::Secure, vec![anchor(&other)]);
        let names = vec![HOST.to_owned(), "other.example".to_owned()];
        let v = verdict(&secure, &names, &Presented::Chain(other.clone()), &provider(), now());
        assert_eq!(v.outcome, DaneOutcome::Matched);
        // A wildcard covers one label.
        let wild = ca.leaf(&["*.example.test"], -1, 30).chain;
        assert_eq!(judge(vec![anchor(&wild)], &wild).outcome, DaneOutcome::Matched);
        // A DANE-EE record for the key still authenticates, whatever the DANE-TA match says.
        let ee = record_for(&other[0], 3, 1, 1).unwrap();
        let v = judge(vec![anchor(&other), ee], &other);
        assert_eq!((v.outcome, v.depth), (DaneOutcome::Matched, Some(0)));
    }

    #[test]
    fn dane_ta_falls_back_to_the_common_name_only_without_dns_names() {
        use rcgen::{CertificateParams, DnType, Issuer, KeyPair};
        let (ca_key, leaf_key) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "mxray CN CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let chain_for = |cn: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.distinguished_name.push(DnType::CommonName, cn);
            vec![params.signed_by(&leaf_key, &issuer).unwrap().der().clone(), ca_cert.der().clone()]
        };
        let anchor = record_for(ca_cert.der(), 2, 0, 1).unwrap();
        assert_eq!(judge(vec![anchor.clone()], &chain_for(HOST)).outcome, DaneOutcome::Matched);
        let v = judge(vec![anchor], &chain_for("mx.other.test"));
        assert_eq!(v.outcome, DaneOutcome::TaRejected);
        assert!(matches!(&v.ta_problems[0], TaProblem::NameMismatch { names, .. } if names == &["mx.other.test"]));
    }

    #[test]
    fn dane_ta_still_needs_every_certificate_up_to_the_anchor_in_date() {
        let ca = TestCa::new();
        let expired = ca.leaf(&[HOST], -400, -10).chain;
        let v = judge(vec![record_for(&expired[1], 2, 1, 1).unwrap()], &expired);
        assert_eq!(v.outcome, DaneOutcome::TaRejected, "{v:?}");
        assert!(matches!(v.ta_problems.as_slice(), [TaProblem::OutOfDate { depth: 0, .. }]), "{v:?}");
        assert!(v.why(mxray_report::Lang::En).unwrap().starts_with("the server's certificate is valid only from"));

        let intermediate = ca.intermediate("mxray old intermediate", at(-400), at(-5));
        let chain = intermediate.leaf(&[HOST], -30, 300).chain;
        let v = judge(vec![record_for(&chain[2], 2, 0, 1).unwrap()], &chain);
        assert!(
            matches!(v.ta_problems.as_slice(), [TaProblem::OutOfDate { depth: 1, subject, .. }] if subject == "CN=mxray old intermediate"),
            "{v:?}"
        );
        // Anchored at the out-of-date intermediate itself: its own dates count too.
        let v = judge(vec![record_for(&chain[1], 2, 0, 1).unwrap()], &chain);
        assert_eq!(v.outcome, DaneOutcome::TaRejected);
        // DANE-EE waives them.
        assert_eq!(judge(vec![record_for(&expired[0], 3, 0, 1).unwrap()], &expired).outcome, DaneOutcome::Matched);
    }

    #[test]
    fn records_do_not_count_behind_unsigned_addresses_or_an_unsigned_cname() {
        let ca = TestCa::new();
        let chain = ca.leaf(&[HOST], -1, 30).chain;
        let good = record_for(&chain[0], 3, 1, 1).unwrap();
        let judge_host = |h: &HostDane| verdict(h, &names(), &Presented::Chain(chain.clone()), &provider(), now());
        let mut unsigned = host(DnssecStatus::Secure, vec![good.clone()]);
        unsigned.addresses = Some(DnssecCheck { status: DnssecStatus::Insecure, detail: None, reason: None });
        assert!(!unsigned.in_force());
        let v = judge_host(&unsigned);
        assert_eq!(v.outcome, DaneOutcome::NotApplicable);
        assert_eq!(v.reason, Some(DaneReason::AddressesUnsigned), "{v:?}");
        // Signed addresses (or none known) leave the records in force.
        unsigned.addresses = Some(DnssecCheck { status: DnssecStatus::Secure, detail: None, reason: None });
        assert_eq!(judge_host(&unsigned).outcome, DaneOutcome::Matched);

        let mut cname = host(DnssecStatus::Insecure, vec![good]);
        cname.insecure_cname = Some("_25._tcp.mx.example.test".into());
        let v = judge_host(&cname);
        assert_eq!(v.outcome, DaneOutcome::NotApplicable);
        let cname = DaneReason::InsecureCname { cname: "_25._tcp.mx.example.test".into() };
        assert_eq!(v.reason, Some(cname), "{v:?}");
    }

    #[test]
    fn reference_names_are_the_host_its_cname_target_and_the_signed_domain() {
        let mut h = host(DnssecStatus::Secure, vec![]);
        assert_eq!(reference_names("MX.example.test.", &h, None), [HOST]);
        h.base_domain = Some("real.example.test".into());
        assert_eq!(reference_names(HOST, &h, Some("example.test")), [HOST, "real.example.test", "example.test"]);
        assert_eq!(reference_names(HOST, &h, Some(HOST)), [HOST, "real.example.test"], "no name twice");
    }

    fn at(days: i64) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + time::Duration::days(days)
    }
}
