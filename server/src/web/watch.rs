//! Monitoring on the web, when `mxray serve --watch FILE` runs: the store as the page reads it
//! ([`WatchSource`]) and the read-only API — `GET /api/v1/watch` (every watched domain with its
//! state), `GET /api/v1/watch/{domain}/history` (its timeline) and
//! `GET /api/v1/watch/{domain}/reports/{id}` (one stored report). Without `--watch` they answer 404.

use app::engine::{SharedWatch, WatchSource};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::future::BoxFuture;
use mxray_report::watch::view::{DomainHistory, WatchedDomain};
use mxray_report::{normalize, Lang, Report};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::watch::store::Store;
use crate::watch::view;
use crate::watch::watcher::NextChecks;

/// The list's path.
pub const LIST: &str = "/api/v1/watch";
/// A domain's timeline.
pub const HISTORY: &str = "/api/v1/watch/{domain}/history";
/// One stored report.
pub const REPORT: &str = "/api/v1/watch/{domain}/reports/{id}";

/// The running watcher's store, read for the page and the API.
#[derive(Clone, Debug)]
pub struct WatchedStore {
    /// The store.
    pub store: Store,
    /// The watched domains, in the list's order.
    pub domains: Arc<Vec<String>>,
    /// The next check of each domain.
    pub next: NextChecks,
}

impl WatchedStore {
    fn watched(&self, domain: &str) -> Option<String> {
        let domain = normalize(domain).ok()?.domain;
        self.domains.contains(&domain).then_some(domain)
    }
}

impl WatchSource for WatchedStore {
    fn domains(&self, lang: Lang) -> BoxFuture<'static, Result<Vec<WatchedDomain>, String>> {
        let this = self.clone();
        Box::pin(
            async move { view::watched(&this.store, &this.domains, &this.next, lang).await.map_err(|e| e.to_string()) },
        )
    }

    fn history(&self, domain: String, lang: Lang) -> BoxFuture<'static, Result<Option<DomainHistory>, String>> {
        let this = self.clone();
        Box::pin(async move {
            let Some(domain) = this.watched(&domain) else { return Ok(None) };
            view::history(&this.store, &domain, lang).await.map(Some).map_err(|e| e.to_string())
        })
    }

    fn report(&self, domain: String, id: i64) -> BoxFuture<'static, Result<Option<Report>, String>> {
        let this = self.clone();
        Box::pin(async move {
            let Some(domain) = this.watched(&domain) else { return Ok(None) };
            this.store.report(&domain, id).await.map_err(|e| e.to_string())
        })
    }
}

/// `?lang=de`.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::from_tag).unwrap_or(Lang::En)
    }
}

/// An error body.
#[derive(Serialize)]
struct Failure {
    error: &'static str,
    message: String,
}

fn failure(status: StatusCode, error: &'static str, message: String) -> Response {
    (status, Json(Failure { error, message })).into_response()
}

fn off() -> Response {
    failure(StatusCode::NOT_FOUND, "monitoring_off", "monitoring is off: start the server with --watch FILE".into())
}

fn store_failed(e: String) -> Response {
    tracing::error!("monitoring store: {e}");
    failure(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", "the monitoring store cannot be read now".into())
}

/// The list: `{"domains": [...]}`.
pub async fn list(State(watch): State<Option<SharedWatch>>, Query(q): Query<LangQuery>) -> Response {
    let Some(watch) = watch else { return off() };
    #[derive(Serialize)]
    struct List {
        domains: Vec<WatchedDomain>,
    }
    match watch.domains(q.lang()).await {
        Ok(domains) => Json(List { domains }).into_response(),
        Err(e) => store_failed(e),
    }
}

/// A domain's timeline.
pub async fn history(
    State(watch): State<Option<SharedWatch>>,
    Path(domain): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let Some(watch) = watch else { return off() };
    match watch.history(domain.clone(), q.lang()).await {
        Ok(Some(history)) => Json(history).into_response(),
        Ok(None) => failure(StatusCode::NOT_FOUND, "not_watched", format!("{domain:?} is not watched here")),
        Err(e) => store_failed(e),
    }
}

/// One stored report, as `mxray check --json` writes it.
pub async fn report(State(watch): State<Option<SharedWatch>>, Path((domain, id)): Path<(String, i64)>) -> Response {
    let Some(watch) = watch else { return off() };
    match watch.report(domain.clone(), id).await {
        Ok(Some(report)) => Json(report).into_response(),
        Ok(None) => failure(StatusCode::NOT_FOUND, "no_such_report", format!("no report {id} of {domain:?} here")),
        Err(e) => store_failed(e),
    }
}
