//! Protecting the public service so that it is shared fairly: a global cap on running checks, a
//! per-client cap on running checks, a per-client rate limit with a small burst, a time bound per
//! check and a write timeout for streamed responses. Refusals are readable JSON with `Retry-After`.

use app::api::Problem;
use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::metrics::{CheckTally, Ended, Metrics, RunningCheck};
use super::problem_response;
use super::shared_limits::{Decision, SharedLimits, Ticket};

/// Seconds a client is asked to wait when every check slot is taken, or all of its own are.
const BUSY_RETRY_SECS: u64 = 10;
/// Rate-limit buckets in the current generation before it is rotated early (see [`Buckets`]).
const MAX_TRACKED_CLIENTS: usize = 10_000;

const DEFAULT_MAX_CHECKS: u32 = 32;
const DEFAULT_MAX_CHECKS_PER_CLIENT: u32 = 2;
const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 60;
const DEFAULT_RATE_LIMIT_BURST: u32 = 5;
const DEFAULT_CHECK_TIME_LIMIT_SECS: u64 = 180;
const DEFAULT_STREAM_WRITE_TIMEOUT_SECS: u64 = 30;

/// Limits of the public service, each also set by its `MXRAY_…` variable. A client is an IPv4
/// address or an IPv6 /64.
#[derive(Clone, Debug, PartialEq, clap::Args)]
pub struct LimitArgs {
    /// Most checks running at once over all clients (more get HTTP 503 with Retry-After).
    #[arg(long, env = "MXRAY_MAX_CHECKS", default_value_t = DEFAULT_MAX_CHECKS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_checks: u32,
    /// Most checks one client runs at once (more get HTTP 429 `too_many_checks`).
    #[arg(long, env = "MXRAY_MAX_CHECKS_PER_CLIENT", default_value_t = DEFAULT_MAX_CHECKS_PER_CLIENT, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_checks_per_client: u32,
    /// Checks one client may start per minute on average (more get HTTP 429 `rate_limited`).
    #[arg(long, env = "MXRAY_RATE_LIMIT_PER_MINUTE", default_value_t = DEFAULT_RATE_LIMIT_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate_limit_per_minute: u32,
    /// Checks one client may start back to back before the per-minute rate applies (the token
    /// bucket's size; it refills at the per-minute rate).
    #[arg(long, env = "MXRAY_RATE_LIMIT_BURST", default_value_t = DEFAULT_RATE_LIMIT_BURST, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub rate_limit_burst: u32,
    /// Seconds a check may stream before it is stopped with a last `{"type":"error"}` line.
    #[arg(long, env = "MXRAY_CHECK_TIME_LIMIT_SECS", default_value_t = DEFAULT_CHECK_TIME_LIMIT_SECS, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub check_time_limit_secs: u64,
    /// Seconds a streamed line may wait for the client to take it before the check is dropped.
    #[arg(long, env = "MXRAY_STREAM_WRITE_TIMEOUT_SECS", default_value_t = DEFAULT_STREAM_WRITE_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub stream_write_timeout_secs: u64,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a reverse proxy).
    #[arg(long, env = "MXRAY_TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub trust_forwarded_for: bool,
    /// Share the per-client rate limit and running-check cap with other replicas through this
    /// Redis (`redis://host:6379`); when it does not answer, each replica's own limits apply.
    #[arg(long, env = "MXRAY_REDIS_URL")]
    pub redis_url: Option<String>,
}

impl Default for LimitArgs {
    /// The same values as the command line's defaults.
    fn default() -> Self {
        LimitArgs {
            max_checks: DEFAULT_MAX_CHECKS,
            max_checks_per_client: DEFAULT_MAX_CHECKS_PER_CLIENT,
            rate_limit_per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            check_time_limit_secs: DEFAULT_CHECK_TIME_LIMIT_SECS,
            stream_write_timeout_secs: DEFAULT_STREAM_WRITE_TIMEOUT_SECS,
            trust_forwarded_for: false,
            redis_url: None,
        }
    }
}

