//! mxray's report: the typed JSON contract `mxray.report.v1`, the events the probe engine streams,
//! the one fold that turns them into a report, the checks that judge it, the texts (English and
//! German) and the renderers (text, Markdown, HTML, JSON). No Leptos, no I/O: it builds for the host
//! and for wasm32 and is shared by the web page, the server, the CLI, the fuzz targets and the benches.
//!
//! The layers point one way, each folder importing only from the ones before it:
//! [`model`] ← [`input`] ← [`checks`] ← [`texts`] ← [`fold`] ← [`render`] ← [`diff`] ← [`watch`]
//! (`tests/layers.rs` keeps it so).

#![warn(missing_docs)]

pub mod checks;
pub mod diff;
pub mod fold;
pub mod input;
pub mod model;
pub mod render;
pub mod texts;
pub mod watch;

pub use fold::fold;
pub use input::{normalize, InputError, NormalizedInput};
pub use model::event::{CheckEvent, PlannedHost, StepResult};
pub use model::finding::{Finding, FindingKind, Severity};
pub use model::lang::Lang;
pub use model::report::Report;
