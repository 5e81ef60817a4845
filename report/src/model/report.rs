//! The typed report: the JSON contract `mxray.report.v1`, shared by the engine, the CLI, the API,
//! the web page and exported files.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

pub use crate::model::bypass::{BypassAttempt, BypassForm};
use crate::model::finding::Finding;
// The session's parts are the report's too: one path for every type of the contract.
pub use crate::model::session::*;

/// Schema identifier written into every report.
pub const SCHEMA: &str = "mxray.report.v1";

/// The whole diagnosis of one domain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// What the user typed.
    pub input: String,
    /// The normalised domain (A-label, no trailing dot).
    pub domain: String,
    /// RFC 3339 UTC time the check started.
    pub checked_at: String,
    /// Wall time of the whole check in milliseconds (0 while running).
    pub duration_ms: u64,
    /// Where the mail hosts came from.
    pub mx_source: MxSource,
    /// Mail hosts in delivery order (preference, then name).
    pub mx: Vec<MxHost>,
    /// Findings about the domain as a whole.
    pub findings: Vec<Finding>,
    /// DNS facts that are not per host.
    #[serde(default)]
    pub dns: DnsReport,
    /// True once every address has finished.
    #[serde(default)]
    pub complete: bool,
    /// MTA-STS and TLS-RPT (absent until the policy check reports, and in older reports).
    #[serde(default)]
    pub policies: Option<crate::model::policy::PolicyReport>,
    /// The egress check (`--egress-check`): whether port 25 leaves the network mxray runs in
    /// (absent when none was configured).
    #[serde(default)]
    pub egress: Option<crate::model::egress::EgressReport>,
}

/// How the list of mail hosts was obtained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MxSource {
    /// MX records.
    Mx,
    /// No MX, the domain's own A/AAAA (RFC 5321 §5.1).
    Implicit,
    /// RFC 7505 null MX: the domain accepts no mail.
    NullMx,
    /// Nothing to deliver to (NXDOMAIN, no records, or DNS failure). Also the state before resolution.
    #[default]
    None,
}

/// Domain-level DNS facts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsReport {
    /// The resolver that answered (`system` or `IP:PORT`).
    #[serde(default)]
    pub resolver: String,
    /// Why no mail host could be found, when none was.
    #[serde(default)]
    pub error: Option<DnsFailure>,
    /// How many MX hosts existed beyond the cap and were not tested.
    #[serde(default)]
    pub mx_hosts_skipped: usize,
    /// A null MX (`MX 0 .`) is published next to other MX records.
    #[serde(default)]
    pub null_mx_mixed: bool,
    /// DNSSEC status of the MX answer (absent when not checked).
    #[serde(default)]
    pub mx_dnssec: Option<crate::model::dane::DnssecCheck>,
}

/// Why a DNS lookup produced no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DnsFailure {
    /// The name does not exist.
    Nxdomain,
    /// The name exists but has neither MX nor A/AAAA.
    NoRecords,
    /// The resolver failed or timed out.
    Failed {
        /// Resolver error text.
        detail: String,
    },
}

/// One mail host and what was found at each of its addresses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MxHost {
    /// Host name (A-label, no trailing dot).
    pub host: String,
    /// MX preference (lower is tried first); 0 for an implicit MX.
    pub preference: u16,
    /// One-glance status.
    pub status: HostStatus,
    /// Findings about this host.
    pub findings: Vec<Finding>,
    /// Every tested address.
    pub addresses: Vec<AddressReport>,
    /// The canonical name when the MX target is a CNAME (RFC 2181 §10.3 forbids it).
    #[serde(default)]
    pub cname: Option<String>,
    /// Why the host has no address, when it has none.
    #[serde(default)]
    pub address_error: Option<String>,
    /// How many addresses existed beyond the cap and were not tested.
    #[serde(default)]
    pub addresses_skipped: usize,
    /// The host's addresses are still being looked up.
    #[serde(default)]
    pub resolving: bool,
    /// DANE: the host's TLSA records and the DNSSEC status of its lookups (absent when not checked).
    #[serde(default)]
    pub dane: Option<crate::model::dane::HostDane>,
}

/// The four one-glance marks of a mail host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostStatus {
    /// Port 25 answered with a 220 banner.
    pub reachable: Mark,
    /// STARTTLS offered and the handshake worked.
    pub starttls: Mark,
    /// The certificate is trusted, matches the name and is in date.
    pub certificate_valid: Mark,
    /// Relaying to an outside domain is refused.
    pub open_relay: Mark,
}

/// A one-glance verdict on one aspect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Not known yet.
    #[default]
    Pending,
    /// Does not apply (e.g. no certificate without TLS).
    NotApplicable,
    /// Could not be decided (e.g. greylisting).
    Inconclusive,
    /// Fine.
    Ok,
    /// Works, with a problem.
    Warning,
    /// Broken or dangerous.
    Critical,
}

