//! The web server in-process with a scripted engine: the NDJSON API, the page's streaming server
//! function, limits (fair sharing, time bounds), headers, languages, cancellation and `/metrics`.

use app::engine::{Engine, SharedEngine};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use futures::stream::{self, BoxStream};
use futures::StreamExt;
use leptos::config::LeptosOptions;
use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::report::{Mark, Report};
use mxray_report::{CheckEvent, NormalizedInput};
use mxray_testkit::Counter;
use serde_json::Value;
use server::web::limits::{Gate, LimitArgs};
use server::web::{router, AppState};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

const IP: &str = "192.0.2.25";

/// Plays the same events for every domain, with a pause before each; counts its streams dropped.
struct Scripted {
    pause: Duration,
    dropped: Arc<Counter>,
}

/// Counts the engine's stream as dropped when it goes.
struct DropFlag(Arc<Counter>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.bump();
    }
}

impl Engine for Scripted {
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent> {
        let flag = DropFlag(self.dropped.clone());
        let pause = self.pause;
        stream::iter(script(&input))
            .then(move |event| async move {
                tokio::time::sleep(pause).await;
                event
            })
            .map(move |event| {
                let _alive = &flag;
                event
            })
            .boxed()
    }
}

/// The events as the wire has them (fields added since default, so this stays valid as the
/// event types grow).
fn script(input: &NormalizedInput) -> Vec<CheckEvent> {
    let step = |step: &str, result: Value| serde_json::json!({"type": "step", "mx": 0, "ip": IP, "step": step, "result": result});
    let events = serde_json::json!([
        {
            "type": "started",
            "input": input.input,
            "domain": input.domain,
            "checked_at": "2026-11-28T00:00:00Z",
            "resolver": "scripted",
        },
        {
            "type": "resolved",
            "mx_source": "mx",
            "hosts": [{
                "host": format!("mx.{}", input.domain),
                "preference": 10,
                "cname": null,
                "address_error": null,
                "addresses": [IP],
                "addresses_skipped": 0,
            }],
            "error": null,
            "mx_hosts_skipped": 0,
        },
        step("tcp", serde_json::json!({"outcome": "connected", "connect_ms": 1, "detail": null, "port": 25})),
        step("banner", serde_json::json!({"code": 220, "text": "mx ESMTP", "software": null, "elapsed_ms": 1, "error": null})),
        step("starttls", serde_json::json!({
            "offered": false,
            "outcome": "not_offered",
            "tls_version": null,
            "cipher_suite": null,
            "kx_group": null,
            "handshake_ms": null,
            "error": null,
            "pipelined_plaintext": false,
        })),
        step("open_relay", serde_json::json!({
            "outcome": "refused",
            "mail_from": "250 ok",
            "rcpt_to": "554 no",
            "sender": "a@b.invalid",
            "recipient": "c@d.invalid",
            "over_tls": false,
        })),
        {
            "type": "address_done",
            "mx": 0,
            "ip": IP,
            "duration_ms": 3,
            "transcript": [],
            "deadline_hit": false,
            "connections": 1,
            "error": null,
        },
        {"type": "done", "duration_ms": 4},
    ]);
    serde_json::from_value(events).expect("the scripted events parse")
}

struct Lab {
    app: Router,
    /// Engine streams dropped (finished, cut or cancelled).
    dropped: Arc<Counter>,
}

fn lab(pause: Duration, limits: LimitArgs) -> Lab {
    let dropped = Arc::new(Counter::default());
    let engine: SharedEngine = Arc::new(Scripted { pause, dropped: dropped.clone() });
    let leptos = LeptosOptions::builder().output_name("mxray").site_root("target/site").build();
    Lab { app: router(AppState { leptos, engine, watch: None }, Gate::new(&limits)), dropped }
}

fn generous() -> LimitArgs {
    LimitArgs {
        max_checks: 8,
        max_checks_per_client: 8,
        rate_limit_per_minute: 100,
        rate_limit_burst: 100,
        ..LimitArgs::default()
    }
}

/// A request from `client`, as a trusted reverse proxy forwards it.
fn forwarded(uri: &str, client: &str) -> Request<Body> {
    let mut req = get(uri);
    req.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
    req
}

