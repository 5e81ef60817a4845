//! Port 25 blocked where mxray runs, for real: the test makes a network namespace whose nftables
//! drop every outbound TCP packet to port 25 (as cloud hosts and many home lines do), serves a DNS
//! zone inside it, and runs the `mxray` binary there with `ip netns exec`. Every MX address then
//! times out; the report must say that this may be the network, not blame the domain, and the
//! egress check must tell the two apart. Nothing outside the namespace changes (no file under /etc),
//! and the namespace is removed at the end, also when an assertion fails.
//!
//! Needs root, `ip` (iproute2) and `nft` (nftables): ignored by a plain `cargo test`;
//! `scripts/test.sh` runs it with `--ignored` and `MXRAY_REQUIRE_NETNS=1`, and run that way it fails
//! loudly when something it needs is missing.

use mxray_testkit::{Zone, ZoneServer};
use std::net::{IpAddr, SocketAddr};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;

const DOMAIN: &str = "blocked.egress.test";
/// The MX addresses inside the namespace: nothing needs to listen there, the SYN never leaves.
const MX_ADDRESSES: [&str; 2] = ["127.0.0.25", "127.0.0.26"];
/// An egress target on port 25 that the rule drops as well.
const DROPPED_TARGET: &str = "127.0.0.30:25";
/// The drop rule: outbound TCP to port 25, nothing else.
const RULESET: &str = "table inet mxray_egress {
  chain out { type filter hook output priority 0; policy accept; tcp dport 25 drop; }
}
";

/// A network namespace of this test, removed when dropped.
struct Namespace {
    name: String,
}

impl Namespace {
    /// Creates the namespace with loopback up and the port 25 drop rule in place.
    fn create() -> Self {
        let ns = Namespace { name: format!("mxray-egress-{}", std::process::id()) };
        run("ip", &["netns", "add", &ns.name], None);
        run("ip", &["-n", &ns.name, "link", "set", "lo", "up"], None);
        run("ip", &["netns", "exec", &ns.name, "nft", "-f", "-"], Some(RULESET));
        ns
    }

    /// `mxray check DOMAIN` inside the namespace, with `extra` flags: exit code and the JSON report.
    fn mxray(&self, resolver: SocketAddr, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
        let resolver = resolver.to_string();
        let mut args = vec!["netns", "exec", &self.name, env!("CARGO_BIN_EXE_mxray"), "check", DOMAIN, "--json"];
        args.extend(["--resolver", &resolver, "--allow-private-targets", "--step-timeout-secs", "2"]);
        args.extend(["--greeting-timeout-secs", "3", "--deadline-secs", "10"]);
        args.extend(extra);
        let mut command = Command::new("ip");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MXRAY_") {
                command.env_remove(name);
            }
        }
        let out = command.args(&args).output().expect("run ip netns exec mxray");
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), report)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

/// A DNS zone served from a thread that entered the namespace; stops when dropped.
struct DnsInside {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl DnsInside {
    fn start(ns: &Namespace, zone: Zone) -> Self {
        let path = format!("/run/netns/{}", ns.name);
        let (tx, rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            // Only this thread moves into the namespace; the sockets it binds stay there.
            let file = std::fs::File::open(&path).expect("open the namespace");
            nix::sched::setns(file, nix::sched::CloneFlags::CLONE_NEWNET).expect("enter the namespace");
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let server = ZoneServer::start("127.0.0.1:0".parse().unwrap(), zone).await.expect("DNS server");
                tx.send(server.addr).expect("report the DNS address");
                let _ = stopped.await;
            });
        });
        let addr = rx.recv().expect("the DNS server inside the namespace started");
        DnsInside { addr, stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for DnsInside {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs a setup command; a failure ends the test with the command's own words.
fn run(program: &str, args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(program);
    command.args(args).stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        std::io::Write::write_all(&mut input, text.as_bytes()).expect("write stdin");
    }
    let Output { status, stderr, .. } = child.wait_with_output().expect("wait");
    assert!(status.success(), "{program} {args:?}: {status}: {}", String::from_utf8_lossy(&stderr));
}

/// What this test needs from the machine, said plainly when something is missing.
fn prerequisites() -> Result<(), String> {
    let uid = Command::new("id").arg("-u").output().map_err(|e| format!("cannot run id: {e}"))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("it must run as root (it creates a network namespace)".into());
    }
    for (tool, package) in [("ip", "iproute2"), ("nft", "nftables")] {
        let found = Command::new(tool).arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status();
        if !found.is_ok_and(|s| s.success()) {
            return Err(format!("{tool} is missing (apt-get install {package})"));
        }
    }
    Ok(())
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    findings.iter().filter_map(|f| f["code"].as_str().map(str::to_owned)).collect()
}

