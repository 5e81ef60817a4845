//! The watcher's sense of time, behind a trait: the system clock in use, a hand-moved clock in
//! tests, so several cycles of six hours (and a day's reminder, and pruning after 90 days) run in
//! a second while the checks themselves still talk to real servers in real time.

use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;

use crate::probe::clock::now_unix;

/// Now, and waiting until a moment.
pub trait WatchClock: Send + Sync + 'static {
    /// Unix seconds now.
    fn now(&self) -> i64;
    /// Resolves at (or after) Unix second `at`.
    fn sleep_until(&self, at: i64) -> BoxFuture<'static, ()>;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl WatchClock for SystemClock {
    fn now(&self) -> i64 {
        now_unix()
    }

    fn sleep_until(&self, at: i64) -> BoxFuture<'static, ()> {
        let wait = u64::try_from(at.saturating_sub(now_unix())).unwrap_or(0);
        Box::pin(tokio::time::sleep(Duration::from_secs(wait)))
    }
}

/// A clock that moves only when told (tests): sleepers wake when [`ManualClock::advance`] passes
/// their moment.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<tokio::sync::watch::Sender<i64>>,
}

impl ManualClock {
    /// A clock standing at Unix second `start`.
    pub fn new(start: i64) -> Self {
        ManualClock { now: Arc::new(tokio::sync::watch::Sender::new(start)) }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.now.send_modify(|now| *now = now.saturating_add(secs));
    }
}

impl WatchClock for ManualClock {
    fn now(&self) -> i64 {
        *self.now.borrow()
    }

    fn sleep_until(&self, at: i64) -> BoxFuture<'static, ()> {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            let _ = rx.wait_for(|now| *now >= at).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_sleeper_wakes_only_when_the_clock_passes_its_moment() {
        let clock = ManualClock::new(100);
        let sleeper = tokio::spawn(clock.sleep_until(160));
        clock.advance(Duration::from_secs(30));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(30));
        tokio::time::timeout(Duration::from_secs(5), sleeper).await.expect("woken").expect("no panic");
        assert_eq!(clock.now(), 160);
    }
}
