//! Fake SMTP servers: a [`Scenario`] says how the server behaves; [`FakeSmtp`] serves it on a
//! bound listener (and, through [`Pipes`], over in-memory connections) and records every command
//! and connection, so tests can assert on both and wait for them.

use rustls::ServerConfig;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::net::TcpListener;
use tokio::sync::{Barrier, Notify};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::ca::Identity;

/// What the server does when a client connects.
#[derive(Clone, Debug)]
pub enum Greeting {
    /// Sends this reply (CRLF added).
    Reply(String),
    /// Sends nothing and keeps the connection open.
    Silent,
    /// Sends this text one byte at a time, with a pause between bytes.
    Drip(String, Duration),
    /// Sends these bytes and closes.
    Garbage(Vec<u8>),
    /// Sends endless lines without ever finishing a reply.
    Flood,
}

/// How the server answers STARTTLS.
#[derive(Clone)]
pub enum StartTls {
    /// Not offered in EHLO.
    NotOffered,
    /// Offered, answered with this reply.
    Reject(String),
    /// Offered, then a TLS handshake with this identity.
    Tls(Identity),
    /// Offered, `220`, then plaintext garbage instead of a handshake.
    Broken,
    /// Offered, `220` and an extra reply in the same packet (plaintext injection), then TLS.
    Inject(Identity),
    /// Offered, `220`, then these bytes in answer to the ClientHello (a TLS alert, an old ServerHello).
    Raw(Vec<u8>),
    /// Offered, `220`, then a server that speaks only these suites (its order): a ServerHello for
    /// the first one the ClientHello offers (at the client's version, TLS 1.2 at most, with
    /// renegotiation_info) and ServerHelloDone, else a handshake_failure alert. Stands for suites
    /// Debian's OpenSSL no longer has (RC4, 3DES).
    Suites(Vec<u16>),
}

/// What the server does instead of answering a command (see [`Scenario::cuts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Closes the connection.
    Close,
    /// Says nothing more and keeps the connection open.
    Stall,
}

