//! mxray's shared core: the report contract, the event stream, the fold, the findings catalogue,
//! input normalisation, and the web UI. Compiles for the server and for WASM.
#![warn(missing_docs)]

pub mod api;
pub mod assess;
pub mod bypass;
pub mod dane;
pub mod depth;
mod depth_texts;
pub mod diff;
pub mod egress;
pub mod ehlo_diff;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod event;
pub mod findings;
pub mod fold;
pub mod i18n;
pub mod input;
pub mod policy;
pub mod ports;
pub mod render;
pub mod report;
mod session_texts;
pub mod storage;
mod trust_texts;
pub mod ui;

pub use event::{CheckEvent, PlannedHost, StepResult};
pub use findings::{Finding, FindingKind, Severity};
pub use fold::fold;
pub use i18n::Lang;
pub use input::{normalize, InputError, NormalizedInput};
pub use report::Report;
#[cfg(feature = "ssr")]
pub use ui::shell;
pub use ui::App;
