//! Legacy TLS, reverse DNS and blocklist results of an address.

use crate::model::session::{ConnectFailure, ReadFailure};
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
    /// A library's message beside `answer` (the operating system's); in older reports, the answer
    /// in words.
    #[serde(default)]
    pub detail: String,
    /// The answer in mxray's own terms: the ServerHello, the alert, or why nothing was learned
    /// (absent in older reports, which have `detail` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<LegacyAnswer>,
}

/// What the legacy probe's extra connection learned, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegacyAnswer {
    /// A ServerHello for a version up to TLS 1.1 (outcome `accepted`).
    ServerHello {
        /// The version chosen, e.g. `TLSv1.0`.
        version: String,
        /// The cipher suite chosen (IANA name, or the hex code).
        cipher: String,
    },
    /// A protocol_version, handshake_failure or insufficient_security alert (outcome `refused`).
    Alert {
        /// The alert's RFC name, e.g. `protocol_version`.
        name: String,
    },
    /// Another fatal alert, which says nothing about the version.
    OtherAlert {
        /// The alert's RFC name.
        name: String,
    },
    /// The extra connection could not be made; the operating system's message, if any, is in `detail`.
    ConnectFailed {
        /// Why, when mxray can say it (no answer in time, not public, no route here).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<ConnectFailure>,
    },
    /// A step of the extra connection was answered with something else than it needs.
    Refused {
        /// `greeting`, `EHLO` or `STARTTLS`.
        step: String,
        /// The reply's first line.
        reply: String,
    },
    /// EHLO on the extra connection did not offer STARTTLS.
    NoStarttls {
        /// The EHLO reply's first line.
        reply: String,
    },
    /// A step of the extra connection got no valid reply.
    NoReply {
        /// `greeting`, `EHLO` or `STARTTLS`.
        step: String,
        /// What came instead.
        failure: ReadFailure,
    },
    /// Bytes arrived after the 220 to STARTTLS, before the ClientHello.
    EarlyData {
        /// How many.
        bytes: u64,
    },
    /// No random bytes for the ClientHello.
    NoRandom,
    /// The ClientHello could not be built (a host name too long for it).
    HelloNotBuilt,
    /// Sending the ClientHello failed; the operating system's message is in `detail`.
    SendFailed,
    /// The ClientHello could not be sent within the wait.
    SendTimeout {
        /// The wait in whole seconds.
        secs: u64,
    },
    /// The server closed the connection without answering.
    Closed,
    /// Reading the answer failed; the operating system's message is in `detail`.
    ReadFailed,
    /// The answer broke off inside a record; the operating system's message is in `detail`.
    BrokeOff,
    /// The answer is not a TLS record.
    NotTls {
        /// Its first bytes in hex.
        bytes: String,
    },
    /// Neither a ServerHello nor a fatal alert in the first records.
    NoVerdict {
        /// How many records were read.
        records: u64,
    },
    /// No answer to the ClientHello within the wait.
    Timeout {
        /// The wait in whole seconds.
        secs: u64,
    },
    /// An alert that could not be read.
    UnreadableAlert {
        /// Its bytes in hex.
        bytes: String,
    },
    /// A handshake message that could not be read.
    UnreadableHandshake {
        /// Its first bytes in hex.
        bytes: String,
    },
    /// The first handshake message was not a ServerHello.
    NotServerHello,
    /// The server chose a version a ClientHello of at most TLS 1.1 does not allow.
    VersionNotOffered {
        /// The version chosen, e.g. `TLSv1.2`.
        version: String,
    },
}

/// Why a DNS lookup gave no answer, in mxray's own terms (a resolver's own message stays beside it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LookupFailure {
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists but holds no records of the type asked for.
    NoRecords,
    /// No answer within the wait.
    Timeout {
        /// The wait in whole seconds.
        secs: u64,
    },
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
        /// The resolver's message (older reports: also mxray's words, now in `failure`).
        #[serde(default)]
        detail: String,
        /// The answer in mxray's own terms (absent in older reports).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<LookupFailure>,
    },
    /// The lookup failed (timeout, SERVFAIL): nothing learned.
    Failed {
        /// The resolver's error (older reports: also mxray's words, now in `failure`).
        #[serde(default)]
        detail: String,
        /// Why, in mxray's own terms, when it can say it (absent in older reports).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<LookupFailure>,
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
        /// What the lookup said when it found no address (older reports; now in `failure`).
        #[serde(default)]
        detail: Option<String>,
        /// What the lookup said when it found no address, in mxray's own terms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<LookupFailure>,
    },
    /// The lookup failed: nothing learned.
    Failed {
        /// The resolver's error (older reports: also mxray's words, now in `failure`).
        #[serde(default)]
        detail: String,
        /// Why, in mxray's own terms, when it can say it (absent in older reports).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<LookupFailure>,
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
    /// A resolver's message when the lookup failed (older reports: also mxray's words for why the
    /// answer is unknown, now in `problem`).
    #[serde(default)]
    pub detail: Option<String>,
    /// Why the answer is unknown, in mxray's own terms (absent in older reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<DnsblProblem>,
}

/// Why a blocklist's answer is unknown, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DnsblProblem {
    /// No answer within the wait.
    Timeout {
        /// The wait in whole seconds.
        secs: u64,
    },
    /// The lookup failed (SERVFAIL, a network error); the resolver's message is in `detail`.
    LookupFailed,
    /// The list answered one of its error codes (127.255.255.0/24), not a listing.
    ErrorCode {
        /// The code, e.g. `127.255.255.254`.
        code: String,
    },
    /// The answer lies outside 127.0.0.0/8, so it is no blocklist code (a wrong zone, or a
    /// resolver that rewrites NXDOMAIN).
    NotACode {
        /// The answer.
        code: String,
    },
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
