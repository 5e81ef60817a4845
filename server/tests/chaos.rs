//! Hostile and broken peers against the real engine: a reset inside the TLS handshake, a close
//! right after the greeting, a peer that stops reading, replies in one-byte TCP segments, a
//! 10,000-line EHLO reply, the byte cap, a connect that never completes, the connection cap, and
//! cancellation when the client goes away (engine and HTTP router). Each case asserts the outcome
//! and that the check ended; time bounds are read on tokio's paused clock where no real socket is
//! involved (stub connectors over in-memory pipes), so no assertion depends on the machine's speed.

mod common;

use app::engine::Engine;
use common::{Lab, Limits, StaticDns};
use futures::StreamExt;
use mxray_report::model::report::{
    AddressReport, ConnectFailure, ReadFailure, Report, SessionCause, SessionFailure, SessionLeg, StartTlsOutcome,
    TcpOutcome,
};
use mxray_report::{normalize, CheckEvent};
use mxray_testkit::{Counter, Scenario};
use server::probe::connection::MAX_SESSION_BYTES;
use server::probe::dns::MxRecord;
use server::probe::net::{Connector, Guarded};
use server::probe::tls::TlsContext;
use server::probe::transcript::MAX_LINES;
use server::probe::wire::MAX_REPLY_LINES;
use server::probe::Prober;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream, ReadBuf,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const DOMAIN: &str = "chaos.test";
const HOST: &str = "mx.chaos.test";
const STEP: Duration = Duration::from_secs(3);

fn codes(a: &AddressReport) -> Vec<&str> {
    a.findings.iter().map(|f| f.code.as_str()).collect()
}

/// A domain whose one MX host has the addresses `ips` (in that order).
fn dns(ips: &[IpAddr]) -> StaticDns {
    let mut dns = StaticDns::default();
    dns.mx.insert(DOMAIN.into(), Ok(vec![MxRecord { preference: 10, exchange: HOST.into() }]));
    dns.hosts.insert(HOST.into(), ips.to_vec());
    dns
}

fn ip(last: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, last])
}

// ---------------------------------------------------------------------------------------------
// A small SMTP responder over any stream (in-memory pipes and TCP alike)

/// What the responder does after `220` to STARTTLS: it hands the stream back to the caller.
/// Until then it answers like a Postfix that refuses to relay.
async fn respond<S: AsyncRead + AsyncWrite + Unpin>(stream: S, greeting_delay: Duration, starttls: bool) -> Option<S> {
    let mut reader = BufReader::new(stream);
    tokio::time::sleep(greeting_delay).await;
    reader.get_mut().write_all(format!("220 {HOST} ESMTP\r\n").as_bytes()).await.ok()?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let verb = line.split([' ', ':', '\r', '\n']).next().unwrap_or_default().to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" if starttls => format!("250-{HOST}\r\n250-PIPELINING\r\n250 STARTTLS"),
            "EHLO" | "HELO" => format!("250 {HOST}"),
            "STARTTLS" if starttls => {
                reader.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\n").await.ok()?;
                return Some(reader.into_inner());
            }
            "MAIL" | "RSET" => "250 2.1.0 Ok".into(),
            "RCPT" => "554 5.7.1 <relay-test@example.net>: Relay access denied".into(),
            "QUIT" => {
                let _ = reader.get_mut().write_all(b"221 2.0.0 Bye\r\n").await;
                return None;
            }
            _ => "502 5.5.2 Error: command not recognized".into(),
        };
        reader.get_mut().write_all(format!("{reply}\r\n").as_bytes()).await.ok()?;
    }
}

// ---------------------------------------------------------------------------------------------
// Stub connector: in-memory pipes to scripted peers, counted while open

