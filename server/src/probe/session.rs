//! The SMTP dialogue at one address: connect, greeting, EHLO, STARTTLS, TLS, EHLO again, relay
//! probe, RSET, QUIT. Never DATA. At most two connections: a second, plaintext one only when TLS
//! broke after STARTTLS, so the relay probe still runs.
//!
//! Reply discipline: each command accepts only its own codes (greeting 220, EHLO/HELO 250,
//! STARTTLS 220, MAIL 250, RCPT 250/251/252) and nothing unread may wait when a command is sent.
//! Anything else is recorded as the protocol error it is and ends the dialogue: never a pass.

use app::report::{
    BannerReport, EhloReport, ProtocolError, RelayAttempt, RelayOutcome, RelayReason, RelayReport, StartTlsOutcome,
    StartTlsReport, TcpOutcome, TcpReport, TlsFailure,
};
use app::StepResult;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};

use super::connection::{SessionError, SmtpConnection};
use super::fanout::Fanout;
use super::net::{BlockedTarget, Connector, NoRouteHere};
use super::relay::{classify, refuses_the_tester, RelayStage};
use super::tls::{usable_server_name, TlsContext};
use super::transcript::Transcript;
use super::wire::{detect_software, parse_ehlo, Reply};

/// What every session of an engine shares.
#[derive(Debug)]
pub struct SessionConfig {
    /// Name sent with EHLO/HELO.
    pub helo_name: String,
    /// `MAIL FROM` of the relay probe.
    pub relay_sender: String,
    /// `RCPT TO` of the relay probe; see [`SessionConfig::recipient_outside`].
    pub relay_recipient: String,
    /// Limit for connect, each reply and the handshake.
    pub step_timeout: Duration,
    /// SMTP port.
    pub port: u16,
}

/// Fallbacks when the configured recipient is inside the tested domain.
const OUTSIDE_RECIPIENTS: [&str; 2] = ["relay-test@example.org", "relay-test@example.com"];

impl SessionConfig {
    /// The relay probe's recipient for `domain`: the configured one unless it lies inside the tested
    /// domain (then accepting it would be ordinary delivery, not relaying), else a fallback.
    pub fn recipient_outside(&self, domain: &str) -> String {
        let inside = |address: &str| {
            let d = address.rsplit_once('@').map_or("", |(_, d)| d);
            d.eq_ignore_ascii_case(domain) || d.to_ascii_lowercase().ends_with(&format!(".{domain}"))
        };
        std::iter::once(self.relay_recipient.as_str())
            .chain(OUTSIDE_RECIPIENTS)
            .find(|r| !inside(r))
            .unwrap_or(OUTSIDE_RECIPIENTS[0])
            .to_owned()
    }
}

/// The probe of one address: its state, its transcript and where its results go.
pub struct AddressProbe<'a, C: Connector> {
    /// The MX host name used for SNI.
    pub host: &'a str,
    /// The address.
    pub ip: IpAddr,
    /// Shared settings.
    pub config: &'a SessionConfig,
    /// Roots and crypto provider.
    pub tls: &'a TlsContext,
    /// How TCP connections are made (the SSRF guard sits in it).
    pub connector: &'a C,
    /// Where results go: every MX host that lists the address.
    pub sink: &'a Fanout,
    /// Everything said so far.
    pub transcript: Transcript,
    /// Connections opened.
    pub connections: u8,
    /// Why the session ended early, when no step result says it.
    pub error: Option<String>,
    /// The reply that broke the exchange, when one did.
    pub protocol_error: Option<ProtocolError>,
    /// `RCPT TO` of the relay probe, outside the tested domain.
    pub recipient: String,
}

impl<'a, C: Connector> AddressProbe<'a, C> {
    /// A probe that has done nothing yet.
    pub fn new(
        host: &'a str,
        ip: IpAddr,
        config: &'a SessionConfig,
        tls: &'a TlsContext,
        connector: &'a C,
        sink: &'a Fanout,
        transcript: Transcript,
    ) -> Self {
        AddressProbe {
            host,
            ip,
            config,
            tls,
            connector,
            sink,
            transcript,
            connections: 0,
            error: None,
            protocol_error: None,
            recipient: config.relay_recipient.clone(),
        }
    }

    async fn emit(&self, step: StepResult) {
        self.sink.step(step).await;
    }

