//! The SMTP dialogue at one address: connect, greeting, EHLO, STARTTLS, TLS, EHLO again, relay
//! probe, RSET, QUIT. Never DATA. At most three connections: a second, plaintext one only when TLS
//! broke after STARTTLS, so the relay probe still runs; and one return connection, plaintext and
//! only for the relay probe, when the probe ended on a temporary refusal that looks like Postfix
//! postscreen's (it passes a client on to the real server only on its next connection).
//!
//! Reply discipline: each command accepts only its own codes (greeting 220, EHLO/HELO 250,
//! STARTTLS 220, MAIL 250, RCPT 250/251/252) and nothing unread may wait when a command is sent.
//! Anything else is recorded as the protocol error it is and ends the dialogue: never a pass. A `421`
//! is allowed for every command (RFC 5321 §3.8): the server is closing, which ends the dialogue as
//! "not tested", never as a protocol error.

use mxray_report::model::event::PortStep;
use mxray_report::model::ports::SUBMISSIONS;
use mxray_report::model::report::{
    BannerReport, ConnectFailure, EhloReport, HandshakeProblem, NoAnswer, NotTestable, ProtocolError, ReadFailure,
    RelayAttempt, RelayOutcome, RelayReason, RelayReport, RelayRevisit, RevisitReason, ServerClosed, SessionCause,
    SessionFailure, SessionLeg, StartTlsOutcome, StartTlsReport, TcpOutcome, TcpReport, TlsFailure, Unanswered,
};
use mxray_report::StepResult;
use rustls::pki_types::CertificateDer;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
// tokio's clock, the one the timeouts run on: on a test's paused clock the times reported follow it.
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::connection::{SessionError, SmtpConnection};
use super::fanout::Fanout;
use super::net::{BlockedTarget, Connector, NoRouteHere};
use super::relay::{classify, postscreen_like, refuses_the_tester, RelayStage};
use super::tls::{usable_server_name, HandshakeError, TlsContext, TlsFacts};
use super::transcript::Transcript;
use super::wire::{detect_software, parse_ehlo, rcpt_line, Reply, WireError, MAX_LINE, MAX_REPLY_LINES};

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
    /// Limit for the greeting, longer than a step: postscreen and delay ACLs hold it back on purpose.
    pub greeting_timeout: Duration,
    /// SMTP port.
    pub port: u16,
}

/// The longest a connection is kept open in the background after `QUIT`, for the server's reply.
const LINGER: Duration = Duration::from_secs(2);

/// A byte stream an SMTP session runs over (plain TCP or TLS); the goodbye outlives the session.
pub trait SmtpStream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> SmtpStream for S {}

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

/// Where and how one address is reached: what every connection to it needs.
pub struct Target<'a, C: Connector> {
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
}

impl<C: Connector> Clone for Target<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Connector> Copy for Target<'_, C> {}

/// The probe of one address: its state, its transcript and where its results go.
pub struct AddressProbe<'a, C: Connector> {
    /// The address and how to reach it.
    pub target: Target<'a, C>,
    /// Where results go: every MX host that lists the address.
    pub sink: &'a Fanout,
    /// Everything said so far.
    pub transcript: Transcript,
    /// Connections opened.
    pub connections: u8,
    /// Why the session ended early, when no step result says it.
    pub failure: Option<SessionFailure>,
    /// Which connection the dialogue is on.
    leg: SessionLeg,
    /// The reply that broke the exchange, when one did.
    pub protocol_error: Option<ProtocolError>,
    /// The `421` that closed the session where no step report shows it, when one did.
    pub server_closed: Option<ServerClosed>,
    /// The local address of the latest connection (the client address the server sees).
    client_ip: Option<IpAddr>,
    /// `RCPT TO` of the relay probe, outside the tested domain.
    pub recipient: String,
    /// The tested domain (normalised): after a refusal the relay probe also tries the sender
    /// `postmaster@` it; empty: that try is left out.
    pub domain: String,
    /// The submission port (465 or 587) being probed, `None` for the MX port: its results go into
    /// port steps, and it gets no relay probe and no second connection.
    pub port: Option<u16>,
    /// Told when the first EHLO on the MX port offered STARTTLS to a host name usable for SNI, so
    /// work that needs a STARTTLS connection of its own (the legacy TLS probe) can start beside.
    pub starttls_offered: Option<tokio::sync::oneshot::Sender<()>>,
    /// Connections closing in the background after their goodbye; each still counts as open.
    lingering: Vec<tokio::task::JoinHandle<()>>,
    /// The last greeting came in several lines (postscreen's greet banner does).
    multiline_greeting: bool,
    /// The relay probe ended postscreen-like: why, and its report, for the one return connection.
    pending_return: Option<(RevisitReason, RelayReport)>,
    /// While the return connection runs: what its relay report says about coming back (taken by
    /// the relay probe when it reports).
    pub(super) returning: Option<RelayRevisit>,
}

