//! Legacy TLS, reverse DNS and blocklist results of an address.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// SSL 3.0, named only when a server picks it.
pub const SSL3: &str = "SSLv3";

/// TLS 1.0.
pub const TLS10: &str = "TLSv1.0";

/// TLS 1.1.
pub const TLS11: &str = "TLSv1.1";

/// TLS 1.2.
pub const TLS12: &str = "TLSv1.2";

/// TLS 1.3.
pub const TLS13: &str = "TLSv1.3";

/// What one extra connection with a hand-built ClientHello of at most TLS 1.1 learned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyTlsProbe {
    /// What the server did.
    pub outcome: LegacyOutcome,
    /// The version the server chose, when it answered with a ServerHello.
    #[serde(default)]
    pub version: Option<String>,
    /// The cipher suite it chose (IANA name, or the hex code).
    #[serde(default)]
    pub cipher: Option<String>,
    /// The answer in words: the ServerHello, the alert, or why nothing was learned.
    pub detail: String,
}

/// What the server did with a ClientHello offering at most TLS 1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyOutcome {
    /// It answered with a ServerHello for a version up to TLS 1.1.
    Accepted,
    /// It refused with a protocol_version, handshake_failure or insufficient_security alert.
    Refused,
    /// Nothing was learned (closed, timeout, another alert, not TLS, no STARTTLS on the extra connection).
    NotTested,
}

/// The TLS versions the server accepts, refuses, and those this check could not tell.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsVersions {
    /// Accepted, oldest first, e.g. `["TLSv1.0", "TLSv1.2", "TLSv1.3"]`.
    pub accepted: Vec<String>,
    /// Refused.
    pub refused: Vec<String>,
    /// Neither seen accepted nor refused (one handshake shows one version per connection).
    pub not_tested: Vec<String>,
    /// The extra connection's result, when it ran.
    #[serde(default)]
    pub legacy: Option<LegacyTlsProbe>,
}

/// The PTR names of an address and whether each leads back to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseDns {
    /// The PTR names (lower case, no trailing dot), each with its forward check.
    pub names: Vec<PtrName>,
    /// Why there is no name, when there is none.
    #[serde(default)]
    pub error: Option<ReverseFailure>,
}

impl ReverseDns {
    /// True when a PTR name resolves back to the address (FCrDNS).
    pub fn confirmed(&self) -> bool {
        self.names.iter().any(|n| n.forward == Forward::Confirmed)
    }
}

/// Why an address has no PTR name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReverseFailure {
    /// The reverse name does not exist or holds no PTR: a definite answer.
    NoPtr {
        /// The resolver's answer.
        detail: String,
    },
    /// The lookup failed (timeout, SERVFAIL): nothing learned.
    Failed {
        /// The resolver's error.
        detail: String,
    },
}

/// One PTR name and its forward lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtrName {
    /// The name.
    pub name: String,
    /// Whether its A/AAAA records include the address.
    pub forward: Forward,
    /// The addresses it resolves to.
    #[serde(default)]
    pub addresses: Vec<IpAddr>,
}

/// The forward check of a PTR name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Forward {
    /// The name resolves to the address.
    Confirmed,
    /// The name resolves, but not to the address (or not at all: NXDOMAIN, no records).
    Mismatch {
        /// What the lookup said when it found no address.
        #[serde(default)]
        detail: Option<String>,
    },
    /// The lookup failed: nothing learned.
    Failed {
        /// The resolver's error.
        detail: String,
    },
}

/// The answer of one blocklist about one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsblResult {
    /// The blocklist's DNS zone, e.g. `zen.spamhaus.org`.
    pub zone: String,
    /// The name asked for (reversed octets or nibbles, then the zone).
    pub query: String,
    /// Listed, not listed, or unknown.
    pub status: DnsblStatus,
    /// The A answers (return codes), e.g. `127.0.0.2`.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The TXT reason, when listed.
    #[serde(default)]
    pub reason: Vec<String>,
    /// Why the answer is unknown, when it is.
    #[serde(default)]
    pub detail: Option<String>,
}

/// What a blocklist said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsblStatus {
    /// An A answer in 127.0.0.0/8 outside 127.255.255.0/24.
    Listed,
    /// NXDOMAIN (or no A record).
    NotListed,
    /// An error code (127.255.255.0/24), an answer outside 127.0.0.0/8, a timeout or SERVFAIL.
    Unknown,
}
