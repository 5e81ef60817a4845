//! The watch loop over several six-hour cycles on a hand-moved clock, against a loopback mail
//! server whose behaviour changes between cycles (STARTTLS gone after an "upgrade", the relay
//! opened, a certificate about to expire), with a fake webhook receiver that asserts exactly the
//! expected alerts — including one that was down, so the alert waited in the store and came later.
//! Then 91 days on: the history is pruned to the latest check. The same loop runs on a private
//! PostgreSQL.

mod common;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use common::{session_config, StaticDns};
use mxray_report::{normalize, Lang};
use mxray_testkit::{FakeSmtp, PostgresServer, Scenario, TestCa};
use server::probe::dns::MxRecord;
use server::probe::net::{Connector, Guarded, TcpConnector};
use server::probe::tls::TlsContext;
use server::probe::Prober;
use server::watch::clock::{ManualClock, WatchClock};
use server::watch::store::Store;
use server::watch::watcher::{Settings, Watcher};
use server::watch::webhook::{self, Webhook};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

const DOMAIN: &str = "watched.test";
const HOST: &str = "mx.watched.test";
const MX_IP: &str = "192.0.2.25";
const HOUR: u64 = 3600;

/// Sends the MX address to whichever fake server stands in for it at the moment: the test swaps
/// the server between cycles, as an upgrade or a misconfiguration would.
#[derive(Clone)]
struct Swapped {
    target: Arc<Mutex<SocketAddr>>,
}

impl Connector for Swapped {
    type Stream = <TcpConnector as Connector>::Stream;
    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        if addr.ip().to_string() != MX_IP {
            return Err(io::Error::other(format!("test connector: {addr} is not mapped")));
        }
        let target = *self.target.lock().unwrap();
        TcpConnector.connect(target).await
    }
}

/// A webhook receiver that keeps each body, and answers 503 while `down` is set.
#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
    down: Arc<Mutex<bool>>,
    attempts: Arc<Mutex<usize>>,
}

async fn receive(State(r): State<Receiver>, body: String) -> StatusCode {
    *r.attempts.lock().unwrap() += 1;
    if *r.down.lock().unwrap() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    r.bodies.lock().unwrap().push(serde_json::from_str(&body).expect("the webhook body is JSON"));
    StatusCode::OK
}

