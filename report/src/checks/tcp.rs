//! The connect check: port 25 reached, refused, silent, blocked as not public, or not routable from here.

use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, ConnectFailure, TcpOutcome};

/// The connect check: whether port 25 of an address could be reached, and if not, why.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(tcp) = &a.tcp {
        let detail = tcp.detail.clone().unwrap_or_default();
        let failure = tcp.failure.clone();
        match tcp.outcome {
            TcpOutcome::Connected => {}
            TcpOutcome::Blocked => {
                let range = match failure {
                    Some(ConnectFailure::NotPublic { range }) => range,
                    _ => detail,
                };
                out.push(FindingKind::TargetBlocked { ip: ip.clone(), range })
            }
            TcpOutcome::NoRoute => out.push(FindingKind::NoRouteFromHere { ip: ip.clone(), detail }),
            TcpOutcome::Timeout if a.timeout_may_be_local => {
                out.push(FindingKind::Port25Timeout { ip: ip.clone(), detail, failure })
            }
            other => out.push(FindingKind::Port25Unreachable {
                ip: ip.clone(),
                outcome: serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                detail,
                failure,
            }),
        }
    }
    out
}
