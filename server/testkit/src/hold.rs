//! A latch for fake servers: while it is held, sessions wait before their greeting; once released,
//! they go on. Lets a test keep a server "not answered yet" for exactly as long as it needs,
//! instead of a greeting delay it has to outrun.

use std::sync::Arc;
use tokio::sync::watch;

/// A latch, released when made. Clones share it.
#[derive(Clone, Debug)]
pub struct Hold {
    held: Arc<watch::Sender<bool>>,
}

impl Default for Hold {
    fn default() -> Self {
        Hold { held: Arc::new(watch::Sender::new(false)) }
    }
}

impl Hold {
    /// Sessions that reach the latch from now on wait.
    pub fn hold(&self) {
        self.held.send_replace(true);
    }

    /// Every waiting session goes on, and later ones pass.
    pub fn release(&self) {
        self.held.send_replace(false);
    }

    /// Waits until the latch is released (at once when it is).
    pub async fn passed(&self) {
        let mut held = self.held.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = held.wait_for(|held| !*held).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn holds_until_released() {
        let latch = Hold::default();
        latch.passed().await;
        latch.hold();
        let waiting = tokio::spawn({
            let latch = latch.clone();
            async move { latch.passed().await }
        });
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!waiting.is_finished(), "held for as long as it is held");
        latch.release();
        tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("released").unwrap();
    }
}
