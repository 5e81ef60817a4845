//! `cargo bench -p server --bench flood`: what a flooding domain costs one `mxray check`.
//!
//! Every address is a fake server that greets normally and then answers each command with 128 lines
//! of 2 KiB control bytes, enough to hit the 256 KiB per-connection cap. `flood.mxray.test` has one
//! MX host with 8 addresses (127.0.0.21–28), `flood80.mxray.test` the most the engine probes: 10 MX
//! hosts of 8 addresses (127.0.0.21–100). All servers share one port; DNS comes from a loopback
//! zone; nothing leaves 127.0.0.0/8. The release `mxray check --json` runs as a child process;
//! printed are the report's size, the child's peak resident memory (getrusage of the waited-for
//! children), the wall time and the transcripts' sizes. Asserts nothing about time.

use mxray_testkit::{FakeSmtp, Scenario, Zone, ZoneServer};
use nix::sys::resource::{getrusage, UsageWho};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 3;

#[tokio::main]
async fn main() {
    // 80 addresses: 10 MX hosts (the engine's cap) of 8 addresses each (its cap per host).
    let ips: Vec<IpAddr> = (0..80).map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 21 + i))).collect();
    let (port, servers) = flood_servers(&ips).await;
    let mut zone = Zone::new("mxray.test");
    zone = zone.mx("flood.mxray.test", 10, "mx.flood.mxray.test");
    for ip in &ips[..8] {
        zone = zone.address("mx.flood.mxray.test", *ip);
    }
    for (i, group) in ips.chunks(8).enumerate() {
        let host = format!("mx{i}.flood80.mxray.test");
        zone = zone.mx("flood80.mxray.test", 10 + i as u16, &host);
        for ip in group {
            zone = zone.address(&host, *ip);
        }
    }
    let dns = ZoneServer::start(SocketAddr::from(([127, 0, 0, 1], 0)), zone).await.expect("start the DNS zone");
    let args = |domain: &str| {
        let args = ["check", domain, "--json", "--resolver", &dns.addr.to_string(), "--allow-private-targets"]
            .map(str::to_owned);
        let more = ["--smtp-port".to_owned(), port.to_string(), "--step-timeout-secs".to_owned(), "5".to_owned()];
        args.into_iter().chain(more).collect::<Vec<_>>()
    };
    println!("mxray flood benchmark: every address answers each command with 128 lines of 2 KiB control bytes\n");
    let report = measure("8 flooding addresses (1 MX host)", args("flood.mxray.test")).await;
    println!("\n  per address (last run): transcript lines, text bytes, bytes as JSON, closing line");
    let mut total = 0;
    for (ip, lines, text, json, closing) in transcripts(&report) {
        total += json;
        println!("    {ip:<11} {lines:>4} lines  {text:>6} B text  {json:>6} B JSON  {closing}");
    }
    println!("    all transcripts as JSON: {total} bytes ({:.2} MiB)", mib(total));

    let report = measure("80 flooding addresses (10 MX hosts x 8)", args("flood80.mxray.test")).await;
    let all = transcripts(&report);
    let text: usize = all.iter().map(|t| t.2).sum();
    let json: usize = all.iter().map(|t| t.3).sum();
    let full = all.iter().filter(|t| t.2 >= 64 * 1024).count();
    println!(
        "\n  {} addresses; transcript text {text} bytes ({:.2} MiB), as JSON {json} bytes ({:.2} MiB); {full} kept 64 KiB",
        all.len(),
        mib(text),
        mib(json)
    );
    if let Some(closing) = all.iter().map(|t| &t.4).find(|c| c.contains("all addresses together")) {
        println!("  e.g. {closing}");
    }
    let connections: usize = servers.iter().map(FakeSmtp::connections).sum();
    println!("\nconnections accepted by the fake servers over all runs: {connections}");
}

/// Runs `mxray check` [`RUNS`] times with `args`; prints size, peak memory and time; returns the last report.
async fn measure(name: &str, args: Vec<String>) -> Value {
    let mxray = env!("CARGO_BIN_EXE_mxray");
    println!("{name}, {RUNS} runs:\n  {mxray} {}", args.join(" "));
    let mut last = Value::Null;
    for run in 1..=RUNS {
        let started = Instant::now();
        let run_args = args.clone();
        let output = tokio::task::spawn_blocking(move || Command::new(mxray).args(run_args).output())
            .await
            .expect("join")
            .expect("run mxray check");
        let wall = started.elapsed();
        // ru_maxrss of RUSAGE_CHILDREN: the largest peak of any child waited for so far (KiB on Linux).
        let peak_kib = getrusage(UsageWho::RUSAGE_CHILDREN).map(|u| u.max_rss()).unwrap_or(-1);
        last = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("mxray printed no JSON ({e}); stderr: {}", String::from_utf8_lossy(&output.stderr))
        });
        println!(
            "  run {run}: report {} bytes ({:.2} MiB), peak RSS {peak_kib} KiB ({:.1} MiB, largest child so far), wall {:.2} s, exit {}",
            output.stdout.len(),
            mib(output.stdout.len()),
            peak_kib as f64 / 1024.0,
            wall.as_secs_f64(),
            output.status.code().unwrap_or(-1),
        );
    }
    last
}

/// Per address: IP, transcript lines, text bytes, bytes as JSON, the closing line.
fn transcripts(report: &Value) -> Vec<(String, usize, usize, usize, String)> {
    let addresses = report["mx"].as_array().into_iter().flatten().flat_map(|h| h["addresses"].as_array()).flatten();
    addresses
        .map(|a| {
            let transcript = a["transcript"].as_array().cloned().unwrap_or_default();
            let text = transcript.iter().map(|l| l["text"].as_str().map_or(0, str::len)).sum();
            let json = serde_json::to_string(&transcript).map_or(0, |s| s.len());
            let closing = transcript.last().and_then(|l| l["text"].as_str()).unwrap_or("").to_owned();
            (a["ip"].as_str().unwrap_or("?").to_owned(), transcript.len(), text, json, closing)
        })
        .collect()
}

/// One flooding fake server per address, all on the same port.
async fn flood_servers(ips: &[IpAddr]) -> (u16, Vec<FakeSmtp>) {
    let scenario = || {
        let mut s = Scenario::plaintext("mx.flood.mxray.test");
        s.flood_replies = true;
        s
    };
    'attempt: for _ in 0..20 {
        let first = FakeSmtp::start(&ips[0].to_string(), 0, scenario()).await.expect("bind a loopback address");
        let port = first.addr.port();
        let mut servers = vec![first];
        for ip in &ips[1..] {
            match FakeSmtp::start(&ip.to_string(), port, scenario()).await {
                Ok(server) => servers.push(server),
                Err(_) => continue 'attempt,
            }
        }
        return (port, servers);
    }
    panic!("no port free on all of {ips:?}");
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
