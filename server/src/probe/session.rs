//! The SMTP dialogue at one address: connect, greeting, EHLO, STARTTLS, TLS, EHLO again, relay
//! probe, RSET, QUIT. Never DATA. At most two connections: a second, plaintext one only when TLS
//! broke after STARTTLS, so the relay probe still runs.

use app::report::{
    BannerReport, EhloReport, RelayOutcome, RelayReport, StartTlsOutcome, StartTlsReport, TcpOutcome, TcpReport,
};
use app::{CheckEvent, StepResult};
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc::UnboundedSender, OwnedSemaphorePermit, Semaphore};

use super::certificate;
use super::clock::now_unix;
use super::connection::{SessionError, SmtpConnection};
use super::guard::non_public_range;
use super::net::Connector;
use super::tls::TlsContext;
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
    /// Connect to non-public addresses too.
    pub allow_private_targets: bool,
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

/// The probe of one address: its state, its transcript and where its events go.
pub struct AddressProbe<'a, C: Connector> {
    /// Index of the MX host in the plan.
    pub mx: usize,
    /// The MX host name (SNI and certificate name).
    pub host: &'a str,
    /// The address.
    pub ip: IpAddr,
    /// Shared settings.
    pub config: &'a SessionConfig,
    /// Roots and crypto provider.
    pub tls: &'a TlsContext,
    /// How TCP connections are made.
    pub connector: &'a C,
    /// Global bound on open connections.
    pub permits: Arc<Semaphore>,
    /// Event channel.
    pub events: UnboundedSender<CheckEvent>,
    /// Everything said so far.
    pub transcript: Transcript,
    /// Connections opened.
    pub connections: u8,
    /// Why the session ended early, when no step result says it.
    pub error: Option<String>,
    /// `RCPT TO` of the relay probe, outside the tested domain.
    pub recipient: String,
    permit: Option<OwnedSemaphorePermit>,
}

