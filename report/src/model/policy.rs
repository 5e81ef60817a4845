//! MTA-STS and TLS-RPT as seen: the TXT records, the fetched policy, and how each MX host fares under it.

use crate::model::session::TcpOutcome;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The largest `max_age` RFC 8461 §3.2 allows (about one year), in seconds.
pub const MAX_AGE_LIMIT: u64 = 31_557_600;

/// The smallest `max_age` worth having (one day): shorter policies expire between two visits of
/// most senders, so a downgrade attack only has to wait.
pub const MAX_AGE_RECOMMENDED: u64 = 86_400;

/// The most bytes of a policy file mxray reads (RFC 8461 §3.3 suggests senders stop at 64 KiB).
pub const POLICY_SIZE_LIMIT: u64 = 64 * 1024;

/// The domain's transport-security policies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyReport {
    /// MTA-STS: record, policy file and how each MX fares against it.
    #[serde(default)]
    pub mta_sts: MtaStsReport,
    /// TLS-RPT: where senders report TLS failures.
    #[serde(default)]
    pub tls_rpt: TlsRptReport,
}

/// What a TXT lookup for a policy record found (records of other kinds are discarded first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PolicyRecord {
    /// No record of this kind.
    #[default]
    Absent,
    /// The lookup failed (timeout, SERVFAIL): unknown whether a record exists.
    LookupFailed {
        /// The resolver's error.
        detail: String,
    },
    /// Exactly one record, and it is valid.
    Valid {
        /// The record as published.
        record: String,
    },
    /// More than one record of this version: senders ignore them all.
    Multiple {
        /// Every record of this version.
        records: Vec<String>,
    },
    /// TXT records at the name, but none begins with the version tag: senders discard them all
    /// (RFC 8461 §3.1, RFC 8460 §3), so for them there is no record, though one was meant.
    Ignored {
        /// The records as published.
        records: Vec<String>,
    },
    /// One record that does not follow the syntax: senders ignore it.
    Malformed {
        /// The record as published.
        record: String,
        /// What is wrong with it.
        problem: RecordProblem,
    },
}

impl PolicyRecord {
    /// True when a record of this kind is published, valid or not.
    pub fn published(&self) -> bool {
        matches!(self, PolicyRecord::Valid { .. } | PolicyRecord::Multiple { .. } | PolicyRecord::Malformed { .. })
    }
}

/// Why a policy TXT record is not valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordProblem {
    /// Text that is not a `name=value` field where one belongs.
    BadSyntax {
        /// The offending part.
        near: String,
    },
    /// A required field is missing.
    MissingField {
        /// The field's name.
        name: String,
    },
    /// A field's value does not follow the syntax.
    BadValue {
        /// The field's name.
        name: String,
        /// The value.
        value: String,
    },
    /// A field appears twice.
    DuplicateField {
        /// The field's name.
        name: String,
    },
}

/// MTA-STS as found: the `_mta-sts` record, the policy file, and each MX against the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MtaStsReport {
    /// The `_mta-sts.{domain}` TXT record.
    #[serde(default)]
    pub record: PolicyRecord,
    /// The policy id from the record, when the record is valid.
    #[serde(default)]
    pub id: Option<String>,
    /// The policy fetch; absent when no `v=STSv1` record was published (nothing is fetched then).
    #[serde(default)]
    pub fetch: Option<PolicyFetch>,
    /// Each MX host judged against the policy (derived from the report by the fold).
    #[serde(default)]
    pub mx: Vec<MxPolicyMatch>,
    /// Other TXT records at the name beside `v=STSv1` ones: senders discard them.
    #[serde(default)]
    pub discarded: Vec<String>,
}

impl MtaStsReport {
    /// The policy senders apply: a valid record and a policy file that was fetched and is valid.
    pub fn in_effect(&self) -> Option<&StsPolicy> {
        if !matches!(self.record, PolicyRecord::Valid { .. }) {
            return None;
        }
        self.fetch.as_ref()?.policy.as_ref().filter(|p| p.problems.is_empty())
    }
}

