//! The STARTTLS check: offered, accepted, a handshake senders complete, and nothing injected before it.

use crate::checks::inspection::inspection;
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, StartTlsOutcome, TlsFailure};

/// The STARTTLS findings: offered, accepted, the handshake and what followed the 220.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(s) = &a.starttls {
        let error = s.error.clone().unwrap_or_default();
        match s.outcome {
            StartTlsOutcome::Ok => out.push(FindingKind::TlsOk {
                version: s.tls_version.clone().unwrap_or_default(),
                cipher: s.cipher_suite.clone().unwrap_or_default(),
            }),
            // Hidden by a firewall's SMTP inspection: that finding names the cause and the fix.
            StartTlsOutcome::NotOffered if inspection(a).is_some_and(|i| i.starttls_hidden) => {}
            StartTlsOutcome::NotOffered => out.push(FindingKind::StartTlsNotOffered { ip: ip.clone() }),
            StartTlsOutcome::Rejected => {
                out.push(FindingKind::StartTlsRejected { ip: ip.clone(), reply: error, no_reply: s.no_reply.clone() })
            }
            StartTlsOutcome::HandshakeFailed => out.push(match s.failure {
                Some(TlsFailure::LegacyVersionOnly) => FindingKind::TlsLegacyOnly {
                    ip: ip.clone(),
                    error,
                    versions: crate::checks::legacy_tls::legacy_accepted(a),
                },
                // Ordinary (OpenSSL-based) senders still encrypt: a warning with the suite, not "no TLS".
                Some(TlsFailure::NoSharedCipher) => match crate::checks::tls_quality::ordinary_fallback(a) {
                    Some(o) => FindingKind::TlsOutdatedSuitesOnly {
                        ip: ip.clone(),
                        suite: o.suite.clone().unwrap_or_default(),
                        version: o.version.clone().unwrap_or_default(),
                        error,
                    },
                    None => FindingKind::TlsNoSharedCipher { ip: ip.clone(), error },
                },
                _ => FindingKind::TlsHandshakeFailed { ip: ip.clone(), error, problem: s.handshake_problem.clone() },
            }),
            // A 421 to STARTTLS: the server-closed finding below says it.
            StartTlsOutcome::NotTestable if a.server_closed.as_ref().is_some_and(|c| c.command == "STARTTLS") => {}
            StartTlsOutcome::NotTestable => {
                out.push(FindingKind::TlsNotTestable { ip: ip.clone(), reason: error, why: s.not_testable.clone() })
            }
            StartTlsOutcome::Skipped => {}
        }
        if s.pipelined_plaintext {
            out.push(FindingKind::StartTlsInjection { ip: ip.clone() });
        }
    }
    out
}
