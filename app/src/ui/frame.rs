//! What every page has around its content: the header with the name and the language switch, and
//! the footer with the privacy promise and, when the server watches domains, the way to them.

use leptos::prelude::*;

use super::lang::{tr, LangSwitch};
use mxray_report::texts::ui::Text;

/// Header, the page's `<main>` holding `children`, footer.
#[component]
pub fn Frame(
    /// The page's content.
    children: Children,
) -> impl IntoView {
    // Effects run only in the browser: `data-ready` on `<main>` says the page is hydrated.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let monitoring = monitoring_on().then(|| {
        view! {
            <p>
                <a href="/watch" class="monitoring-link">{tr(Text::Monitoring)}</a>
            </p>
        }
    });
    view! {
        <header class="top">
            <h1>
                <a href="/" rel="external">"mxray"</a>
            </h1>
            <LangSwitch />
        </header>
        <main data-ready=move || ready.get().then_some("true")>{children()}</main>
        <footer class="bottom">
            <p>{tr(Text::Privacy)}</p>
            {monitoring}
        </footer>
    }
}

/// Whether this server watches domains: on the server from its context, in the browser from the
/// `data-monitoring` mark the server put on `<html>` (so both render the same).
pub fn monitoring_on() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::engine::SharedWatch>().is_some()
    }
    #[cfg(not(feature = "ssr"))]
    {
        super::browser::root_attribute("data-monitoring").is_some()
    }
}