/// A fake mail server's behaviour. In the greeting and in every reply, `{client}` stands for the
/// client's address as the server sees it (a server naming the address it refuses).
#[derive(Clone)]
pub struct Scenario {
    /// Pause before the greeting.
    pub greeting_delay: Duration,
    /// Sessions wait here before greeting: a barrier shared by several servers proves that a client
    /// talks to all of them at once.
    pub gate: Option<Arc<Barrier>>,
    /// Sessions wait here before greeting while it is held (besides `greeting_delay`): a test keeps
    /// the server silent for as long as it needs.
    pub hold: Option<crate::Hold>,
    /// The greeting.
    pub greeting: Greeting,
    /// Host name in the EHLO reply.
    pub host: String,
    /// EHLO extensions besides STARTTLS.
    pub extensions: Vec<String>,
    /// EHLO answered with 502 (HELO works).
    pub ehlo_refused: bool,
    /// STARTTLS behaviour.
    pub starttls: StartTls,
    /// Reply to `RCPT TO`.
    pub rcpt_reply: String,
    /// Replies that override the defaults, by verb (`MAIL`, `RCPT`, `EHLO`, …): the n-th command with
    /// that verb on a connection (inside TLS counting on from before STARTTLS) gets the n-th reply
    /// listed for it, the last one once they run out.
    pub replies: Vec<(&'static str, String)>,
    /// Instead of answering the n-th command (from 1, counted as for `replies`) with this verb, the
    /// server closes the connection or goes silent: `("RCPT", 1, Cut::Close)`.
    pub cuts: Vec<(&'static str, usize, Cut)>,
    /// How the server behaves on every connection after the first (the same when `None`).
    pub later: Option<Box<Scenario>>,
    /// Stops listening after accepting this many connections: later connects are refused.
    pub max_connections: Option<usize>,
    /// Sent after the greeting, after this pause, as a separate write (a reply nobody asked for).
    pub after_greeting: Option<(Duration, String)>,
    /// Sent unasked right after the TLS handshake (a second greeting inside TLS).
    pub tls_greeting: Option<String>,
    /// After a normal greeting, answers every command with the largest reply the client accepts
    /// line by line: 128 lines of 2048 bytes, mostly control bytes. One reply is more than the
    /// client's 256 KiB per connection, so it hits that cap.
    pub flood_replies: bool,
    /// Reply to `RCPT TO` without a mail transaction (no accepted `MAIL FROM` since the last `RSET`):
    /// real servers say `503 5.5.1 Error: need MAIL command`, a broken one may say anything.
    pub rcpt_without_mail: String,
    /// TLS from the first byte with this identity (port 465, RFC 8314): greeting and dialogue inside.
    pub implicit_tls: Option<Identity>,
    /// Holds each `RCPT TO` reply until the server has accepted this many connections (at most 5 s):
    /// a client that opens them side by side gets its answer at once, one that opens them one after
    /// the other waits into its own timeout.
    pub rcpt_waits_for_connections: Option<usize>,
    /// Replies to `RCPT TO` by the open transaction's sender: the first entry whose suffix ends the
    /// `MAIL FROM` address (case-insensitive) answers, before `replies` and `rcpt_reply` (a server
    /// that relays for its own domain's senders).
    pub rcpt_by_sender: Vec<(String, String)>,
}

impl Scenario {
    /// A well-behaved Postfix-like server: STARTTLS with `identity`, relaying refused.
    pub fn good(host: &str, identity: Identity) -> Self {
        Scenario {
            greeting_delay: Duration::ZERO,
            gate: None,
            hold: None,
            greeting: Greeting::Reply(format!("220 {host} ESMTP Postfix")),
            host: host.to_owned(),
            extensions: ["PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING"]
                .map(str::to_owned)
                .to_vec(),
            ehlo_refused: false,
            starttls: StartTls::Tls(identity),
            rcpt_reply: "554 5.7.1 <relay-test@example.net>: Relay access denied".to_owned(),
            replies: Vec::new(),
            cuts: Vec::new(),
            later: None,
            max_connections: None,
            after_greeting: None,
            tls_greeting: None,
            flood_replies: false,
            rcpt_without_mail: "503 5.5.1 Error: need MAIL command".to_owned(),
            implicit_tls: None,
            rcpt_waits_for_connections: None,
            rcpt_by_sender: Vec::new(),
        }
    }

    /// The same server without STARTTLS.
    pub fn plaintext(host: &str) -> Self {
        let mut s = Scenario::good(host, crate::ca::self_signed(&[host]));
        s.starttls = StartTls::NotOffered;
        s
    }
}

/// A running fake server.
pub struct FakeSmtp {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

/// What every session of one fake server shares, over TCP and over pipes alike.
struct State {
    scenario: Scenario,
    connections: AtomicUsize,
    /// Sessions open right now, and the most ever open at once.
    open: AtomicUsize,
    peak: AtomicUsize,
    commands: Mutex<Vec<String>>,
    /// Woken whenever a command is logged.
    logged: Notify,
}

impl State {
    fn log(&self, command: String) {
        if let Ok(mut commands) = self.commands.lock() {
            commands.push(command);
        }
        self.logged.notify_waiters();
    }

    fn commands(&self) -> Vec<String> {
        self.commands.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl FakeSmtp {
    /// Serves `scenario` on a bound listener until dropped.
    pub fn serve(listener: TcpListener, scenario: Scenario) -> Self {
        let addr = listener.local_addr().expect("listener address");
        let state = Arc::new(State {
            scenario,
            connections: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            commands: Mutex::new(Vec::new()),
            logged: Notify::new(),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let before = shared.connections.fetch_add(1, Ordering::SeqCst);
                // Replies to pipelined commands go out one write each; Nagle would hold the second
                // until the client's delayed ACK (40 ms), which real servers avoid by flushing once.
                let _ = stream.set_nodelay(true);
                tokio::spawn(session(stream, peer.ip().to_string(), before, shared.clone()));
                if shared.scenario.max_connections.is_some_and(|max| before + 1 >= max) {
                    // The listener goes with this task: the next connect is refused.
                    break;
                }
            }
        });
        FakeSmtp { addr, state, task }
    }

    /// Binds `ip:port` (0 for any port) and serves `scenario`.
    pub async fn start(ip: &str, port: u16, scenario: Scenario) -> std::io::Result<Self> {
        Ok(FakeSmtp::serve(TcpListener::bind((ip, port)).await?, scenario))
    }

    /// TCP connections accepted so far (and pipes opened through [`FakeSmtp::pipes`]).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// The most sessions this server ever had open at once (a polite client keeps it at 1).
    pub fn peak_sessions(&self) -> usize {
        self.state.peak.load(Ordering::SeqCst)
    }

    /// Every command line received, in order.
    pub fn commands(&self) -> Vec<String> {
        self.state.commands()
    }

    /// Waits until the commands received so far satisfy `done`, for at most `within` (a bound
    /// against hanging, far above the time the commands take); returns them either way, for the
    /// caller's assertion. A command is logged before the server answers it.
    pub async fn commands_until(&self, done: impl Fn(&[String]) -> bool, within: Duration) -> Vec<String> {
        let wait = async {
            loop {
                // Registered before looking, so a command logged in between still wakes us.
                let logged = self.state.logged.notified();
                tokio::pin!(logged);
                logged.as_mut().enable();
                if done(&self.commands()) {
                    return;
                }
                logged.await;
            }
        };
        let _ = tokio::time::timeout(within, wait).await;
        self.commands()
    }

    /// Opens in-memory connections to this server; each gets a session of its own, counted and
    /// logged like a TCP connection.
    pub fn pipes(&self) -> Pipes {
        Pipes { state: self.state.clone() }
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Connections to a [`FakeSmtp`] over in-memory pipes instead of loopback TCP: with no socket in
/// between, every delay in a test on tokio's paused clock is the scenario's own (a real socket
/// lets the paused clock jump ahead while bytes are still in the kernel).
#[derive(Clone)]
pub struct Pipes {
    state: Arc<State>,
}

impl Pipes {
    /// A new connection: the client's end; the server's session runs on the other end until the
    /// client closes or the session ends.
    pub fn connect(&self) -> DuplexStream {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let before = self.state.connections.fetch_add(1, Ordering::SeqCst);
        // A pipe has no client address; the loopback one stands in for `{client}`.
        tokio::spawn(session(server, "127.0.0.1".to_owned(), before, self.state.clone()));
        client
    }
}

/// Counts a session out when it ends, however it ends.
struct Closed<'a>(&'a AtomicUsize);

impl Drop for Closed<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One connection's session; `before` connections came earlier (a `later` scenario serves those after
/// the first), `client` is the client's address as the server sees it.
async fn session<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    stream: S,
    client: String,
    before: usize,
    state: Arc<State>,
) {
    let open = state.open.fetch_add(1, Ordering::SeqCst) + 1;
    state.peak.fetch_max(open, Ordering::SeqCst);
    let _closed = Closed(&state.open);
    let scenario = match &state.scenario.later {
        Some(later) if before > 0 => later.as_ref(),
        _ => &state.scenario,
    };
    let server = Server { scenario, state: &state, client: &client };
    // Commands seen per verb on this connection, plaintext and TLS together.
    let mut seen = HashMap::new();
    if let Some(identity) = scenario.implicit_tls.clone() {
        let Some(mut tls) = accept(stream, identity).await else { return };
        if let Greeting::Reply(text) = &scenario.greeting {
            if tls.write_all(format!("{}\r\n", server.fill(text)).as_bytes()).await.is_ok() {
                dialogue(tls, &server, true, &mut seen).await;
            }
        }
        return;
    }
    let mut stream = stream;
    if let Some(gate) = &scenario.gate {
        gate.wait().await;
    }
    let hold = async {
        if let Some(hold) = &scenario.hold {
            hold.passed().await;
        }
    };
    tokio::join!(tokio::time::sleep(scenario.greeting_delay), hold);
    let greeted = match &scenario.greeting {
        Greeting::Reply(text) => stream.write_all(format!("{}\r\n", server.fill(text)).as_bytes()).await.is_ok(),
        Greeting::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            false
        }
        Greeting::Drip(text, pause) => {
            for b in text.bytes() {
                if stream.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(*pause).await;
            }
            false
        }
        Greeting::Garbage(bytes) => {
            let _ = stream.write_all(bytes).await;
            false
        }
        Greeting::Flood => {
            while stream.write_all(b"220-flooding\r\n").await.is_ok() {}
            false
        }
    };
    if !greeted {
        return;
    }
    if let Some((pause, text)) = &scenario.after_greeting {
        tokio::time::sleep(*pause).await;
        if stream.write_all(format!("{text}\r\n").as_bytes()).await.is_err() {
            return;
        }
    }
    let Some(mut plain) = dialogue(stream, &server, false, &mut seen).await else { return };
    let identity = match &scenario.starttls {
        StartTls::Tls(id) | StartTls::Inject(id) => id.clone(),
        StartTls::Raw(bytes) => {
            let mut hello = [0u8; 4096];
            if tokio::io::AsyncReadExt::read(&mut plain, &mut hello).await.is_ok() {
                let _ = plain.write_all(bytes).await;
            }
            return;
        }
        StartTls::Suites(suites) => {
            let mut hello = vec![0u8; 16 * 1024];
            if let Ok(n) = tokio::io::AsyncReadExt::read(&mut plain, &mut hello).await {
                let _ = plain.write_all(&crate::tls_hello::answer(&hello[..n], suites)).await;
                let mut rest = [0u8; 512];
                let _ = tokio::io::AsyncReadExt::read(&mut plain, &mut rest).await;
            }
            return;
        }
        _ => return,
    };
    if let Some(mut tls) = accept(plain, identity).await {
        if let Some(text) = &scenario.tls_greeting {
            if tls.write_all(format!("{text}\r\n").as_bytes()).await.is_err() {
                return;
            }
        }
        dialogue(tls, &server, true, &mut seen).await;
    }
}

/// The server side of a TLS handshake with `identity`.
async fn accept<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    identity: Identity,
) -> Option<tokio_rustls::server::TlsStream<S>> {
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(identity.chain, identity.key))
        .ok()?;
    TlsAcceptor::from(Arc::new(config)).accept(stream).await.ok()
}

/// One session of a fake server: what it shares with the others, and whom it talks to.
struct Server<'a> {
    scenario: &'a Scenario,
    state: &'a State,
    /// The client's address as the server sees it.
    client: &'a str,
}

