//! The reverse DNS check: PTR names, their forward confirmation, and the name the greeting announces.

use crate::model::depth::{Forward, ReverseDns, ReverseFailure};
use crate::model::finding::FindingKind;
use crate::model::report::AddressReport;
use std::net::IpAddr;

/// The host name a greeting or EHLO line starts with, when it looks like one (an address literal,
/// a bare word or anything else is `None`).
pub fn announced_name(text: &str) -> Option<String> {
    let first = text.lines().next()?.split_whitespace().next()?.trim_end_matches('.');
    let host_like = first.contains('.')
        && first.parse::<IpAddr>().is_err()
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    host_like.then(|| first.to_ascii_lowercase())
}

/// No PTR and an unconfirmed PTR hurt the host's own outgoing mail (warning); a greeting or EHLO
/// name other than the PTR is only scored by some filters when the host sends (info).
fn reverse_findings(a: &AddressReport, r: &ReverseDns, ip: &str) -> Vec<FindingKind> {
    match &r.error {
        Some(ReverseFailure::NoPtr { detail, failure }) => {
            let (detail, failure) = (detail.clone(), failure.clone());
            return vec![FindingKind::PtrMissing { ip: ip.to_owned(), detail, failure }];
        }
        Some(ReverseFailure::Failed { detail, failure }) => {
            let (reason, failure) = (detail.clone(), failure.clone());
            return vec![FindingKind::ReverseDnsNotTested { ip: ip.to_owned(), reason, failure }];
        }
        None => {}
    }
    let names = r.names.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
    if !r.confirmed() {
        let failed = r.names.iter().find_map(|n| match &n.forward {
            Forward::Failed { detail, failure } => Some((detail.clone(), failure.clone())),
            _ => None,
        });
        return vec![match failed {
            Some((reason, failure)) => FindingKind::ReverseDnsNotTested { ip: ip.to_owned(), reason, failure },
            None => FindingKind::PtrNotConfirmed { ip: ip.to_owned(), names },
        }];
    }
    let greeting = a.banner.as_ref().filter(|b| b.code == Some(220)).and_then(|b| announced_name(&b.text));
    let ehlo = a.ehlo.as_ref().filter(|e| e.code == Some(250)).and_then(|e| announced_name(&e.host));
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (step, name) in [("greeting", greeting), ("EHLO", ehlo)] {
        let Some(name) = name else { continue };
        if r.names.iter().any(|n| n.name == name) || seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        out.push(FindingKind::NameNotPtr { ip: ip.to_owned(), step: step.to_owned(), name, ptr: names.clone() });
    }
    out
}

/// The reverse DNS findings of an address.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(r) = &a.reverse_dns {
        out.extend(reverse_findings(a, r, &ip));
    }
    out
}
