//! What one SMTP session with an address saw, step by step: the connect, the greeting, EHLO,
//! STARTTLS, the certificate, the relay probe and the transcript. Leaf types of the report.

use serde::{Deserialize, Serialize};

use crate::model::bypass::BypassAttempt;

/// A reply that broke the exchange: a code the command does not allow, or a reply nobody asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolError {
    /// The command it answered, or the last one before it (`greeting` before the first).
    pub command: String,
    /// The reply's first line as received.
    pub reply: String,
    /// True when no command asked for it.
    pub unsolicited: bool,
}

/// A `421` reply: the server is closing the session (RFC 5321 §3.8 allows it for every command).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerClosed {
    /// The command it answered (`EHLO`, `STARTTLS`, `RSET`, `RCPT TO`, …), or `greeting`.
    pub command: String,
    /// The reply's first line as received.
    pub reply: String,
}

/// Outcome of the TCP connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TcpOutcome {
    /// Connected.
    Connected,
    /// Connection refused (RST).
    Refused,
    /// No answer within the step timeout.
    Timeout,
    /// No route to the host or network.
    Unreachable,
    /// Not attempted: the address is not public (SSRF guard).
    Blocked,
    /// Another error.
    Error,
    /// This machine has no route to the address (e.g. no IPv6): a limit of the tester, not of the server.
    NoRoute,
}

/// The TCP connection step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpReport {
    /// What happened.
    pub outcome: TcpOutcome,
    /// Connect time in milliseconds (when connected).
    pub connect_ms: Option<u64>,
    /// A socket error in the operating system's words (older reports: also mxray's own reason,
    /// now in `failure`).
    pub detail: Option<String>,
    /// The port connected to.
    #[serde(default)]
    pub port: u16,
    /// Why the connect failed, when mxray can say it in its own terms (the words are in the
    /// catalogue; absent in older reports, which have `detail` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<ConnectFailure>,
}

/// Why a connect failed, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnectFailure {
    /// No answer within the step timeout.
    NoAnswer {
        /// The step timeout in whole seconds.
        secs: u64,
    },
    /// Not attempted: the address lies in a non-public range (the SSRF guard).
    NotPublic {
        /// The range's name as the IANA special-purpose registries call it (`private`, `loopback`, …).
        range: String,
    },
    /// This machine has no route to the address (e.g. no IPv6 here).
    NoRouteHere,
}

/// What came instead of a complete SMTP reply, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadFailure {
    /// No complete reply within the wait.
    Timeout {
        /// The wait in whole seconds.
        secs: u64,
    },
    /// The server closed the connection.
    Closed,
    /// The server sent more than mxray reads from one connection.
    TooMuchData {
        /// The cap in bytes.
        bytes: u64,
    },
    /// A line that does not start with a three-digit code.
    NotAReply {
        /// The line, shortened.
        line: String,
    },
    /// A reply code outside 200–599.
    CodeOutOfRange {
        /// The code.
        code: u16,
    },
    /// A continuation line changed the code.
    CodeChanged {
        /// The first line's code.
        first: u16,
        /// The later line's code.
        then: u16,
    },
    /// A line longer than mxray reads.
    LineTooLong {
        /// The cap in bytes.
        bytes: u64,
    },
    /// A reply with more lines than mxray reads.
    TooManyLines {
        /// The cap in lines.
        lines: u64,
    },
    /// Something arrived before a command asked for it.
    Unsolicited {
        /// The last command before it (its verb), or `greeting`.
        after: String,
        /// The first unrequested line, as received.
        data: String,
    },
    /// A socket error.
    Socket {
        /// The operating system's message.
        detail: String,
    },
}

/// Where and how a session ended before every step ran, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFailure {
    /// The command that failed (`EHLO`, `RCPT TO`, …), `greeting`, or `connect`.
    pub step: String,
    /// On which connection.
    #[serde(default)]
    pub connection: SessionLeg,
    /// What happened.
    pub cause: SessionCause,
}

/// Which connection of a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionLeg {
    /// The first connection, in plaintext.
    #[default]
    First,
    /// The first connection, inside TLS after STARTTLS.
    InsideTls,
    /// The extra plaintext connection (after TLS broke, or to come back for the relay probe).
    Second,
}

