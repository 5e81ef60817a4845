//! Transport-security policies of a domain as the engine found them — MTA-STS (RFC 8461) and
//! TLS-RPT (RFC 8460) — and the pure judgement of every MX against the MTA-STS policy. The
//! judgement reads the per-address TLS results of the same report, so it runs in the fold, not in
//! the engine: the policy usually arrives before the certificates do.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::findings::FindingKind;
use crate::i18n::{labels, pick, Lang};
use crate::report::{AddressReport, MxHost, MxSource, Report, StartTlsOutcome, TcpOutcome};

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

impl RecordProblem {
    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            RecordProblem::BadSyntax { near } => pick(
                lang,
                format!("\"{near}\" is not a name=value field separated by \";\""),
                format!("\"{near}\" ist kein durch \";\" getrenntes Feld name=wert"),
            ),
            RecordProblem::MissingField { name } => {
                pick(lang, format!("the field {name}= is missing"), format!("das Feld {name}= fehlt"))
            }
            RecordProblem::BadValue { name, value } => pick(
                lang,
                format!("{name}={value} is not valid{}", field_rule(name, Lang::En)),
                format!("{name}={value} ist ungültig{}", field_rule(name, Lang::De)),
            ),
            RecordProblem::DuplicateField { name } => {
                pick(lang, format!("the field {name}= appears twice"), format!("das Feld {name}= steht doppelt"))
            }
        }
    }
}

/// What a record field must look like, for the known fields.
fn field_rule(name: &str, lang: Lang) -> &'static str {
    match name {
        "id" => pick(lang, " (1 to 32 letters and digits)", " (1 bis 32 Buchstaben und Ziffern)"),
        "rua" => pick(
            lang,
            " (mailto: or https: addresses, comma-separated)",
            " (mailto:- oder https:-Adressen, durch Komma getrennt)",
        ),
        _ => "",
    }
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

impl FetchError {
    /// The error in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            FetchError::NoAddress { detail } => pick(
                lang,
                format!("the policy host has no address ({detail})"),
                format!("der Policy-Host hat keine Adresse ({detail})"),
            ),
            FetchError::NotPublic { detail } => pick(
                lang,
                format!("the policy host's address is not public ({detail}); mxray did not connect"),
                format!("die Adresse des Policy-Hosts ist nicht öffentlich ({detail}); mxray hat sich nicht verbunden"),
            ),
            FetchError::NoRoute { detail } => pick(
                lang,
                format!("not tested from here: this machine has no route to the policy host ({detail})"),
                format!("von hier nicht testbar: dieser Rechner hat keine Route zum Policy-Host ({detail})"),
            ),
            FetchError::Connect { detail } => pick(
                lang,
                format!("no connection to port 443 ({detail})"),
                format!("keine Verbindung zu Port 443 ({detail})"),
            ),
            FetchError::Tls { detail } => pick(
                lang,
                format!("the TLS handshake failed ({detail})"),
                format!("der TLS-Handshake scheiterte ({detail})"),
            ),
            FetchError::Certificate { detail } => pick(
                lang,
                format!("the certificate is not valid for the policy host ({detail})"),
                format!("das Zertifikat gilt nicht für den Policy-Host ({detail})"),
            ),
            FetchError::Http { detail } => pick(
                lang,
                format!("the HTTP exchange failed ({detail})"),
                format!("der HTTP-Austausch scheiterte ({detail})"),
            ),
            FetchError::Timeout { seconds } => pick(
                lang,
                format!("no complete answer within {seconds} s"),
                format!("keine vollständige Antwort in {seconds} s"),
            ),
            FetchError::Redirect { status, location } => {
                let to = location.as_deref().unwrap_or("?");
                pick(
                    lang,
                    format!("HTTP {status} redirect to {to}; senders must not follow redirects"),
                    format!("HTTP-{status}-Umleitung nach {to}; Absender dürfen Umleitungen nicht folgen"),
                )
            }
            FetchError::Status { status } => {
                pick(lang, format!("HTTP status {status} instead of 200"), format!("HTTP-Status {status} statt 200"))
            }
            FetchError::ContentType { content_type } => {
                let ct = content_type.as_deref().unwrap_or("-");
                pick(
                    lang,
                    format!("served as {ct}, not text/plain"),
                    format!("als {ct} ausgeliefert, nicht als text/plain"),
                )
            }
            FetchError::TooLarge { limit } => pick(
                lang,
                format!("the file is larger than {} KiB", limit / 1024),
                format!("die Datei ist größer als {} KiB", limit / 1024),
            ),
        }
    }
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
}

