//! The catalogue, kind by kind: every [`FindingKind`] variant has samples (the macro below builds
//! a `match` without a wildcard from the same list, so a new variant does not compile until it has
//! samples here), and every sample has a severity, its pinned code, and texts in both languages.

use super::*;
use crate::model::bypass::{BypassAttempt, BypassForm};
use crate::model::dane::{DaneReason, TaChainProblem};
use crate::model::depth::{DnsblProblem, LegacyAnswer, LookupFailure};
use crate::model::finding::Severity;
use crate::model::policy::{
    FetchError, IgnoredReason, PolicyProblem, RecordProblem, StsMode, TargetProblem, TlsPolicyFailure,
};
use crate::model::report::{
    ConnectFailure, HandshakeProblem, NotTestable, ReadFailure, RelayReason, SessionCause, SessionFailure, SessionLeg,
};

/// The codes as published: the contract's `code` values. A renamed or removed kind fails
/// [`codes_are_pinned`]; a new kind is added here in the same change.
const PINNED_CODES: &str = include_str!("../../tests/golden/finding-codes.txt");

/// Declares every variant with its samples: `Variant => samples` (any iterator of kinds). Expands
/// to `variant_name` (an exhaustive `match` over the listed variants, no wildcard: a variant missing
/// from the list is a compile error, E0004), `VARIANTS`, and `samples` (each sample with the
/// variant it was listed under, checked against `variant_name` so no sample sits under the wrong
/// name).
macro_rules! every_kind {
    ($($variant:ident => $samples:expr,)+) => {
        fn variant_name(kind: &FindingKind) -> &'static str {
            match kind {
                $(FindingKind::$variant { .. } => stringify!($variant),)+
            }
        }

        const VARIANTS: &[&str] = &[$(stringify!($variant)),+];

        pub(crate) fn samples() -> Vec<(&'static str, FindingKind)> {
            use FindingKind::*;
            let mut all = Vec::new();
            $(all.extend(IntoIterator::into_iter($samples).map(|k: FindingKind| (stringify!($variant), k)));)+
            all
        }
    };
}

/// Every answer of the legacy probe's extra connection, in mxray's terms.
pub(crate) fn legacy_answers() -> Vec<LegacyAnswer> {
    vec![
        LegacyAnswer::ServerHello { version: s("TLSv1.0"), cipher: s("TLS_RSA_WITH_AES_128_CBC_SHA") },
        LegacyAnswer::Alert { name: s("protocol_version") },
        LegacyAnswer::OtherAlert { name: s("internal_error") },
        LegacyAnswer::ConnectFailed { failure: Some(ConnectFailure::NoAnswer { secs: 10 }) },
        LegacyAnswer::ConnectFailed { failure: None },
        LegacyAnswer::Refused { step: s("greeting"), reply: s("554 5.7.1 No SMTP service here") },
        LegacyAnswer::Refused { step: s("STARTTLS"), reply: s("454 4.7.0 TLS not available") },
        LegacyAnswer::NoStarttls { reply: s("250 mx1.example.com") },
        LegacyAnswer::NoReply { step: s("greeting"), failure: ReadFailure::Timeout { secs: 30 } },
        LegacyAnswer::NoReply { step: s("EHLO"), failure: ReadFailure::Closed },
        LegacyAnswer::EarlyData { bytes: 12 },
        LegacyAnswer::EarlyData { bytes: 1 },
        LegacyAnswer::NoRandom,
        LegacyAnswer::HelloNotBuilt,
        LegacyAnswer::SendFailed,
        LegacyAnswer::SendTimeout { secs: 10 },
        LegacyAnswer::Closed,
        LegacyAnswer::ReadFailed,
        LegacyAnswer::BrokeOff,
        LegacyAnswer::NotTls { bytes: s("48 54 54 50 2f") },
        LegacyAnswer::NoVerdict { records: 4 },
        LegacyAnswer::Timeout { secs: 10 },
        LegacyAnswer::UnreadableAlert { bytes: s("02") },
        LegacyAnswer::UnreadableHandshake { bytes: s("02 00 00 26") },
        LegacyAnswer::NotServerHello,
        LegacyAnswer::VersionNotOffered { version: s("TLSv1.2") },
    ]
}

/// Every way a DNS lookup can give no answer, in mxray's terms.
pub(crate) fn lookup_failures() -> Vec<LookupFailure> {
    vec![LookupFailure::NxDomain, LookupFailure::NoRecords, LookupFailure::Timeout { secs: 5 }]
}

/// Every reason a blocklist's answer is unknown, in mxray's terms.
pub(crate) fn dnsbl_problems() -> Vec<DnsblProblem> {
    let code = |c: &str| DnsblProblem::ErrorCode { code: s(c) };
    vec![
        DnsblProblem::Timeout { secs: 5 },
        DnsblProblem::LookupFailed,
        code("127.255.255.252"),
        code("127.255.255.254"),
        code("127.255.255.255"),
        code("127.255.255.1"),
        DnsblProblem::NotACode { code: s("198.51.100.7") },
    ]
}

/// The guard's names of the non-public ranges (server/src/probe/guard.rs), and one it might add.
pub(crate) const RANGES: &[&str] = &[
    "unspecified",
    "broadcast",
    "this-network",
    "loopback",
    "private",
    "CGNAT",
    "link-local",
    "IETF protocol assignment",
    "documentation",
    "benchmarking",
    "6to4 relay anycast",
    "multicast",
    "reserved",
    "IPv4-mapped",
    "site-local",
    "unique local (private)",
    "IETF special purpose",
    "discard-only",
    "NAT64",
    "6to4",
    "IPv4-compatible (deprecated)",
    "IPv4-translated (SIIT)",
    "not global unicast",
    "private (RFC 1918)",
];

