//! Reverse DNS of one address: its PTR names and whether each resolves back to it (forward-confirmed
//! reverse DNS, FCrDNS). DNS only, run beside the SMTP session; every lookup bounded by the step timeout.

use futures::future::join_all;
use mxray_report::model::depth::{Forward, PtrName, ReverseDns, ReverseFailure};
use std::net::IpAddr;
use std::time::Duration;

use super::dns::{bounded, LookupError, MailDns};

/// Most PTR names followed forward (a host has one; a hostile reverse zone may list hundreds).
pub const MAX_PTR_NAMES: usize = 4;
/// Most addresses kept per forward lookup.
const MAX_FORWARD_ADDRESSES: usize = 8;
/// Longest name kept (a DNS name has at most 253 characters in text form).
const MAX_NAME: usize = 253;

/// The PTR names of `ip` and their forward checks, or why there are none. `None` for loopback
/// addresses: resolvers answer those themselves (`localhost`), which says nothing about the server.
pub async fn check<D: MailDns>(dns: &D, ip: IpAddr, limit: Duration) -> Option<ReverseDns> {
    if ip.is_loopback() {
        return None;
    }
    let names = match bounded(limit, dns.ptr(ip)).await {
        Ok(names) => names,
        Err(e) => {
            let (failure, detail) = e.for_report();
            let error = match e {
                LookupError::NxDomain | LookupError::NoRecords => ReverseFailure::NoPtr { detail, failure },
                LookupError::Timeout(_) | LookupError::Failed(_) => ReverseFailure::Failed { detail, failure },
            };
            return Some(ReverseDns { names: Vec::new(), error: Some(error) });
        }
    };
    let mut unique: Vec<String> = Vec::new();
    for name in names {
        let name: String = name.chars().take(MAX_NAME).collect();
        if !unique.contains(&name) && unique.len() < MAX_PTR_NAMES {
            unique.push(name);
        }
    }
    let checks = unique.into_iter().map(|name| async move {
        let (forward, mut addresses) = match bounded(limit, dns.addresses(&name)).await {
            Ok(found) if found.ips.contains(&ip) => (Forward::Confirmed, found.ips),
            Ok(found) => (Forward::Mismatch { detail: None, failure: None }, found.ips),
            Err(e) => {
                let (failure, detail) = e.for_report();
                let forward = match e {
                    LookupError::NxDomain | LookupError::NoRecords => Forward::Mismatch { detail: None, failure },
                    LookupError::Timeout(_) | LookupError::Failed(_) => Forward::Failed { detail, failure },
                };
                (forward, Vec::new())
            }
        };
        addresses.truncate(MAX_FORWARD_ADDRESSES);
        PtrName { name, forward, addresses }
    });
    Some(ReverseDns { names: join_all(checks).await, error: None })
}