impl<'a, C: Connector> AddressProbe<'a, C> {
    /// A probe that has done nothing yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mx: usize,
        host: &'a str,
        ip: IpAddr,
        config: &'a SessionConfig,
        tls: &'a TlsContext,
        connector: &'a C,
        permits: Arc<Semaphore>,
        events: UnboundedSender<CheckEvent>,
    ) -> Self {
        AddressProbe {
            mx,
            host,
            ip,
            config,
            tls,
            connector,
            permits,
            events,
            transcript: Transcript::new(),
            connections: 0,
            error: None,
            recipient: config.relay_recipient.clone(),
            permit: None,
        }
    }

    fn emit(&self, step: StepResult) {
        // A closed channel means the client left; the check task is being dropped anyway.
        let _ = self.events.send(CheckEvent::Step { mx: self.mx, ip: self.ip, step });
    }

    fn fail(&mut self, what: &str, error: impl std::fmt::Display) {
        let text = format!("{what}: {error}");
        self.transcript.event(&text);
        self.error.get_or_insert(text);
    }

    /// Runs every step. Cancel-safe: whatever finished was already emitted.
    pub async fn run(&mut self) {
        if !self.config.allow_private_targets {
            if let Some(range) = non_public_range(self.ip) {
                self.transcript.event(&format!("not connecting: {} is a {range} address", self.ip));
                self.emit(StepResult::Tcp(TcpReport {
                    outcome: TcpOutcome::Blocked,
                    connect_ms: None,
                    detail: Some(range.to_owned()),
                    port: self.config.port,
                }));
                return;
            }
        }
        let Some(mut conn) = self.connect(true).await else { return };
        if !self.greet(&mut conn, true).await {
            return;
        }
        let Some(ehlo) = self.ehlo(&mut conn, false).await else { return };
        if !ehlo.offers("STARTTLS") {
            self.emit(StepResult::Starttls(starttls(false, StartTlsOutcome::NotOffered, None)));
            return self.relay_and_quit(conn, false).await;
        }
        let reply = match conn.command("STARTTLS", &mut self.transcript).await {
            Ok(reply) => reply,
            Err(e) => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(e.to_string()))));
                return self.fail("STARTTLS", e);
            }
        };
        if reply.code != 220 {
            self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(reply.summary()))));
            return self.relay_and_quit(conn, false).await;
        }
        let (stream, early_bytes) = conn.into_stream();
        if early_bytes > 0 {
            let error = format!("{early_bytes} bytes arrived after the 220 to STARTTLS, before the handshake");
            self.transcript.event(&error);
            let mut report = starttls(true, StartTlsOutcome::HandshakeFailed, Some(error));
            report.pipelined_plaintext = true;
            self.emit(StepResult::Starttls(report));
            drop(stream);
            return self.relay_on_fresh_connection().await;
        }
        self.upgrade(stream).await;
    }

    /// TLS handshake, certificate, EHLO inside TLS, relay probe; or the plaintext fallback.
    async fn upgrade(&mut self, stream: C::Stream) {
        self.transcript.event(&format!("TLS handshake (SNI {})", self.host));
        let (result, chain) = self.tls.handshake(stream, self.host, self.config.step_timeout).await;
        let certificate = certificate::judge(self.tls, &chain, self.host, now_unix());
        match result {
            Err(error) => {
                self.transcript.event(&format!("TLS handshake failed: {error}"));
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::HandshakeFailed, Some(error))));
                if let Some(c) = certificate {
                    self.emit(StepResult::Certificate(c));
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
                }));
                if let Some(c) = certificate {
                    self.emit(StepResult::Certificate(c));
                }
                let mut conn = SmtpConnection::new(session.stream, self.config.step_timeout);
                if self.ehlo(&mut conn, true).await.is_some() {
                    self.relay_and_quit(conn, true).await;
                }
            }
        }
    }

    /// The second and last connection: plaintext, only for the relay probe.
    async fn relay_on_fresh_connection(&mut self) {
        self.transcript.event("new plaintext connection for the relay probe");
        let Some(mut conn) = self.connect(false).await else { return };
        if self.greet(&mut conn, false).await && self.ehlo(&mut conn, false).await.is_some() {
            self.relay_and_quit(conn, false).await;
        }
    }

    async fn connect(&mut self, first: bool) -> Option<SmtpConnection<C::Stream>> {
        let addr = SocketAddr::new(self.ip, self.config.port);
        self.permit = None;
        self.permit = Arc::clone(&self.permits).acquire_owned().await.ok();
        self.connections += 1;
        self.transcript.event(&format!("connecting to {addr}"));
        let started = Instant::now();
        let limit = self.config.step_timeout;
        let (outcome, detail, stream) = match tokio::time::timeout(limit, self.connector.connect(addr)).await {
            Ok(Ok(stream)) => (TcpOutcome::Connected, None, Some(stream)),
            Ok(Err(e)) => (connect_outcome(e.kind()), Some(e.to_string()), None),
            Err(_) => (TcpOutcome::Timeout, Some(format!("no answer within {} s", limit.as_secs())), None),
        };
        let connect_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.transcript.event(&match &detail {
            None => format!("connected in {connect_ms} ms"),
            Some(d) => format!("connect failed: {d}"),
        });
        if first {
            let connect_ms = stream.is_some().then_some(connect_ms);
            self.emit(StepResult::Tcp(TcpReport {
                outcome,
                connect_ms,
                detail: detail.clone(),
                port: self.config.port,
            }));
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
                    text: r.text(),
                    software: detect_software(&r.text()),
                    elapsed_ms,
                    error: None,
                },
                Err(e) => BannerReport {
                    code: None,
                    text: String::new(),
                    software: None,
                    elapsed_ms,
                    error: Some(e.to_string()),
                },
            }));
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
        let report = self.ehlo_report(conn).await;
        let fresh_plaintext = !in_tls && self.connections > 1;
        if !fresh_plaintext {
            self.emit(if in_tls { StepResult::EhloTls(report.clone()) } else { StepResult::Ehlo(report.clone()) });
        }
        if report.code.is_some_and(|c| (200..300).contains(&c)) {
            Some(report)
        } else {
            if fresh_plaintext || in_tls {
                self.fail(
                    if in_tls { "EHLO inside TLS" } else { "second connection EHLO" },
                    report.error.clone().unwrap_or_default(),
                );
            }
            None
        }
    }

    async fn ehlo_report<S: AsyncRead + AsyncWrite + Unpin>(&mut self, conn: &mut SmtpConnection<S>) -> EhloReport {
        let failed = |code: Option<u16>, error: String, helo_fallback: bool| EhloReport {
            code,
            host: String::new(),
            extensions: Vec::new(),
            size_limit: None,
            helo_fallback,
            error: Some(error),
        };
        let reply = match conn.command(&format!("EHLO {}", self.config.helo_name), &mut self.transcript).await {
            Ok(r) => r,
            Err(e) => return failed(None, e.to_string(), false),
        };
        if reply.is_positive() {
            let (host, extensions, size_limit) = parse_ehlo(&reply);
            return EhloReport {
                code: Some(reply.code),
                host,
                extensions,
                size_limit,
                helo_fallback: false,
                error: None,
            };
        }
        if reply.is_transient() {
            return failed(Some(reply.code), reply.summary(), false);
        }
        match conn.command(&format!("HELO {}", self.config.helo_name), &mut self.transcript).await {
            Ok(r) if r.is_positive() => {
                let (host, _, _) = parse_ehlo(&r);
                EhloReport {
                    code: Some(r.code),
                    host,
                    extensions: Vec::new(),
                    size_limit: None,
                    helo_fallback: true,
                    error: None,
                }
            }
            Ok(r) => failed(Some(r.code), r.summary(), true),
            Err(e) => failed(None, e.to_string(), true),
        }
    }

    /// `MAIL FROM`, `RCPT TO` to the outside recipient, then `RSET` and `QUIT`. Never `DATA`.
    async fn relay_and_quit<S: AsyncRead + AsyncWrite + Unpin>(&mut self, mut conn: SmtpConnection<S>, over_tls: bool) {
        let (sender, recipient) = (self.config.relay_sender.clone(), self.recipient.clone());
        let mut report = RelayReport {
            outcome: RelayOutcome::Inconclusive,
            mail_from: None,
            rcpt_to: None,
            sender: sender.clone(),
            recipient: recipient.clone(),
            over_tls,
        };
        let mail = match conn.command(&format!("MAIL FROM:<{sender}>"), &mut self.transcript).await {
            Ok(r) => r,
            Err(e) => return self.fail("MAIL FROM", e),
        };
        report.mail_from = Some(mail.summary());
        if mail.is_positive() {
            let rcpt = match conn.command(&format!("RCPT TO:<{recipient}>"), &mut self.transcript).await {
                Ok(r) => r,
                Err(e) => return self.fail("RCPT TO", e),
            };
            report.rcpt_to = Some(rcpt.summary());
            report.outcome = relay_outcome(&rcpt);
        }
        self.emit(StepResult::OpenRelay(report));
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

/// 2xx at RCPT means the server took mail for a foreign domain; 5xx refused it; 4xx tells nothing.
fn relay_outcome(rcpt: &Reply) -> RelayOutcome {
    match rcpt.code {
        200..=299 => RelayOutcome::Accepted,
        500..=599 => RelayOutcome::Refused,
        _ => RelayOutcome::Inconclusive,
    }
}

fn connect_outcome(kind: ErrorKind) -> TcpOutcome {
    match kind {
        ErrorKind::ConnectionRefused => TcpOutcome::Refused,
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable | ErrorKind::AddrNotAvailable => {
            TcpOutcome::Unreachable
        }
        ErrorKind::TimedOut => TcpOutcome::Timeout,
        _ => TcpOutcome::Error,
    }
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
            allow_private_targets: false,
        };
        assert_eq!(config.recipient_outside("mail.example"), "relay-test@example.net");
        assert_eq!(config.recipient_outside("example.net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("example.org"), "relay-test@example.net");
    }
}