impl<'a, C: Connector> AddressProbe<'a, C> {
    /// A probe that has done nothing yet.
    pub fn new(target: Target<'a, C>, sink: &'a Fanout, transcript: Transcript) -> Self {
        AddressProbe {
            target,
            sink,
            transcript,
            connections: 0,
            failure: None,
            leg: SessionLeg::First,
            protocol_error: None,
            server_closed: None,
            client_ip: None,
            recipient: target.config.relay_recipient.clone(),
            domain: String::new(),
            port: None,
            starttls_offered: None,
            lingering: Vec::new(),
            multiline_greeting: false,
            pending_return: None,
            returning: None,
        }
    }

    /// Waits until every connection this probe closed in the background is gone, so a new
    /// connection (or the release of the connection slot) never exceeds the connection caps.
    pub async fn settle(&mut self) {
        for closing in self.lingering.drain(..) {
            let _ = closing.await;
        }
    }

    /// The connections still closing in the background; the caller awaits them before releasing
    /// the slot they occupy.
    pub fn take_lingering(&mut self) -> Vec<tokio::task::JoinHandle<()>> {
        std::mem::take(&mut self.lingering)
    }

    pub(super) async fn emit(&self, step: StepResult) {
        match self.port {
            Some(port) => self.sink.step(StepResult::Port(PortStep { port, step: Box::new(step) })).await,
            None => self.sink.step(step).await,
        }
    }

