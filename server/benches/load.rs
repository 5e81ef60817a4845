//! `cargo bench -p server --bench load`: the HTTP API under load, as deployed.
//!
//! The release `mxray serve` runs as a child process (the real router, gate and engine) with DNS
//! from a loopback zone and fake mail servers (STARTTLS, a refused relay probe) on 127.0.5.20–23.
//! Clients connect from 127.0.5.10–14 (five client addresses) over plain HTTP/1.1.
//!
//! 1. Load: 10,000 checks of `GET /api/v1/check`, 200 in flight at once (40 per client address,
//!    the server's caps set to exactly that). Every response must be a complete stream ending in
//!    the report, or one of the documented refusals (429/503 with `Retry-After`); anything else is
//!    an error. The child's resident memory is sampled every 50 ms: idle before, while 200 checks
//!    run, the peak, and while the first and the last thousand checks run.
//! 2. Limits: a second child with small caps shows the per-client cap (429 `too_many_checks`), the
//!    global cap (503 `busy`) and the rate limit (429 `rate_limited`), each with its `Retry-After`,
//!    and that a client waiting as long as `Retry-After` says is served.
//!
//! Prints figures; exits non-zero when a response was neither a full report nor a documented
//! refusal, or a limit did not behave as documented. Asserts nothing about time.

use mxray_testkit::{FakeSmtp, Scenario, TestCa, Zone, ZoneServer};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

/// Checks in the load phase; `MXRAY_LOAD_CHECKS` sets another number (e.g. 30000 to see whether
/// memory keeps growing or levels off).
const CHECKS: usize = 10_000;
const IN_FLIGHT: usize = 200;
const CLIENTS: u8 = 5;
const DOMAINS: usize = 50;
/// Mail servers (addresses 127.0.5.20–23), each the MX of every fourth domain.
const MAIL_SERVERS: u8 = 4;