/// What ended a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SessionCause {
    /// No valid reply came.
    NoReply {
        /// What came instead.
        failure: ReadFailure,
    },
    /// A refusal (its reply as received, the server's words).
    Refused {
        /// The reply's first line.
        reply: String,
    },
    /// The connection could not be made.
    Connect {
        /// Why, in mxray's terms, when it can say it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<ConnectFailure>,
        /// The operating system's message, otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
}

/// Why an offered STARTTLS could not be tested, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotTestable {
    /// The MX name cannot be sent as a TLS server name (SNI); the library's reason is in `error`.
    InvalidServerName {
        /// The MX name.
        name: String,
    },
    /// The server answered STARTTLS with `421`: it is closing the session.
    ServerClosing {
        /// The reply's first line.
        reply: String,
    },
}

/// The 220 greeting (or whatever came instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BannerReport {
    /// Reply code; absent when no valid reply arrived.
    pub code: Option<u16>,
    /// Reply text, lines joined with `\n` (or the failure text).
    pub text: String,
    /// MTA software recognised from the banner.
    pub software: Option<Software>,
    /// Milliseconds from connect to the complete greeting.
    pub elapsed_ms: u64,
    /// Why the greeting is missing or invalid (silence, garbage, overflow).
    #[serde(default)]
    pub error: Option<String>,
    /// A refusal that names mxray's own address or HELO name rather than the server's state.
    #[serde(default)]
    pub refuses_tester: Option<RelayReason>,
    /// Set when no complete greeting arrived within mxray's greeting wait: that wait in seconds. The
    /// server may still greet later (RFC 5321 §4.5.3.2.1: senders wait up to 5 minutes), so this is
    /// "not tested", never "dead".
    #[serde(default)]
    pub greeting_timeout_secs: Option<u64>,
    /// What came instead of a valid greeting, in mxray's own terms (absent in older reports, which
    /// have `error` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<ReadFailure>,
}

/// A recognised MTA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Product name, e.g. `Postfix`.
    pub name: String,
    /// Version, when the banner reveals it.
    pub version: Option<String>,
}

/// The EHLO (or HELO) reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EhloReport {
    /// Reply code; absent when no valid reply arrived.
    pub code: Option<u16>,
    /// The name the server gave in its first line.
    pub host: String,
    /// Extensions with their parameters, in server order.
    pub extensions: Vec<Extension>,
    /// SIZE limit in bytes (0 = no limit announced as 0; absent = no SIZE).
    pub size_limit: Option<u64>,
    /// True when EHLO was refused and HELO was used.
    #[serde(default)]
    pub helo_fallback: bool,
    /// The reply that refused EHLO, when HELO was used (what a firewall in the path may have echoed).
    #[serde(default)]
    pub ehlo_refusal: Option<String>,
    /// Why the reply is missing or invalid.
    #[serde(default)]
    pub error: Option<String>,
    /// A refusal that names mxray's own address or HELO name rather than the server's state.
    #[serde(default)]
    pub refuses_tester: Option<RelayReason>,
}

impl EhloReport {
    /// True when the server offers this extension (case-insensitive).
    pub fn offers(&self, keyword: &str) -> bool {
        self.extensions.iter().any(|e| e.keyword.eq_ignore_ascii_case(keyword))
    }
}

/// One EHLO extension line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Keyword in upper case, e.g. `SIZE`.
    pub keyword: String,
    /// Parameters as sent.
    pub params: Vec<String>,
}

/// Outcome of STARTTLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartTlsOutcome {
    /// TLS established.
    Ok,
    /// The server does not offer STARTTLS.
    NotOffered,
    /// STARTTLS was refused (non-220 reply).
    Rejected,
    /// The TLS handshake failed.
    HandshakeFailed,
    /// Not attempted (no EHLO, earlier failure).
    Skipped,
    /// Offered, but mxray cannot test it from here (e.g. the MX name is not usable as a TLS server name).
    NotTestable,
}

