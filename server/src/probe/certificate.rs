//! Judging a recorded chain: trust to a root, name, dates, and the facts of each certificate.
//! Each judgement is separate, so an expired certificate still says whether its chain is trusted.

use mxray_report::model::report::{CertificateInfo, CertificateReport};
use rustls::client::verify_server_cert_signed_by_trust_anchor;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, Error as TlsError};
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_parser::objects::{oid2sn, oid_registry};
use x509_parser::oid_registry::{Oid, OidRegistry};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::clock::rfc3339;
use super::tls::TlsContext;

const DAY: i64 = 86_400;

/// Judges a chain (leaf first) for the MX `host` at time `now` (Unix seconds). `None` only for an
/// empty chain: a leaf the X.509 parser cannot read is reported with `parse_error`.
pub fn judge(ctx: &TlsContext, chain: &[CertificateDer<'static>], host: &str, now: i64) -> Option<CertificateReport> {
    let leaf_der = chain.first()?;
    let parsed = ParsedCertificate::try_from(leaf_der).ok();
    let hostname_matches = match (&parsed, ServerName::try_from(host)) {
        (Some(p), Ok(name)) => rustls::client::verify_server_name(p, &name).is_ok(),
        _ => false,
    };
    let leaf = match X509Certificate::from_der(leaf_der) {
        Ok((_, leaf)) => leaf,
        Err(e) => {
            // Name and trust as the handshake's own parser sees them; dates and chain stay unjudged.
            let trust = verify(ctx, parsed.as_ref(), chain, now);
            return Some(CertificateReport {
                trusted: trust.is_ok(),
                trust_error: trust.err().map(|e| explain(&e)),
                unknown_issuer: None,
                hostname_matches,
                expired: false,
                not_yet_valid: false,
                self_signed: false,
                days_until_expiry: 0,
                chain: Vec::new(),
                parse_error: Some(e.to_string()),
            });
        }
    };
    let (not_before, not_after) = (leaf.validity().not_before.timestamp(), leaf.validity().not_after.timestamp());
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();
    // Judge the chain at a moment every certificate sent is valid (else the leaf), so dates and
    // trust stay separate facts: an expired leaf or intermediate still says whether its chain is trusted.
    let chain_time = chain_time(chain, (not_before, not_after), now);
    let trust = verify(ctx, parsed.as_ref(), chain, chain_time);
    // Which certificates senders use: the path that verifies now, else the one at that moment. A
    // sent certificate off both (an old cross-sign) is an extra that validating senders ignore.
    let path = match trust {
        Ok(()) => verified_path(ctx, chain, now).or_else(|| verified_path(ctx, chain, chain_time)),
        Err(_) => None,
    };
    let infos: Vec<CertificateInfo> = chain
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let mut info = describe(c, now)?;
            info.off_path = i > 0 && path.as_ref().is_some_and(|p| !p.contains(&i));
            Some(info)
        })
        .collect();
    let unknown_issuer = matches!(trust, Err(TlsError::InvalidCertificate(CertificateError::UnknownIssuer)))
        .then(|| chain_end(&infos))
        .flatten();
    Some(CertificateReport {
        trusted: trust.is_ok(),
        trust_error: trust.err().map(|e| explain(&e)),
        unknown_issuer,
        hostname_matches,
        expired: now > not_after,
        not_yet_valid: now < not_before,
        self_signed,
        days_until_expiry: (not_after - now).div_euclid(DAY),
        chain: infos,
        parse_error: None,
    })
}

