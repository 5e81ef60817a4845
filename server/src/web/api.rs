//! `GET /api/v1/check?domain=D`: the engine's events as NDJSON for scripts and monitoring; the
//! last line carries the folded report.

use app::api::ssr::{ndjson_line, with_heartbeat, HEARTBEAT, STREAM_HEADERS};
use app::api::Problem;
use app::engine::SharedEngine;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Extension;
use futures::{Stream, StreamExt};
use leptos::server_fn::Bytes;
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::render::facts::verdict;
use mxray_report::{normalize, CheckEvent};
use serde::{Deserialize, Serialize};

use super::metrics::CheckTally;
use super::problem_response;

/// Where the API lives.
pub const PATH: &str = "/api/v1/check";
/// The media type of the stream.
const NDJSON: &str = "application/x-ndjson";

/// The query string.
#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    /// A domain or an e-mail address.
    domain: Option<String>,
    /// Ports to probe, e.g. `25,587` (only 25, 465, 587); none: the server's `--ports`.
    ports: Option<String>,
    /// The language of the `done` line's headline (`en`, `de`); English by default.
    lang: Option<String>,
}

/// The last line: the engine's `done` event with the folded report.
#[derive(Serialize)]
struct FinalLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    duration_ms: u64,
    /// The verdict sentence that names the worst findings, as the page and the CLI head with it.
    headline: String,
    report: &'a Report,
}

/// Validates the domain and streams the check; 400 with a JSON body for unusable input. The events
/// are folded into the gate's [`CheckTally`] (a fresh one without the gate).
pub async fn check(
    State(engine): State<SharedEngine>,
    tally: Option<Extension<CheckTally>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
) -> Response {
    let tally = tally.map(|Extension(t)| t).unwrap_or_default();
    let (domain, ports, lang) =
        query.ok().map(|Query(q)| (q.domain.unwrap_or_default(), q.ports, q.lang)).unwrap_or_default();
    let lang = lang.as_deref().and_then(Lang::from_tag).unwrap_or(Lang::En);
    let mut input = match normalize(&domain) {
        Ok(input) => input,
        Err(reason) => return problem_response(Problem::InvalidInput { reason }),
    };
    if let Some(ports) = ports {
        match mxray_report::input::parse_ports(&ports) {
            Ok(ports) => input.ports = ports,
            Err(reason) => return problem_response(Problem::InvalidPorts { reason }),
        }
    }
    let lines = report_lines(with_heartbeat(engine.check(input), HEARTBEAT), tally, lang);
    let mut response = Response::new(Body::from_stream(lines.map(Ok::<_, std::convert::Infallible>)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    headers.extend(STREAM_HEADERS);
    response
}

/// Each event as a line, folding into `tally` as it goes; the `done` event becomes the report line.
fn report_lines(events: impl Stream<Item = CheckEvent>, tally: CheckTally, lang: Lang) -> impl Stream<Item = Bytes> {
    events.map(move |event| {
        tally.fold(&event);
        match event {
            CheckEvent::Done { duration_ms } => tally.with_report(|report: &Report| {
                let headline = verdict(report, lang).1;
                ndjson_line(&FinalLine { kind: "done", duration_ms, headline, report })
            }),
            other => ndjson_line(&other),
        }
    })
}