/// The HTTPS fetch of `https://mta-sts.{domain}/.well-known/mta-sts.txt`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyFetch {
    /// The URL fetched.
    pub url: String,
    /// The address connected to.
    #[serde(default)]
    pub address: Option<IpAddr>,
    /// The HTTP status code, when a response arrived.
    #[serde(default)]
    pub status: Option<u16>,
    /// The `Content-Type` header, when a response arrived.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Wall time of the fetch in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// Why no policy could be read, when none could.
    #[serde(default)]
    pub error: Option<FetchError>,
    /// The policy as parsed, when the body was read.
    #[serde(default)]
    pub policy: Option<StsPolicy>,
}

/// Why the policy file could not be read. Senders then act as if the domain had no MTA-STS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FetchError {
    /// The policy host has no address.
    NoAddress {
        /// The resolver's answer.
        detail: String,
    },
    /// The policy host's addresses are not public; mxray did not connect.
    NotPublic {
        /// The guard's reason.
        detail: String,
    },
    /// This machine has no route to the policy host (e.g. no IPv6): a limit of the tester.
    NoRoute {
        /// The error.
        detail: String,
    },
    /// No TCP connection to port 443.
    Connect {
        /// The error.
        detail: String,
    },
    /// The TLS handshake failed for a reason other than the certificate.
    Tls {
        /// The error.
        detail: String,
    },
    /// The certificate is not valid for the policy host (PKIX).
    Certificate {
        /// The verifier's error.
        detail: String,
    },
    /// The HTTP exchange failed.
    Http {
        /// The error.
        detail: String,
    },
    /// No complete answer within the time bound.
    Timeout {
        /// The bound in seconds.
        seconds: u64,
    },
    /// A redirect (3xx); RFC 8461 §3.3 forbids following it.
    Redirect {
        /// The status code.
        status: u16,
        /// The `Location` header.
        location: Option<String>,
    },
    /// A status other than 200.
    Status {
        /// The status code.
        status: u16,
    },
    /// The body is not served as `text/plain`.
    ContentType {
        /// The `Content-Type` header, when there was one.
        content_type: Option<String>,
    },
    /// The body is larger than the cap.
    TooLarge {
        /// The cap in bytes.
        limit: u64,
    },
}

/// The policy mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StsMode {
    /// Senders refuse MX hosts that fail the policy.
    Enforce,
    /// Senders deliver anyway and only report failures (TLS-RPT).
    Testing,
    /// The policy is withdrawn.
    None,
}

/// A parsed policy file; `problems` empty means valid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StsPolicy {
    /// `version`, as written.
    #[serde(default)]
    pub version: Option<String>,
    /// `mode`, when it is one of the three.
    #[serde(default)]
    pub mode: Option<StsMode>,
    /// `max_age` in seconds, when it is a number in range.
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Every valid `mx` pattern, in order.
    #[serde(default)]
    pub mx: Vec<String>,
    /// What makes the policy invalid (senders then ignore it).
    #[serde(default)]
    pub problems: Vec<PolicyProblem>,
    /// Lines starting with `#` (numbered from 1): RFC 8461's grammar has no comments, lenient senders
    /// skip them, strict ones may reject the file; the policy is read without them.
    #[serde(default)]
    pub comment_lines: Vec<u32>,
    /// Blank lines (numbered from 1; not the end of the last line): not in RFC 8461's grammar either.
    #[serde(default)]
    pub blank_lines: Vec<u32>,
}

/// Why senders discard a TXT record at a policy name: what it begins with instead of the version tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoredReason {
    /// A double quote: the quotes a DNS tool shows were typed into the value.
    Quoted,
    /// A blank before the tag.
    LeadingSpace,
    /// A bracket or brace, as pasted from a tool's structured output.
    Braces,
    /// The tag in other letter case (`v=stsv1`); it is case-sensitive.
    WrongCase,
    /// The version without `v=` (`STSv1;`, `TLSRPTv1;`).
    NoVersionKey,
    /// Anything else.
    Other,
}

