//! The open relay check: MAIL FROM + RCPT TO for an outside domain (never DATA), the forged local
//! sender, the routing forms and postscreen's return visit, judged from the relay report.

use crate::checks::marks::refusal_shown;
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, RelayOutcome, RelayReason};

/// The open relay findings: the plain probe, the forged local sender, the bypass forms and the revisit.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(r) = &a.open_relay {
        let reply = r.rcpt_to.clone().or_else(|| r.mail_from.clone()).unwrap_or_default();
        if let Some(revisit) = &r.revisit {
            out.push(FindingKind::RelayRevisited {
                ip: ip.clone(),
                reason: revisit.reason,
                reply: revisit.reply.clone(),
                error: revisit.error.clone(),
                failure: revisit.failure.clone(),
            });
        }
        let local = r.local_sender.as_ref().filter(|_| r.relays_for_local_sender());
        let unanswered = r.attempts.last().and_then(|last| last.unanswered.clone());
        match r.outcome {
            RelayOutcome::Accepted => out.push(FindingKind::OpenRelay { ip: ip.clone(), reply }),
            // "Not an open relay" only when no forged local sender got through either.
            RelayOutcome::Refused if local.is_some() => {}
            RelayOutcome::Refused if refusal_shown(r) => out.push(FindingKind::RelayRefused { reply }),
            RelayOutcome::Refused | RelayOutcome::Inconclusive => {
                out.push(FindingKind::RelayInconclusive { ip: ip.clone(), reply, reason: r.reason, unanswered })
            }
            RelayOutcome::Skipped => {}
        }
        if let Some(local) = local {
            out.push(FindingKind::OpenRelayLocalSender {
                ip: ip.clone(),
                domain: local.sender.rsplit_once('@').map(|(_, d)| d.to_owned()).unwrap_or_default(),
                sender: local.sender.clone(),
                reply: local.rcpt_to.clone().unwrap_or_default(),
            });
        }
        let forms: Vec<_> = r.bypass.iter().filter(|b| b.accepted).cloned().collect();
        // A routing form to a domain the server hosts is delivery too, like the plain probe.
        if !forms.is_empty() && r.reason != Some(RelayReason::SameProvider) {
            out.push(FindingKind::RelayBypassAccepted { ip: ip.clone(), forms });
        }
    }
    out
}
