//! mxray's shared core: the report contract, the event stream, the fold, the findings catalogue,
//! input normalisation, and the web UI. Compiles for the server and for WASM.
#![warn(missing_docs)]

pub mod assess;
#[cfg(feature = "ssr")]
pub mod diff;
pub mod engine;
pub mod event;
pub mod findings;
pub mod fold;
pub mod i18n;
pub mod input;
pub mod report;
pub mod render;

pub use event::{CheckEvent, PlannedHost, StepResult};
pub use findings::{Finding, FindingKind, Severity};
pub use fold::fold;
pub use i18n::Lang;
pub use input::{normalize, InputError, NormalizedInput};
pub use report::Report;
