//! The web page (Leptos, rendered on the server and hydrated in the browser): a domain field
//! and a live diagnosis that fills in address by address, in English and German; with
//! `mxray serve --watch`, the monitoring view too.

mod address;
mod aspects;
mod browser;
mod check;
mod chip;
mod compare;
mod details;
mod export;
mod files;
mod findings;
mod form;
mod frame;
mod host;
mod lang;
mod later;
mod library;
mod lines;
mod offline;
mod page;
mod policy;
mod quality;
mod recent;
mod results;
mod route;
mod saved;
#[cfg(feature = "ssr")]
mod shell;
mod tools;
mod watch;

use leptos::prelude::*;

use mxray_report::texts::ui::Text;
use page::{CheckPage, NotFound};
use route::Route;
use watch::{StoredAt, WatchDomainPage, WatchListPage};

#[cfg(feature = "ssr")]
pub use shell::{content_security_policy, shell};

/// The app: the check page at `/` and `/check/{domain}`, the monitoring view at `/watch`,
/// `/watch/{domain}` and (in the check page's report view) `/watch/{domain}/{id}`, a not-found
/// page elsewhere.
#[component]
pub fn App() -> impl IntoView {
    let lang = lang::provide_lang();
    Effect::new(move |_| browser::set_title(Text::AppTitle.get(lang.get())));
    match Route::current() {
        Route::Home { domain } => view! { <CheckPage initial=domain.unwrap_or_default() shared=false /> }.into_any(),
        Route::Check { domain } => view! { <CheckPage initial=domain shared=true /> }.into_any(),
        Route::Watch => view! { <WatchListPage /> }.into_any(),
        Route::WatchDomain { domain } => view! { <WatchDomainPage domain /> }.into_any(),
        Route::WatchReport { domain, id } => {
            let stored = StoredAt { domain: domain.clone(), id };
            view! { <CheckPage initial=domain shared=false stored /> }.into_any()
        }
        Route::NotFound => view! { <NotFound /> }.into_any(),
    }
}
