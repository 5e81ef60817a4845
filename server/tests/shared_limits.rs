//! Per-client limits shared by replicas through a real Redis (`--redis-url`): two in-process
//! routers ("replicas") on one private `redis-server` hold one client to one cap and one rate; with
//! Redis gone each keeps admitting by its own limits (never a 500) and says so once in its log;
//! with Redis back the limits are shared again; a crashed replica's checks free their slots after
//! the slot TTL.
//!
//! The redis-server is the test's own (loopback port, temporary folder, no persistence). Without
//! the binary these tests fail, unless `MXRAY_SKIP_REDIS` is set (scripts/test.sh installs it).

use app::engine::{Engine, SharedEngine};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use futures::stream::{self, BoxStream};
use futures::StreamExt;
use leptos::config::LeptosOptions;
use mxray_report::{CheckEvent, NormalizedInput};
use mxray_testkit::RedisServer;
use server::web::limits::{Gate, LimitArgs};
use server::web::shared_limits::{Decision, SharedLimits};
use server::web::{router, AppState};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

/// A bound against hanging while waiting for something to happen (far above the time it takes).
const BOUND: Duration = Duration::from_secs(15);

/// Two events per check: `started` and `done`.
struct Quick;

impl Engine for Quick {
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent> {
        let started = serde_json::json!({
            "type": "started",
            "input": input.input,
            "domain": input.domain,
            "checked_at": "2026-11-28T00:00:00Z",
            "resolver": "scripted",
        });
        let events: Vec<CheckEvent> =
            vec![serde_json::from_value(started).expect("a started event"), CheckEvent::Done { duration_ms: 1 }];
        stream::iter(events).boxed()
    }
}

fn limits(per_client: u32, per_minute: u32, burst: u32) -> LimitArgs {
    LimitArgs {
        max_checks: 50,
        max_checks_per_client: per_client,
        rate_limit_per_minute: per_minute,
        rate_limit_burst: burst,
        trust_forwarded_for: true,
        ..LimitArgs::default()
    }
}

/// A replica: the router with its own gate, sharing the limits through the Redis at `url`.
fn replica(url: &str, limits: &LimitArgs, slot_ttl: Duration) -> Router {
    let gate = Gate::new(limits);
    let up = gate.metrics().shared_limits_up();
    let (c, m, b) = (limits.max_checks_per_client, limits.rate_limit_per_minute, limits.rate_limit_burst);
    let shared = SharedLimits::new(url, c, m, b, up).expect("a usable URL").with_slot_ttl(slot_ttl);
    let engine: SharedEngine = Arc::new(Quick);
    let leptos = LeptosOptions::builder().output_name("mxray").site_root("target/site").build();
    router(AppState { leptos, engine, watch: None }, gate.with_shared_limits(shared))
}

/// A check from `client` (behind a trusted proxy). The response is not read: the check keeps its
/// slots until the response is read to its end or dropped.
async fn check(app: &Router, client: &str) -> Response {
    let mut req = Request::get("/api/v1/check?domain=example.org").body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 7], 40000))));
    req.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
    app.clone().oneshot(req).await.unwrap()
}

/// Reads a check to its end (its slots are free when this returns).
async fn finish(res: Response) {
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    assert!(body.ends_with(b"}\n") && String::from_utf8_lossy(&body).contains("\"type\":\"done\""));
}

/// The status and the refusal's `code` (None for a check that runs).
async fn outcome(res: Response) -> (StatusCode, Option<String>) {
    let status = res.status();
    if status == StatusCode::OK {
        return (status, None);
    }
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let code = body["code"].as_str().unwrap().to_owned();
    assert!(retry.is_some(), "{code} comes with Retry-After");
    (status, Some(code))
}

