//! Politeness to shared mail hosts: one Google or Microsoft MX address serves millions of domains,
//! and a batch must not look like an attack on it. A connector that lets at most one connection at a
//! time to each destination address and waits at least an interval between them, across every check
//! of the process, and knows which addresses are busy so the scheduler can run other domains first.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

use crate::probe::net::{Connector, Holding};

/// One destination address: its turn (held while a connection is open) and when the last one closed.
#[derive(Default)]
struct Lane {
    turn: Arc<AsyncMutex<Option<Instant>>>,
    /// Connections open or waiting for their turn.
    users: usize,
    /// The most connections seen open at once (1 unless the lane is broken).
    peak: usize,
    open: usize,
}

/// Per-address turns, shared by every connection of the process.
#[derive(Clone, Default)]
pub struct Lanes {
    interval: Duration,
    lanes: Arc<Mutex<HashMap<IpAddr, Lane>>>,
}

impl Lanes {
    /// Lanes that keep `interval` between two connections to one address.
    pub fn new(interval: Duration) -> Self {
        Lanes { interval, lanes: Arc::default() }
    }

    /// True when a connection to `ip` is open or waiting.
    pub fn busy(&self, ip: IpAddr) -> bool {
        self.lock().get(&ip).is_some_and(|l| l.users > 0)
    }

    /// The most connections ever open at once to one address (the proof of politeness: 1).
    pub fn peak(&self) -> usize {
        self.lock().values().map(|l| l.peak).max().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Lane>> {
        self.lanes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for `ip`'s turn and for the interval since its last connection closed.
    async fn turn(&self, ip: IpAddr) -> Turn {
        let lane = {
            let mut lanes = self.lock();
            let lane = lanes.entry(ip).or_default();
            lane.users += 1;
            Arc::clone(&lane.turn)
        };
        let leave = Leave { lanes: self.clone(), ip };
        let guard = lane.lock_owned().await;
        if let Some(closed) = *guard {
            tokio::time::sleep_until(closed + self.interval).await;
        }
        let mut lanes = self.lock();
        if let Some(lane) = lanes.get_mut(&ip) {
            lane.open += 1;
            lane.peak = lane.peak.max(lane.open);
        }
        Turn { guard: Some(guard), leave }
    }
}

/// Counts a connection out of its lane when it is gone (or its wait was given up).
struct Leave {
    lanes: Lanes,
    ip: IpAddr,
}

impl Drop for Leave {
    fn drop(&mut self) {
        let mut lanes = self.lanes.lock();
        if let Some(lane) = lanes.get_mut(&self.ip) {
            lane.users = lane.users.saturating_sub(1);
        }
    }
}

/// The turn of one open connection; closing it starts the interval.
pub struct Turn {
    guard: Option<OwnedMutexGuard<Option<Instant>>>,
    leave: Leave,
}

impl Drop for Turn {
    fn drop(&mut self) {
        {
            let mut lanes = self.leave.lanes.lock();
            if let Some(lane) = lanes.get_mut(&self.leave.ip) {
                lane.open = lane.open.saturating_sub(1);
            }
        }
        if let Some(mut guard) = self.guard.take() {
            *guard = Some(Instant::now());
        }
    }
}

/// A connector that takes each address's turn before connecting.
pub struct Polite<C> {
    inner: C,
    lanes: Lanes,
}

impl<C> Polite<C> {
    /// Wraps `inner`; `lanes` are shared with the scheduler.
    pub fn new(inner: C, lanes: Lanes) -> Self {
        Polite { inner, lanes }
    }
}

impl<C: Connector> Connector for Polite<C> {
    type Stream = Holding<C::Stream, Turn>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let turn = self.lanes.turn(addr.ip()).await;
        let stream = self.inner.connect(addr).await?;
        Ok(Holding::new(stream, turn))
    }

    fn local_addr(&self, stream: &Self::Stream) -> Option<SocketAddr> {
        self.inner.local_addr(stream.stream())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Connects to nothing: in-memory pipes, counting how many are open at once.
    #[derive(Clone, Default)]
    struct Pipes {
        open: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl Connector for Pipes {
        type Stream = tokio::io::DuplexStream;
        async fn connect(&self, _: SocketAddr) -> io::Result<Self::Stream> {
            let now = self.open.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            Ok(tokio::io::duplex(64).0)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_connection_at_a_time_per_address_with_the_interval_between() {
        let lanes = Lanes::new(Duration::from_secs(1));
        let polite = Arc::new(Polite::new(Pipes::default(), lanes.clone()));
        let a: SocketAddr = "192.0.2.1:25".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:25".parse().unwrap();
        let start = Instant::now();
        let first = polite.connect(a).await.unwrap();
        assert!(lanes.busy(a.ip()) && !lanes.busy(b.ip()));
        // Another address is not held up.
        let other = polite.connect(b).await.unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO);
        let waiting = {
            let polite = Arc::clone(&polite);
            tokio::spawn(async move {
                let s = polite.connect(a).await.unwrap();
                (Instant::now(), s)
            })
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiting.is_finished(), "the second connection waits while the first is open");
        let closed = Instant::now();
        drop(first);
        let (connected, second) = waiting.await.unwrap();
        assert_eq!(connected - closed, Duration::from_secs(1), "and then the interval");
        assert_eq!(lanes.peak(), 1);
        drop((second, other));
        assert!(!lanes.busy(a.ip()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_given_up_leaves_the_lane_free() {
        let lanes = Lanes::new(Duration::ZERO);
        let polite = Polite::new(Pipes::default(), lanes.clone());
        let a: SocketAddr = "192.0.2.1:25".parse().unwrap();
        let held = polite.connect(a).await.unwrap();
        let gave_up = tokio::time::timeout(Duration::from_secs(1), polite.connect(a)).await;
        assert!(gave_up.is_err());
        drop(held);
        assert!(!lanes.busy(a.ip()), "no user left behind by the cancelled wait");
        assert!(tokio::time::timeout(Duration::from_secs(1), polite.connect(a)).await.is_ok());
    }
}
