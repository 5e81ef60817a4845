//! The seam between the web app and the probe engine: `app` names what it needs, `server`
//! provides it through Leptos context, so `app` never depends on network crates.

use futures::stream::BoxStream;
use std::sync::Arc;

use mxray_report::input::NormalizedInput;
use mxray_report::model::event::CheckEvent;

/// Something that checks a domain and streams what it finds.
pub trait Engine: Send + Sync + 'static {
    /// Starts a check; dropping the stream cancels the probes.
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent>;
}

/// The engine as shared through Leptos context and axum state.
pub type SharedEngine = Arc<dyn Engine>;
