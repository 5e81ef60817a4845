//! Protecting the public service: a global cap on concurrent checks and a per-client rate limit,
//! both answered with a readable JSON body and `Retry-After`.

use app::api::Problem;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::problem_response;

/// Seconds a client is asked to wait when every check slot is taken.
const BUSY_RETRY_SECS: u64 = 10;
/// Rate-limit buckets kept before full (idle) ones are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

/// Limits of the public service, each also set by its `MXRAY_…` variable.
#[derive(Clone, Debug, clap::Args)]
pub struct LimitArgs {
    /// Most checks running at once over all clients (more get HTTP 503 with Retry-After).
    #[arg(long, env = "MXRAY_MAX_CHECKS", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_checks: u32,
    /// Checks one client (IPv4 address or IPv6 /64) may start per minute (more get HTTP 429).
    #[arg(long, env = "MXRAY_RATE_LIMIT_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate_limit_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a reverse proxy).
    #[arg(long, env = "MXRAY_TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub trust_forwarded_for: bool,
}

/// The admission state shared by every request.
#[derive(Debug)]
pub struct Gate {
    slots: Arc<Semaphore>,
    per_minute: u32,
    trust_forwarded_for: bool,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// A token bucket: `per_minute` tokens, refilled continuously.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Gate {
    /// A gate with the given limits.
    pub fn new(args: &LimitArgs) -> Self {
        Gate {
            slots: Arc::new(Semaphore::new(args.max_checks as usize)),
            per_minute: args.rate_limit_per_minute,
            trust_forwarded_for: args.trust_forwarded_for,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Admits one check for a client: a slot (held until the permit is dropped) and a token.
    pub fn admit(&self, client: IpAddr, now: Instant) -> Result<OwnedSemaphorePermit, Problem> {
        let permit =
            self.slots.clone().try_acquire_owned().map_err(|_| Problem::Busy { retry_after_secs: BUSY_RETRY_SECS })?;
        self.take_token(client_key(client), now)?;
        Ok(permit)
    }

    fn take_token(&self, key: IpAddr, now: Instant) -> Result<(), Problem> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED_CLIENTS {
            buckets.retain(|_, b| b.refilled(now, per_sec, capacity) < capacity);
        }
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: capacity, at: now });
        bucket.tokens = bucket.refilled(now, per_sec, capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_sec).ceil().max(1.0);
            Err(Problem::RateLimited { retry_after_secs: wait as u64 })
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

impl Bucket {
    fn refilled(&self, now: Instant, per_sec: f64, capacity: f64) -> f64 {
        (self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * per_sec).min(capacity)
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

/// Middleware for the routes that start a check: refuses with 429/503, and otherwise keeps the
/// slot until the streamed response body is finished or dropped.
pub async fn guard(State(gate): State<Arc<Gate>>, req: Request, next: Next) -> Response {
    let permit = match gate.admit(gate.client(&req), Instant::now()) {
        Ok(permit) => permit,
        Err(problem) => return problem_response(problem),
    };
    let (parts, body) = next.run(req).await.into_parts();
    let body = body.into_data_stream().map(move |chunk| {
        let _slot = &permit;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn gate(max_checks: u32, per_minute: u32) -> Gate {
        Gate::new(&LimitArgs { max_checks, rate_limit_per_minute: per_minute, trust_forwarded_for: true })
    }

    #[test]
    fn a_client_gets_its_rate_and_then_a_wait() {
        let g = gate(10, 2);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let t0 = Instant::now();
        assert!(g.admit(a, t0).is_ok());
        assert!(g.admit(a, t0).is_ok());
        assert_eq!(g.admit(a, t0).unwrap_err(), Problem::RateLimited { retry_after_secs: 30 });
        assert!(g.admit(b, t0).is_ok(), "another client has its own bucket");
        assert!(g.admit(a, t0 + Duration::from_secs(30)).is_ok(), "one token back after 30 s");
    }

    #[test]
    fn slots_are_held_until_the_permit_drops() {
        let g = gate(1, 100);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let now = Instant::now();
        let held = g.admit(ip, now).unwrap();
        assert_eq!(g.admit(ip, now).unwrap_err(), Problem::Busy { retry_after_secs: BUSY_RETRY_SECS });
        drop(held);
        assert!(g.admit(ip, now).is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let g = gate(10, 1);
        let now = Instant::now();
        assert!(g.admit("2001:db8:1:2::1".parse().unwrap(), now).is_ok());
        assert!(g.admit("2001:db8:1:2:ffff::9".parse().unwrap(), now).is_err());
        assert!(g.admit("2001:db8:1:3::1".parse().unwrap(), now).is_ok());
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_client_is_the_peer_unless_a_proxy_is_trusted() {
        let mut req = Request::new(Body::empty());
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 1], 4000))));
        req.headers_mut().insert("x-forwarded-for", "203.0.113.9, 192.0.2.44".parse().unwrap());
        assert_eq!(gate(1, 1).client(&req), "192.0.2.44".parse::<IpAddr>().unwrap());
        let untrusting = Gate::new(&LimitArgs { max_checks: 1, rate_limit_per_minute: 1, trust_forwarded_for: false });
        assert_eq!(untrusting.client(&req), "198.51.100.1".parse::<IpAddr>().unwrap());
    }
}
