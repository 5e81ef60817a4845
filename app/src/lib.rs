//! mxray's web UI: the Leptos components and pages (the check and, with `mxray serve --watch`, the
//! monitoring view), the server functions, browser storage and the page; it builds on the report
//! crate (`mxray-report`), which holds the report, the fold, the checks, the texts and the
//! renderers. Compiles for the server and for WASM.
#![warn(missing_docs)]

pub mod api;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod storage;
pub mod ui;
pub mod watch;

#[cfg(feature = "ssr")]
pub use ui::shell;
pub use ui::App;
