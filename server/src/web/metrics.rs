//! Prometheus metrics of `mxray serve`, scraped at `GET /metrics` (OpenMetrics text rendered by
//! `prometheus-client`): checks started and finished (by verdict and by how they ended), their
//! duration, checks in flight, the engine's open connections, refusals, and each address's step
//! marks from the folded report at the end of a check. Nothing names a domain or a client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::finding::Severity;
use mxray_report::model::report::{Mark, Report};
use mxray_report::{fold, CheckEvent};
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::probe::net::{Connector, Holding};

/// Where the metrics are served.
pub const PATH: &str = "/metrics";
/// The media type of the OpenMetrics text format (Prometheus reads it).
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Upper bounds (seconds) of the duration histogram's buckets: the server's time limit is 180 s.
const DURATION_BUCKETS: [f64; 11] = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 180.0, 300.0];

/// Labels of `mxray_checks_finished_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FinishedLabels {
    /// The report's worst severity: `ok`, `info`, `warning`, `critical`.
    verdict: &'static str,
    /// How the check ended: `done`, `time_limit`, `cancelled`.
    ended: &'static str,
}

/// Labels of `mxray_refusals_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabels {
    /// The HTTP status: `429` or `503`.
    status: &'static str,
    /// `rate_limited`, `too_many_checks` or `busy`.
    reason: &'static str,
}

/// Labels of `mxray_probe_steps_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StepLabels {
    /// `tcp`, `banner`, `ehlo`, `starttls`, `certificate`, `open_relay`.
    step: &'static str,
    /// `ok`, `warning`, `critical`, `inconclusive`, `not_applicable`.
    mark: &'static str,
}

/// How a check's stream ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The stream ended by itself (the engine's `done`).
    Done,
    /// The server's time limit stopped it.
    TimeLimit,
    /// The client left, did not read in time, or the stream failed.
    Cancelled,
}

impl Ended {
    fn label(self) -> &'static str {
        match self {
            Ended::Done => "done",
            Ended::TimeLimit => "time_limit",
            Ended::Cancelled => "cancelled",
        }
    }
}

/// The server's metrics and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    started: Counter,
    finished: Family<FinishedLabels, Counter>,
    duration: Histogram,
    in_flight: Gauge,
    connections: Gauge,
    refusals: Family<RefusalLabels, Counter>,
    steps: Family<StepLabels, Counter>,
    redis_up: Gauge,
}

impl Default for Metrics {
    /// The same as [`Metrics::new`].
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero, registered under the `mxray_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("mxray");
        let m = Metrics {
            started: Counter::default(),
            finished: Family::default(),
            duration: Histogram::new(DURATION_BUCKETS),
            in_flight: Gauge::default(),
            connections: Gauge::default(),
            refusals: Family::default(),
            steps: Family::default(),
            redis_up: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("checks_started", "Checks admitted and started", m.started.clone());
        registry.register(
            "checks_finished",
            "Checks finished, by the report's worst severity and by how the stream ended",
            m.finished.clone(),
        );
        registry.register(
            "check_duration_seconds",
            "Seconds from a check's start to the end of its stream",
            m.duration.clone(),
        );
        registry.register("checks_in_flight", "Checks running now", m.in_flight.clone());
        registry.register("probe_connections_open", "The probe engine's open TCP connections", m.connections.clone());
        registry.register("refusals", "Checks refused, by HTTP status and reason", m.refusals.clone());
        registry.register(
            "probe_steps",
            "Step marks of each probed address at the end of a check (pending steps are not counted)",
            m.steps.clone(),
        );
        registry.register(
            "shared_limits_up",
            "1 while the Redis of --redis-url answers, 0 when it does not or none is configured",
            m.redis_up.clone(),
        );
        Metrics { registry, ..m }
    }

    /// The exposition text, ending in `# EOF`.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// The gauge of open probe connections, for [`Counted`].
    pub fn open_connections(&self) -> Gauge {
        self.connections.clone()
    }

    /// The gauge that says whether the shared limits' Redis answers.
    pub fn shared_limits_up(&self) -> Gauge {
        self.redis_up.clone()
    }

    /// Counts a refusal, e.g. `(429, "rate_limited")`.
    pub fn refused(&self, status: u16, reason: &'static str) {
        let status = match status {
            429 => "429",
            503 => "503",
            _ => "other",
        };
        self.refusals.get_or_create(&RefusalLabels { status, reason }).inc();
    }

    /// Counts a check as started and in flight until the returned value is finished or dropped.
    pub fn start(self: &Arc<Self>, tally: CheckTally) -> RunningCheck {
        self.started.inc();
        self.in_flight.inc();
        RunningCheck { metrics: Arc::clone(self), tally, since: tokio::time::Instant::now(), finished: false }
    }

    fn finish(&self, report: &Report, ended: Ended, seconds: f64) {
        let verdict = match report.worst_severity() {
            Severity::Ok => "ok",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        };
        self.finished.get_or_create(&FinishedLabels { verdict, ended: ended.label() }).inc();
        self.duration.observe(seconds);
        for address in report.mx.iter().flat_map(|host| &host.addresses) {
            for step in Step::ALL {
                if let Some(mark) = mark_label(step_mark(address, step)) {
                    self.steps.get_or_create(&StepLabels { step: step.id(), mark }).inc();
                }
            }
        }
    }
}