async fn metric(app: &Router, name: &str) -> f64 {
    let req = Request::get("/metrics").body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let text = String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

#[tokio::test]
async fn two_replicas_hold_a_client_to_one_cap_and_one_rate() {
    let Some(redis) = RedisServer::start() else { return };
    let limits = limits(1, 6, 3);
    let (a, b) = (
        replica(&redis.url(), &limits, Duration::from_secs(30)),
        replica(&redis.url(), &limits, Duration::from_secs(30)),
    );
    let x = "203.0.113.5";

    let held = check(&a, x).await;
    assert_eq!(held.status(), StatusCode::OK);
    let too_many = (StatusCode::TOO_MANY_REQUESTS, Some("too_many_checks".to_owned()));
    assert_eq!(outcome(check(&b, x).await).await, too_many, "its check on A counts on B");
    assert_eq!(outcome(check(&a, x).await).await, too_many);
    finish(check(&b, "203.0.113.6").await).await;
    finish(held).await;
    finish(check(&b, x).await).await;

    // Three checks of the burst taken (A, B, ...), the next token comes in 60/6 s, on either replica.
    finish(check(&a, x).await).await;
    let res = check(&b, x).await;
    assert_eq!(res.headers()[header::RETRY_AFTER], "10");
    assert_eq!(outcome(res).await, (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited".to_owned())));
    let rate_limited = outcome(check(&a, x).await).await;
    assert_eq!(rate_limited.1.as_deref(), Some("rate_limited"), "A's own bucket would still have a token");
    assert_eq!(metric(&b, r#"mxray_refusals_total{status="429",reason="rate_limited"}"#).await, 1.0);
    assert_eq!(metric(&b, r#"mxray_refusals_total{status="429",reason="too_many_checks"}"#).await, 1.0);
    assert_eq!(metric(&a, "mxray_shared_limits_up").await, 1.0);
}

/// Collects what the code under test logs on this thread (the tests run on one-thread runtimes).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap()).matches(needle).count()
    }
}

#[tokio::test]
async fn without_redis_each_replica_admits_by_its_own_limits_until_redis_is_back() {
    let Some(mut redis) = RedisServer::start() else { return };
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let limits = limits(1, 600, 100);
    let ttl = Duration::from_secs(3);
    let (a, b) = (replica(&redis.url(), &limits, ttl), replica(&redis.url(), &limits, ttl));
    let x = "203.0.113.5";
    let held_on_a = check(&a, x).await;
    assert_eq!(held_on_a.status(), StatusCode::OK);
    assert_eq!(outcome(check(&b, x).await).await.1.as_deref(), Some("too_many_checks"), "shared");

    redis.kill();
    let held_on_b = check(&b, x).await;
    assert_eq!(held_on_b.status(), StatusCode::OK, "B knows no check of this client: its own limits admit it");
    assert_eq!(
        outcome(check(&a, x).await).await.1.as_deref(),
        Some("too_many_checks"),
        "A counted its check locally too, so its own cap still holds"
    );
    for i in 0..5 {
        let other = format!("198.51.100.{}", 10 + i);
        let replica = if i % 2 == 0 { &a } else { &b };
        finish(check(replica, &other).await).await;
    }
    assert_eq!(metric(&a, "mxray_shared_limits_up").await, 0.0);
    assert_eq!(log.count("does not answer"), 2, "one warning per replica for the outage: {:?}", log.count(""));
    assert!(log.count("WARN") >= 2);

    redis.restart();
    // Shared again once a replica asks Redis after its pause: a new client's check on B, then on A.
    let until = tokio::time::Instant::now() + BOUND;
    let mut shared = false;
    for i in 0.. {
        if tokio::time::Instant::now() >= until {
            break;
        }
        let client = format!("192.0.2.{}", i % 250);
        let on_b = check(&b, &client).await;
        assert_eq!(on_b.status(), StatusCode::OK, "a new client is admitted on B");
        let on_a = outcome(check(&a, &client).await).await;
        assert_ne!(on_a.0, StatusCode::INTERNAL_SERVER_ERROR);
        if on_a.1.as_deref() == Some("too_many_checks") {
            shared = true;
            break;
        }
        drop(on_b);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shared, "a client's check on B counts on A again after Redis came back");
    assert!(log.count("answers again") >= 1, "the return is logged");
    assert_eq!(metric(&a, "mxray_shared_limits_up").await, 1.0);
    drop((held_on_a, held_on_b));
}

#[tokio::test]
async fn a_crashed_replicas_checks_free_their_slots_after_the_ttl() {
    let Some(redis) = RedisServer::start() else { return };
    let ttl = Duration::from_secs(3);
    let x: IpAddr = "203.0.113.5".parse().unwrap();
    let url = redis.url();
    // The "crashed" replica: it admits a check, then its runtime goes away with the check's
    // heartbeat, without releasing the slot.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let shared = SharedLimits::new(&url, 1, 600, 100, Default::default()).unwrap().with_slot_ttl(ttl);
            match shared.admit(x).await {
                Ok(Decision::Admitted(ticket)) => std::mem::forget(ticket),
                other => panic!("the first check is admitted: {other:?}"),
            }
        });
        runtime.shutdown_background();
    })
    .join()
    .unwrap();

    let b = replica(&redis.url(), &limits(1, 600, 100), ttl);
    assert_eq!(
        outcome(check(&b, "203.0.113.5").await).await.1.as_deref(),
        Some("too_many_checks"),
        "the crashed replica's check still holds the client's slot"
    );
    let until = tokio::time::Instant::now() + BOUND;
    let mut admitted = false;
    while !admitted && tokio::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let res = check(&b, "203.0.113.5").await;
        admitted = res.status() == StatusCode::OK;
        if admitted {
            finish(res).await;
        }
    }
    assert!(admitted, "without heartbeats the slot expires");
}