impl PolicyProblem {
    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            PolicyProblem::BadLine { line } => pick(
                lang,
                format!("\"{line}\" is not a key: value line"),
                format!("\"{line}\" ist keine Zeile schlüssel: wert"),
            ),
            PolicyProblem::Missing { key } => pick(lang, format!("{key} is missing"), format!("{key} fehlt")),
            PolicyProblem::BadValue { key, value } => {
                let rule = match key.as_str() {
                    "version" => pick(lang, "must be STSv1", "muss STSv1 sein"),
                    "mode" => pick(lang, "must be enforce, testing or none", "muss enforce, testing oder none sein"),
                    "max_age" => {
                        pick(lang, "must be whole seconds up to 31557600", "muss ganze Sekunden bis 31557600 angeben")
                    }
                    _ => pick(
                        lang,
                        "must be a host name, optionally starting with *.",
                        "muss ein Hostname sein, wahlweise mit *. davor",
                    ),
                };
                pick(lang, format!("{key}: {value} — {rule}"), format!("{key}: {value} — {rule}"))
            }
            PolicyProblem::Duplicate { key } => {
                pick(lang, format!("{key} appears more than once"), format!("{key} steht mehrfach"))
            }
            PolicyProblem::NoMx => pick(
                lang,
                "no mx line, so no MX host can match".into(),
                "keine mx-Zeile, also passt kein MX-Host".into(),
            ),
        }
    }
}

/// The problems of a policy as one sentence part.
pub fn problems_text(problems: &[PolicyProblem], lang: Lang) -> String {
    problems.iter().map(|p| p.text(lang)).collect::<Vec<_>>().join("; ")
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

labels!(TlsPolicyFailure, "The failure in words.", {
    NoTls => ("no working STARTTLS", "kein funktionierendes STARTTLS"),
    Untrusted => ("certificate not trusted", "Zertifikat nicht vertrauenswürdig"),
    WrongName => ("certificate does not name the MX host", "Zertifikat nennt den MX-Host nicht"),
    OutOfDate => ("certificate out of date", "Zertifikat außerhalb der Gültigkeit"),
    Unreadable => ("certificate unreadable", "Zertifikat nicht lesbar"),
});

labels!(StsMode, "The mode as written in the policy.", {
    Enforce => ("enforce", "enforce"),
    Testing => ("testing", "testing"),
    None => ("none", "none"),
});

/// TLS-RPT as found: the `_smtp._tls` record and its report targets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRptReport {
    /// The `_smtp._tls.{domain}` TXT record.
    #[serde(default)]
    pub record: PolicyRecord,
    /// The `rua` targets of the record, in order.
    #[serde(default)]
    pub rua: Vec<RuaTarget>,
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

labels!(TargetProblem, "The problem in words.", {
    Scheme => ("only mailto: and https: are allowed", "nur mailto: und https: sind erlaubt"),
    Mailto => ("not a valid mailto:local@domain address", "keine gültige Adresse mailto:name@domain"),
    Https => ("not a valid https://host/path URL", "keine gültige URL https://host/pfad"),
});

/// Labels of the policy rows in the renderers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyLabel {
    /// Heading of the policy sections.
    TransportSecurity,
    /// The MTA-STS section.
    MtaSts,
    /// The TLS-RPT section.
    TlsRpt,
    /// The TXT record.
    Record,
    /// The policy id.
    Id,
    /// The policy URL.
    Url,
    /// The fetch result.
    Fetch,
    /// The mode.
    Mode,
    /// max_age.
    MaxAge,
    /// The mx patterns.
    Patterns,
    /// Problems of the policy.
    Problems,
    /// Report targets.
    Targets,
    /// Not published.
    NotPublished,
    /// Checking.
    Checking,
    /// The record is valid.
    Valid,
    /// Matches the pattern.
    Matches,
    /// Matches no pattern.
    NoPattern,
    /// TLS as MTA-STS demands.
    TlsValid,
    /// Not tested.
    NotTested,
}