/// The admission state shared by every request.
#[derive(Debug)]
pub struct Gate {
    slots: Arc<Semaphore>,
    per_client: u32,
    /// Running checks by client key; an entry exists only while that client runs a check, so
    /// there are never more entries than [`LimitArgs::max_checks`] (plus refusals in flight).
    running: Arc<Mutex<HashMap<IpAddr, u32>>>,
    per_sec: f64,
    burst: f64,
    buckets: Mutex<Buckets>,
    trust_forwarded_for: bool,
    check_time_limit: Duration,
    write_timeout: Duration,
    metrics: Arc<Metrics>,
    /// The per-client limits in Redis (`--redis-url`); the local ones above when it is `None` or
    /// does not answer.
    shared: Option<SharedLimits>,
}

/// Why a check was not admitted.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// Every check slot of the server is taken (503).
    Busy,
    /// This client already runs `limit` checks (429 `too_many_checks`).
    TooManyChecks {
        /// The per-client cap.
        limit: u32,
    },
    /// This client started too many checks recently (429 `rate_limited`).
    RateLimited {
        /// Seconds until the next token.
        retry_after_secs: u64,
    },
}

/// An admitted check: its global slot and its client's slot (and its slot in Redis when the
/// limits are shared), all freed when this drops or is released.
#[derive(Debug)]
pub struct Admission {
    _slot: OwnedSemaphorePermit,
    _client: ClientSlot,
    ticket: Option<Ticket>,
}

impl Admission {
    /// Frees the slots, waiting until Redis has freed the shared one (or failed to).
    pub async fn release(mut self) {
        if let Some(ticket) = self.ticket.take() {
            ticket.release().await;
        }
    }
}

/// One of a client's running checks; dropping it frees the slot.
#[derive(Debug)]
struct ClientSlot {
    running: Arc<Mutex<HashMap<IpAddr, u32>>>,
    key: IpAddr,
}

/// A token bucket of `burst` tokens, refilled continuously at the per-minute rate.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The rate-limit buckets in two generations, so forgetting idle clients costs O(1) amortised per
/// request instead of a sweep over all of them.
///
/// A request looks its client up in `current`, else moves it from `previous` into `current`, else
/// starts a full bucket there. Every `period` — the time an empty bucket takes to fill up — the
/// maps rotate: `previous` is dropped whole and `current` becomes `previous`. A bucket dropped
/// that way was not touched since the rotation before, so at least one `period` ago: it was full
/// again, which is the same as having no bucket. Each entry is inserted once per generation and
/// freed with its map, so rotation is paid for by the inserts. Should `current` reach
/// [`MAX_TRACKED_CLIENTS`] before its period is over (a flood of distinct addresses), it rotates
/// early: memory stays bounded to two maps of that size, at the price that a client idle for less
/// than a period may get a full bucket again.
#[derive(Debug)]
struct Buckets {
    current: HashMap<IpAddr, Bucket>,
    previous: HashMap<IpAddr, Bucket>,
    rotated_at: Instant,
    period: Duration,
}

impl Gate {
    /// A gate with the given limits.
    pub fn new(args: &LimitArgs) -> Self {
        let per_sec = f64::from(args.rate_limit_per_minute) / 60.0;
        let burst = f64::from(args.rate_limit_burst);
        Gate {
            slots: Arc::new(Semaphore::new(args.max_checks as usize)),
            per_client: args.max_checks_per_client,
            running: Arc::new(Mutex::new(HashMap::new())),
            per_sec,
            burst,
            buckets: Mutex::new(Buckets {
                current: HashMap::new(),
                previous: HashMap::new(),
                rotated_at: Instant::now(),
                period: Duration::from_secs_f64(burst / per_sec),
            }),
            trust_forwarded_for: args.trust_forwarded_for,
            check_time_limit: Duration::from_secs(args.check_time_limit_secs),
            write_timeout: Duration::from_secs(args.stream_write_timeout_secs),
            metrics: Arc::new(Metrics::new()),
            shared: None,
        }
    }

    /// Counts into `metrics` instead of the gate's own.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Decides the per-client limits in Redis (the local ones stay the fallback).
    pub fn with_shared_limits(mut self, shared: SharedLimits) -> Self {
        self.shared = Some(shared);
        self
    }