/// The port 25 findings of every address.
fn address_codes(report: &serde_json::Value) -> Vec<String> {
    let hosts = report["mx"].as_array().cloned().unwrap_or_default();
    let addresses = hosts.iter().flat_map(|h| h["addresses"].as_array().cloned().unwrap_or_default());
    let findings = addresses.flat_map(|a| a["findings"].as_array().cloned().unwrap_or_default());
    let codes = findings.filter_map(|f| f["code"].as_str().map(str::to_owned));
    codes.filter(|c| c.starts_with("port25")).collect()
}

#[test]
#[ignore = "needs root, ip and nft to make a network namespace that drops port 25; scripts/test.sh runs it with --ignored and MXRAY_REQUIRE_NETNS=1"]
fn a_network_that_drops_port_25_is_not_blamed_on_the_domain() {
    if let Err(missing) = prerequisites() {
        let required = std::env::var("MXRAY_REQUIRE_NETNS").is_ok_and(|v| v == "1");
        panic!("the port 25 egress test cannot run: {missing} (MXRAY_REQUIRE_NETNS={required})");
    }
    let ns = Namespace::create();
    let mut zone = Zone::new("egress.test").mx(DOMAIN, 10, "mx1.egress.test").mx(DOMAIN, 20, "mx2.egress.test");
    for (host, ip) in ["mx1.egress.test", "mx2.egress.test"].into_iter().zip(MX_ADDRESSES) {
        zone = zone.address(host, ip.parse::<IpAddr>().unwrap());
    }
    let dns = DnsInside::start(&ns, zone);

    // No egress check: every address timed out, which may be this network. A warning, no critical.
    let (code, report) = ns.mxray(dns.addr, &[]);
    assert_eq!(report["complete"], true);
    assert_eq!(codes(&report).first().map(String::as_str), Some("port25_no_answer"), "{:?}", codes(&report));
    assert!(!codes(&report).iter().any(|c| c == "no_reachable_mx"), "{:?}", codes(&report));
    assert_eq!(address_codes(&report), ["port25_timeout", "port25_timeout"]);
    assert_eq!(code, Some(0), "no critical finding: the domain is not blamed");
    let hint = report["findings"][0]["remedy"].as_str().unwrap_or_default();
    assert!(hint.contains("--egress-check"), "{hint}");

    // The egress check times out as well: this network blocks port 25, nothing was tested.
    let (code, report) = ns.mxray(dns.addr, &["--egress-check", DROPPED_TARGET]);
    assert_eq!(report["egress"]["outcome"], "timed_out", "{}", report["egress"]);
    assert_eq!(codes(&report).first().map(String::as_str), Some("egress_blocked"), "{:?}", codes(&report));
    assert_eq!(code, Some(0));

    // The egress check connects (the DNS server's TCP port): port 25 to the MX hosts is really dead.
    let reachable = dns.addr.to_string();
    let (code, report) = ns.mxray(dns.addr, &["--egress-check", &reachable]);
    assert_eq!(report["egress"]["outcome"], "reachable", "{}", report["egress"]);
    assert_eq!(codes(&report).first().map(String::as_str), Some("no_reachable_mx"), "{:?}", codes(&report));
    assert_eq!(address_codes(&report), ["port25_unreachable", "port25_unreachable"]);
    assert_eq!(code, Some(2), "critical: the MX hosts cannot be reached although port 25 leaves this network");
    drop(dns);
    drop(ns);
}
