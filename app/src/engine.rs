//! The seam between the web app and the probe engine: `app` names what it needs, `server`
//! provides it through Leptos context, so `app` never depends on network crates.

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use std::sync::Arc;

use mxray_report::input::NormalizedInput;
use mxray_report::model::event::CheckEvent;
use mxray_report::watch::view::{DomainHistory, WatchedDomain};
use mxray_report::{Lang, Report};

/// Something that checks a domain and streams what it finds.
pub trait Engine: Send + Sync + 'static {
    /// Starts a check; dropping the stream cancels the probes.
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent>;
}

/// The engine as shared through Leptos context and axum state.
pub type SharedEngine = Arc<dyn Engine>;

/// The monitoring store as the page reads it (present only when `mxray serve --watch FILE` runs).
pub trait WatchSource: Send + Sync + 'static {
    /// Every watched domain with its current state; texts in `lang`.
    fn domains(&self, lang: Lang) -> BoxFuture<'static, Result<Vec<WatchedDomain>, String>>;
    /// A domain's stored checks, oldest first (`None`: not watched); texts in `lang`.
    fn history(&self, domain: String, lang: Lang) -> BoxFuture<'static, Result<Option<DomainHistory>, String>>;
    /// One stored report of a watched domain by its id (`None`: no such report).
    fn report(&self, domain: String, id: i64) -> BoxFuture<'static, Result<Option<Report>, String>>;
}

/// The monitoring store as shared through Leptos context (absent when monitoring is off).
pub type SharedWatch = Arc<dyn WatchSource>;
