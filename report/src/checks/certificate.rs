//! The certificate check: dates, names, trust, key strength and the intermediates sent.

use crate::model::dane::AddressDane;
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, CertificateInfo, CertificateReport};

/// Days before expiry from which a certificate earns a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;
/// Smallest RSA key that is not weak.
const MIN_RSA_BITS: u32 = 2048;

/// The leaf's key algorithm and size when it is a weak RSA key.
pub(crate) fn weak_key(c: &CertificateReport) -> Option<(String, u32)> {
    let leaf = c.chain.first()?;
    match leaf.key_bits {
        Some(bits) if leaf.key_algorithm == "RSA" && bits < MIN_RSA_BITS => Some((leaf.key_algorithm.clone(), bits)),
        _ => None,
    }
}

/// The intermediates sent with the leaf (not the leaf, not roots sent along) that are out of date
/// and that senders need: one the verified path does without is only an extra (see `unused_intermediates`).
pub fn out_of_date_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    stale_intermediates(c).filter(|i| !i.off_path)
}

/// Out-of-date intermediates sent along but not on the path that verified (an old cross-sign,
/// the AddTrust case): validating senders ignore them.
fn unused_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    stale_intermediates(c).filter(|i| i.off_path)
}

/// Every out-of-date certificate sent above the leaf, roots sent along (self-signed) excepted:
/// verifiers use their own copy of a root.
fn stale_intermediates(c: &CertificateReport) -> impl Iterator<Item = &CertificateInfo> {
    c.chain.iter().skip(1).filter(|i| (i.expired || i.not_yet_valid) && i.subject != i.issuer)
}

pub(crate) fn certificate_findings(a: &AddressReport, host: &str) -> Vec<FindingKind> {
    a.certificate.as_ref().map(|c| judge_certificate(c, a.dane.as_ref(), host)).unwrap_or_default()
}

/// Findings about one certificate judged against the MX name `host`, given the address's DANE
/// verdict for that port (if any).
pub(crate) fn judge_certificate(c: &CertificateReport, tlsa: Option<&AddressDane>, host: &str) -> Vec<FindingKind> {
    if let Some(error) = &c.parse_error {
        return vec![FindingKind::CertificateUnreadable { error: error.clone() }];
    }
    // DANE-EE pins the certificate: say so instead of judging names, dates and issuer.
    if let Some(record) = tlsa.filter(|d| d.ee_matched()).and_then(|d| d.matched.as_ref()) {
        let pinned = FindingKind::CertificateDaneEe { record: format!("\"{}\"", record.presentation()) };
        let weak = weak_key(c).map(|(algorithm, bits)| FindingKind::CertificateWeakKey { algorithm, bits });
        return std::iter::once(pinned).chain(weak).collect();
    }
    let Some(leaf) = c.chain.first() else { return Vec::new() };
    let mut out = Vec::new();
    if c.expired {
        out.push(FindingKind::CertificateExpired { not_after: leaf.not_after.clone() });
    } else if c.not_yet_valid {
        out.push(FindingKind::CertificateNotYetValid { not_before: leaf.not_before.clone() });
    } else if c.days_until_expiry < EXPIRY_WARNING_DAYS {
        out.push(FindingKind::CertificateExpiresSoon { days: c.days_until_expiry, not_after: leaf.not_after.clone() });
    }
    for i in out_of_date_intermediates(c) {
        let subject = i.subject.clone();
        out.push(if i.expired {
            FindingKind::CertificateIntermediateExpired { subject, not_after: i.not_after.clone() }
        } else {
            FindingKind::CertificateIntermediateNotYetValid { subject, not_before: i.not_before.clone() }
        });
    }
    if !c.hostname_matches {
        out.push(FindingKind::CertificateNameMismatch { host: host.to_owned(), names: leaf.san.join(", ") });
    }
    if tlsa.is_some_and(AddressDane::ta_anchored) {
        // A DANE-TA record vouches for the issuer (RFC 7672 §3.1.2); the DANE finding says so, and
        // whether the name and dates that DANE-TA still checks pass.
    } else if c.self_signed {
        out.push(FindingKind::CertificateSelfSigned { subject: leaf.subject.clone() });
    } else if !c.trusted {
        let issuer = c.unknown_issuer.clone();
        let issuer_sent = issuer.as_ref().is_some_and(|i| c.chain.iter().any(|sent| &sent.subject == i));
        out.push(FindingKind::CertificateUntrusted {
            error: c.trust_error.clone().unwrap_or_default(),
            issuer,
            sent: c.chain.len(),
            issuer_sent,
        });
    }
    if let Some((algorithm, bits)) = weak_key(c) {
        out.push(FindingKind::CertificateWeakKey { algorithm, bits });
    }
    if out.is_empty() {
        out.push(FindingKind::CertificateValid { days: c.days_until_expiry });
    }
    out.extend(unused_intermediates(c).map(|i| FindingKind::CertificateIntermediateUnused {
        subject: i.subject.clone(),
        not_before: i.not_before.clone(),
        not_after: i.not_after.clone(),
    }));
    out
}