labels!(PolicyLabel, "The label in words.", {
    TransportSecurity => ("Transport security", "Transportsicherheit"),
    MtaSts => ("MTA-STS", "MTA-STS"),
    TlsRpt => ("TLS-RPT", "TLS-RPT"),
    Record => ("DNS record", "DNS-Eintrag"),
    Id => ("Policy id", "Policy-ID"),
    Url => ("Policy URL", "Policy-URL"),
    Fetch => ("Fetch", "Abruf"),
    Mode => ("Mode", "Modus"),
    MaxAge => ("max_age", "max_age"),
    Patterns => ("MX patterns", "MX-Muster"),
    Problems => ("Problems", "Probleme"),
    Targets => ("Report targets", "Berichtsziele"),
    NotPublished => ("not published", "nicht veröffentlicht"),
    Checking => ("checking …", "wird geprüft …"),
    Valid => ("valid", "gültig"),
    Matches => ("matches", "passt zu"),
    NoPattern => ("matches no mx pattern", "passt zu keinem mx-Muster"),
    TlsValid => ("STARTTLS with a valid certificate", "STARTTLS mit gültigem Zertifikat"),
    NotTested => ("not tested", "nicht getestet"),
});

/// True when `host` matches the policy pattern (RFC 8461 §4.1): equal names, or `*.` followed by
/// a suffix with exactly one more label in front. Case and a trailing dot do not matter.
pub fn mx_matches(pattern: &str, host: &str) -> bool {
    let (pattern, host) =
        (pattern.trim_end_matches('.').to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .and_then(|front| front.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => pattern == host,
    }
}

/// Every MX host against the policy in effect (empty without one).
pub fn judge_mx(r: &Report) -> Vec<MxPolicyMatch> {
    let Some(policy) = r.policies.as_ref().and_then(|p| p.mta_sts.fetch.as_ref()).and_then(|f| f.policy.as_ref())
    else {
        return Vec::new();
    };
    r.mx.iter()
        .map(|h| MxPolicyMatch {
            host: h.host.clone(),
            pattern: policy.mx.iter().find(|p| mx_matches(p, &h.host)).cloned(),
            tls: host_tls(h),
        })
        .collect()
}

/// The host's TLS as MTA-STS sees it: the first failing address decides; otherwise pending while
/// any address is, valid when at least one was tested.
fn host_tls(h: &MxHost) -> MxTls {
    if h.resolving {
        return MxTls::Pending;
    }
    let mut pending = false;
    let mut tested = false;
    for a in &h.addresses {
        match address_tls(a) {
            AddressTls::Failed(failure) => return MxTls::Invalid { ip: a.ip, failure },
            AddressTls::Pending => pending = true,
            AddressTls::Valid => tested = true,
            AddressTls::NotTested => {}
        }
    }
    match (pending, tested) {
        (true, _) => MxTls::Pending,
        (false, true) => MxTls::Valid,
        (false, false) => MxTls::NotTested,
    }
}

enum AddressTls {
    Pending,
    NotTested,
    Valid,
    Failed(TlsPolicyFailure),
}

fn address_tls(a: &AddressReport) -> AddressTls {
    let Some(s) = &a.starttls else {
        // Never reached STARTTLS: no delivery there at all, which is not MTA-STS's concern.
        return if a.done { AddressTls::NotTested } else { AddressTls::Pending };
    };
    match s.outcome {
        StartTlsOutcome::NotOffered | StartTlsOutcome::Rejected | StartTlsOutcome::HandshakeFailed => {
            return AddressTls::Failed(TlsPolicyFailure::NoTls)
        }
        StartTlsOutcome::Skipped | StartTlsOutcome::NotTestable => return AddressTls::NotTested,
        StartTlsOutcome::Ok => {}
    }
    if s.pipelined_plaintext {
        return AddressTls::Failed(TlsPolicyFailure::NoTls);
    }
    let Some(c) = &a.certificate else {
        return if a.done { AddressTls::NotTested } else { AddressTls::Pending };
    };
    // Only intermediates on the path that verified count (the certificate judgement's own rule).
    let out_of_date = c.expired || c.not_yet_valid || crate::assess::out_of_date_intermediates(c).next().is_some();
    AddressTls::Failed(if c.parse_error.is_some() {
        TlsPolicyFailure::Unreadable
    } else if !c.hostname_matches {
        TlsPolicyFailure::WrongName
    } else if out_of_date {
        TlsPolicyFailure::OutOfDate
    } else if !c.trusted {
        TlsPolicyFailure::Untrusted
    } else {
        return AddressTls::Valid;
    })
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
    /// STARTTLS is offered, but mxray could not test it (e.g. the host name cannot be used for SNI).
    NotTestable {
        /// The address.
        ip: IpAddr,
        /// Why.
        detail: String,
    },
}

impl UntestedTls {
    /// The reason in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            UntestedTls::NoAddress => pick(lang, "the host has no address", "der Host hat keine Adresse").to_owned(),
            UntestedTls::NoConnection { ip, outcome, detail } => {
                let what = match outcome {
                    TcpOutcome::Refused => pick(lang, "connection refused", "Verbindung abgelehnt"),
                    TcpOutcome::Timeout => pick(lang, "no answer in time", "keine Antwort in der Zeit"),
                    TcpOutcome::Unreachable => pick(lang, "host unreachable", "Host unerreichbar"),
                    TcpOutcome::Blocked => pick(
                        lang,
                        "not a public address, mxray does not connect there",
                        "keine öffentliche Adresse, mxray verbindet sich dorthin nicht",
                    ),
                    TcpOutcome::NoRoute => pick(lang, "no route from this machine", "keine Route von diesem Rechner"),
                    TcpOutcome::Error | TcpOutcome::Connected => pick(lang, "connection error", "Verbindungsfehler"),
                };
                let detail = detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
                pick(
                    lang,
                    format!("{ip}: no connection to port 25 ({what}{detail})"),
                    format!("{ip}: keine Verbindung zu Port 25 ({what}{detail})"),
                )
            }
            UntestedTls::Deadline { ip } => pick(
                lang,
                format!("{ip}: the deadline came before STARTTLS"),
                format!("{ip}: die Frist lief vor STARTTLS ab"),
            ),
            UntestedTls::NoSession { ip, detail } => pick(
                lang,
                format!("{ip}: the session ended before STARTTLS ({detail})"),
                format!("{ip}: die Sitzung endete vor STARTTLS ({detail})"),
            ),
            UntestedTls::NotTestable { ip, detail } => pick(
                lang,
                format!("{ip}: STARTTLS is offered but could not be tested ({detail})"),
                format!("{ip}: STARTTLS wird angeboten, ließ sich aber nicht testen ({detail})"),
            ),
        }
    }
}

