//! The depth checks of an address beside and after its SMTP session: which of them run, and the
//! DNS ones (reverse DNS, blocklists), which need no connection slot.

use mxray_report::StepResult;
use std::net::IpAddr;
use std::time::Duration;

use super::dns::MailDns;
use super::fanout::Fanout;
use super::guard::non_public_range;
use super::{dnsbl, reverse};

/// Which depth checks an engine runs. `Default` runs none (the bare session, as the lab tests
/// expect); [`super::build_engine`] turns on legacy TLS, TLS quality and reverse DNS, and blocklists when zones
/// are configured.
#[derive(Clone, Debug, Default)]
pub struct DepthChecks {
    /// One extra connection per STARTTLS address with a ClientHello of at most TLS 1.1.
    pub legacy_tls: bool,
    /// Two extra connections per STARTTLS address with hand-built TLS 1.2 ClientHellos (an
    /// ordinary and a weak one) for the TLS quality grades.
    pub tls_quality: bool,
    /// PTR and forward confirmation of every address.
    pub reverse_dns: bool,
    /// Blocklist zones to ask about every address (none: no blocklist lookups).
    pub dnsbl: Vec<String>,
    /// Also look up non-public addresses (as `--allow-private-targets` does for connections);
    /// otherwise their PTR and listings are not asked: they say nothing about mail from the
    /// Internet, and an internal address should not go to a blocklist operator.
    pub private_addresses: bool,
}

impl DepthChecks {
    /// Every depth check, asking these blocklist zones; non-public addresses only when allowed.
    pub fn all(dnsbl: Vec<String>, private_addresses: bool) -> Self {
        DepthChecks { legacy_tls: true, tls_quality: true, reverse_dns: true, dnsbl, private_addresses }
    }

    /// Reverse DNS and blocklists of `ip`, at once; each result goes out as soon as it is in.
    pub async fn lookups<D: MailDns>(&self, dns: &D, fanout: &Fanout, ip: IpAddr, limit: Duration) {
        if !self.private_addresses && non_public_range(ip).is_some() {
            return;
        }
        let reverse = async {
            if !self.reverse_dns {
                return;
            }
            if let Some(found) = reverse::check(dns, ip, limit).await {
                fanout.step(StepResult::ReverseDns(found)).await;
            }
        };
        let blocklists = async {
            if !self.dnsbl.is_empty() {
                fanout.step(StepResult::Dnsbl(dnsbl::check(dns, ip, &self.dnsbl, limit).await)).await;
            }
        };
        tokio::join!(reverse, blocklists);
    }
}
