//! `cargo bench -p server --bench postfix`: the whole check of a healthy three-address domain against
//! real Postfix (the private `strict`, `debian` and `sender` peers of `scripts/postfix-peer.sh`, each
//! with STARTTLS and TLS 1.3, relaying refused) beside one bare swaks session (`--tls --quit-after
//! RCPT`, its own start-up included) on the first of them; on loopback and through the testkit's
//! latency proxy (50 ms round trip, one proxy per address). Medians of the wall times, the round trips
//! each proxy counted and the floor they make; asserts nothing about time.
//!
//! Needs the peers: `scripts/postfix-peer.sh start DIR`, then `MXRAY_TEST_POSTFIX=$(cat DIR/peers)`;
//! without them it says so and measures nothing. swaks is Debian's package (`apt-get install swaks`).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{session_config, MappedConnector, StaticDns};
use mxray_report::model::report::{RelayOutcome, StartTlsOutcome};
use mxray_testkit::LatencyProxy;
use server::probe::dns::MxRecord;
use server::probe::net::{Connector, TcpConnector};
use server::probe::tls::TlsContext;
use server::probe::Prober;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 21;
const RTT: Duration = Duration::from_millis(50);
const DOMAIN: &str = "postfix.test";
const HOST: &str = "mx.postfix.test";
/// The three healthy peers: STARTTLS with TLS 1.3, relaying refused (554, 454, 450).
const PEERS: [&str; 3] = ["strict", "debian", "sender"];

#[tokio::main]
async fn main() {
    let Some(peers) = peers() else {
        println!(
            "postfix benchmark skipped: MXRAY_TEST_POSTFIX is not set. Start the private peers with \
             `scripts/postfix-peer.sh start DIR` and run with MXRAY_TEST_POSTFIX=$(cat DIR/peers)."
        );
        return;
    };
    let addrs: Vec<SocketAddr> = PEERS.iter().map(|name| peers[*name]).collect();
    let runs = std::env::var("MXRAY_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(RUNS);
    println!("mxray against real Postfix ({runs} runs each; {DOMAIN}: one MX, three addresses {addrs:?})\n");

    let mut near = Vec::new();
    let near_engine = engine(TcpConnector, &addrs);
    for _ in 0..runs {
        near.push(check(&near_engine).await);
    }
    print_times("loopback: whole check of the three-address domain", &mut near);
    let swaks_near = swaks(addrs[0], runs);

    // Each address behind its own proxy, so each proxy counts one address's round trips.
    let mut connector = MappedConnector::default();
    let mut proxies = Vec::new();
    for (i, addr) in addrs.iter().enumerate() {
        let bind: SocketAddr = format!("127.0.6.{}:0", i + 1).parse().expect("proxy address");
        let proxy = LatencyProxy::start(bind, *addr, RTT).await.expect("latency proxy");
        connector.map.insert(addr.ip(), proxy.addr);
        proxies.push(proxy);
    }
    let far_engine = engine(connector, &addrs);
    let mut far = Vec::new();
    for _ in 0..runs {
        far.push(check(&far_engine).await);
    }
    let trips: Vec<usize> = proxies.iter().map(|p| p.round_trips() / runs).collect();
    let floor = RTT * u32::try_from(trips.iter().copied().max().unwrap_or(0)).unwrap_or(u32::MAX);
    println!(
        "\nthrough {} ms proxies: round trips per check at each address {trips:?}; floor {:.3} s",
        RTT.as_millis(),
        floor.as_secs_f64()
    );
    print_times("50 ms RTT: whole check of the three-address domain", &mut far);
    let swaks_far = swaks(proxies[0].addr, runs);
    if let (Some(mut near_swaks), Some(mut far_swaks)) = (swaks_near, swaks_far) {
        println!();
        print_times("loopback: one bare swaks session", &mut near_swaks);
        print_times("50 ms RTT: one bare swaks session", &mut far_swaks);
        println!(
            "\nwhole check / one swaks session: {:.2} on loopback, {:.2} at 50 ms RTT",
            median(&near) / median(&near_swaks),
            median(&far) / median(&far_swaks)
        );
    }
}

/// The peers `scripts/postfix-peer.sh` started, by name; `None` without the list.
fn peers() -> Option<HashMap<String, SocketAddr>> {
    let list = std::env::var("MXRAY_TEST_POSTFIX").ok().filter(|l| !l.is_empty())?;
    let peers: HashMap<String, SocketAddr> = list
        .split(',')
        .filter_map(|entry| entry.split_once('='))
        .filter_map(|(name, addr)| Some((name.to_owned(), addr.parse().ok()?)))
        .collect();
    for name in PEERS {
        assert!(peers.contains_key(name), "no peer {name:?} in MXRAY_TEST_POSTFIX: {list}");
    }
    Some(peers)
}

/// The engine of `tests/postfix.rs` (no depth checks), over `connector`, for the three peers.
fn engine<C: Connector>(connector: C, addrs: &[SocketAddr]) -> Prober<StaticDns, C> {
    let mut dns = StaticDns::default();
    dns.mx.insert(DOMAIN.into(), Ok(vec![MxRecord { preference: 10, exchange: HOST.into() }]));
    dns.hosts.insert(HOST.into(), addrs.iter().map(SocketAddr::ip).collect());
    let tls = TlsContext::new(None).expect("TLS context");
    let config = session_config(Duration::from_secs(10), addrs[0].port());
    Prober::new(dns, connector, tls, config, 8, Duration::from_secs(30))
}

/// One whole check, checked for what a healthy domain must show; its wall time.
async fn check<C: Connector>(engine: &Prober<StaticDns, C>) -> Duration {
    let started = Instant::now();
    let (report, _) = common::run(engine, DOMAIN).await;
    let took = started.elapsed();
    let addresses = &report.mx[0].addresses;
    assert_eq!(addresses.len(), 3, "{report:#?}");
    for a in addresses {
        let tls = a.starttls.as_ref().map(|t| (t.outcome, t.tls_version.clone()));
        assert_eq!(tls, Some((StartTlsOutcome::Ok, Some("TLSv1.3".into()))), "{:?}", a.transcript);
        let relay = a.open_relay.as_ref().map(|r| r.outcome);
        assert!(relay.is_some_and(|r| r == RelayOutcome::Refused), "{:?}", a.transcript);
    }
    took
}

/// `runs` swaks sessions to `addr` (process start-up included); `None` when swaks is not installed.
fn swaks(addr: SocketAddr, runs: usize) -> Option<Vec<Duration>> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new("swaks")
            .args(["--server", &addr.ip().to_string(), "--port", &addr.port().to_string()])
            .args(["--tls", "--quit-after", "RCPT", "--helo", "bench.mxray.test"])
            .args(["--from", "relay-probe@mxray.invalid", "--to", "relay-test@example.net"])
            .stdin(Stdio::null())
            .output();
        let took = started.elapsed();
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                println!("swaks not run ({e}): `apt-get install swaks` for the comparison");
                return None;
            }
        };
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("STARTTLS") && (text.contains(" 4.7.1 ") || text.contains(" 5.7.1 ")), "swaks: {text}");
        times.push(took);
    }
    Some(times)
}

fn median(times: &[Duration]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2].as_secs_f64()
}

fn print_times(label: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: min {:.1} ms  median {:.1} ms  max {:.1} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}