/// IP family of an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

impl Family {
    /// The family of an address (v4-mapped IPv6 counts as IPv6: that is what was connected to).
    pub fn of(ip: &IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// Everything found at one address of one mail host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddressReport {
    /// The address connected to.
    pub ip: IpAddr,
    /// Its family.
    pub family: Family,
    /// Wall time spent on this address (0 while running).
    pub duration_ms: u64,
    /// TCP connection outcome (absent while pending).
    pub tcp: Option<TcpReport>,
    /// The greeting.
    pub banner: Option<BannerReport>,
    /// EHLO (or HELO) reply in plaintext.
    pub ehlo: Option<EhloReport>,
    /// STARTTLS outcome.
    pub starttls: Option<StartTlsReport>,
    /// The certificate chain and its judgement.
    pub certificate: Option<CertificateReport>,
    /// EHLO reply inside TLS.
    #[serde(default)]
    pub ehlo_tls: Option<EhloReport>,
    /// Open-relay probe.
    pub open_relay: Option<RelayReport>,
    /// Every line sent and received.
    pub transcript: Vec<TranscriptLine>,
    /// Findings about this address.
    pub findings: Vec<Finding>,
    /// True when this address has finished.
    #[serde(default)]
    pub done: bool,
    /// True when the per-address deadline cut the session short.
    #[serde(default)]
    pub deadline_hit: bool,
    /// Number of TCP connections opened to this address.
    #[serde(default)]
    pub connections: u8,
    /// Milliseconds spent waiting for a free connection slot before the first connect (not counted
    /// against the deadline).
    #[serde(default)]
    pub queued_ms: u64,
    /// The MX host under which this address was probed, when it is listed under several MX names
    /// and was probed only once (this entry shows the same session).
    #[serde(default)]
    pub same_server_as: Option<String>,
    /// Why the session ended before every step ran, when it did (older reports; newer ones say it
    /// in `failure`, and keep here only what the server said, when it refused).
    #[serde(default)]
    pub error: Option<String>,
    /// Why the session ended before every step ran, in mxray's own terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<SessionFailure>,
    /// The reply that broke the SMTP exchange, when one did (the dialogue stopped there).
    #[serde(default)]
    pub protocol_error: Option<ProtocolError>,
    /// A `421` that closed the session where no step report shows it (STARTTLS, EHLO inside TLS,
    /// `RSET`, the second connection, a bypass `RCPT`): the server is closing, not failing.
    #[serde(default)]
    pub server_closed: Option<ServerClosed>,
    /// TLS versions accepted, refused and not tested (main handshake plus one legacy probe).
    #[serde(default)]
    pub tls_versions: Option<crate::model::depth::TlsVersions>,
    /// TLS quality graded after the NCSC guidelines (suites, order, key exchange, renegotiation,
    /// compression), from the handshakes and two extra hand-built hellos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_quality: Option<crate::model::quality::TlsQuality>,
    /// PTR names of the address and their forward confirmation.
    #[serde(default)]
    pub reverse_dns: Option<crate::model::depth::ReverseDns>,
    /// Blocklist answers, one per configured zone (empty when none is configured).
    #[serde(default)]
    pub dnsbl: Vec<crate::model::depth::DnsblResult>,
    /// DANE: whether the chain presented here matches the host's TLSA records.
    #[serde(default)]
    pub dane: Option<crate::model::dane::AddressDane>,
    /// The submission ports probed on request (465, 587), sorted; port 25 is the fields above.
    #[serde(default)]
    pub ports: Vec<crate::model::ports::PortReport>,
    /// Judged with the whole domain: no address of it completed the TCP handshake, every attempt
    /// timed out and no egress check showed port 25 open from here, so this address's timeout may be
    /// the tester's network rather than the server (set by the fold from the egress check).
    #[serde(default)]
    pub timeout_may_be_local: bool,
}

impl AddressReport {
    /// A report with nothing known yet.
    pub fn pending(ip: IpAddr) -> Self {
        AddressReport {
            ip,
            family: Family::of(&ip),
            duration_ms: 0,
            tcp: None,
            banner: None,
            ehlo: None,
            starttls: None,
            certificate: None,
            ehlo_tls: None,
            open_relay: None,
            transcript: Vec::new(),
            findings: Vec::new(),
            done: false,
            deadline_hit: false,
            connections: 0,
            queued_ms: 0,
            same_server_as: None,
            error: None,
            failure: None,
            protocol_error: None,
            server_closed: None,
            tls_versions: None,
            tls_quality: None,
            reverse_dns: None,
            dnsbl: Vec::new(),
            dane: None,
            ports: Vec::new(),
            timeout_may_be_local: false,
        }
    }
}
