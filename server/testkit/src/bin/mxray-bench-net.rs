//! The network of scripts/bench.sh: a DNS zone on loopback with two domains for one real mail
//! server, `direct.bench.test` (its MX is the server's own address) and `far.bench.test` (its MX
//! is a latency proxy in front of the server, on the server's port). Prints one JSON line with
//! the resolver and the proxy; then answers each line `counts` on stdin with the proxy's counts
//! (`{"connections":N,"round_trips":N}`) and exits when stdin closes.

use clap::Parser;
use mxray_testkit::{LatencyProxy, Zone, ZoneServer};
use std::io::BufRead;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// DNS zone and latency proxy for the benchmark.
#[derive(Parser)]
struct Args {
    /// The mail server (IP:PORT).
    #[arg(long)]
    upstream: SocketAddr,
    /// Where the DNS server listens (UDP and TCP).
    #[arg(long, default_value = "127.0.5.1:0")]
    dns: SocketAddr,
    /// The latency proxy's address; it listens on the mail server's port.
    #[arg(long, default_value = "127.0.5.40")]
    proxy_ip: IpAddr,
    /// Round-trip time the proxy adds, in milliseconds.
    #[arg(long, default_value_t = 50)]
    rtt_ms: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let proxy_addr = SocketAddr::new(args.proxy_ip, args.upstream.port());
    let proxy = LatencyProxy::start(proxy_addr, args.upstream, Duration::from_millis(args.rtt_ms)).await?;
    let zone = Zone::new("bench.test")
        .mx("direct.bench.test", 10, "mx.direct.bench.test")
        .address("mx.direct.bench.test", args.upstream.ip())
        .mx("far.bench.test", 10, "mx.far.bench.test")
        .address("mx.far.bench.test", args.proxy_ip);
    let dns = ZoneServer::start(args.dns, zone).await?;
    println!("{}", serde_json::json!({ "resolver": dns.addr.to_string(), "proxy": proxy.addr.to_string() }));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::task::spawn_blocking(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = rx.recv().await {
        if line.trim() == "counts" {
            let counts = serde_json::json!({ "connections": proxy.connections(), "round_trips": proxy.round_trips() });
            println!("{counts}");
        }
    }
    Ok(())
}
