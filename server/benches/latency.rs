//! `cargo bench -p server --bench latency`: one MX with STARTTLS (TLS 1.3) and a refused relay probe,
//! through a latency proxy on loopback (50 ms round trip, connect emulated), with PIPELINING and
//! without, with the legacy TLS probe alone beside the session, and with every depth check `mxray
//! check` runs (the legacy probe and the TLS quality probe's two hellos beside the session, reverse
//! DNS); and the same domain on plain loopback. Prints wall times, connections and the round trips
//! the proxy counted; asserts nothing about time.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Lab;
use mxray_report::model::report::RelayOutcome;
use mxray_report::CheckEvent;
use mxray_testkit::{LatencyProxy, Scenario};
use server::probe::depth::DepthChecks;
use std::time::{Duration, Instant};

const RUNS: usize = 7;
const RTT: Duration = Duration::from_millis(50);
const HOST: &str = "mx.latency.test";
const DOMAIN: &str = "latency.test";

#[tokio::main]
async fn main() {
    println!("mxray latency benchmark ({RUNS} runs each; one MX, STARTTLS, TLS 1.3, relay refused)\n");
    let depth = DepthChecks::all(Vec::new(), true);
    let legacy_only = DepthChecks { tls_quality: false, ..depth.clone() };
    for (label, pipelining, depth) in [
        ("PIPELINING offered", true, DepthChecks::default()),
        ("PIPELINING offered, legacy TLS probe only (before the TLS quality probe)", true, legacy_only),
        ("PIPELINING offered, depth checks of `mxray check` (legacy + TLS quality)", true, depth),
        ("no PIPELINING (lock-step)", false, DepthChecks::default()),
    ] {
        through_proxy(label, pipelining, depth).await;
    }
    on_loopback().await;
}

fn scenario(lab: &Lab, pipelining: bool) -> Scenario {
    let mut s = Scenario::good(HOST, lab.ca.valid(&[HOST]));
    if !pipelining {
        s.extensions.retain(|e| e != "PIPELINING");
    }
    s
}

/// Wall time of whole checks and of the relay verdict, through a 50 ms proxy.
async fn through_proxy(label: &str, pipelining: bool, depth: DepthChecks) {
    let mut lab = Lab::new();
    let s = scenario(&lab, pipelining);
    lab.mx(DOMAIN, 10, HOST, "192.0.2.25", s).await;
    let proxy = LatencyProxy::start("127.0.1.2:0".parse().unwrap(), lab.servers[0].addr, RTT).await.unwrap();
    lab.connector.map.insert("192.0.2.25".parse().unwrap(), proxy.addr);
    let (legacy, quality) = (depth.legacy_tls, depth.tls_quality);
    let engine = lab.engine(common::Limits::default(), true).with_depth(depth);
    let (mut done, mut verdict, mut connections) = (Vec::new(), Vec::new(), 0);
    for run in 0..RUNS {
        let started = Instant::now();
        let mut events = app::engine::Engine::check(&engine, mxray_report::normalize(DOMAIN).unwrap());
        let mut report = mxray_report::Report::empty();
        while let Some(event) = futures::StreamExt::next(&mut events).await {
            // The first relay event carries the verdict; a second adds the bypass forms.
            let relay = matches!(&event, CheckEvent::Step { step, .. } if matches!(**step, mxray_report::StepResult::OpenRelay(_)));
            if relay && verdict.len() == run {
                verdict.push(started.elapsed());
            }
            mxray_report::fold(&mut report, &event);
        }
        done.push(started.elapsed());
        let relay = report.mx[0].addresses[0].open_relay.as_ref().map(|r| r.outcome);
        assert_eq!(relay, Some(RelayOutcome::Refused), "{report:#?}");
        let versions = report.mx[0].addresses[0].tls_versions.as_ref();
        assert_eq!(versions.is_some_and(|v| v.legacy.is_some()), legacy, "{report:#?}");
        assert_eq!(report.mx[0].addresses[0].tls_quality.is_some(), quality, "{report:#?}");
        connections = report.mx[0].addresses[0].connections;
    }
    let trips = proxy.round_trips() as f64 / RUNS as f64;
    let together = if legacy { " (all connections together)" } else { "" };
    let ms = RTT.as_millis();
    println!("through a {ms} ms proxy, {label}: {connections} connections, {trips:.1} round trips per check{together}");
    print_times("  whole check (until `done`)", &mut done);
    print_times("  relay verdict (event)     ", &mut verdict);
}

/// The same domain with nothing in between.
async fn on_loopback() {
    let mut lab = Lab::new();
    let s = scenario(&lab, true);
    lab.mx(DOMAIN, 10, HOST, "192.0.2.25", s).await;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let (report, _) = lab.check(DOMAIN).await;
        times.push(started.elapsed());
        assert!(report.complete);
    }
    println!("on loopback, no proxy:");
    print_times("  whole check (until `done`)", &mut times);
}

fn print_times(label: &str, times: &mut [Duration]) {
    times.sort();
    let s = |d: Duration| d.as_secs_f64();
    println!(
        "{label}  min {:.3} s  median {:.3} s  max {:.3} s",
        s(times[0]),
        s(times[times.len() / 2]),
        s(times[times.len() - 1])
    );
}