impl Receiver {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/hook", post(receive)).with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/hook")
    }

    /// The movements and keys of every alert received, one list per alert.
    fn alerts(&self) -> Vec<Vec<(String, String)>> {
        let bodies = self.bodies.lock().unwrap();
        bodies
            .iter()
            .map(|b| {
                b["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| (i["movement"].as_str().unwrap().to_owned(), i["key"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .collect()
    }
}

struct Servers {
    good: FakeSmtp,
    no_starttls: FakeSmtp,
    open_relay: FakeSmtp,
    expiring: FakeSmtp,
}

async fn servers(ca: &TestCa) -> Servers {
    let start = |s: Scenario| async move { FakeSmtp::start("127.0.0.1", 0, s).await.unwrap() };
    let mut relay = Scenario::good(HOST, ca.valid(&[HOST]));
    relay.rcpt_reply = "250 2.1.5 Ok".into();
    Servers {
        good: start(Scenario::good(HOST, ca.valid(&[HOST]))).await,
        no_starttls: start(Scenario::plaintext(HOST)).await,
        open_relay: start(relay).await,
        expiring: start(Scenario::good(HOST, ca.leaf(&[HOST], -80, 5))).await,
    }
}

/// The engine over one MX host whose address goes to whichever server `target` names.
fn engine(target: &Arc<Mutex<SocketAddr>>, ca_file: &std::path::Path) -> Prober<StaticDns, Guarded<Swapped>> {
    let mut dns = StaticDns::default();
    dns.mx.insert(DOMAIN.into(), Ok(vec![MxRecord { preference: 10, exchange: HOST.into() }]));
    dns.hosts.insert(HOST.into(), vec![MX_IP.parse().unwrap()]);
    Prober::new(
        dns,
        Guarded::new(Swapped { target: Arc::clone(target) }, true),
        TlsContext::new(Some(ca_file)).unwrap(),
        session_config(Duration::from_secs(3), 25),
        8,
        Duration::from_secs(15),
    )
}

/// Waits (10 s at most per step, a bound against hanging) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn stored(store: &Store) -> usize {
    store.history(DOMAIN).await.unwrap().len()
}

/// Waits until the store holds `n` checks of the domain.
async fn checks(store: &Store, n: usize) {
    for _ in 0..800 {
        if stored(store).await >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for check {n}; stored {}", stored(store).await);
}

fn pair(movement: &str, key: &str) -> (String, String) {
    (movement.to_owned(), key.to_owned())
}

async fn cycles_on(database: &str) {
    let ca = TestCa::new();
    let ca_file = std::env::temp_dir().join(format!("mxray-watch-ca-{}-{}.pem", std::process::id(), database.len()));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let s = servers(&ca).await;
    let target = Arc::new(Mutex::new(s.good.addr));
    let engine = engine(&target, &ca_file);
    let store = Store::open(database).await.unwrap();
    let start = 1_800_000_000;
    let clock = Arc::new(ManualClock::new(start));
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let wake = Arc::new(Notify::new());
    let hook = Webhook::new(&url, Arc::new(TlsContext::new(None).unwrap())).unwrap();
    tokio::spawn(webhook::deliver(store.clone(), hook, Arc::clone(&clock), Arc::clone(&wake)));
    let watcher = Watcher {
        engine,
        store: store.clone(),
        clock: Arc::clone(&clock),
        settings: Settings {
            every: Duration::from_secs(6 * HOUR),
            cert_days: 14,
            keep: Some(Duration::from_secs(90 * 24 * HOUR)),
            lang: Lang::En,
            concurrency: 4,
        },
        wake,
        next: Default::default(),
    };
    let domains = vec![normalize(DOMAIN).unwrap()];
    let looping = tokio::spawn(async move { watcher.run(&domains, None).await });
    // The clock moves 7 h per cycle: past the 6 h interval and the domain's offset (at most 36 min).
    let next_cycle = |server: &FakeSmtp| {
        *target.lock().unwrap() = server.addr;
        clock.advance(Duration::from_secs(7 * HOUR));
    };

    // 1: healthy. The first check raises nothing.
    checks(&store, 1).await;
    assert!(store.open_conditions(DOMAIN).await.unwrap().is_empty(), "a healthy first check opens nothing");

    // 2: STARTTLS gone after an "upgrade", and the webhook is down: the alert waits in the store.
    *receiver.down.lock().unwrap() = true;
    next_cycle(&s.no_starttls);
    checks(&store, 2).await;
    until("a failed delivery", || *receiver.attempts.lock().unwrap() >= 1).await;
    assert!(receiver.alerts().is_empty());
    // The failure is recorded with its backoff: the alert waits in the store for its next attempt.
    for _ in 0..400 {
        if store.next_alert_due().await.unwrap().is_some_and(|at| at > clock.now()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(store.next_alert_due().await.unwrap().is_some_and(|at| at > clock.now()), "pending with a backoff");
    *receiver.down.lock().unwrap() = false;
    clock.advance(Duration::from_secs(31)); // the first backoff
    until("the retried alert", || receiver.alerts().len() == 1).await;
    let first = &receiver.alerts()[0];
    assert!(
        first.iter().any(|(m, k)| m == "started" && k.starts_with("starttls_not_offered@")),
        "STARTTLS gone is alerted: {first:?}"
    );
    assert!(first.iter().all(|(m, _)| m == "started"), "{first:?}");

    // 3: STARTTLS back, relay open: the relay is new, STARTTLS recovered, in one alert.
    next_cycle(&s.open_relay);
    checks(&store, 3).await;
    until("the relay alert", || receiver.alerts().len() == 2).await;
    let third = &receiver.alerts()[1];
    assert!(third.contains(&pair("started", &format!("open_relay@{HOST}/{MX_IP}"))), "{third:?}");
    assert!(third.iter().any(|(m, k)| m == "recovered" && k.starts_with("starttls_not_offered@")), "{third:?}");

    // 4: relay closed, certificate renewed badly: 5 days left under a 14-day threshold.
    next_cycle(&s.expiring);
    checks(&store, 4).await;
    until("the certificate alert", || receiver.alerts().len() == 3).await;
    let fourth = &receiver.alerts()[2];
    assert!(fourth.contains(&pair("started", &format!("certificate_days@{HOST}/{MX_IP}"))), "{fourth:?}");
    assert!(fourth.contains(&pair("recovered", &format!("open_relay@{HOST}/{MX_IP}"))), "{fourth:?}");
    let text = receiver.bodies.lock().unwrap()[2]["text"].as_str().unwrap().to_owned();
    assert!(text.contains("Certificate expires in") && text.contains("Fix: Renew the certificate"), "{text}");

    // 5–7: the same state three more times: no alert until a day has passed since the last one.
    for n in 5..=7 {
        next_cycle(&s.expiring);
        checks(&store, n).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.alerts().len(), 3, "no alert while nothing changed and no day has passed");
    next_cycle(&s.expiring); // 28 h after the alert
    checks(&store, 8).await;
    until("the daily reminder", || receiver.alerts().len() == 4).await;
    assert_eq!(receiver.alerts()[3], [pair("reminder", &format!("certificate_days@{HOST}/{MX_IP}"))]);

    // 9: healthy again: the certificate recovers.
    next_cycle(&s.good);
    checks(&store, 9).await;
    until("the recovery", || receiver.alerts().len() == 5).await;
    assert_eq!(receiver.alerts()[4], [pair("recovered", &format!("certificate_days@{HOST}/{MX_IP}"))]);
    assert_eq!(receiver.alerts().len(), 5, "exactly these alerts and no other");

    // The timeline says what changed at each check.
    let history = server::watch::view::history(&store, DOMAIN, Lang::En).await.unwrap();
    assert_eq!(history.checks.len(), 9);
    assert!(history.checks[0].changes.is_empty());
    assert!(history.checks[2].changes.iter().any(|c| c.text.contains("Now an open relay")), "{:?}", history.checks[2]);

    // 91 days on: the next cycle prunes everything older than 90 days but the latest check.
    clock.advance(Duration::from_secs(91 * 24 * HOUR));
    until_pruned(&store).await;
    looping.abort();
    store.close().await;
    let _ = std::fs::remove_file(&ca_file);
    assert!(clock.now() > start);
}

/// Pruning runs before the round's checks start: the store keeps the latest of the old checks
/// (there is always one to compare with) and then the check that came due.
async fn until_pruned(store: &Store) {
    for _ in 0..800 {
        let history = store.history(DOMAIN).await.unwrap();
        if history.len() == 2 {
            assert!(
                history[1].checked_at - history[0].checked_at > 90 * 24 * 3600,
                "the latest old one and the new one"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("history not pruned: {} checks kept", stored(store).await);
}

#[tokio::test]
async fn cycles_alert_exactly_once_per_change_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("mxray-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("watch.db");
    cycles_on(&format!("sqlite://{}", db.display())).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn cycles_alert_exactly_once_per_change_on_postgresql() {
    let Some(pg) = PostgresServer::start() else { return };
    cycles_on(&pg.url()).await;
}

/// A database another process holds locked: the check's write fails after SQLite's busy wait, the
/// log says so, and the loop goes on; once the lock is gone the next check is stored.
#[tokio::test]
async fn a_locked_database_is_logged_and_the_loop_goes_on() {
    use sqlx::Connection;
    let log = Log::default();
    let _ = tracing_subscriber::fmt().with_writer(log.clone()).with_ansi(false).try_init();
    let dir = std::env::temp_dir().join(format!("mxray-watch-locked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("watch.db").display());
    let ca = TestCa::new();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let server = FakeSmtp::start("127.0.0.1", 0, Scenario::good(HOST, ca.valid(&[HOST]))).await.unwrap();
    let engine = engine(&Arc::new(Mutex::new(server.addr)), &ca_file);
    let store = Store::open(&url).await.unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let watcher = Watcher {
        engine,
        store: store.clone(),
        clock: Arc::clone(&clock),
        settings: Settings {
            every: Duration::from_secs(6 * HOUR),
            cert_days: 14,
            keep: None,
            lang: Lang::En,
            concurrency: 1,
        },
        wake: Arc::new(Notify::new()),
        next: Default::default(),
    };
    let domains = vec![normalize(DOMAIN).unwrap()];
    let looping = tokio::spawn(async move { watcher.run(&domains, None).await });
    checks(&store, 1).await;

    // Another writer holds the file: the second check cannot be stored.
    let mut holder = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    clock.advance(Duration::from_secs(7 * HOUR));
    let due = clock.now() + 6 * 3600 - 3600; // the check after the failed one is due about 6 h later
    tokio::time::sleep(Duration::from_secs(8)).await; // the check, then SQLite's 5 s busy wait
    assert!(!looping.is_finished(), "the loop goes on after a failed write");
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    drop(holder);
    assert_eq!(stored(&store).await, 1, "the check made under the lock was not stored");
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains(&format!("storing the check of {DOMAIN} failed: database error")) && logged.contains("locked"),
        "the log names the domain and the lock: {logged}"
    );
    clock.advance(Duration::from_secs(u64::try_from(due + 2 * 3600 - clock.now()).unwrap()));
    checks(&store, 2).await;
    looping.abort();
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The log lines written during a test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}