/// The STARTTLS step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartTlsReport {
    /// STARTTLS was in the EHLO reply.
    pub offered: bool,
    /// What happened.
    pub outcome: StartTlsOutcome,
    /// Negotiated protocol, e.g. `TLSv1.3`.
    pub tls_version: Option<String>,
    /// Negotiated cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: Option<String>,
    /// Negotiated key exchange group, e.g. `X25519`.
    pub kx_group: Option<String>,
    /// Handshake time in milliseconds.
    pub handshake_ms: Option<u64>,
    /// Error text (refusal reply or handshake error).
    pub error: Option<String>,
    /// The server sent bytes after its 220 to STARTTLS before the handshake (unrequested plaintext).
    #[serde(default)]
    pub pipelined_plaintext: bool,
    /// What kind of failure it was, when the handshake failed.
    #[serde(default)]
    pub failure: Option<TlsFailure>,
    /// Why STARTTLS could not be tested, when the outcome is `not_testable` (absent in older
    /// reports, which have `error` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_testable: Option<NotTestable>,
    /// What came instead of a reply to STARTTLS, when none came (outcome `rejected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_reply: Option<ReadFailure>,
    /// Why the handshake did not happen or finish, in mxray's own terms, when the library has no
    /// words for it (absent in older reports, which have `error` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake_problem: Option<HandshakeProblem>,
}

/// Why a TLS handshake after STARTTLS did not happen or finish, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HandshakeProblem {
    /// No handshake within the step timeout.
    Timeout {
        /// The wait in whole seconds.
        secs: u64,
    },
    /// Bytes arrived after the 220 to STARTTLS, before the handshake; mxray did not start it.
    PlaintextAfterReply {
        /// How many.
        bytes: u64,
    },
}

/// Why a TLS handshake failed, as far as the server's answer tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsFailure {
    /// The server speaks only TLS versions older than 1.2 (its ServerHello or a protocol_version alert says so).
    LegacyVersionOnly,
    /// The server accepts none of the cipher suites or groups offered (a handshake_failure or
    /// insufficient_security alert, or it chose one that was not offered).
    NoSharedCipher,
    /// The server ended the handshake with another TLS alert.
    Alert,
    /// What came back is not TLS.
    NotTls,
    /// The server closed the connection during the handshake.
    Closed,
    /// No handshake within the step timeout.
    Timeout,
    /// The server's handshake signature does not verify with its certificate.
    BadSignature,
    /// Anything else.
    Other,
}

/// The certificate chain and its judgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateReport {
    /// The chain verifies to a trusted root (name and dates are judged by the fields below).
    pub trusted: bool,
    /// Why it does not, when it does not.
    pub trust_error: Option<String>,
    /// When no trusted root was found: the issuer named by the topmost certificate sent (following
    /// issuer names from the leaf), i.e. where the chain stops.
    #[serde(default)]
    pub unknown_issuer: Option<String>,
    /// The leaf is valid for the MX host name.
    pub hostname_matches: bool,
    /// The leaf is past its end of validity (`not_after`).
    pub expired: bool,
    /// The leaf's validity has not begun yet (`not_before` is after the check).
    #[serde(default)]
    pub not_yet_valid: bool,
    /// The leaf is self-signed.
    pub self_signed: bool,
    /// Whole days until the leaf expires (negative when expired).
    pub days_until_expiry: i64,
    /// The chain as the server sent it, leaf first (empty when the leaf cannot be read).
    pub chain: Vec<CertificateInfo>,
    /// Why the leaf could not be read, when the X.509 parser rejected it after the handshake; its
    /// dates are then not judged (`expired`, `not_yet_valid` false, `days_until_expiry` 0).
    #[serde(default)]
    pub parse_error: Option<String>,
}

/// One certificate of a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number in hex.
    pub serial: String,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// DNS names in the subject alternative name.
    pub san: Vec<String>,
    /// `RSA`, `EC`, `Ed25519`, …
    pub key_algorithm: String,
    /// Key size in bits.
    pub key_bits: Option<u32>,
    /// Signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// SHA-256 of the DER, hex with colons.
    pub sha256: String,
    /// Past its end of validity at the time of the check.
    #[serde(default)]
    pub expired: bool,
    /// Its validity has not begun at the time of the check.
    #[serde(default)]
    pub not_yet_valid: bool,
    /// Sent, but not on the path that verified to a trusted root: senders that validate build
    /// their path without it (false when no path verified, or for reports that predate this).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off_path: bool,
}