    fn fail(&mut self, what: &str, error: impl std::fmt::Display) {
        let text = format!("{what}: {error}");
        self.transcript.event(&text);
        self.error.get_or_insert(text);
    }

    /// Records why `command` failed: an unrequested reply is a protocol error, the rest a broken session.
    fn broke(&mut self, command: &str, error: SessionError) {
        match error {
            SessionError::Unsolicited { after, data } => self.violation(&after, data, true),
            other => self.fail(command, other),
        }
    }

    /// Records a reply that breaks the exchange; the dialogue stops after it.
    fn violation(&mut self, command: &str, reply: String, unsolicited: bool) {
        let what = if unsolicited { "reply nobody asked for" } else { "reply code not allowed" };
        self.transcript.event(&format!("protocol error after {command}: {what}: {reply}"));
        self.protocol_error.get_or_insert(ProtocolError { command: command.to_owned(), reply, unsolicited });
    }

    /// Runs every step. Cancel-safe: whatever finished was already emitted.
    pub async fn run(&mut self) {
        let Some(mut conn) = self.connect(true).await else { return };
        if !self.greet(&mut conn, true).await {
            return;
        }
        let Some(ehlo) = self.ehlo(&mut conn, false).await else { return self.quit(conn).await };
        if !ehlo.offers("STARTTLS") {
            self.emit(StepResult::Starttls(starttls(false, StartTlsOutcome::NotOffered, None))).await;
            return self.relay_and_quit(conn, false).await;
        }
        if let Err(reason) = usable_server_name(self.host) {
            self.transcript.event(&reason);
            self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::NotTestable, Some(reason)))).await;
            return self.relay_and_quit(conn, false).await;
        }
        let reply = match conn.command("STARTTLS", &mut self.transcript).await {
            Ok(reply) => reply,
            Err(e) => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(e.to_string())))).await;
                return self.broke("STARTTLS", e);
            }
        };
        match reply.code {
            220 => {}
            400..=599 => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(reply.summary())))).await;
                return self.relay_and_quit(conn, false).await;
            }
            _ => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(reply.summary())))).await;
                self.violation("STARTTLS", reply.summary(), false);
                return self.quit(conn).await;
            }
        }
        let (stream, early_bytes) = conn.into_stream();
        if early_bytes > 0 {
            let error = format!("{early_bytes} bytes arrived after the 220 to STARTTLS, before the handshake");
            self.transcript.event(&error);
            let mut report = starttls(true, StartTlsOutcome::HandshakeFailed, Some(error));
            report.pipelined_plaintext = true;
            self.emit(StepResult::Starttls(report)).await;
            drop(stream);
            return self.relay_on_fresh_connection().await;
        }
        self.upgrade(stream).await;
    }

    /// TLS handshake, certificate, EHLO inside TLS, relay probe; or the plaintext fallback.
    async fn upgrade(&mut self, stream: C::Stream) {
        self.transcript.event(&format!("TLS handshake (SNI {})", self.host));
        let (result, chain) = self.tls.handshake(stream, self.host, self.config.step_timeout).await;
        match result {
            Err(error) => {
                self.transcript.event(&format!("TLS handshake failed: {error}"));
                let mut report = starttls(true, StartTlsOutcome::HandshakeFailed, Some(error.message));
                report.failure = Some(error.kind);
                self.emit(StepResult::Starttls(report)).await;
                if !chain.is_empty() {
                    self.sink.certificate(&chain).await;
                }
                self.relay_on_fresh_connection().await;
            }
            Ok(session) => {
                let f = session.facts;
                let names = [&f.version, &f.cipher_suite, &f.kx_group].map(|v| v.clone().unwrap_or_default());
                self.transcript.event(&format!(
                    "TLS established: {} {} {} in {} ms",
                    names[0], names[1], names[2], f.handshake_ms
                ));
                self.emit(StepResult::Starttls(StartTlsReport {
                    tls_version: f.version,
                    cipher_suite: f.cipher_suite,
                    kx_group: f.kx_group,
                    handshake_ms: Some(f.handshake_ms),
                    ..starttls(true, StartTlsOutcome::Ok, None)
                }))
                .await;
                self.sink.certificate(&chain).await;
                let mut conn =
                    SmtpConnection::new(session.stream, self.config.step_timeout).continued_after("STARTTLS");
                match self.ehlo(&mut conn, true).await {
                    Some(_) => self.relay_and_quit(conn, true).await,
                    None => self.quit(conn).await,
                }
            }
        }
    }

    /// The second and last connection: plaintext, only for the relay probe.
    async fn relay_on_fresh_connection(&mut self) {
        self.transcript.event("new plaintext connection for the relay probe");
        let Some(mut conn) = self.connect(false).await else { return };
        if !self.greet(&mut conn, false).await {
            return;
        }
        match self.ehlo(&mut conn, false).await {
            Some(_) => self.relay_and_quit(conn, false).await,
            None => self.quit(conn).await,
        }
    }

    async fn connect(&mut self, first: bool) -> Option<SmtpConnection<C::Stream>> {
        let addr = SocketAddr::new(self.ip, self.config.port);
        self.transcript.event(&format!("connecting to {addr}"));
        let started = Instant::now();
        let limit = self.config.step_timeout;
        let (outcome, detail, stream) = match tokio::time::timeout(limit, self.connector.connect(addr)).await {
            Ok(Ok(stream)) => (TcpOutcome::Connected, None, Some(stream)),
            Ok(Err(e)) => {
                let (outcome, detail) = connect_failure(&e);
                (outcome, Some(detail), None)
            }
            Err(_) => (TcpOutcome::Timeout, Some(format!("no answer within {} s", limit.as_secs())), None),
        };
        if outcome != TcpOutcome::Blocked {
            self.connections += 1;
        }
        let connect_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.transcript.event(&match (&detail, outcome) {
            (None, _) => format!("connected in {connect_ms} ms"),
            (Some(range), TcpOutcome::Blocked) => format!("not connecting: {} is a {range} address", self.ip),
            (Some(d), _) => format!("connect failed: {d}"),
        });
        if first {
            let connect_ms = stream.is_some().then_some(connect_ms);
            self.emit(StepResult::Tcp(TcpReport {
                outcome,
                connect_ms,
                detail: detail.clone(),
                port: self.config.port,
            }))
            .await;
        } else if let Some(d) = detail {
            self.fail("second connection", d);
        }
        Some(SmtpConnection::new(stream?, limit))
    }

    /// Reads the greeting; true when it is 220.
    async fn greet<S: AsyncRead + AsyncWrite + Unpin>(&mut self, conn: &mut SmtpConnection<S>, first: bool) -> bool {
        let started = self.transcript.elapsed_ms();
        let reply = conn.read_reply(&mut self.transcript).await;
        let elapsed_ms = self.transcript.elapsed_ms().saturating_sub(started);
        let ready = matches!(&reply, Ok(r) if r.code == 220);
        if first {
            self.emit(StepResult::Banner(match &reply {
                Ok(r) => BannerReport {
                    code: Some(r.code),
                    text: r.field_text(),
                    software: detect_software(&r.field_text()),
                    elapsed_ms,
                    error: None,
                    refuses_tester: refuses_the_tester(r),
                },
                Err(e) => BannerReport {
                    code: None,
                    text: String::new(),
                    software: None,
                    elapsed_ms,
                    error: Some(e.to_string()),
                    refuses_tester: None,
                },
            }))
            .await;
        } else if !ready {
            let what = reply.as_ref().map(Reply::summary).unwrap_or_else(|e| e.to_string());
            self.fail("second connection greeting", what);
        }
        if matches!(&reply, Ok(r) if !ready && r.code != 221) {
            let _ = conn.send("QUIT", &mut self.transcript).await;
        }
        ready
    }

    /// EHLO, with HELO when EHLO is refused. Emits the result for the first connection and for TLS.
    async fn ehlo<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        in_tls: bool,
    ) -> Option<EhloReport> {
        // The first plaintext EHLO is a step of its own; a failure elsewhere only ends the session.
        let fresh_plaintext = !in_tls && self.connections > 1;
        let command = match (in_tls, fresh_plaintext) {
            (true, _) => "EHLO inside TLS",
            (false, true) => "second connection EHLO",
            (false, false) => "EHLO",
        };
        let report = match self.ehlo_report(conn).await {
            Ok(report) => report,
            Err(e) => {
                self.broke(command, e);
                return None;
            }
        };
        if !fresh_plaintext {
            self.emit(if in_tls { StepResult::EhloTls(report.clone()) } else { StepResult::Ehlo(report.clone()) })
                .await;
        }
        if report.code == Some(250) {
            return Some(report);
        }
        let reply = report.error.clone().unwrap_or_default();
        match report.code {
            Some(400..=599) if fresh_plaintext || in_tls => self.fail(command, reply),
            Some(400..=599) => {}
            _ => self.violation(if report.helo_fallback { "HELO" } else { command }, reply, false),
        }
        None
    }

    /// The EHLO (or HELO) exchange. `Err` only when no reply arrived or an unrequested one waited.
    async fn ehlo_report<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        conn: &mut SmtpConnection<S>,
    ) -> Result<EhloReport, SessionError> {
        let failed = |r: &Reply, helo_fallback: bool| EhloReport {
            code: Some(r.code),
            host: String::new(),
            extensions: Vec::new(),
            size_limit: None,
            helo_fallback,
            error: Some(r.summary()),
            refuses_tester: refuses_the_tester(r),
        };
        let reply = conn.command(&format!("EHLO {}", self.config.helo_name), &mut self.transcript).await?;
        if reply.code == 250 {
            let (host, extensions, size_limit) = parse_ehlo(&reply);
            let helo_fallback = false;
            return Ok(EhloReport {
                code: Some(250),
                host,
                extensions,
                size_limit,
                helo_fallback,
                ..Default::default()
            });
        }
        // Only a permanent refusal means "no ESMTP here"; 4xx and stray codes end the session.
        if !(500..600).contains(&reply.code) {
            return Ok(failed(&reply, false));
        }
        let reply = conn.command(&format!("HELO {}", self.config.helo_name), &mut self.transcript).await?;
        if reply.code != 250 {
            return Ok(failed(&reply, true));
        }
        let (host, _, _) = parse_ehlo(&reply);
        Ok(EhloReport { code: Some(250), host, helo_fallback: true, ..Default::default() })
    }

    /// The relay probe, then `RSET` and `QUIT`. Never `DATA`. A rejection about something other than
    /// relaying (sender, HELO, client, recipient, greylisting) gets one more try in the same session with
    /// the null sender, which every server must accept (RFC 5321 §4.5.5).
    async fn relay_and_quit<S: AsyncRead + AsyncWrite + Unpin>(&mut self, mut conn: SmtpConnection<S>, over_tls: bool) {
        let recipient = self.recipient.clone();
        let sender = self.config.relay_sender.clone();
        let (first, mut alive) = self.relay_attempt(&mut conn, &sender, &recipient).await;
        let mut attempts = vec![first];
        if alive && attempts[0].reason.is_about_something_else() {
            match conn.command("RSET", &mut self.transcript).await {
                Ok(r) if r.code == 250 => {
                    let (second, still) = self.relay_attempt(&mut conn, "", &recipient).await;
                    attempts.push(second);
                    alive = still;
                }
                Ok(r) => {
                    self.violation("RSET", r.summary(), false);
                    alive = false;
                }
                Err(e) => {
                    self.broke("RSET", e);
                    alive = false;
                }
            }
        }
        self.emit(StepResult::OpenRelay(relay_report(sender, recipient, over_tls, attempts))).await;
        if alive || self.protocol_error.is_some() {
            self.quit(conn).await;
        }
    }

    /// One `MAIL FROM` + `RCPT TO`; the attempt and whether the session can go on.
    async fn relay_attempt<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sender: &str,
        recipient: &str,
    ) -> (RelayAttempt, bool) {
        let mut attempt =
            RelayAttempt { sender: sender.to_owned(), mail_from: None, rcpt_to: None, reason: RelayReason::NoReply };
        let mail = format!("MAIL FROM:<{sender}>");
        let Some(code) = self.relay_command(conn, RelayStage::Mail, &mail, &mut attempt).await else {
            return (attempt, false);
        };
        if attempt.reason != RelayReason::Accepted {
            return (attempt, code != 421);
        }
        let rcpt = format!("RCPT TO:<{recipient}>");
        let alive = self.relay_command(conn, RelayStage::Rcpt, &rcpt, &mut attempt).await.is_some_and(|c| c != 421);
        (attempt, alive)
    }

    /// Sends one command of a relay attempt and records its reply and meaning in `attempt`. The reply
    /// code, or `None` when the dialogue cannot go on (no reply, or a protocol error).
    async fn relay_command<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        stage: RelayStage,
        line: &str,
        attempt: &mut RelayAttempt,
    ) -> Option<u16> {
        let command = if stage == RelayStage::Mail { "MAIL FROM" } else { "RCPT TO" };
        let reply = match conn.command(line, &mut self.transcript).await {
            Ok(reply) => reply,
            Err(e) => {
                if matches!(e, SessionError::Unsolicited { .. }) {
                    attempt.reason = RelayReason::ProtocolError;
                }
                self.broke(command, e);
                return None;
            }
        };
        attempt.reason = classify(&reply, stage);
        let field = if stage == RelayStage::Mail { &mut attempt.mail_from } else { &mut attempt.rcpt_to };
        *field = Some(reply.summary());
        if attempt.reason == RelayReason::ProtocolError {
            self.violation(command, reply.summary(), false);
            return None;
        }
        Some(reply.code)
    }

    /// `RSET` and `QUIT`, errors only noted. After a protocol error replies no longer pair with
    /// commands, so only `QUIT` goes out, without waiting.
    async fn quit<S: AsyncRead + AsyncWrite + Unpin>(&mut self, mut conn: SmtpConnection<S>) {
        if self.protocol_error.is_some() {
            let _ = conn.send("QUIT", &mut self.transcript).await;
            return;
        }
        for command in ["RSET", "QUIT"] {
            if let Err(e) = conn.command(command, &mut self.transcript).await {
                if !matches!(e, SessionError::Closed) {
                    self.transcript.event(&format!("{command}: {e}"));
                }
                break;
            }
        }
    }
}