/// Why no address of `h` could be tested, from its first address (the host's TLS is `NotTested`,
/// so none was tested, none failed and none is pending).
fn untested(h: &MxHost) -> UntestedTls {
    let Some(a) = h.addresses.first() else { return UntestedTls::NoAddress };
    let ip = a.ip;
    if let Some(t) = a.tcp.as_ref().filter(|t| t.outcome != TcpOutcome::Connected) {
        return UntestedTls::NoConnection { ip, outcome: t.outcome, detail: t.detail.clone() };
    }
    if let Some(s) = a.starttls.as_ref().filter(|s| s.outcome == StartTlsOutcome::NotTestable) {
        return UntestedTls::NotTestable { ip, detail: s.error.clone().unwrap_or_default() };
    }
    if a.deadline_hit {
        return UntestedTls::Deadline { ip };
    }
    let banner = a.banner.as_ref().filter(|b| b.code != Some(220)).map(|b| b.error.clone().unwrap_or(b.text.clone()));
    let ehlo = a.ehlo.as_ref().filter(|e| e.code != Some(250)).map(|e| e.error.clone().unwrap_or(e.host.clone()));
    let detail = a.error.clone().or(banner).or(ehlo).unwrap_or_else(|| match a.starttls.as_ref().map(|s| s.outcome) {
        Some(StartTlsOutcome::Skipped) => "STARTTLS was not tried".into(),
        Some(_) => "no certificate was recorded".into(),
        None => "no STARTTLS step was recorded".into(),
    });
    UntestedTls::NoSession { ip, detail }
}

/// Recomputes the per-MX judgement (the fold calls this after every event).
pub fn refresh(r: &mut Report) {
    let judged = judge_mx(r);
    if let Some(p) = r.policies.as_mut() {
        p.mta_sts.mx = judged;
    }
}