/// How long a test waits for an event before it gives up (a bound against hanging, far above the
/// time the event takes).
const EVENT_BOUND: Duration = Duration::from_secs(10);

async fn json(res: Response) -> Value {
    serde_json::from_str(&text(res).await).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    from_client(Request::get(uri).body(Body::empty()).unwrap())
}

fn from_client(mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 7], 40000))));
    req
}

async fn send(app: &Router, req: Request<Body>) -> Response {
    app.clone().oneshot(req).await.unwrap()
}

async fn text(res: Response) -> String {
    String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

fn lines(body: &str) -> Vec<Value> {
    body.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

/// `/metrics` read and parsed: each sample (`name{labels}`) to its value; checks the media type,
/// that it is not cached and that the exposition ends in `# EOF`.
async fn scrape(app: &Router) -> BTreeMap<String, f64> {
    let res = send(app, get("/metrics")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let body = text(res).await;
    assert!(body.ends_with("# EOF\n"), "{body}");
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (sample, value) = l.rsplit_once(' ').unwrap_or_else(|| panic!("a sample line: {l}"));
            (sample.to_owned(), value.parse().unwrap_or_else(|e| panic!("{l}: {e}")))
        })
        .collect()
}

/// One sample's value, 0 when it is not there (a label set never counted).
fn sample(samples: &BTreeMap<String, f64>, name: &str) -> f64 {
    samples.get(name).copied().unwrap_or(0.0)
}

/// Checks finished that ended so (`done`, `time_limit`, `cancelled`), whatever their verdict.
fn finished(samples: &BTreeMap<String, f64>, ended: &str) -> f64 {
    let label = format!(r#"ended="{ended}"}}"#);
    samples
        .iter()
        .filter(|(k, _)| k.starts_with("mxray_checks_finished_total{") && k.ends_with(&label))
        .map(|(_, v)| v)
        .sum()
}

/// The page's streaming server function, as the browser posts it.
fn page_check(input: &str) -> Request<Body> {
    from_client(
        Request::post("/api/check")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("input={input}")))
            .unwrap(),
    )
}

