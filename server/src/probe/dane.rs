//! DANE for SMTP (RFC 7672): the chain an address presented in its STARTTLS handshake against the
//! host's TLSA records. Pure: no lookups, no connections.

use app::dane::{AddressDane, DaneOutcome, DnssecStatus, HostDane, TlsaRecord};
use app::report::StartTlsOutcome;
use app::StepResult;
use rustls::client::verify_server_cert_signed_by_trust_anchor;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::RootCertStore;
use sha2::{Digest, Sha256, Sha512};
use std::time::Duration;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::certificate::chain_time;

/// What one address presented, as far as DANE is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presented {
    /// A TLS session was established with this chain (leaf first).
    Chain(Vec<CertificateDer<'static>>),
    /// The server gave no TLS session (STARTTLS not offered, refused, or the handshake failed).
    NoTls(String),
    /// mxray did not get as far as TLS (no connection, no greeting, deadline…).
    NotReached(String),
}

/// What a STARTTLS step tells DANE before any chain: no TLS, not tested, or (`None`) wait for the chain.
pub fn step_presented(step: &StepResult) -> Option<Presented> {
    let StepResult::Starttls(s) = step else { return None };
    let error = s.error.clone().unwrap_or_default();
    Some(match s.outcome {
        StartTlsOutcome::Ok if !s.pipelined_plaintext => return None,
        StartTlsOutcome::NotOffered => Presented::NoTls("STARTTLS is not offered".into()),
        StartTlsOutcome::Rejected => Presented::NoTls(format!("STARTTLS was refused: {error}")),
        StartTlsOutcome::Ok | StartTlsOutcome::HandshakeFailed => {
            Presented::NoTls(format!("no TLS session was established: {error}"))
        }
        StartTlsOutcome::NotTestable => Presented::NotReached(error),
        StartTlsOutcome::Skipped => Presented::NotReached("STARTTLS was not tried".into()),
    })
}

/// The DANE verdict for an address of `host` that presented `presented`, at `now` (Unix seconds).
pub fn verdict(host: &HostDane, presented: &Presented, provider: &CryptoProvider, now: i64) -> AddressDane {
    match host.tlsa.status {
        DnssecStatus::Bogus => {
            return AddressDane::without_match(
                DaneOutcome::NotTested,
                "the TLSA answer failed DNSSEC validation (bogus)",
            );
        }
        DnssecStatus::Unknown => {
            let why = host.tlsa.detail.clone().unwrap_or_else(|| "no answer".into());
            return AddressDane::without_match(
                DaneOutcome::NotTested,
                format!("the TLSA lookup gave no usable answer: {why}"),
            );
        }
        DnssecStatus::Insecure if !host.records.is_empty() => {
            return AddressDane::without_match(
                DaneOutcome::NotApplicable,
                "the TLSA records are not DNSSEC-signed, so senders ignore them",
            );
        }
        DnssecStatus::Insecure => {
            return AddressDane::without_match(DaneOutcome::NotApplicable, "the zone is not DNSSEC-signed")
        }
        DnssecStatus::Secure if host.records.is_empty() => {
            return AddressDane::without_match(DaneOutcome::NotApplicable, "no TLSA records are published");
        }
        DnssecStatus::Secure if !host.in_force() => {
            return AddressDane::without_match(
                DaneOutcome::NotApplicable,
                "no TLSA record is usable for SMTP (only usages 0/1 or unknown types)",
            );
        }
        DnssecStatus::Secure => {}
    }
    match presented {
        Presented::NoTls(why) => AddressDane::without_match(DaneOutcome::NoTls, why.clone()),
        Presented::NotReached(why) => AddressDane::without_match(DaneOutcome::NotTested, why.clone()),
        Presented::Chain(chain) => match_chain(&host.records, chain, provider, now),
    }
}

