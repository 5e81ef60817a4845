//! The blocklist (DNSBL) check: the address listed, or a list that could not be asked.

use crate::model::depth::DnsblStatus;
use crate::model::finding::FindingKind;
use crate::model::report::AddressReport;

/// The blocklist findings of an address, one per list that lists it or could not be asked.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    for d in &a.dnsbl {
        match d.status {
            DnsblStatus::Listed => out.push(FindingKind::DnsblListed {
                ip: ip.clone(),
                zone: d.zone.clone(),
                codes: d.codes.join(", "),
                reason: d.reason.join(" "),
            }),
            DnsblStatus::Unknown => out.push(FindingKind::DnsblNotTested {
                ip: ip.clone(),
                zone: d.zone.clone(),
                reason: d.detail.clone().unwrap_or_default(),
                problem: d.problem.clone(),
            }),
            DnsblStatus::NotListed => {}
        }
    }
    out
}
