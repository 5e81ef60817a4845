//! The page's one call into the server: a streaming server function that sends a check's events
//! as NDJSON (one JSON object per line), and the error body it shares with the HTTP API.

use leptos::server;
use serde::{Deserialize, Serialize};
use server_fn::codec::{ByteStream, JsonEncoding, Streaming};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use mxray_report::texts::pick;

use mxray_report::input::InputError;
use mxray_report::model::lang::Lang;

/// Why a check could not start or went wrong: the JSON error body of the API and the server
/// function, e.g. `{"error":"no domain given","code":"invalid_input","reason":"Empty"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// The problem in English, for people reading raw responses.
    pub error: String,
    /// The problem, typed (its tag is the `code` field).
    #[serde(flatten)]
    pub problem: Problem,
}

/// What went wrong, tagged by a stable `code`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The input is not a testable domain.
    InvalidInput {
        /// Why.
        reason: InputError,
    },
    /// The port list is not usable (only 25, 465 and 587 are probed).
    InvalidPorts {
        /// Why.
        reason: mxray_report::input::PortsError,
    },
    /// This client started too many checks in the last minute.
    RateLimited {
        /// Seconds until the next check is allowed.
        retry_after_secs: u64,
    },
    /// This client already runs as many checks at once as one client may.
    TooManyChecks {
        /// The per-client cap.
        limit: u32,
        /// Seconds after which a retry is sensible.
        retry_after_secs: u64,
    },
    /// The server runs as many checks as it allows at once.
    Busy {
        /// Seconds after which a retry is sensible.
        retry_after_secs: u64,
    },
    /// The browser could not reach the server, or the connection broke.
    Network {
        /// The transport error.
        detail: String,
    },
    /// Something failed on the server.
    Internal {
        /// What failed.
        detail: String,
    },
}

impl Problem {
    /// A sentence for the user.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Problem::InvalidInput { reason } => reason.message(lang),
            Problem::InvalidPorts { reason } => reason.message(lang),
            Problem::RateLimited { retry_after_secs: s } => pick(
                lang,
                format!("Too many checks from your address. Please wait {s} s and try again."),
                format!("Zu viele Prüfungen von Ihrer Adresse. Bitte {s} s warten und es dann erneut versuchen."),
            ),
            Problem::TooManyChecks { limit: 1, .. } => pick(
                lang,
                "This address already runs a check; wait for it to finish.".to_owned(),
                "Von dieser Adresse läuft schon eine Prüfung; bitte warten, bis sie fertig ist.".to_owned(),
            ),
            Problem::TooManyChecks { limit: n, .. } => pick(
                lang,
                format!("This address already runs {n} checks; wait for one to finish."),
                format!("Von dieser Adresse laufen schon {n} Prüfungen; bitte warten, bis eine fertig ist."),
            ),
            Problem::Busy { retry_after_secs: s } => pick(
                lang,
                format!("The server is running as many checks as it can. Please try again in {s} s."),
                format!(
                    "Der Server führt gerade so viele Prüfungen aus, wie er kann. Bitte in {s} s erneut versuchen."
                ),
            ),
            Problem::Network { detail } => pick(
                lang,
                format!("The connection to the server failed: {detail}"),
                format!("Die Verbindung zum Server ist fehlgeschlagen: {detail}"),
            ),
            Problem::Internal { detail } => pick(
                lang,
                format!("The server could not run the check: {detail}"),
                format!("Der Server konnte die Prüfung nicht ausführen: {detail}"),
            ),
        }
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError { error: problem.message(Lang::En), problem }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let problem = match value {
            ServerFnErrorErr::Request(detail) | ServerFnErrorErr::Response(detail) => Problem::Network { detail },
            other => Problem::Internal { detail: other.to_string() },
        };
        problem.into()
    }
}

/// Checks a domain (or e-mail address) and streams the engine's events, one JSON line each,
/// with heartbeat lines while the mail servers are slow. Dropping the response cancels the probes.
///
/// `ports`: `None` probes the server's default (`--ports`, usually 25 alone); `Some("25,465,587")`
/// (any of 25, 465, 587, comma-separated) adds the submission ports, e.g. from the page's "Advanced"
/// fold: `check_domain(input, Some("25,587".into()))`. Anything else is a 400 `invalid_ports`.
#[server(prefix = "/api", endpoint = "check", output = Streaming)]
pub async fn check_domain(
    #[doc = "What the user typed: a domain or an e-mail address."] input: String,
    #[doc = "Ports to probe, e.g. `25,465,587`; none: the server's default."]
    #[server(default)]
    ports: Option<String>,
) -> Result<ByteStream<ApiError>, ApiError> {
    ssr::start(&input, ports.as_deref())
}

/// The server side of the stream, shared with the HTTP API.
#[cfg(feature = "ssr")]
pub mod ssr {
    use futures::stream::{BoxStream, Stream, StreamExt};
    use http::{header, HeaderName, HeaderValue, StatusCode};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;
    use serde::Serialize;
    use server_fn::codec::ByteStream;
    use server_fn::Bytes;
    use std::time::Duration;