/// The first usable record that matches `chain`: DANE-EE against the server's own certificate,
/// DANE-TA against a certificate sent above it that the server's certificate chains up to.
fn match_chain(
    records: &[TlsaRecord],
    chain: &[CertificateDer<'static>],
    provider: &CryptoProvider,
    now: i64,
) -> AddressDane {
    let Some(leaf) = chain.first() else {
        return AddressDane::without_match(DaneOutcome::NotTested, "the server sent no certificate");
    };
    let mut unchained = None;
    for record in records.iter().filter(|r| r.usable()) {
        let matched = |depth: usize| AddressDane {
            outcome: DaneOutcome::Matched,
            matched: Some(record.clone()),
            depth: Some(depth),
            detail: None,
        };
        if record.usage == 3 {
            if matches(record, leaf) {
                return matched(0);
            }
            continue;
        }
        for (depth, ta) in chain.iter().enumerate().skip(1) {
            if !matches(record, ta) {
                continue;
            }
            match chains_to(chain, depth, provider, now) {
                Ok(()) => return matched(depth),
                Err(e) => unchained = Some(format!("{} matches {}, but {e}", record.presentation(), subject(ta))),
            }
        }
    }
    let usable = records.iter().filter(|r| r.usable()).count();
    let hint = association(leaf, 1, 1).map(|a| format!("; the server's key would match \"3 1 1 {}\"", hex(&a)));
    let detail = match unchained {
        Some(why) => why,
        None => {
            format!("none of the {usable} usable TLSA records matches the chain presented{}", hint.unwrap_or_default())
        }
    };
    AddressDane::without_match(DaneOutcome::NoMatch, detail)
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
fn chains_to(
    chain: &[CertificateDer<'static>],
    depth: usize,
    provider: &CryptoProvider,
    now: i64,
) -> Result<(), String> {
    let leaf =
        ParsedCertificate::try_from(&chain[0]).map_err(|e| format!("the server's certificate is unreadable ({e})"))?;
    let mut anchor = RootCertStore::empty();
    anchor.add(chain[depth].clone()).map_err(|e| format!("it cannot serve as a trust anchor ({e})"))?;
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
    .map_err(|e| format!("the server's certificate does not chain up to it ({e})"))
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
    use app::dane::DnssecCheck;
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
            tlsa: DnssecCheck { status, detail: None },
            records,
            addresses: None,
        }
    }

    fn judge(records: Vec<TlsaRecord>, chain: &[CertificateDer<'static>]) -> AddressDane {
        verdict(&host(DnssecStatus::Secure, records), &Presented::Chain(chain.to_vec()), &provider(), now())
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
        let expected = record_for(&chain[0], 3, 1, 1).unwrap().presentation();
        assert!(v.detail.as_deref().unwrap().contains(&expected), "{v:?}");
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
        assert!(v.detail.as_deref().unwrap().contains("does not chain up"), "{v:?}");
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
        let outcome = |h: &HostDane, p: &Presented| verdict(h, p, &provider(), now()).outcome;
        assert_eq!(outcome(&host(DnssecStatus::Insecure, vec![good.clone()]), &presented), DaneOutcome::NotApplicable);
        assert_eq!(outcome(&host(DnssecStatus::Bogus, vec![good.clone()]), &presented), DaneOutcome::NotTested);
        assert_eq!(outcome(&host(DnssecStatus::Unknown, vec![]), &presented), DaneOutcome::NotTested);
        assert_eq!(outcome(&host(DnssecStatus::Secure, vec![]), &presented), DaneOutcome::NotApplicable);
        // PKIX usages 0/1 do not count for SMTP, even when they would match.
        let pkix = vec![record_for(&chain[0], 1, 1, 1).unwrap(), record_for(&chain[1], 0, 0, 1).unwrap()];
        assert_eq!(outcome(&host(DnssecStatus::Secure, pkix), &presented), DaneOutcome::NotApplicable);
        // In force: no TLS is a failure for DANE senders, not reaching TLS is untested.
        let secure = host(DnssecStatus::Secure, vec![good]);
        assert_eq!(outcome(&secure, &Presented::NoTls("STARTTLS not offered".into())), DaneOutcome::NoTls);
        assert_eq!(outcome(&secure, &Presented::NotReached("connection refused".into())), DaneOutcome::NotTested);
        assert_eq!(outcome(&secure, &Presented::Chain(vec![])), DaneOutcome::NotTested);
    }

    fn at(days: i64) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + time::Duration::days(days)
    }
}