impl Server<'_> {
    /// `text` with `{client}` replaced by the client's address.
    fn fill(&self, text: &str) -> String {
        text.replace("{client}", self.client)
    }
}

/// Answers commands until QUIT or close; returns the stream when the client may start TLS. `seen`
/// counts the commands per verb on the connection.
async fn dialogue<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    server: &Server<'_>,
    in_tls: bool,
    seen: &mut HashMap<String, usize>,
) -> Option<S> {
    let scenario = server.scenario;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // A mail transaction is open: MAIL FROM was accepted and no RSET came since.
    let mut transaction = false;
    // The address in the last MAIL FROM.
    let mut sender = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let command = line.trim_end().to_owned();
        server.state.log(command.clone());
        let verb = command.split([' ', ':']).next().unwrap_or_default().to_ascii_uppercase();
        if verb == "MAIL" {
            sender = command.split_once('<').and_then(|(_, r)| r.split_once('>')).map_or("", |(a, _)| a).to_owned();
        }
        if scenario.flood_replies {
            reader.get_mut().write_all(&flood_reply()).await.ok()?;
            continue;
        }
        if verb == "RCPT" && !transaction {
            reader.get_mut().write_all(format!("{}\r\n", scenario.rcpt_without_mail).as_bytes()).await.ok()?;
            continue;
        }
        if let Some(wanted) = scenario.rcpt_waits_for_connections.filter(|_| verb == "RCPT") {
            let until = tokio::time::Instant::now() + Duration::from_secs(5);
            while server.state.connections.load(Ordering::SeqCst) < wanted && tokio::time::Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        let by_sender = scenario
            .rcpt_by_sender
            .iter()
            .find(|(suffix, _)| verb == "RCPT" && sender.to_ascii_lowercase().ends_with(&suffix.to_ascii_lowercase()))
            .map(|(_, r)| r);
        let scripted: Vec<&String> = scenario.replies.iter().filter(|(v, _)| *v == verb).map(|(_, r)| r).collect();
        let nth = seen.entry(verb.clone()).or_default();
        let reply = by_sender.or_else(|| scripted.get(*nth).or(scripted.last()).copied());
        *nth += 1;
        match scenario.cuts.iter().find(|(v, n, _)| *v == verb && *n == *nth).map(|(_, _, cut)| cut) {
            Some(Cut::Close) => return None,
            Some(Cut::Stall) => std::future::pending::<()>().await,
            None => {}
        }
        if let Some(reply) = reply {
            let reply = server.fill(reply);
            transaction = in_transaction(&verb, &reply, transaction);
            reader.get_mut().write_all(format!("{reply}\r\n").as_bytes()).await.ok()?;
            if verb == "QUIT" {
                return None;
            }
            continue;
        }
        let reply = match verb.as_str() {
            "EHLO" if scenario.ehlo_refused => "502 5.5.2 Error: command not recognized".to_owned(),
            "EHLO" => ehlo_reply(scenario, in_tls),
            "HELO" => format!("250 {}", scenario.host),
            "MAIL" | "RSET" => "250 2.1.0 Ok".to_owned(),
            "RCPT" => server.fill(&scenario.rcpt_reply),
            "DATA" => "554 5.5.1 Error: DATA must never be sent by mxray".to_owned(),
            "QUIT" => {
                let _ = reader.get_mut().write_all(b"221 2.0.0 Bye\r\n").await;
                return None;
            }
            "STARTTLS" if !in_tls => match &scenario.starttls {
                StartTls::NotOffered => "502 5.5.1 Error: command not implemented".to_owned(),
                StartTls::Reject(reply) => reply.clone(),
                StartTls::Broken => {
                    let _ =
                        reader.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\nthis is not TLS at all\r\n").await;
                    return None;
                }
                StartTls::Inject(_) => {
                    let _ = reader.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\n250 injected\r\n").await;
                    return Some(reader.into_inner());
                }
                StartTls::Tls(_) | StartTls::Raw(_) | StartTls::Suites(_) => {
                    reader.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\n").await.ok()?;
                    return Some(reader.into_inner());
                }
            },
            _ => "502 5.5.2 Error: command not recognized".to_owned(),
        };
        transaction = in_transaction(&verb, &reply, transaction);
        reader.get_mut().write_all(format!("{reply}\r\n").as_bytes()).await.ok()?;
    }
}

