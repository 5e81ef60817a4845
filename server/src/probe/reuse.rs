//! Address reuse across checks (`mxray batch --reuse-secs`): thousands of domains point at the same
//! few provider addresses, and one finished session there answers for all of them for a while. The
//! first check to reach an address probes it; checks that reach it meanwhile wait for that result,
//! and later ones within the window take it, each judging the certificate against its own MX name
//! (as a second MX name on one address within a check already does, see [`super::fanout`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

use super::fanout::History;

/// What is known about an address: being probed by a check, or probed at a time.
enum Entry {
    Probing(watch::Receiver<Option<Arc<Finished>>>),
    Done(Arc<Finished>),
}

/// A finished probe of one address.
pub struct Finished {
    /// When it finished.
    pub at: Instant,
    /// The domain whose check probed it.
    pub domain: String,
    /// What the session and its lookups found, in order.
    pub history: History,
}

/// The addresses probed by this process, by address and the extra ports asked for.
pub struct AddressCache {
    window: Duration,
    entries: Mutex<HashMap<(IpAddr, Vec<u16>), Entry>>,
}

/// What a check does at an address.
pub enum Turn {
    /// Take this finished probe.
    Reuse(Arc<Finished>),
    /// Probe it, and hand the result on.
    Probe(Probing),
}

/// The right and duty to probe an address: [`Probing::finish`] shares the result; dropped without
/// it (the check was cancelled), the waiting checks probe for themselves.
pub struct Probing {
    cache: Arc<AddressCache>,
    key: (IpAddr, Vec<u16>),
    done: watch::Sender<Option<Arc<Finished>>>,
}

impl AddressCache {
    /// A cache whose results stand for `window`.
    pub fn new(window: Duration) -> Arc<Self> {
        Arc::new(AddressCache { window, entries: Mutex::default() })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(IpAddr, Vec<u16>), Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh result for the address, or the turn to probe it (after waiting for a check that is
    /// probing it now).
    pub async fn turn(self: &Arc<Self>, ip: IpAddr, ports: &[u16]) -> Turn {
        let key = (ip, ports.to_vec());
        loop {
            let mut waiting = {
                let mut entries = self.lock();
                match entries.get(&key) {
                    Some(Entry::Done(f)) if f.at.elapsed() <= self.window => return Turn::Reuse(Arc::clone(f)),
                    Some(Entry::Probing(rx)) => rx.clone(),
                    _ => {
                        let (done, rx) = watch::channel(None);
                        entries.insert(key.clone(), Entry::Probing(rx));
                        return Turn::Probe(Probing { cache: Arc::clone(self), key, done });
                    }
                }
            };
            let finished = waiting.wait_for(Option::is_some).await.ok().and_then(|f| f.clone());
            // None: the probing check went away and its entry with it; look again.
            if let Some(f) = finished {
                return Turn::Reuse(f);
            }
        }
    }
}

impl Probing {
    /// Shares the finished probe with waiting and later checks.
    pub fn finish(self, domain: &str, history: History) {
        let finished = Arc::new(Finished { at: Instant::now(), domain: domain.to_owned(), history });
        self.cache.lock().insert(self.key.clone(), Entry::Done(Arc::clone(&finished)));
        let _ = self.done.send(Some(finished));
    }
}

impl Drop for Probing {
    fn drop(&mut self) {
        if self.done.borrow().is_none() {
            let mut entries = self.cache.lock();
            if matches!(entries.get(&self.key), Some(Entry::Probing(_))) {
                entries.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_probe_answers_waiting_and_later_checks_within_the_window() {
        let cache = AddressCache::new(Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let Turn::Probe(first) = cache.turn(ip, &[]).await else { panic!("the first check probes") };
        let waiting = tokio::spawn({
            let cache = Arc::clone(&cache);
            async move { matches!(cache.turn(ip, &[]).await, Turn::Reuse(f) if f.domain == "a.example") }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiting.is_finished(), "a second check waits for the probe under way");
        first.finish("a.example", History::default());
        assert!(waiting.await.unwrap());
        assert!(matches!(cache.turn(ip, &[]).await, Turn::Reuse(_)), "later, within the window");
        assert!(matches!(cache.turn(ip, &[587]).await, Turn::Probe(_)), "other ports: another probe");
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert!(matches!(cache.turn(ip, &[]).await, Turn::Probe(_)), "after the window: probed again");
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_probe_leaves_the_turn_to_the_next_check() {
        let cache = AddressCache::new(Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let first = cache.turn(ip, &[]).await;
        let waiting = tokio::spawn({
            let cache = Arc::clone(&cache);
            async move { matches!(cache.turn(ip, &[]).await, Turn::Probe(_)) }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(first);
        assert!(waiting.await.unwrap(), "the waiting check probes itself");
    }
}