/// Every way a reply can fail to come, in mxray's terms.
pub(crate) fn read_failures() -> Vec<ReadFailure> {
    vec![
        ReadFailure::Timeout { secs: 30 },
        ReadFailure::Closed,
        ReadFailure::TooMuchData { bytes: 262_144 },
        ReadFailure::NotAReply { line: s("HTTP/1.1 400 Bad Request") },
        ReadFailure::CodeOutOfRange { code: 999 },
        ReadFailure::CodeChanged { first: 250, then: 220 },
        ReadFailure::LineTooLong { bytes: 4096 },
        ReadFailure::TooManyLines { lines: 128 },
        ReadFailure::Unsolicited { after: s("greeting"), data: s("220 again") },
        ReadFailure::Socket { detail: s("Connection reset by peer (os error 104)") },
    ]
}

/// Sessions ending early in each place and each way.
pub(crate) fn session_failures() -> Vec<SessionFailure> {
    let failure = |step: &str, connection, cause| SessionFailure { step: s(step), connection, cause };
    vec![
        failure("EHLO", SessionLeg::First, SessionCause::NoReply { failure: ReadFailure::Timeout { secs: 15 } }),
        failure("EHLO", SessionLeg::InsideTls, SessionCause::NoReply { failure: ReadFailure::Closed }),
        failure("EHLO", SessionLeg::Second, SessionCause::Refused { reply: s("554 5.7.1 Go away") }),
        failure("greeting", SessionLeg::Second, SessionCause::NoReply { failure: ReadFailure::Timeout { secs: 30 } }),
        failure(
            "connect",
            SessionLeg::Second,
            SessionCause::Connect { failure: Some(ConnectFailure::NoAnswer { secs: 15 }), detail: None },
        ),
        failure(
            "connect",
            SessionLeg::Second,
            SessionCause::Connect { failure: None, detail: Some(s("Connection refused (os error 111)")) },
        ),
        failure(
            "connect",
            SessionLeg::Second,
            SessionCause::Connect { failure: Some(ConnectFailure::NoRouteHere), detail: None },
        ),
        failure(
            "connect",
            SessionLeg::First,
            SessionCause::Connect { failure: Some(ConnectFailure::NotPublic { range: s("private") }), detail: None },
        ),
    ]
}

/// Every reason a DANE verdict is not a match.
pub(crate) fn dane_reasons() -> Vec<DaneReason> {
    use crate::model::dane::DnssecReason;
    vec![
        DaneReason::TlsaBogus,
        DaneReason::TlsaUnknown { why: None },
        DaneReason::TlsaUnknown { why: Some(DnssecReason::Timeout { secs: 10 }) },
        DaneReason::InsecureCname { cname: s("_25._tcp.mx.example.net") },
        DaneReason::RecordsUnsigned,
        DaneReason::ZoneUnsigned,
        DaneReason::NoRecords,
        DaneReason::NoUsableRecords,
        DaneReason::AddressesUnsigned,
        DaneReason::StarttlsRefused { reply: None, no_reply: Some(ReadFailure::Closed) },
        DaneReason::StarttlsRefused { reply: None, no_reply: None },
        DaneReason::StarttlsNotTestable { why: Some(NotTestable::InvalidServerName { name: s("mx_1.example.com") }) },
        DaneReason::StarttlsNotTestable { why: None },
        DaneReason::OutdatedSuitesOnly { suite: s("TLS_RSA_WITH_AES_128_CBC_SHA") },
        DaneReason::StarttlsNotTried,
        DaneReason::SessionEnded { failure: None },
        DaneReason::SessionEnded { failure: session_failures().into_iter().next() },
        DaneReason::NoCertificate,
        DaneReason::TaUnchained {
            record: s("2 1 1 ab12"),
            subject: s("CN=R3"),
            problem: TaChainProblem::LeafUnreadable,
        },
        DaneReason::TaUnchained { record: s("2 1 1 ab12"), subject: s("CN=R3"), problem: TaChainProblem::NotAnAnchor },
        DaneReason::TaProblems,
    ]
}

pub(crate) fn s(text: &str) -> String {
    text.to_owned()
}

pub(crate) const IP: &str = "192.0.2.10";
pub(crate) const HOST: &str = "mx1.example.com";

/// Every relay reason, and none (last: the first sample of a kind fills every field).
pub(crate) fn reasons() -> Vec<Option<RelayReason>> {
    use RelayReason::*;
    let all = [
        Accepted,
        AcceptedUnverified,
        RelayDenied,
        RefusedUnstated,
        SenderRejected,
        HeloRejected,
        ClientRejected,
        RecipientRejected,
        Greylisted,
        TlsRequired,
        Temporary,
        ProtocolError,
        NoReply,
        SameProvider,
        RecipientUnknown,
        ServerClosing,
    ];
    all.into_iter().map(Some).chain(std::iter::once(None)).collect()
}

pub(crate) fn inconclusive(reason: Option<RelayReason>) -> FindingKind {
    FindingKind::RelayInconclusive { ip: s(IP), reply: s("451 4.3.0 Try again later"), reason, unanswered: None }
}

/// Inconclusive because a relay command got no reply: each way that can happen.
pub(crate) fn unanswered() -> Vec<FindingKind> {
    use crate::model::report::{NoAnswer, Unanswered};
    let causes =
        [NoAnswer::Timeout { ms: 15_000 }, NoAnswer::Closed, NoAnswer::Failed { detail: s("connection reset") }];
    causes
        .into_iter()
        .map(|cause| FindingKind::RelayInconclusive {
            ip: s(IP),
            reply: s("250 2.1.0 Ok"),
            reason: Some(RelayReason::NoReply),
            unanswered: Some(Unanswered { command: s("RCPT TO"), cause }),
        })
        .collect()
}

/// A kind from its JSON form (kinds whose fields are types of other modules).
pub(crate) fn json(text: &str) -> FindingKind {
    serde_json::from_str(text).expect(text)
}