/// The chain verified to the trusted roots at `at` (Unix seconds).
fn verify(
    ctx: &TlsContext,
    leaf: Option<&ParsedCertificate<'_>>,
    chain: &[CertificateDer<'static>],
    at: i64,
) -> Result<(), TlsError> {
    let Some(leaf) = leaf else { return Err(TlsError::InvalidCertificate(CertificateError::BadEncoding)) };
    verify_server_cert_signed_by_trust_anchor(
        leaf,
        &ctx.roots,
        &chain[1..],
        unix_time(at),
        ctx.provider.signature_verification_algorithms.all,
    )
}

/// The positions in `chain` of the intermediates on the path that verifies to a trusted root at
/// `at` (Unix seconds); `None` when no path does. webpki tries trust anchors before the
/// certificates sent, so an extra sent along (a cross-sign of a trusted root) stays off the path.
fn verified_path(ctx: &TlsContext, chain: &[CertificateDer<'static>], at: i64) -> Option<Vec<usize>> {
    let leaf = webpki::EndEntityCert::try_from(chain.first()?).ok()?;
    let path = leaf
        .verify_for_usage(
            ctx.provider.signature_verification_algorithms.all,
            &ctx.roots.roots,
            &chain[1..],
            unix_time(at),
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .ok()?;
    let on_path = path
        .intermediate_certificates()
        .filter_map(|c| chain.iter().skip(1).position(|sent| sent.as_ref() == c.der().as_ref()).map(|i| i + 1))
        .collect();
    Some(on_path)
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(at.max(0).unsigned_abs()))
}

/// A moment (Unix seconds) at which every certificate of `chain` is valid, else one at which the
/// leaf (valid from `leaf.0` to `leaf.1`) is, else `now`: chain checks at it leave dates aside.
pub(super) fn chain_time(chain: &[CertificateDer<'_>], leaf: (i64, i64), now: i64) -> i64 {
    let windows = chain.iter().filter_map(|c| X509Certificate::from_der(c).ok()).map(|(_, c)| window(&c));
    let all = windows.fold(leaf, |(f, t), (a, b)| (f.max(a), t.min(b)));
    moment(all, now).or_else(|| moment(leaf, now)).unwrap_or(now)
}

/// A certificate's validity as Unix seconds.
fn window(c: &X509Certificate<'_>) -> (i64, i64) {
    (c.validity().not_before.timestamp(), c.validity().not_after.timestamp())
}

/// `now` when it lies in the window, else the window's middle; `None` for an empty window.
fn moment((from, to): (i64, i64), now: i64) -> Option<i64> {
    if from > to {
        None
    } else if (from..=to).contains(&now) {
        Some(now)
    } else {
        Some(from + (to - from) / 2)
    }
}

/// The issuer named by the topmost certificate sent: from the leaf, follow issuer names through
/// the certificates sent (in any order, extras skipped) until one is self-signed or its issuer was
/// not sent.
fn chain_end(infos: &[CertificateInfo]) -> Option<String> {
    let mut current = infos.first()?;
    for _ in 1..infos.len() {
        if current.subject == current.issuer {
            break;
        }
        match infos.iter().find(|c| c.subject == current.issuer) {
            Some(next) => current = next,
            None => break,
        }
    }
    Some(current.issuer.clone())
}

/// A readable reason for a failed chain verification.
fn explain(error: &TlsError) -> String {
    match error {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "issuer not trusted (unknown CA, self-signed, or missing intermediate certificate)".into()
        }
        TlsError::InvalidCertificate(CertificateError::BadSignature) => "a signature in the chain is invalid".into(),
        TlsError::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => "no moment when every certificate in the chain is valid (an intermediate is out of date)".into(),
        TlsError::InvalidCertificate(e) => format!("{e:?}"),
        other => other.to_string(),
    }
}

/// The facts of one certificate at `now`.
fn describe(der: &CertificateDer<'_>, now: i64) -> Option<CertificateInfo> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    let registry = oid_registry();
    let san = match c.subject_alternative_name() {
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
    };
    let (key_algorithm, key_bits) = key_facts(&c, registry);
    let (not_before, not_after) = window(&c);
    Some(CertificateInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        serial: c.raw_serial_as_string(),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        san,
        key_algorithm,
        key_bits,
        signature_algorithm: oid_name(registry, &c.signature_algorithm.algorithm),
        sha256: Sha256::digest(der.as_ref()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"),
        expired: now > not_after,
        not_yet_valid: now < not_before,
        off_path: false,
    })
}

/// The key algorithm and size of a certificate (DER), named as the chain report names them.
pub fn key_of(der: &[u8]) -> Option<(String, Option<u32>)> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    Some(key_facts(&c, oid_registry()))
}

fn key_facts(c: &X509Certificate<'_>, registry: &OidRegistry<'_>) -> (String, Option<u32>) {
    let spki = c.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(k)) => ("RSA".into(), u32::try_from(k.key_size()).ok()),
        Ok(PublicKey::EC(p)) => ("EC".into(), u32::try_from(p.key_size()).ok()),
        Ok(PublicKey::DSA(_)) => ("DSA".into(), None),
        _ => (oid_name(registry, &spki.algorithm.algorithm), None),
    }
}

