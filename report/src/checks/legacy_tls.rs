//! The legacy TLS check: which protocol versions an address accepts, from STARTTLS and the legacy probe.

use crate::model::depth::{LegacyOutcome, TlsVersions, SSL3, TLS10, TLS11, TLS12, TLS13};
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, StartTlsOutcome, TlsFailure};

/// Recomputes `a.tls_versions` from the main handshake and the legacy probe. Called by the fold
/// after every step, so the order in which the two arrive does not matter.
pub fn refresh_tls_versions(a: &mut AddressReport) {
    let legacy = a.tls_versions.take().and_then(|v| v.legacy);
    let tried = a
        .starttls
        .as_ref()
        .is_some_and(|s| !matches!(s.outcome, StartTlsOutcome::NotOffered | StartTlsOutcome::Skipped));
    if !tried && legacy.is_none() {
        return;
    }
    let mut versions = TlsVersions { legacy: legacy.clone(), ..TlsVersions::default() };
    // The main (rustls) handshake offers 1.2 and 1.3: the server picks the highest it accepts.
    let (modern_accepted, modern_refused, modern_unknown): (&[&str], &[&str], &[&str]) = match &a.starttls {
        Some(s) if s.outcome == StartTlsOutcome::Ok => match s.tls_version.as_deref() {
            Some(TLS13) => (&[TLS13], &[], &[TLS12]),
            Some(TLS12) => (&[TLS12], &[TLS13], &[]),
            _ => (&[], &[], &[TLS12, TLS13]),
        },
        Some(s) if s.failure == Some(TlsFailure::LegacyVersionOnly) => (&[], &[TLS12, TLS13], &[]),
        _ => (&[], &[], &[TLS12, TLS13]),
    };
    // The legacy probe offers up to 1.1: a ServerHello names the highest legacy version accepted.
    let (old_accepted, old_refused, old_unknown): (&[&str], &[&str], &[&str]) = match &legacy {
        Some(p) if p.outcome == LegacyOutcome::Accepted => match p.version.as_deref() {
            Some(TLS11) => (&[TLS11], &[], &[TLS10]),
            Some(TLS10) => (&[TLS10], &[TLS11], &[]),
            Some(SSL3) => (&[SSL3], &[TLS10, TLS11], &[]),
            _ => (&[], &[], &[TLS10, TLS11]),
        },
        Some(p) if p.outcome == LegacyOutcome::Refused => (&[], &[TLS10, TLS11], &[]),
        _ => (&[], &[], &[TLS10, TLS11]),
    };
    let own = |lists: [&[&str]; 2]| lists.concat().into_iter().map(str::to_owned).collect::<Vec<_>>();
    versions.accepted = own([old_accepted, modern_accepted]);
    versions.refused = own([old_refused, modern_refused]);
    versions.not_tested = own([old_unknown, modern_unknown]);
    a.tls_versions = Some(versions);
}

/// The legacy versions (older than TLS 1.2) the server was seen to accept.
pub fn legacy_accepted(a: &AddressReport) -> Vec<String> {
    let Some(v) = &a.tls_versions else { return Vec::new() };
    v.accepted.iter().filter(|v| ![TLS12, TLS13].contains(&v.as_str())).cloned().collect()
}

/// The legacy TLS findings: SSLv3, TLS 1.0 or 1.1 accepted, or the legacy probe not run.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(v) = &a.tls_versions {
        let legacy = legacy_accepted(a);
        let legacy_only = a.starttls.as_ref().is_some_and(|s| s.failure == Some(TlsFailure::LegacyVersionOnly));
        // Legacy-only is the critical `tls_legacy_only` finding, raised by `assess` from the handshake.
        if !legacy.is_empty() && !legacy_only {
            out.push(FindingKind::TlsLegacyAccepted { ip: ip.clone(), versions: legacy });
        } else if let Some(p) = v.legacy.as_ref().filter(|p| p.outcome == LegacyOutcome::NotTested) {
            out.push(FindingKind::TlsLegacyNotTested {
                ip: ip.clone(),
                reason: p.detail.clone(),
                why: p.answer.clone(),
            });
        }
    }
    out
}