    async fn certificate(&self, chain: &[CertificateDer<'static>]) {
        match self.port {
            Some(port) => self.sink.port_certificate(port, chain).await,
            None => self.sink.certificate(chain).await,
        }
    }

    /// Probes submission port `port` (465: implicit TLS, 587: STARTTLS) after the MX port: the same
    /// steps, no relay probe, one more connection. The port's errors stay in the transcript; the
    /// address's own error fields keep the MX port's.
    pub async fn run_port(&mut self, port: u16) {
        let (error, protocol_error, closed) =
            (self.failure.take(), self.protocol_error.take(), self.server_closed.take());
        self.port = Some(port);
        self.transcript.event(&format!("port {port}"));
        if port == SUBMISSIONS {
            self.run_implicit_tls().await;
        } else {
            self.run().await;
        }
        self.port = None;
        (self.failure, self.protocol_error, self.server_closed) = (error, protocol_error, closed);
    }

    /// Port 465: TLS from the first byte (RFC 8314), then greeting and EHLO inside it.
    async fn run_implicit_tls(&mut self) {
        let Some(conn) = self.connect(true).await else { return };
        if let Err(report) = self.server_name_unusable() {
            return self.emit(StepResult::Starttls(*report)).await;
        }
        let (stream, _) = conn.into_stream();
        self.transcript.event(&format!("TLS handshake (SNI {}), implicit TLS", self.target.host));
        let (result, chain) =
            self.target.tls.handshake(stream, self.target.host, self.target.config.step_timeout).await;
        let session = match result {
            Ok(session) => session,
            Err(error) => return self.report_handshake_failure(error, &chain).await,
        };
        self.report_tls(session.facts, &chain).await;
        self.leg = SessionLeg::InsideTls;
        let mut conn = SmtpConnection::new(session.stream, self.target.config.step_timeout);
        if !self.greet(&mut conn, true).await {
            return;
        }
        match self.ehlo(&mut conn, true, None).await {
            Some(ehlo) => self.quit(conn, ehlo.offers("PIPELINING")).await,
            None => self.quit(conn, false).await,
        }
    }

    /// Reports a failed handshake and the chain, when one came.
    async fn report_handshake_failure(&mut self, error: HandshakeError, chain: &[CertificateDer<'static>]) {
        self.transcript.event(&format!("TLS handshake failed: {error}"));
        let message = Some(error.message).filter(|m| !m.is_empty());
        let mut report = starttls(true, StartTlsOutcome::HandshakeFailed, message);
        report.failure = Some(error.kind);
        report.handshake_problem = error.problem;
        self.emit(StepResult::Starttls(report)).await;
        if !chain.is_empty() {
            self.certificate(chain).await;
        }
    }

    /// Reports an established TLS session and its chain.
    async fn report_tls(&mut self, f: TlsFacts, chain: &[CertificateDer<'static>]) {
        let names = [&f.version, &f.cipher_suite, &f.kx_group].map(|v| v.clone().unwrap_or_default());
        self.transcript
            .event(&format!("TLS established: {} {} {} in {} ms", names[0], names[1], names[2], f.handshake_ms));
        self.emit(StepResult::Starttls(StartTlsReport {
            tls_version: f.version,
            cipher_suite: f.cipher_suite,
            kx_group: f.kx_group,
            handshake_ms: Some(f.handshake_ms),
            ..starttls(true, StartTlsOutcome::Ok, None)
        }))
        .await;
        self.certificate(chain).await;
    }

    /// Records why the session ended at `step` (a command, `greeting` or `connect`) on the current
    /// connection; the transcript notes it in its own words.
    fn fail(&mut self, step: &str, cause: SessionCause, note: impl std::fmt::Display) {
        let on = match self.leg {
            SessionLeg::First => "",
            SessionLeg::InsideTls => " inside TLS",
            SessionLeg::Second => " on the second connection",
        };
        self.transcript.event(&format!("{step}{on}: {note}"));
        self.failure.get_or_insert(SessionFailure { step: step.to_owned(), connection: self.leg, cause });
    }

    /// Records why `command` failed: an unrequested reply is a protocol error, the rest a broken session.
    pub(super) fn broke(&mut self, command: &str, error: SessionError) {
        match error {
            SessionError::Unsolicited { after, data } => self.violation(&after, data, true),
            other => self.fail(command, SessionCause::NoReply { failure: read_failure(&other) }, other),
        }
    }

    /// Checks that the MX name can be sent as SNI; when not, the STARTTLS report that says so.
    fn server_name_unusable(&mut self) -> Result<(), Box<StartTlsReport>> {
        let Err(error) = usable_server_name(self.target.host) else { return Ok(()) };
        self.transcript.event(&format!("the MX name {:?} is not a valid TLS server name ({error})", self.target.host));
        let mut report = starttls(true, StartTlsOutcome::NotTestable, Some(error));
        report.not_testable = Some(NotTestable::InvalidServerName { name: self.target.host.to_owned() });
        Err(Box::new(report))
    }

    /// Records a `421` to `command` (or at the greeting): the server is closing the session, which it
    /// may do in reply to any command (RFC 5321 §3.8). The dialogue ends; nothing is a protocol error.
    pub(super) fn closing(&mut self, command: &str, reply: String) {
        self.transcript.event(&format!("the server is closing the session: {command} answered {reply}"));
        self.server_closed.get_or_insert(ServerClosed { command: command.to_owned(), reply });
    }

    /// Records a reply that breaks the exchange; the dialogue stops after it.
    pub(super) fn violation(&mut self, command: &str, reply: String, unsolicited: bool) {
        let what = if unsolicited { "reply nobody asked for" } else { "reply code not allowed" };
        self.transcript.event(&format!("protocol error after {command}: {what}: {reply}"));
        self.protocol_error.get_or_insert(ProtocolError { command: command.to_owned(), reply, unsolicited });
    }

    /// Runs every step, then comes back once when the relay probe ended postscreen-like.
    /// Cancel-safe: whatever finished was already emitted.
    pub async fn run(&mut self) {
        self.session().await;
        if let Some((reason, first)) = self.pending_return.take() {
            self.come_back(reason, first).await;
        }
    }

    /// The session's steps on the first connection (and the plaintext fallback when TLS broke).
    async fn session(&mut self) {
        let Some(mut conn) = self.connect(true).await else { return };
        if !self.greet(&mut conn, true).await {
            return;
        }
        let Some(ehlo) = self.ehlo(&mut conn, false, None).await else { return self.quit(conn, false).await };
        let pipelining = ehlo.offers("PIPELINING");
        if !ehlo.offers("STARTTLS") {
            self.emit(StepResult::Starttls(starttls(false, StartTlsOutcome::NotOffered, None))).await;
            return self.relay_and_quit(conn, false, pipelining).await;
        }
        if let Err(report) = self.server_name_unusable() {
            self.emit(StepResult::Starttls(*report)).await;
            return self.relay_and_quit(conn, false, pipelining).await;
        }
        if let Some(offered) = self.starttls_offered.take() {
            let _ = offered.send(());
        }
        let reply = match conn.command("STARTTLS", &mut self.transcript).await {
            Ok(reply) => reply,
            Err(e) => {
                let mut report = starttls(true, StartTlsOutcome::Rejected, None);
                report.no_reply = Some(read_failure(&e));
                self.emit(StepResult::Starttls(report)).await;
                return self.broke("STARTTLS", e);
            }
        };
        match reply.code {
            220 => {}
            421 => {
                let mut report = starttls(true, StartTlsOutcome::NotTestable, None);
                report.not_testable = Some(NotTestable::ServerClosing { reply: reply.summary() });
                self.emit(StepResult::Starttls(report)).await;
                self.closing("STARTTLS", reply.summary());
                return self.close(conn).await;
            }
            400..=599 => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(reply.summary())))).await;
                return self.relay_and_quit(conn, false, pipelining).await;
            }
            _ => {
                self.emit(StepResult::Starttls(starttls(true, StartTlsOutcome::Rejected, Some(reply.summary())))).await;
                self.violation("STARTTLS", reply.summary(), false);
                return self.quit(conn, false).await;
            }
        }
        let (stream, early_bytes) = conn.into_stream();
        if early_bytes > 0 {
            let bytes = u64::try_from(early_bytes).unwrap_or(u64::MAX);
            let problem = HandshakeProblem::PlaintextAfterReply { bytes };
            self.transcript.event(&problem.text(mxray_report::Lang::En));
            let mut report = starttls(true, StartTlsOutcome::HandshakeFailed, None);
            report.pipelined_plaintext = true;
            report.handshake_problem = Some(problem);
            self.emit(StepResult::Starttls(report)).await;
            drop(stream);
            return self.relay_on_fresh_connection().await;
        }
        self.upgrade(stream).await;
    }

    /// TLS handshake, certificate, EHLO inside TLS, relay probe; or the plaintext fallback.
    async fn upgrade(&mut self, stream: C::Stream) {
        self.transcript.event(&format!("TLS handshake (SNI {})", self.target.host));
        let (result, chain) =
            self.target.tls.handshake(stream, self.target.host, self.target.config.step_timeout).await;
        match result {
            Err(error) => {
                self.report_handshake_failure(error, &chain).await;
                self.relay_on_fresh_connection().await;
            }
            Ok(session) => {
                // EHLO goes out the moment the handshake is done; the results are reported meanwhile.
                self.leg = SessionLeg::InsideTls;
                let mut conn =
                    SmtpConnection::new(session.stream, self.target.config.step_timeout).continued_after("STARTTLS");
                let ehlo_sent = conn.send_group(&[&self.ehlo_line("EHLO")], &mut self.transcript).await;
                self.report_tls(session.facts, &chain).await;
                match self.ehlo(&mut conn, true, Some(ehlo_sent)).await {
                    Some(ehlo) => self.relay_and_quit(conn, true, ehlo.offers("PIPELINING")).await,
                    None => self.quit(conn, false).await,
                }
            }
        }
    }

    /// A plaintext connection only for the relay probe: after TLS broke, or to come back once.
    pub(super) async fn relay_on_fresh_connection(&mut self) {
        if self.port.is_some() {
            return;
        }
        self.transcript.event("new plaintext connection for the relay probe");
        let Some(mut conn) = self.connect(false).await else { return };
        if !self.greet(&mut conn, false).await {
            return;
        }
        match self.ehlo(&mut conn, false, None).await {
            Some(ehlo) => self.relay_and_quit(conn, false, ehlo.offers("PIPELINING")).await,
            None => self.quit(conn, false).await,
        }
    }

    async fn connect(&mut self, first: bool) -> Option<SmtpConnection<C::Stream>> {
        self.settle().await;
        let port = self.port.unwrap_or(self.target.config.port);
        let addr = SocketAddr::new(self.target.ip, port);
        self.transcript.event(&format!("connecting to {addr}"));
        let started = Instant::now();
        let limit = self.target.config.step_timeout;
        let (outcome, failure, detail, stream) = match tokio::time::timeout(limit, self.target.connector.connect(addr))
            .await
        {
            Ok(Ok(stream)) => (TcpOutcome::Connected, None, None, Some(stream)),
            Ok(Err(e)) => {
                let (outcome, failure, detail) = connect_failed(&e);
                (outcome, failure, detail, None)
            }
            Err(_) => (TcpOutcome::Timeout, Some(ConnectFailure::NoAnswer { secs: whole_seconds(limit) }), None, None),
        };
        if outcome != TcpOutcome::Blocked {
            self.connections += 1;
        }
        self.leg = if first { SessionLeg::First } else { SessionLeg::Second };
        let connect_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let why = || match (&failure, &detail) {
            (Some(ConnectFailure::NoAnswer { secs }), _) => format!("no answer within {secs} s"),
            (Some(ConnectFailure::NotPublic { range }), _) => format!("{} is a {range} address", self.target.ip),
            (Some(ConnectFailure::NoRouteHere), _) => format!("this machine has no route to {}", self.target.ip),
            (None, Some(d)) => d.clone(),
            (None, None) => String::new(),
        };
        self.transcript.event(&match outcome {
            TcpOutcome::Connected => format!("connected in {connect_ms} ms"),
            TcpOutcome::Blocked => format!("not connecting: {}", why()),
            _ => format!("connect failed: {}", why()),
        });
        self.client_ip = stream.as_ref().and_then(|s| self.target.connector.local_addr(s)).map(|a| a.ip());
        if first {
            let connect_ms = stream.is_some().then_some(connect_ms);
            self.emit(StepResult::Tcp(TcpReport { outcome, connect_ms, detail, port, failure })).await;
        } else if outcome != TcpOutcome::Connected {
            let note = why();
            self.fail("connect", SessionCause::Connect { failure, detail }, note);
        }
        Some(SmtpConnection::new(stream?, limit))
    }

    /// Reads the greeting, waiting for it longer than for other replies; true when it is 220.
    async fn greet<S: SmtpStream>(&mut self, conn: &mut SmtpConnection<S>, first: bool) -> bool {
        let started = self.transcript.elapsed_ms();
        let reply = conn.read_reply_within(self.target.config.greeting_timeout, &mut self.transcript).await;
        let elapsed_ms = self.transcript.elapsed_ms().saturating_sub(started);
        let ready = matches!(&reply, Ok(r) if r.code == 220);
        self.multiline_greeting = matches!(&reply, Ok(r) if r.lines.len() > 1);
        if first {
            self.emit(StepResult::Banner(match &reply {
                Ok(r) => BannerReport {
                    code: Some(r.code),
                    text: r.field_text(),
                    software: detect_software(&r.field_text()),
                    elapsed_ms,
                    error: None,
                    refuses_tester: refuses_the_tester(r, self.client_ip),
                    greeting_timeout_secs: None,
                    failure: None,
                },
                Err(e) => BannerReport {
                    code: None,
                    text: String::new(),
                    software: None,
                    elapsed_ms,
                    error: None,
                    refuses_tester: None,
                    greeting_timeout_secs: match e {
                        SessionError::Timeout(waited) => Some(whole_seconds(*waited)),
                        _ => None,
                    },
                    failure: Some(read_failure(e)),
                },
            }))
            .await;
        } else if !ready {
            match &reply {
                Ok(r) if r.code == 421 => self.closing("greeting", r.summary()),
                Ok(r) => self.fail("greeting", SessionCause::Refused { reply: r.summary() }, r.summary()),
                Err(e) => self.fail("greeting", SessionCause::NoReply { failure: read_failure(e) }, e),
            }
        }
        if matches!(&reply, Ok(r) if !ready && r.code != 221) {
            let _ = conn.send("QUIT", &mut self.transcript).await;
        }
        ready
    }

    /// EHLO, with HELO when EHLO is refused. Emits the result for the first connection and for TLS.
    async fn ehlo<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        in_tls: bool,
        sent: Option<Result<(), SessionError>>,
    ) -> Option<EhloReport> {
        // The first plaintext EHLO is a step of its own; a failure elsewhere only ends the session.
        let fresh_plaintext = !in_tls && self.connections > 1 && self.port.is_none();
        // A protocol error names the connection in its command, as the report shows it.
        let command = match (in_tls, fresh_plaintext) {
            (true, _) => "EHLO inside TLS",
            (false, true) => "second connection EHLO",
            (false, false) => "EHLO",
        };
        let report = match self.ehlo_report(conn, sent).await {
            Ok(report) => report,
            Err(e) => {
                self.broke("EHLO", e);
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
        let verb = if report.helo_fallback { "HELO" } else { "EHLO" };
        match report.code {
            // The first EHLO's own report shows a 421; elsewhere only this record does.
            Some(421) if fresh_plaintext || in_tls => self.closing(verb, reply),
            Some(400..=599) if fresh_plaintext || in_tls => {
                self.fail(verb, SessionCause::Refused { reply: reply.clone() }, reply)
            }
            Some(400..=599) => {}
            _ => self.violation(if report.helo_fallback { "HELO" } else { command }, reply, false),
        }
        None
    }

    /// `EHLO name` or `HELO name`.
    fn ehlo_line(&self, verb: &str) -> String {
        format!("{verb} {}", self.target.config.helo_name)
    }

    /// The EHLO (or HELO) exchange; `sent` is the outcome of sending EHLO when that already happened.
    /// `Err` only when no reply arrived or an unrequested one waited.
    async fn ehlo_report<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sent: Option<Result<(), SessionError>>,
    ) -> Result<EhloReport, SessionError> {
        let client = self.client_ip;
        let failed = |r: &Reply, helo_fallback: bool| EhloReport {
            code: Some(r.code),
            host: String::new(),
            extensions: Vec::new(),
            size_limit: None,
            helo_fallback,
            ehlo_refusal: None,
            error: Some(r.summary()),
            refuses_tester: refuses_the_tester(r, client),
        };
        match sent {
            Some(sent) => sent?,
            None => conn.send_group(&[&self.ehlo_line("EHLO")], &mut self.transcript).await?,
        }
        let reply = conn.read_reply(&mut self.transcript).await?;
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
        let ehlo_refusal = Some(reply.summary());
        let reply = conn.command(&self.ehlo_line("HELO"), &mut self.transcript).await?;
        if reply.code != 250 {
            return Ok(EhloReport { ehlo_refusal, ..failed(&reply, true) });
        }
        let (host, _, _) = parse_ehlo(&reply);
        Ok(EhloReport { code: Some(250), host, helo_fallback: true, ehlo_refusal, ..Default::default() })
    }

    /// The relay probe, then `RSET` and `QUIT`. Never `DATA`. A rejection about something other than
    /// relaying (sender, HELO, client, recipient, greylisting) or any refusal of `MAIL FROM` gets one
    /// more try in the same session with the null sender, which every server must accept (RFC 5321
    /// §4.5.5). After a refusal, a forged local sender and the routing forms follow (see
    /// [`AddressProbe::after_refusal`]). With PIPELINING (RFC 2920) each attempt is one write; the
    /// goodbye is sent before the verdict is reported and not waited for. A temporary refusal that
    /// looks like postscreen's is kept for the one return connection.
    async fn relay_and_quit<S: SmtpStream>(&mut self, mut conn: SmtpConnection<S>, over_tls: bool, pipelining: bool) {
        if self.port.is_some() {
            return self.quit(conn, pipelining).await;
        }
        let recipient = self.recipient.clone();
        let sender = self.target.config.relay_sender.clone();
        let (first, mut alive) = self.relay_attempt(&mut conn, &sender, &recipient, false, pipelining).await;
        let mut attempts: Vec<RelayAttempt> = first.into_iter().collect();
        // A refusal at MAIL FROM never reached the recipient, whatever it says: the null sender may.
        if alive && (attempts[0].reason.is_about_something_else() || attempts[0].rcpt_to.is_none()) {
            let (second, still) = self.relay_attempt(&mut conn, "", &recipient, true, pipelining).await;
            attempts.extend(second);
            alive = still;
        }
        let mut report = relay_report(sender, recipient, over_tls, attempts);
        report.revisit = self.returning.take();
        if alive && report.outcome == RelayOutcome::Refused {
            // The verdict first; the forged local sender and the routing forms follow, one round trip
            // more with PIPELINING. Not sooner: Exim drops the session after three routing forms
            // (domain literals count as syntax errors), which would cut off the null sender's retry.
            self.emit(StepResult::OpenRelay(report.clone())).await;
            let refused_sender = report.attempts.last().map(|a| a.sender.clone()).unwrap_or_default();
            (report.local_sender, report.bypass, alive) =
                self.after_refusal(&mut conn, &refused_sender, &report.recipient, pipelining).await;
        }
        if alive || self.protocol_error.is_some() {
            self.goodbye(&mut conn, pipelining).await;
        }
        if report.revisit.is_none() {
            let reason = postscreen_like(&report, self.multiline_greeting);
            self.pending_return = reason.map(|reason| (reason, report.clone()));
        }
        self.emit(StepResult::OpenRelay(report)).await;
        self.close(conn).await;
    }

    /// The commands of one relay attempt: `RSET` (when `reset`), `MAIL FROM`, `RCPT TO`.
    pub(super) fn attempt_lines(sender: &str, recipient: &str, reset: bool) -> Vec<String> {
        let lines = [format!("MAIL FROM:<{sender}>"), rcpt_line(recipient)];
        reset.then(|| "RSET".to_owned()).into_iter().chain(lines).collect()
    }

    /// One `MAIL FROM` + `RCPT TO` (after `RSET` when `reset`): with PIPELINING all in one write, the
    /// replies then read one per command in order; else lock-step. The attempt (none when `RSET` failed)
    /// and whether the session can go on.
    async fn relay_attempt<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sender: &str,
        recipient: &str,
        reset: bool,
        pipelining: bool,
    ) -> (Option<RelayAttempt>, bool) {
        if pipelining {
            let lines = Self::attempt_lines(sender, recipient, reset);
            let group: Vec<&str> = lines.iter().map(String::as_str).collect();
            if let Err(e) = conn.send_group(&group, &mut self.transcript).await {
                if reset {
                    self.broke("RSET", e);
                    return (None, false);
                }
                // Nothing was answered: the attempt says so (it never reads as accepted or refused).
                let mut attempt = no_reply(sender);
                self.relay_reply(Err(e), RelayStage::Mail, &mut attempt);
                return (Some(attempt), false);
            }
        }
        self.finish_attempt(conn, sender, recipient, reset, pipelining).await
    }

    /// The replies of one relay attempt whose commands already went out in a command group
    /// (`pipelined`), or each command sent and awaited in turn.
    pub(super) async fn finish_attempt<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sender: &str,
        recipient: &str,
        reset: bool,
        pipelining: bool,
    ) -> (Option<RelayAttempt>, bool) {
        let mut attempt = no_reply(sender);
        let (mail, rcpt) = (format!("MAIL FROM:<{sender}>"), rcpt_line(recipient));
        if reset && !self.reset(conn, pipelining).await {
            return (None, false);
        }
        let reply = self.exchange(conn, &mail, pipelining).await;
        let Some(code) = self.relay_reply(reply, RelayStage::Mail, &mut attempt) else {
            return (Some(attempt), false);
        };
        if attempt.reason != RelayReason::Accepted {
            // 421 closes the session: nothing more comes. A pipelined RCPT still has its reply due.
            let alive = code != 421
                && (!pipelining
                    || self.rcpt_without_transaction(conn).await.unwrap_or_else(|positive| {
                        attempt.rcpt_to = Some(positive.summary());
                        attempt.reason = RelayReason::ProtocolError;
                        false
                    }));
            return (Some(attempt), alive);
        }
        let reply = self.exchange(conn, &rcpt, pipelining).await;
        let alive = self.relay_reply(reply, RelayStage::Rcpt, &mut attempt).is_some_and(|c| c != 421);
        (Some(attempt), alive)
    }

    /// `RSET` and its `250`, already sent in a command group (`pipelined`) or sent now; false (and
    /// recorded) when anything else came.
    pub(super) async fn reset<S: SmtpStream>(&mut self, conn: &mut SmtpConnection<S>, pipelined: bool) -> bool {
        match self.exchange(conn, "RSET", pipelined).await {
            Ok(r) if r.code == 250 => true,
            Ok(r) if r.code == 421 => {
                self.closing("RSET", r.summary());
                false
            }
            Ok(r) => {
                self.violation("RSET", r.summary(), false);
                false
            }
            Err(e) => {
                self.broke("RSET", e);
                false
            }
        }
    }

    /// The reply to `line`: already sent in a command group (`pipelined`), or sent now and awaited.
    pub(super) async fn exchange<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        line: &str,
        pipelined: bool,
    ) -> Result<Reply, SessionError> {
        if pipelined {
            conn.read_reply(&mut self.transcript).await
        } else {
            conn.command(line, &mut self.transcript).await
        }
    }

    /// Reads the reply to a pipelined `RCPT TO` whose `MAIL FROM` was refused. Real servers answer 503
    /// (no transaction) and the verdict stays with MAIL's reply; a positive reply is a protocol error
    /// (RFC 5321 §3.3: RCPT needs a transaction), recorded and returned as `Err`. `Ok(true)` when the
    /// session can go on.
    pub(super) async fn rcpt_without_transaction<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
    ) -> Result<bool, Reply> {
        match conn.read_reply(&mut self.transcript).await {
            Ok(r) if r.code == 421 => {
                self.closing("RCPT TO", r.summary());
                Ok(false)
            }
            Ok(r) if r.code >= 400 => Ok(true),
            Ok(r) => {
                self.violation("RCPT TO", r.summary(), false);
                Err(r)
            }
            Err(e) => {
                self.broke("RCPT TO", e);
                Ok(false)
            }
        }
    }

    /// Records the reply of one command of a relay attempt and its meaning in `attempt`. The reply
    /// code, or `None` when the dialogue cannot go on (no reply, or a protocol error). Without a valid
    /// reply the attempt says which command went unanswered and how, whatever an earlier reply said.
    fn relay_reply(
        &mut self,
        reply: Result<Reply, SessionError>,
        stage: RelayStage,
        attempt: &mut RelayAttempt,
    ) -> Option<u16> {
        let command = if stage == RelayStage::Mail { "MAIL FROM" } else { "RCPT TO" };
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => {
                if matches!(e, SessionError::Unsolicited { .. }) {
                    attempt.reason = RelayReason::ProtocolError;
                } else {
                    attempt.reason = RelayReason::NoReply;
                    attempt.unanswered = Some(Unanswered { command: command.to_owned(), cause: no_answer(&e) });
                }
                self.broke(command, e);
                return None;
            }
        };
        attempt.reason = classify(&reply, stage, self.client_ip);
        let field = if stage == RelayStage::Mail { &mut attempt.mail_from } else { &mut attempt.rcpt_to };
        *field = Some(reply.summary());
        if attempt.reason == RelayReason::ProtocolError {
            self.violation(command, reply.summary(), false);
            return None;
        }
        Some(reply.code)
    }

    /// Ends the session: `QUIT`, nothing awaited, errors only noted.
    async fn quit<S: SmtpStream>(&mut self, mut conn: SmtpConnection<S>, pipelining: bool) {
        self.goodbye(&mut conn, pipelining).await;
        self.close(conn).await;
    }

    /// Sends the goodbye without waiting for its replies: with PIPELINING `RSET` and `QUIT` in one
    /// write, else `QUIT` alone (a `RSET` right before `QUIT` changes nothing, and lock-step would cost
    /// a round trip). After a protocol error replies no longer pair with commands, so only `QUIT`
    /// goes out, without looking for unread replies.
    async fn goodbye<S: SmtpStream>(&mut self, conn: &mut SmtpConnection<S>, pipelining: bool) {
        let sent = if self.protocol_error.is_some() {
            conn.send("QUIT", &mut self.transcript).await
        } else if pipelining {
            conn.send_group(&["RSET", "QUIT"], &mut self.transcript).await
        } else {
            conn.send_group(&["QUIT"], &mut self.transcript).await
        };
        match sent {
            Ok(()) | Err(SessionError::Closed) => {}
            Err(SessionError::Unsolicited { after, data }) => {
                self.transcript.event(&format!("not saying goodbye: after {after}, unrequested {data:?}"))
            }
            Err(e) => self.transcript.event(&format!("QUIT: {e}")),
        }
    }

    /// Records the replies that already arrived (the goodbye's, when they came in time) and leaves
    /// the connection to close in the background, bounded, so the address is done without waiting.
    async fn close<S: SmtpStream>(&mut self, mut conn: SmtpConnection<S>) {
        conn.record_ready(&mut self.transcript).await;
        self.lingering.push(tokio::spawn(conn.linger(self.target.config.step_timeout.min(LINGER))));
    }
}

