//! The store read for people: the watched domains with their state, and a domain's timeline with
//! what changed at each check. The page, the API and `mxray history` all show these.

use mxray_report::render::headline::headline;
use mxray_report::watch::changes;
use mxray_report::watch::view::{ChangeLine, DomainHistory, HistoryPoint, OpenLine, WatchedDomain};
use mxray_report::{Lang, Report};

use super::store::{Store, StoreError};
use super::watcher::NextChecks;
use crate::probe::clock::rfc3339;

/// Every watched domain (in the list's order) with its latest state.
pub async fn watched(
    store: &Store,
    domains: &[String],
    next: &NextChecks,
    lang: Lang,
) -> Result<Vec<WatchedDomain>, StoreError> {
    let mut out = Vec::with_capacity(domains.len());
    for domain in domains {
        let state = store.state(domain).await?;
        let mut open = store.open_conditions(domain).await?;
        open.sort_by_key(|o| std::cmp::Reverse(o.condition.severity));
        let latest: Option<Report> = match &state {
            Some(s) => Some(serde_json::from_str(&s.latest.report)?),
            None => None,
        };
        out.push(WatchedDomain {
            domain: domain.clone(),
            status: state.as_ref().map(|s| s.latest.worst),
            headline: latest.as_ref().map(|r| headline(r, lang).text()),
            last_checked: state.as_ref().map(|s| rfc3339(s.latest.checked_at)),
            last_changed: state.as_ref().map(|s| rfc3339(s.last_changed)),
            checks: state.as_ref().map_or(0, |s| u64::try_from(s.checks).unwrap_or(0)),
            open: open
                .iter()
                .map(|o| OpenLine {
                    severity: o.condition.severity,
                    text: format!("{} — {}", o.condition.title(lang), o.condition.location(domain)),
                    since: rfc3339(o.since),
                })
                .collect(),
            next_check: next.lock().ok().and_then(|n| n.get(domain).copied()).map(rfc3339),
        });
    }
    Ok(out)
}

/// A domain's stored checks, oldest first, each with what changed against the complete check
/// before it.
pub async fn history(store: &Store, domain: &str, lang: Lang) -> Result<DomainHistory, StoreError> {
    let stored = store.history(domain).await?;
    let mut checks = Vec::with_capacity(stored.len());
    let mut previous: Option<Report> = None;
    for s in stored {
        let report: Report = serde_json::from_str(&s.report)?;
        let lines = if s.complete { changes(previous.as_ref(), &report, lang) } else { Vec::new() };
        checks.push(HistoryPoint {
            id: s.id,
            checked_at: rfc3339(s.checked_at),
            worst: s.worst,
            cert_days: s.cert_days,
            changes: lines.into_iter().map(|(trend, text)| ChangeLine { trend, text }).collect(),
            complete: s.complete,
        });
        if s.complete {
            previous = Some(report);
        }
    }
    Ok(DomainHistory { domain: domain.to_owned(), checks })
}