/// The relay verdict from the attempts (the last one decides): accepted at RCPT is an open relay;
/// only a refusal about relaying (or a permanent refusal of the null sender's try that states no
/// reason) is "refused"; everything else is inconclusive, with its reason.
fn relay_report(sender: String, recipient: String, over_tls: bool, attempts: Vec<RelayAttempt>) -> RelayReport {
    let last = attempts.last().cloned();
    let reason = last.as_ref().map(|a| a.reason);
    let outcome = match reason {
        Some(RelayReason::Accepted | RelayReason::AcceptedUnverified) => RelayOutcome::Accepted,
        Some(RelayReason::RelayDenied) => RelayOutcome::Refused,
        Some(RelayReason::RefusedUnstated) if attempts.len() > 1 => RelayOutcome::Refused,
        _ => RelayOutcome::Inconclusive,
    };
    RelayReport {
        outcome,
        mail_from: last.as_ref().and_then(|a| a.mail_from.clone()),
        rcpt_to: last.and_then(|a| a.rcpt_to),
        sender,
        recipient,
        over_tls,
        reason,
        attempts,
    }
}

/// The outcome and detail of a failed connect; the guard's refusal and a missing local route are
/// told apart from a failure at the other end.
fn connect_failure(error: &io::Error) -> (TcpOutcome, String) {
    let inner = error.get_ref();
    if let Some(blocked) = inner.and_then(|e| e.downcast_ref::<BlockedTarget>()) {
        return (TcpOutcome::Blocked, blocked.range.to_owned());
    }
    if let Some(no_route) = inner.and_then(|e| e.downcast_ref::<NoRouteHere>()) {
        return (TcpOutcome::NoRoute, no_route.to_string());
    }
    let outcome = match error.kind() {
        ErrorKind::ConnectionRefused => TcpOutcome::Refused,
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable | ErrorKind::AddrNotAvailable => {
            TcpOutcome::Unreachable
        }
        ErrorKind::TimedOut => TcpOutcome::Timeout,
        _ => TcpOutcome::Error,
    };
    (outcome, error.to_string())
}

fn starttls(offered: bool, outcome: StartTlsOutcome, error: Option<String>) -> StartTlsReport {
    StartTlsReport {
        offered,
        outcome,
        tls_version: None,
        cipher_suite: None,
        kx_group: None,
        handshake_ms: None,
        error,
        pipelined_plaintext: false,
        failure: None::<TlsFailure>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_recipient_stays_outside_the_tested_domain() {
        let config = SessionConfig {
            helo_name: "h.example".into(),
            relay_sender: "s@h.example".into(),
            relay_recipient: "relay-test@example.net".into(),
            step_timeout: Duration::from_secs(1),
            port: 25,
        };
        assert_eq!(config.recipient_outside("mail.example"), "relay-test@example.net");
        assert_eq!(config.recipient_outside("example.net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("example.org"), "relay-test@example.net");
    }
}
