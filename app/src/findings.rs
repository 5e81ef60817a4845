//! Findings: every problem (or good news) mxray can report, with context, and the one exhaustive
//! catalogue that gives each its severity, stable code, title, detail and remedy in both languages.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Good news.
    Ok,
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Warning,
    /// Mail is lost, exposed or abusable.
    Critical,
}

/// A finding as written into the report: texts in English, plus the typed kind for re-rendering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// Stable machine code, e.g. `certificate_expired`.
    pub code: String,
    /// One-line title.
    pub title: String,
    /// What exactly was seen.
    pub detail: String,
    /// What the admin should do.
    pub remedy: String,
    /// The typed finding with its context (renders the texts in any language).
    pub kind: FindingKind,
}

impl Finding {
    /// The finding's texts in a language.
    pub fn texts(&self, lang: Lang) -> FindingTexts {
        self.kind.texts(lang)
    }
}

/// The three texts of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingTexts {
    /// One-line title.
    pub title: String,
    /// What was seen.
    pub detail: String,
    /// What to do.
    pub remedy: String,
}

/// Everything mxray can find, with the facts behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// RFC 7505 null MX.
    NullMx,
    /// No MX records; the domain's own address is used.
    ImplicitMx,
    /// The domain does not exist.
    DomainNotFound,
    /// The domain has neither MX nor address records.
    NoMailRecords,
    /// DNS failed.
    DnsFailed {
        /// Resolver error.
        detail: String,
    },
    /// More MX hosts than the cap.
    MxHostsCapped {
        /// Hosts not tested.
        skipped: usize,
    },
    /// No mail host answered with 220 at any address.
    NoReachableMx,
    /// The MX target is a CNAME.
    MxIsCname {
        /// The host.
        host: String,
        /// Its canonical name.
        target: String,
    },
    /// The MX target is written as an IP address.
    MxIsIpLiteral {
        /// The host.
        host: String,
    },
    /// The MX target has no A or AAAA.
    MxHostNoAddress {
        /// The host.
        host: String,
        /// Resolver detail.
        detail: String,
    },
    /// More addresses than the cap.
    AddressesCapped {
        /// The host.
        host: String,
        /// Addresses not tested.
        skipped: usize,
    },
    /// The host has IPv4 but no IPv6 address.
    NoIpv6 {
        /// The host.
        host: String,
    },
    /// The address is not public and was not contacted.
    TargetBlocked {
        /// Address.
        ip: String,
        /// Which range.
        range: String,
    },
    /// Port 25 could not be reached.
    Port25Unreachable {
        /// Address.
        ip: String,
        /// `refused`, `timeout`, …
        outcome: String,
        /// Error text.
        detail: String,
    },
    /// The server answered but not with 220.
    BannerNotReady {
        /// Address.
        ip: String,
        /// The reply.
        reply: String,
    },
    /// No usable greeting arrived.
    BannerMissing {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// The banner reveals the MTA version.
    BannerLeaksVersion {
        /// Product.
        software: String,
        /// Version.
        version: String,
    },
    /// EHLO was refused; HELO worked.
    EhloRefused {
        /// Address.
        ip: String,
    },
    /// Neither EHLO nor HELO worked.
    HeloFailed {
        /// Address.
        ip: String,
        /// The reply or error.
        reply: String,
    },
    /// STARTTLS is not offered.
    #[serde(rename = "starttls_not_offered")]
    StartTlsNotOffered {
        /// Address.
        ip: String,
    },
    /// STARTTLS is offered but refused.
    #[serde(rename = "starttls_rejected")]
    StartTlsRejected {
        /// Address.
        ip: String,
        /// The reply.
        reply: String,
    },
    /// The TLS handshake failed.
    TlsHandshakeFailed {
        /// Address.
        ip: String,
        /// The error.
        error: String,
    },
    /// Unrequested plaintext bytes followed the 220 to STARTTLS.
    #[serde(rename = "starttls_plaintext_injection")]
    StartTlsInjection {
        /// Address.
        ip: String,
    },
    /// TLS works.
    TlsOk {
        /// Protocol.
        version: String,
        /// Cipher suite.
        cipher: String,
    },
    /// The certificate is out of date.
    CertificateExpired {
        /// End of validity.
        not_after: String,
    },
    /// The certificate expires within 14 days.
    CertificateExpiresSoon {
        /// Days left.
        days: i64,
        /// End of validity.
        not_after: String,
    },
    /// The certificate does not name the MX host.
    CertificateNameMismatch {
        /// The MX host.
        host: String,
        /// Names in the certificate.
        names: String,
    },
    /// The certificate is self-signed.
    CertificateSelfSigned {
        /// Subject.
        subject: String,
    },
    /// The certificate's validity has not begun.
    CertificateNotYetValid {
        /// Start of validity.
        not_before: String,
    },
    /// An intermediate certificate sent with the leaf is out of date.
    CertificateIntermediateExpired {
        /// The intermediate's subject.
        subject: String,
        /// Its end of validity.
        not_after: String,
    },
    /// An intermediate certificate sent with the leaf is not valid yet.
    CertificateIntermediateNotYetValid {
        /// The intermediate's subject.
        subject: String,
        /// Its start of validity.
        not_before: String,
    },
    /// The handshake succeeded but the leaf certificate cannot be read.
    CertificateUnreadable {
        /// The parser's error.
        error: String,
    },
    /// The chain does not verify to a trusted root.
    CertificateUntrusted {
        /// Verifier error.
        error: String,
        /// The issuer at which the chain sent stops, when the verifier knew no root for it.
        #[serde(default)]
        issuer: Option<String>,
    },
    /// The key is too small.
    CertificateWeakKey {
        /// Algorithm.
        algorithm: String,
        /// Bits.
        bits: u32,
    },
    /// The certificate is trusted, valid and names the host.
    CertificateValid {
        /// Days left.
        days: i64,
    },
    /// The server relays to outside domains.
    OpenRelay {
        /// Address.
        ip: String,
        /// The RCPT reply.
        reply: String,
    },
    /// Relaying was refused.
    RelayRefused {
        /// The RCPT reply.
        reply: String,
    },
    /// The relay probe could not decide.
    RelayInconclusive {
        /// Address.
        ip: String,
        /// The deciding reply.
        reply: String,
        /// What the deciding reply was about (absent in reports written before it was recorded).
        #[serde(default)]
        reason: Option<crate::report::RelayReason>,
        /// The command that got no valid reply, when that ended the probe.
        #[serde(default)]
        unanswered: Option<crate::report::Unanswered>,
    },
    /// The server sent a reply that no command asked for; the dialogue was stopped.
    UnsolicitedReply {
        /// Address.
        ip: String,
        /// The last command before it (or `greeting`).
        after: String,
        /// The first unrequested line.
        data: String,
    },
    /// A command got a reply code it does not allow.
    ProtocolViolation {
        /// Address.
        ip: String,
        /// The command.
        command: String,
        /// The reply.
        reply: String,
    },
    /// No address of the domain could be tested (non-public, no route from here, or mxray refused).
    NothingTested {
        /// Addresses not contacted because they are not public.
        blocked: usize,
        /// Addresses this machine has no route to.
        no_route: usize,
        /// Addresses that refused mxray's own address or HELO name.
        #[serde(default)]
        refused: usize,
    },
    /// The server refused mxray itself (its address or HELO name), not senders in general.
    TesterRefused {
        /// Address.
        ip: String,
        /// `greeting` or `EHLO`.
        step: String,
        /// The reply.
        reply: String,
        /// What the refusal names (client address or HELO name).
        reason: crate::report::RelayReason,
    },
    /// Every address of the MX host is non-public.
    MxNotPublic {
        /// The host.
        host: String,
    },
    /// A null MX is published next to other MX records.
    NullMxWithOtherMx,
    /// This machine has no route to the address (a limit of the tester).
    NoRouteFromHere {
        /// Address.
        ip: String,
        /// The error.
        detail: String,
    },
    /// STARTTLS is offered but cannot be tested from here.
    TlsNotTestable {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// The server speaks only TLS versions older than 1.2.
    TlsLegacyOnly {
        /// Address.
        ip: String,
        /// What the server answered.
        error: String,
        /// The legacy versions the extra connection saw accepted (empty when it learned none).
        #[serde(default)]
        versions: Vec<String>,
    },
    /// The server accepts TLS 1.0 or 1.1 (RFC 8996) besides TLS 1.2/1.3.
    TlsLegacyAccepted {
        /// Address.
        ip: String,
        /// The legacy versions accepted, e.g. `TLSv1.0`.
        versions: Vec<String>,
    },
    /// Whether TLS 1.0/1.1 are accepted could not be tested.
    TlsLegacyNotTested {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// The address has no PTR record.
    PtrMissing {
        /// Address.
        ip: String,
        /// The resolver's answer.
        detail: String,
    },
    /// No PTR name of the address resolves back to it (no FCrDNS).
    PtrNotConfirmed {
        /// Address.
        ip: String,
        /// The PTR names.
        names: String,
    },
    /// The reverse DNS could not be looked up.
    ReverseDnsNotTested {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// The greeting or EHLO names another host than the PTR.
    NameNotPtr {
        /// Address.
        ip: String,
        /// `greeting` or `EHLO`.
        step: String,
        /// The name announced there.
        name: String,
        /// The PTR names.
        ptr: String,
    },
    /// The address is on a blocklist.
    DnsblListed {
        /// Address.
        ip: String,
        /// The blocklist zone.
        zone: String,
        /// The return codes.
        codes: String,
        /// The TXT reason.
        reason: String,
    },
    /// A blocklist could not be asked.
    DnsblNotTested {
        /// Address.
        ip: String,
        /// The blocklist zone.
        zone: String,
        /// Why.
        reason: String,
    },
    /// The server accepts none of the offered cipher suites or groups.
    TlsNoSharedCipher {
        /// Address.
        ip: String,
        /// What the server answered.
        error: String,
    },
    /// The session broke off before all steps ran.
    SessionAborted {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// The server answered a command with `421`: it closed the session (RFC 5321 §3.8), so the steps
    /// after that command were not tested.
    ServerClosed {
        /// Address.
        ip: String,
        /// The command it answered, or `greeting`.
        command: String,
        /// The reply.
        reply: String,
    },
    /// The per-address deadline ended the session.
    DeadlineReached {
        /// Address.
        ip: String,
    },
    /// Relaying was refused, but a routing address (percent hack, bang path, …) was accepted.
    RelayBypassAccepted {
        /// Address.
        ip: String,
        /// The forms accepted, with the recipient sent and the reply.
        forms: Vec<crate::bypass::BypassAttempt>,
    },
    /// Relaying was refused for an outside sender but accepted when `MAIL FROM` claimed the tested
    /// domain: an open relay for anyone who forges a local sender.
    OpenRelayLocalSender {
        /// Address.
        ip: String,
        /// The tested domain.
        domain: String,
        /// The forged sender, e.g. `postmaster@example.com`.
        sender: String,
        /// The reply to `RCPT TO`.
        reply: String,
    },
    /// The relay probe came back once on a new connection after a postscreen-like temporary refusal.
    RelayRevisited {
        /// Address.
        ip: String,
        /// Why mxray came back.
        reason: crate::report::RevisitReason,
        /// The temporary refusal of the first connection.
        reply: String,
        /// Why the return connection gave no verdict, when it gave none.
        #[serde(default)]
        error: Option<String>,
    },
    /// AUTH is offered before STARTTLS: passwords may cross the network in plaintext.
    AuthInPlaintext {
        /// Address.
        ip: String,
        /// The port.
        port: u16,
        /// The mechanisms offered in plaintext.
        mechanisms: Vec<String>,
    },
    /// A submission port (465/587) gave no SMTP session.
    PortNotServing {
        /// Address.
        ip: String,
        /// The port.
        port: u16,
        /// What happened.
        detail: String,
    },
    /// TLS failed on a submission port (implicit TLS on 465, STARTTLS on 587).
    PortTlsFailed {
        /// Address.
        ip: String,
        /// The port.
        port: u16,
        /// What happened.
        detail: String,
    },
    /// A submission port offers no AUTH inside TLS: clients cannot log in to submit mail.
    SubmissionNoAuth {
        /// Address.
        ip: String,
        /// The port.
        port: u16,
    },
    /// A certificate finding about a submission port (465/587), judged as on port 25.
    PortCertificate {
        /// Address.
        ip: String,
        /// The port.
        port: u16,
        /// The certificate finding itself.
        finding: Box<FindingKind>,
    },
    /// The MX answer fails DNSSEC validation.
    MxDnssecBogus {
        /// The validator's words.
        detail: String,
    },
    /// An MX host's address answer fails DNSSEC validation.
    AddressDnssecBogus {
        /// The host.
        host: String,
        /// The validator's words.
        detail: String,
    },
    /// The TLSA answer of an MX host fails DNSSEC validation.
    DaneTlsaBogus {
        /// The host.
        host: String,
        /// The validator's words.
        detail: String,
    },
    /// The TLSA lookup gave no answer that could be validated.
    DaneTlsaUnknown {
        /// The host.
        host: String,
        /// Why.
        detail: String,
    },
    /// TLSA records in a zone without DNSSEC (ignored by senders).
    DaneTlsaInsecure {
        /// The host.
        host: String,
    },
    /// TLSA records SMTP senders do not use (usage 0/1, unknown selector or matching type).
    DaneUnusableRecords {
        /// The host.
        host: String,
        /// The records, in presentation form.
        records: String,
    },
    /// A TLSA record matches the chain the address presented.
    DaneMatched {
        /// Address.
        ip: String,
        /// The record that matched.
        record: String,
    },
    /// DANE is in force, but no usable TLSA record matches the chain the address presented.
    DaneNoMatch {
        /// Address.
        ip: String,
        /// What was compared.
        detail: String,
    },
    /// DANE is in force, but the address gave no TLS session.
    DaneNoTls {
        /// Address.
        ip: String,
        /// What happened instead.
        detail: String,
    },
    /// DANE could not be judged at the address.
    DaneNotTested {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
    },
    /// A DANE-EE record pins the server's key: names, dates and issuer do not apply.
    CertificateDaneEe {
        /// The record that matched.
        record: String,
    },
    /// A DANE-TA record matched a CA certificate of the chain, but DANE senders still reject the
    /// server's certificate: it names no reference identifier, or it is out of date.
    DaneTaRejected {
        /// Address.
        ip: String,
        /// The record that matched.
        record: String,
        /// What DANE-TA senders reject.
        problems: Vec<crate::dane::TaProblem>,
    },
    /// Signed, usable TLSA records that still do not put DANE in force (RFC 7672 §2.2).
    DaneNotInForce {
        /// The host.
        host: String,
        /// Why not.
        reason: crate::dane::NotInForce,
    },
    /// An out-of-date intermediate sent with the chain, but not on the path that verified.
    CertificateIntermediateUnused {
        /// Its subject.
        subject: String,
        /// Start of its validity.
        not_before: String,
        /// End of its validity.
        not_after: String,
    },
    /// An MX host of an MTA-STS policy whose TLS could not be tested from here.
    MtaStsMxNotTested {
        /// The host.
        host: String,
        /// Why not.
        reason: crate::policy::UntestedTls,
        /// The policy mode.
        mode: crate::policy::StsMode,
    },
    /// The domain publishes no MTA-STS record.
    MtaStsMissing,
    /// A policy TXT lookup failed.
    PolicyLookupFailed {
        /// The name looked up.
        name: String,
        /// Resolver error.
        detail: String,
    },
    /// Several `v=STSv1` records.
    MtaStsRecordMultiple {
        /// How many.
        count: usize,
    },
    /// The `v=STSv1` record is malformed.
    MtaStsRecordMalformed {
        /// The record.
        record: String,
        /// What is wrong.
        problem: crate::policy::RecordProblem,
    },
    /// The policy file could not be fetched.
    MtaStsPolicyUnavailable {
        /// The URL.
        url: String,
        /// Why.
        error: crate::policy::FetchError,
    },
    /// The policy file is not valid.
    MtaStsPolicyInvalid {
        /// What is wrong.
        problems: Vec<crate::policy::PolicyProblem>,
    },
    /// An MX host matches none of the policy's patterns.
    MtaStsMxNotListed {
        /// The host.
        host: String,
        /// The patterns.
        patterns: String,
        /// The policy mode.
        mode: crate::policy::StsMode,
    },
    /// An MX host's TLS fails the policy (no STARTTLS, or a certificate not valid for its name).
    MtaStsMxTlsInvalid {
        /// The host.
        host: String,
        /// The failing address.
        ip: String,
        /// How it fails.
        failure: crate::policy::TlsPolicyFailure,
        /// The policy mode.
        mode: crate::policy::StsMode,
    },
    /// The policy's mode is `none`.
    MtaStsModeNone,
    /// Testing mode, every MX passes.
    MtaStsTesting {
        /// MX hosts judged.
        hosts: usize,
    },
    /// `max_age` under a day.
    MtaStsMaxAgeShort {
        /// The value in seconds.
        max_age: u64,
    },
    /// Enforce mode, every MX passes: protected against downgrade.
    MtaStsProtected {
        /// MX hosts judged.
        hosts: usize,
    },
    /// MTA-STS (or DANE) without a TLS-RPT record.
    TlsRptMissing {
        /// The domain.
        domain: String,
    },
    /// Several `v=TLSRPTv1` records.
    TlsRptRecordMultiple {
        /// How many.
        count: usize,
    },
    /// The `v=TLSRPTv1` record is malformed.
    TlsRptRecordMalformed {
        /// The record.
        record: String,
        /// What is wrong.
        problem: crate::policy::RecordProblem,
    },
    /// A TLS-RPT report target has the wrong form.
    TlsRptBadTarget {
        /// The URI.
        uri: String,
        /// What is wrong.
        problem: crate::policy::TargetProblem,
    },
    /// The server accepted the connection but gave no complete greeting within mxray's wait; it may
    /// still greet later (senders wait up to 5 minutes).
    GreetingTimeout {
        /// Address.
        ip: String,
        /// How long mxray waited, in seconds.
        waited_secs: u64,
    },
    /// No address of any MX answered the TCP handshake and every attempt timed out: the servers are
    /// down, or the network mxray runs in blocks outbound port 25.
    Port25NoAnswer {
        /// How many addresses timed out.
        addresses: usize,
        /// The egress check, when one ran (and did not settle it).
        #[serde(default)]
        egress: Option<crate::egress::EgressReport>,
    },
    /// The egress check timed out like every MX address: this network blocks outbound port 25.
    EgressBlocked {
        /// The egress check's target.
        target: String,
        /// How many MX addresses timed out.
        addresses: usize,
    },
    /// Port 25 timed out at an address while no address of the domain answered (maybe this network).
    Port25Timeout {
        /// Address.
        ip: String,
        /// Error text.
        detail: String,
    },
}

impl FindingKind {
    /// Severity of this finding.
    pub fn severity(&self) -> Severity {
        use FindingKind::*;
        match self {
            MtaStsMxNotListed { mode, .. } | MtaStsMxTlsInvalid { mode, .. } => match mode {
                crate::policy::StsMode::Enforce => Severity::Critical,
                _ => Severity::Warning,
            },
            // Not tested is never ok; under enforce an untested host may be one senders refuse.
            MtaStsMxNotTested { mode, .. } => match mode {
                crate::policy::StsMode::Enforce => Severity::Warning,
                _ => Severity::Info,
            },
            // Senders that validate ignore it; only a client building its path through it could fail.
            CertificateIntermediateUnused { .. } | DaneNotInForce { .. } => Severity::Info,
            DaneTaRejected { .. } => Severity::Critical,
            MtaStsProtected { .. } => Severity::Ok,
            // Not a relay test at all: worth knowing, nothing to fix on the server.
            RelayInconclusive { reason: Some(crate::report::RelayReason::SameProvider), .. } => Severity::Info,
            // Challenge-response and Kerberos logins put no password on the wire: worth knowing only.
            AuthInPlaintext { mechanisms, .. }
                if !mechanisms.iter().any(|m| crate::ehlo_diff::sends_password_readably(m)) =>
            {
                Severity::Info
            }
            // A limit of the machine running mxray, not a fault of the domain.
            MtaStsPolicyUnavailable { error: crate::policy::FetchError::NoRoute { .. }, .. } => Severity::Info,
            DaneMatched { .. } | CertificateDaneEe { .. } => Severity::Ok,
            // Mail clients suffer, not mail to the domain: at most a warning.
            PortCertificate { finding, .. } => finding.severity().min(Severity::Warning),
            DaneNotTested { .. }
            | PortNotServing { .. }
            | SubmissionNoAuth { .. }
            | Port25Timeout { .. }
            | RelayRevisited { .. } => Severity::Info,
            // Not a verdict on the domain: the server may greet later, the network may be the cause.
            GreetingTimeout { .. } | Port25NoAnswer { .. } | EgressBlocked { .. } => Severity::Warning,
            DaneTlsaUnknown { .. } | DaneTlsaInsecure { .. } | DaneUnusableRecords { .. } => Severity::Warning,
            MxDnssecBogus { .. }
            | AddressDnssecBogus { .. }
            | DaneTlsaBogus { .. }
            | DaneNoMatch { .. }
            | DaneNoTls { .. } => Severity::Critical,
            MtaStsMissing
            | PolicyLookupFailed { .. }
            | MtaStsModeNone
            | MtaStsTesting { .. }
            | MtaStsMaxAgeShort { .. }
            | TlsRptMissing { .. } => Severity::Info,
            MtaStsRecordMultiple { .. }
            | MtaStsRecordMalformed { .. }
            | MtaStsPolicyUnavailable { .. }
            | MtaStsPolicyInvalid { .. }
            | TlsRptRecordMultiple { .. }
            | TlsRptRecordMalformed { .. }
            | TlsRptBadTarget { .. } => Severity::Warning,
            TlsOk { .. } | CertificateValid { .. } | RelayRefused { .. } => Severity::Ok,
            NullMx
            | MxHostsCapped { .. }
            | AddressesCapped { .. }
            | BannerLeaksVersion { .. }
            | NoIpv6 { .. }
            | NoRouteFromHere { .. }
            | TlsNotTestable { .. }
            | TlsLegacyNotTested { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblNotTested { .. } => Severity::Info,
            ImplicitMx
            | MxIsCname { .. }
            | TargetBlocked { .. }
            | EhloRefused { .. }
            | CertificateExpiresSoon { .. }
            | CertificateNameMismatch { .. }
            | CertificateSelfSigned { .. }
            | CertificateUntrusted { .. }
            | CertificateUnreadable { .. }
            | CertificateWeakKey { .. }
            | SessionAborted { .. }
            | ServerClosed { .. }
            | TesterRefused { .. }
            | RelayInconclusive { .. }
            | NullMxWithOtherMx
            | DeadlineReached { .. }
            | RelayBypassAccepted { .. }
            | AuthInPlaintext { .. }
            | PortTlsFailed { .. }
            | TlsLegacyAccepted { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            // A listing hurts the mail this host sends; mail to it still arrives: not critical.
            | DnsblListed { .. } => Severity::Warning,
            DomainNotFound
            | NoMailRecords
            | DnsFailed { .. }
            | NoReachableMx
            | MxIsIpLiteral { .. }
            | MxHostNoAddress { .. }
            | Port25Unreachable { .. }
            | BannerNotReady { .. }
            | BannerMissing { .. }
            | HeloFailed { .. }
            | StartTlsNotOffered { .. }
            | StartTlsRejected { .. }
            | TlsHandshakeFailed { .. }
            | StartTlsInjection { .. }
            | CertificateExpired { .. }
            | CertificateNotYetValid { .. }
            | CertificateIntermediateExpired { .. }
            | CertificateIntermediateNotYetValid { .. }
            | UnsolicitedReply { .. }
            | ProtocolViolation { .. }
            | NothingTested { .. }
            | MxNotPublic { .. }
            | TlsLegacyOnly { .. }
            | TlsNoSharedCipher { .. }
            | OpenRelayLocalSender { .. }
            | OpenRelay { .. } => Severity::Critical,
        }
    }

    /// Stable machine code, the same as the serde tag (a `match` rather than serialising: the page's
    /// WASM then carries no JSON serialiser for findings).
    pub fn code(&self) -> &'static str {
        use FindingKind::*;
        match self {
            NullMx => "null_mx",
            ImplicitMx => "implicit_mx",
            DomainNotFound => "domain_not_found",
            NoMailRecords => "no_mail_records",
            DnsFailed { .. } => "dns_failed",
            MxHostsCapped { .. } => "mx_hosts_capped",
            NoReachableMx => "no_reachable_mx",
            MxIsCname { .. } => "mx_is_cname",
            MxIsIpLiteral { .. } => "mx_is_ip_literal",
            MxHostNoAddress { .. } => "mx_host_no_address",
            AddressesCapped { .. } => "addresses_capped",
            NoIpv6 { .. } => "no_ipv6",
            TargetBlocked { .. } => "target_blocked",
            Port25Unreachable { .. } => "port25_unreachable",
            BannerNotReady { .. } => "banner_not_ready",
            BannerMissing { .. } => "banner_missing",
            BannerLeaksVersion { .. } => "banner_leaks_version",
            EhloRefused { .. } => "ehlo_refused",
            HeloFailed { .. } => "helo_failed",
            StartTlsNotOffered { .. } => "starttls_not_offered",
            StartTlsRejected { .. } => "starttls_rejected",
            TlsHandshakeFailed { .. } => "tls_handshake_failed",
            StartTlsInjection { .. } => "starttls_plaintext_injection",
            TlsOk { .. } => "tls_ok",
            CertificateExpired { .. } => "certificate_expired",
            CertificateExpiresSoon { .. } => "certificate_expires_soon",
            CertificateNameMismatch { .. } => "certificate_name_mismatch",
            CertificateSelfSigned { .. } => "certificate_self_signed",
            CertificateNotYetValid { .. } => "certificate_not_yet_valid",
            CertificateIntermediateExpired { .. } => "certificate_intermediate_expired",
            CertificateIntermediateNotYetValid { .. } => "certificate_intermediate_not_yet_valid",
            CertificateUnreadable { .. } => "certificate_unreadable",
            CertificateUntrusted { .. } => "certificate_untrusted",
            CertificateWeakKey { .. } => "certificate_weak_key",
            CertificateValid { .. } => "certificate_valid",
            OpenRelay { .. } => "open_relay",
            RelayRefused { .. } => "relay_refused",
            RelayInconclusive { .. } => "relay_inconclusive",
            UnsolicitedReply { .. } => "unsolicited_reply",
            ProtocolViolation { .. } => "protocol_violation",
            NothingTested { .. } => "nothing_tested",
            TesterRefused { .. } => "tester_refused",
            MxNotPublic { .. } => "mx_not_public",
            NullMxWithOtherMx => "null_mx_with_other_mx",
            NoRouteFromHere { .. } => "no_route_from_here",
            TlsNotTestable { .. } => "tls_not_testable",
            TlsLegacyOnly { .. } => "tls_legacy_only",
            TlsLegacyAccepted { .. } => "tls_legacy_accepted",
            TlsLegacyNotTested { .. } => "tls_legacy_not_tested",
            PtrMissing { .. } => "ptr_missing",
            PtrNotConfirmed { .. } => "ptr_not_confirmed",
            ReverseDnsNotTested { .. } => "reverse_dns_not_tested",
            NameNotPtr { .. } => "name_not_ptr",
            DnsblListed { .. } => "dnsbl_listed",
            DnsblNotTested { .. } => "dnsbl_not_tested",
            TlsNoSharedCipher { .. } => "tls_no_shared_cipher",
            SessionAborted { .. } => "session_aborted",
            ServerClosed { .. } => "server_closed",
            DeadlineReached { .. } => "deadline_reached",
            RelayBypassAccepted { .. } => "relay_bypass_accepted",
            OpenRelayLocalSender { .. } => "open_relay_local_sender",
            RelayRevisited { .. } => "relay_revisited",
            AuthInPlaintext { .. } => "auth_in_plaintext",
            PortNotServing { .. } => "port_not_serving",
            PortTlsFailed { .. } => "port_tls_failed",
            SubmissionNoAuth { .. } => "submission_no_auth",
            PortCertificate { .. } => "port_certificate",
            MxDnssecBogus { .. } => "mx_dnssec_bogus",
            AddressDnssecBogus { .. } => "address_dnssec_bogus",
            DaneTlsaBogus { .. } => "dane_tlsa_bogus",
            DaneTlsaUnknown { .. } => "dane_tlsa_unknown",
            DaneTlsaInsecure { .. } => "dane_tlsa_insecure",
            DaneUnusableRecords { .. } => "dane_unusable_records",
            DaneMatched { .. } => "dane_matched",
            DaneNoMatch { .. } => "dane_no_match",
            DaneNoTls { .. } => "dane_no_tls",
            DaneNotTested { .. } => "dane_not_tested",
            CertificateDaneEe { .. } => "certificate_dane_ee",
            DaneTaRejected { .. } => "dane_ta_rejected",
            DaneNotInForce { .. } => "dane_not_in_force",
            CertificateIntermediateUnused { .. } => "certificate_intermediate_unused",
            MtaStsMxNotTested { .. } => "mta_sts_mx_not_tested",
            MtaStsMissing => "mta_sts_missing",
            PolicyLookupFailed { .. } => "policy_lookup_failed",
            MtaStsRecordMultiple { .. } => "mta_sts_record_multiple",
            MtaStsRecordMalformed { .. } => "mta_sts_record_malformed",
            MtaStsPolicyUnavailable { .. } => "mta_sts_policy_unavailable",
            MtaStsPolicyInvalid { .. } => "mta_sts_policy_invalid",
            MtaStsMxNotListed { .. } => "mta_sts_mx_not_listed",
            MtaStsMxTlsInvalid { .. } => "mta_sts_mx_tls_invalid",
            MtaStsModeNone => "mta_sts_mode_none",
            MtaStsTesting { .. } => "mta_sts_testing",
            MtaStsMaxAgeShort { .. } => "mta_sts_max_age_short",
            MtaStsProtected { .. } => "mta_sts_protected",
            TlsRptMissing { .. } => "tls_rpt_missing",
            TlsRptRecordMultiple { .. } => "tls_rpt_record_multiple",
            TlsRptRecordMalformed { .. } => "tls_rpt_record_malformed",
            TlsRptBadTarget { .. } => "tls_rpt_bad_target",
            GreetingTimeout { .. } => "greeting_timeout",
            Port25NoAnswer { .. } => "port25_no_answer",
            EgressBlocked { .. } => "egress_blocked",
            Port25Timeout { .. } => "port25_timeout",
        }
    }

    /// The finding as written into the report (English texts).
    pub fn into_finding(self) -> Finding {
        let t = self.texts(Lang::En);
        Finding {
            severity: self.severity(),
            code: self.code().to_owned(),
            title: t.title,
            detail: t.detail,
            remedy: t.remedy,
            kind: self,
        }
    }

    /// Title, detail and remedy in a language.
    pub fn texts(&self, lang: Lang) -> FindingTexts {
        let (title, detail, remedy) = match lang {
            Lang::En => self.english(),
            Lang::De => self.german(),
        };
        FindingTexts { title, detail, remedy }
    }

    fn english(&self) -> (String, String, String) {
        use FindingKind::*;
        let s = |a: &str, b: String, c: &str| (a.to_owned(), b, c.to_owned());
        match self {
            NullMx => s("The domain accepts no mail", "It publishes a null MX record (RFC 7505: MX 0 .), so senders bounce mail at once.".into(), "Nothing to do if the domain should not receive mail; otherwise replace the null MX with real MX records."),
            ImplicitMx => s("No MX records: the domain's own address is used", "Without MX records senders fall back to the domain's A/AAAA records (RFC 5321 §5.1).".into(), "Publish an MX record naming your mail server, even when it is the same host."),
            DomainNotFound => s("The domain does not exist", "DNS answered NXDOMAIN: nobody can send mail to it.".into(), "Check the spelling; if it is yours, make sure it is registered and delegated to working name servers."),
            NoMailRecords => s("The domain has no MX and no address records", "DNS has neither MX nor A/AAAA records for it, so mail cannot be delivered.".into(), "Publish an MX record pointing at your mail server, or a null MX (MX 0 .) if the domain sends no mail."),
            DnsFailed { detail } => s("DNS lookup failed", format!("The resolver gave no answer: {detail}."), "Check that the domain's name servers answer and that DNSSEC, if used, validates."),
            MxHostsCapped { skipped } => s("Not every MX host was tested", format!("{skipped} more MX hosts exist beyond the first 10."), "Ten MX hosts are plenty; consider removing unused ones."),
            NoReachableMx => s("No mail server accepts connections", "Not one address of any MX host answered on port 25 with a 220 greeting: incoming mail queues and then bounces.".into(), "Make the mail server listen on port 25 and allow inbound TCP 25 from the Internet in every firewall and security group."),
            MxIsCname { host, target } => s("MX target is an alias (CNAME)", format!("{host} is a CNAME for {target}; RFC 2181 §10.3 forbids MX targets that are aliases and some senders refuse them."), "Point the MX record at the canonical host name (the CNAME's target) instead."),
            MxIsIpLiteral { host } => s("MX target is an IP address", format!("The MX record names \"{host}\", which is an address, not a host name."), "An MX record must name a host that has A/AAAA records; create one and point the MX at it."),
            MxHostNoAddress { host, detail } => s("MX host has no address", format!("{host} has no A or AAAA record ({detail}); mail to it cannot be delivered."), "Add A/AAAA records for the mail host or fix the MX record's host name."),
            AddressesCapped { host, skipped } => s("Not every address was tested", format!("{host} has {skipped} more addresses beyond the first 8."), "Nothing to fix; mxray tests the first 8 addresses of each host."),
            NoIpv6 { host } => s("No IPv6 address", format!("{host} has IPv4 only; senders on IPv6-only networks cannot reach it."), "Add an AAAA record and let the server listen on IPv6."),
            TargetBlocked { ip, range } => s("Address is not public and was not tested", format!("{ip} is a {range} address, unreachable from the Internet; mxray does not connect there."), "Publish only public addresses for an MX host; use split DNS for internal names."),
            Port25Unreachable { ip, outcome, detail } => s("Port 25 cannot be reached", format!("Connecting to {ip} port 25 failed ({outcome}: {detail})."), "Check that the mail server runs and listens on port 25, and allow inbound TCP 25 in every firewall, security group and at the provider."),
            BannerNotReady { ip, reply } => s("The server refuses sessions", format!("{ip} greeted with \"{reply}\" instead of 220."), "Check the mail server's load and access rules; a 421 or 554 greeting turns every sender away."),
            BannerMissing { ip, reason } => s("No SMTP greeting", format!("{ip} accepted the connection but gave no valid 220 greeting: {reason}."), "Check that port 25 is served by an SMTP server and nothing in between (proxy, IPS, tarpit) holds the greeting back."),
            BannerLeaksVersion { software, version } => s("The banner reveals the software version", format!("The greeting names {software} {version}."), "Hide the version in the banner (Postfix: smtpd_banner = $myhostname ESMTP); it helps attackers pick exploits."),
            EhloRefused { ip } => s("EHLO refused, HELO used", format!("{ip} refused EHLO; without ESMTP there is no STARTTLS, SIZE or 8BITMIME."), "Enable ESMTP (EHLO) on the mail server."),
            HeloFailed { ip, reply } => s("Neither EHLO nor HELO accepted", format!("{ip} answered \"{reply}\"."), "Check the server's HELO restrictions; a sender must be able to introduce itself."),
            StartTlsNotOffered { ip } => s("STARTTLS not offered", format!("{ip} does not offer STARTTLS: mail to it travels unencrypted."), "Enable STARTTLS with a certificate for the MX name (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file, smtpd_tls_security_level = may)."),
            StartTlsRejected { ip, reply } => s("STARTTLS offered but refused", format!("{ip} announced STARTTLS, then answered \"{reply}\"."), "Check the TLS settings and that the certificate and key files are readable by the mail server."),
            TlsHandshakeFailed { ip, error } => s("TLS handshake failed", format!("After STARTTLS the handshake with {ip} failed: {error}."), "Enable TLS 1.2 and 1.3 with modern ciphers and check the certificate and key the server loads."),
            StartTlsInjection { ip } => s("Plaintext sent after STARTTLS", format!("{ip} sent unrequested bytes after its 220 reply to STARTTLS, before TLS began. A client that took them for TLS-protected replies could be fed injected answers; mxray dropped that connection and ran the relay probe on a fresh one."), "Check the mail server and any middlebox in front of it (SMTP inspection, proxy): nothing may follow the 220 reply to STARTTLS before the handshake."),
            TlsOk { version, cipher } => s("TLS works", format!("{version} with {cipher}."), "Nothing to do."),
            CertificateExpired { not_after } => s("Certificate expired", format!("The certificate was valid until {not_after}."), "Renew the certificate now, with the exact MX host name in its SAN, and reload the mail server."),
            CertificateExpiresSoon { days, not_after } => s("Certificate expires soon", format!("It expires in {days} days ({not_after})."), "Renew the certificate now and check that automatic renewal reloads the mail server."),
            CertificateNameMismatch { host, names } => s("Certificate does not match the MX name", format!("{host} is not among the certificate's names ({names})."), "Renew the certificate with the exact MX host name in its SAN."),
            CertificateSelfSigned { subject } => s("Self-signed certificate", format!("The certificate ({subject}) is signed by itself."), "Use a certificate from a public CA (e.g. Let's Encrypt) with the MX host name in its SAN."),
            CertificateNotYetValid { not_before } => s("Certificate not yet valid", format!("The certificate is valid only from {not_before}; senders that check certificates reject it until then."), "Install a certificate that is valid now (reissue it if its start date is in the future) and check the clock of the machine that issued it."),
            CertificateIntermediateExpired { subject, not_after } => s("Intermediate certificate expired", format!("The intermediate certificate {subject}, sent with the leaf, expired on {not_after}; senders that check certificates reject the chain."), "Replace the intermediate in the chain file with the current one from your CA (or renew the certificate and send the chain the CA delivers with it), then reload the mail server."),
            CertificateIntermediateNotYetValid { subject, not_before } => s("Intermediate certificate not yet valid", format!("The intermediate certificate {subject}, sent with the leaf, is valid only from {not_before}; senders that check certificates reject the chain."), "Send the intermediate your CA currently issues with (the chain delivered with the certificate), then reload the mail server."),
            CertificateUnreadable { error } => s("Certificate cannot be read", format!("TLS was established, but mxray's X.509 parser cannot read the server's certificate ({error}), so its name, dates and key were not judged; strict senders may reject it too."), "Reissue the certificate from a standard CA and check that the server sends it unmodified (DER, leaf first)."),
            CertificateUntrusted { error, issuer } => s("Certificate not trusted", match issuer { Some(i) => format!("The chain does not verify to a public root: {error}. The chain sent ends with a certificate issued by {i}, which is not a trusted root (a missing intermediate or a private CA)."), None => format!("The chain does not verify to a public root: {error}.") }, "Install a certificate from a public CA and send the full chain (leaf and intermediates)."),
            CertificateWeakKey { algorithm, bits } => s("Weak certificate key", format!("{algorithm} key of {bits} bits."), "Reissue the certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key."),
            CertificateValid { days } => s("Certificate valid", format!("Trusted, names the MX host, {days} days left."), "Nothing to do."),
            OpenRelay { ip, reply } => s("Open relay", format!("{ip} accepted mail for an outside domain without authentication: \"{reply}\". Spammers will abuse it and the server will be blacklisted. mxray never sends DATA, so no message went out; some gateways accept every recipient and refuse only at the end of the data: to confirm, send a test message through {ip} from a host outside your network to a mailbox you control outside the domain (e.g. swaks --server {ip} --to you@elsewhere.example)."), "Refuse unauthenticated relaying: accept mail only for your own domains unless the client authenticated (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination)."),
            RelayRefused { reply } => s("Not an open relay", format!("Mail for an outside domain was refused: \"{reply}\"."), "Nothing to do."),
            RelayInconclusive { ip, reply, reason: Some(crate::report::RelayReason::SameProvider), .. } => s("Relay not tested: the recipient's domain is served by the same provider", format!("The relay probe's recipient domain is served by the same server or provider as {ip}, which may take mail for it as its own; its answer (\"{reply}\") says nothing about relaying, so whether it is an open relay was not tested."), "Run mxray with --relay-recipient set to a mailbox at a domain hosted by another provider."),
            RelayInconclusive { ip, reply, reason: _, unanswered: Some(u) } => {
                s("Relay test inconclusive", format!("{}: nothing was accepted, so whether it is an open relay could not be tested.", unanswered_en(ip, reply, u)), "Run the test again; if it repeats, check the server's logs for the session: a server that drops or stalls the dialogue there fails real senders too.")
            }
            RelayInconclusive { ip, reply, reason, unanswered: None } => {
                let (why, remedy) = relay_reason_en(*reason);
                s("Relay test inconclusive", format!("{ip} answered \"{reply}\": {why}, which says nothing about relaying, so whether it is an open relay could not be tested."), remedy)
            }
            UnsolicitedReply { ip, after, data } => s("The server sent replies nobody asked for", format!("After {after}, {ip} sent \"{data}\" before mxray said anything more. Replies would pair with the wrong commands, so mxray stopped and gives no relay verdict."), "Check the server and anything in front of it (proxy, firewall SMTP inspection, load balancer): every reply must answer exactly one command."),
            ProtocolViolation { ip, command, reply } => s("Reply code not allowed for the command", format!("{ip} answered {command} with \"{reply}\", a code that command does not allow (RFC 5321 §4.3.2)."), "Check the mail server and any SMTP proxy in front of it; senders treat such replies as errors."),
            NothingTested { blocked, no_route, refused } => s("Mail delivery could not be tested", format!("No address of any MX host could be tested: {blocked} not public, {no_route} not reachable from the machine running mxray, {refused} refused mxray itself. Nothing here shows that mail to this domain can be delivered."), "Publish public addresses for the MX hosts; if they are public, run mxray from a host with IPv6, a clean address and reverse DNS."),
            TesterRefused { ip, step, reply, reason } => {
                let (whom, remedy) = if *reason == crate::report::RelayReason::HeloRejected {
                    ("mxray's HELO name", "Run mxray with --helo-name set to this host's real, resolvable name.")
                } else {
                    ("the address mxray connects from (blocklist or reverse DNS)", "Run mxray from a host whose address is on no blocklist and has a reverse DNS name; check your own senders against the same lists.")
                };
                s("The server refused mxray, not senders in general", format!("{ip} answered the {step} with \"{reply}\": it refused {whom}, so the rest could not be tested from here."), remedy)
            }
            MxNotPublic { host } => s("MX host has only non-public addresses", format!("Every address of {host} is private, loopback or otherwise not routed on the Internet; mxray did not connect, and no sender on the Internet can."), "Point the MX record at a host with public A/AAAA records; keep internal addresses in internal DNS only."),
            NullMxWithOtherMx => s("Null MX next to other MX records", "The domain publishes a null MX (MX 0 .) and other MX records; RFC 7505 says a null MX must be the only one, and senders differ: some bounce, some deliver, some delay.".into(), "Remove the null MX if the domain receives mail, or remove the other MX records if it does not."),
            NoRouteFromHere { ip, detail } => s("Not testable from here", format!("The machine running mxray has no route to {ip} ({detail}); this says nothing about the server."), "Run the check from a host with connectivity for this address family (usually IPv6)."),
            TlsNotTestable { ip, reason } => s("STARTTLS could not be tested", format!("{ip} offers STARTTLS, but mxray could not test it: {reason}."), "Give the MX a plain host name (letters, digits, hyphens) so that certificates can name it."),
            k @ (TlsLegacyOnly { .. }
            | TlsLegacyAccepted { .. }
            | TlsLegacyNotTested { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblListed { .. }
            | DnsblNotTested { .. }) => crate::depth_texts::english(k),
            TlsNoSharedCipher { ip, error } => s("No TLS cipher in common", format!("{ip} accepts none of the modern cipher suites or key exchange groups offered ({error})."), "Enable the ECDHE AEAD cipher suites (AES-GCM, ChaCha20-Poly1305) and the X25519/P-256 groups on the mail server."),
            SessionAborted { ip, reason } => s("The SMTP session broke off", format!("The session with {ip} ended early: {reason}."), "Check the server's logs for the session; a server should answer every command with a valid reply."),
            DeadlineReached { ip } => s("The server was too slow", format!("{ip} did not finish the session within the deadline."), "Check for tarpitting, overload or slow DNS lookups on the mail server."),
            k @ (RelayBypassAccepted { .. }
            | OpenRelayLocalSender { .. }
            | RelayRevisited { .. }
            | AuthInPlaintext { .. }
            | PortNotServing { .. }
            | PortTlsFailed { .. }
            | SubmissionNoAuth { .. }
            | GreetingTimeout { .. }
            | ServerClosed { .. }) => crate::session_texts::texts(k, Lang::En),
            k @ (DaneTaRejected { .. }
            | DaneNotInForce { .. }
            | CertificateIntermediateUnused { .. }
            | MtaStsMxNotTested { .. }) => crate::trust_texts::texts(k, Lang::En),
            k @ (Port25NoAnswer { .. } | EgressBlocked { .. } | Port25Timeout { .. }) => crate::egress::texts(k, Lang::En),
            PortCertificate { ip, port, finding } => crate::ports::certificate_texts(ip, *port, finding, Lang::En),
            MxDnssecBogus { detail } => s("The MX records fail DNSSEC validation", format!("The domain's MX answer is signed, but its signatures do not validate ({detail}); validating resolvers answer SERVFAIL, so senders behind them cannot find your mail servers."), "Fix the zone's signing: re-sign it, check that no signature has expired and that the DS record at the parent matches a current DNSKEY."),
            AddressDnssecBogus { host, detail } => s("The MX host's addresses fail DNSSEC validation", format!("The A/AAAA answer for {host} is signed, but its signatures do not validate ({detail}); validating resolvers answer SERVFAIL, so senders behind them cannot reach it."), "Fix the zone's signing: re-sign it, check that no signature has expired and that the DS record at the parent matches a current DNSKEY."),
            DaneTlsaBogus { host, detail } => s("DANE TLSA records fail DNSSEC validation", format!("The TLSA answer for _25._tcp.{host} does not validate ({detail}); DANE senders (RFC 7672) that get a bogus TLSA answer defer mail to this host instead of delivering it."), "Fix the DNSSEC chain of the zone holding the TLSA records: re-sign it and make the parent's DS record match a current DNSKEY."),
            DaneTlsaUnknown { host, detail } => s("DANE not tested: the TLSA lookup failed", format!("The TLSA lookup for _25._tcp.{host} gave no answer mxray could validate ({detail}); validating resolvers answer SERVFAIL for bogus data, and DANE senders defer mail while the lookup fails."), "Check that the zone's name servers answer TLSA queries (also with 'no such name') and that its DNSSEC signatures validate."),
            DaneTlsaInsecure { host } => s("TLSA records without DNSSEC are ignored", format!("_25._tcp.{host} has TLSA records, but the zone is not DNSSEC-signed; DANE (RFC 7672) counts only TLSA records that validate, so senders ignore these."), "Sign the zone with DNSSEC and publish its DS record at the parent, or remove the TLSA records."),
            DaneUnusableRecords { host, records } => s("TLSA records not usable for SMTP", format!("_25._tcp.{host} publishes {records}; RFC 7672 §3.1.3 tells SMTP senders to ignore the PKIX usages 0 and 1 (and unknown selectors or matching types), so these protect no mail."), "Publish DANE records instead: \"3 1 1\" with the SHA-256 of the server's public key (SPKI), or \"2 1 1\" with the issuing CA's key."),
            DaneMatched { ip, record } => s("DANE matches", format!("{ip} presented a chain that matches the DNSSEC-signed TLSA record {record}: DANE senders authenticate it and never fall back to plaintext."), "Nothing to do; before a new key goes live, publish its \"3 1 1\" record beside the current one and remove the old record only after the TTL has passed."),
            DaneNoMatch { ip, detail } => s("DANE mismatch: senders will not deliver", format!("{ip} presented a chain that matches none of the host's DNSSEC-signed TLSA records ({detail}); DANE senders (RFC 7672) refuse to deliver to it and queue the mail."), "Publish a TLSA record that matches the certificate the server presents (\"3 1 1\" with its public key's SHA-256) or restore the key the records name; roll over by publishing the next key's record before switching."),
            DaneNoTls { ip, detail } => s("DANE published, but no TLS", format!("The host has DNSSEC-signed TLSA records, so DANE senders require TLS, but {ip} gave no TLS session ({detail}); they will not deliver to it."), "Make STARTTLS work with the certificate the TLSA records name, or remove the TLSA records until it does."),
            DaneNotTested { ip, reason } => s("DANE not tested at this address", format!("DANE could not be judged at {ip}: {reason}."), "Run the test again once the address answers; the TLSA records are shown with the host."),
            CertificateDaneEe { record } => s("Certificate authenticated by DANE-EE", format!("The server's certificate matches the DANE-EE record {record}; DANE senders pin it and ignore its names, dates and issuer (RFC 7672 §3.1.1), so those are not judged here."), "Nothing to do for DANE senders; senders that rely on MTA-STS or public CAs still need a trusted certificate for the MX name."),
            MtaStsMissing => s("No MTA-STS policy", "The domain publishes no _mta-sts TXT record, so senders use STARTTLS only opportunistically and anyone on the path can strip it; MTA-STS (RFC 8461) lets a domain demand TLS with a valid certificate.".into(), "Serve a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (version: STSv1, mode: testing, later enforce, one mx: line per MX host, max_age: 604800) and publish the TXT record _mta-sts.<domain> \"v=STSv1; id=<date>\"."),
            PolicyLookupFailed { name, detail } => s("Policy record could not be looked up", format!("The TXT lookup of {name} failed ({detail}), so whether the policy exists is unknown."), "Check that the domain's name servers answer TXT queries for this name, then run the test again."),
            MtaStsRecordMultiple { count } => s("Several MTA-STS records", format!("{count} TXT records at _mta-sts start with v=STSv1; RFC 8461 §3.1 tells senders to ignore MTA-STS entirely then."), "Keep exactly one record \"v=STSv1; id=…\" at _mta-sts and delete the others."),
            MtaStsRecordMalformed { record, problem } => s("MTA-STS record malformed", format!("The record \"{record}\" is not valid: {}; senders ignore MTA-STS for the domain (RFC 8461 §3.1).", problem.text(Lang::En)), "Publish exactly \"v=STSv1; id=<1 to 32 letters or digits>\" and change the id whenever the policy changes."),
            MtaStsPolicyUnavailable { url, error } => s("MTA-STS policy cannot be fetched", format!("{url}: {}. Senders that cannot fetch the policy act as if the domain had no MTA-STS (RFC 8461 §3.3).", error.text(Lang::En)), "Serve the policy at this URL over HTTPS with a certificate valid for the mta-sts host: status 200, Content-Type text/plain, no redirect, at most 64 KiB."),
            MtaStsPolicyInvalid { problems } => s("MTA-STS policy invalid", format!("The policy file is not valid: {}; senders ignore it (RFC 8461 §3.2).", crate::policy::problems_text(problems, Lang::En)), "Write the policy as the lines version: STSv1, mode: enforce, testing or none, max_age: seconds up to 31557600, and one mx: line per MX host (a leading *. covers one label)."),
            MtaStsMxNotListed { host, patterns, mode } => s("MX host not covered by the MTA-STS policy", match mode {
                crate::policy::StsMode::Enforce => format!("{host} matches none of the policy's mx patterns ({patterns}); in enforce mode, senders that honour MTA-STS will not deliver to it."),
                _ => format!("{host} matches none of the policy's mx patterns ({patterns}); in testing mode senders still deliver but report a failure, and enforce mode would stop delivery there."),
            }, "Add an mx: line for this host to the policy and change the id in the _mta-sts record, or remove the MX record."),
            MtaStsMxTlsInvalid { host, ip, failure, mode } => s("MX host fails the MTA-STS policy", match mode {
                crate::policy::StsMode::Enforce => format!("{ip} of {host}: {}. MTA-STS demands STARTTLS with a certificate valid for the MX name; in enforce mode, senders that honour it will not deliver there.", failure.label(Lang::En)),
                _ => format!("{ip} of {host}: {}. MTA-STS demands STARTTLS with a certificate valid for the MX name; in testing mode senders still deliver but report a failure.", failure.label(Lang::En)),
            }, "Offer STARTTLS on every address with a certificate from a public CA that names the MX host, and send the full chain."),
            MtaStsModeNone => s("MTA-STS policy withdrawn (mode none)", "The policy's mode is none: senders drop any MTA-STS policy they cached and deliver as without it.".into(), "Nothing to do if MTA-STS is being retired; otherwise set mode: testing, then enforce, and change the id in the _mta-sts record."),
            MtaStsTesting { hosts } => s("MTA-STS in testing mode", format!("All {hosts} MX hosts match the policy and offer valid TLS, but in testing mode senders only report failures and still deliver over an unprotected connection."), "Switch the policy to mode: enforce and change the id in the _mta-sts record."),
            MtaStsMaxAgeShort { max_age } => s("MTA-STS max_age is short", format!("max_age is {max_age} s; RFC 8461 expects days to weeks, so senders keep the policy between visits and a downgrade cannot simply wait for it to expire."), "Set max_age to 604800 (a week) or more, at most 31557600."),
            MtaStsProtected { hosts } => s("Protected against STARTTLS downgrade (MTA-STS enforce)", format!("The policy is in enforce mode and all {hosts} MX hosts match it with valid certificates, so senders that honour MTA-STS refuse a stripped or redirected connection."), "Nothing to do; update the policy and its id before changing MX hosts or certificates."),
            TlsRptMissing { domain } => s("No TLS-RPT record", format!("The domain uses MTA-STS or DANE but publishes no _smtp._tls.{domain} TXT record, so senders cannot report TLS failures (TLS-RPT, RFC 8460) and a broken policy goes unnoticed."), "Publish a TXT record _smtp._tls.<domain> \"v=TLSRPTv1; rua=mailto:tlsrpt@<domain>\" pointing at a mailbox that receives the daily reports."),
            TlsRptRecordMultiple { count } => s("Several TLS-RPT records", format!("{count} TXT records at _smtp._tls start with v=TLSRPTv1; senders ignore them all (RFC 8460 §3)."), "Keep exactly one record \"v=TLSRPTv1; rua=…\" and delete the others."),
            TlsRptRecordMalformed { record, problem } => s("TLS-RPT record malformed", format!("The record \"{record}\" is not valid: {}; senders send no TLS reports (RFC 8460 §3).", problem.text(Lang::En)), "Publish \"v=TLSRPTv1; rua=mailto:address@your-domain\" (several targets separated by commas)."),
            TlsRptBadTarget { uri, problem } => s("TLS-RPT report target unusable", format!("The rua target \"{uri}\": {}; senders cannot deliver reports there (RFC 8460 §3).", problem.label(Lang::En)), "Use targets of the form mailto:local@domain or https://host/path."),
        }
    }

    fn german(&self) -> (String, String, String) {
        use FindingKind::*;
        let s = |a: &str, b: String, c: &str| (a.to_owned(), b, c.to_owned());
        match self {
            NullMx => s("Die Domain nimmt keine Mail an", "Sie veröffentlicht einen Null-MX (RFC 7505: MX 0 .); Absender weisen Mail sofort zurück.".into(), "Nichts zu tun, wenn die Domain keine Mail empfangen soll; sonst den Null-MX durch echte MX-Einträge ersetzen."),
            ImplicitMx => s("Keine MX-Einträge: die Adresse der Domain wird genutzt", "Ohne MX-Einträge nutzen Absender die A/AAAA-Einträge der Domain (RFC 5321 §5.1).".into(), "Einen MX-Eintrag für den Mailserver veröffentlichen, auch wenn es derselbe Host ist."),
            DomainNotFound => s("Die Domain existiert nicht", "DNS antwortete NXDOMAIN: niemand kann ihr Mail senden.".into(), "Schreibweise prüfen; falls es Ihre ist, Registrierung und Delegation an funktionierende Nameserver prüfen."),
            NoMailRecords => s("Die Domain hat weder MX- noch Adress-Einträge", "DNS kennt weder MX noch A/AAAA für sie, Mail kann nicht zugestellt werden.".into(), "Einen MX-Eintrag auf den Mailserver veröffentlichen, oder einen Null-MX (MX 0 .), wenn die Domain keine Mail empfängt."),
            DnsFailed { detail } => s("DNS-Abfrage fehlgeschlagen", format!("Der Resolver gab keine Antwort: {detail}."), "Prüfen, ob die Nameserver der Domain antworten und DNSSEC, falls genutzt, gültig ist."),
            MxHostsCapped { skipped } => s("Nicht jeder MX-Host wurde getestet", format!("Über die ersten 10 hinaus gibt es {skipped} weitere MX-Hosts."), "Zehn MX-Hosts reichen; ungenutzte entfernen."),
            NoReachableMx => s("Kein Mailserver nimmt Verbindungen an", "Keine Adresse eines MX-Hosts antwortete auf Port 25 mit 220: eingehende Mail staut sich und kommt zurück.".into(), "Den Mailserver auf Port 25 lauschen lassen und eingehendes TCP 25 in jeder Firewall und Security Group erlauben."),
            MxIsCname { host, target } => s("MX-Ziel ist ein Alias (CNAME)", format!("{host} ist ein CNAME auf {target}; RFC 2181 §10.3 verbietet Alias-Ziele, manche Absender lehnen sie ab."), "Den MX-Eintrag direkt auf den kanonischen Namen (das CNAME-Ziel) zeigen lassen."),
            MxIsIpLiteral { host } => s("MX-Ziel ist eine IP-Adresse", format!("Der MX-Eintrag nennt \"{host}\", eine Adresse statt eines Hostnamens."), "Ein MX muss einen Host mit A/AAAA-Einträgen nennen; einen anlegen und den MX darauf zeigen lassen."),
            MxHostNoAddress { host, detail } => s("MX-Host hat keine Adresse", format!("{host} hat keinen A- oder AAAA-Eintrag ({detail}); Mail an ihn ist unzustellbar."), "A/AAAA-Einträge für den Mailhost anlegen oder den Hostnamen im MX korrigieren."),
            AddressesCapped { host, skipped } => s("Nicht jede Adresse wurde getestet", format!("{host} hat über die ersten 8 hinaus {skipped} weitere Adressen."), "Nichts zu tun; mxray testet die ersten 8 Adressen je Host."),
            NoIpv6 { host } => s("Keine IPv6-Adresse", format!("{host} hat nur IPv4; Absender in reinen IPv6-Netzen erreichen ihn nicht."), "Einen AAAA-Eintrag anlegen und den Server auf IPv6 lauschen lassen."),
            TargetBlocked { ip, range } => s("Adresse ist nicht öffentlich und wurde nicht getestet", format!("{ip} ist eine {range}-Adresse, aus dem Internet unerreichbar; mxray verbindet sich dorthin nicht."), "Für MX-Hosts nur öffentliche Adressen veröffentlichen; für interne Namen Split-DNS nutzen."),
            Port25Unreachable { ip, outcome, detail } => s("Port 25 nicht erreichbar", format!("Verbindung zu {ip} Port 25 fehlgeschlagen ({outcome}: {detail})."), "Prüfen, ob der Mailserver läuft und auf Port 25 lauscht, und eingehendes TCP 25 in jeder Firewall, Security Group und beim Provider erlauben."),
            BannerNotReady { ip, reply } => s("Der Server lehnt Sitzungen ab", format!("{ip} grüßte mit \"{reply}\" statt 220."), "Last und Zugriffsregeln des Mailservers prüfen; eine 421- oder 554-Begrüßung weist jeden Absender ab."),
            BannerMissing { ip, reason } => s("Keine SMTP-Begrüßung", format!("{ip} nahm die Verbindung an, sandte aber keine gültige 220-Begrüßung: {reason}."), "Prüfen, ob auf Port 25 ein SMTP-Server antwortet und nichts dazwischen (Proxy, IPS, Tarpit) die Begrüßung zurückhält."),
            BannerLeaksVersion { software, version } => s("Der Banner verrät die Softwareversion", format!("Die Begrüßung nennt {software} {version}."), "Die Version im Banner verbergen (Postfix: smtpd_banner = $myhostname ESMTP); sie hilft Angreifern bei der Wahl von Exploits."),
            EhloRefused { ip } => s("EHLO abgelehnt, HELO genutzt", format!("{ip} lehnte EHLO ab; ohne ESMTP gibt es kein STARTTLS, SIZE oder 8BITMIME."), "ESMTP (EHLO) auf dem Mailserver aktivieren."),
            HeloFailed { ip, reply } => s("Weder EHLO noch HELO angenommen", format!("{ip} antwortete \"{reply}\"."), "HELO-Beschränkungen des Servers prüfen; ein Absender muss sich vorstellen können."),
            StartTlsNotOffered { ip } => s("STARTTLS nicht angeboten", format!("{ip} bietet kein STARTTLS an: Mail an ihn läuft unverschlüsselt."), "STARTTLS mit einem Zertifikat für den MX-Namen aktivieren (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file, smtpd_tls_security_level = may)."),
            StartTlsRejected { ip, reply } => s("STARTTLS angeboten, aber abgelehnt", format!("{ip} bot STARTTLS an und antwortete dann \"{reply}\"."), "TLS-Einstellungen prüfen und ob Zertifikat und Schlüssel für den Mailserver lesbar sind."),
            TlsHandshakeFailed { ip, error } => s("TLS-Handshake fehlgeschlagen", format!("Nach STARTTLS schlug der Handshake mit {ip} fehl: {error}."), "TLS 1.2 und 1.3 mit modernen Ciphern aktivieren und Zertifikat und Schlüssel des Servers prüfen."),
            StartTlsInjection { ip } => s("Klartext nach STARTTLS gesendet", format!("{ip} sandte nach seiner 220-Antwort auf STARTTLS unverlangte Bytes, bevor TLS begann. Ein Client, der sie für TLS-geschützte Antworten hielte, ließe sich Antworten unterschieben; mxray verwarf die Verbindung und testete Relaying über eine neue."), "Den Mailserver und Middleboxen davor prüfen (SMTP-Inspektion, Proxy): nach der 220-Antwort auf STARTTLS darf vor dem Handshake nichts folgen."),
            TlsOk { version, cipher } => s("TLS funktioniert", format!("{version} mit {cipher}."), "Nichts zu tun."),
            CertificateExpired { not_after } => s("Zertifikat abgelaufen", format!("Das Zertifikat war gültig bis {not_after}."), "Das Zertifikat jetzt erneuern, mit dem exakten MX-Hostnamen im SAN, und den Mailserver neu laden."),
            CertificateExpiresSoon { days, not_after } => s("Zertifikat läuft bald ab", format!("Es läuft in {days} Tagen ab ({not_after})."), "Das Zertifikat jetzt erneuern und prüfen, dass die automatische Erneuerung den Mailserver neu lädt."),
            CertificateNameMismatch { host, names } => s("Zertifikat passt nicht zum MX-Namen", format!("{host} ist nicht unter den Namen des Zertifikats ({names})."), "Das Zertifikat mit dem exakten MX-Hostnamen im SAN erneuern."),
            CertificateSelfSigned { subject } => s("Selbstsigniertes Zertifikat", format!("Das Zertifikat ({subject}) ist von sich selbst signiert."), "Ein Zertifikat einer öffentlichen CA (z. B. Let's Encrypt) mit dem MX-Hostnamen im SAN verwenden."),
            CertificateNotYetValid { not_before } => s("Zertifikat noch nicht gültig", format!("Das Zertifikat gilt erst ab {not_before}; Absender, die Zertifikate prüfen, lehnen es bis dahin ab."), "Ein jetzt gültiges Zertifikat installieren (neu ausstellen, wenn sein Beginn in der Zukunft liegt) und die Uhr des ausstellenden Rechners prüfen."),
            CertificateIntermediateExpired { subject, not_after } => s("Zwischenzertifikat abgelaufen", format!("Das mitgesandte Zwischenzertifikat {subject} ist am {not_after} abgelaufen; Absender, die Zertifikate prüfen, lehnen die Kette ab."), "Das Zwischenzertifikat in der Kettendatei durch das aktuelle der CA ersetzen (oder das Zertifikat erneuern und die mitgelieferte Kette senden), dann den Mailserver neu laden."),
            CertificateIntermediateNotYetValid { subject, not_before } => s("Zwischenzertifikat noch nicht gültig", format!("Das mitgesandte Zwischenzertifikat {subject} gilt erst ab {not_before}; Absender, die Zertifikate prüfen, lehnen die Kette ab."), "Das Zwischenzertifikat senden, mit dem die CA derzeit ausstellt (die mit dem Zertifikat gelieferte Kette), dann den Mailserver neu laden."),
            CertificateUnreadable { error } => s("Zertifikat nicht lesbar", format!("TLS kam zustande, aber mxrays X.509-Parser kann das Zertifikat des Servers nicht lesen ({error}); Name, Daten und Schlüssel wurden nicht beurteilt, strenge Absender lehnen es womöglich auch ab."), "Das Zertifikat von einer gängigen CA neu ausstellen lassen und prüfen, dass der Server es unverändert sendet (DER, Blatt zuerst)."),
            CertificateUntrusted { error, issuer } => s("Zertifikat nicht vertrauenswürdig", match issuer { Some(i) => format!("Die Kette führt zu keiner öffentlichen Wurzel: {error}. Die gesandte Kette endet mit einem Zertifikat, ausgestellt von {i}; das ist keine vertrauenswürdige Wurzel (fehlendes Zwischenzertifikat oder private CA)."), None => format!("Die Kette führt zu keiner öffentlichen Wurzel: {error}.") }, "Ein Zertifikat einer öffentlichen CA installieren und die ganze Kette (Blatt und Zwischenzertifikate) senden."),
            CertificateWeakKey { algorithm, bits } => s("Schwacher Zertifikatsschlüssel", format!("{algorithm}-Schlüssel mit {bits} Bit."), "Das Zertifikat mit einem RSA-Schlüssel ab 2048 Bit oder einem ECDSA-P-256-Schlüssel neu ausstellen."),
            CertificateValid { days } => s("Zertifikat gültig", format!("Vertrauenswürdig, nennt den MX-Host, noch {days} Tage gültig."), "Nichts zu tun."),
            OpenRelay { ip, reply } => s("Offenes Relay", format!("{ip} nahm ohne Anmeldung Mail für eine fremde Domain an: \"{reply}\". Spammer werden das ausnutzen, der Server landet auf Blacklists. mxray sendet nie DATA, es ging also keine Nachricht hinaus; manche Gateways nehmen jeden Empfänger an und lehnen erst am Ende der Daten ab: zur Bestätigung eine Testnachricht von einem Host außerhalb des eigenen Netzes über {ip} an ein eigenes Postfach außerhalb der Domain schicken (z. B. swaks --server {ip} --to sie@anderswo.example)."), "Nicht angemeldetes Relaying ablehnen: nur Mail für eigene Domains annehmen, außer der Client hat sich angemeldet (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination)."),
            RelayRefused { reply } => s("Kein offenes Relay", format!("Mail für eine fremde Domain wurde abgelehnt: \"{reply}\"."), "Nichts zu tun."),
            RelayInconclusive { ip, reply, reason: Some(crate::report::RelayReason::SameProvider), .. } => s("Relay nicht getestet: die Domain des Empfängers liegt beim selben Anbieter", format!("Die Empfänger-Domain des Relay-Tests wird vom selben Server oder Anbieter betreut wie {ip}, der Mail für sie also als eigene annehmen darf; seine Antwort (\"{reply}\") sagt nichts über Relaying, ob ein offenes Relay vorliegt, wurde nicht getestet."), "mxray mit --relay-recipient auf ein Postfach einer Domain bei einem anderen Anbieter starten."),
            RelayInconclusive { ip, reply, reason: _, unanswered: Some(u) } => {
                s("Relay-Test ohne Ergebnis", format!("{}: nichts wurde angenommen, ob ein offenes Relay vorliegt, ließ sich daher nicht testen.", unanswered_de(ip, reply, u)), "Den Test wiederholen; tritt es wieder auf, die Logs des Servers zu der Sitzung prüfen: ein Server, der den Dialog dort abbricht oder hängen lässt, scheitert auch bei echten Absendern.")
            }
            RelayInconclusive { ip, reply, reason, unanswered: None } => {
                let (why, remedy) = relay_reason_de(*reason);
                s("Relay-Test ohne Ergebnis", format!("{ip} antwortete \"{reply}\": {why}; das sagt nichts über Relaying, ob ein offenes Relay vorliegt, ließ sich nicht testen."), remedy)
            }
            UnsolicitedReply { ip, after, data } => s("Der Server sandte unverlangte Antworten", format!("Nach {after} sandte {ip} \"{data}\", bevor mxray weitersprach. Antworten würden falschen Kommandos zugeordnet, daher brach mxray ab und gibt kein Relay-Urteil."), "Den Server und alles davor prüfen (Proxy, SMTP-Inspektion der Firewall, Load Balancer): jede Antwort muss genau ein Kommando beantworten."),
            ProtocolViolation { ip, command, reply } => s("Antwortcode für das Kommando nicht erlaubt", format!("{ip} beantwortete {command} mit \"{reply}\", einem Code, den dieses Kommando nicht zulässt (RFC 5321 §4.3.2)."), "Den Mailserver und SMTP-Proxys davor prüfen; Absender werten solche Antworten als Fehler."),
            NothingTested { blocked, no_route, refused } => s("Zustellung ließ sich nicht testen", format!("Keine Adresse eines MX-Hosts ließ sich testen: {blocked} nicht öffentlich, {no_route} vom Rechner mit mxray aus nicht erreichbar, {refused} lehnten mxray selbst ab. Nichts hier zeigt, dass Mail an diese Domain zugestellt werden kann."), "Öffentliche Adressen für die MX-Hosts veröffentlichen; sind sie öffentlich, mxray von einem Host mit IPv6, sauberer Adresse und Reverse-DNS aus starten."),
            TesterRefused { ip, step, reply, reason } => {
                let (whom, remedy) = if *reason == crate::report::RelayReason::HeloRejected {
                    ("den HELO-Namen von mxray", "mxray mit --helo-name auf den echten, auflösbaren Namen dieses Hosts starten.")
                } else {
                    ("die Adresse, von der mxray kommt (Blockliste oder Reverse-DNS)", "mxray von einem Host starten, dessen Adresse auf keiner Blockliste steht und einen Reverse-DNS-Namen hat; die eigenen Absender gegen dieselben Listen prüfen.")
                };
                let step = if step == "greeting" { "die Begrüßung" } else { step.as_str() };
                s("Der Server lehnte mxray ab, nicht Absender allgemein", format!("{ip} beantwortete {step} mit \"{reply}\": er lehnte {whom} ab, der Rest ließ sich von hier nicht testen."), remedy)
            }
            MxNotPublic { host } => s("MX-Host hat nur nicht öffentliche Adressen", format!("Jede Adresse von {host} ist privat, Loopback oder sonst im Internet nicht geroutet; mxray hat sich nicht verbunden, und kein Absender im Internet kann es."), "Den MX-Eintrag auf einen Host mit öffentlichen A/AAAA-Einträgen zeigen lassen; interne Adressen nur im internen DNS führen."),
            NullMxWithOtherMx => s("Null-MX neben anderen MX-Einträgen", "Die Domain veröffentlicht einen Null-MX (MX 0 .) und weitere MX-Einträge; laut RFC 7505 muss ein Null-MX der einzige sein, und Absender verhalten sich unterschiedlich: manche weisen ab, manche stellen zu, manche verzögern.".into(), "Den Null-MX entfernen, wenn die Domain Mail empfängt, sonst die anderen MX-Einträge."),
            NoRouteFromHere { ip, detail } => s("Von hier aus nicht testbar", format!("Der Rechner mit mxray hat keine Route zu {ip} ({detail}); das sagt nichts über den Server."), "Den Test von einem Host mit Verbindung für diese Adressfamilie (meist IPv6) starten."),
            TlsNotTestable { ip, reason } => s("STARTTLS ließ sich nicht testen", format!("{ip} bietet STARTTLS an, mxray konnte es aber nicht testen: {reason}."), "Dem MX einen einfachen Hostnamen (Buchstaben, Ziffern, Bindestriche) geben, damit Zertifikate ihn nennen können."),
            k @ (TlsLegacyOnly { .. }
            | TlsLegacyAccepted { .. }
            | TlsLegacyNotTested { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblListed { .. }
            | DnsblNotTested { .. }) => crate::depth_texts::german(k),
            TlsNoSharedCipher { ip, error } => s("Keine gemeinsame TLS-Cipher", format!("{ip} akzeptiert keine der angebotenen modernen Cipher-Suites oder Schlüsselaustausch-Gruppen ({error})."), "Die ECDHE-AEAD-Cipher-Suites (AES-GCM, ChaCha20-Poly1305) und die Gruppen X25519/P-256 am Mailserver aktivieren."),
            SessionAborted { ip, reason } => s("Die SMTP-Sitzung brach ab", format!("Die Sitzung mit {ip} endete vorzeitig: {reason}."), "Die Logs des Servers zu dieser Sitzung prüfen; ein Server sollte jedes Kommando gültig beantworten."),
            DeadlineReached { ip } => s("Der Server war zu langsam", format!("{ip} beendete die Sitzung nicht innerhalb der Frist."), "Auf Tarpitting, Überlast oder langsame DNS-Abfragen am Mailserver prüfen."),
            k @ (RelayBypassAccepted { .. }
            | OpenRelayLocalSender { .. }
            | RelayRevisited { .. }
            | AuthInPlaintext { .. }
            | PortNotServing { .. }
            | PortTlsFailed { .. }
            | SubmissionNoAuth { .. }
            | GreetingTimeout { .. }
            | ServerClosed { .. }) => crate::session_texts::texts(k, Lang::De),
            k @ (DaneTaRejected { .. }
            | DaneNotInForce { .. }
            | CertificateIntermediateUnused { .. }
            | MtaStsMxNotTested { .. }) => crate::trust_texts::texts(k, Lang::De),
            k @ (Port25NoAnswer { .. } | EgressBlocked { .. } | Port25Timeout { .. }) => crate::egress::texts(k, Lang::De),
            PortCertificate { ip, port, finding } => crate::ports::certificate_texts(ip, *port, finding, Lang::De),
            MxDnssecBogus { detail } => s("Die MX-Einträge bestehen die DNSSEC-Prüfung nicht", format!("Die MX-Antwort der Domain ist signiert, aber die Signaturen sind ungültig ({detail}); validierende Resolver antworten SERVFAIL, Absender dahinter finden Ihre Mailserver nicht."), "Die Signierung der Zone reparieren: neu signieren, auf abgelaufene Signaturen prüfen und sicherstellen, dass der DS-Eintrag bei der übergeordneten Zone zu einem aktuellen DNSKEY passt."),
            AddressDnssecBogus { host, detail } => s("Die Adressen des MX-Hosts bestehen die DNSSEC-Prüfung nicht", format!("Die A/AAAA-Antwort für {host} ist signiert, aber die Signaturen sind ungültig ({detail}); validierende Resolver antworten SERVFAIL, Absender dahinter erreichen den Host nicht."), "Die Signierung der Zone reparieren: neu signieren, auf abgelaufene Signaturen prüfen und sicherstellen, dass der DS-Eintrag bei der übergeordneten Zone zu einem aktuellen DNSKEY passt."),
            DaneTlsaBogus { host, detail } => s("DANE-TLSA-Einträge bestehen die DNSSEC-Prüfung nicht", format!("Die TLSA-Antwort für _25._tcp.{host} ist ungültig signiert ({detail}); DANE-Absender (RFC 7672) stellen bei ungültigen TLSA-Antworten nicht zu, sondern halten die Mail zurück."), "Die DNSSEC-Kette der Zone mit den TLSA-Einträgen reparieren: neu signieren und den DS-Eintrag der übergeordneten Zone auf einen aktuellen DNSKEY abstimmen."),
            DaneTlsaUnknown { host, detail } => s("DANE nicht getestet: TLSA-Abfrage gescheitert", format!("Die TLSA-Abfrage für _25._tcp.{host} lieferte keine Antwort, die mxray validieren konnte ({detail}); validierende Resolver antworten bei ungültigen Daten SERVFAIL, und DANE-Absender halten Mail zurück, solange die Abfrage scheitert."), "Prüfen, dass die Nameserver der Zone TLSA-Abfragen beantworten (auch mit 'Name existiert nicht') und ihre DNSSEC-Signaturen gültig sind."),
            DaneTlsaInsecure { host } => s("TLSA-Einträge ohne DNSSEC werden ignoriert", format!("_25._tcp.{host} hat TLSA-Einträge, aber die Zone ist nicht mit DNSSEC signiert; DANE (RFC 7672) zählt nur validierte TLSA-Einträge, Absender ignorieren diese also."), "Die Zone mit DNSSEC signieren und ihren DS-Eintrag bei der übergeordneten Zone veröffentlichen, oder die TLSA-Einträge entfernen."),
            DaneUnusableRecords { host, records } => s("TLSA-Einträge für SMTP unbrauchbar", format!("_25._tcp.{host} veröffentlicht {records}; laut RFC 7672 §3.1.3 ignorieren SMTP-Absender die PKIX-Verwendungen 0 und 1 (und unbekannte Selektoren oder Matching-Typen), diese schützen also keine Mail."), "Stattdessen DANE-Einträge veröffentlichen: \"3 1 1\" mit dem SHA-256 des öffentlichen Schlüssels des Servers (SPKI) oder \"2 1 1\" mit dem Schlüssel der ausstellenden CA."),
            DaneMatched { ip, record } => s("DANE passt", format!("{ip} zeigte eine Kette, die zum DNSSEC-signierten TLSA-Eintrag {record} passt: DANE-Absender authentisieren den Server und fallen nie auf Klartext zurück."), "Nichts zu tun; vor einem Schlüsselwechsel den \"3 1 1\"-Eintrag des neuen Schlüssels neben dem alten veröffentlichen und den alten erst nach Ablauf der TTL entfernen."),
            DaneNoMatch { ip, detail } => s("DANE passt nicht: Absender stellen nicht zu", format!("{ip} zeigte eine Kette, die zu keinem der DNSSEC-signierten TLSA-Einträge des Hosts passt ({detail}); DANE-Absender (RFC 7672) stellen dort nicht zu und halten die Mail zurück."), "Einen TLSA-Eintrag veröffentlichen, der zum Zertifikat des Servers passt (\"3 1 1\" mit dem SHA-256 seines öffentlichen Schlüssels), oder den Schlüssel wiederherstellen, den die Einträge nennen; beim Wechsel den Eintrag des neuen Schlüssels vorher veröffentlichen."),
            DaneNoTls { ip, detail } => s("DANE veröffentlicht, aber kein TLS", format!("Der Host hat DNSSEC-signierte TLSA-Einträge, DANE-Absender verlangen also TLS, aber {ip} bot keine TLS-Sitzung ({detail}); sie stellen dort nicht zu."), "STARTTLS mit dem Zertifikat, das die TLSA-Einträge nennen, zum Laufen bringen oder die TLSA-Einträge bis dahin entfernen."),
            DaneNotTested { ip, reason } => s("DANE an dieser Adresse nicht getestet", format!("DANE ließ sich an {ip} nicht beurteilen: {reason}."), "Den Test wiederholen, sobald die Adresse antwortet; die TLSA-Einträge stehen beim Host."),
            CertificateDaneEe { record } => s("Zertifikat durch DANE-EE bestätigt", format!("Das Zertifikat des Servers passt zum DANE-EE-Eintrag {record}; DANE-Absender pinnen es und ignorieren Namen, Laufzeit und Aussteller (RFC 7672 §3.1.1), diese werden hier daher nicht beurteilt."), "Für DANE-Absender nichts zu tun; Absender, die sich auf MTA-STS oder öffentliche CAs stützen, brauchen weiterhin ein vertrauenswürdiges Zertifikat für den MX-Namen."),
            MtaStsMissing => s("Keine MTA-STS-Policy", "Die Domain veröffentlicht keinen _mta-sts-TXT-Eintrag; Absender nutzen STARTTLS nur opportunistisch, und jeder auf dem Weg kann es entfernen. MTA-STS (RFC 8461) lässt eine Domain TLS mit gültigem Zertifikat verlangen.".into(), "Eine Policy unter https://mta-sts.<domain>/.well-known/mta-sts.txt ausliefern (version: STSv1, mode: testing, später enforce, eine mx:-Zeile je MX-Host, max_age: 604800) und den TXT-Eintrag _mta-sts.<domain> \"v=STSv1; id=<Datum>\" veröffentlichen."),
            PolicyLookupFailed { name, detail } => s("Policy-Eintrag ließ sich nicht abfragen", format!("Die TXT-Abfrage von {name} schlug fehl ({detail}); ob die Policy existiert, ist unbekannt."), "Prüfen, dass die Nameserver der Domain TXT-Abfragen für diesen Namen beantworten, dann den Test wiederholen."),
            MtaStsRecordMultiple { count } => s("Mehrere MTA-STS-Einträge", format!("{count} TXT-Einträge unter _mta-sts beginnen mit v=STSv1; laut RFC 8461 §3.1 ignorieren Absender MTA-STS dann ganz."), "Genau einen Eintrag \"v=STSv1; id=…\" unter _mta-sts behalten und die anderen löschen."),
            MtaStsRecordMalformed { record, problem } => s("MTA-STS-Eintrag fehlerhaft", format!("Der Eintrag \"{record}\" ist ungültig: {}; Absender ignorieren MTA-STS für die Domain (RFC 8461 §3.1).", problem.text(Lang::De)), "Genau \"v=STSv1; id=<1 bis 32 Buchstaben oder Ziffern>\" veröffentlichen und die id bei jeder Änderung der Policy ändern."),
            MtaStsPolicyUnavailable { url, error } => s("MTA-STS-Policy lässt sich nicht abrufen", format!("{url}: {}. Absender, die die Policy nicht abrufen können, verhalten sich, als hätte die Domain kein MTA-STS (RFC 8461 §3.3).", error.text(Lang::De)), "Die Policy unter dieser URL per HTTPS mit einem für den mta-sts-Host gültigen Zertifikat ausliefern: Status 200, Content-Type text/plain, keine Umleitung, höchstens 64 KiB."),
            MtaStsPolicyInvalid { problems } => s("MTA-STS-Policy ungültig", format!("Die Policy-Datei ist ungültig: {}; Absender ignorieren sie (RFC 8461 §3.2).", crate::policy::problems_text(problems, Lang::De)), "Die Policy aus den Zeilen version: STSv1, mode: enforce, testing oder none, max_age: Sekunden bis 31557600 und einer mx:-Zeile je MX-Host schreiben (ein *. vorne deckt ein Label ab)."),
            MtaStsMxNotListed { host, patterns, mode } => s("MX-Host nicht von der MTA-STS-Policy erfasst", match mode {
                crate::policy::StsMode::Enforce => format!("{host} passt zu keinem mx-Muster der Policy ({patterns}); im Modus enforce stellen Absender, die MTA-STS beachten, dort nicht zu."),
                _ => format!("{host} passt zu keinem mx-Muster der Policy ({patterns}); im Modus testing stellen Absender noch zu, melden aber einen Fehler, und enforce würde die Zustellung dort stoppen."),
            }, "Eine mx:-Zeile für diesen Host in die Policy aufnehmen und die id im _mta-sts-Eintrag ändern, oder den MX-Eintrag entfernen."),
            MtaStsMxTlsInvalid { host, ip, failure, mode } => s("MX-Host erfüllt die MTA-STS-Policy nicht", match mode {
                crate::policy::StsMode::Enforce => format!("{ip} von {host}: {}. MTA-STS verlangt STARTTLS mit einem für den MX-Namen gültigen Zertifikat; im Modus enforce stellen Absender, die es beachten, dort nicht zu.", failure.label(Lang::De)),
                _ => format!("{ip} von {host}: {}. MTA-STS verlangt STARTTLS mit einem für den MX-Namen gültigen Zertifikat; im Modus testing stellen Absender noch zu, melden aber einen Fehler.", failure.label(Lang::De)),
            }, "STARTTLS auf jeder Adresse anbieten, mit einem Zertifikat einer öffentlichen CA, das den MX-Host nennt, und die ganze Kette senden."),
            MtaStsModeNone => s("MTA-STS-Policy zurückgezogen (mode none)", "Der Modus der Policy ist none: Absender verwerfen eine zwischengespeicherte MTA-STS-Policy und stellen zu wie ohne.".into(), "Nichts zu tun, wenn MTA-STS abgeschaltet werden soll; sonst mode: testing, dann enforce setzen und die id im _mta-sts-Eintrag ändern."),
            MtaStsTesting { hosts } => s("MTA-STS im Testmodus", format!("Alle {hosts} MX-Hosts passen zur Policy und bieten gültiges TLS, aber im Modus testing melden Absender Fehler nur und stellen weiter über ungeschützte Verbindungen zu."), "Die Policy auf mode: enforce umstellen und die id im _mta-sts-Eintrag ändern."),
            MtaStsMaxAgeShort { max_age } => s("MTA-STS-max_age ist kurz", format!("max_age ist {max_age} s; RFC 8461 erwartet Tage bis Wochen, damit Absender die Policy zwischen zwei Zustellungen behalten und ein Downgrade nicht einfach ihr Ablaufen abwarten kann."), "max_age auf 604800 (eine Woche) oder mehr setzen, höchstens 31557600."),
            MtaStsProtected { hosts } => s("Gegen STARTTLS-Downgrade geschützt (MTA-STS enforce)", format!("Die Policy steht auf enforce, und alle {hosts} MX-Hosts passen mit gültigen Zertifikaten dazu; Absender, die MTA-STS beachten, lehnen eine entfernte oder umgeleitete Verschlüsselung ab."), "Nichts zu tun; Policy und id anpassen, bevor sich MX-Hosts oder Zertifikate ändern."),
            TlsRptMissing { domain } => s("Kein TLS-RPT-Eintrag", format!("Die Domain nutzt MTA-STS oder DANE, veröffentlicht aber keinen TXT-Eintrag _smtp._tls.{domain}; Absender können TLS-Fehler nicht melden (TLS-RPT, RFC 8460), und eine kaputte Policy bleibt unbemerkt."), "Einen TXT-Eintrag _smtp._tls.<domain> \"v=TLSRPTv1; rua=mailto:tlsrpt@<domain>\" mit einem Postfach veröffentlichen, das die täglichen Berichte empfängt."),
            TlsRptRecordMultiple { count } => s("Mehrere TLS-RPT-Einträge", format!("{count} TXT-Einträge unter _smtp._tls beginnen mit v=TLSRPTv1; Absender ignorieren alle (RFC 8460 §3)."), "Genau einen Eintrag \"v=TLSRPTv1; rua=…\" behalten und die anderen löschen."),
            TlsRptRecordMalformed { record, problem } => s("TLS-RPT-Eintrag fehlerhaft", format!("Der Eintrag \"{record}\" ist ungültig: {}; Absender senden keine TLS-Berichte (RFC 8460 §3).", problem.text(Lang::De)), "\"v=TLSRPTv1; rua=mailto:adresse@ihre-domain\" veröffentlichen (mehrere Ziele durch Kommas getrennt)."),
            TlsRptBadTarget { uri, problem } => s("TLS-RPT-Berichtsziel unbrauchbar", format!("Das rua-Ziel \"{uri}\": {}; Absender können dorthin keine Berichte senden (RFC 8460 §3).", problem.label(Lang::De)), "Ziele der Form mailto:name@domain oder https://host/pfad verwenden."),
        }
    }
}

/// What an inconclusive relay reply was about, and how to get a real answer (English).
fn relay_reason_en(reason: Option<crate::report::RelayReason>) -> (&'static str, &'static str) {
    use crate::report::RelayReason::*;
    match reason {
        Some(SenderRejected) => ("the server rejected the probe's sender, the null sender included", "Run mxray with --relay-sender set to an address at a real domain you control (and --helo-name set to this host's name)."),
        Some(HeloRejected) => ("the server rejected the probe's HELO name", "Run mxray with --helo-name set to this host's real, resolvable name."),
        Some(ClientRejected) => ("the server rejected the address mxray connects from (blocklist or reverse DNS)", "Run mxray from a host with a clean address and a reverse DNS name."),
        Some(RecipientRejected) => ("the server rejected the outside recipient's domain as unable to take mail", "Run mxray with --relay-recipient set to a real mailbox at a domain outside the tested one that receives mail."),
        Some(Greylisted) => ("the server greylists new senders", "Run the test again in a few minutes, once the greylisting delay has passed."),
        Some(ProtocolError) => ("the reply code is not allowed for the command", "Check the mail server and any SMTP proxy in front of it."),
        Some(TlsRequired) => ("the server takes mail only over TLS, and the probe ran in plaintext because TLS failed", "Fix the TLS problem reported above; the relay probe then runs inside TLS."),
        Some(NoReply) => ("no valid reply came", "Run the test again; check the server's logs for the session."),
        Some(SameProvider) => ("the relay recipient's domain is served by the same server or provider as this address, which may take mail for it as its own, so this was no relay test", "Run mxray with --relay-recipient set to a mailbox at a domain hosted by another provider."),
        Some(RelayDenied) => ("the server refused the sender before any recipient was named (it wants authentication for all mail), so no outside recipient was tried", "If this host is an MX it must take MAIL FROM without authentication on port 25 (RFC 5321); if it only takes submissions, list another host as MX."),
        Some(RefusedUnstated) => ("the server refused without giving a reason (no relay wording, no status code that says why), which is not proof that it refuses relaying", "If the server refuses relaying, let it say so (Postfix: reject_unauth_destination answers \"Relay access denied\"); to be sure, send a test message through it from a host outside your network to a mailbox outside the domain."),
        Some(RecipientUnknown) => ("the report names the outside recipient as unknown but holds no reply to RCPT TO that says so", "Run the test again; check the server's logs for the session."),
        Some(ServerClosing) => ("the server closed the session (421) before the probe had its answer", "Run the test again later; a 421 means the server is busy, shutting down or limiting connections."),
        Some(Temporary) => ("a temporary failure", "Run the test again later; greylisting and rate limits give temporary answers."),
        Some(Accepted | AcceptedUnverified) | None => ("the probe ended before the outside recipient got an answer", "Run the test again; check the server's logs for the session."),
    }
}

/// Which command went unanswered and how, after the reply before it (English).
fn unanswered_en(ip: &str, before: &str, u: &crate::report::Unanswered) -> String {
    use crate::report::NoAnswer;
    let command = &u.command;
    let what = match &u.cause {
        NoAnswer::Timeout { ms } => format!("gave no reply to {command} within {}", seconds(*ms, Lang::En)),
        NoAnswer::Closed => format!("closed the connection at {command}"),
        NoAnswer::Failed { detail } => format!("broke off the exchange at {command} ({detail})"),
    };
    if command == "RCPT TO" && before.starts_with('2') {
        format!("{ip} accepted MAIL FROM (\"{before}\"), then {what}")
    } else {
        format!("{ip} {what}")
    }
}

/// Which command went unanswered and how, after the reply before it (German).
fn unanswered_de(ip: &str, before: &str, u: &crate::report::Unanswered) -> String {
    use crate::report::NoAnswer;
    let command = &u.command;
    let what = match &u.cause {
        NoAnswer::Timeout { ms } => format!("gab innerhalb von {} keine Antwort auf {command}", seconds(*ms, Lang::De)),
        NoAnswer::Closed => format!("schloss die Verbindung bei {command}"),
        NoAnswer::Failed { detail } => format!("brach den Austausch bei {command} ab ({detail})"),
    };
    if command == "RCPT TO" && before.starts_with('2') {
        format!("{ip} nahm MAIL FROM an (\"{before}\") und {what}")
    } else {
        format!("{ip} {what}")
    }
}

/// A duration in milliseconds as seconds, with one decimal when it is not whole.
fn seconds(ms: u64, lang: Lang) -> String {
    let text = if ms % 1000 == 0 { format!("{} s", ms / 1000) } else { format!("{:.1} s", ms as f64 / 1000.0) };
    if lang == Lang::De {
        text.replace('.', ",")
    } else {
        text
    }
}

/// What an inconclusive relay reply was about, and how to get a real answer (German).
fn relay_reason_de(reason: Option<crate::report::RelayReason>) -> (&'static str, &'static str) {
    use crate::report::RelayReason::*;
    match reason {
        Some(SenderRejected) => ("der Server lehnte den Absender des Tests ab, auch den leeren Absender", "mxray mit --relay-sender auf eine Adresse einer echten, eigenen Domain starten (und --helo-name auf den Namen dieses Hosts)."),
        Some(HeloRejected) => ("der Server lehnte den HELO-Namen des Tests ab", "mxray mit --helo-name auf den echten, auflösbaren Namen dieses Hosts starten."),
        Some(ClientRejected) => ("der Server lehnte die Adresse ab, von der mxray kommt (Blockliste oder Reverse-DNS)", "mxray von einem Host mit sauberer Adresse und Reverse-DNS-Namen starten."),
        Some(RecipientRejected) => ("der Server lehnte die Domain des externen Empfängers als nicht zustellbar ab", "mxray mit --relay-recipient auf ein echtes Postfach einer Domain außerhalb der getesteten starten, die Mail empfängt."),
        Some(Greylisted) => ("der Server nutzt Greylisting für neue Absender", "Den Test in einigen Minuten wiederholen, wenn die Greylisting-Frist vorbei ist."),
        Some(ProtocolError) => ("der Antwortcode ist für das Kommando nicht erlaubt", "Den Mailserver und SMTP-Proxys davor prüfen."),
        Some(TlsRequired) => ("der Server nimmt Mail nur über TLS an, und der Test lief im Klartext, weil TLS scheiterte", "Das oben gemeldete TLS-Problem beheben; dann läuft der Relay-Test innerhalb von TLS."),
        Some(NoReply) => ("es kam keine gültige Antwort", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
        Some(SameProvider) => ("die Domain des Relay-Empfängers wird vom selben Server oder Anbieter betreut wie diese Adresse, die Mail für sie also als eigene annehmen darf; das war kein Relay-Test", "mxray mit --relay-recipient auf ein Postfach einer Domain bei einem anderen Anbieter starten."),
        Some(RelayDenied) => ("der Server lehnte den Absender ab, bevor ein Empfänger genannt war (er verlangt für jede Mail eine Anmeldung), daher wurde kein externer Empfänger versucht", "Ist dieser Host ein MX, muss er MAIL FROM ohne Anmeldung auf Port 25 annehmen (RFC 5321); nimmt er nur Einlieferungen an, einen anderen Host als MX eintragen."),
        Some(RefusedUnstated) => ("der Server lehnte ohne Grund ab (kein Wort über Relaying, kein Statuscode, der den Grund nennt), das beweist nicht, dass er Relaying ablehnt", "Lehnt der Server Relaying ab, sollte er es sagen (Postfix: reject_unauth_destination antwortet \"Relay access denied\"); zur Sicherheit eine Testnachricht von einem Host außerhalb des eigenen Netzes über ihn an ein Postfach außerhalb der Domain schicken."),
        Some(RecipientUnknown) => ("der Bericht nennt den externen Empfänger unbekannt, enthält aber keine Antwort auf RCPT TO, die das sagt", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
        Some(ServerClosing) => ("der Server beendete die Sitzung (421), bevor der Test seine Antwort hatte", "Den Test später wiederholen; ein 421 heißt, dass der Server ausgelastet ist, herunterfährt oder Verbindungen begrenzt."),
        Some(Temporary) => ("ein vorübergehender Fehler", "Den Test später wiederholen; Greylisting und Ratenbegrenzungen geben vorübergehende Antworten."),
        Some(Accepted | AcceptedUnverified) | None => ("der Test endete, bevor der externe Empfänger eine Antwort bekam", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
    }
}

#[cfg(test)]
pub(crate) mod tests;