#[tokio::test]
async fn the_api_streams_every_event_and_ends_with_the_report() {
    let lab = lab(Duration::ZERO, generous());
    let res = send(&lab.app, get("/api/v1/check?domain=Postmaster@Example.ORG")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/x-ndjson");
    assert_eq!(res.headers()["x-accel-buffering"], "no");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let events = lines(&text(res).await);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["started", "resolved", "step", "step", "step", "step", "address_done", "done"]);
    let last = events.last().unwrap();
    let report: Report = serde_json::from_value(last["report"].clone()).unwrap();
    assert_eq!(report.schema, "mxray.report.v1");
    assert_eq!(report.domain, "example.org");
    assert_eq!(report.input, "Postmaster@Example.ORG");
    assert!(report.complete);
    assert_eq!(report.mx[0].addresses[0].findings[0].code, "starttls_not_offered");
    assert_eq!(last["duration_ms"], 4);
    // The headline names the worst finding with where it was seen, in the language asked for.
    let headline = last["headline"].as_str().expect("a headline on the done line");
    assert_eq!(
        headline,
        format!(
            "Mail to example.org is at risk: STARTTLS not offered at {} ({IP}). Also: 1 warning.",
            report.mx[0].host
        )
    );
    let res = send(&lab.app, get("/api/v1/check?domain=example.org&lang=de")).await;
    let german = lines(&text(res).await).last().unwrap()["headline"].as_str().unwrap().to_owned();
    assert_eq!(
        german,
        format!(
            "Mail an example.org ist gefährdet: STARTTLS nicht angeboten bei {} ({IP}). Außerdem: 1 Warnung.",
            report.mx[0].host
        )
    );
    let events: Vec<CheckEvent> = events[..7].iter().map(|e| serde_json::from_value(e.clone()).unwrap()).collect();
    assert_eq!(Report::from_events(&events).mx, report.mx, "the last line is the fold of the others");
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_problem() {
    let lab = lab(Duration::ZERO, generous());
    for (uri, reason) in [
        ("/api/v1/check?domain=192.0.2.1", "IpLiteral"),
        ("/api/v1/check?domain=a%0d%0aRCPT.example", "ControlCharacter"),
        ("/api/v1/check", "Empty"),
    ] {
        let res = send(&lab.app, get(uri)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
        let body: Value = serde_json::from_str(&text(res).await).unwrap();
        assert_eq!(body["code"], "invalid_input", "{uri}");
        assert_eq!(body["reason"], reason, "{uri}");
        assert!(!body["error"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn ports_other_than_25_465_587_are_a_400() {
    let lab = lab(Duration::ZERO, generous());
    for (uri, kind) in [
        ("/api/v1/check?domain=example.org&ports=25,2525", "not_allowed"),
        ("/api/v1/check?domain=example.org&ports=x", "not_a_number"),
    ] {
        let res = send(&lab.app, get(uri)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{uri}");
        let body: Value = serde_json::from_str(&text(res).await).unwrap();
        assert_eq!(
            (body["code"].as_str(), body["reason"]["kind"].as_str()),
            (Some("invalid_ports"), Some(kind)),
            "{body}"
        );
    }
    let res = send(&lab.app, get("/api/v1/check?domain=example.org&ports=25,465,587")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let lab = lab(Duration::ZERO, LimitArgs { rate_limit_per_minute: 2, rate_limit_burst: 2, ..generous() });
    for _ in 0..2 {
        assert_eq!(send(&lab.app, get("/api/v1/check?domain=example.org")).await.status(), StatusCode::OK);
    }
    let res = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()[header::RETRY_AFTER], "30");
    let body: Value = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!(body["code"], "rate_limited");
    assert!(body["error"].as_str().unwrap().contains("wait 30 s"));
    assert_eq!(send(&lab.app, get("/")).await.status(), StatusCode::OK, "pages are not limited");
}

#[tokio::test]
async fn running_checks_are_capped_until_their_stream_ends() {
    let lab = lab(Duration::from_millis(50), LimitArgs { max_checks: 1, ..generous() });
    let running = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    let busy = send(&lab.app, get("/api/v1/check?domain=example.net")).await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(serde_json::from_str::<Value>(&text(busy).await).unwrap()["code"], "busy");
    assert_eq!(sample(&scrape(&lab.app).await, r#"mxray_refusals_total{status="503",reason="busy"}"#), 1.0);
    text(running).await;
    assert_eq!(send(&lab.app, get("/api/v1/check?domain=example.net")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_leaves_cancels_the_probes() {
    let lab = lab(Duration::from_millis(200), generous());
    let res = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    let mut body = res.into_body().into_data_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"{\"type\":\"started\""));
    assert_eq!(lab.dropped.get(), 0);
    drop(body);
    assert_eq!(lab.dropped.reached(1, EVENT_BOUND).await, 1, "dropping the response drops the engine's stream");

    let lab = self::lab(Duration::from_millis(200), generous());
    let req = Request::post("/api/check")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("input=example.org"))
        .unwrap();
    let mut body = send(&lab.app, from_client(req)).await.into_body().into_data_stream();
    assert!(body.next().await.unwrap().unwrap().starts_with(b"{\"type\":\"started\""));
    drop(body);
    assert_eq!(lab.dropped.reached(1, EVENT_BOUND).await, 1, "the page's stream cancels the same way");
}

#[tokio::test]
async fn forty_checks_from_one_address_leave_room_for_another() {
    let limits = LimitArgs { max_checks: 8, max_checks_per_client: 2, trust_forwarded_for: true, ..generous() };
    let lab = lab(Duration::from_millis(50), limits);
    let greedy =
        (0..40).map(|i| send(&lab.app, forwarded(&format!("/api/v1/check?domain=d{i}.example"), "203.0.113.5")));
    let (running, refused): (Vec<Response>, Vec<Response>) =
        futures::future::join_all(greedy).await.into_iter().partition(|r| r.status() == StatusCode::OK);
    assert_eq!(running.len(), 2, "one address runs at most two checks");
    assert_eq!(refused.len(), 38);
    for res in refused {
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "10");
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
        let body = json(res).await;
        assert_eq!(body["code"], "too_many_checks");
        assert_eq!(body["error"], "This address already runs 2 checks; wait for one to finish.");
        assert_eq!((body["limit"].as_u64(), body["retry_after_secs"].as_u64()), (Some(2), Some(10)));
    }

    let other = send(&lab.app, forwarded("/api/v1/check?domain=example.org", "198.51.100.80")).await;
    assert_eq!(other.status(), StatusCode::OK, "another address gets a check while the two run");
    assert_eq!(lines(&text(other).await).last().unwrap()["type"], "done");
    let mut v6 = Vec::new();
    for host in ["2001:db8:7:7::1", "2001:db8:7:7::2", "2001:db8:7:7:8::3"] {
        v6.push(send(&lab.app, forwarded("/api/v1/check?domain=example.org", host)).await);
    }
    let statuses: Vec<StatusCode> = v6.iter().map(Response::status).collect();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS], "an IPv6 /64 is one client");
    let samples = scrape(&lab.app).await;
    assert_eq!(sample(&samples, r#"mxray_refusals_total{status="429",reason="too_many_checks"}"#), 39.0);
    assert_eq!(sample(&samples, "mxray_checks_in_flight"), 4.0, "two greedy, two IPv6 checks unread");

    // Wait until the two streaming tasks have seen their clients leave: each drops the engine's
    // stream and then, in the same step, the check's slots (on this one-thread runtime nothing runs
    // in between).
    let before = lab.dropped.get();
    drop(running);
    assert_eq!(lab.dropped.reached(before + 2, EVENT_BOUND).await, before + 2, "both streams are dropped");
    let again = send(&lab.app, forwarded("/api/v1/check?domain=example.org", "203.0.113.5")).await;
    assert_eq!(again.status(), StatusCode::OK, "dropped streams give the address its slots back");
}

#[tokio::test]
async fn the_burst_then_the_rate() {
    // Six a minute with a burst of three; one check at a time per client, so each check below
    // also shows that its slot is free again once the client has read the stream's end.
    let limits = LimitArgs { max_checks_per_client: 1, rate_limit_per_minute: 6, rate_limit_burst: 3, ..generous() };
    let lab = lab(Duration::ZERO, limits);
    for i in 0..3 {
        let res = send(&lab.app, get(&format!("/api/v1/check?domain={i}.example"))).await;
        assert_eq!(res.status(), StatusCode::OK, "check {i} of the burst");
        assert_eq!(lines(&text(res).await).last().unwrap()["type"], "done");
    }
    let res = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()[header::RETRY_AFTER], "10", "the next token comes in 60/6 s");
    let body = json(res).await;
    assert_eq!((body["code"].as_str(), body["retry_after_secs"].as_u64()), (Some("rate_limited"), Some(10)));
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_reads_loses_its_slot_after_the_write_timeout() {
    let limits = LimitArgs { max_checks_per_client: 1, stream_write_timeout_secs: 1, ..generous() };
    let lab = lab(Duration::from_millis(10), limits);
    let stalled = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    assert_eq!(stalled.status(), StatusCode::OK);
    let refused = send(&lab.app, get("/api/v1/check?domain=example.net")).await;
    assert_eq!(json(refused).await["code"], "too_many_checks");

    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(lab.dropped.get(), 0, "within the write timeout the check goes on");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(lab.dropped.get(), 1, "a line not taken for 1 s drops the engine's stream");
    let next = send(&lab.app, get("/api/v1/check?domain=example.net")).await;
    assert_eq!(next.status(), StatusCode::OK, "and frees the client's slot");
    assert_eq!(lines(&text(next).await).len(), 8);
    let cut = axum::body::to_bytes(stalled.into_body(), usize::MAX).await;
    assert!(cut.is_err(), "the stalled response ends in an error (the connection is aborted), not a clean end");
}

#[tokio::test(start_paused = true)]
async fn a_check_ends_at_the_time_limit_with_an_error_line() {
    let limits = LimitArgs { max_checks_per_client: 1, check_time_limit_secs: 2, ..generous() };
    let lab = lab(Duration::from_millis(700), limits);
    let res = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    let started = tokio::time::Instant::now();
    let events = lines(&text(res).await);
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2) && took < Duration::from_millis(2100), "ends at the limit: {took:?}");
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["started", "resolved", "error"], "two events in 2 s, then the last line");
    assert_eq!(events[2]["code"], "check_time_limit");
    assert_eq!(events[2]["error"], "the check was stopped after the server's time limit of 2 s");
    assert_eq!(lab.dropped.get(), 1, "the engine's stream is dropped, cancelling the probes");

    let req = Request::post("/api/check")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("input=example.org"))
        .unwrap();
    let res = send(&lab.app, from_client(req)).await;
    assert_eq!(res.status(), StatusCode::OK, "the slot was freed");
    let page = text(res).await;
    let (events, last) = page.trim_end().rsplit_once('\n').unwrap();
    assert!(last.contains("\"code\":\"check_time_limit\""), "the page's stream is bounded too: {last}");
    assert!(events.lines().all(|l| serde_json::from_str::<CheckEvent>(l).is_ok()));
    assert!(serde_json::from_str::<CheckEvent>(last).is_err(), "the page skips the line and reports an early end");
    let samples = scrape(&lab.app).await;
    assert_eq!(finished(&samples, "time_limit"), 2.0, "{samples:?}");
    assert_eq!(sample(&samples, "mxray_checks_in_flight"), 0.0);
}

#[tokio::test]
async fn the_server_function_streams_json_lines() {
    let lab = lab(Duration::ZERO, generous());
    let post = |input: &str| {
        from_client(
            Request::post("/api/check")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("input={input}")))
                .unwrap(),
        )
    };
    let res = send(&lab.app, post("mail.example.com")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-accel-buffering"], "no");
    let events: Vec<CheckEvent> = text(res).await.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let report = Report::from_events(&events);
    assert!(report.complete);
    assert_eq!(report.domain, "mail.example.com");

    let res = send(&lab.app, post("exa%20mple.com")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!((body["code"].as_str(), body["reason"].as_str()), (Some("invalid_input"), Some("Whitespace")));
}

#[tokio::test]
async fn pages_render_the_form_with_a_nonce_policy_and_security_headers() {
    let lab = lab(Duration::ZERO, generous());
    let res = send(&lab.app, get("/check/b%C3%BCcher.example")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let html = text(res).await;
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("page policy has a nonce");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("id=\"domain\"") && html.contains("autofocus"));
    assert!(html.contains("value=\"bücher.example\""), "the shared domain is in the field without JS");
    assert!(html.contains("<title>mxray – SMTP/MX test</title>"));
    assert!(html.contains("href=\"/pkg/mxray.css\""));
    let form_without_js = text(send(&lab.app, get("/?domain=postmaster%40example.org")).await).await;
    assert!(form_without_js.contains("value=\"postmaster@example.org\""));

    let static_csp = send(&lab.app, get("/api/v1/check")).await.headers()[header::CONTENT_SECURITY_POLICY].clone();
    assert!(!static_csp.to_str().unwrap().contains("nonce"));
}

#[tokio::test]
async fn the_language_follows_the_query_then_the_cookie_then_accept_language() {
    let lab = lab(Duration::ZERO, generous());
    let mut req = get("/");
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.5".parse().unwrap());
    let html = text(send(&lab.app, req).await).await;
    assert!(html.contains("<html lang=\"de\"") && html.contains("Domain oder E-Mail-Adresse"));

    let res = send(&lab.app, get("/?lang=de")).await;
    assert!(res.headers()[header::SET_COOKIE].to_str().unwrap().starts_with("lang=de;"));
    assert!(text(res).await.contains("Testen"));

    let mut req = get("/");
    req.headers_mut().insert(header::COOKIE, "lang=en".parse().unwrap());
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, "de".parse().unwrap());
    assert!(text(send(&lab.app, req).await).await.contains("Domain or e-mail address"));
}

#[tokio::test]
async fn unknown_pages_are_404_and_bodies_are_capped() {
    let lab = lab(Duration::ZERO, generous());
    assert_eq!(send(&lab.app, get("/no/such/page")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(send(&lab.app, get("/check/a.example/more")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(send(&lab.app, get("/api/check")).await.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body = format!("input={}", "a".repeat(64 * 1024));
    let big = from_client(
        Request::post("/api/check")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap(),
    );
    assert_eq!(send(&lab.app, big).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn metrics_count_checks_of_both_routes_their_steps_and_refusals() {
    let limits = LimitArgs { rate_limit_per_minute: 1, rate_limit_burst: 3, trust_forwarded_for: true, ..generous() };
    let lab = lab(Duration::ZERO, limits);
    let before = scrape(&lab.app).await;
    assert_eq!(sample(&before, "mxray_checks_started_total"), 0.0);
    assert_eq!(sample(&before, "mxray_probe_connections_open"), 0.0, "registered at zero");
    assert_eq!(sample(&before, "mxray_shared_limits_up"), 0.0, "no Redis configured");

    let api = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    assert_eq!(lines(&text(api).await).last().unwrap()["type"], "done");
    let page = send(&lab.app, page_check("example.net")).await;
    assert_eq!(page.status(), StatusCode::OK);
    text(page).await;
    let bad = send(&lab.app, get("/api/v1/check?domain=192.0.2.1")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "admitted, refused by the handler: no check started");
    let refused = send(&lab.app, get("/api/v1/check?domain=example.org")).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..5 {
        assert_eq!(send(&lab.app, get("/metrics")).await.status(), StatusCode::OK, "scrapes are not checks");
    }

    let samples = scrape(&lab.app).await;
    assert_eq!(sample(&samples, "mxray_checks_started_total"), 2.0);
    assert_eq!(sample(&samples, r#"mxray_checks_finished_total{verdict="critical",ended="done"}"#), 2.0);
    assert_eq!(sample(&samples, "mxray_checks_in_flight"), 0.0);
    assert_eq!(sample(&samples, "mxray_check_duration_seconds_count"), 2.0);
    assert_eq!(sample(&samples, r#"mxray_check_duration_seconds_bucket{le="+Inf"}"#), 2.0);
    assert_eq!(sample(&samples, r#"mxray_refusals_total{status="429",reason="rate_limited"}"#), 1.0);
    assert_eq!(sample(&samples, r#"mxray_refusals_total{status="429",reason="too_many_checks"}"#), 0.0);
    // The scripted address: connected, greeted, no EHLO step, STARTTLS not offered.
    assert_eq!(sample(&samples, r#"mxray_probe_steps_total{step="tcp",mark="ok"}"#), 2.0);
    assert_eq!(sample(&samples, r#"mxray_probe_steps_total{step="banner",mark="ok"}"#), 2.0);
    assert_eq!(sample(&samples, r#"mxray_probe_steps_total{step="starttls",mark="critical"}"#), 2.0, "not offered");
    let report = Report::from_events(&script(&mxray_report::normalize("example.org").unwrap()));
    let address = &report.mx[0].addresses[0];
    let steps: Vec<(&str, f64)> = samples
        .iter()
        .filter(|(k, _)| k.starts_with("mxray_probe_steps_total{"))
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    let mut expected: Vec<(String, f64)> = Step::ALL
        .iter()
        .filter(|&&step| step_mark(address, step) != Mark::Pending)
        .map(|&step| {
            let name = step.id();
            let mark = serde_json::to_value(step_mark(address, step)).unwrap();
            (format!(r#"mxray_probe_steps_total{{step="{name}",mark="{}"}}"#, mark.as_str().unwrap()), 2.0)
        })
        .collect();
    expected.sort_by(|x, y| x.0.cmp(&y.0));
    let expected: Vec<(&str, f64)> = expected.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(steps, expected, "one sample per step of the address, from the folded report, for each check");

    // A client that leaves: the check ends as cancelled, with the verdict seen so far.
    let res = send(&lab.app, forwarded("/api/v1/check?domain=example.org", "203.0.113.77")).await;
    let mut body = res.into_body().into_data_stream();
    body.next().await.unwrap().unwrap();
    drop(body);
    let mut cancelled = 0.0;
    let until = tokio::time::Instant::now() + EVENT_BOUND;
    while cancelled == 0.0 && tokio::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
        cancelled = finished(&scrape(&lab.app).await, "cancelled");
    }
    assert_eq!(cancelled, 1.0, "a check whose client left counts as cancelled");
}
