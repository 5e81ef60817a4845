//! `mxray watch`, `mxray history` and `mxray serve --watch` as processes, against a loopback world
//! (a zone on a loopback DNS server, fake mail servers): a watcher killed with SIGKILL again and
//! again in the middle of its writes leaves a sound database with every stored report whole, and
//! the next run goes on; the history prints; the API lists the watched domains and their timelines.

use mxray_testkit::{FakeSmtp, Scenario, Zone, ZoneServer};
use server::watch::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SERVERS: [&str; 3] = ["127.0.41.1", "127.0.41.2", "127.0.41.3"];
const DOMAINS: usize = 12;

struct World {
    _servers: Vec<FakeSmtp>,
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
        let mut zone = Zone::new("watch.test");
        for (i, ip) in SERVERS.iter().enumerate() {
            let host = format!("mx{i}.watch.test");
            let mut scenario = Scenario::plaintext(&host);
            if i == 2 {
                scenario.rcpt_reply = "250 2.1.5 Ok".into(); // one open relay: alerts get written too
            }
            servers.push(FakeSmtp::start(ip, port, scenario).await.unwrap());
            zone = zone.address(&host, ip.parse().unwrap());
        }
        let mut list = String::from("# watched\n");
        for d in 0..DOMAINS {
            zone = zone.mx(&format!("d{d}.watch.test"), 10, &format!("mx{}.watch.test", d % SERVERS.len()));
            list += &format!("d{d}.watch.test\n");
        }
        let dns = ZoneServer::start("127.0.0.1:0".parse().unwrap(), zone).await.unwrap();
        let dir = std::env::temp_dir().join(format!("mxray-watchp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let list_file = dir.join("domains.txt");
        std::fs::write(&list_file, list).unwrap();
        World {
            _servers: servers,
            resolver: dns.addr.to_string(),
            _dns: dns,
            port: port.to_string(),
            dir,
            list: list_file,
        }
    }

    fn database(&self) -> String {
        format!("sqlite://{}", self.dir.join("watch.db").display())
    }

    /// The binary with `args`, the world's probe settings, and none of the caller's MXRAY_*.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mxray"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MXRAY_") {
                command.env_remove(name);
            }
        }
        command.args(args);
        command.args(["--resolver", &self.resolver, "--smtp-port", &self.port, "--allow-private-targets"]);
        command.args(["--step-timeout-secs", "5", "--greeting-timeout-secs", "5", "--deadline-secs", "20"]);
        command.args(["--database", &self.database()]);
        command
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Every stored report parses, the file passes SQLite's check; returns the number of checks.
async fn sound(database: &str, domains: &[String]) -> usize {
    let store = Store::open(database).await.expect("the store opens after a kill");
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let mut n = 0;
    for d in domains {
        let history = store.history(d).await.expect("the history reads");
        for check in &history {
            let report: mxray_report::Report = serde_json::from_str(&check.report).expect("a whole report");
            assert_eq!(&report.domain, d);
        }
        store.open_conditions(d).await.expect("the conditions read");
        n += history.len();
    }
    store.close().await;
    n
}

fn domains() -> Vec<String> {
    (0..DOMAINS).map(|d| format!("d{d}.watch.test")).collect()
}