/// The relay verdict from the attempts (the last one decides): accepted at RCPT is an open relay;
/// only a refusal of the outside recipient about relaying, or as unknown here, is "refused";
/// everything else (a bare refusal, a `421`, no reply) is inconclusive, with its reason. A refusal at
/// `MAIL FROM`, whatever its wording, never named a recipient: inconclusive.
fn relay_report(sender: String, recipient: String, over_tls: bool, attempts: Vec<RelayAttempt>) -> RelayReport {
    let last = attempts.last().cloned();
    let reason = last.as_ref().map(|a| a.reason);
    let at_rcpt = last.as_ref().is_some_and(|a| a.rcpt_to.is_some());
    let outcome = match reason {
        Some(RelayReason::Accepted | RelayReason::AcceptedUnverified) if at_rcpt => RelayOutcome::Accepted,
        Some(r) if at_rcpt && r.refuses_relaying() => RelayOutcome::Refused,
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
        bypass: Vec::new(),
        local_sender: None,
        revisit: None,
    }
}

/// An attempt with `sender` that has no reply yet.
fn no_reply(sender: &str) -> RelayAttempt {
    RelayAttempt {
        sender: sender.to_owned(),
        mail_from: None,
        rcpt_to: None,
        reason: RelayReason::NoReply,
        unanswered: None,
    }
}