pub(crate) fn tester_refused(reason: RelayReason) -> FindingKind {
    FindingKind::TesterRefused { ip: s(IP), step: s("RCPT TO"), reply: s("550 5.7.1 Client host rejected"), reason }
}

fn fetch_errors() -> Vec<FetchError> {
    let detail = || s("connection refused");
    vec![
        FetchError::NoAddress { detail: detail() },
        FetchError::NotPublic { detail: detail() },
        FetchError::NoRoute { detail: detail() },
        FetchError::Connect { detail: detail() },
        FetchError::Tls { detail: detail() },
        FetchError::Certificate { detail: detail() },
        FetchError::Http { detail: detail() },
        FetchError::Timeout { seconds: 10 },
        FetchError::Redirect { status: 301, location: Some(s("https://www.example.com/")) },
        FetchError::Redirect { status: 302, location: None },
        FetchError::Status { status: 404 },
        FetchError::ContentType { content_type: Some(s("text/html")) },
        FetchError::ContentType { content_type: None },
        FetchError::TooLarge { limit: 65536 },
    ]
}

fn record_problems() -> Vec<RecordProblem> {
    vec![
        RecordProblem::BadSyntax { near: s("id") },
        RecordProblem::MissingField { name: s("id") },
        RecordProblem::BadValue { name: s("id"), value: s("x y") },
        RecordProblem::BadValue { name: s("rua"), value: s("none") },
        RecordProblem::DuplicateField { name: s("id") },
    ]
}

/// The verifier's words for a chain that stops at an issuer it does not know.
const UNKNOWN_ISSUER: &str = "issuer not trusted (unknown CA, self-signed, or missing intermediate certificate)";

fn policy_problems() -> Vec<PolicyProblem> {
    vec![
        PolicyProblem::BadLine { line: s("mode enforce") },
        PolicyProblem::Missing { key: s("max_age") },
        PolicyProblem::BadValue { key: s("version"), value: s("STSv2") },
        PolicyProblem::BadValue { key: s("mode"), value: s("strict") },
        PolicyProblem::BadValue { key: s("max_age"), value: s("forever") },
        PolicyProblem::BadValue { key: s("mx"), value: s("*.*.example.com") },
        PolicyProblem::Duplicate { key: s("mode") },
        PolicyProblem::NoMx,
        PolicyProblem::ByteOrderMark,
        PolicyProblem::Utf16 { big_endian: false },
        PolicyProblem::Utf16 { big_endian: true },
    ]
}

const MODES: [StsMode; 3] = [StsMode::Enforce, StsMode::Testing, StsMode::None];

const TLS_FAILURES: [TlsPolicyFailure; 5] = [
    TlsPolicyFailure::NoTls,
    TlsPolicyFailure::Untrusted,
    TlsPolicyFailure::WrongName,
    TlsPolicyFailure::OutOfDate,
    TlsPolicyFailure::Unreadable,
];

pub(crate) fn bypass(accepted: bool) -> BypassAttempt {
    BypassAttempt {
        form: BypassForm::PercentHack,
        recipient: s("relay-test%example.net@[192.0.2.10]"),
        reply: Some(s(if accepted { "250 2.1.5 Ok" } else { "554 5.7.1 Relay access denied" })),
        accepted,
    }
}