/// Whether a mail transaction is open after `verb` got `reply`.
fn in_transaction(verb: &str, reply: &str, open: bool) -> bool {
    match verb {
        "MAIL" => reply.starts_with('2'),
        "RSET" | "EHLO" | "HELO" | "STARTTLS" => false,
        _ => open,
    }
}

/// 128 reply lines of 2048 bytes each (`250-`/`250 ` and 2044 bytes of 0x01–0x1f without LF and CR).
fn flood_reply() -> Vec<u8> {
    let controls: Vec<u8> = (1u8..0x20).filter(|b| *b != b'\n' && *b != b'\r').collect();
    let text: Vec<u8> = controls.iter().copied().cycle().take(2044).collect();
    let mut reply = Vec::with_capacity(128 * 2050);
    for i in 0..128 {
        reply.extend_from_slice(if i == 127 { b"250 " } else { b"250-" });
        reply.extend_from_slice(&text);
        reply.extend_from_slice(b"\r\n");
    }
    reply
}

fn ehlo_reply(scenario: &Scenario, in_tls: bool) -> String {
    let mut lines = vec![scenario.host.clone()];
    lines.extend(scenario.extensions.iter().cloned());
    if !in_tls && !matches!(scenario.starttls, StartTls::NotOffered) {
        lines.push("STARTTLS".to_owned());
    }
    let last = lines.len() - 1;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("250{}{l}", if i == last { ' ' } else { '-' }))
        .collect::<Vec<_>>()
        .join("\r\n")
}