fn kill_after(mut child: Child, wait: Duration) {
    std::thread::sleep(wait);
    child.kill().unwrap(); // SIGKILL: no handler runs, no transaction is finished by us
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watcher_killed_mid_write_loses_and_corrupts_nothing() {
    let world = World::start("kill").await;
    let list = world.list.to_string_lossy().into_owned();
    let args = ["watch", &list, "--every", "1s", "--per-ip-interval", "0", "--concurrency", "12", "--keep", "0"];
    let mut before = 0;
    // Kill points spread over the first seconds of each run: during start-up, the first round's
    // writes and later rounds'.
    for (round, millis) in [700_u64, 1_300, 450, 2_100, 1_700, 900].into_iter().enumerate() {
        let mut command = world.command(&args);
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let child = command.spawn().unwrap();
        tokio::task::spawn_blocking(move || kill_after(child, Duration::from_millis(millis))).await.unwrap();
        let now = sound(&world.database(), &domains()).await;
        assert!(now >= before, "round {round}: stored checks went from {before} to {now}");
        before = now;
    }
    assert!(before >= DOMAINS, "the runs stored checks ({before})");
    // A last run to the end of one round: every domain has its checks, the history prints.
    let mut once = world.command(&["watch", &list, "--once", "--per-ip-interval", "0", "--concurrency", "12"]);
    once.stdout(Stdio::null()).stderr(Stdio::null());
    let status = tokio::task::spawn_blocking(move || once.status().unwrap()).await.unwrap();
    assert!(status.success());
    assert!(sound(&world.database(), &domains()).await >= before + DOMAINS);
    let mut history = Command::new(env!("CARGO_BIN_EXE_mxray"));
    history.args(["history", "d2.watch.test", "--database", &world.database()]);
    let out = tokio::task::spawn_blocking(move || history.output().unwrap()).await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.starts_with("History of d2.watch.test ("), "{text}");
    assert!(text.contains("Open now:") && text.contains("Open relay"), "the relay at mx2 is open: {text}");
    let mut json = Command::new(env!("CARGO_BIN_EXE_mxray"));
    json.args(["history", "d0.watch.test", "--json", "--lang", "de", "--database", &world.database()]);
    let out = tokio::task::spawn_blocking(move || json.output().unwrap()).await.unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["domain"], "d0.watch.test");
    assert!(value["checks"].as_array().unwrap().len() >= 2, "{value}");
    // Not watched, or a database that is no database: a clear message and a non-zero exit.
    let mut missing = Command::new(env!("CARGO_BIN_EXE_mxray"));
    missing.args(["history", "nowhere.test", "--database", &world.database()]);
    let out = tokio::task::spawn_blocking(move || missing.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no stored check of nowhere.test"));
    let mut bad = Command::new(env!("CARGO_BIN_EXE_mxray"));
    bad.args(["history", "d0.watch.test", "--database", "mysql://x"]);
    let out = tokio::task::spawn_blocking(move || bad.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(64));
}

/// GETs a path from the server; the status and the body (status 0 while the server is not up).
async fn get(addr: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else { return (0, String::new()) };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_watch_answers_the_watch_api() {
    let world = World::start("serve").await;
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let list = world.list.to_string_lossy().into_owned();
    let site = world.dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let mut command = world.command(&["serve", "--addr", &addr, "--watch", &list]);
    command.arg("--site-root").arg(&site).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut ready = false;
    for _ in 0..600 {
        if let Ok((200, body)) = tokio::time::timeout(Duration::from_secs(2), get(&addr, "/api/v1/watch")).await {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            if v["domains"].as_array().unwrap().iter().all(|d| d["status"].is_string()) {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "every watched domain got a status");
    let (_, body) = get(&addr, "/api/v1/watch?lang=de").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let listed: Vec<&str> = v["domains"].as_array().unwrap().iter().map(|d| d["domain"].as_str().unwrap()).collect();
    assert_eq!(listed, domains(), "in the list's order");
    let relay = &v["domains"][2];
    assert_eq!(relay["status"], "critical");
    assert!(relay["open"][0]["text"].as_str().unwrap().contains("Offenes Relay"), "{relay}");
    let (status, body) = get(&addr, "/api/v1/watch/d2.watch.test/history").await;
    assert_eq!(status, 200);
    let h: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = h["checks"][0]["id"].as_i64().unwrap();
    let (status, body) = get(&addr, &format!("/api/v1/watch/d2.watch.test/reports/{id}")).await;
    assert_eq!(status, 200);
    let report: mxray_report::Report = serde_json::from_str(&body).expect("a stored report");
    assert_eq!(report.domain, "d2.watch.test");
    assert_eq!(get(&addr, "/api/v1/watch/other.test/history").await.0, 404);
    assert_eq!(get(&addr, "/api/v1/watch/d2.watch.test/reports/999999").await.0, 404);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(Path::new(&world.dir.join("watch.db")).exists());
}
