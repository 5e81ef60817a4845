//! Serves a test world on loopback for browser tests and manual trials: the zone `mxray.test` on a
//! DNS address (with a blocklist zone `bl.mxray.test` listing the open relay's address, and policy
//! records for openrelay.mxray.test), and fake mail servers on 127.0.0.11–17 at one SMTP port
//! (no reverse zone: mxray skips reverse DNS for loopback addresses). Prints one JSON line with
//! the resolver, port and CA file, then serves until killed.
//!
//! With `--control ADDR` it also takes one-line commands over TCP there, each answered `ok`:
//! `hold` keeps the slow MX of progressive.mxray.test from greeting (sessions wait before their
//! banner), `release` lets them go on. A browser test that must see that host still pending holds
//! it, instead of racing the slow MX's delay.

use clap::Parser;
use mxray_testkit::{FakeSmtp, Greeting, Hold, Scenario, TestCa, Zone, ZoneServer};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Test DNS zone and fake SMTP servers on loopback.
#[derive(Parser)]
struct Args {
    /// Where the DNS server listens (UDP and TCP).
    #[arg(long, default_value = "127.0.0.1:15353")]
    dns: SocketAddr,
    /// SMTP port of every fake server.
    #[arg(long, default_value_t = 2525)]
    smtp_port: u16,
    /// Where to write the test CA (PEM).
    #[arg(long)]
    ca_out: Option<PathBuf>,
    /// Seconds the slow MX waits before its banner.
    #[arg(long, default_value_t = 4)]
    slow_secs: u64,
    /// Where to take `hold` / `release` commands for the slow MX (TCP, one line each).
    #[arg(long)]
    control: Option<SocketAddr>,
}

/// Answers each control connection's lines: `hold` and `release` move the latch (`ok`), anything
/// else is refused with a line that says so.
async fn control(listener: TcpListener, latch: Hold) {
    while let Ok((stream, _)) = listener.accept().await {
        let latch = latch.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let answer = match line.trim() {
                    "hold" => {
                        latch.hold();
                        "ok".to_owned()
                    }
                    "release" => {
                        latch.release();
                        "ok".to_owned()
                    }
                    other => format!("error: unknown command {other:?} (hold, release)"),
                };
                if lines.get_mut().write_all(format!("{answer}\n").as_bytes()).await.is_err() {
                    break;
                }
            }
        });
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let ca = TestCa::new();
    let ca_file = args.ca_out.unwrap_or_else(|| std::env::temp_dir().join("mxray-fixtures-ca.pem"));
    std::fs::write(&ca_file, ca.pem())?;

    let latch = Hold::default();
    let slow = {
        let mut s = Scenario::good("slow.progressive.mxray.test", ca.valid(&["slow.progressive.mxray.test"]));
        s.greeting_delay = Duration::from_secs(args.slow_secs);
        s.hold = Some(latch.clone());
        s
    };
    // Bound before the JSON line is printed, so a caller that waits for that line can use it.
    if let Some(addr) = args.control {
        tokio::spawn(control(TcpListener::bind(addr).await?, latch));
    }
    let open_relay = {
        let mut s = Scenario::plaintext("mx.openrelay.mxray.test");
        s.rcpt_reply = "250 2.1.5 Ok".into();
        s
    };
    // Behind a Cisco ASA's SMTP inspection: the greeting masked, EHLO turned into XXXX (issue 23).
    let firewalled = {
        let mut s = Scenario::plaintext("mx.firewall.mxray.test");
        s.greeting = Greeting::Reply("220 ***************************0*0*2******0*******0***0*00**".into());
        s.replies = vec![("EHLO", "500 5.5.1 Command unrecognized: \"XXXX mxray.invalid\"".into())];
        s
    };
    let world: Vec<(&str, &str, u16, Scenario)> = vec![
        (
            "good.mxray.test",
            "mx.good.mxray.test",
            10,
            Scenario::good("mx.good.mxray.test", ca.valid(&["mx.good.mxray.test"])),
        ),
        (
            "progressive.mxray.test",
            "fast.progressive.mxray.test",
            10,
            Scenario::good("fast.progressive.mxray.test", ca.valid(&["fast.progressive.mxray.test"])),
        ),
        ("progressive.mxray.test", "slow.progressive.mxray.test", 20, slow),
        ("openrelay.mxray.test", "mx.openrelay.mxray.test", 10, open_relay),
        (
            "implicit.mxray.test",
            "implicit.mxray.test",
            0,
            Scenario::good("implicit.mxray.test", ca.valid(&["implicit.mxray.test"])),
        ),
        (
            "expired.mxray.test",
            "mx.expired.mxray.test",
            10,
            Scenario::good("mx.expired.mxray.test", ca.expired(&["mx.expired.mxray.test"])),
        ),
        ("firewall.mxray.test", "mx.firewall.mxray.test", 10, firewalled),
    ];
    // openrelay.mxray.test publishes MTA-STS whose policy host has no address, and TLS-RPT; its
    // server is on the blocklist.
    let mut zone = Zone::new("mxray.test")
        .mx("nullmx.mxray.test", 0, "")
        .txt("_mta-sts.openrelay.mxray.test", "v=STSv1; id=20261201")
        .txt("_smtp._tls.openrelay.mxray.test", "v=TLSRPTv1; rua=mailto:tls-reports@openrelay.mxray.test")
        // firewall.mxray.test's MTA-STS record was typed with its quotes: senders ignore it.
        .txt("_mta-sts.firewall.mxray.test", "\"v=STSv1; id=20261207\"")
        .address("14.0.0.127.bl.mxray.test", "127.0.0.2".parse()?)
        .txt("14.0.0.127.bl.mxray.test", "Listed for the browser tests");
    let mut servers = Vec::new();
    for (i, (domain, host, preference, scenario)) in world.into_iter().enumerate() {
        let ip: IpAddr = format!("127.0.0.{}", 11 + i).parse()?;
        if preference > 0 {
            zone = zone.mx(domain, preference, host);
        }
        zone = zone.address(host, ip);
        servers.push(FakeSmtp::start(&ip.to_string(), args.smtp_port, scenario).await?);
    }
    let dns = ZoneServer::start(args.dns, zone).await?;
    println!(
        "{}",
        serde_json::json!({ "resolver": dns.addr.to_string(), "smtp_port": args.smtp_port, "ca_file": ca_file })
    );
    tokio::signal::ctrl_c().await?;
    drop(servers);
    Ok(())
}