    /// The metrics the gate counts into (served at `/metrics`).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Admits one check for a client: one of its own slots, a slot of the server and a token, in
    /// that order, so a refused request takes nothing (a client at its cap uses no tokens).
    pub fn admit(&self, client: IpAddr, now: Instant) -> Result<Admission, Refusal> {
        let key = client_key(client);
        let client_slot = self.client_slot(key)?;
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| Refusal::Busy)?;
        self.take_token(key, now)?;
        Ok(Admission { _slot: slot, _client: client_slot, ticket: None })
    }

    /// Admits one check: by the shared limits when there are some and Redis answers (a slot of
    /// this server first, then the client's slot and token in Redis), else by [`Gate::admit`].
    /// A check admitted by Redis is also counted locally, so the local limits know it should Redis
    /// go away.
    pub async fn admit_anywhere(&self, client: IpAddr) -> Result<Admission, Refusal> {
        let Some(shared) = &self.shared else { return self.admit(client, Instant::now()) };
        let key = client_key(client);
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| Refusal::Busy)?;
        match shared.admit(key).await {
            Ok(Decision::Admitted(ticket)) => {
                let client_slot = self.client_slot_counted(key);
                // Best effort: the local bucket follows the shared one for a later outage.
                let _ = self.take_token(key, Instant::now());
                Ok(Admission { _slot: slot, _client: client_slot, ticket: Some(ticket) })
            }
            Ok(Decision::TooManyChecks { limit }) => Err(Refusal::TooManyChecks { limit }),
            Ok(Decision::RateLimited { retry_after_secs }) => Err(Refusal::RateLimited { retry_after_secs }),
            Err(_) => {
                drop(slot);
                self.admit(client, Instant::now())
            }
        }
    }

    fn client_slot(&self, key: IpAddr) -> Result<ClientSlot, Refusal> {
        let mut running = lock(&self.running);
        let count = running.entry(key).or_insert(0);
        if *count >= self.per_client {
            return Err(Refusal::TooManyChecks { limit: self.per_client });
        }
        *count += 1;
        Ok(ClientSlot { running: Arc::clone(&self.running), key })
    }

    /// A client slot taken whatever the local count (Redis admitted the check).
    fn client_slot_counted(&self, key: IpAddr) -> ClientSlot {
        *lock(&self.running).entry(key).or_insert(0) += 1;
        ClientSlot { running: Arc::clone(&self.running), key }
    }

    fn take_token(&self, key: IpAddr, now: Instant) -> Result<(), Refusal> {
        let (per_sec, burst) = (self.per_sec, self.burst);
        let mut buckets = lock(&self.buckets);
        let bucket = buckets.get(key, now, burst);
        bucket.tokens = bucket.refilled(now, per_sec, burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_sec).ceil().max(1.0);
            Err(Refusal::RateLimited { retry_after_secs: wait as u64 })
        }
    }

    /// The client's address: the connection's peer, or the proxy's last `X-Forwarded-For` entry.
    fn client(&self, req: &Request) -> IpAddr {
        let forwarded = self
            .trust_forwarded_for
            .then(|| req.headers().get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        forwarded.or(peer).unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED))
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut running = lock(&self.running);
        if let Some(count) = running.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.key);
            }
        }
    }
}

impl Buckets {
    /// The client's bucket (a full one if it has none), after rotating when due.
    fn get(&mut self, key: IpAddr, now: Instant, burst: f64) -> &mut Bucket {
        let due = now.saturating_duration_since(self.rotated_at) >= self.period;
        if due || self.current.len() >= MAX_TRACKED_CLIENTS {
            self.previous = std::mem::take(&mut self.current);
            self.rotated_at = now;
        }
        let bucket = self.previous.remove(&key).unwrap_or(Bucket { tokens: burst, at: now });
        self.current.entry(key).or_insert(bucket)
    }
}

impl Bucket {
    fn refilled(&self, now: Instant, per_sec: f64, capacity: f64) -> f64 {
        (self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * per_sec).min(capacity)
    }
}

impl Refusal {
    /// The HTTP status and the `code` of the refusal, e.g. `(429, "rate_limited")`.
    pub fn labels(&self) -> (u16, &'static str) {
        match self {
            Refusal::Busy => (503, "busy"),
            Refusal::TooManyChecks { .. } => (429, "too_many_checks"),
            Refusal::RateLimited { .. } => (429, "rate_limited"),
        }
    }
}

