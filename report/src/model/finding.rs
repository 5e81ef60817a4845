//! The findings' types: how much a finding matters, the finding as written into the report, and
//! every kind mxray can find with the facts behind it, under its stable code.

use serde::{Deserialize, Serialize};

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
        /// Why, in mxray's own terms (then `detail` is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::ConnectFailure>,
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
        /// What came instead, in mxray's own terms (then `reason` is empty).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::ReadFailure>,
    },
    /// The banner reveals the MTA version.
    BannerLeaksVersion {
        /// Product.
        software: String,
        /// Version.
        version: String,
    },
    /// A firewall between the Internet and the server rewrites the SMTP dialogue (Cisco ASA/PIX SMTP
    /// inspection): a masked greeting, EHLO turned into `XXXX`.
    SmtpInspection {
        /// Address.
        ip: String,
        /// The greeting is mostly asterisks.
        banner_masked: bool,
        /// EHLO was refused with an `XXXX` echo.
        ehlo_masked: bool,
        /// Because of it the server offered no STARTTLS (EHLO refused, HELO used).
        starttls_hidden: bool,
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
        /// What came instead of a reply, when none came (then `reply` is empty).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_reply: Option<crate::model::session::ReadFailure>,
    },
    /// The TLS handshake failed.
    TlsHandshakeFailed {
        /// Address.
        ip: String,
        /// The error.
        error: String,
        /// Why, in mxray's own terms (then `error` is empty).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<crate::model::session::HandshakeProblem>,
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
        /// How many certificates the server sent (0 in reports from before this was recorded).
        #[serde(default)]
        sent: usize,
        /// The issuer is among the certificates sent: the chain ends at a root nobody trusts, rather
        /// than at a missing intermediate.
        #[serde(default)]
        issuer_sent: bool,
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
        reason: Option<crate::model::session::RelayReason>,
        /// The command that got no valid reply, when that ended the probe.
        #[serde(default)]
        unanswered: Option<crate::model::session::Unanswered>,
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
        reason: crate::model::session::RelayReason,
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
        /// Why, in mxray's own terms (then `reason` is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::session::NotTestable>,
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
        /// Why, in mxray's own terms (then `reason` is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::depth::LegacyAnswer>,
    },
    /// rustls found no suite in common, but an OpenSSL-like TLS 1.2 hello got a ServerHello:
    /// ordinary senders encrypt, only with outdated suites.
    TlsOutdatedSuitesOnly {
        /// Address.
        ip: String,
        /// The suite the server chose (IANA name).
        suite: String,
        /// The version it chose it with.
        version: String,
        /// What rustls's handshake ended in.
        error: String,
    },
    /// The server accepts insufficient or phase-out cipher suites (NCSC classes).
    TlsWeakSuites {
        /// Address.
        ip: String,
        /// The worst class seen accepted.
        class: crate::model::quality::Class,
        /// A suite of that class the server chose.
        suite: String,
        /// The version it chose it with.
        version: String,
    },
    /// The server follows the client's order (chose a phase-out suite offered first) although it
    /// takes a good one.
    TlsClientOrder {
        /// Address.
        ip: String,
        /// The suite it chose.
        chosen: String,
        /// A good suite it also takes.
        good: String,
    },
    /// Finite-field Diffie-Hellman with a prime under 2048 bits.
    TlsWeakDh {
        /// Address.
        ip: String,
        /// The prime's size in bits.
        bits: u32,
    },
    /// The certificate's RSA key, which signs or carries the key exchange, is under 2048 bits.
    TlsWeakRsaKey {
        /// Address.
        ip: String,
        /// The key's size in bits.
        bits: u32,
    },
    /// The key exchange is signed with SHA-1.
    TlsSha1Signature {
        /// Address.
        ip: String,
        /// The signature scheme, e.g. `rsa_pkcs1_sha1`.
        scheme: String,
    },
    /// The ServerHello lacks the renegotiation_info extension (RFC 5746).
    TlsNoSecureRenegotiation {
        /// Address.
        ip: String,
    },
    /// The server chose TLS compression (CRIME).
    TlsCompression {
        /// Address.
        ip: String,
        /// The method chosen (1 is DEFLATE).
        method: u8,
    },
    /// The address has no PTR record.
    PtrMissing {
        /// Address.
        ip: String,
        /// The resolver's answer.
        detail: String,
        /// The answer in mxray's own terms (then `detail` is empty or the resolver's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::depth::LookupFailure>,
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
        /// Why, in mxray's own terms (then `reason` is empty or the resolver's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::depth::LookupFailure>,
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
        /// Why, in mxray's own terms (then `reason` is empty or the resolver's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<crate::model::depth::DnsblProblem>,
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
        /// Why, in mxray's own terms (then `reason` is empty).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::SessionFailure>,
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
        forms: Vec<crate::model::bypass::BypassAttempt>,
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
        reason: crate::model::session::RevisitReason,
        /// The temporary refusal of the first connection.
        reply: String,
        /// Why the return connection gave no verdict, when it gave none (older reports).
        #[serde(default)]
        error: Option<String>,
        /// Why the return connection gave no verdict, in mxray's own terms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::RevisitFailure>,
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
        /// Why the handshake did not happen or finish, in mxray's own terms (then `detail` is empty).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<crate::model::session::HandshakeProblem>,
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
        /// The resolver library's words (empty when `reason` says why).
        detail: String,
        /// Why, in mxray's words (absent in older reports).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<crate::model::dane::DnssecReason>,
    },
    /// The resolver mxray asks passes no DNSSEC data on: DNSSEC and DANE could not be judged for
    /// any host (said once for the domain instead of at every host).
    DnssecResolverBlind {
        /// The trust anchor's zone that did not validate either (`.` for the root).
        anchor: String,
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
        /// Why, in mxray's own terms (then the text beside it is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::dane::DaneReason>,
    },
    /// DANE is in force, but the address gave no TLS session.
    DaneNoTls {
        /// Address.
        ip: String,
        /// What happened instead.
        detail: String,
        /// Why, in mxray's own terms (then the text beside it is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::dane::DaneReason>,
    },
    /// DANE could not be judged at the address.
    DaneNotTested {
        /// Address.
        ip: String,
        /// Why.
        reason: String,
        /// Why, in mxray's own terms (then the text beside it is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::dane::DaneReason>,
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
        problems: Vec<crate::model::dane::TaProblem>,
    },
    /// Signed, usable TLSA records that still do not put DANE in force (RFC 7672 §2.2).
    DaneNotInForce {
        /// The host.
        host: String,
        /// Why not.
        reason: crate::model::dane::NotInForce,
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
        reason: crate::model::policy::UntestedTls,
        /// The policy mode.
        mode: crate::model::policy::StsMode,
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
    /// A TXT record at `_mta-sts` that senders discard: it does not begin with `v=STSv1`.
    MtaStsRecordIgnored {
        /// The name it is published at.
        name: String,
        /// The record as published.
        record: String,
        /// What it begins with instead.
        reason: crate::model::policy::IgnoredReason,
        /// The valid record senders read instead, when there is one beside it.
        #[serde(default)]
        counted: Option<String>,
    },
    /// The `v=STSv1` record is malformed.
    MtaStsRecordMalformed {
        /// The record.
        record: String,
        /// What is wrong.
        problem: crate::model::policy::RecordProblem,
    },
    /// The policy file could not be fetched.
    MtaStsPolicyUnavailable {
        /// The URL.
        url: String,
        /// Why.
        error: crate::model::policy::FetchError,
    },
    /// The policy file is not valid.
    MtaStsPolicyInvalid {
        /// What is wrong.
        problems: Vec<crate::model::policy::PolicyProblem>,
    },
    /// The policy file has comment or blank lines: skipped by lenient senders, maybe not by strict ones.
    MtaStsPolicyLenient {
        /// Lines starting with `#`.
        comment_lines: Vec<u32>,
        /// Blank lines.
        blank_lines: Vec<u32>,
    },
    /// An MX host matches none of the policy's patterns.
    MtaStsMxNotListed {
        /// The host.
        host: String,
        /// The patterns.
        patterns: String,
        /// The policy mode.
        mode: crate::model::policy::StsMode,
    },
    /// An MX host's TLS fails the policy (no STARTTLS, or a certificate not valid for its name).
    MtaStsMxTlsInvalid {
        /// The host.
        host: String,
        /// The failing address.
        ip: String,
        /// How it fails.
        failure: crate::model::policy::TlsPolicyFailure,
        /// The policy mode.
        mode: crate::model::policy::StsMode,
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
    /// A TXT record at `_smtp._tls` that senders discard: it does not begin with `v=TLSRPTv1`.
    TlsRptRecordIgnored {
        /// The name it is published at.
        name: String,
        /// The record as published.
        record: String,
        /// What it begins with instead.
        reason: crate::model::policy::IgnoredReason,
        /// The valid record senders read instead, when there is one beside it.
        #[serde(default)]
        counted: Option<String>,
    },
    /// The `v=TLSRPTv1` record is malformed.
    TlsRptRecordMalformed {
        /// The record.
        record: String,
        /// What is wrong.
        problem: crate::model::policy::RecordProblem,
    },
    /// A TLS-RPT report target has the wrong form.
    TlsRptBadTarget {
        /// The URI.
        uri: String,
        /// What is wrong.
        problem: crate::model::policy::TargetProblem,
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
        egress: Option<crate::model::egress::EgressReport>,
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
        /// Why, in mxray's own terms (then `detail` is empty or the library's message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::ConnectFailure>,
    },
}

impl FindingKind {
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
            SmtpInspection { .. } => "smtp_inspection",
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
            TlsOutdatedSuitesOnly { .. } => "tls_outdated_suites_only",
            TlsWeakSuites { .. } => "tls_weak_suites",
            TlsClientOrder { .. } => "tls_client_order",
            TlsWeakDh { .. } => "tls_weak_dh",
            TlsWeakRsaKey { .. } => "tls_weak_rsa_key",
            TlsSha1Signature { .. } => "tls_sha1_signature",
            TlsNoSecureRenegotiation { .. } => "tls_no_secure_renegotiation",
            TlsCompression { .. } => "tls_compression",
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
            DnssecResolverBlind { .. } => "dnssec_resolver_blind",
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
            MtaStsRecordIgnored { .. } => "mta_sts_record_ignored",
            MtaStsRecordMalformed { .. } => "mta_sts_record_malformed",
            MtaStsPolicyUnavailable { .. } => "mta_sts_policy_unavailable",
            MtaStsPolicyInvalid { .. } => "mta_sts_policy_invalid",
            MtaStsPolicyLenient { .. } => "mta_sts_policy_lenient",
            MtaStsMxNotListed { .. } => "mta_sts_mx_not_listed",
            MtaStsMxTlsInvalid { .. } => "mta_sts_mx_tls_invalid",
            MtaStsModeNone => "mta_sts_mode_none",
            MtaStsTesting { .. } => "mta_sts_testing",
            MtaStsMaxAgeShort { .. } => "mta_sts_max_age_short",
            MtaStsProtected { .. } => "mta_sts_protected",
            TlsRptMissing { .. } => "tls_rpt_missing",
            TlsRptRecordMultiple { .. } => "tls_rpt_record_multiple",
            TlsRptRecordIgnored { .. } => "tls_rpt_record_ignored",
            TlsRptRecordMalformed { .. } => "tls_rpt_record_malformed",
            TlsRptBadTarget { .. } => "tls_rpt_bad_target",
            GreetingTimeout { .. } => "greeting_timeout",
            Port25NoAnswer { .. } => "port25_no_answer",
            EgressBlocked { .. } => "egress_blocked",
            Port25Timeout { .. } => "port25_timeout",
        }
    }
}
