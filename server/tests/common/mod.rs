//! A small lab for engine tests: fake mail servers on loopback, DNS from a table, and a connector
//! that sends each planned address to the fake server standing in for it.
#![allow(dead_code)] // each test binary uses a different part of the lab

pub mod openssl;

use app::engine::Engine;
use futures::StreamExt;
use mxray_report::{normalize, CheckEvent, Report};
use mxray_testkit::{Counter, FakeSmtp, Pipes, Scenario, TestCa};
use server::probe::dns::{HostAddresses, LookupError, MailDns, MxRecord};
use server::probe::net::{Connector, Guarded, TcpConnector};
use server::probe::session::SessionConfig;
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// DNS answers from a table.
#[derive(Clone, Default)]
pub struct StaticDns {
    pub mx: HashMap<String, Result<Vec<MxRecord>, LookupError>>,
    pub hosts: HashMap<String, Vec<IpAddr>>,
    /// How long the address lookup of a host takes.
    pub delays: HashMap<String, Duration>,
    /// TXT records by name (absent: NXDOMAIN).
    pub txt: HashMap<String, Vec<String>>,
    /// PTR names by address (absent: NXDOMAIN).
    pub ptr: HashMap<IpAddr, Vec<String>>,
    /// Address lookups with a delay begun.
    pub delayed: Arc<Counter>,
    /// Address lookups with a delay dropped before they answered (cancelled with their check).
    pub cancelled: Arc<Counter>,
}

/// Counts a lookup as cancelled when dropped before [`Unanswered::answered`].
struct Unanswered<'a>(Option<&'a Counter>);

impl Unanswered<'_> {
    fn answered(mut self) {
        self.0 = None;
    }
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        if let Some(cancelled) = self.0 {
            cancelled.bump();
        }
    }
}

impl MailDns for StaticDns {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        self.mx.get(domain).cloned().unwrap_or(Err(LookupError::NxDomain))
    }
    async fn addresses(&self, host: &str) -> Result<HostAddresses, LookupError> {
        if let Some(delay) = self.delays.get(host) {
            self.delayed.bump();
            let pending = Unanswered(Some(&self.cancelled));
            tokio::time::sleep(*delay).await;
            pending.answered();
        }
        match self.hosts.get(host) {
            Some(ips) => Ok(HostAddresses { cname: None, ips: ips.clone() }),
            None => Err(LookupError::NxDomain),
        }
    }
    fn label(&self) -> String {
        "static".into()
    }
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupError> {
        self.txt.get(name).cloned().ok_or(LookupError::NxDomain)
    }
    async fn ptr(&self, ip: IpAddr) -> Result<Vec<String>, LookupError> {
        self.ptr.get(&ip).cloned().ok_or(LookupError::NxDomain)
    }
}

/// Connects planned addresses to where the fake servers really listen, and counts connections. An
/// address it does not map is an error, never a connection to the real address.
#[derive(Clone, Default)]
pub struct MappedConnector {
    pub map: HashMap<IpAddr, SocketAddr>,
    /// Listeners for one port of an address (submission ports), before `map`.
    pub ports: HashMap<SocketAddr, SocketAddr>,
    pub opened: Arc<AtomicUsize>,
}

impl Connector for MappedConnector {
    type Stream = <TcpConnector as Connector>::Stream;
    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let Some(target) = self.ports.get(&addr).or_else(|| self.map.get(&addr.ip())).copied() else {
            return Err(io::Error::other(format!("test connector: {addr} is not mapped to a loopback listener")));
        };
        self.opened.fetch_add(1, Ordering::SeqCst);
        TcpConnector.connect(target).await
    }

    fn local_addr(&self, stream: &Self::Stream) -> Option<SocketAddr> {
        TcpConnector.local_addr(stream)
    }
}

/// Connects planned addresses to in-memory pipes into the fake servers instead of loopback TCP:
/// with no socket in between, tokio's paused clock decides every timing, so a test can assert
/// times without racing the machine. An address it does not map is an error.
#[derive(Clone, Default)]
pub struct PipeConnector {
    pub map: HashMap<IpAddr, Pipes>,
    pub opened: Arc<AtomicUsize>,
}

impl Connector for PipeConnector {
    type Stream = tokio::io::DuplexStream;
    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let Some(pipes) = self.map.get(&addr.ip()) else {
            return Err(io::Error::other(format!("test connector: {addr} is not mapped to a fake server")));
        };
        self.opened.fetch_add(1, Ordering::SeqCst);
        Ok(pipes.connect())
    }
}

/// Timeouts of a lab engine.
#[derive(Clone, Copy)]
pub struct Limits {
    pub step: Duration,
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { step: Duration::from_secs(3), deadline: Duration::from_secs(10) }
    }
}

