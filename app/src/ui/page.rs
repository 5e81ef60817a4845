//! The check page: `/`, `/?domain=D` (the form without JavaScript), `/check/{domain}`, which
//! starts the check as soon as the page is interactive, and `/watch/{domain}/{id}`, which shows a
//! stored check of the monitoring in the same report view.

use leptos::prelude::*;

use super::browser;
use super::check::{CheckState, Phase};
use super::form::{ports_argument, DomainForm};
use super::frame::Frame;
use super::lang::{tr, use_lang};
use super::library::{LibraryStatus, LibraryTools};
use super::results::Results;
use super::tools::Library;
use super::watch::{StoredAt, StoredCheck};
use mxray_report::input::normalize;
use mxray_report::texts::ui::Text;

/// The check page.
#[component]
pub fn CheckPage(
    /// What the field starts with.
    initial: String,
    /// The page was opened as `/check/{domain}`: check at once.
    shared: bool,
    /// The page was opened as `/watch/{domain}/{id}`: show that stored check.
    #[prop(optional)]
    stored: Option<StoredAt>,
) -> impl IntoView {
    let lang = use_lang();
    let value = RwSignal::new(initial.clone());
    let ports = RwSignal::new(vec![25]);
    let state = CheckState::new();
    let library = Library::new(state);
    let busy = Signal::derive(move || state.phase.get() == Phase::Running);
    if shared {
        // Effects run only in the browser, once the page is hydrated.
        Effect::new(move |_| {
            if let Ok(input) = normalize(initial.trim()) {
                library.start(input.input, ports.with_untracked(|p| ports_argument(p)));
            }
        });
    }
    view! {
        <Frame>
            <p class="tagline">{tr(Text::Tagline)}</p>
            <DomainForm
                value
                ports
                busy
                judged=shared
                on_check=move |input| {
                    browser::show_path(&format!("/check/{}", input.domain));
                    library.start(input.input, ports.with_untracked(|p| ports_argument(p)));
                }
            />
            <noscript>
                <p class="notice">{Text::NoScript.get(lang.get_untracked())}</p>
            </noscript>
            {stored.map(|at| view! { <StoredCheck at library /> })}
            <LibraryStatus library />
            <Results state />
            <LibraryTools library />
        </Frame>
    }
}

/// Any other path.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main>
            <h1>{tr(Text::NotFound)}</h1>
            <p>
                <a href="/" rel="external">{tr(Text::BackToTest)}</a>
            </p>
        </main>
    }
}
