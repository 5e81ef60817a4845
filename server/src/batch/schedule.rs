//! The batch's schedule: each domain's mail server addresses are looked up ahead (a window of
//! domains, through the engine's own resolver and cache); a domain starts when a place is free and
//! none of its addresses is in use, so thousands of domains at one provider wait their turn there
//! while the rest of the list goes on; only when nothing else can start does a domain start whose
//! addresses are busy (its connections then wait their turn in the polite connector).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::IpAddr;
use std::time::Duration;

use app::engine::Engine;
use futures::stream::{FuturesUnordered, StreamExt};
use mxray_report::{fold, Report, Severity};
use tokio::time::Instant;

use super::list::{Item, Shard};
use super::output::{encode, BatchFormat, Outcome, Sink};
use super::polite::Lanes;
use super::progress::Progress;
use crate::probe::dns::{plan_host, plan_mx, MailDns};
use crate::probe::provider::registrable;

/// How the batch runs.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Domains checked at once.
    pub concurrency: usize,
    /// With `--shard-by mx`: the shard, decided after the lookup.
    pub shard: Option<Shard>,
    /// The bound of each lookup.
    pub limit: Duration,
    /// The output format.
    pub format: BatchFormat,
}

/// What the run found, for the closing line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Domains checked.
    pub checked: usize,
    /// … whose worst finding is at most information.
    pub ok: usize,
    /// … whose worst finding is a warning.
    pub warning: usize,
    /// … with a critical finding.
    pub critical: usize,
    /// Lines that are no domain.
    pub invalid: usize,
    /// Domains with an open relay.
    pub open_relays: usize,
    /// Domains left to another shard by their MX provider.
    pub other_shard: usize,
    /// How long the run took.
    pub elapsed: Duration,
    /// Why the output could not be written (the run stops there).
    pub write_error: Option<io::Error>,
}

impl Summary {
    /// The closing line.
    pub fn sentence(&self) -> String {
        let mut s = format!(
            "mxray batch: {} checked in {:.1} s ({} ok, {} with warnings, {} critical; {} open relay{}), {} invalid line{}",
            self.checked,
            self.elapsed.as_secs_f64(),
            self.ok,
            self.warning,
            self.critical,
            self.open_relays,
            if self.open_relays == 1 { "" } else { "s" },
            self.invalid,
            if self.invalid == 1 { "" } else { "s" },
        );
        if self.other_shard > 0 {
            s += &format!(", {} left to other shards", self.other_shard);
        }
        s
    }

    fn count(&mut self, report: &Report) {
        self.checked += 1;
        match report.worst_severity() {
            Severity::Critical => self.critical += 1,
            Severity::Warning => self.warning += 1,
            Severity::Ok | Severity::Info => self.ok += 1,
        }
        if report.all_findings().any(|f| f.code == "open_relay") {
            self.open_relays += 1;
        }
    }
}

/// A domain with the addresses its check will connect to.
struct Ready {
    item: Item,
    ips: Vec<IpAddr>,
}

/// The addresses of a domain's mail hosts and the registrable domain of its first one.
async fn look_up<D: MailDns>(dns: &D, domain: &str, limit: Duration) -> (Vec<IpAddr>, Option<String>) {
    let plan = plan_mx(dns, domain, limit).await;
    let provider = plan.hosts.first().and_then(|h| registrable(&h.host)).map(str::to_owned);
    let mut ips = Vec::new();
    for host in &plan.hosts {
        let host = if host.resolving { plan_host(dns, &host.host, host.preference, limit).await } else { host.clone() };
        ips.extend(host.addresses);
    }
    ips.sort();
    ips.dedup();
    (ips, provider)
}

/// Checks every item and writes each result as it comes; stops early only when writing fails.
pub async fn run<E: Engine, D: MailDns>(
    plan: Plan,
    lines: Vec<Item>,
    engine: &E,
    dns: &D,
    lanes: &Lanes,
    mut sink: Sink,
) -> Summary {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut progress = Progress::new(lines.len());
    let mut pending: VecDeque<Item> = VecDeque::new();
    for item in lines {
        match &item.parsed {
            Err(e) => {
                let bytes = encode(&Outcome::Invalid(&item, e.to_string()), plan.format);
                if let Err(e) = sink.write(&bytes) {
                    summary.write_error = Some(e);
                    return summary;
                }
                summary.invalid += 1;
                progress.done(None);
            }
            Ok(_) => pending.push_back(item),
        }
    }
    // Look-ahead: enough resolved domains to find free ones among those of a busy provider.
    let window = (plan.concurrency * 8).max(64);
    let mut resolving = FuturesUnordered::new();
    let mut ready: Vec<Ready> = Vec::new();
    let mut running = FuturesUnordered::new();
    let mut claimed: HashMap<IpAddr, usize> = HashMap::new();
    loop {
        while resolving.len() + ready.len() < window {
            let Some(item) = pending.pop_front() else { break };
            resolving.push(async move {
                let (ips, provider) = look_up(dns, item.domain().unwrap_or_default(), plan.limit).await;
                (item, ips, provider)
            });
        }
        while running.len() < plan.concurrency {
            let free = |r: &Ready| r.ips.iter().all(|ip| !claimed.contains_key(ip) && !lanes.busy(*ip));
            let next = match ready.iter().position(free) {
                Some(i) => Some(i),
                // Nothing free: start the oldest anyway once nothing else could start soon (the
                // window is full or the list is through), so the run never stalls.
                None if !ready.is_empty()
                    && (ready.len() >= window || (pending.is_empty() && resolving.is_empty())) =>
                {
                    (running.is_empty() || running.len() < plan.concurrency / 2).then_some(0)
                }
                None => None,
            };
            let Some(i) = next else { break };
            let Ready { item, ips } = ready.remove(i);
            for ip in &ips {
                *claimed.entry(*ip).or_default() += 1;
            }
            let input = item.parsed.clone().expect("only domains are scheduled");
            let events = engine.check(input);
            running.push(async move {
                let mut report = Report::empty();
                let mut events = events;
                while let Some(event) = events.next().await {
                    fold(&mut report, &event);
                }
                (item, ips, report)
            });
        }
        if resolving.is_empty() && running.is_empty() && ready.is_empty() && pending.is_empty() {
            break;
        }
        tokio::select! {
            Some((item, ips, provider)) = resolving.next(), if !resolving.is_empty() => {
                let key = provider.unwrap_or_else(|| item.domain().unwrap_or_default().to_owned());
                match plan.shard {
                    Some(shard) if !shard.keeps(&key) => {
                        summary.other_shard += 1;
                        progress.skip();
                    }
                    _ => ready.push(Ready { item, ips }),
                }
            }
            Some((item, ips, report)) = running.next(), if !running.is_empty() => {
                for ip in &ips {
                    if let Some(n) = claimed.get_mut(ip) {
                        *n -= 1;
                        if *n == 0 {
                            claimed.remove(ip);
                        }
                    }
                }
                if let Err(e) = sink.write(&encode(&Outcome::Checked(&item, &report), plan.format)) {
                    summary.write_error = Some(e);
                    break;
                }
                summary.count(&report);
                progress.done(Some(report.worst_severity()));
            }
            // Addresses also come free inside a running check (its session ended): look again.
            _ = tokio::time::sleep(Duration::from_millis(200)), if !ready.is_empty() => {}
        }
    }
    summary.elapsed = started.elapsed();
    progress.finish();
    summary
}