/// Outcome of the open-relay probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayOutcome {
    /// RCPT to the outside domain was refused because of the relay policy: good.
    Refused,
    /// RCPT to the outside domain was accepted (250, 251 or 252): open relay.
    Accepted,
    /// Every attempt was rejected for a reason that says nothing about relaying: cannot tell.
    Inconclusive,
    /// Not run (no session).
    Skipped,
}

/// What one reply of the relay probe means (RFC 3463 enhanced code and the reply's wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayReason {
    /// 250/251 at RCPT: the outside recipient was accepted.
    Accepted,
    /// 252 at RCPT: accepted without verifying the recipient (still accepted for delivery).
    AcceptedUnverified,
    /// Refused because relaying is not allowed (x.7.1 family, "Relay access denied", auth required, …).
    RelayDenied,
    /// A permanent refusal that names no reason (a bare 5.7.1 or "550 Go away"): it does not say that
    /// relaying was refused. Reports written before `recipient_unknown` existed also used it for
    /// "no such recipient here".
    RefusedUnstated,
    /// The probe's sender was rejected (x.1.7, x.1.8, "Sender address rejected", sender verify, …).
    SenderRejected,
    /// The probe's HELO name was rejected.
    HeloRejected,
    /// mxray's own address was rejected (blocklist, reverse DNS, "Client host rejected", …).
    ClientRejected,
    /// The outside recipient's domain was rejected as unable to take mail (not found, null MX).
    RecipientRejected,
    /// Greylisting: come back later.
    Greylisted,
    /// The server wants TLS before it takes mail (the probe ran in plaintext).
    TlsRequired,
    /// Another temporary failure (4xx, 421).
    Temporary,
    /// A reply code that the command does not allow.
    ProtocolError,
    /// No valid reply (timeout, closed connection, garbage); the attempt's `unanswered` says which
    /// command and what happened.
    NoReply,
    /// Not a relay test: the recipient's domain is served by the same server or provider as the
    /// address probed, which may take mail for it as its own.
    SameProvider,
    /// The outside recipient was refused as unknown here (x.1.1, "User unknown", OpenSMTPD's "Invalid
    /// recipient"): the server does not take mail for that address, which is how a non-relay answers.
    RecipientUnknown,
    /// `421`: the server closed the session (RFC 5321 §3.8) before the probe had its answer.
    ServerClosing,
}

impl RelayReason {
    /// True for a reply that says nothing about relaying, so another attempt may tell more.
    pub fn is_about_something_else(self) -> bool {
        matches!(
            self,
            RelayReason::RefusedUnstated
                | RelayReason::SenderRejected
                | RelayReason::HeloRejected
                | RelayReason::ClientRejected
                | RelayReason::RecipientRejected
                | RelayReason::Greylisted
                | RelayReason::TlsRequired
                | RelayReason::Temporary
        )
    }

    /// True for a refusal that, given to the outside recipient at `RCPT TO`, shows that the server does
    /// not relay: about relaying itself, or the recipient is unknown here. Nothing else may read as
    /// "not an open relay".
    pub fn refuses_relaying(self) -> bool {
        matches!(self, RelayReason::RelayDenied | RelayReason::RecipientUnknown)
    }
}

/// One `MAIL FROM` + `RCPT TO` attempt of the relay probe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayAttempt {
    /// The sender used (empty for the null sender `<>`).
    pub sender: String,
    /// The `MAIL FROM` reply.
    pub mail_from: Option<String>,
    /// The `RCPT TO` reply, when RCPT was sent.
    pub rcpt_to: Option<String>,
    /// What the deciding reply of this attempt means.
    pub reason: RelayReason,
    /// The command that got no valid reply, when one did not (reason `no_reply`).
    #[serde(default)]
    pub unanswered: Option<Unanswered>,
}

/// A command of the relay probe that got no valid reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unanswered {
    /// `MAIL FROM` or `RCPT TO`.
    pub command: String,
    /// What happened instead of a reply.
    pub cause: NoAnswer,
}

/// What came instead of a reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoAnswer {
    /// Nothing within the step timeout.
    Timeout {
        /// The step timeout in milliseconds.
        ms: u64,
    },
    /// The server closed (or reset) the connection.
    Closed,
    /// Anything else: not SMTP, too much data, a socket error.
    Failed {
        /// What went wrong.
        detail: String,
    },
}