every_kind! {
    NullMx => [NullMx],
    ImplicitMx => [ImplicitMx],
    DomainNotFound => [DomainNotFound],
    NoMailRecords => [NoMailRecords],
    DnsFailed => [DnsFailed { detail: s("SERVFAIL") }],
    MxHostsCapped => [MxHostsCapped { skipped: 3 }],
    NoReachableMx => [NoReachableMx],
    MxIsCname => [MxIsCname { host: s(HOST), target: s("mail.example.net") }],
    MxIsIpLiteral => [MxIsIpLiteral { host: s(IP) }],
    MxHostNoAddress => [MxHostNoAddress { host: s(HOST), detail: s("NXDOMAIN") }],
    AddressesCapped => [AddressesCapped { host: s(HOST), skipped: 2 }],
    NoIpv6 => [NoIpv6 { host: s(HOST) }],
    TargetBlocked => RANGES.iter().map(|r| TargetBlocked { ip: s("10.0.0.25"), range: s(r) }),
    Port25Unreachable => [
        Port25Unreachable { ip: s(IP), outcome: s("refused"), detail: s("connection refused"), failure: None },
        Port25Unreachable { ip: s(IP), outcome: s("timeout"), detail: s(""), failure: Some(ConnectFailure::NoAnswer { secs: 15 }) },
        Port25Unreachable { ip: s(IP), outcome: s("error"), detail: s(""), failure: None },
    ],
    BannerNotReady => [BannerNotReady { ip: s(IP), reply: s("421 4.3.2 Service not available") }],
    BannerMissing => std::iter::once(BannerMissing { ip: s(IP), reason: s("no complete reply within 30 s"), failure: None })
        .chain(read_failures().into_iter().map(|f| BannerMissing { ip: s(IP), reason: s(""), failure: Some(f) })),
    BannerLeaksVersion => [BannerLeaksVersion { software: s("Postfix"), version: s("3.7.1") }],
    EhloRefused => [EhloRefused { ip: s(IP) }],
    SmtpInspection => [
        SmtpInspection { ip: s(IP), banner_masked: true, ehlo_masked: true, starttls_hidden: true },
        SmtpInspection { ip: s(IP), banner_masked: false, ehlo_masked: true, starttls_hidden: true },
        SmtpInspection { ip: s(IP), banner_masked: true, ehlo_masked: false, starttls_hidden: false },
    ],
    HeloFailed => [HeloFailed { ip: s(IP), reply: s("504 5.5.2 Helo command rejected") }],
    StartTlsNotOffered => [StartTlsNotOffered { ip: s(IP) }],
    StartTlsRejected => [
        StartTlsRejected { ip: s(IP), reply: s("454 4.7.0 TLS not available"), no_reply: None },
        StartTlsRejected { ip: s(IP), reply: s(""), no_reply: Some(ReadFailure::Timeout { secs: 15 }) },
    ],
    TlsHandshakeFailed => [
        TlsHandshakeFailed { ip: s(IP), error: s("received fatal alert: HandshakeFailure"), problem: None },
        TlsHandshakeFailed { ip: s(IP), error: s(""), problem: Some(HandshakeProblem::Timeout { secs: 15 }) },
        TlsHandshakeFailed { ip: s(IP), error: s(""), problem: Some(HandshakeProblem::PlaintextAfterReply { bytes: 24 }) },
    ],
    StartTlsInjection => [StartTlsInjection { ip: s(IP) }],
    TlsOk => [TlsOk { version: s("TLSv1.3"), cipher: s("TLS13_AES_256_GCM_SHA384") }],
    CertificateExpired => [CertificateExpired { not_after: s("2026-01-01T00:00:00Z") }],
    CertificateExpiresSoon => [CertificateExpiresSoon { days: 5, not_after: s("2026-12-02T23:59:00Z") }],
    CertificateNameMismatch => [CertificateNameMismatch { host: s(HOST), names: s("www.example.com") }],
    CertificateSelfSigned => [CertificateSelfSigned { subject: s("CN=mx1.example.com") }],
    CertificateNotYetValid => [CertificateNotYetValid { not_before: s("2027-01-01T00:00:00Z") }],
    CertificateIntermediateExpired => [CertificateIntermediateExpired {
        subject: s("CN=R3"),
        not_after: s("2025-09-15T16:00:00Z"),
    }],
    CertificateIntermediateNotYetValid => [CertificateIntermediateNotYetValid {
        subject: s("CN=R3"),
        not_before: s("2027-01-01T00:00:00Z"),
    }],
    CertificateUnreadable => [CertificateUnreadable { error: s("Parsing Error: bad DER") }],
    CertificateUntrusted => [
        CertificateUntrusted { error: s(UNKNOWN_ISSUER), issuer: Some(s("CN=E6")), sent: 1, issuer_sent: false },
        CertificateUntrusted { error: s(UNKNOWN_ISSUER), issuer: Some(s("CN=Private CA")), sent: 2, issuer_sent: false },
        CertificateUntrusted { error: s(UNKNOWN_ISSUER), issuer: Some(s("CN=Private CA")), sent: 3, issuer_sent: true },
        CertificateUntrusted { error: s(UNKNOWN_ISSUER), issuer: None, sent: 1, issuer_sent: false },
    ],
    CertificateWeakKey => [CertificateWeakKey { algorithm: s("RSA"), bits: 1024 }],
    CertificateValid => [CertificateValid { days: 89 }],
    OpenRelay => [OpenRelay { ip: s(IP), reply: s("250 2.1.5 Ok") }],
    RelayRefused => [RelayRefused { reply: s("554 5.7.1 Relay access denied") }],
    RelayInconclusive => reasons().into_iter().map(inconclusive).chain(unanswered()),
    UnsolicitedReply => [UnsolicitedReply { ip: s(IP), after: s("greeting"), data: s("220 mx1.example.com again") }],
    ProtocolViolation => [ProtocolViolation { ip: s(IP), command: s("RCPT TO"), reply: s("354 go ahead") }],
    NothingTested => [
        NothingTested { blocked: 2, no_route: 0, refused: 0 },
        NothingTested { blocked: 0, no_route: 2, refused: 0 },
        NothingTested { blocked: 0, no_route: 0, refused: 2 },
        NothingTested { blocked: 1, no_route: 1, refused: 1 },
    ],
    TesterRefused => [
        tester_refused(RelayReason::ClientRejected),
        tester_refused(RelayReason::HeloRejected),
        tester_refused(RelayReason::SenderRejected),
        tester_refused(RelayReason::Greylisted),
    ],
    MxNotPublic => [MxNotPublic { host: s(HOST) }],
    NullMxWithOtherMx => [NullMxWithOtherMx],
    NoRouteFromHere => [NoRouteFromHere { ip: s("2001:db8::10"), detail: s("network unreachable") }],
    TlsNotTestable => [
        TlsNotTestable { ip: s(IP), reason: s("the MX name is not a valid TLS server name"), why: None },
        TlsNotTestable { ip: s(IP), reason: s("invalid dns name"), why: Some(NotTestable::InvalidServerName { name: s("mx_1.example.com") }) },
        TlsNotTestable { ip: s(IP), reason: s(""), why: Some(NotTestable::ServerClosing { reply: s("421 4.3.2 Shutting down") }) },
    ],
    TlsLegacyOnly => [
        TlsLegacyOnly { ip: s(IP), error: s("received fatal alert: ProtocolVersion"), versions: vec![s("TLSv1.0")] },
        TlsLegacyOnly { ip: s(IP), error: s("received fatal alert: ProtocolVersion"), versions: vec![] },
    ],
    TlsLegacyAccepted => [TlsLegacyAccepted { ip: s(IP), versions: vec![s("TLSv1.0"), s("TLSv1.1")] }],
    TlsLegacyNotTested => std::iter::once(TlsLegacyNotTested { ip: s(IP), reason: s("the connection was closed"), why: None })
        .chain(std::iter::once(TlsLegacyNotTested { ip: s(IP), reason: s("Connection refused (os error 111)"), why: Some(LegacyAnswer::ConnectFailed { failure: None }) }))
        .chain(legacy_answers().into_iter().map(|a| TlsLegacyNotTested { ip: s(IP), reason: s(""), why: Some(a) })),
    PtrMissing => std::iter::once(PtrMissing { ip: s(IP), detail: s("NXDOMAIN"), failure: None })
        .chain(lookup_failures().into_iter().map(|f| PtrMissing { ip: s(IP), detail: s(""), failure: Some(f) })),
    PtrNotConfirmed => [PtrNotConfirmed { ip: s(IP), names: s("host.example.net") }],
    ReverseDnsNotTested => std::iter::once(ReverseDnsNotTested { ip: s(IP), reason: s("SERVFAIL"), failure: None })
        .chain(lookup_failures().into_iter().map(|f| ReverseDnsNotTested { ip: s(IP), reason: s(""), failure: Some(f) })),
    NameNotPtr => [NameNotPtr { ip: s(IP), step: s("EHLO"), name: s("mail.example.com"), ptr: s(HOST) }],
    DnsblListed => [DnsblListed {
        ip: s(IP),
        zone: s("zen.spamhaus.org"),
        codes: s("127.0.0.2"),
        reason: s("Listed by SBL"),
    }],
    DnsblNotTested => std::iter::once(DnsblNotTested { ip: s(IP), zone: s("zen.spamhaus.org"), reason: s("refused query"), problem: None })
        .chain(std::iter::once(DnsblNotTested { ip: s(IP), zone: s("zen.spamhaus.org"), reason: s("SERVFAIL"), problem: Some(DnsblProblem::LookupFailed) }))
        .chain(dnsbl_problems().into_iter().map(|p| DnsblNotTested { ip: s(IP), zone: s("zen.spamhaus.org"), reason: s(""), problem: Some(p) })),
    TlsNoSharedCipher => [TlsNoSharedCipher { ip: s(IP), error: s("received fatal alert: HandshakeFailure") }],
    TlsOutdatedSuitesOnly => [TlsOutdatedSuitesOnly { ip: s(IP), suite: s("TLS_RSA_WITH_AES_128_CBC_SHA"), version: s("TLSv1.2"), error: s("received fatal alert: HandshakeFailure") }],
    TlsWeakSuites => [
        TlsWeakSuites { ip: s(IP), class: crate::model::quality::Class::Insufficient, suite: s("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), version: s("TLSv1.2") },
        TlsWeakSuites { ip: s(IP), class: crate::model::quality::Class::PhaseOut, suite: s("TLS_RSA_WITH_AES_128_CBC_SHA"), version: s("TLSv1.2") },
    ],
    TlsClientOrder => [TlsClientOrder { ip: s(IP), chosen: s("TLS_RSA_WITH_AES_128_CBC_SHA"), good: s("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") }],
    TlsWeakDh => [TlsWeakDh { ip: s(IP), bits: 1024 }],
    TlsWeakRsaKey => [TlsWeakRsaKey { ip: s(IP), bits: 1024 }],
    TlsSha1Signature => [TlsSha1Signature { ip: s(IP), scheme: s("rsa_pkcs1_sha1") }],
    TlsNoSecureRenegotiation => [TlsNoSecureRenegotiation { ip: s(IP) }],
    TlsCompression => [TlsCompression { ip: s(IP), method: 1 }],
    SessionAborted => std::iter::once(SessionAborted { ip: s(IP), reason: s("connection reset"), failure: None })
        .chain(session_failures().into_iter().map(|f| SessionAborted { ip: s(IP), reason: s(""), failure: Some(f) })),
    DeadlineReached => [DeadlineReached { ip: s(IP) }],
    RelayBypassAccepted => [
        RelayBypassAccepted { ip: s(IP), forms: vec![bypass(true)] },
        RelayBypassAccepted { ip: s(IP), forms: vec![bypass(true), bypass(false)] },
    ],
    AuthInPlaintext => [AuthInPlaintext { ip: s(IP), port: 587, mechanisms: vec![s("PLAIN"), s("LOGIN")] }],
    PortNotServing => [PortNotServing { ip: s(IP), port: 465, detail: s("connection refused") }],
    PortTlsFailed => [
        PortTlsFailed { ip: s(IP), port: 465, detail: s("received fatal alert: HandshakeFailure"), problem: None },
        PortTlsFailed { ip: s(IP), port: 465, detail: s(""), problem: Some(HandshakeProblem::Timeout { secs: 15 }) },
    ],
    SubmissionNoAuth => [SubmissionNoAuth { ip: s(IP), port: 587 }],
    PortCertificate => [
        PortCertificate {
            ip: s(IP),
            port: 465,
            finding: Box::new(CertificateExpired { not_after: s("2026-01-01T00:00:00Z") }),
        },
        PortCertificate { ip: s(IP), port: 587, finding: Box::new(CertificateValid { days: 89 }) },
    ],
    MxDnssecBogus => [MxDnssecBogus { detail: s("RRSIG expired") }],
    AddressDnssecBogus => [AddressDnssecBogus { host: s(HOST), detail: s("RRSIG expired") }],
    DaneTlsaBogus => [DaneTlsaBogus { host: s(HOST), detail: s("RRSIG expired") }],
    DaneTlsaUnknown => [
        DaneTlsaUnknown { host: s(HOST), detail: s("SERVFAIL"), reason: None },
        DaneTlsaUnknown { host: s(HOST), detail: String::new(), reason: Some(crate::model::dane::DnssecReason::Timeout { secs: 5 }) },
    ],
    DnssecResolverBlind => [DnssecResolverBlind { anchor: s(".") }],
    DaneTlsaInsecure => [DaneTlsaInsecure { host: s(HOST) }],
    DaneUnusableRecords => [DaneUnusableRecords { host: s(HOST), records: s("0 0 1 ab12") }],
    DaneMatched => [DaneMatched { ip: s(IP), record: s("3 1 1 ab12") }],
    DaneNoMatch => [
        DaneNoMatch { ip: s(IP), detail: s("no record matches the certificate"), why: None },
        DaneNoMatch { ip: s(IP), detail: s(""), why: Some(DaneReason::NoMatch { usable: 2, key_would_match: Some(s("ab12")) }) },
        DaneNoMatch { ip: s(IP), detail: s(""), why: Some(DaneReason::NoMatch { usable: 1, key_would_match: None }) },
        DaneNoMatch { ip: s(IP), detail: s("UnknownIssuer"), why: Some(DaneReason::TaUnchained { record: s("2 1 1 ab12"), subject: s("CN=R3"), problem: TaChainProblem::NoChain }) },
    ],
    DaneNoTls => [
        DaneNoTls { ip: s(IP), detail: s("STARTTLS not offered"), why: None },
        DaneNoTls { ip: s(IP), detail: s(""), why: Some(DaneReason::StarttlsNotOffered) },
        DaneNoTls { ip: s(IP), detail: s(""), why: Some(DaneReason::StarttlsRefused { reply: Some(s("454 4.7.0 TLS not available")), no_reply: None }) },
        DaneNoTls { ip: s(IP), detail: s("received fatal alert: HandshakeFailure"), why: Some(DaneReason::NoTlsSession) },
    ],
    DaneNotTested => std::iter::once(DaneNotTested { ip: s(IP), reason: s("the connection was refused"), why: None })
        .chain(dane_reasons().into_iter().map(|r| DaneNotTested { ip: s(IP), reason: s(""), why: Some(r) })),
    CertificateDaneEe => [CertificateDaneEe { record: s("3 1 1 ab12") }],
    MtaStsMissing => [MtaStsMissing],
    PolicyLookupFailed => [PolicyLookupFailed { name: s("_mta-sts.example.com"), detail: s("SERVFAIL") }],
    MtaStsRecordMultiple => [MtaStsRecordMultiple { count: 2 }],
    MtaStsRecordIgnored => [
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s("\"v=STSv1; id=20261207\""), reason: IgnoredReason::Quoted, counted: None },
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s(" v=STSv1; id=1"), reason: IgnoredReason::LeadingSpace, counted: None },
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s("[v=STSv1; id=1]"), reason: IgnoredReason::Braces, counted: None },
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s("v=stsv1; id=1"), reason: IgnoredReason::WrongCase, counted: None },
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s("STSv1; id=1"), reason: IgnoredReason::NoVersionKey, counted: None },
        MtaStsRecordIgnored { name: s("_mta-sts.example.com"), record: s("id=1"), reason: IgnoredReason::Other, counted: None },
        MtaStsRecordIgnored {
            name: s("_mta-sts.example.com"),
            record: s("\"v=STSv1; id=20261207\""),
            reason: IgnoredReason::Quoted,
            counted: Some(s("v=STSv1; id=20261101")),
        },
    ],
    MtaStsRecordMalformed => [
        MtaStsRecordMalformed { record: s("v=STSv1; id"), problem: record_problems()[0].clone() },
        MtaStsRecordMalformed { record: s("v=STSv1"), problem: record_problems()[1].clone() },
        MtaStsRecordMalformed { record: s("v=STSv1; id=x y"), problem: record_problems()[2].clone() },
        MtaStsRecordMalformed { record: s("v=STSv1; id=1; id=2"), problem: record_problems()[4].clone() },
    ],
    MtaStsPolicyUnavailable => fetch_errors()
        .into_iter()
        .map(|error| MtaStsPolicyUnavailable { url: s("https://mta-sts.example.com/.well-known/mta-sts.txt"), error }),
    MtaStsPolicyInvalid => [
        MtaStsPolicyInvalid { problems: policy_problems() },
        MtaStsPolicyInvalid { problems: vec![PolicyProblem::NoMx] },
    ],
    MtaStsPolicyLenient => [
        MtaStsPolicyLenient { comment_lines: vec![1], blank_lines: vec![] },
        MtaStsPolicyLenient { comment_lines: vec![1, 2, 6], blank_lines: vec![4] },
        MtaStsPolicyLenient { comment_lines: vec![], blank_lines: vec![3, 5] },
    ],
    MtaStsMxNotListed => [
        MtaStsMxNotListed { host: s(HOST), patterns: s("mail.example.com"), mode: MODES[0] },
        MtaStsMxNotListed { host: s(HOST), patterns: s("mail.example.com"), mode: MODES[1] },
        MtaStsMxNotListed { host: s(HOST), patterns: s("mail.example.com"), mode: MODES[2] },
    ],
    MtaStsMxTlsInvalid => [
        MtaStsMxTlsInvalid { host: s(HOST), ip: s(IP), failure: TLS_FAILURES[0], mode: MODES[0] },
        MtaStsMxTlsInvalid { host: s(HOST), ip: s(IP), failure: TLS_FAILURES[1], mode: MODES[1] },
        MtaStsMxTlsInvalid { host: s(HOST), ip: s(IP), failure: TLS_FAILURES[2], mode: MODES[0] },
        MtaStsMxTlsInvalid { host: s(HOST), ip: s(IP), failure: TLS_FAILURES[3], mode: MODES[1] },
        MtaStsMxTlsInvalid { host: s(HOST), ip: s(IP), failure: TLS_FAILURES[4], mode: MODES[0] },
    ],
    MtaStsModeNone => [MtaStsModeNone],
    MtaStsTesting => [MtaStsTesting { hosts: 2 }],
    MtaStsMaxAgeShort => [MtaStsMaxAgeShort { max_age: 3600 }],
    MtaStsProtected => [MtaStsProtected { hosts: 2 }],
    TlsRptMissing => [TlsRptMissing { domain: s("example.com") }],
    TlsRptRecordMultiple => [TlsRptRecordMultiple { count: 2 }],
    TlsRptRecordIgnored => [
        TlsRptRecordIgnored { name: s("_smtp._tls.example.com"), record: s("TLSRPTv1; rua=mailto:tls@example.com"), reason: IgnoredReason::NoVersionKey, counted: None },
        TlsRptRecordIgnored { name: s("_smtp._tls.example.com"), record: s("v=tlsrptv1; rua=mailto:tls@example.com"), reason: IgnoredReason::WrongCase, counted: None },
        TlsRptRecordIgnored {
            name: s("_smtp._tls.example.com"),
            record: s("TLSRPTv1; rua=mailto:old@example.com"),
            reason: IgnoredReason::NoVersionKey,
            counted: Some(s("v=TLSRPTv1; rua=mailto:tls@example.com")),
        },
    ],
    TlsRptRecordMalformed => [
        TlsRptRecordMalformed { record: s("v=TLSRPTv1; rua"), problem: record_problems()[0].clone() },
        TlsRptRecordMalformed { record: s("v=TLSRPTv1"), problem: record_problems()[1].clone() },
        TlsRptRecordMalformed { record: s("v=TLSRPTv1; rua=none"), problem: record_problems()[3].clone() },
    ],
    TlsRptBadTarget => [
        TlsRptBadTarget { uri: s("ftp://example.com/"), problem: TargetProblem::Scheme },
        TlsRptBadTarget { uri: s("mailto:nobody"), problem: TargetProblem::Mailto },
        TlsRptBadTarget { uri: s("https://"), problem: TargetProblem::Https },
    ],
    ServerClosed => [
        ServerClosed { ip: s(IP), command: s("EHLO"), reply: s("421 4.7.0 mx1.example.com Error: too many connections") },
        ServerClosed { ip: s(IP), command: s("greeting"), reply: s("421 4.3.2 All server ports are busy") },
    ],
    OpenRelayLocalSender => [OpenRelayLocalSender {
        ip: s(IP),
        domain: s("example.com"),
        sender: s("postmaster@example.com"),
        reply: s("250 2.1.5 Ok"),
    }],
    RelayRevisited => [
        json(r#"{"code":"relay_revisited","ip":"192.0.2.10","reason":"postscreen_reply","reply":"450 4.3.2 Service currently unavailable"}"#),
        json(r#"{"code":"relay_revisited","ip":"192.0.2.10","reason":"multi_line_greeting","reply":"450 4.3.2 Service currently unavailable","error":"greeting: 421 4.3.2 All server ports are busy"}"#),
        json(r#"{"code":"relay_revisited","ip":"192.0.2.10","reason":"postscreen_reply","reply":"450 4.3.2 Service currently unavailable","failure":{"kind":"no_relay_probe"}}"#),
        json(r#"{"code":"relay_revisited","ip":"192.0.2.10","reason":"postscreen_reply","reply":"450 4.3.2 Service currently unavailable","failure":{"kind":"server_closed","command":"greeting","reply":"421 4.3.2 All server ports are busy"}}"#),
        json(r#"{"code":"relay_revisited","ip":"192.0.2.10","reason":"postscreen_reply","reply":"450 4.3.2 Service currently unavailable","failure":{"kind":"session_ended","failure":{"step":"connect","connection":"second","cause":{"kind":"connect","failure":{"kind":"no_answer","secs":15}}}}}"#),
    ],
    GreetingTimeout => [GreetingTimeout { ip: s(IP), waited_secs: 30 }],
    Port25NoAnswer => [json(r#"{"code":"port25_no_answer","addresses":2}"#)],
    EgressBlocked => [json(r#"{"code":"egress_blocked","target":"smtp.example.net:25","addresses":2}"#)],
    Port25Timeout => [
        json(r#"{"code":"port25_timeout","ip":"192.0.2.10","detail":"no answer within 15 s"}"#),
        json(r#"{"code":"port25_timeout","ip":"192.0.2.10","detail":"","failure":{"kind":"no_answer","secs":15}}"#),
    ],
    DaneTaRejected => [
        json(r#"{"code":"dane_ta_rejected","ip":"192.0.2.10","record":"2 1 1 8f3a","problems":[{"kind":"name_mismatch","names":["other.example.org"],"expected":["mx1.example.com"]}]}"#),
        json(r#"{"code":"dane_ta_rejected","ip":"192.0.2.10","record":"2 1 1 8f3a","problems":[{"kind":"out_of_date","depth":0,"subject":"CN=mx1.example.com","not_before":"2024-01-01T00:00:00Z","not_after":"2024-04-01T00:00:00Z"}]}"#),
    ],
    DaneNotInForce => [
        json(r#"{"code":"dane_not_in_force","host":"mx1.example.com","reason":{"kind":"insecure_addresses"}}"#),
        json(r#"{"code":"dane_not_in_force","host":"mx1.example.com","reason":{"kind":"insecure_cname","cname":"mx1.example.com"}}"#),
    ],
    CertificateIntermediateUnused => [json(r#"{"code":"certificate_intermediate_unused","subject":"CN=Old Root X1","not_before":"2010-01-01T00:00:00Z","not_after":"2020-05-30T10:48:38Z"}"#)],
    MtaStsMxNotTested => [
        json(r#"{"code":"mta_sts_mx_not_tested","host":"mx1.example.com","reason":{"kind":"no_address"},"mode":"enforce"}"#),
        json(r#"{"code":"mta_sts_mx_not_tested","host":"mx1.example.com","reason":{"kind":"no_address"},"mode":"testing"}"#),
        json(r#"{"code":"mta_sts_mx_not_tested","host":"mx1.example.com","reason":{"kind":"outdated_suites_only","ip":"192.0.2.1","suite":"TLS_RSA_WITH_AES_128_CBC_SHA"},"mode":"enforce"}"#),
    ],
}

#[test]
fn every_sample_is_listed_under_its_own_variant() {
    let samples = samples();
    for (listed, kind) in &samples {
        assert_eq!(variant_name(kind), *listed, "{kind:?}");
    }
    for variant in VARIANTS {
        assert!(samples.iter().any(|(v, _)| v == variant), "{variant} has no sample");
    }
    // The sub-enums whose texts branch are covered one value each.
    let inconclusive = samples.iter().filter(|(v, _)| *v == "RelayInconclusive").count();
    assert_eq!(inconclusive, reasons().len() + unanswered().len());
    let unavailable = samples.iter().filter(|(v, _)| *v == "MtaStsPolicyUnavailable").count();
    assert_eq!(unavailable, fetch_errors().len());
}

#[test]
fn codes_are_pinned() {
    let pinned: Vec<&str> =
        PINNED_CODES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let mut unique = pinned.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), pinned.len(), "a code is pinned twice in tests/golden/finding-codes.txt");

    let mut codes: Vec<&str> = samples().iter().map(|(_, k)| k.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    let missing: Vec<&&str> = codes.iter().filter(|c| !unique.contains(c)).collect();
    let gone: Vec<&&str> = unique.iter().filter(|c| !codes.contains(c)).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "finding codes are part of the report contract and never change: codes of kinds not in \
         report/tests/golden/finding-codes.txt (add new kinds there): {missing:?}; pinned codes no kind \
         has any more (renamed or removed?): {gone:?}"
    );
    // One code per variant: two variants never share one.
    assert_eq!(codes.len(), VARIANTS.len(), "two kinds share a code");
}

#[test]
fn codes_are_the_serde_tags_and_every_sample_reads_back() {
    for (_, kind) in samples() {
        let json = serde_json::to_value(&kind).unwrap();
        assert_eq!(json["code"], kind.code(), "{kind:?}");
        let code = kind.code();
        assert!(
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{code:?} is not a snake_case tag"
        );
        assert_eq!(serde_json::from_value::<FindingKind>(json).unwrap(), kind);

        let finding = kind.clone().into_finding();
        assert_eq!((finding.code.as_str(), finding.severity), (code, kind.severity()));
        let back: Finding = serde_json::from_value(serde_json::to_value(&finding).unwrap()).unwrap();
        assert_eq!(back, finding);
    }
}

/// `text` without `${…}` expansions (configuration snippets such as Exim's
/// `${if eq{$tls_in_cipher}{}{}{*}}`), so the braces left are format placeholders nobody filled.
fn without_expansions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let mut depth = 0;
        let end = rest[start + 1..].char_indices().find_map(|(i, c)| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            (depth == 0).then_some(start + 1 + i + 1)
        });
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_kind_has_its_texts_in_english_and_german() {
    let mut problems = Vec::new();
    for (variant, kind) in samples() {
        let (en, de) = (kind.texts(Lang::En), kind.texts(Lang::De));
        for (lang, t) in [("en", &en), ("de", &de)] {
            for (part, text) in [("title", &t.title), ("detail", &t.detail), ("remedy", &t.remedy)] {
                let mut fault = |what: &str| problems.push(format!("{variant} {lang} {part} {what}: {text:?}"));
                if text.trim().is_empty() {
                    fault("is empty");
                }
                if text.trim() != text || text.contains("  ") {
                    fault("has stray whitespace");
                }
                if without_expansions(text).contains(['{', '}']) {
                    fault("has a format placeholder left in");
                }
                if text.contains("TODO") || text.contains("FIXME") {
                    fault("is unfinished");
                }
            }
        }
        // The German texts are translations, not the English ones again.
        for (part, en, de) in
            [("title", &en.title, &de.title), ("detail", &en.detail, &de.detail), ("remedy", &en.remedy, &de.remedy)]
        {
            if en == de {
                problems.push(format!("{variant}: the German {part} is the English one: {en:?}"));
            }
        }
        // The report's English texts are the English catalogue's.
        let f = kind.clone().into_finding();
        assert_eq!((f.title, f.detail, f.remedy), (en.title, en.detail, en.remedy), "{variant}");
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn severities_follow_the_facts() {
    let severity = |k: FindingKind| k.severity();
    assert_eq!(severity(FindingKind::OpenRelay { ip: s(IP), reply: s("250 ok") }), Severity::Critical);
    assert_eq!(severity(FindingKind::RelayRefused { reply: s("554 no") }), Severity::Ok);
    let not_listed = |mode| FindingKind::MtaStsMxNotListed { host: s(HOST), patterns: s("x"), mode };
    assert_eq!(severity(not_listed(StsMode::Enforce)), Severity::Critical);
    assert_eq!(severity(not_listed(StsMode::Testing)), Severity::Warning);
    let expired = FindingKind::CertificateExpired { not_after: s("2020-01-01T00:00:00Z") };
    assert_eq!(severity(expired.clone()), Severity::Critical);
    assert!(expired.texts(Lang::En).remedy.contains("SAN"));
    // A port's certificate hurts mail clients, not mail to the domain: at most a warning.
    let port = FindingKind::PortCertificate { ip: s(IP), port: 465, finding: Box::new(expired) };
    assert_eq!(severity(port), Severity::Warning);
    assert!(FindingKind::Port25Unreachable { ip: s(IP), outcome: s("refused"), detail: s("x"), failure: None }
        .texts(Lang::En)
        .remedy
        .contains("firewall"));
}

#[test]
fn placeholders_are_told_from_configuration_snippets() {
    assert_eq!(without_expansions("a ${if eq{$x}{}{}{*}} b"), "a  b");
    assert!(without_expansions("{host} has no address").contains('{'));
    assert!(without_expansions("${x} and {}").contains('{'));
}

#[test]
fn counts_take_the_singular_only_for_one() {
    for (n, en, de) in [(0, "0 hosts", "0 Tage"), (1, "1 host", "1 Tag"), (2, "2 hosts", "2 Tage")] {
        assert_eq!(count(n, "host", "hosts"), en);
        assert_eq!(count(n, "Tag", "Tage"), de);
    }
    assert_eq!(count(1_usize, "Adresse", "Adressen"), "1 Adresse");
    assert_eq!(count(-1_i64, "day", "days"), "-1 days");
    assert_eq!(count(21_u64, "Host", "Hosts"), "21 Hosts");
    assert_eq!(plural(1_u8, "lehnte", "lehnten"), "lehnte");
    assert_eq!(plural(3_u32, "lehnte", "lehnten"), "lehnten");
}
