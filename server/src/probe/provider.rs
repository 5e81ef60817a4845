//! Is the relay probe's recipient served by the very server under test? A server takes mail for
//! the domains it hosts, so a `250` to `relay-test@gmail.com` from Google's MX (or to any domain of
//! the same provider) is delivery, not relaying. The recipient domain's mail hosts are looked up
//! once per check, beside the probing; each address's relay verdict is then compared with its own
//! MX names and address: the same address, the same host name, or the same registrable domain of
//! the host names (the provider: `aspmx.l.google.com` and `gmail-smtp-in.l.google.com` are both
//! `google.com`).
//!
//! Registrable domains come from Mozilla's Public Suffix List through the `psl2` crate (the list
//! embedded as data, no dependencies, a few seconds to build; the older `psl` crate compiles a
//! 2.5 MB generated `match` that took 100 s in a release build here). A suffix rule such as
//! "the last two labels" would call `mx.a.co.uk` and `mx.b.co.uk` one provider and hide a real open
//! relay.

use futures::future::join_all;
use mxray_report::model::report::{RelayOutcome, RelayReason, RelayReport};
use std::net::IpAddr;
use std::time::Duration;

use super::dns::{plan_host, plan_mx, MailDns};

/// The mail hosts of the relay recipient's domain: MX targets (or the implicit MX) and addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecipientHosts {
    /// The recipient's domain.
    pub domain: String,
    /// Its mail host names (lower case, no trailing dot).
    pub hosts: Vec<String>,
    /// Their addresses.
    pub addresses: Vec<IpAddr>,
}

/// Looks up the mail hosts of `domain` and their addresses, each lookup bounded by `limit`, the
/// hosts' address lookups side by side. A failed lookup gives fewer hosts, never an error: the
/// relay verdict then stands as probed.
pub async fn lookup<D: MailDns>(dns: &D, domain: &str, limit: Duration) -> RecipientHosts {
    let plan = plan_mx(dns, domain, limit).await;
    let hosts = join_all(plan.hosts.into_iter().map(|h| async move {
        if h.resolving {
            plan_host(dns, &h.host, h.preference, limit).await
        } else {
            h
        }
    }))
    .await;
    RecipientHosts {
        domain: domain.to_owned(),
        hosts: hosts.iter().map(|h| normal(&h.host)).collect(),
        addresses: hosts.into_iter().flat_map(|h| h.addresses).collect(),
    }
}

/// Why the recipient's domain is served by the server at `ip` (known under the MX names `names`),
/// when it is: the same address, the same host, or the same provider (registrable domain).
pub fn served_here(recipient: &RecipientHosts, names: &[String], ip: IpAddr) -> Option<String> {
    let domain = &recipient.domain;
    if recipient.addresses.contains(&ip) {
        return Some(format!("{domain} lists {ip} among its mail servers"));
    }
    for name in names.iter().map(|n| normal(n)) {
        if let Some(host) = recipient.hosts.iter().find(|h| **h == name) {
            return Some(format!("{domain} uses the same mail host {host}"));
        }
        let Some(provider) = registrable(&name) else { continue };
        if let Some(host) = recipient.hosts.iter().find(|h| registrable(h) == Some(provider)) {
            return Some(format!("{domain}'s mail host {host} is at the same provider ({provider}) as {name}"));
        }
    }
    None
}

/// Marks a relay report as no relay test: whatever the server answered, it may take mail for the
/// recipient's domain as its own. A probe that never ran stays as it was.
pub fn not_a_relay_test(report: &mut RelayReport) {
    if report.outcome != RelayOutcome::Skipped {
        report.outcome = RelayOutcome::Inconclusive;
        report.reason = Some(RelayReason::SameProvider);
    }
}

/// The registrable domain of a host name (public suffix plus one label), when it has one.
pub fn registrable(host: &str) -> Option<&str> {
    psl2::lookup(host)?.registrable_domain()
}

/// A host name as compared: lower case, no trailing dot.
fn normal(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(domain: &str, hosts: &[&str], addresses: &[&str]) -> RecipientHosts {
        RecipientHosts {
            domain: domain.into(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn same_address_host_or_provider_is_served_here() {
        let gmail = hosts("gmail.com", &["gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com"], &[]);
        let why = served_here(&gmail, &["ASPMX.L.GOOGLE.COM.".into()], ip("192.0.2.1")).expect("same provider");
        assert!(why.contains("google.com") && why.contains("gmail-smtp-in.l.google.com"), "{why}");
        let outlook = hosts("outlook.com", &["outlook-com.olc.protection.outlook.com"], &[]);
        assert!(served_here(&outlook, &["example-com.mail.protection.outlook.com".into()], ip("192.0.2.1")).is_some());
        let same_host = hosts("example.net", &["mx.example.org"], &["198.51.100.7"]);
        assert!(served_here(&same_host, &["mx.example.org".into()], ip("192.0.2.9"))
            .unwrap()
            .contains("same mail host"));
        assert!(served_here(&same_host, &["mx.other.test".into()], ip("198.51.100.7")).unwrap().contains("lists"));
    }

    #[test]
    fn other_providers_and_shared_public_suffixes_are_not() {
        let gmail = hosts("gmail.com", &["gmail-smtp-in.l.google.com"], &["192.0.2.50"]);
        assert_eq!(served_here(&gmail, &["mx.example.com".into()], ip("192.0.2.1")), None);
        // co.uk is a public suffix: two customers under it are two providers.
        let uk = hosts("b.co.uk", &["mx.b.co.uk"], &[]);
        assert_eq!(served_here(&uk, &["mx.a.co.uk".into()], ip("192.0.2.1")), None);
        // A null MX (the default recipient's example.net) has no hosts at all.
        assert_eq!(served_here(&hosts("example.net", &[], &[]), &["mx.example.net".into()], ip("192.0.2.1")), None);
        // A name without a registrable domain matches only itself.
        assert!(served_here(&hosts("x.test", &["co.uk"], &[]), &["co.uk.".into()], ip("192.0.2.1")).is_some());
        assert_eq!(served_here(&hosts("x.test", &["uk"], &[]), &["co.uk".into()], ip("192.0.2.1")), None);
    }

    #[test]
    fn a_relay_report_served_here_is_no_relay_test() {
        let mut report = RelayReport {
            outcome: RelayOutcome::Accepted,
            mail_from: Some("250 2.1.0 OK".into()),
            rcpt_to: Some("250 2.1.5 OK".into()),
            sender: "s@x.test".into(),
            recipient: "relay-test@gmail.com".into(),
            over_tls: true,
            reason: Some(RelayReason::Accepted),
            attempts: Vec::new(),
            bypass: Vec::new(),
            local_sender: None,
            revisit: None,
        };
        not_a_relay_test(&mut report);
        assert_eq!((report.outcome, report.reason), (RelayOutcome::Inconclusive, Some(RelayReason::SameProvider)));
        assert_eq!(report.rcpt_to.as_deref(), Some("250 2.1.5 OK"), "what the server said is kept");
        report.outcome = RelayOutcome::Skipped;
        report.reason = None;
        not_a_relay_test(&mut report);
        assert_eq!((report.outcome, report.reason), (RelayOutcome::Skipped, None));
    }
}