/// What came instead of a reply, for the report.
fn no_answer(error: &SessionError) -> NoAnswer {
    match error {
        SessionError::Timeout(limit) => NoAnswer::Timeout { ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX) },
        SessionError::Closed => NoAnswer::Closed,
        SessionError::Io(e)
            if matches!(
                e.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
            ) =>
        {
            NoAnswer::Closed
        }
        other => NoAnswer::Failed { detail: other.to_string() },
    }
}

/// What came instead of a reply, in the report's terms.
pub(super) fn read_failure(error: &SessionError) -> ReadFailure {
    let bytes = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    match error {
        SessionError::Timeout(limit) => ReadFailure::Timeout { secs: whole_seconds(*limit) },
        SessionError::Closed => ReadFailure::Closed,
        SessionError::TooMuchData => ReadFailure::TooMuchData { bytes: bytes(super::connection::MAX_SESSION_BYTES) },
        SessionError::Invalid(WireError::NotAReply { line }) => ReadFailure::NotAReply { line: line.clone() },
        SessionError::Invalid(WireError::BadCode { code }) => ReadFailure::CodeOutOfRange { code: *code },
        SessionError::Invalid(WireError::CodeChanged { first, then }) => {
            ReadFailure::CodeChanged { first: *first, then: *then }
        }
        SessionError::Invalid(WireError::LineTooLong) => ReadFailure::LineTooLong { bytes: bytes(MAX_LINE) },
        SessionError::Invalid(WireError::TooManyLines) => ReadFailure::TooManyLines { lines: bytes(MAX_REPLY_LINES) },
        SessionError::Unsolicited { after, data } => {
            ReadFailure::Unsolicited { after: after.clone(), data: data.clone() }
        }
        SessionError::Io(e) => ReadFailure::Socket { detail: e.to_string() },
    }
}