impl IntoResponse for Refusal {
    /// 503 `busy`, 429 `rate_limited` and 429 `too_many_checks` as the shared [`Problem`] bodies,
    /// e.g. `{"error":"…","code":"too_many_checks","limit":2,"retry_after_secs":10}`.
    fn into_response(self) -> Response {
        problem_response(match self {
            Refusal::Busy => Problem::Busy { retry_after_secs: BUSY_RETRY_SECS },
            Refusal::RateLimited { retry_after_secs } => Problem::RateLimited { retry_after_secs },
            Refusal::TooManyChecks { limit } => Problem::TooManyChecks { limit, retry_after_secs: BUSY_RETRY_SECS },
        })
    }
}

/// The rate-limit key: an IPv4 address, or the /64 of an IPv6 one (one subscriber's prefix).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Middleware for the routes that start a check: refuses with 429/503, and otherwise streams the
/// response through [`supervise`], which keeps the slots until the stream is finished, cut or
/// dropped. The handler finds a [`CheckTally`] in the request's extensions to fold the check's
/// events into; the metrics read it when the check ends.
pub async fn guard(State(gate): State<Arc<Gate>>, mut req: Request, next: Next) -> Response {
    let admission = match gate.admit_anywhere(gate.client(&req)).await {
        Ok(admission) => admission,
        Err(refusal) => {
            let (status, reason) = refusal.labels();
            gate.metrics.refused(status, reason);
            return refusal.into_response();
        }
    };
    let tally = CheckTally::default();
    req.extensions_mut().insert(tally.clone());
    let (parts, body) = next.run(req).await.into_parts();
    if !parts.status.is_success() {
        // A refusal by the handler (e.g. 400): no check runs, the slots go now.
        admission.release().await;
        return Response::from_parts(parts, body);
    }
    let running = gate.metrics.start(tally);
    let body = supervise(body.into_data_stream(), admission, running, gate.check_time_limit, gate.write_timeout);
    Response::from_parts(parts, body)
}

/// Streams `body` to the client from a task of its own that also holds the check's slots.
///
/// The task hands over one chunk at a time through a channel of one, so it notices a client that
/// does not read: if a chunk is not taken within `write_timeout`, the task drops the body (and so
/// the engine's stream, which cancels the probes) and the slots, and the response ends with an
/// error, which makes the server abort the connection. After `time_limit` the task sends a last
/// line `{"type":"error","code":"check_time_limit",…}` and ends the response normally. A client
/// that leaves drops the channel's receiver; the task sees that at once and drops everything.
/// The slots are freed before the client sees the end of the stream, so a script may start its
/// next check right after reading one to its end.
fn supervise(
    mut body: BodyDataStream,
    admission: Admission,
    running: RunningCheck,
    time_limit: Duration,
    write_timeout: Duration,
) -> Body {
    let (tx, rx) = mpsc::channel::<Result<Bytes, axum::Error>>(1);
    let clean = Arc::new(AtomicBool::new(false));
    let ended_cleanly = Arc::clone(&clean);
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + time_limit;
        let ended = pump(&mut body, &tx, deadline, time_limit, write_timeout).await;
        drop(body);
        running.finish(ended);
        admission.release().await;
        ended_cleanly.store(ended != Ended::Cancelled, Ordering::SeqCst);
        drop(tx);
    });
    let chunks = futures::stream::unfold((rx, Some(clean)), |(mut rx, clean)| async move {
        match rx.recv().await {
            Some(chunk) => Some((chunk, (rx, clean))),
            None => match clean {
                Some(clean) if !clean.load(Ordering::SeqCst) => {
                    let cut = std::io::Error::new(std::io::ErrorKind::TimedOut, "the check's stream was cut");
                    Some((Err(axum::Error::new(cut)), (rx, None)))
                }
                _ => None,
            },
        }
    });
    Body::from_stream(chunks)
}

