//! Running a check from the page: call the streaming server function, cut the bytes into
//! lines, parse each line as an event and fold it into the report signal with [`mxray_report::fold`].
//! That code (the request, the event parser, the fold) is a WASM chunk of its own when the build
//! splits (see [`super::later`]), fetched right after hydration.

use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::lines::LineBuffer;
use crate::api::{check_domain, Problem};
use mxray_report::fold::fold;
use mxray_report::model::event::CheckEvent;
use mxray_report::model::report::Report;

/// Where the page's check stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing started yet.
    Idle,
    /// Events are arriving.
    Running,
    /// The `done` event arrived.
    Done,
    /// The check could not start or broke off.
    Failed(Problem),
}

/// The page's check: the report as folded so far and the phase. Starting a new check abandons
/// the old one (its stream is dropped, which cancels the request and the server's probes).
#[derive(Clone, Copy)]
pub struct CheckState {
    /// The report folded from the events so far (`None` before the first check).
    pub report: RwSignal<Option<Report>>,
    /// Where the check stands.
    pub phase: RwSignal<Phase>,
    run: StoredValue<u64>,
}

impl CheckState {
    /// A page with no check yet.
    pub fn new() -> Self {
        CheckState { report: RwSignal::new(None), phase: RwSignal::new(Phase::Idle), run: StoredValue::new(0) }
    }

    /// Starts checking `input` (what the user typed) in the background, on `ports` (`"25,587"`;
    /// `None` for the server's default).
    pub fn start(self, input: String, ports: Option<String>) {
        let run = self.run.get_value() + 1;
        self.run.set_value(run);
        self.report.set(Some(Report::empty()));
        self.phase.set(Phase::Running);
        spawn_local(async move {
            let outcome = stream(self, input, ports, run).await;
            if self.is_current(run) {
                self.phase.set(match outcome {
                    Ok(()) => Phase::Done,
                    Err(problem) => Phase::Failed(problem),
                });
            }
        });
    }

    fn is_current(self, run: u64) -> bool {
        self.run.get_value() == run
    }

    /// Fetches the code that runs checks now, so that the first check does not wait for it.
    pub fn prepare() {
        #[cfg(mxray_split)]
        spawn_local(__preload_stream());
    }
}

/// Reads the stream of a check of `input` on `ports` to its end (or until a newer check starts),
/// folding every event into `state`.
#[cfg_attr(mxray_split, lazy)]
async fn stream(state: CheckState, input: String, ports: Option<String>, run: u64) -> Result<(), Problem> {
    let stream = check_domain(input, ports).await.map_err(|e| e.problem)?.into_inner();
    let mut stream = std::pin::pin!(stream);
    let mut lines = LineBuffer::default();
    while let Some(chunk) = stream.next().await {
        if !state.is_current(run) {
            return Ok(());
        }
        let chunk = chunk.map_err(|e| e.problem)?;
        // Unknown or malformed lines are skipped: newer servers may send new event types.
        let events: Vec<CheckEvent> =
            lines.push(&chunk).iter().filter_map(|line| serde_json::from_slice(line).ok()).collect();
        if !events.is_empty() {
            state.report.update(|report| {
                if let Some(report) = report {
                    events.iter().for_each(|event| fold(report, event));
                }
            });
        }
    }
    let complete = state.report.with_untracked(|r| r.as_ref().is_some_and(|r| r.complete));
    if complete && lines.is_empty() {
        Ok(())
    } else {
        Err(Problem::Network { detail: "the stream ended before the check finished".into() })
    }
}

impl Default for CheckState {
    fn default() -> Self {
        Self::new()
    }
}
