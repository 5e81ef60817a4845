//! Per-client limits shared by several replicas through Redis (`--redis-url`): the rate limit (a
//! token bucket per client) and the running checks per client, decided atomically by one Lua
//! script on the Redis clock, so every replica sees the same state.
//!
//! Keys, with the client (an IPv4 address or an IPv6 /64) as hash tag so both land in one slot:
//! - `mxray:{CLIENT}:bucket`, a hash `tokens`, `at` (ms): the token bucket. It expires once it would
//!   be full again, which is the same as having none.
//! - `mxray:{CLIENT}:running`, a sorted set of check ids (`REPLICA:N`) scored by the time (ms) each
//!   expires. A running check's replica refreshes its score every third of the slot TTL (heartbeat);
//!   expired ids are removed before counting, so the checks of a crashed replica free their
//!   client's slots after the TTL. The key itself expires with its last id.
//!
//! When Redis does not answer (within a bound), the caller falls back to its local limits; this
//! module logs the outage once and logs again when Redis answers.

use prometheus_client::metrics::gauge::Gauge;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Script};
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How long a running check's slot lives without a heartbeat, by default.
pub const DEFAULT_SLOT_TTL: Duration = Duration::from_secs(30);
/// The longest a Redis call may take before the local limits decide instead.
const CALL_BOUND: Duration = Duration::from_secs(1);
/// After a failed call, Redis is not asked again for this long (the local limits decide).
const RETRY_AFTER_FAILURE: Duration = Duration::from_millis(500);

/// Admission: drops expired ids, checks the cap, then the bucket; takes both only when both allow.
/// KEYS: running, bucket. ARGV: id, cap, per minute, burst, slot TTL (ms).
/// Returns `{0, 0}` admitted, `{1, cap}` too many checks, `{2, seconds}` rate limited.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap, per_minute, burst, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= cap then
  return {1, cap}
end
local per_ms = per_minute / 60000
local b = redis.call('HMGET', KEYS[2], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * per_ms)
if tokens < 1 then
  return {2, math.max(1, math.ceil((1 - tokens) / per_ms / 1000))}
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[2], math.ceil(burst / per_ms) + 1000)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return {0, 0}
";

/// Heartbeat: the check's id lives another TTL (added again if Redis lost it, e.g. a restart).
/// KEYS: running. ARGV: id, slot TTL (ms).
const HEARTBEAT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
";

/// Why the shared limits cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SharedLimitsError {
    /// The URL is not a usable Redis URL (TLS URLs are not supported: this build has no Redis TLS).
    #[error("--redis-url is not usable: {0}")]
    Url(#[source] RedisError),
}

/// Why Redis could not decide (the local limits do).
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    /// Redis answered with an error or the connection failed.
    #[error("{0}")]
    Redis(#[from] RedisError),
    /// No answer within the bound.
    #[error("no answer within {} ms", CALL_BOUND.as_millis())]
    Timeout,
    /// A recent call failed; Redis is asked again shortly.
    #[error("waiting before asking again")]
    Resting,
}

/// What Redis decided for one check.
#[derive(Debug)]
pub enum Decision {
    /// Admitted: the ticket holds the client's slot until released.
    Admitted(Ticket),
    /// The client runs `limit` checks over all replicas.
    TooManyChecks {
        /// The per-client cap.
        limit: u32,
    },
    /// The client's bucket is empty.
    RateLimited {
        /// Seconds until its next token.
        retry_after_secs: u64,
    },
}

/// The limits and the connection shared by every request of this replica.
#[derive(Clone, Debug)]
pub struct SharedLimits {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    conn: ConnectionManager,
    /// The URL without credentials, for the log.
    shown: String,
    replica: u64,
    next_id: AtomicU64,
    per_client: u32,
    per_minute: u32,
    burst: u32,
    slot_ttl: Duration,
    admit: Script,
    heartbeat: Script,
    /// True while Redis is known not to answer (logged once).
    down: AtomicBool,
    /// Not before this instant is Redis asked again after a failure.
    resting_until: Mutex<Option<Instant>>,
    up: Gauge,
}

/// A check's slot in Redis: refreshed while held, removed by [`Ticket::release`].
#[derive(Debug)]
pub struct Ticket {
    inner: Arc<Inner>,
    key: String,
    id: String,
    heartbeat: JoinHandle<()>,
    released: bool,
}