/// True when some MX host publishes TLSA records (a DANE deployment, secure or not yet).
fn dane_deployed(r: &Report) -> bool {
    r.mx.iter().any(|h| h.dane.as_ref().is_some_and(|d| !d.records.is_empty()))
}

/// Findings about the domain's policies.
pub fn findings(r: &Report) -> Vec<FindingKind> {
    let Some(p) = &r.policies else { return Vec::new() };
    // Without mail hosts (null MX, no such domain, not resolved yet) a policy protects nothing.
    if !matches!(r.mx_source, MxSource::Mx | MxSource::Implicit) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let sts = &p.mta_sts;
    match &sts.record {
        PolicyRecord::Absent => out.push(FindingKind::MtaStsMissing),
        PolicyRecord::LookupFailed { detail } => {
            out.push(FindingKind::PolicyLookupFailed { name: format!("_mta-sts.{}", r.domain), detail: detail.clone() })
        }
        PolicyRecord::Multiple { records } => out.push(FindingKind::MtaStsRecordMultiple { count: records.len() }),
        PolicyRecord::Malformed { record, problem } => {
            out.push(FindingKind::MtaStsRecordMalformed { record: record.clone(), problem: problem.clone() })
        }
        PolicyRecord::Valid { .. } => {}
    }
    if let Some(fetch) = &sts.fetch {
        match (&fetch.error, &fetch.policy) {
            (Some(error), _) => {
                out.push(FindingKind::MtaStsPolicyUnavailable { url: fetch.url.clone(), error: error.clone() })
            }
            (None, Some(policy)) if !policy.problems.is_empty() => {
                out.push(FindingKind::MtaStsPolicyInvalid { problems: policy.problems.clone() })
            }
            _ => {}
        }
    }
    if let Some(policy) = sts.in_effect() {
        out.extend(mx_findings(policy, &sts.mx, &r.mx));
    }
    let rpt = &p.tls_rpt;
    match &rpt.record {
        PolicyRecord::Absent if sts.record.published() || dane_deployed(r) => {
            out.push(FindingKind::TlsRptMissing { domain: r.domain.clone() })
        }
        PolicyRecord::Absent => {}
        PolicyRecord::LookupFailed { detail } => out
            .push(FindingKind::PolicyLookupFailed { name: format!("_smtp._tls.{}", r.domain), detail: detail.clone() }),
        PolicyRecord::Multiple { records } => out.push(FindingKind::TlsRptRecordMultiple { count: records.len() }),
        PolicyRecord::Malformed { record, problem } => {
            out.push(FindingKind::TlsRptRecordMalformed { record: record.clone(), problem: problem.clone() })
        }
        PolicyRecord::Valid { .. } => {}
    }
    for t in &rpt.rua {
        if let Some(problem) = t.problem {
            out.push(FindingKind::TlsRptBadTarget { uri: t.uri.clone(), problem });
        }
    }
    out
}