/// Why a policy file is not valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PolicyProblem {
    /// A line that is not `key: value`.
    BadLine {
        /// The line.
        line: String,
    },
    /// A required key is missing.
    Missing {
        /// The key.
        key: String,
    },
    /// A value does not follow the syntax.
    BadValue {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// A key other than `mx` appears more than once, so senders may read either value.
    Duplicate {
        /// The key.
        key: String,
    },
    /// Mode `enforce` or `testing` without any `mx` line: no MX host can match.
    NoMx,
    /// The file starts with a UTF-8 byte-order mark (EF BB BF), which turns its first key into another.
    ByteOrderMark,
    /// The file is UTF-16, not the ASCII text senders read; nothing in it was parsed.
    Utf16 {
        /// Big-endian (FE FF) rather than little-endian (FF FE).
        big_endian: bool,
    },
}

/// One MX host against the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxPolicyMatch {
    /// The MX host.
    pub host: String,
    /// The first `mx` pattern it matches, when one does.
    pub pattern: Option<String>,
    /// Whether its addresses offer what MTA-STS demands: STARTTLS with a PKIX-valid certificate.
    pub tls: MxTls,
}

/// TLS of one MX host as MTA-STS judges it, over all its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MxTls {
    /// Some address has not answered yet.
    Pending,
    /// No address could be tested (not public, no route, session ended before STARTTLS).
    NotTested,
    /// Every tested address offers STARTTLS with a valid certificate for the MX name.
    Valid,
    /// At least one address fails.
    Invalid {
        /// The first failing address.
        ip: IpAddr,
        /// How it fails.
        failure: TlsPolicyFailure,
    },
}

/// How an address fails MTA-STS's TLS demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsPolicyFailure {
    /// No TLS: STARTTLS missing, refused, or the handshake failed.
    NoTls,
    /// The chain does not verify to a trusted root.
    Untrusted,
    /// The certificate does not name the MX host.
    WrongName,
    /// The certificate (or an intermediate) is expired or not yet valid.
    OutOfDate,
    /// The certificate cannot be read.
    Unreadable,
}

/// TLS-RPT as found: the `_smtp._tls` record and its report targets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRptReport {
    /// The `_smtp._tls.{domain}` TXT record.
    #[serde(default)]
    pub record: PolicyRecord,
    /// The `rua` targets of the record, in order.
    #[serde(default)]
    pub rua: Vec<RuaTarget>,
    /// Other TXT records at the name beside `v=TLSRPTv1` ones: senders discard them.
    #[serde(default)]
    pub discarded: Vec<String>,
}

/// One TLS-RPT report target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuaTarget {
    /// The URI as written.
    pub uri: String,
    /// What is wrong with its form, when something is.
    #[serde(default)]
    pub problem: Option<TargetProblem>,
}

/// Why a report target is not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetProblem {
    /// Neither `mailto:` nor `https:`.
    Scheme,
    /// A `mailto:` without a valid `local@domain`.
    Mailto,
    /// An `https:` URI without a valid host.
    Https,
}

/// Why an MX host's TLS could not be judged against the policy, as its first address tells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UntestedTls {
    /// The host has no address to test.
    NoAddress,
    /// No connection to port 25.
    NoConnection {
        /// The address.
        ip: IpAddr,
        /// What the connection attempt ended in.
        outcome: TcpOutcome,
        /// The error or the reason, when there is one.
        detail: Option<String>,
    },
    /// The check's deadline came before STARTTLS.
    Deadline {
        /// The address.
        ip: IpAddr,
    },
    /// The session ended before STARTTLS (no greeting, EHLO refused, a broken session).
    NoSession {
        /// The address.
        ip: IpAddr,
        /// What ended it.
        detail: String,
    },
    /// TLS works only with suites mxray's library refuses (an OpenSSL-like hello got this one), so
    /// the certificate was not judged.
    OutdatedSuitesOnly {
        /// The address.
        ip: IpAddr,
        /// The suite the server chose.
        suite: String,
    },
    /// STARTTLS is offered, but mxray could not test it (e.g. the host name cannot be used for SNI).
    NotTestable {
        /// The address.
        ip: IpAddr,
        /// Why.
        detail: String,
    },
}
