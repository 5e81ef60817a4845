//! A count a test can wait on: the code under test (or a double of it) bumps it when something
//! happens, the test awaits the number it expects instead of sleeping and hoping.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// An event counter with waiting.
#[derive(Debug, Default)]
pub struct Counter {
    count: AtomicUsize,
    changed: Notify,
}

impl Counter {
    /// Counts one more event and wakes every waiter.
    pub fn bump(&self) {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Events counted so far.
    pub fn get(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` events were counted, for at most `within` (a bound against
    /// hanging, far above the time the events take); returns the count either way, so the
    /// caller's assertion says what was seen.
    pub async fn reached(&self, n: usize, within: Duration) -> usize {
        let wait = async {
            loop {
                // Registered before looking, so a bump in between still wakes us.
                let changed = self.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                if self.get() >= n {
                    return;
                }
                changed.await;
            }
        };
        let _ = tokio::time::timeout(within, wait).await;
        self.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_count_and_gives_up_at_the_bound() {
        let counter = Arc::new(Counter::default());
        let bumper = counter.clone();
        tokio::spawn(async move {
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                bumper.bump();
            }
        });
        let started = tokio::time::Instant::now();
        assert_eq!(counter.reached(2, Duration::from_secs(60)).await, 2);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        assert_eq!(counter.reached(5, Duration::from_secs(60)).await, 3, "only three ever come");
        assert_eq!(started.elapsed(), Duration::from_secs(62));
    }
}