/// Findings of a policy in effect: its mode, its lifetime, and each MX against it (`hosts` are the
/// report's MX hosts, for why one could not be tested).
fn mx_findings(policy: &StsPolicy, mx: &[MxPolicyMatch], hosts: &[MxHost]) -> Vec<FindingKind> {
    let mut out = Vec::new();
    let Some(mode) = policy.mode else { return out };
    if mode == StsMode::None {
        out.push(FindingKind::MtaStsModeNone);
        return out;
    }
    if let Some(max_age) = policy.max_age.filter(|a| *a < MAX_AGE_RECOMMENDED) {
        out.push(FindingKind::MtaStsMaxAgeShort { max_age });
    }
    let mut all_pass = !mx.is_empty();
    for m in mx {
        match (&m.pattern, &m.tls) {
            (None, _) => {
                out.push(FindingKind::MtaStsMxNotListed { host: m.host.clone(), patterns: policy.mx.join(", "), mode })
            }
            (Some(_), MxTls::Invalid { ip, failure }) => out.push(FindingKind::MtaStsMxTlsInvalid {
                host: m.host.clone(),
                ip: ip.to_string(),
                failure: *failure,
                mode,
            }),
            (Some(_), MxTls::Valid) => continue,
            // A host nobody could test is said so, never passed over in silence.
            (Some(_), MxTls::NotTested) => out.push(FindingKind::MtaStsMxNotTested {
                host: m.host.clone(),
                reason: hosts.iter().find(|h| h.host == m.host).map_or(UntestedTls::NoAddress, untested),
                mode,
            }),
            (Some(_), MxTls::Pending) => {}
        }
        all_pass = false;
    }
    if all_pass {
        out.push(match mode {
            StsMode::Enforce => FindingKind::MtaStsProtected { hosts: mx.len() },
            _ => FindingKind::MtaStsTesting { hosts: mx.len() },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AddressReport, CertificateReport, StartTlsReport};

    #[test]
    fn wildcards_match_exactly_one_leftmost_label() {
        assert!(mx_matches("mx.example.com", "MX.Example.com."));
        assert!(mx_matches("*.example.com", "mx1.example.com"));
        assert!(!mx_matches("*.example.com", "a.b.example.com"), "one label only");
        assert!(!mx_matches("*.example.com", "example.com"), "the wildcard needs a label");
        assert!(!mx_matches("*.example.com", "mxexample.com"), "a label boundary, not a suffix");
        assert!(!mx_matches("*.example.com", ".example.com"));
        assert!(!mx_matches("mx.example.com", "mx.example.com.evil"));
        assert!(!mx_matches("mail.*.com", "mail.example.com"), "a wildcard elsewhere is literal");
    }

    fn host(name: &str, addresses: Vec<AddressReport>) -> MxHost {
        MxHost {
            host: name.into(),
            preference: 10,
            status: Default::default(),
            findings: Vec::new(),
            addresses,
            cname: None,
            address_error: None,
            addresses_skipped: 0,
            resolving: false,
            dane: None,
        }
    }

    fn address(ip: &str, outcome: Option<StartTlsOutcome>, cert: Option<(bool, bool)>, done: bool) -> AddressReport {
        let mut a = AddressReport::pending(ip.parse().unwrap());
        a.starttls = outcome.map(|outcome| StartTlsReport {
            offered: true,
            outcome,
            tls_version: None,
            cipher_suite: None,
            kx_group: None,
            handshake_ms: None,
            error: None,
            pipelined_plaintext: false,
            failure: None,
        });
        a.certificate = cert.map(|(trusted, hostname_matches)| CertificateReport {
            trusted,
            trust_error: None,
            unknown_issuer: None,
            hostname_matches,
            expired: false,
            not_yet_valid: false,
            self_signed: false,
            days_until_expiry: 90,
            chain: Vec::new(),
            parse_error: None,
        });
        a.done = done;
        a
    }

    #[test]
    fn the_first_failing_address_decides_and_pending_waits() {
        let ok = || address("192.0.2.1", Some(StartTlsOutcome::Ok), Some((true, true)), true);
        assert_eq!(host_tls(&host("mx", vec![ok()])), MxTls::Valid);
        let wrong = address("192.0.2.2", Some(StartTlsOutcome::Ok), Some((true, false)), true);
        assert_eq!(
            host_tls(&host("mx", vec![ok(), wrong])),
            MxTls::Invalid { ip: "192.0.2.2".parse().unwrap(), failure: TlsPolicyFailure::WrongName }
        );
        let untrusted = address("192.0.2.3", Some(StartTlsOutcome::Ok), Some((false, true)), true);
        assert!(matches!(
            host_tls(&host("mx", vec![untrusted])),
            MxTls::Invalid { failure: TlsPolicyFailure::Untrusted, .. }
        ));
        let plain = address("192.0.2.4", Some(StartTlsOutcome::NotOffered), None, true);
        assert!(matches!(host_tls(&host("mx", vec![plain])), MxTls::Invalid { failure: TlsPolicyFailure::NoTls, .. }));
        let waiting = address("192.0.2.5", Some(StartTlsOutcome::Ok), None, false);
        assert_eq!(host_tls(&host("mx", vec![ok(), waiting])), MxTls::Pending);
        let unreached = address("192.0.2.6", None, None, true);
        assert_eq!(host_tls(&host("mx", vec![unreached])), MxTls::NotTested);
    }

    fn report(mode: StsMode, patterns: &[&str], hosts: Vec<MxHost>) -> Report {
        let mut r = Report::empty();
        r.domain = "example.com".into();
        r.mx_source = MxSource::Mx;
        r.mx = hosts;
        r.policies = Some(PolicyReport {
            mta_sts: MtaStsReport {
                record: PolicyRecord::Valid { record: "v=STSv1; id=1".into() },
                id: Some("1".into()),
                fetch: Some(PolicyFetch {
                    url: "https://mta-sts.example.com/.well-known/mta-sts.txt".into(),
                    policy: Some(StsPolicy {
                        version: Some("STSv1".into()),
                        mode: Some(mode),
                        max_age: Some(604_800),
                        mx: patterns.iter().map(|p| p.to_string()).collect(),
                        problems: Vec::new(),
                    }),
                    ..Default::default()
                }),
                mx: Vec::new(),
            },
            tls_rpt: TlsRptReport::default(),
        });
        refresh(&mut r);
        r
    }

    fn good(name: &str) -> MxHost {
        host(name, vec![address("192.0.2.1", Some(StartTlsOutcome::Ok), Some((true, true)), true)])
    }

    fn codes(r: &Report) -> Vec<&'static str> {
        findings(r).iter().map(FindingKind::code).collect()
    }

    #[test]
    fn enforce_with_every_mx_passing_is_protected() {
        let r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com"), good("mx2.example.com")]);
        assert_eq!(r.policies.as_ref().unwrap().mta_sts.mx[0].pattern.as_deref(), Some("*.example.com"));
        assert_eq!(codes(&r), ["mta_sts_protected", "tls_rpt_missing"]);
    }

    #[test]
    fn an_mx_outside_the_patterns_is_critical_under_enforce_and_a_warning_under_testing() {
        let hosts = || vec![good("mx1.example.com"), good("mx.other.net")];
        let r = report(StsMode::Enforce, &["*.example.com"], hosts());
        let f = findings(&r);
        assert_eq!(
            f[0],
            FindingKind::MtaStsMxNotListed {
                host: "mx.other.net".into(),
                patterns: "*.example.com".into(),
                mode: StsMode::Enforce
            }
        );
        assert_eq!(f[0].severity(), crate::Severity::Critical);
        let r = report(StsMode::Testing, &["*.example.com"], hosts());
        assert_eq!(findings(&r)[0].severity(), crate::Severity::Warning);
        assert!(!codes(&r).contains(&"mta_sts_testing"));
    }

    #[test]
    fn a_bad_certificate_fails_the_policy_and_mode_none_judges_nothing() {
        let bad =
            host("mx1.example.com", vec![address("192.0.2.9", Some(StartTlsOutcome::Ok), Some((true, false)), true)]);
        let r = report(StsMode::Enforce, &["mx1.example.com"], vec![bad.clone()]);
        let f = findings(&r);
        assert!(matches!(&f[0], FindingKind::MtaStsMxTlsInvalid { failure: TlsPolicyFailure::WrongName, .. }));
        assert_eq!(f[0].severity(), crate::Severity::Critical);
        let r = report(StsMode::None, &["mx1.example.com"], vec![bad]);
        assert_eq!(codes(&r), ["mta_sts_mode_none", "tls_rpt_missing"]);
    }

    #[test]
    fn tls_rpt_is_missed_next_to_dane_too() {
        use crate::dane::{DnssecCheck, DnssecStatus, HostDane, TlsaRecord};
        let mut h = good("mx1.example.com");
        h.dane = Some(HostDane {
            name: "_25._tcp.mx1.example.com".into(),
            tlsa: DnssecCheck { status: DnssecStatus::Secure, detail: None },
            records: vec![TlsaRecord { usage: 3, selector: 1, matching: 1, data: "ab".into() }],
            addresses: None,
            base_domain: None,
            insecure_cname: None,
        });
        let mut r = report(StsMode::Enforce, &[], vec![h]);
        r.policies = Some(PolicyReport::default());
        assert_eq!(codes(&r), ["mta_sts_missing", "tls_rpt_missing"]);
        r.mx[0].dane = None;
        assert_eq!(codes(&r), ["mta_sts_missing"]);
    }

    #[test]
    fn every_renderer_shows_the_policies() {
        use crate::render::{html, markdown, text};
        let mut r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com"), good("mx.other.net")]);
        r.policies.as_mut().unwrap().tls_rpt = TlsRptReport {
            record: PolicyRecord::Valid { record: "v=TLSRPTv1; rua=mailto:r@example.com".into() },
            rua: vec![RuaTarget { uri: "mailto:r@example.com".into(), problem: None }],
        };
        r.findings = findings(&r).into_iter().map(FindingKind::into_finding).collect();
        let out = text::render(&r, Lang::En, Default::default());
        for expected in [
            "Transport security",
            "MTA-STS",
            "v=STSv1; id=1",
            "https://mta-sts.example.com/.well-known/mta-sts.txt",
            "mx1.example.com: matches *.example.com — STARTTLS with a valid certificate",
            "mx.other.net:    matches no mx pattern",
            "TLS-RPT",
            "mailto:r@example.com",
            "MX host not covered by the MTA-STS policy",
        ] {
            assert!(out.contains(expected), "{expected:?} missing in:\n{out}");
        }
        let de = html::render(&r, Lang::De);
        assert!(de.contains("<h2>Transportsicherheit</h2>") && de.contains("passt zu keinem mx-Muster"), "{de}");
        let md = markdown::render(&r, Lang::En);
        assert!(md.contains("Transport security: MTA-STS Mode enforce · TLS-RPT mailto:r@example.com"), "{md}");
    }

    #[test]
    fn testing_short_max_age_and_invalid_policies_are_named() {
        fn policy(r: &mut Report) -> &mut StsPolicy {
            r.policies.as_mut().and_then(|p| p.mta_sts.fetch.as_mut()).and_then(|f| f.policy.as_mut()).unwrap()
        }
        let mut r = report(StsMode::Testing, &["*.example.com"], vec![good("mx1.example.com")]);
        assert_eq!(codes(&r), ["mta_sts_testing", "tls_rpt_missing"]);
        policy(&mut r).max_age = Some(3600);
        assert_eq!(codes(&r), ["mta_sts_max_age_short", "mta_sts_testing", "tls_rpt_missing"]);
        policy(&mut r).problems = vec![PolicyProblem::NoMx];
        let f = findings(&r);
        assert_eq!(f[0], FindingKind::MtaStsPolicyInvalid { problems: vec![PolicyProblem::NoMx] });
        assert_eq!(f.len(), 2, "an invalid policy judges no MX: {f:?}");
        assert!(f[0].texts(Lang::De).detail.contains("keine mx-Zeile"));
    }

    #[test]
    fn a_policy_host_without_a_route_from_here_is_only_info() {
        let mut r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com")]);
        let fetch = r.policies.as_mut().and_then(|p| p.mta_sts.fetch.as_mut()).unwrap();
        (fetch.policy, fetch.error) = (None, Some(FetchError::NoRoute { detail: "no IPv6".into() }));
        let f = findings(&r);
        assert!(matches!(&f[0], FindingKind::MtaStsPolicyUnavailable { .. }), "{f:?}");
        assert_eq!(f[0].severity(), crate::Severity::Info);
        assert!(f[0].texts(Lang::En).detail.contains("not tested from here"));
    }

    #[test]
    fn an_mx_whose_tls_could_not_be_tested_is_said_so_never_silence() {
        use crate::report::{TcpOutcome, TcpReport};
        let untestable = || address("192.0.2.7", Some(StartTlsOutcome::NotTestable), None, true);
        let mut refused = address("192.0.2.8", None, None, true);
        refused.tcp = Some(TcpReport {
            outcome: TcpOutcome::Refused,
            port: 25,
            connect_ms: None,
            detail: Some("connection refused".into()),
        });
        for (mode, severity) in
            [(StsMode::Enforce, crate::Severity::Warning), (StsMode::Testing, crate::Severity::Info)]
        {
            for a in [untestable(), refused.clone()] {
                let r = report(mode, &["mx1.example.com"], vec![host("mx1.example.com", vec![a])]);
                assert_eq!(codes(&r), ["mta_sts_mx_not_tested", "tls_rpt_missing"], "{mode:?}");
                assert_eq!(findings(&r)[0].severity(), severity);
            }
        }
    }

    #[test]
    fn nothing_is_claimed_while_an_address_is_pending() {
        let waiting = host("mx1.example.com", vec![address("192.0.2.1", None, None, false)]);
        let r = report(StsMode::Enforce, &["mx1.example.com"], vec![waiting]);
        assert_eq!(codes(&r), ["tls_rpt_missing"]);
    }
}
