//! The web page (Leptos, rendered on the server and hydrated in the browser): a domain field
//! and a live diagnosis that fills in address by address, in English and German.

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

use leptos::prelude::*;

use mxray_report::texts::ui::Text;
use page::{CheckPage, NotFound};
use route::Route;

#[cfg(feature = "ssr")]
pub use shell::{content_security_policy, shell};

/// The app: the check page at `/` and `/check/{domain}`, a not-found page elsewhere.
#[component]
pub fn App() -> impl IntoView {
    let lang = lang::provide_lang();
    Effect::new(move |_| browser::set_title(Text::AppTitle.get(lang.get())));
    match Route::current() {
        Route::Home { domain } => view! { <CheckPage initial=domain.unwrap_or_default() shared=false /> }.into_any(),
        Route::Check { domain } => view! { <CheckPage initial=domain shared=true /> }.into_any(),
        Route::NotFound => view! { <NotFound /> }.into_any(),
    }
}