impl SharedLimits {
    /// Limits shared through the Redis at `url` (`redis://[:password@]host:port[/db]` or
    /// `redis+unix:///path`); connects lazily, so a Redis that is down at start is only logged.
    pub fn new(url: &str, per_client: u32, per_minute: u32, burst: u32, up: Gauge) -> Result<Self, SharedLimitsError> {
        let client = redis::Client::open(url).map_err(SharedLimitsError::Url)?;
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(CALL_BOUND))
            .set_response_timeout(Some(CALL_BOUND));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(SharedLimitsError::Url)?;
        let shown = format!("{}", client.get_connection_info().addr());
        Ok(SharedLimits {
            inner: Arc::new(Inner {
                conn,
                shown,
                replica: random_u64(),
                next_id: AtomicU64::new(0),
                per_client,
                per_minute,
                burst,
                slot_ttl: DEFAULT_SLOT_TTL,
                admit: Script::new(ADMIT),
                heartbeat: Script::new(HEARTBEAT),
                down: AtomicBool::new(false),
                resting_until: Mutex::new(None),
                up,
            }),
        })
    }

    /// Sets how long a running check's slot outlives its last heartbeat (heartbeats come every
    /// third of it); [`DEFAULT_SLOT_TTL`] unless set. Call before the first check.
    pub fn with_slot_ttl(mut self, ttl: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.slot_ttl = ttl.max(Duration::from_millis(30));
        }
        self
    }

    /// Asks Redis to admit a check of `client` (an address already reduced to its client key).
    pub async fn admit(&self, client: IpAddr) -> Result<Decision, Unavailable> {
        let inner = &self.inner;
        let key = format!("mxray:{{{client}}}:running");
        let id = format!("{:016x}:{}", inner.replica, inner.next_id.fetch_add(1, Ordering::Relaxed));
        let mut conn = inner.conn.clone();
        let mut call = inner.admit.key(&key);
        call.key(format!("mxray:{{{client}}}:bucket"))
            .arg(&id)
            .arg(inner.per_client)
            .arg(inner.per_minute)
            .arg(inner.burst)
            .arg(millis(inner.slot_ttl));
        let (code, value): (i64, i64) = inner.call(call.invoke_async(&mut conn)).await?;
        Ok(match code {
            0 => {
                let heartbeat = tokio::spawn(heartbeats(Arc::clone(inner), key.clone(), id.clone()));
                Decision::Admitted(Ticket { inner: Arc::clone(inner), key, id, heartbeat, released: false })
            }
            1 => Decision::TooManyChecks { limit: u32::try_from(value).unwrap_or(inner.per_client) },
            _ => Decision::RateLimited { retry_after_secs: u64::try_from(value).unwrap_or(1) },
        })
    }
}

impl Inner {
    /// Runs one Redis call within the bound, unless resting after a failure; notes the outcome.
    async fn call<T>(&self, call: impl std::future::Future<Output = Result<T, RedisError>>) -> Result<T, Unavailable> {
        let resting = self.resting_until.lock().map(|until| until.is_some_and(|t| Instant::now() < t)).unwrap_or(false);
        if resting {
            return Err(Unavailable::Resting);
        }
        let result = match tokio::time::timeout(CALL_BOUND, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(Unavailable::Redis(e)),
            Err(_) => Err(Unavailable::Timeout),
        };
        match &result {
            Ok(_) => {
                if self.down.swap(false, Ordering::SeqCst) {
                    tracing::warn!("Redis at {} answers again: per-client limits are shared again", self.shown);
                }
                self.up.set(1);
            }
            Err(e) => {
                if let Ok(mut until) = self.resting_until.lock() {
                    *until = Some(Instant::now() + RETRY_AFTER_FAILURE);
                }
                if !self.down.swap(true, Ordering::SeqCst) {
                    tracing::warn!(
                        "Redis at {} does not answer ({e}): per-client limits are this replica's own until it is back",
                        self.shown
                    );
                }
                self.up.set(0);
            }
        }
        result
    }
}

impl Ticket {
    /// Stops the heartbeat and removes the check's id, so its client's slot is free at once.
    pub async fn release(mut self) {
        self.released = true;
        self.heartbeat.abort();
        let mut conn = self.inner.conn.clone();
        let mut remove = redis::cmd("ZREM");
        remove.arg(&self.key).arg(&self.id);
        let _ = self.inner.call(remove.exec_async(&mut conn)).await;
    }
}

impl Drop for Ticket {
    /// Not released (a task torn down): the heartbeat stops and the id is removed in the
    /// background, if a runtime is still there; otherwise it expires after the slot TTL.
    fn drop(&mut self) {
        self.heartbeat.abort();
        if self.released {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (inner, key, id) =
                (Arc::clone(&self.inner), std::mem::take(&mut self.key), std::mem::take(&mut self.id));
            runtime.spawn(async move {
                let mut conn = inner.conn.clone();
                let mut remove = redis::cmd("ZREM");
                remove.arg(&key).arg(&id);
                let _ = inner.call(remove.exec_async(&mut conn)).await;
            });
        }
    }
}

/// Refreshes a running check's id every third of the slot TTL until aborted.
async fn heartbeats(inner: Arc<Inner>, key: String, id: String) {
    let period = inner.slot_ttl / 3;
    loop {
        tokio::time::sleep(period).await;
        let mut conn = inner.conn.clone();
        let mut call = inner.heartbeat.key(&key);
        call.arg(&id).arg(millis(inner.slot_ttl));
        let _ = inner.call(call.invoke_async::<i64>(&mut conn)).await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A random number naming this replica (std's randomly keyed hasher; no extra crate).
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.write_u32(std::process::id());
    hasher.finish()
}
