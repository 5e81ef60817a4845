//! `cargo bench -p server --bench concurrency`: the engine's parallelism, connection count and
//! memory, measured against fake mail servers on loopback. Prints a table; asserts nothing about time.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Lab;
use mxray_testkit::{Scenario, StartTls};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

#[tokio::main]
async fn main() {
    println!("mxray engine benchmark ({RUNS} runs each, loopback, fake servers)\n");
    three_slow_mx().await;
    connections_per_address().await;
    many_checks().await;
}

/// Three MX hosts that each wait 2 s before their banner: ≈ 2 s in parallel, 6 s if sequential.
async fn three_slow_mx() {
    let mut lab = Lab::new();
    for (i, host) in ["mx1.slow.test", "mx2.slow.test", "mx3.slow.test"].iter().enumerate() {
        let mut s = Scenario::good(host, lab.ca.valid(&[host]));
        s.greeting_delay = Duration::from_secs(2);
        lab.mx("slow.test", 10 * (i as u16 + 1), host, &format!("192.0.2.{}", i + 1), s).await;
    }
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let (report, _) = lab.check("slow.test").await;
        times.push(started.elapsed());
        assert!(report.mx.iter().all(|h| h.addresses[0].banner.as_ref().and_then(|b| b.code) == Some(220)));
    }
    times.sort();
    println!(
        "three MX, 2 s banner delay each:  min {:.2} s  median {:.2} s  max {:.2} s  (sequential would be 6 s)",
        times[0].as_secs_f64(),
        times[RUNS / 2].as_secs_f64(),
        times[RUNS - 1].as_secs_f64()
    );
}

/// TCP connections opened per address for every server behaviour the engine handles.
async fn connections_per_address() {
    let mut lab = Lab::new();
    let valid = |lab: &Lab, host: &str| Scenario::good(host, lab.ca.valid(&[host]));
    let cases: Vec<(&str, Scenario)> = vec![
        ("valid TLS", valid(&lab, "mx1.c.test")),
        ("no STARTTLS", Scenario::plaintext("mx2.c.test")),
        ("expired certificate", Scenario::good("mx3.c.test", lab.ca.expired(&["mx3.c.test"]))),
        ("STARTTLS rejected", {
            let mut s = valid(&lab, "mx4.c.test");
            s.starttls = StartTls::Reject("454 4.7.0 TLS not available".into());
            s
        }),
        ("STARTTLS then broken TLS", {
            let mut s = valid(&lab, "mx5.c.test");
            s.starttls = StartTls::Broken;
            s
        }),
        ("plaintext injection", {
            let mut s = valid(&lab, "mx6.c.test");
            s.starttls = StartTls::Inject(lab.ca.valid(&["mx6.c.test"]));
            s
        }),
        ("open relay", {
            let mut s = valid(&lab, "mx7.c.test");
            s.rcpt_reply = "250 2.1.5 Ok".into();
            s
        }),
    ];
    let names: Vec<&str> = cases.iter().map(|(n, _)| *n).collect();
    for (i, (_, scenario)) in cases.into_iter().enumerate() {
        let host = format!("mx{}.c.test", i + 1);
        lab.mx("c.test", 10, &host, &format!("192.0.2.{}", 10 + i), scenario).await;
    }
    let (report, _) = lab.check("c.test").await;
    println!("\nTCP connections per address (limit 2):");
    for (name, server) in names.iter().zip(&lab.servers) {
        println!("  {name:<26} {}", server.connections());
    }
    let max = lab.servers.iter().map(|s| s.connections()).max().unwrap_or(0);
    let engine_count: u8 = report.mx.iter().flat_map(|h| &h.addresses).map(|a| a.connections).max().unwrap_or(0);
    println!("  maximum                    {max} (engine's own count: {engine_count})");
}

/// Throughput and memory: 200 checks of a two-address domain, 20 at a time.
async fn many_checks() {
    let mut lab = Lab::new();
    for ip in ["192.0.2.50", "2001:db8::50"] {
        let s = Scenario::good("mx.many.test", lab.ca.valid(&["mx.many.test"]));
        lab.mx("many.test", 10, "mx.many.test", ip, s).await;
    }
    let engine = lab.engine(common::Limits::default(), true);
    let started = Instant::now();
    for _ in 0..10 {
        let batch = (0..20).map(|_| common::run(&engine, "many.test"));
        for (report, _) in futures::future::join_all(batch).await {
            assert!(report.complete);
        }
    }
    let elapsed = started.elapsed();
    println!(
        "\n200 checks (2 addresses, full TLS session each), 20 concurrent: {:.2} s, {:.1} ms per check",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / 200.0
    );
    if let Some(peak) = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
    }) {
        println!("peak resident memory of the benchmark process (engine + fake servers): {peak} kB");
    }
}
