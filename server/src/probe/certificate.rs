//! Judging a recorded chain: trust to a root, name, dates, and the facts of each certificate.
//! Each judgement is separate, so an expired certificate still says whether its chain is trusted.

use app::report::{CertificateInfo, CertificateReport};
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

/// Judges a chain (leaf first) for the MX `host` at time `now` (Unix seconds).
pub fn judge(ctx: &TlsContext, chain: &[CertificateDer<'static>], host: &str, now: i64) -> Option<CertificateReport> {
    let leaf_der = chain.first()?;
    let infos: Vec<CertificateInfo> = chain.iter().filter_map(|c| describe(c)).collect();
    let (_, leaf) = X509Certificate::from_der(leaf_der).ok()?;
    let (not_before, not_after) = (leaf.validity().not_before.timestamp(), leaf.validity().not_after.timestamp());
    let expired = now > not_after || now < not_before;
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();
    let parsed = ParsedCertificate::try_from(leaf_der).ok();
    let hostname_matches = match (&parsed, ServerName::try_from(host)) {
        (Some(p), Ok(name)) => rustls::client::verify_server_name(p, &name).is_ok(),
        _ => false,
    };
    // Judge the chain at a moment the leaf is valid, so "expired" and "untrusted" stay separate facts.
    let chain_time = if expired { not_before + (not_after - not_before) / 2 } else { now };
    let trust = match &parsed {
        Some(p) => verify_server_cert_signed_by_trust_anchor(
            p,
            &ctx.roots,
            &chain[1..],
            UnixTime::since_unix_epoch(Duration::from_secs(chain_time.max(0).unsigned_abs())),
            ctx.provider.signature_verification_algorithms.all,
        ),
        None => Err(TlsError::InvalidCertificate(CertificateError::BadEncoding)),
    };
    Some(CertificateReport {
        trusted: trust.is_ok(),
        trust_error: trust.err().map(|e| explain(&e)),
        hostname_matches,
        expired,
        self_signed,
        days_until_expiry: (not_after - now).div_euclid(DAY),
        chain: infos,
    })
}

/// A readable reason for a failed chain verification.
fn explain(error: &TlsError) -> String {
    match error {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "issuer not trusted (unknown CA, self-signed, or missing intermediate certificate)".into()
        }
        TlsError::InvalidCertificate(CertificateError::BadSignature) => "a signature in the chain is invalid".into(),
        TlsError::InvalidCertificate(e) => format!("{e:?}"),
        other => other.to_string(),
    }
}

/// The facts of one certificate.
fn describe(der: &CertificateDer<'_>) -> Option<CertificateInfo> {
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
    Some(CertificateInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        serial: c.raw_serial_as_string(),
        not_before: rfc3339(c.validity().not_before.timestamp()),
        not_after: rfc3339(c.validity().not_after.timestamp()),
        san,
        key_algorithm,
        key_bits,
        signature_algorithm: oid_name(registry, &c.signature_algorithm.algorithm),
        sha256: Sha256::digest(der.as_ref()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"),
    })
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