/// The label of a mark; `None` for a step still pending (no outcome).
fn mark_label(mark: Mark) -> Option<&'static str> {
    Some(match mark {
        Mark::Pending => return None,
        Mark::NotApplicable => "not_applicable",
        Mark::Inconclusive => "inconclusive",
        Mark::Ok => "ok",
        Mark::Warning => "warning",
        Mark::Critical => "critical",
    })
}

/// One check's report, folded from its events as they pass (the API reads it for its last line,
/// the metrics at the end of the check). Clones share the report.
#[derive(Clone, Debug)]
pub struct CheckTally(Arc<Mutex<Report>>);

impl Default for CheckTally {
    /// An empty report.
    fn default() -> Self {
        CheckTally(Arc::new(Mutex::new(Report::empty())))
    }
}

impl CheckTally {
    /// Folds one event into the report.
    pub fn fold(&self, event: &CheckEvent) {
        fold(&mut self.report(), event);
    }

    /// Runs `f` on the report as folded so far.
    pub fn with_report<R>(&self, f: impl FnOnce(&Report) -> R) -> R {
        f(&self.report())
    }

    fn report(&self) -> MutexGuard<'_, Report> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A check in flight; [`RunningCheck::finish`] records how it ended, and dropping it unfinished
/// (a task torn down) counts it as cancelled.
#[derive(Debug)]
pub struct RunningCheck {
    metrics: Arc<Metrics>,
    tally: CheckTally,
    since: tokio::time::Instant,
    finished: bool,
}

impl RunningCheck {
    /// Records the check's verdict, how it ended, its duration and its addresses' step marks.
    pub fn finish(mut self, ended: Ended) {
        self.record(ended);
    }

    fn record(&mut self, ended: Ended) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let seconds = self.since.elapsed().as_secs_f64();
        self.tally.with_report(|report| self.metrics.finish(report, ended, seconds));
        self.metrics.in_flight.dec();
    }
}

impl Drop for RunningCheck {
    fn drop(&mut self) {
        self.record(Ended::Cancelled);
    }
}

/// `GET /metrics`: the exposition, never cached.
pub async fn scrape(metrics: Arc<Metrics>) -> Response {
    match metrics.render() {
        Ok(text) => {
            let mut response = text.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A connector that counts the streams it made while they are open (the engine's connections).
#[derive(Clone, Debug)]
pub struct Counted<C> {
    inner: C,
    open: Gauge,
}

impl<C> Counted<C> {
    /// Counts `inner`'s connections in `open`.
    pub fn new(inner: C, open: Gauge) -> Self {
        Counted { inner, open }
    }
}

/// One open connection's place in the gauge, given back when the connection drops.
#[derive(Debug)]
pub struct OpenConnection(Gauge);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl<C: Connector> Connector for Counted<C> {
    type Stream = Holding<C::Stream, OpenConnection>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let inner = self.inner.connect(addr).await?;
        self.open.inc();
        Ok(Holding::new(inner, OpenConnection(self.open.clone())))
    }

    fn local_addr(&self, stream: &Self::Stream) -> Option<SocketAddr> {
        self.inner.local_addr(stream.stream())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pipes;

    impl Connector for Pipes {
        type Stream = tokio::io::DuplexStream;
        async fn connect(&self, _: SocketAddr) -> io::Result<Self::Stream> {
            Ok(tokio::io::duplex(8).0)
        }
    }

    #[tokio::test]
    async fn connections_count_while_their_streams_live() {
        let metrics = Metrics::new();
        let counted = Counted::new(Pipes, metrics.open_connections());
        let addr: SocketAddr = "192.0.2.1:25".parse().unwrap();
        let (a, b) = (counted.connect(addr).await.unwrap(), counted.connect(addr).await.unwrap());
        assert_eq!(metrics.open_connections().get(), 2);
        drop(a);
        assert!(metrics.render().unwrap().contains("\nmxray_probe_connections_open 1\n"));
        drop(b);
        assert_eq!(metrics.open_connections().get(), 0);
    }

    #[test]
    fn a_dropped_check_counts_as_cancelled_once() {
        let metrics = Arc::new(Metrics::new());
        let running = metrics.start(CheckTally::default());
        assert_eq!(metrics.in_flight.get(), 1);
        drop(running);
        metrics.start(CheckTally::default()).finish(Ended::Done);
        let text = metrics.render().unwrap();
        assert!(text.contains("mxray_checks_started_total 2\n"), "{text}");
        assert!(text.contains("mxray_checks_finished_total{verdict=\"ok\",ended=\"cancelled\"} 1\n"), "{text}");
        assert!(text.contains("mxray_checks_finished_total{verdict=\"ok\",ended=\"done\"} 1\n"), "{text}");
        assert!(text.contains("mxray_checks_in_flight 0\n") && text.ends_with("# EOF\n"), "{text}");
    }
}
