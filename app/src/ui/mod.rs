//! The web page (Leptos, rendered on the server and hydrated in the browser): a domain field
//! and a live diagnosis that fills in address by address, in English and German.

mod address;
mod browser;
mod check;
mod chip;
mod details;
mod findings;
mod form;
mod host;
mod lang;
mod lines;
mod page;
mod results;
#[cfg(feature = "ssr")]
mod shell;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::Text;
use page::{CheckPage, NotFound};

#[cfg(feature = "ssr")]
pub use shell::{content_security_policy, shell};

/// The app: stylesheet, title, and the routes `/` and `/check/{domain}`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = lang::provide_lang();
    view! {
        <Stylesheet id="leptos" href="/pkg/mxray.css" />
        <Title text=move || Text::AppTitle.get(lang.get()) />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=CheckPage />
                <Route path=path!("/check/:domain") view=CheckPage />
            </Routes>
        </Router>
    }
}
