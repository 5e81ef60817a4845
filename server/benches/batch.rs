//! `cargo bench -p server --bench batch`: `mxray batch` over 10,000 domains whose MX hosts point at
//! 50 addresses (fake mail servers on 127.0.50.1–50, one port), with a loopback DNS zone answering
//! for all of them. Printed: wall time and domains per second, the most sessions any one address
//! saw at once (counted by the fakes; must be 1), sessions in all, the child's peak resident memory
//! (getrusage of the waited-for children); then a run killed at a random point and resumed, compared
//! with the uninterrupted one; then four shard processes over the same list. Asserts only the
//! correctness facts (every line once, one session at a time), never time.
//!
//! `MXRAY_BENCH_DOMAINS` (10000) and `MXRAY_BENCH_NO_REUSE=1` (also a run with `--reuse-secs 0`,
//! which takes 200 sessions per address at the default 1 s interval: over 3 minutes).

use mxray_testkit::{FakeSmtp, Scenario, Zone, ZoneServer};
use nix::sys::resource::{getrusage, UsageWho};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ADDRESSES: u8 = 50;

struct World {
    servers: Vec<FakeSmtp>,
    resolver: String,
    port: String,
    list: PathBuf,
    dir: PathBuf,
    domains: usize,
}

impl World {
    fn command(&self, output: &Path, extra: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mxray"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MXRAY_") {
                c.env_remove(name);
            }
        }
        c.arg("batch").arg(&self.list).arg("--output").arg(output);
        c.args(["--resolver", &self.resolver, "--smtp-port", &self.port, "--allow-private-targets"]);
        c.args(["--step-timeout-secs", "5", "--greeting-timeout-secs", "5", "--deadline-secs", "20"]);
        c.args(extra).stderr(Stdio::piped()).stdout(Stdio::null());
        c
    }

    fn sessions(&self) -> usize {
        self.servers.iter().map(FakeSmtp::connections).sum()
    }

    fn peak(&self) -> usize {
        self.servers.iter().map(FakeSmtp::peak_sessions).max().unwrap_or(0)
    }
}

fn lines(path: &Path) -> Vec<(u64, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("whole JSON lines");
            (v["position"].as_u64().unwrap(), v["input"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn peak_rss_mib() -> f64 {
    getrusage(UsageWho::RUSAGE_CHILDREN).map(|u| u.max_rss() as f64 / 1024.0).unwrap_or(0.0)
}

async fn run(w: &World, name: &str, out: &Path, extra: &[&str]) -> Vec<(u64, String)> {
    let (sessions, start) = (w.sessions(), Instant::now());
    let mut command = w.command(out, extra);
    let result = tokio::task::spawn_blocking(move || command.output().expect("run mxray batch")).await.unwrap();
    let took = start.elapsed();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let got = lines(out);
    println!(
        "  {name:<28} {:>6} lines in {:>6.1} s = {:>7.1} domains/s; sessions {:>6}; most at once at one address {}; peak RSS so far {:.1} MiB",
        got.len(),
        took.as_secs_f64(),
        got.len() as f64 / took.as_secs_f64(),
        w.sessions() - sessions,
        w.peak(),
        peak_rss_mib(),
    );
    assert_eq!(w.peak(), 1, "never two sessions at once to one address");
    got
}

#[tokio::main]
async fn main() {
    let domains: usize = std::env::var("MXRAY_BENCH_DOMAINS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut zone = Zone::new("bench.test");
    let mut servers = Vec::new();
    for i in 1..=ADDRESSES {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 50, i));
        let host = format!("mx{i}.bench.test");
        servers.push(FakeSmtp::start(&ip.to_string(), port, Scenario::plaintext(&host)).await.expect("fake server"));
        zone = zone.address(&host, ip);
    }
    let mut list = String::new();
    for d in 0..domains {
        zone = zone.mx(&format!("d{d}.bench.test"), 10, &format!("mx{}.bench.test", d % ADDRESSES as usize + 1));
        list += &format!("d{d}.bench.test\n");
    }
    let dns = ZoneServer::start(SocketAddr::from(([127, 0, 0, 1], 0)), zone).await.expect("DNS zone");
    let dir = std::env::temp_dir().join(format!("mxray-bench-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list_file = dir.join("domains.txt");
    std::fs::write(&list_file, list).unwrap();
    let w = World { servers, resolver: dns.addr.to_string(), port: port.to_string(), list: list_file, dir, domains };
    let expected: BTreeSet<(u64, String)> = (0..domains).map(|d| (d as u64 + 1, format!("d{d}.bench.test"))).collect();

    println!("mxray batch benchmark: {domains} domains, MX at {ADDRESSES} addresses, defaults (--concurrency 32, --per-ip-interval 1, --reuse-secs 300)\n");
    let whole = run(&w, "whole list, reuse on", &w.dir.join("whole.ndjson"), &[]).await;
    assert_eq!(whole.iter().cloned().collect::<BTreeSet<_>>(), expected, "every line once");
    assert_eq!(whole.len(), w.domains);
    if std::env::var_os("MXRAY_BENCH_NO_REUSE").is_some() {
        run(&w, "whole list, reuse off", &w.dir.join("no-reuse.ndjson"), &["--reuse-secs", "0"]).await;
    }

    // Killed at a random point (SIGKILL), then resumed.
    let out = w.dir.join("resumed.ndjson");
    let stop_after = 1 + (std::process::id() as usize * 7919) % (domains / 2).max(1);
    let mut child = w.command(&out, &[]).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    while lines(&out).len() < stop_after && start.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = lines(&out).len();
    let resumed = run(&w, "resumed after a kill", &out, &["--resume"]).await;
    assert_eq!(resumed.len(), whole.len(), "nothing twice");
    assert_eq!(resumed.iter().cloned().collect::<BTreeSet<_>>(), expected, "nothing lost");
    println!(
        "    killed after {before} lines; resumed: the same {} lines as the uninterrupted run, none twice",
        resumed.len()
    );

    // Four shards over the same list.
    let mut all = Vec::new();
    for k in 0..4 {
        let out = w.dir.join(format!("shard{k}.ndjson"));
        all.extend(run(&w, &format!("shard {k}/4"), &out, &["--shard", &format!("{k}/4")]).await);
    }
    assert_eq!(all.len(), whole.len(), "no line in two shards");
    assert_eq!(all.into_iter().collect::<BTreeSet<_>>(), expected, "the shards make the whole list");
    println!("    4 shards: the whole list exactly once");
    std::fs::remove_dir_all(&w.dir).ok();
}