    use super::{ApiError, Problem};
    use crate::engine::SharedEngine;
    use mxray_report::input::normalize;
    use mxray_report::input::parse_ports;
    use mxray_report::model::event::CheckEvent;

    /// Silence after which a heartbeat line is sent, well under the usual proxy read timeouts (60 s).
    pub const HEARTBEAT: Duration = Duration::from_secs(15);

    /// Headers that keep proxies from buffering or caching a stream.
    pub const STREAM_HEADERS: [(HeaderName, HeaderValue); 2] = [
        (HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];

    impl Problem {
        /// The HTTP status that carries this problem.
        pub fn status(&self) -> StatusCode {
            match self {
                Problem::InvalidInput { .. } | Problem::InvalidPorts { .. } => StatusCode::BAD_REQUEST,
                Problem::RateLimited { .. } | Problem::TooManyChecks { .. } => StatusCode::TOO_MANY_REQUESTS,
                Problem::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
                Problem::Network { .. } => StatusCode::BAD_GATEWAY,
                Problem::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }

        /// The `Retry-After` value in seconds, when a retry makes sense.
        pub fn retry_after(&self) -> Option<u64> {
            match self {
                Problem::RateLimited { retry_after_secs }
                | Problem::Busy { retry_after_secs }
                | Problem::TooManyChecks { retry_after_secs, .. } => Some(*retry_after_secs),
                _ => None,
            }
        }
    }

    /// One value as a JSON line (`\n`-terminated).
    pub fn ndjson_line<T: Serialize>(value: &T) -> Bytes {
        let mut line = serde_json::to_vec(value).unwrap_or_else(|e| {
            serde_json::to_vec(&ApiError::from(Problem::Internal { detail: e.to_string() })).unwrap_or_default()
        });
        line.push(b'\n');
        Bytes::from(line)
    }

    /// Passes the events through and inserts a [`CheckEvent::Heartbeat`] after each `period` of
    /// silence. Ends when the events end; dropping it drops (and so cancels) the events.
    pub fn with_heartbeat(
        events: BoxStream<'static, CheckEvent>,
        period: Duration,
    ) -> impl Stream<Item = CheckEvent> + Send + 'static {
        futures::stream::unfold(events, move |mut events| async move {
            match tokio::time::timeout(period, events.next()).await {
                Ok(Some(event)) => Some((event, events)),
                Ok(None) => None,
                Err(_) => Some((CheckEvent::Heartbeat, events)),
            }
        })
    }

    /// Validates the input, reads the engine from context (before the stream outlives the
    /// request's reactive owner) and starts the check.
    pub(super) fn start(input: &str, ports: Option<&str>) -> Result<ByteStream<ApiError>, ApiError> {
        let response = use_context::<ResponseOptions>();
        let fail = |problem: Problem| {
            if let Some(r) = &response {
                r.set_status(problem.status());
            }
            ApiError::from(problem)
        };
        let mut input = normalize(input).map_err(|reason| fail(Problem::InvalidInput { reason }))?;
        if let Some(ports) = ports {
            input.ports = parse_ports(ports).map_err(|reason| fail(Problem::InvalidPorts { reason }))?;
        }
        let engine = use_context::<SharedEngine>()
            .ok_or_else(|| fail(Problem::Internal { detail: "no probe engine configured".into() }))?;
        if let Some(r) = &response {
            for (name, value) in STREAM_HEADERS {
                r.insert_header(name, value);
            }
        }
        let lines = with_heartbeat(engine.check(input), HEARTBEAT).map(|event| Ok(ndjson_line(&event)));
        Ok(ByteStream::new(lines))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use futures::stream;

        #[tokio::test(start_paused = true)]
        async fn heartbeats_fill_only_the_silence() {
            let slow = stream::iter([CheckEvent::Heartbeat, CheckEvent::Done { duration_ms: 40_000 }])
                .then(|e| async move {
                    if matches!(e, CheckEvent::Done { .. }) {
                        tokio::time::sleep(Duration::from_secs(40)).await;
                    }
                    e
                })
                .boxed();
            let got: Vec<CheckEvent> = with_heartbeat(slow, HEARTBEAT).collect().await;
            let beats = got.iter().filter(|e| matches!(e, CheckEvent::Heartbeat)).count();
            assert_eq!(beats, 1 + 2, "one passed through, two for 40 s of silence: {got:?}");
            assert_eq!(got.last(), Some(&CheckEvent::Done { duration_ms: 40_000 }));
        }

        #[test]
        fn errors_name_their_code_and_reason() {
            let e = ApiError::from(Problem::InvalidInput { reason: mxray_report::InputError::Empty });
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(
                json,
                serde_json::json!({"error": "no domain given", "code": "invalid_input", "reason": "Empty"})
            );
            assert_eq!(serde_json::from_value::<ApiError>(json).unwrap(), e);
            assert_eq!(ndjson_line(&CheckEvent::Heartbeat), Bytes::from_static(b"{\"type\":\"heartbeat\"}\n"));
        }
    }
}