/// How a stub peer behaves once connected.
#[derive(Clone, Copy)]
enum Peer {
    /// The connect itself never completes.
    NeverConnects,
    /// Greets after a pause and answers like a relay-refusing Postfix (no STARTTLS).
    Polite(Duration),
    /// Greets, then never reads again: the client's writes fill the pipe and block.
    StopsReading,
    /// Greets, then answers EHLO with 2 KiB lines without end.
    Floods,
    /// Connects, then says nothing and keeps the connection open.
    Silent,
    /// Connects, then closes without a greeting.
    ClosesAtOnce,
}

/// Connects each mapped address to an in-memory peer and counts the connections open at once.
/// An address it does not map is a test bug: it panics instead of connecting anywhere.
#[derive(Clone, Default)]
struct StubConnector {
    peers: HashMap<IpAddr, Peer>,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    opened: Arc<AtomicUsize>,
}

/// The client's end of a stub connection; dropping it closes the connection.
struct Tracked {
    inner: DuplexStream,
    open: Arc<AtomicUsize>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl Connector for StubConnector {
    type Stream = Tracked;

    fn connect(&self, addr: SocketAddr) -> impl Future<Output = io::Result<Tracked>> + Send {
        let peer = *self.peers.get(&addr.ip()).unwrap_or_else(|| panic!("stub connector: {addr} is not mapped"));
        let (open, peak, opened) = (self.open.clone(), self.peak.clone(), self.opened.clone());
        async move {
            if matches!(peer, Peer::NeverConnects) {
                std::future::pending::<()>().await;
            }
            opened.fetch_add(1, Ordering::SeqCst);
            let now = open.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            // A small pipe, so a peer that stops reading blocks the client's writes quickly.
            let (client, server) = tokio::io::duplex(if matches!(peer, Peer::StopsReading) { 16 } else { 64 * 1024 });
            tokio::spawn(stub_peer(peer, server));
            Ok(Tracked { inner: client, open })
        }
    }
}

async fn stub_peer(peer: Peer, mut stream: DuplexStream) {
    match peer {
        Peer::NeverConnects => {}
        Peer::Polite(delay) => {
            respond(stream, delay, false).await;
        }
        Peer::StopsReading => {
            let _ = stream.write_all(b"220 ready\r\n").await;
            // Keeps its end open and never reads: the client's EHLO does not fit into the pipe.
            std::future::pending::<()>().await;
        }
        Peer::Silent => std::future::pending::<()>().await,
        Peer::ClosesAtOnce => drop(stream),
        Peer::Floods => {
            let _ = stream.write_all(b"220 ready\r\n").await;
            let mut ehlo = [0u8; 64];
            let _ = stream.read(&mut ehlo).await;
            let line = format!("250-{}\r\n", "x".repeat(2044));
            while stream.write_all(line.as_bytes()).await.is_ok() {}
        }
    }
}

fn stub_engine(
    connector: StubConnector,
    max_connections: usize,
    deadline: Duration,
) -> Prober<StaticDns, Guarded<StubConnector>> {
    let mut ips: Vec<IpAddr> = connector.peers.keys().copied().collect();
    ips.sort();
    engine_for(&ips, connector, common::session_config(STEP, 25), max_connections, deadline)
}

/// An engine over the stub connector whose MX addresses are `ips`, with `config`.
fn engine_for(
    ips: &[IpAddr],
    connector: StubConnector,
    config: server::probe::session::SessionConfig,
    max_connections: usize,
    deadline: Duration,
) -> Prober<StaticDns, Guarded<StubConnector>> {
    Prober::new(
        dns(ips),
        Guarded::new(connector, true),
        TlsContext::new(None).expect("TLS context"),
        config,
        max_connections,
        deadline,
    )
}

/// The production waits: a step of 15 s, the greeting 30 s, the deadline 90 s.
fn production_waits(peers: &[(IpAddr, Peer)]) -> Prober<StaticDns, Guarded<StubConnector>> {
    let mut config = common::session_config(Duration::from_secs(15), 25);
    config.greeting_timeout = Duration::from_secs(30);
    let ips: Vec<IpAddr> = peers.iter().map(|(ip, _)| *ip).collect();
    engine_for(&ips, stub(peers), config, 8, Duration::from_secs(90))
}

/// Waits on the paused clock until every stub connection is closed (a minute at most).
async fn all_closed(open: &AtomicUsize) -> usize {
    for _ in 0..600 {
        if open.load(Ordering::SeqCst) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    open.load(Ordering::SeqCst)
}

/// Runs a check on the paused clock; the report and how much (virtual) time it took.
async fn timed(engine: &impl Engine) -> (Report, Duration) {
    let started = tokio::time::Instant::now();
    let (report, _) = common::run(engine, DOMAIN).await;
    (report, started.elapsed())
}

fn stub(peers: &[(IpAddr, Peer)]) -> StubConnector {
    StubConnector { peers: peers.iter().copied().collect(), ..StubConnector::default() }
}

#[tokio::test(start_paused = true)]
async fn one_connection_at_a_time_when_the_engine_allows_one() {
    let peers: Vec<(IpAddr, Peer)> = (1..=3).map(|i| (ip(i), Peer::Polite(Duration::from_secs(1)))).collect();
    let connector = stub(&peers);
    let (peak, opened, open) = (connector.peak.clone(), connector.opened.clone(), connector.open.clone());
    let (report, took) = timed(&stub_engine(connector, 1, Duration::from_secs(30))).await;
    assert!(report.complete);
    assert_eq!(report.mx[0].addresses.len(), 3);
    for a in &report.mx[0].addresses {
        assert_eq!(
            a.open_relay.as_ref().map(|r| r.outcome),
            Some(mxray_report::model::report::RelayOutcome::Refused),
            "{}",
            a.ip
        );
    }
    assert_eq!(opened.load(Ordering::SeqCst), 3);
    assert_eq!(peak.load(Ordering::SeqCst), 1, "never two connections open at once");
    assert_eq!(all_closed(&open).await, 0, "every connection is closed in the end");
    assert!(took >= Duration::from_secs(3), "three greetings of 1 s one after the other: {took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_connect_that_never_completes_ends_at_the_step_timeout() {
    let (report, took) = timed(&stub_engine(stub(&[(ip(1), Peer::NeverConnects)]), 8, Duration::from_secs(60))).await;
    assert!(report.complete);
    let a = &report.mx[0].addresses[0];
    let tcp = a.tcp.as_ref().expect("a TCP result");
    assert_eq!(tcp.outcome, TcpOutcome::Timeout);
    assert_eq!((tcp.failure.as_ref(), tcp.detail.as_deref()), (Some(&ConnectFailure::NoAnswer { secs: 3 }), None));
    assert!(a.banner.is_none() && a.open_relay.is_none() && !a.deadline_hit);
    // The only address, and it timed out: maybe this network drops port 25 (issue 15.6).
    assert_eq!(codes(a), ["port25_timeout"]);
    assert_eq!(report.findings[0].code, "port25_no_answer");
    assert!(report.findings.iter().all(|f| f.code != "no_reachable_mx"), "{:?}", report.findings);
    assert!((STEP..STEP + Duration::from_secs(1)).contains(&took), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_greeting_after_20_s_gets_a_whole_session() {
    // postscreen holds its 220 for ~6 s, Exim delay ACLs 20-60 s: longer than a step, inside the wait.
    let (report, took) = timed(&production_waits(&[(ip(1), Peer::Polite(Duration::from_secs(20)))])).await;
    let a = &report.mx[0].addresses[0];
    let banner = a.banner.as_ref().expect("a greeting");
    assert_eq!((banner.code, banner.greeting_timeout_secs), (Some(220), None));
    assert_eq!(a.open_relay.as_ref().map(|r| r.outcome), Some(mxray_report::model::report::RelayOutcome::Refused));
    assert!(!a.deadline_hit && a.error.is_none(), "{a:?}");
    assert_eq!(report.mx[0].status.reachable, mxray_report::model::report::Mark::Ok);
    // The whole session ran: EHLO (this peer offers no STARTTLS) and the relay probe.
    assert_eq!(codes(a), ["starttls_not_offered", "relay_refused"]);
    assert!(report.findings.iter().all(|f| f.code != "no_reachable_mx"), "{:?}", report.findings);
    assert!(took >= Duration::from_secs(20) && took < Duration::from_secs(30), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_a_slow_greeting_not_a_dead_domain() {
    let (report, took) = timed(&production_waits(&[(ip(1), Peer::Silent)])).await;
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.tcp.as_ref().map(|t| t.outcome), Some(TcpOutcome::Connected));
    let banner = a.banner.as_ref().expect("the greeting step");
    assert_eq!((banner.code, banner.greeting_timeout_secs), (None, Some(30)));
    assert_eq!(codes(a), ["greeting_timeout"]);
    let finding = &a.findings[0];
    assert_eq!(finding.severity, mxray_report::Severity::Warning);
    assert!(finding.title.contains("30 s") && finding.detail.contains("up to 5 minutes"), "{finding:?}");
    assert!(report.findings.iter().all(|f| f.code != "no_reachable_mx"), "{:?}", report.findings);
    assert_eq!(report.worst_severity(), mxray_report::Severity::Warning);
    let (step, status) = (
        mxray_report::checks::marks::step_mark(a, mxray_report::checks::marks::Step::Banner),
        report.mx[0].status.reachable,
    );
    assert_eq!(
        (step, status),
        (mxray_report::model::report::Mark::Inconclusive, mxray_report::model::report::Mark::Inconclusive)
    );
    let verdict = mxray_report::render::facts::verdict(&report, mxray_report::Lang::En).1;
    let named =
        format!("Mail to chaos.test could not be tested: {} at {} ({})", finding.title, report.mx[0].host, a.ip);
    assert!(verdict.starts_with(&named), "{verdict}");
    assert!(!a.deadline_hit && took >= Duration::from_secs(30) && took < Duration::from_secs(31), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_close_without_greeting_stays_critical() {
    let (report, _) = timed(&production_waits(&[(ip(1), Peer::ClosesAtOnce)])).await;
    let a = &report.mx[0].addresses[0];
    let banner = a.banner.as_ref().expect("the greeting step");
    assert_eq!((banner.code, banner.greeting_timeout_secs), (None, None));
    assert_eq!((banner.failure.as_ref(), banner.error.as_deref()), (Some(&ReadFailure::Closed), None));
    assert_eq!(codes(a), ["banner_missing"]);
    assert_eq!(report.findings[0].code, "no_reachable_mx");
    assert_eq!(report.worst_severity(), mxray_report::Severity::Critical);
    assert_eq!(report.mx[0].status.reachable, mxray_report::model::report::Mark::Critical);
}

#[tokio::test(start_paused = true)]
async fn the_egress_check_tells_a_blocked_network_from_dead_servers() {
    use server::probe::egress::EgressTarget;
    let mx = [ip(1), ip(2)];
    let egress = IpAddr::from([198, 51, 100, 25]);
    let run = |egress_peer: Peer| async move {
        let peers = [(mx[0], Peer::NeverConnects), (mx[1], Peer::NeverConnects), (egress, egress_peer)];
        let connector = stub(&peers);
        let opened = connector.opened.clone();
        let engine = engine_for(&mx, connector, common::session_config(STEP, 25), 8, Duration::from_secs(60))
            .with_egress_check(Some(EgressTarget::parse(&format!("{egress}:25")).unwrap()));
        let (report, took) = timed(&engine).await;
        (report, took, opened.load(Ordering::SeqCst))
    };
    // The egress target connects: port 25 leaves this network, the MX hosts are unreachable.
    let (report, took, opened) = run(Peer::Polite(Duration::ZERO)).await;
    let egress_report = report.egress.as_ref().expect("the egress result in the report");
    assert_eq!(egress_report.outcome, mxray_report::model::egress::EgressOutcome::Reachable);
    assert_eq!(egress_report.address.as_deref(), Some("198.51.100.25:25"));
    assert_eq!(report.findings[0].code, "no_reachable_mx");
    assert_eq!(codes(&report.mx[0].addresses[0]), ["port25_unreachable"]);
    assert_eq!(opened, 1, "one connect to the egress target, closed at once");
    assert!(took < STEP + Duration::from_secs(1), "beside the check, no time added: {took:?}");
    // The egress target times out too: this network blocks port 25, nothing was tested.
    let (report, took, _) = run(Peer::NeverConnects).await;
    assert_eq!(report.egress.as_ref().map(|e| e.outcome), Some(mxray_report::model::egress::EgressOutcome::TimedOut));
    assert_eq!(report.findings[0].code, "egress_blocked");
    assert_eq!(report.worst_severity(), mxray_report::Severity::Warning);
    assert_eq!(codes(&report.mx[0].addresses[0]), ["port25_timeout"]);
    assert!(took < STEP + Duration::from_secs(1), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_peer_that_stops_reading_blocks_the_write_only_until_the_step_timeout() {
    let connector = stub(&[(ip(1), Peer::StopsReading)]);
    let open = connector.open.clone();
    let (report, took) = timed(&stub_engine(connector, 8, Duration::from_secs(60))).await;
    assert!(report.complete);
    let a = &report.mx[0].addresses[0];
    assert_eq!(a.banner.as_ref().and_then(|b| b.code), Some(220));
    assert!(a.ehlo.is_none() && a.open_relay.is_none() && !a.deadline_hit, "{a:?}");
    assert_eq!(
        a.failure,
        Some(SessionFailure {
            step: "EHLO".into(),
            connection: SessionLeg::First,
            cause: SessionCause::NoReply { failure: ReadFailure::Timeout { secs: 3 } }
        })
    );
    assert_eq!(a.error, None);
    assert!(!codes(a).contains(&"relay_refused"));
    assert!(took >= STEP && took < 3 * STEP, "ends at the step timeout, not the deadline: {took:?}");
    assert_eq!(all_closed(&open).await, 0, "the blocked connection is closed");
}

#[tokio::test(start_paused = true)]
async fn more_than_the_byte_cap_ends_the_session() {
    let (report, _) = timed(&stub_engine(stub(&[(ip(1), Peer::Floods)]), 8, Duration::from_secs(60))).await;
    assert!(report.complete);
    let a = &report.mx[0].addresses[0];
    assert!(a.ehlo.is_none() && a.open_relay.is_none() && !a.deadline_hit, "{a:?}");
    let bytes = MAX_SESSION_BYTES as u64;
    assert_eq!(
        a.failure,
        Some(SessionFailure {
            step: "EHLO".into(),
            connection: SessionLeg::First,
            cause: SessionCause::NoReply { failure: ReadFailure::TooMuchData { bytes } }
        })
    );
    assert!(!codes(a).contains(&"relay_refused"));
}

// ---------------------------------------------------------------------------------------------
// Real sockets on loopback (wall clock; nothing asserted about time)

/// A lab whose only MX address is served by `listener`.
fn lab_with(listener: &TcpListener) -> Lab {
    let mut lab = Lab::new();
    lab.dns = dns(&[ip(10)]);
    lab.connector.map.insert(ip(10), listener.local_addr().unwrap());
    lab
}

async fn check(lab: &Lab) -> AddressReport {
    let (report, _) =
        common::run(&lab.engine(Limits { step: STEP, deadline: Duration::from_secs(20) }, true), DOMAIN).await;
    assert!(report.complete);
    report.mx[0].addresses[0].clone()
}

/// Accepts connections for ever, handing each to `session`; counts them.
fn serve<F, Fut>(listener: TcpListener, session: F) -> Arc<Counter>
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let accepted = Arc::new(Counter::default());
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.bump();
            tokio::spawn(session(stream));
        }
    });
    accepted
}

#[tokio::test]
async fn a_reset_inside_the_tls_handshake_is_a_failed_handshake_and_the_relay_probe_still_runs() {
    let listener = TcpListener::bind("127.0.5.1:0").await.unwrap();
    let lab = lab_with(&listener);
    let accepted = serve(listener, |stream| async move {
        let Some(stream) = respond(stream, Duration::ZERO, true).await else { return };
        let mut stream = stream;
        // Wait for the ClientHello, then reset the connection (RST, not FIN).
        let mut hello = [0u8; 512];
        let _ = stream.read(&mut hello).await;
        let _ = stream.set_zero_linger();
        drop(stream);
    });
    let a = check(&lab).await;
    let tls = a.starttls.as_ref().unwrap();
    assert_eq!((tls.offered, tls.outcome), (true, StartTlsOutcome::HandshakeFailed), "{tls:?}");
    assert!(tls.error.as_deref().is_some_and(|e| !e.is_empty()));
    assert!(a.certificate.is_none());
    assert!(codes(&a).contains(&"tls_handshake_failed"), "{:?}", codes(&a));
    let relay = a.open_relay.as_ref().expect("the relay probe ran on a second, plaintext connection");
    assert_eq!((relay.outcome, relay.over_tls), (mxray_report::model::report::RelayOutcome::Refused, false));
    assert_eq!((a.connections, accepted.get()), (2, 2));
}

#[tokio::test]
async fn a_close_right_after_the_greeting_ends_the_session_without_a_verdict() {
    let listener = TcpListener::bind("127.0.5.1:0").await.unwrap();
    let lab = lab_with(&listener);
    let accepted = serve(listener, |mut stream| async move {
        let _ = stream.write_all(b"220 mx.chaos.test ESMTP\r\n").await;
    });
    let a = check(&lab).await;
    assert_eq!(a.banner.as_ref().and_then(|b| b.code), Some(220));
    assert!(a.ehlo.is_none() && a.starttls.is_none() && a.open_relay.is_none(), "{a:?}");
    let failure = a.failure.clone().expect("the session says why it ended");
    assert_eq!(failure.step, "EHLO");
    let SessionCause::NoReply { failure } = failure.cause else { panic!("{failure:?}") };
    assert!(
        matches!(&failure, ReadFailure::Closed)
            || matches!(&failure, ReadFailure::Socket { detail } if detail.starts_with("Connection reset")),
        "{failure:?}"
    );
    assert!(!codes(&a).iter().any(|c| ["relay_refused", "tls_ok", "open_relay"].contains(c)), "{:?}", codes(&a));
    assert_eq!((a.connections, accepted.get()), (1, 1));
}

/// Forwards between the client and `upstream`; everything the server sends goes out one byte per
/// TCP segment (Nagle off, a flush and a yield after each byte).
async fn one_byte_segments(mut client: TcpStream, upstream: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    let (mut client_read, mut client_write) = client.split();
    let (mut server_read, mut server_write) = server.split();
    let up = tokio::io::copy(&mut client_read, &mut server_write);
    let down = async {
        let mut byte = [0u8; 1];
        while let Ok(1) = server_read.read(&mut byte).await {
            if client_write.write_all(&byte).await.is_err() || client_write.flush().await.is_err() {
                break;
            }
            tokio::task::yield_now().await;
        }
        let _ = client_write.shutdown().await;
    };
    let _ = tokio::join!(up, down);
}

#[tokio::test]
async fn replies_in_one_byte_segments_read_the_same_as_whole_ones() {
    let mut lab = Lab::new();
    let scenario = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    lab.mx(DOMAIN, 10, HOST, "192.0.2.10", scenario).await;
    let whole = check(&lab).await;

    let listener = TcpListener::bind("127.0.5.1:0").await.unwrap();
    let upstream = lab.servers[0].addr;
    lab.connector.map.insert(ip(10), listener.local_addr().unwrap());
    let accepted = serve(listener, move |client| one_byte_segments(client, upstream));
    let dripped = check(&lab).await;

    assert_eq!(accepted.get(), 1);
    let banner =
        |a: &AddressReport| a.banner.as_ref().map(|b| (b.code, b.text.clone(), b.software.clone(), b.failure.clone()));
    assert_eq!(banner(&dripped), banner(&whole));
    assert_eq!(dripped.ehlo, whole.ehlo);
    assert_eq!(dripped.starttls.as_ref().map(|t| t.outcome), Some(StartTlsOutcome::Ok));
    assert_eq!(dripped.ehlo_tls, whole.ehlo_tls);
    assert_eq!(dripped.certificate.as_ref().map(|c| c.trusted), Some(true));
    assert_eq!(
        dripped.open_relay.as_ref().map(|r| (r.outcome, r.over_tls)),
        whole.open_relay.as_ref().map(|r| (r.outcome, r.over_tls))
    );
    assert_eq!(codes(&dripped), codes(&whole));
    assert_eq!(codes(&dripped), ["tls_ok", "certificate_valid", "relay_refused"]);
    let texts = |a: &AddressReport| -> Vec<String> {
        a.transcript
            .iter()
            .filter(|l| l.dir != mxray_report::model::report::Direction::Event)
            .map(|l| l.text.clone())
            .collect()
    };
    assert_eq!(texts(&dripped), texts(&whole), "the same lines were exchanged");
}

#[tokio::test]
async fn a_ten_thousand_line_ehlo_reply_ends_at_the_line_cap() {
    let mut lab = Lab::new();
    let mut scenario = Scenario::plaintext(HOST);
    let mut ehlo: Vec<String> = (0..9_999).map(|i| format!("250-X-EXTENSION-{i}")).collect();
    ehlo.push("250 SMTPUTF8".into());
    scenario.replies = vec![("EHLO", ehlo.join("\r\n"))];
    lab.mx(DOMAIN, 10, HOST, "192.0.2.10", scenario).await;
    let a = check(&lab).await;
    assert_eq!(a.banner.as_ref().and_then(|b| b.code), Some(220));
    assert!(a.ehlo.is_none() && a.open_relay.is_none(), "{a:?}");
    let lines = MAX_REPLY_LINES as u64;
    assert_eq!(
        a.failure,
        Some(SessionFailure {
            step: "EHLO".into(),
            connection: SessionLeg::First,
            cause: SessionCause::NoReply { failure: ReadFailure::TooManyLines { lines } }
        })
    );
    assert!(!codes(&a).contains(&"relay_refused"));
    assert!(a.transcript.len() <= MAX_LINES + 1, "{} transcript lines", a.transcript.len());
    assert!(!lab.servers[0].commands().iter().any(|c| c.starts_with("MAIL") || c.starts_with("RCPT")));
}

// ---------------------------------------------------------------------------------------------
// Cancellation: the client goes away

/// A peer that never greets and reports when the client closes the connection.
fn silent(listener: TcpListener) -> (Arc<Counter>, mpsc::UnboundedReceiver<()>) {
    let (eof, seen) = mpsc::unbounded_channel();
    let accepted = serve(listener, move |mut stream| {
        let eof = eof.clone();
        async move {
            let mut buf = [0u8; 256];
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
            let _ = eof.send(());
        }
    });
    (accepted, seen)
}

/// Two MX hosts: the first served by a silent peer, the second's address lookup one that takes an
/// hour: only the check's end (or, after 60 s, the engine's own step timeout) can end it, and a
/// connection to that host could only follow its answer.
async fn cancellation_lab() -> (Lab, Arc<Counter>, mpsc::UnboundedReceiver<()>, Arc<Counter>) {
    let mut lab = Lab::new();
    let listener = TcpListener::bind("127.0.5.2:0").await.unwrap();
    lab.connector.map.insert(ip(20), listener.local_addr().unwrap());
    let (accepted, eof) = silent(listener);
    let late = TcpListener::bind("127.0.5.3:0").await.unwrap();
    lab.connector.map.insert(ip(21), late.local_addr().unwrap());
    let (late_accepted, _) = silent(late);
    let records = vec![
        MxRecord { preference: 10, exchange: "mx1.chaos.test".into() },
        MxRecord { preference: 20, exchange: "mx2.chaos.test".into() },
    ];
    lab.dns.mx.insert(DOMAIN.into(), Ok(records));
    lab.dns.hosts.insert("mx1.chaos.test".into(), vec![ip(20)]);
    lab.dns.hosts.insert("mx2.chaos.test".into(), vec![ip(21)]);
    lab.dns.delays.insert("mx2.chaos.test".into(), Duration::from_secs(3600));
    (lab, accepted, eof, late_accepted)
}

/// How long a test waits for an event before it gives up: far above what the event takes, far
/// below the engine's own bounds (step 60 s, deadline 120 s), so an event seen within it was
/// caused by the client leaving, not by a timeout.
const EVENT_BOUND: Duration = Duration::from_secs(10);

/// Waits for the first connection to the silent peer and for the second host's lookup to begin.
async fn first_connection(lab: &Lab, accepted: &Counter) {
    assert_eq!(accepted.reached(1, EVENT_BOUND).await, 1, "the silent peer is connected to");
    assert_eq!(lab.dns.delayed.reached(1, EVENT_BOUND).await, 1, "the second host's lookup has begun");
}

/// After the client left: the silent peer sees EOF and the second host's lookup, which would never
/// answer on its own, is dropped, each long before any bound of the engine (step 60 s, deadline
/// 120 s) could have ended them. With that lookup gone nothing is left that could connect to the
/// second host, so the counts below are final: no sleep has to stand in for "never".
async fn assert_cancelled(lab: &Lab, accepted: &Counter, eof: &mut mpsc::UnboundedReceiver<()>, late: &Counter) {
    let closed = tokio::time::timeout(EVENT_BOUND, eof.recv()).await;
    assert_eq!(closed, Ok(Some(())), "the connection is closed when the client leaves");
    assert_eq!(lab.dns.cancelled.reached(1, EVENT_BOUND).await, 1, "the pending lookup is dropped with the check");
    assert_eq!(accepted.get(), 1);
    assert_eq!(late.get(), 0, "the second host is never connected to");
    assert_eq!(lab.connector.opened.load(Ordering::SeqCst), 1);
}

const PATIENT: Limits = Limits { step: Duration::from_secs(60), deadline: Duration::from_secs(120) };

#[tokio::test]
async fn dropping_the_event_stream_closes_the_connection_and_opens_no_other() {
    let (lab, accepted, mut eof, late) = cancellation_lab().await;
    let engine = lab.engine(PATIENT, true);
    let mut events = engine.check(normalize(DOMAIN).unwrap());
    assert!(matches!(events.next().await, Some(CheckEvent::Started { .. })));
    first_connection(&lab, &accepted).await;
    drop(events);
    assert_cancelled(&lab, &accepted, &mut eof, &late).await;
}

#[tokio::test]
async fn a_client_leaving_the_http_api_closes_the_connection_and_opens_no_other() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use server::web::limits::{Gate, LimitArgs};
    use server::web::{router, AppState};
    use tower::ServiceExt;

    let (lab, accepted, mut eof, late) = cancellation_lab().await;
    let engine: app::engine::SharedEngine = Arc::new(lab.engine(PATIENT, true));
    let leptos = leptos::config::LeptosOptions::builder().output_name("mxray").site_root("target/site").build();
    let app = router(AppState { leptos, engine, watch: None }, Gate::new(&LimitArgs::default()));
    let mut req = Request::get(format!("/api/v1/check?domain={DOMAIN}")).body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 5, 9], 40000))));
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    let mut body = res.into_body().into_data_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"{\"type\":\"started\""));
    first_connection(&lab, &accepted).await;
    drop(body);
    assert_cancelled(&lab, &accepted, &mut eof, &late).await;
}
