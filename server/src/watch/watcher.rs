//! The watch loop: each domain is checked when due (`--every`, with a fixed per-domain offset of up
//! to a tenth of it, so a long list spreads out instead of hitting every server at the same
//! minute), each report is stored and compared in one transaction, alerts are queued for the
//! webhook, and old reports are pruned. A failing store is logged and the loop goes on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::engine::Engine;
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use mxray_report::{fold, Lang, NormalizedInput, Report};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::clock::WatchClock;
use super::store::Store;
use super::webhook;

/// Seconds between two prunings.
const PRUNE_EVERY_SECS: i64 = 3600;

/// How the watcher runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Time between two checks of a domain.
    pub every: Duration,
    /// Alert when a certificate has fewer days left.
    pub cert_days: i64,
    /// Keep reports this long (the latest of each domain always stays).
    pub keep: Option<Duration>,
    /// Language of the alerts.
    pub lang: Lang,
    /// Domains checked at once.
    pub concurrency: usize,
}

/// When each domain is due next (Unix seconds); the monitoring page shows it.
pub type NextChecks = Arc<Mutex<HashMap<String, i64>>>;

/// The watch loop's parts.
pub struct Watcher<E, K> {
    /// Runs the checks (polite, like `mxray batch`).
    pub engine: E,
    /// Where reports, conditions and alerts go.
    pub store: Store,
    /// The clock.
    pub clock: Arc<K>,
    /// Settings.
    pub settings: Settings,
    /// Notified when an alert was queued (the webhook delivers it at once).
    pub wake: Arc<Notify>,
    /// The next check of each domain, for the page.
    pub next: NextChecks,
}

impl<E: Engine, K: WatchClock> Watcher<E, K> {
    /// Runs until `cycles` rounds are done (None: forever). A round is one check of every domain.
    pub async fn run(&self, domains: &[NormalizedInput], cycles: Option<u64>) {
        let every = i64::try_from(self.settings.every.as_secs()).unwrap_or(i64::MAX).max(1);
        let last: HashMap<String, i64> = match self.store.last_checked().await {
            Ok(rows) => rows.into_iter().collect(),
            Err(e) => {
                tracing::error!("watch: reading the last checks failed ({e}); checking every domain now");
                HashMap::new()
            }
        };
        let now = self.clock.now();
        let mut due: Vec<(i64, u64)> = domains
            .iter()
            // A bounded run (`--once`) checks now; a lasting one goes on from the stored schedule.
            .map(|d| match last.get(&d.domain) {
                Some(t) if cycles.is_none() => (t + every + offset(&d.domain, every), 0),
                _ => (now, 0),
            })
            .collect();
        self.publish(domains, &due);
        let mut running = FuturesUnordered::new();
        let mut busy = vec![false; domains.len()];
        let mut last_prune = i64::MIN;
        loop {
            let now = self.clock.now();
            if last_prune.saturating_add(PRUNE_EVERY_SECS) <= now {
                self.prune(now).await;
                last_prune = now;
            }
            let finished = |&(_, rounds): &(i64, u64)| cycles.is_some_and(|c| rounds >= c);
            while running.len() < self.settings.concurrency.max(1) {
                let next = (0..domains.len())
                    .filter(|&i| !busy[i] && !finished(&due[i]) && due[i].0 <= now)
                    .min_by_key(|&i| due[i].0);
                let Some(i) = next else { break };
                busy[i] = true;
                let input = domains[i].clone();
                let events = self.engine.check(input);
                running.push(async move {
                    let mut report = Report::empty();
                    let mut events = events;
                    while let Some(event) = events.next().await {
                        fold(&mut report, &event);
                    }
                    (i, report)
                });
            }
            if running.is_empty() && due.iter().all(finished) {
                return;
            }
            let wake_at = (0..domains.len()).filter(|&i| !busy[i] && !finished(&due[i])).map(|i| due[i].0).min();
            tokio::select! {
                Some((i, report)) = running.next(), if !running.is_empty() => {
                    busy[i] = false;
                    let now = self.clock.now();
                    self.store_check(&domains[i].domain, now, &report).await;
                    due[i] = (now + every + offset(&domains[i].domain, every), due[i].1 + 1);
                    self.publish(domains, &due);
                }
                () = self.clock.sleep_until(wake_at.unwrap_or(i64::MAX)), if wake_at.is_some() => {}
            }
        }
    }

    async fn store_check(&self, domain: &str, now: i64, report: &Report) {
        let lang = self.settings.lang;
        match self.store.record(domain, now, report, self.settings.cert_days, |a| webhook::body(a, lang)).await {
            Ok(recorded) => {
                if let Some(alert) = recorded.alert {
                    tracing::info!(
                        "watch: {domain}: {}",
                        alert.text(lang, crate::probe::clock::rfc3339).lines().next().unwrap_or("")
                    );
                    self.wake.notify_one();
                }
            }
            // Locked, full, gone: said in the log; the next round tries again.
            Err(e) => tracing::error!("watch: storing the check of {domain} failed: {e}"),
        }
    }

    async fn prune(&self, now: i64) {
        let Some(keep) = self.settings.keep else { return };
        let before = now.saturating_sub(i64::try_from(keep.as_secs()).unwrap_or(i64::MAX));
        match self.store.prune(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("watch: pruned {n} reports older than the kept history"),
            Err(e) => tracing::error!("watch: pruning failed: {e}"),
        }
    }

    fn publish(&self, domains: &[NormalizedInput], due: &[(i64, u64)]) {
        if let Ok(mut next) = self.next.lock() {
            for (d, (at, _)) in domains.iter().zip(due) {
                next.insert(d.domain.clone(), *at);
            }
        }
    }
}

/// A domain's fixed offset within ±1/10 of the interval (from its name, so it stays put across
/// restarts and rounds).
pub fn offset(domain: &str, every: i64) -> i64 {
    let hash = Sha256::digest(domain.as_bytes());
    let x = i64::from(u16::from_be_bytes([hash[0], hash[1]])); // 0..65535
    let span = every / 10;
    if span == 0 {
        return 0;
    }
    (x * 2 * span / 65_535) - span
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn offsets_stay_within_a_tenth_and_differ_between_domains() {
        let every = 6 * 3600;
        let offsets: Vec<i64> =
            ["a.example", "b.example", "c.example", "d.example"].iter().map(|d| offset(d, every)).collect();
        assert!(offsets.iter().all(|o| o.abs() <= every / 10), "{offsets:?}");
        assert!(offsets.windows(2).any(|w| w[0] != w[1]));
        assert_eq!(offset("a.example", every), offsets[0], "stable");
        assert_eq!(offset("a.example", 5), 0);
    }
}