/// A failed connect for the report: its outcome, why in mxray's terms when it can say it (the guard's
/// refusal, no local route, a timeout), else the operating system's message.
pub(super) fn connect_failed(error: &io::Error) -> (TcpOutcome, Option<ConnectFailure>, Option<String>) {
    let inner = error.get_ref();
    if let Some(blocked) = inner.and_then(|e| e.downcast_ref::<BlockedTarget>()) {
        return (TcpOutcome::Blocked, Some(ConnectFailure::NotPublic { range: blocked.range.to_owned() }), None);
    }
    if inner.and_then(|e| e.downcast_ref::<NoRouteHere>()).is_some() {
        return (TcpOutcome::NoRoute, Some(ConnectFailure::NoRouteHere), None);
    }
    let (outcome, detail) = connect_failure(error);
    (outcome, None, Some(detail))
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

/// A wait in whole seconds, rounded up (a wait under a second is not "0 s").
fn whole_seconds(d: Duration) -> u64 {
    u64::try_from(d.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
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
        not_testable: None,
        no_reply: None,
        handshake_problem: None,
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
            greeting_timeout: Duration::from_secs(2),
            port: 25,
        };
        assert_eq!(config.recipient_outside("mail.example"), "relay-test@example.net");
        assert_eq!(config.recipient_outside("example.net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("net"), "relay-test@example.org");
        assert_eq!(config.recipient_outside("example.org"), "relay-test@example.net");
    }
}