/// A test CA with its PEM written to a file for `--ca-file`.
pub struct Lab {
    pub ca: TestCa,
    pub ca_file: PathBuf,
    pub dns: StaticDns,
    pub connector: MappedConnector,
    pub servers: Vec<FakeSmtp>,
}

impl Lab {
    pub fn new() -> Self {
        let ca = TestCa::new();
        let ca_file = std::env::temp_dir().join(format!("mxray-test-ca-{}-{}.pem", std::process::id(), unique()));
        std::fs::write(&ca_file, ca.pem()).expect("write CA file");
        Lab { ca, ca_file, dns: StaticDns::default(), connector: MappedConnector::default(), servers: Vec::new() }
    }

    /// Adds an MX host for `domain` whose address `ip` is served by `scenario`; returns the server index.
    pub async fn mx(&mut self, domain: &str, preference: u16, host: &str, ip: &str, scenario: Scenario) -> usize {
        let server = FakeSmtp::start("127.0.0.1", 0, scenario).await.expect("bind fake server");
        let ip: IpAddr = ip.parse().expect("ip");
        self.connector.map.insert(ip, server.addr);
        self.dns.hosts.entry(host.to_owned()).or_default().push(ip);
        let records = self.dns.mx.entry(domain.to_owned()).or_insert_with(|| Ok(Vec::new()));
        if let Ok(records) = records {
            if !records.iter().any(|r| r.exchange == host) {
                records.push(MxRecord { preference, exchange: host.to_owned() });
            }
        }
        self.servers.push(server);
        self.servers.len() - 1
    }

    /// Serves `scenario` as port `port` of the address `ip` (an MX address added with [`Lab::mx`]).
    pub async fn port(&mut self, ip: &str, port: u16, scenario: Scenario) -> usize {
        let server = FakeSmtp::start("127.0.1.3", 0, scenario).await.expect("bind fake server");
        self.connector.ports.insert(SocketAddr::new(ip.parse().expect("ip"), port), server.addr);
        self.servers.push(server);
        self.servers.len() - 1
    }

    /// The engine over this lab; the SSRF guard sits in front of the mapped connector as in production.
    pub fn engine(&self, limits: Limits, allow_private: bool) -> Prober<StaticDns, Guarded<MappedConnector>> {
        let tls = TlsContext::new(Some(&self.ca_file)).expect("TLS context");
        Prober::new(
            self.dns.clone(),
            Guarded::new(self.connector.clone(), allow_private),
            tls,
            session_config(limits.step, 25),
            64,
            limits.deadline,
        )
    }

    /// The fake servers' pipes by the address each stands in for (port 25).
    pub fn pipes(&self) -> PipeConnector {
        let map = self
            .connector
            .map
            .iter()
            .filter_map(|(ip, addr)| Some((*ip, self.servers.iter().find(|s| s.addr == *addr)?.pipes())))
            .collect();
        PipeConnector { map, opened: Arc::default() }
    }

    /// The engine over this lab's fake servers through in-memory pipes, for tests on tokio's paused
    /// clock; at most `max_connections` at once, as the global connection pool.
    pub fn piped_engine(&self, limits: Limits, max_connections: usize) -> Prober<StaticDns, Guarded<PipeConnector>> {
        let tls = TlsContext::new(Some(&self.ca_file)).expect("TLS context");
        Prober::new(
            self.dns.clone(),
            Guarded::new(self.pipes(), true),
            tls,
            session_config(limits.step, 25),
            max_connections,
            limits.deadline,
        )
    }

    /// Runs a check with default limits, private targets allowed.
    pub async fn check(&self, domain: &str) -> (Report, Vec<CheckEvent>) {
        run(&self.engine(Limits::default(), true), domain).await
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

pub fn session_config(step: Duration, port: u16) -> SessionConfig {
    SessionConfig {
        helo_name: "probe.mxray.test".into(),
        relay_sender: "relay-probe@mxray.test".into(),
        relay_recipient: "relay-test@example.net".into(),
        step_timeout: step,
        // The greeting waits as long as any other reply here; tests of the greeting wait set their own.
        greeting_timeout: step,
        port,
    }
}

/// Runs a check to the end; returns the folded report and every event.
pub async fn run(engine: &impl Engine, domain: &str) -> (Report, Vec<CheckEvent>) {
    let events: Vec<CheckEvent> = engine.check(normalize(domain).expect("valid domain")).collect().await;
    (Report::from_events(&events), events)
}

/// The commands a server saw once mxray's goodbye reached it: mxray sends `QUIT` without waiting for
/// the reply, so a check can end before the server has read it. Waits for that command (10 s at
/// most, as a bound against hanging).
pub async fn after_goodbye(server: &FakeSmtp) -> Vec<String> {
    server.commands_until(|c| c.last().is_some_and(|c| c == "QUIT"), Duration::from_secs(10)).await
}

fn unique() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst)
}