fn oid_name(registry: &OidRegistry<'_>, oid: &Oid<'_>) -> String {
    oid2sn(oid, registry).map(str::to_owned).unwrap_or_else(|_| oid.to_id_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::checks::assess::address_findings;
    use mxray_report::checks::marks::{step_mark, Step};
    use mxray_report::model::report::{AddressReport, Mark};
    use mxray_report::{FindingKind, Severity};
    use mxray_testkit::ca::self_signed;
    use mxray_testkit::TestCa;
    use rustls::RootCertStore;
    use std::sync::Arc;
    use time::OffsetDateTime;

    const HOST: &str = "mx.example.com";
    /// 2030-03-17T17:46:40Z: every judgement here is at this fixed moment.
    const NOW: i64 = 1_900_000_000;

    fn at(seconds_from_now: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(NOW + seconds_from_now).unwrap()
    }

    fn context(ca: &TestCa) -> TlsContext {
        let mut roots = RootCertStore::empty();
        roots.add(ca.der().clone()).unwrap();
        TlsContext { provider: Arc::new(rustls::crypto::ring::default_provider()), roots: Arc::new(roots) }
    }

    /// A leaf of `ca` for `names`, valid from `from` to `to` days around `NOW`.
    fn leaf(ca: &TestCa, names: &[&str], from: i64, to: i64) -> Vec<CertificateDer<'static>> {
        ca.leaf_between(names, at(from * DAY), at(to * DAY)).chain
    }

    fn judged(ca: &TestCa, chain: &[CertificateDer<'static>]) -> CertificateReport {
        judge(&context(ca), chain, HOST, NOW).expect("a report")
    }

    /// The findings and the Certificate mark the report earns.
    fn assessed(c: &CertificateReport) -> (Vec<FindingKind>, Mark) {
        let mut a = AddressReport::pending("192.0.2.10".parse().unwrap());
        a.certificate = Some(c.clone());
        (address_findings(&a, HOST, None), step_mark(&a, Step::Certificate))
    }

    #[test]
    fn a_valid_chain_is_judged_fact_by_fact() {
        let ca = TestCa::new();
        let c = judged(&ca, &leaf(&ca, &[HOST], -1, 365));
        assert_eq!((c.trusted, c.trust_error.as_deref(), c.unknown_issuer.as_deref()), (true, None, None));
        assert_eq!((c.hostname_matches, c.self_signed), (true, false));
        assert_eq!(
            (c.expired, c.not_yet_valid, c.days_until_expiry, c.parse_error.as_deref()),
            (false, false, 365, None)
        );
        assert_eq!(c.chain.len(), 2);
        let (l, root) = (&c.chain[0], &c.chain[1]);
        assert_eq!((l.issuer.as_str(), l.san.as_slice()), ("CN=mxray test CA", [HOST.to_owned()].as_slice()));
        assert_eq!((l.not_before.as_str(), l.not_after.as_str()), ("2030-03-16T17:46:40Z", "2031-03-17T17:46:40Z"));
        assert_eq!((l.key_algorithm.as_str(), l.key_bits, l.expired, l.not_yet_valid), ("EC", Some(256), false, false));
        assert_eq!(root.subject, "CN=mxray test CA");
        assert_eq!(assessed(&c), (vec![FindingKind::CertificateValid { days: 365 }], Mark::Ok));
        assert!(judge(&context(&ca), &[], HOST, NOW).is_none());
    }

    #[test]
    fn fourteen_days_left_is_fine_and_thirteen_is_a_warning() {
        let ca = TestCa::new();
        let c = judged(&ca, &ca.leaf_between(&[HOST], at(-DAY), at(14 * DAY)).chain);
        assert_eq!(c.days_until_expiry, 14);
        assert_eq!(assessed(&c), (vec![FindingKind::CertificateValid { days: 14 }], Mark::Ok));

        // One second less is 13 whole days.
        let c = judged(&ca, &ca.leaf_between(&[HOST], at(-DAY), at(14 * DAY - 1)).chain);
        assert_eq!((c.days_until_expiry, c.expired), (13, false));
        let expected = FindingKind::CertificateExpiresSoon { days: 13, not_after: "2030-03-31T17:46:39Z".into() };
        assert_eq!(assessed(&c), (vec![expected], Mark::Warning));
    }

    #[test]
    fn not_yet_valid_is_its_own_fact_not_expired() {
        let ca = TestCa::new();
        let c = judged(&ca, &leaf(&ca, &[HOST], 10, 375));
        assert_eq!((c.not_yet_valid, c.expired, c.days_until_expiry), (true, false, 375));
        assert_eq!((c.chain[0].not_yet_valid, c.chain[0].expired), (true, false));
        assert!(c.trusted && c.hostname_matches, "dates and trust stay separate: {c:?}");
        let (findings, mark) = assessed(&c);
        assert_eq!(findings, [FindingKind::CertificateNotYetValid { not_before: "2030-03-27T17:46:40Z".into() }]);
        assert_eq!((findings[0].severity(), mark), (Severity::Critical, Mark::Critical));
        assert_eq!(findings[0].code(), "certificate_not_yet_valid");
    }

    #[test]
    fn an_expired_leaf_is_expired_and_still_trusted() {
        let ca = TestCa::new();
        let c = judged(&ca, &leaf(&ca, &[HOST], -400, -10));
        assert_eq!((c.expired, c.not_yet_valid, c.days_until_expiry, c.trusted), (true, false, -10, true));
        let (findings, mark) = assessed(&c);
        assert_eq!(findings, [FindingKind::CertificateExpired { not_after: "2030-03-07T17:46:40Z".into() }]);
        assert_eq!(mark, Mark::Critical);
    }

    #[test]
    fn a_leaf_without_its_intermediate_is_untrusted_not_self_signed() {
        let ca = TestCa::new();
        let intermediate = ca.intermediate("mxray test intermediate", at(-30 * DAY), at(700 * DAY));
        let chain = leaf(&intermediate, &[HOST], -1, 365);
        assert_eq!(chain.len(), 3, "leaf, intermediate, root");
        assert!(judged(&ca, &chain).trusted, "the full chain verifies");

        let c = judged(&ca, &chain[..1]);
        assert_eq!((c.trusted, c.self_signed, c.hostname_matches, c.expired), (false, false, true, false));
        assert_eq!(
            c.trust_error.as_deref(),
            Some("issuer not trusted (unknown CA, self-signed, or missing intermediate certificate)")
        );
        assert_eq!(c.unknown_issuer.as_deref(), Some("CN=mxray test intermediate"));
        let (findings, mark) = assessed(&c);
        assert_eq!(
            findings,
            [FindingKind::CertificateUntrusted {
                error: c.trust_error.clone().unwrap(),
                issuer: Some("CN=mxray test intermediate".into()),
                sent: 1,
                issuer_sent: false,
            }]
        );
        assert_eq!(mark, Mark::Warning);
        assert!(findings[0].texts(mxray_report::Lang::En).detail.contains(
            "sends only its own certificate; the certificate that issued it (CN=mxray test intermediate) is missing"
        ));
    }

    #[test]
    fn a_chain_to_an_unknown_root_names_where_it_stops() {
        let (trusted, other) = (TestCa::new(), TestCa::named("mxray unknown root"));
        let intermediate = other.intermediate("mxray other intermediate", at(-30 * DAY), at(700 * DAY));
        let chain = leaf(&intermediate, &[HOST], -1, 365);
        let c = judged(&trusted, &chain);
        assert_eq!((c.trusted, c.self_signed), (false, false));
        assert_eq!(c.unknown_issuer.as_deref(), Some("CN=mxray unknown root"));
        let detail = |c: &CertificateReport| assessed(c).0[0].texts(mxray_report::Lang::En).detail;
        assert!(detail(&c).contains("ends at the root CN=mxray unknown root, which is not a publicly trusted root"));
        // Without the root, and sent in the wrong order: the chain still stops at the same issuer,
        // now one that was not sent.
        let c = judged(&trusted, &[chain[0].clone(), chain[1].clone()]);
        assert_eq!(c.unknown_issuer.as_deref(), Some("CN=mxray unknown root"));
        assert!(detail(&c).contains("issued by CN=mxray unknown root, which is neither among the certificates sent"));
    }

    #[test]
    fn an_expired_intermediate_is_named_and_critical() {
        let ca = TestCa::new();
        let intermediate = ca.intermediate("mxray test expired intermediate", at(-400 * DAY), at(-5 * DAY));
        let c = judged(&ca, &leaf(&intermediate, &[HOST], -30, 335));
        assert_eq!((c.expired, c.not_yet_valid, c.days_until_expiry), (false, false, 335));
        assert!(c.trusted, "judged when every certificate was valid: {c:?}");
        assert_eq!((c.chain[1].subject.as_str(), c.chain[1].expired), ("CN=mxray test expired intermediate", true));
        assert_eq!((c.chain[0].expired, c.chain[2].expired), (false, false));
        let (findings, mark) = assessed(&c);
        assert_eq!(
            findings,
            [FindingKind::CertificateIntermediateExpired {
                subject: "CN=mxray test expired intermediate".into(),
                not_after: "2030-03-12T17:46:40Z".into(),
            }]
        );
        assert_eq!((findings[0].severity(), mark), (Severity::Critical, Mark::Critical));
        assert_eq!(
            findings[0].texts(mxray_report::Lang::En).detail,
            "The intermediate certificate CN=mxray test expired intermediate, sent with the leaf, expired on \
             2030-03-12T17:46:40Z; senders that check certificates reject the chain."
        );
    }

    #[test]
    fn an_expired_cross_sign_off_the_verified_path_is_only_info() {
        // The AddTrust case: root → intermediate → leaf verifies, and the server also sends the
        // root's own key cross-signed by an older root, expired.
        let (root, old) = (TestCa::new(), TestCa::named("mxray old root"));
        let intermediate = root.intermediate("mxray test intermediate", at(-30 * DAY), at(700 * DAY));
        let mut chain = leaf(&intermediate, &[HOST], -1, 365);
        chain.truncate(2);
        chain.push(root.cross_signed_by(&old, at(-3000 * DAY), at(-5 * DAY)));
        let c = judged(&root, &chain);
        assert!(c.trusted, "{c:?}");
        let facts: Vec<(bool, bool)> = c.chain.iter().map(|i| (i.expired, i.off_path)).collect();
        assert_eq!(facts, [(false, false), (false, false), (true, true)], "only the cross-sign is off the path");
        let (findings, mark) = assessed(&c);
        assert_eq!(
            findings,
            [
                FindingKind::CertificateValid { days: 365 },
                FindingKind::CertificateIntermediateUnused {
                    subject: "CN=mxray test CA".into(),
                    not_before: "2021-12-29T17:46:40Z".into(),
                    not_after: "2030-03-12T17:46:40Z".into(),
                },
            ]
        );
        assert_eq!((findings[1].severity(), mark), (Severity::Info, Mark::Ok));
        assert!(findings[1].texts(mxray_report::Lang::En).remedy.contains("Remove it from the chain file"));

        // Trusting only the old root, the path needs the expired cross-sign: it counts in full.
        let c = judged(&old, &chain);
        assert!(!c.trusted && c.chain.iter().all(|i| !i.off_path), "{c:?}");
        let codes: Vec<&str> = assessed(&c).0.iter().map(FindingKind::code).collect();
        assert_eq!(codes, ["certificate_intermediate_expired", "certificate_untrusted"]);
        // An expired intermediate on the path that verifies is still critical (not an extra).
        let needed = root.intermediate("mxray test expired intermediate", at(-400 * DAY), at(-5 * DAY));
        let c = judged(&root, &leaf(&needed, &[HOST], -30, 335));
        assert!(c.trusted && !c.chain[1].off_path, "{c:?}");
    }

    #[test]
    fn an_intermediate_expired_before_the_leaf_began_also_breaks_trust() {
        let ca = TestCa::new();
        let intermediate = ca.intermediate("mxray test expired intermediate", at(-400 * DAY), at(-50 * DAY));
        let c = judged(&ca, &leaf(&intermediate, &[HOST], -30, 335));
        assert!(!c.trusted && c.chain[1].expired && !c.expired, "{c:?}");
        assert_eq!(c.unknown_issuer, None);
        assert_eq!(
            c.trust_error.as_deref(),
            Some("no moment when every certificate in the chain is valid (an intermediate is out of date)")
        );
        let (findings, mark) = assessed(&c);
        let codes: Vec<&str> = findings.iter().map(FindingKind::code).collect();
        assert_eq!(codes, ["certificate_intermediate_expired", "certificate_untrusted"]);
        assert_eq!(mark, Mark::Critical);
    }

    #[test]
    fn a_wildcard_matches_exactly_one_label() {
        let ca = TestCa::new();
        let chain = leaf(&ca, &["*.example.com"], -1, 365);
        let matches = |host: &str| judge(&context(&ca), &chain, host, NOW).unwrap().hostname_matches;
        assert_eq!(
            [matches("mx.example.com"), matches("a.mx.example.com"), matches("example.com"), matches("mx.example.org")],
            [true, false, false, false]
        );
        let c = judge(&context(&ca), &chain, "a.mx.example.com", NOW).unwrap();
        let mut a = AddressReport::pending("192.0.2.10".parse().unwrap());
        a.certificate = Some(c);
        assert_eq!(
            address_findings(&a, "a.mx.example.com", None),
            [FindingKind::CertificateNameMismatch { host: "a.mx.example.com".into(), names: "*.example.com".into() }]
        );
    }

    #[test]
    fn an_rsa_1024_key_is_weak() {
        let ca = TestCa::new();
        let c = judged(&ca, &ca.rsa_1024_chain(&[HOST], at(-DAY), at(365 * DAY)));
        assert_eq!((c.chain[0].key_algorithm.as_str(), c.chain[0].key_bits), ("RSA", Some(1024)));
        assert!(c.trusted && c.hostname_matches);
        let (findings, mark) = assessed(&c);
        assert_eq!(findings, [FindingKind::CertificateWeakKey { algorithm: "RSA".into(), bits: 1024 }]);
        assert_eq!(mark, Mark::Warning);
    }

    #[test]
    fn a_self_signed_leaf_stops_at_itself() {
        let ca = TestCa::new();
        let c = judge(&context(&ca), &self_signed(&[HOST]).chain, HOST, now_for_relative_certs()).unwrap();
        assert_eq!((c.self_signed, c.trusted, c.hostname_matches), (true, false, true));
        assert_eq!(c.unknown_issuer.as_deref(), Some(c.chain[0].subject.as_str()));
        let (findings, _) = assessed(&c);
        assert_eq!(findings, [FindingKind::CertificateSelfSigned { subject: format!("CN={HOST}") }]);
    }

    /// `self_signed` makes a certificate valid around the real now.
    fn now_for_relative_certs() -> i64 {
        crate::probe::clock::now_unix()
    }

    #[test]
    fn an_unreadable_leaf_is_reported_not_dropped() {
        let ca = TestCa::new();
        let mut chain = leaf(&ca, &[HOST], -1, 365);
        chain[0] = CertificateDer::from(b"\x30\x03\x02\x01\x00 not a certificate".to_vec());
        let c = judged(&ca, &chain);
        assert_eq!(
            c.parse_error.as_deref(),
            Some("Parsing Error: Der(UnexpectedTag { expected: Some(Tag(16)), actual: Tag(2) })")
        );
        assert_eq!(
            (c.trusted, c.hostname_matches, c.expired, c.not_yet_valid, c.self_signed),
            (false, false, false, false, false)
        );
        assert_eq!((c.days_until_expiry, c.chain.len(), c.unknown_issuer.as_deref()), (0, 0, None));
        assert_eq!(c.trust_error.as_deref(), Some("BadEncoding"));
        let (findings, mark) = assessed(&c);
        assert_eq!(findings, [FindingKind::CertificateUnreadable { error: c.parse_error.clone().unwrap() }]);
        assert_eq!((findings[0].severity(), mark), (Severity::Warning, Mark::Warning));
    }
}