/// Moves chunks from `body` to `tx` until the body ends ([`Ended::Done`]) or the time limit is
/// reached ([`Ended::TimeLimit`]; both end the stream normally) or the client left, did not read in
/// time or the body failed ([`Ended::Cancelled`]).
async fn pump(
    body: &mut BodyDataStream,
    tx: &mpsc::Sender<Result<Bytes, axum::Error>>,
    deadline: tokio::time::Instant,
    time_limit: Duration,
    write_timeout: Duration,
) -> Ended {
    let over = tokio::time::sleep_until(deadline);
    tokio::pin!(over);
    let mut at_line_start = true;
    loop {
        let chunk = tokio::select! {
            biased;
            () = tx.closed() => return Ended::Cancelled,
            () = &mut over => {
                let line = time_limit_line(time_limit, at_line_start);
                let sent = matches!(tokio::time::timeout(write_timeout, tx.send(Ok(line))).await, Ok(Ok(())));
                return if sent { Ended::TimeLimit } else { Ended::Cancelled };
            }
            chunk = body.next() => chunk,
        };
        let Some(chunk) = chunk else { return Ended::Done };
        let failed = chunk.is_err();
        if let Ok(bytes) = &chunk {
            if let Some(&last) = bytes.last() {
                at_line_start = last == b'\n';
            }
        }
        match tokio::time::timeout(write_timeout, tx.send(chunk)).await {
            Ok(Ok(())) if !failed => {}
            _ => return Ended::Cancelled,
        }
    }
}

