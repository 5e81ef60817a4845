//! `mxray batch` as a user runs it, against a loopback world: 40 domains whose MX hosts share three
//! fake mail servers (plus one open relay), a zone on a loopback DNS server, and a list with a
//! comment, a blank line and a line that is no domain. What a postmaster's nightly job relies on:
//! every line answered once, never two sessions at once to one server, a killed run resumed without
//! loss or repeat, shards that split the list exactly.

use mxray_testkit::{FakeSmtp, Scenario, Zone, ZoneServer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The shared mail servers' addresses (each serves many domains) and the open relay's.
const SHARED: [&str; 3] = ["127.0.40.1", "127.0.40.2", "127.0.40.3"];
const OPEN: &str = "127.0.40.4";
/// Domains on the shared servers.
const DOMAINS: usize = 40;

struct World {
    servers: Vec<FakeSmtp>,
    _dns: ZoneServer,
    resolver: String,
    port: String,
    dir: PathBuf,
    list: PathBuf,
}

impl World {
    async fn start(name: &str) -> World {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut servers = Vec::new();
        let mut zone = Zone::new("batch.test");
        for (i, ip) in SHARED.iter().enumerate() {
            let host = format!("mx{i}.batch.test");
            servers.push(FakeSmtp::start(ip, port, Scenario::plaintext(&host)).await.unwrap());
            zone = zone.address(&host, ip.parse().unwrap());
        }
        let mut open = Scenario::plaintext("mx.open.batch.test");
        open.rcpt_reply = "250 2.1.5 Ok".into();
        servers.push(FakeSmtp::start(OPEN, port, open).await.unwrap());
        zone =
            zone.address("mx.open.batch.test", OPEN.parse().unwrap()).mx("open.batch.test", 10, "mx.open.batch.test");
        let mut list = String::from("# the customers\n");
        for d in 0..DOMAINS {
            zone = zone.mx(&format!("d{d}.batch.test"), 10, &format!("mx{}.batch.test", d % SHARED.len()));
            list += &format!("d{d}.batch.test\n");
            if d == 20 {
                list += "\nnot a domain\npostmaster@open.batch.test\n";
            }
        }
        let dns = ZoneServer::start("127.0.0.1:0".parse().unwrap(), zone).await.unwrap();
        let dir = std::env::temp_dir().join(format!("mxray-batch-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let list_file = dir.join("domains.txt");
        std::fs::write(&list_file, list).unwrap();
        World { servers, resolver: dns.addr.to_string(), _dns: dns, port: port.to_string(), dir, list: list_file }
    }

    /// `mxray batch` over the world's list with `extra` arguments, without the caller's MXRAY_*.
    fn command(&self, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mxray"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MXRAY_") {
                command.env_remove(name);
            }
        }
        command.arg("batch").arg(&self.list);
        command.args(["--resolver", &self.resolver, "--smtp-port", &self.port, "--allow-private-targets"]);
        command.args(["--step-timeout-secs", "5", "--greeting-timeout-secs", "5", "--deadline-secs", "20"]);
        command.args(extra);
        command
    }

    async fn run(&self, extra: &[&str]) -> Output {
        let mut command = self.command(extra);
        tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
    }

    fn most_sessions_at_once(&self) -> usize {
        self.servers.iter().map(FakeSmtp::peak_sessions).max().unwrap()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The (position, input) of each NDJSON line, in file order.
fn lines(path: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            (v["position"].as_u64().unwrap(), v["input"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn expected() -> BTreeSet<(u64, String)> {
    let mut out = BTreeSet::new();
    let mut position = 2;
    for d in 0..DOMAINS {
        out.insert((position, format!("d{d}.batch.test")));
        position += 1;
        if d == 20 {
            out.insert((position + 1, "not a domain".into()));
            out.insert((position + 2, "postmaster@open.batch.test".into()));
            position += 3;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_line_once_one_session_at_a_time_per_server_and_the_findings_counted() {
    let w = World::start("all").await;
    let out = w.dir.join("all.ndjson");
    let run = w.run(&["--output", out.to_str().unwrap(), "--concurrency", "8", "--per-ip-interval", "0.02"]).await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let got = lines(&out);
    assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), expected(), "every line answered");
    assert_eq!(got.len(), expected().len(), "none twice");
    assert_eq!(w.most_sessions_at_once(), 1, "never two sessions at once to one server");
    // Reuse (on by default): one probe per shared server answers all of its domains.
    let sessions = |w: &World| w.servers[..SHARED.len()].iter().map(FakeSmtp::connections).sum::<usize>();
    let reused = sessions(&w);
    assert!(reused <= 2 * SHARED.len(), "{reused} sessions for {DOMAINS} domains on {} servers", SHARED.len());
    // The domains whose address was reused say so in the transcript, and are judged all the same.
    let reports: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let said = |r: &serde_json::Value| {
        r["report"]["mx"][0]["addresses"][0]["transcript"][0]["text"].as_str().map(str::to_owned)
    };
    let reuses =
        reports.iter().filter(|r| said(r).is_some_and(|t| t.starts_with("results reused from the check of d"))).count();
    assert!(reuses >= DOMAINS - 2 * SHARED.len(), "{reuses}");
    for r in reports.iter().filter(|r| r["domain"].as_str().is_some_and(|d| d.starts_with('d'))) {
        assert_eq!(r["report"]["mx"][0]["status"]["reachable"], "ok", "{r}");
        assert_eq!(r["report"]["mx"][0]["status"]["open_relay"], "ok", "{r}");
    }
    assert!(stderr.contains(&format!("{} checked", DOMAINS + 1)) && stderr.contains("1 open relay"), "{stderr}");
    assert!(stderr.contains("1 invalid line"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    let open: serde_json::Value =
        serde_json::from_str(text.lines().find(|l| l.contains("postmaster@open.batch.test")).unwrap()).unwrap();
    assert_eq!((open["domain"].as_str(), open["worst"].as_str()), (Some("open.batch.test"), Some("critical")));
    assert_eq!(open["report"]["schema"], "mxray.report.v1");
    let bad: serde_json::Value =
        serde_json::from_str(text.lines().find(|l| l.contains("not a domain")).unwrap()).unwrap();
    assert_eq!(bad["error"]["code"], "invalid_input");

    // --fail-on critical: the open relay makes it 2; CSV rows on standard output, one per address.
    let run = w.run(&["--format", "csv", "--fail-on", "critical", "--per-ip-interval", "0", "--reuse-secs", "0"]).await;
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(sessions(&w) >= reused + DOMAINS, "without reuse every domain gets its own session");
    assert_eq!(w.most_sessions_at_once(), 1);
    let csv = String::from_utf8(run.stdout).unwrap();
    assert!(csv.starts_with("position,input,domain,mx,preference,ip,tcp,banner,ehlo,starttls,certificate,open_relay,"));
    assert_eq!(csv.lines().count(), 1 + DOMAINS + 2, "{csv}");
    assert!(csv
        .lines()
        .any(|l| l.contains(",open.batch.test,mx.open.batch.test,10,127.0.40.4,") && l.contains(",accepted,")));
    assert!(csv.lines().any(|l| l.starts_with("24,not a domain,,")), "{csv}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_resumes_without_loss_or_repeat() {
    let w = World::start("resume").await;
    let out = w.dir.join("resume.ndjson");
    let arg = out.to_str().unwrap().to_owned();
    // Slow enough to be killed half-way: 0.3 s between sessions to each of three servers.
    let mut child = w.command(&["--output", &arg, "--per-ip-interval", "0.3"]).stderr(Stdio::null()).spawn().unwrap();
    for _ in 0..300 {
        let written = std::fs::read_to_string(&out).map(|t| t.lines().count()).unwrap_or(0);
        if written >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = lines(&out);
    assert!(before.len() >= 8 && before.len() < expected().len(), "killed half-way: {}", before.len());
    let run = w.run(&["--output", &arg, "--resume", "--per-ip-interval", "0.02"]).await;
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let after = lines(&out);
    assert_eq!(&after[..before.len()], &before[..], "what was written stays");
    assert_eq!(after.len(), expected().len(), "nothing checked twice");
    assert_eq!(after.into_iter().collect::<BTreeSet<_>>(), expected(), "nothing lost");
}

#[tokio::test(flavor = "multi_thread")]
async fn four_shards_cover_the_list_exactly_once() {
    let w = World::start("shards").await;
    let mut all = Vec::new();
    for k in 0..4 {
        let out = w.dir.join(format!("shard{k}.ndjson"));
        let shard = format!("{k}/4");
        let run = w.run(&["--output", out.to_str().unwrap(), "--shard", &shard, "--per-ip-interval", "0"]).await;
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        let got = lines(&out);
        assert!(!got.is_empty() && got.len() < expected().len(), "shard {k}: {}", got.len());
        all.extend(got);
    }
    assert_eq!(all.len(), expected().len(), "no line in two shards");
    assert_eq!(all.into_iter().collect::<BTreeSet<_>>(), expected());
    // By MX provider: all domains of one provider land in one shard (here: one registrable domain).
    let mut sizes = Vec::new();
    for k in 0..2 {
        let out = w.dir.join(format!("mx{k}.ndjson"));
        let shard = format!("{k}/2");
        let run = w
            .run(&["--output", out.to_str().unwrap(), "--shard", &shard, "--shard-by", "mx", "--per-ip-interval", "0"])
            .await;
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        sizes.push(lines(&out).iter().filter(|(_, input)| input != "not a domain").count());
    }
    sizes.sort();
    assert_eq!(sizes, [0, DOMAINS + 1], "batch.test is one provider: one shard has every domain");
}

#[tokio::test]
async fn unusable_options_exit_64() {
    let w = World::start("usage").await;
    for extra in [
        &["--shard", "4/4"][..],
        &["--shard", "x"],
        &["--concurrency", "0"],
        &["--per-ip-interval", "-1"],
        &["--resume"],
    ] {
        let run = w.run(extra).await;
        assert_eq!(run.status.code(), Some(64), "{extra:?}: {}", String::from_utf8_lossy(&run.stderr));
    }
    let run = Command::new(env!("CARGO_BIN_EXE_mxray"))
        .args(["batch", "/no/such/list", "--resolver", "127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot read the list"));
}
