//! What the monitoring page and the API (`/api/v1/watch`, `/api/v1/watch/{domain}/history`) show:
//! each watched domain with its current state, and a domain's timeline of checks.

use serde::{Deserialize, Serialize};

use crate::diff::Trend;
use crate::model::finding::Severity;

/// A watched domain as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchedDomain {
    /// The domain (A-labels).
    pub domain: String,
    /// The worst severity of the latest check (none before the first one).
    pub status: Option<Severity>,
    /// The latest check's headline in the requested language.
    pub headline: Option<String>,
    /// The latest check (RFC 3339 UTC).
    pub last_checked: Option<String>,
    /// The first check with the current worst severity (RFC 3339 UTC): when it last changed.
    pub last_changed: Option<String>,
    /// Stored checks.
    pub checks: u64,
    /// Conditions open now (lines in the requested language, worst first).
    pub open: Vec<OpenLine>,
    /// The next check (RFC 3339 UTC), when the watcher knows it.
    pub next_check: Option<String>,
}

/// An open condition as one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLine {
    /// How much it matters.
    pub severity: Severity,
    /// What and where, e.g. `Open relay — mx.example.org (192.0.2.1)`.
    pub text: String,
    /// Since when (RFC 3339 UTC).
    pub since: String,
}

/// A domain's stored checks, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainHistory {
    /// The domain.
    pub domain: String,
    /// Every stored check, oldest first.
    pub checks: Vec<HistoryPoint>,
}

/// One stored check in a domain's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// The stored report's id (`/api/v1/watch/{domain}/reports/{id}` returns it).
    pub id: i64,
    /// When it ran (RFC 3339 UTC).
    pub checked_at: String,
    /// Its worst severity.
    pub worst: Severity,
    /// Fewest days left of any certificate seen (none without a certificate).
    pub cert_days: Option<i64>,
    /// What changed against the check before (lines in the requested language).
    pub changes: Vec<ChangeLine>,
    /// Whether the check finished (a cut-off check is shown, but raised or cleared nothing).
    pub complete: bool,
}

/// A change as one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    /// Better, worse, or changed.
    pub trend: Trend,
    /// The change in words.
    pub text: String,
}