/// The last line of a check stopped by the time limit (after a newline if a line was unfinished).
fn time_limit_line(time_limit: Duration, at_line_start: bool) -> Bytes {
    let error = format!("the check was stopped after the server's time limit of {} s", time_limit.as_secs());
    let line = serde_json::json!({"type": "error", "code": "check_time_limit", "error": error});
    let mut bytes = if at_line_start { Vec::new() } else { vec![b'\n'] };
    bytes.extend_from_slice(line.to_string().as_bytes());
    bytes.push(b'\n');
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn gate(max_checks: u32, per_minute: u32, burst: u32) -> Gate {
        Gate::new(&LimitArgs {
            max_checks,
            max_checks_per_client: 100,
            rate_limit_per_minute: per_minute,
            rate_limit_burst: burst,
            trust_forwarded_for: true,
            ..LimitArgs::default()
        })
    }

    #[test]
    fn the_defaults_are_the_command_lines() {
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            limits: LimitArgs,
        }
        assert_eq!(Cli::parse_from(["mxray"]).limits, LimitArgs::default());
        let args = LimitArgs::default();
        assert_eq!((args.max_checks, args.max_checks_per_client), (32, 2));
        assert_eq!((args.rate_limit_per_minute, args.rate_limit_burst), (60, 5));
        assert_eq!((args.check_time_limit_secs, args.stream_write_timeout_secs), (180, 30));
    }

    #[test]
    fn a_client_gets_its_burst_and_then_its_rate() {
        let g = gate(10, 2, 3);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let t0 = Instant::now();
        let held: Vec<Admission> = (0..3).map(|_| g.admit(a, t0).unwrap()).collect();
        assert_eq!(g.admit(a, t0).unwrap_err(), Refusal::RateLimited { retry_after_secs: 30 });
        assert!(g.admit(b, t0).is_ok(), "another client has its own bucket");
        assert!(g.admit(a, t0 + Duration::from_secs(30)).is_ok(), "one token back after 30 s");
        assert!(g.admit(a, t0 + Duration::from_secs(31)).is_err(), "and only one");
        drop(held);
        let later = t0 + Duration::from_secs(300);
        assert_eq!((0..4).filter(|_| g.admit(a, later).is_ok()).count(), 3, "the bucket refills to the burst, no more");
    }

    #[test]
    fn slots_are_held_until_the_admission_drops() {
        let g = gate(1, 100, 100);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let now = Instant::now();
        let held = g.admit(ip, now).unwrap();
        assert_eq!(g.admit("192.0.2.2".parse().unwrap(), now).unwrap_err(), Refusal::Busy);
        drop(held);
        assert!(g.admit(ip, now).is_ok());
    }

    #[test]
    fn a_client_runs_at_most_its_share_and_refusals_cost_nothing() {
        let g = Gate::new(&LimitArgs { max_checks: 10, rate_limit_burst: 3, ..LimitArgs::default() });
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "2001:db8::1".parse().unwrap());
        let now = Instant::now();
        let first = g.admit(a, now).unwrap();
        let second = g.admit(a, now).unwrap();
        for _ in 0..5 {
            assert_eq!(g.admit(a, now).unwrap_err(), Refusal::TooManyChecks { limit: 2 });
        }
        assert!(g.admit(b, now).is_ok(), "another client is admitted");
        drop(first);
        assert!(g.admit(a, now).is_ok(), "a finished check frees its client's slot, and a token was left");
        assert_eq!(g.slots.available_permits(), 10 - 1, "refusals and dropped admissions hold no slot");
        drop(second);
        assert!(lock(&g.running).is_empty(), "clients without running checks are forgotten");
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let g = gate(10, 1, 1);
        let now = Instant::now();
        assert!(g.admit("2001:db8:1:2::1".parse().unwrap(), now).is_ok());
        assert!(g.admit("2001:db8:1:2:ffff::9".parse().unwrap(), now).is_err());
        assert!(g.admit("2001:db8:1:3::1".parse().unwrap(), now).is_ok());
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn idle_buckets_are_forgotten_by_rotation_only_once_full() {
        // 60 per minute with a burst of 2: an empty bucket is full again after 2 s.
        let g = gate(10, 60, 2);
        let t0 = Instant::now();
        let ip = |i: u32| IpAddr::from(std::net::Ipv4Addr::from(0xc000_0200 + i));
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        drop((g.admit(ip(0), at(0)), g.admit(ip(0), at(0))));
        assert!(g.admit(ip(0), at(1_500)).is_ok(), "1.5 tokens back");
        assert!(g.admit(ip(0), at(1_600)).is_err(), "0.6 left");
        for i in 1..50 {
            assert!(g.admit(ip(i), at(2_100)).is_ok(), "rotation at 2.1 s: earlier buckets are previous");
        }
        assert!(g.admit(ip(0), at(2_200)).is_ok(), "1.2 tokens");
        assert!(g.admit(ip(0), at(2_200)).is_err(), "the bucket came from the previous generation, not anew");
        {
            let b = lock(&g.buckets);
            assert_eq!((b.current.len(), b.previous.len()), (50, 0), "it moved into the current one");
        }
        assert!(g.admit(ip(7), at(4_200)).is_ok(), "rotation: the 49 others drop into previous");
        assert!(g.admit(ip(8), at(6_300)).is_ok(), "rotation: they are forgotten");
        let b = lock(&g.buckets);
        assert_eq!((b.current.len(), b.previous.len()), (1, 1));
    }

    #[test]
    fn a_flood_of_addresses_keeps_two_generations_at_most() {
        let g = gate(10, 1, 1);
        let now = Instant::now();
        for i in 0..(2 * MAX_TRACKED_CLIENTS as u32 + 10) {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            assert!(g.admit(ip, now).is_ok());
        }
        let b = lock(&g.buckets);
        assert!(b.current.len() <= MAX_TRACKED_CLIENTS && b.previous.len() <= MAX_TRACKED_CLIENTS);
    }

    #[test]
    fn the_client_is_the_peer_unless_a_proxy_is_trusted() {
        let mut req = Request::new(Body::empty());
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 1], 4000))));
        req.headers_mut().insert("x-forwarded-for", "203.0.113.9, 192.0.2.44".parse().unwrap());
        assert_eq!(gate(1, 1, 1).client(&req), "192.0.2.44".parse::<IpAddr>().unwrap());
        let untrusting = Gate::new(&LimitArgs { trust_forwarded_for: false, ..LimitArgs::default() });
        assert_eq!(untrusting.client(&req), "198.51.100.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_time_limit_line_starts_on_a_line_of_its_own() {
        let line = time_limit_line(Duration::from_secs(180), false);
        assert!(line.starts_with(b"\n{") && line.ends_with(b"}\n"));
        let value: serde_json::Value = serde_json::from_slice(&line[1..]).unwrap();
        assert_eq!((value["type"].as_str(), value["code"].as_str()), (Some("error"), Some("check_time_limit")));
        assert!(value["error"].as_str().unwrap().contains("180 s"));
        assert!(time_limit_line(Duration::from_secs(1), true).starts_with(b"{"));
    }
}