/// The open-relay probe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayReport {
    /// What the probe concluded.
    pub outcome: RelayOutcome,
    /// The `MAIL FROM` reply, e.g. `250 2.1.0 Ok`.
    pub mail_from: Option<String>,
    /// The `RCPT TO` reply.
    pub rcpt_to: Option<String>,
    /// Sender address used.
    #[serde(default)]
    pub sender: String,
    /// Recipient address used.
    #[serde(default)]
    pub recipient: String,
    /// True when the probe ran inside TLS.
    #[serde(default)]
    pub over_tls: bool,
    /// Why the outcome is what it is (the meaning of the deciding reply).
    #[serde(default)]
    pub reason: Option<RelayReason>,
    /// Every attempt in order; the last one decided. `mail_from`/`rcpt_to` above are its replies.
    #[serde(default)]
    pub attempts: Vec<RelayAttempt>,
    /// Routing addresses tried after the plain probe was refused (empty otherwise); an accepted one
    /// is a warning of its own and never changes `outcome`.
    #[serde(default)]
    pub bypass: Vec<BypassAttempt>,
    /// After the plain probe was refused: the same outside recipient with a sender in the tested
    /// domain (`postmaster@domain`), as spammers forge it. Accepted at RCPT, the server relays for
    /// anyone who claims to be local (critical, see [`RelayReport::relays_for_local_sender`]);
    /// `outcome` stays the plain probe's verdict. Absent when not tried.
    #[serde(default)]
    pub local_sender: Option<RelayAttempt>,
    /// mxray came back on a new connection because the first one ended on a temporary refusal that
    /// looks like Postfix postscreen's (it passes a client on to the real server only on its next
    /// connection); the fields above are then the return connection's. Absent when it did not.
    #[serde(default)]
    pub revisit: Option<RelayRevisit>,
}

impl RelayReport {
    /// True when the forged local sender's try was accepted at RCPT: an open relay for anyone who
    /// claims a sender in the tested domain. Never when the recipient's domain is served by the
    /// same provider: accepting it is then delivery, whoever the sender is.
    pub fn relays_for_local_sender(&self) -> bool {
        self.reason != Some(RelayReason::SameProvider)
            && self.local_sender.as_ref().is_some_and(|a| {
                a.rcpt_to.is_some() && matches!(a.reason, RelayReason::Accepted | RelayReason::AcceptedUnverified)
            })
    }
}

/// Why mxray came back for the relay probe: what made the first session look like postscreen's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisitReason {
    /// The temporary refusal was postscreen's own wording, `450 4.3.2 Service currently unavailable`.
    PostscreenReply,
    /// The greeting came in several lines (`220-` first), as postscreen's greet banner sends it.
    MultiLineGreeting,
}

/// The one return connection for the relay probe after a postscreen-like temporary refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayRevisit {
    /// Why mxray came back.
    pub reason: RevisitReason,
    /// The temporary refusal that ended the first connection's probe.
    pub reply: String,
    /// The first connection's attempts, replaced by the return connection's (empty when the return
    /// connection gave no verdict: the fields of the report are then still the first connection's).
    #[serde(default)]
    pub earlier: Vec<RelayAttempt>,
    /// Why the return connection gave no verdict, in older reports (now in `failure`).
    #[serde(default)]
    pub error: Option<String>,
    /// Why the return connection gave no verdict, when it gave none, in mxray's own terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<RevisitFailure>,
}

/// Why the return connection of a relay revisit gave no verdict, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevisitFailure {
    /// Its session ended before the relay probe finished.
    SessionEnded {
        /// Where and how.
        failure: SessionFailure,
    },
    /// The server answered a command with `421` on it: it closed the session.
    ServerClosed {
        /// The command.
        command: String,
        /// The reply's first line.
        reply: String,
    },
    /// It ran no relay probe.
    NoRelayProbe,
}

/// Direction of a transcript line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Sent by mxray.
    Client,
    /// Received from the server.
    Server,
    /// Something that is not a line (connect, TLS handshake, timeout).
    Event,
}

/// One line of the SMTP dialogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    /// Milliseconds since the address's first connect attempt.
    pub at_ms: u64,
    /// Who.
    pub dir: Direction,
    /// The line without CRLF (non-printable bytes escaped).
    pub text: String,
}
