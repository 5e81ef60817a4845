//! The reports beyond the live check: where a shown saved report came from, the reports kept in
//! this browser, the report the shown one is compared with, and whether the browser is online.
//! [`Library::new`] ties it to the page's check; [`LibraryStatus`] goes above the results and
//! [`LibraryTools`] below them.

use leptos::prelude::*;

use super::check::Phase;
use super::compare::Comparison;
use super::export::ExportBar;
use super::lang::tr;
use super::later::once_interactive;
use super::offline;
use super::recent::KeptReports;
use super::saved::{OpenReport, SavedMark};
use super::tools::{Library, Tools};
use mxray_report::texts::ui::Text;

/// Above the results: the offline notice and the mark of a saved report.
#[component]
pub fn LibraryStatus(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    once_interactive(Box::new(move || Box::pin(status(library))))
}

/// Below the results: downloads, comparison, opening a file, and the kept reports.
#[component]
pub fn LibraryTools(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    once_interactive(Box::new(move || Box::pin(tools(library))))
}

/// The view of [`LibraryStatus`]; it also registers the service worker, follows the network
/// state, and forgets a saved report's origin when a live check starts. A lazily loaded chunk
/// when the build splits the WASM (see [`super::later`]), an ordinary function otherwise.
#[cfg_attr(mxray_split, lazy)]
async fn status(library: Library) -> AnyView {
    offline::register_service_worker();
    offline::watch(library.online);
    Effect::new(move |_| {
        if library.state.phase.get() == Phase::Running {
            library.opened.set(None);
        }
    });
    let offline = tr(Text::Offline);
    view! {
        {move || (!library.online.get()).then(|| view! { <p class="offline-notice" role="status">{offline}</p> })}
        <SavedMark library />
    }
    .into_any()
}

/// The sections of [`LibraryTools`] (lazily loaded like [`status`]).
#[cfg_attr(mxray_split, lazy)]
async fn tools(library: Library) -> AnyView {
    let tools = Tools::new(library);
    view! {
        <ExportBar state=library.state />
        <Comparison tools />
        <div class="library">
            <OpenReport library />
            <KeptReports tools />
        </div>
    }
    .into_any()
}