#[tokio::main]
async fn main() {
    let world = World::start().await;
    println!("mxray load benchmark: the HTTP API of `mxray serve` (release) against fake mail servers on loopback\n");
    let mut failures = load(&world).await;
    failures += limits(&world).await;
    if failures > 0 {
        eprintln!("\n{failures} failure(s)");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// The test world and the server under test

/// DNS zone, fake mail servers and the CA, all on loopback.
struct World {
    dns: ZoneServer,
    smtp_port: u16,
    ca_file: PathBuf,
    /// Serving while the world lives.
    _servers: Vec<FakeSmtp>,
}

impl World {
    async fn start() -> World {
        let ca = TestCa::new();
        let ca_file = std::env::temp_dir().join(format!("mxray-load-ca-{}.pem", std::process::id()));
        std::fs::write(&ca_file, ca.pem()).expect("write the CA");
        let mut zone = Zone::new("load.test");
        for i in 0..DOMAINS {
            zone = zone.mx(&format!("d{i}.load.test"), 10, &format!("mx{}.load.test", i % usize::from(MAIL_SERVERS)));
        }
        zone = zone.mx("slow.load.test", 10, "mx.slow.load.test").address("mx.slow.load.test", ip(24));
        let mut scenarios: Vec<(IpAddr, Scenario)> = (0..MAIL_SERVERS)
            .map(|m| {
                let host = format!("mx{m}.load.test");
                (ip(20 + m), Scenario::good(&host, ca.valid(&[&host])))
            })
            .collect();
        for (m, (address, _)) in scenarios.iter().enumerate() {
            zone = zone.address(&format!("mx{m}.load.test"), *address);
        }
        let mut slow = Scenario::good("mx.slow.load.test", ca.valid(&["mx.slow.load.test"]));
        slow.greeting_delay = Duration::from_secs(3);
        scenarios.push((ip(24), slow));
        let dns = ZoneServer::start(SocketAddr::new(ip(1), 0), zone).await.expect("DNS zone on 127.0.5.1");
        let (smtp_port, servers) = same_port(&scenarios).await;
        World { dns, smtp_port, ca_file, _servers: servers }
    }

    /// Starts `mxray serve` with these limits; waits until it accepts connections.
    async fn serve(&self, limits: &[(&str, &str)]) -> Server {
        let addr = SocketAddr::new(ip(1), free_port(ip(1)));
        let mut args: Vec<String> = [
            "serve",
            "--addr",
            &addr.to_string(),
            "--resolver",
            &self.dns.addr.to_string(),
            "--smtp-port",
            &self.smtp_port.to_string(),
            "--ca-file",
            &self.ca_file.display().to_string(),
            "--allow-private-targets",
            "--max-connections",
            "512",
        ]
        .map(str::to_owned)
        .to_vec();
        for (flag, value) in limits {
            args.extend([(*flag).to_owned(), (*value).to_owned()]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_mxray"))
            .args(&args)
            .env("RUST_LOG", "off")
            .env("LEPTOS_OUTPUT_NAME", "mxray")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mxray serve");
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Server { addr, child };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("mxray serve did not listen on {addr}");
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// A running `mxray serve`; killed when dropped.
struct Server {
    addr: SocketAddr,
    child: Child,
}

impl Server {
    /// Resident and peak resident memory in KiB (VmRSS, VmHWM).
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 5, last))
}

fn free_port(ip: IpAddr) -> u16 {
    std::net::TcpListener::bind((ip, 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// One fake server per address, all on one port.
async fn same_port(scenarios: &[(IpAddr, Scenario)]) -> (u16, Vec<FakeSmtp>) {
    'attempt: for _ in 0..20 {
        let port = free_port(scenarios[0].0);
        let mut servers = Vec::new();
        for (address, scenario) in scenarios {
            match FakeSmtp::start(&address.to_string(), port, scenario.clone()).await {
                Ok(server) => servers.push(server),
                Err(_) => continue 'attempt,
            }
        }
        return (port, servers);
    }
    panic!("no port free on all of 127.0.5.20-24");
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client (one request per connection, from a chosen source address)

/// A response: status, `Retry-After`, and the body (de-chunked).
struct Response {
    status: u16,
    retry_after: Option<u64>,
    body: Vec<u8>,
}

/// `GET path` from `client` to `server`; `Err` for a transport failure or a malformed response.
async fn get(server: SocketAddr, client: IpAddr, path: &str) -> Result<Response, String> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::new(client, 0)).map_err(|e| format!("bind {client}: {e}"))?;
    let mut stream = socket.connect(server).await.map_err(|e| format!("connect: {e}"))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.map_err(|e| format!("read: {e}"))?;
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or("no status")?;
    let header = |name: &str| {
        head.split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    let retry_after = header("retry-after").and_then(|v| v.parse().ok());
    let rest = &raw[end + 4..];
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest).ok_or("a cut chunked body")?
    } else {
        rest.to_vec()
    };
    Ok(Response { status, retry_after, body })
}

/// The body of a chunked transfer; `None` when it does not end with the last chunk.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// How a check request ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// A complete stream whose last line is the report, with STARTTLS and the relay probe done.
    Report,
    /// A documented refusal: status, its `code`, `Retry-After`.
    Refused(u16, String, Option<u64>),
    /// Anything else.
    Error(String),
}

fn outcome(response: Result<Response, String>) -> Outcome {
    let response = match response {
        Ok(r) => r,
        Err(e) => return Outcome::Error(e),
    };
    let text = String::from_utf8_lossy(&response.body);
    match response.status {
        200 => {
            let Some(last) = text.lines().rfind(|l| !l.trim().is_empty()) else {
                return Outcome::Error("an empty stream".into());
            };
            let last: Value = serde_json::from_str(last).unwrap_or(Value::Null);
            let address = &last["report"]["mx"][0]["addresses"][0];
            let full = last["type"] == "done"
                && last["report"]["complete"] == true
                && address["starttls"]["outcome"] == "ok"
                && address["open_relay"]["outcome"] == "refused";
            if full {
                Outcome::Report
            } else {
                Outcome::Error(format!("not a full report: {}", &text[text.len().saturating_sub(300)..]))
            }
        }
        status @ (429 | 503) => {
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let code = body["code"].as_str().unwrap_or("?").to_owned();
            Outcome::Refused(status, code, response.retry_after)
        }
        status => Outcome::Error(format!("HTTP {status}: {}", &text[..text.len().min(200)])),
    }
}

fn check_path(domain: &str) -> String {
    format!("/api/v1/check?domain={domain}")
}

// ---------------------------------------------------------------------------------------------
// 1. Load

/// Resident memory samples of the child, with how many checks had finished and how many ran.
#[derive(Clone, Copy)]
struct Sample {
    rss_kib: u64,
    finished: usize,
    running: usize,
}

async fn load(world: &World) -> usize {
    let checks: usize = std::env::var("MXRAY_LOAD_CHECKS").ok().and_then(|n| n.parse().ok()).unwrap_or(CHECKS);
    let per_client = (IN_FLIGHT / usize::from(CLIENTS)).to_string();
    let in_flight = IN_FLIGHT.to_string();
    let server = Arc::new(
        world
            .serve(&[
                ("--max-checks", &in_flight),
                ("--max-checks-per-client", &per_client),
                ("--rate-limit-per-minute", "100000"),
                ("--rate-limit-burst", "10000"),
            ])
            .await,
    );
    // Warm up (TLS roots, DNS cache, allocator), then take the idle figure.
    for i in 0..20 {
        let _ = get(server.addr, ip(10), &check_path(&format!("d{i}.load.test"))).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (idle_before, _) = server.memory();

    let next = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(checks)));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (server, finished, running, samples, done) =
            (server.clone(), finished.clone(), running.clone(), samples.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let (rss_kib, _) = server.memory();
                let sample = Sample {
                    rss_kib,
                    finished: finished.load(Ordering::SeqCst),
                    running: running.load(Ordering::SeqCst),
                };
                samples.lock().unwrap().push(sample);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|w| {
            let (server, next, finished, running, results) =
                (server.clone(), next.clone(), finished.clone(), running.clone(), results.clone());
            let client = ip(10 + (w % usize::from(CLIENTS)) as u8);
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= checks {
                        return;
                    }
                    running.fetch_add(1, Ordering::SeqCst);
                    let t = Instant::now();
                    let result =
                        outcome(get(server.addr, client, &check_path(&format!("d{}.load.test", n % DOMAINS))).await);
                    running.fetch_sub(1, Ordering::SeqCst);
                    results.lock().unwrap().push((result, t.elapsed()));
                    finished.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let wall = started.elapsed();
    done.store(true, Ordering::SeqCst);
    sampler.await.expect("sampler");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (idle_after, peak) = server.memory();

    let results = std::mem::take(&mut *results.lock().unwrap());
    let samples = std::mem::take(&mut *samples.lock().unwrap());
    let reports = results.iter().filter(|(o, _)| *o == Outcome::Report).count();
    let refused: Vec<&Outcome> = results.iter().map(|(o, _)| o).filter(|o| matches!(o, Outcome::Refused(..))).collect();
    let errors: Vec<&Outcome> = results.iter().map(|(o, _)| o).filter(|o| matches!(o, Outcome::Error(_))).collect();
    let mut times: Vec<Duration> = results.iter().map(|(_, t)| *t).collect();
    times.sort();
    let pct = |p: usize| times.get(times.len() * p / 100).copied().unwrap_or_default().as_secs_f64() * 1000.0;
    let full_load: Vec<u64> = samples.iter().filter(|s| s.running >= IN_FLIGHT).map(|s| s.rss_kib).collect();
    let window = |from: usize, to: usize| -> Vec<u64> {
        samples.iter().filter(|s| s.finished >= from && s.finished < to).map(|s| s.rss_kib).collect()
    };
    let (first, last) = (window(0, 1_000), window(checks - 1_000, checks));

    println!("1. {checks} checks, {IN_FLIGHT} in flight from {CLIENTS} client addresses (127.0.5.10-14)");
    println!(
        "   wall {:.1} s, {:.0} checks/s; per check p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        wall.as_secs_f64(),
        checks as f64 / wall.as_secs_f64(),
        pct(50),
        pct(99),
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!("   full reports {reports}, documented refusals (429/503) {}, errors {}", refused.len(), errors.len());
    println!("   server RSS: idle before {} MiB; with {IN_FLIGHT} in flight median {} MiB ({} samples); peak (VmHWM) {} MiB; idle after {} MiB", mib(idle_before), mib(median(&full_load)), full_load.len(), mib(peak), mib(idle_after));
    println!(
        "   RSS per in-flight check: {:.0} KiB ((median under full load - idle before) / {IN_FLIGHT})",
        (median(&full_load).saturating_sub(idle_before)) as f64 / IN_FLIGHT as f64
    );
    println!("   RSS while the first 1000 checks ran: median {} MiB, max {} MiB; while the last 1000 ran: median {} MiB, max {} MiB", mib(median(&first)), mib(first.iter().copied().max().unwrap_or(0)), mib(median(&last)), mib(last.iter().copied().max().unwrap_or(0)));
    let windows: Vec<String> = (0..checks / 1_000).map(|k| mib(median(&window(k * 1_000, (k + 1) * 1_000)))).collect();
    println!("   RSS median per thousand checks finished (MiB): {}", windows.join(", "));
    let mut failures = 0;
    for e in errors.iter().take(5) {
        println!("   error: {e:?}");
    }
    if !errors.is_empty() {
        failures += 1;
    }
    for r in refused.iter().take(5) {
        println!("   refused: {r:?}");
    }
    if reports + refused.len() != checks {
        failures += 1;
    }
    println!();
    failures
}

fn median(values: &[u64]) -> u64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

// ---------------------------------------------------------------------------------------------
// 2. Limits

async fn limits(world: &World) -> usize {
    // 4 checks at once over all clients, 2 per client, 6 per minute with a burst of 3.
    let server = Arc::new(
        world
            .serve(&[
                ("--max-checks", "4"),
                ("--max-checks-per-client", "2"),
                ("--rate-limit-per-minute", "6"),
                ("--rate-limit-burst", "3"),
            ])
            .await,
    );
    let mut failures = 0;
    let mut expect = |what: &str, got: &Outcome, want: &Outcome| {
        let ok = got == want;
        println!("   {} {what}: {got:?}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            println!("        expected {want:?}");
            failures += 1;
        }
    };
    println!("2. Limits (--max-checks 4 --max-checks-per-client 2 --rate-limit-per-minute 6 --rate-limit-burst 3)");
    let slow = check_path("slow.load.test");
    let call = |client: u8, path: String| {
        let server = server.clone();
        tokio::spawn(async move { outcome(get(server.addr, ip(client), &path).await) })
    };
    // Client .30 starts two slow checks (3 s greeting); its third is over its own cap.
    let a = [call(30, slow.clone()), call(30, slow.clone())];
    tokio::time::sleep(Duration::from_millis(500)).await;
    let third = call(30, slow.clone()).await.unwrap();
    expect("a third check from one client", &third, &Outcome::Refused(429, "too_many_checks".into(), Some(10)));
    // Client .31 takes the last two slots; client .32 finds the server full.
    let b = [call(31, slow.clone()), call(31, slow.clone())];
    tokio::time::sleep(Duration::from_millis(500)).await;
    let full = call(32, slow.clone()).await.unwrap();
    expect("a fifth check on a full server", &full, &Outcome::Refused(503, "busy".into(), Some(10)));
    for handle in a.into_iter().chain(b) {
        let got = handle.await.unwrap();
        expect("a running check ends with its report", &got, &Outcome::Report);
    }
    // Client .33 spends its burst of three, one after the other; the fourth waits for a token.
    let fast = |i: usize| check_path(&format!("d{i}.load.test"));
    let first_token = Instant::now();
    for i in 0..3 {
        let got = call(33, fast(i)).await.unwrap();
        expect(&format!("burst check {}", i + 1), &got, &Outcome::Report);
    }
    let limited = call(33, fast(3)).await.unwrap();
    // One token comes every 10 s: the wait is 10 s less the time since the burst began, rounded up.
    let spent = first_token.elapsed().as_secs_f64();
    let wait = (10.0 - spent).ceil().max(1.0) as u64;
    let documented = match &limited {
        Outcome::Refused(429, code, Some(secs)) if code == "rate_limited" && (wait..=wait + 1).contains(secs) => *secs,
        _ => wait,
    };
    expect("a fourth check at once", &limited, &Outcome::Refused(429, "rate_limited".into(), Some(documented)));
    let wait = documented;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let after = call(33, fast(4)).await.unwrap();
    expect(&format!("the same client after Retry-After ({wait} s)"), &after, &Outcome::Report);
    let other = call(34, fast(5)).await.unwrap();
    expect("another client meanwhile", &other, &Outcome::Report);
    let (rss, peak) = server.memory();
    println!("   server RSS {} MiB, peak {} MiB", mib(rss), mib(peak));
    failures
}
