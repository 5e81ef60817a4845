//! The monitoring view (`mxray serve --watch FILE`): the watched domains at `/watch`, a domain's
//! timeline at `/watch/{domain}`, and one stored check at `/watch/{domain}/{id}` in the check
//! page's report view. The server renders the list and the timeline (they read without
//! JavaScript); the page hydrates them and follows the language switch.

mod chart;
mod list;
mod stored;
// Rendering to HTML needs the server build.
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod timeline;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

use super::frame::Frame;
use super::lang::{tr, use_lang};
use crate::watch::{failure, watch_history, watch_list, Watched};
use mxray_report::model::lang::Lang;
use mxray_report::render::facts::timestamp;
use mxray_report::texts::ui::Text;
use mxray_report::watch::view::{DomainHistory, WatchedDomain};

pub use stored::{StoredAt, StoredCheck};

/// `/watch`: every watched domain with its state.
#[component]
pub fn WatchListPage() -> impl IntoView {
    view! {
        <Frame>
            <h2 class="watch-title">{tr(Text::Monitoring)}</h2>
            {answer(fetch_list, Text::NothingWatched, list::domains)}
        </Frame>
    }
}

/// `/watch/{domain}`: a domain's timeline.
#[component]
pub fn WatchDomainPage(
    /// The domain from the address.
    domain: String,
) -> impl IntoView {
    let asked = domain.clone();
    view! {
        <Frame>
            <Crumbs />
            <h2 class="watch-title">{domain}</h2>
            {answer(move |lang| fetch_history(asked.clone(), lang), Text::NotWatched, timeline::timeline)}
        </Frame>
    }
}

/// The way back to the list.
#[component]
fn Crumbs(
    /// Links after the list's.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <nav class="crumbs" aria-label=tr(Text::Monitoring)>
            <a href="/watch">{tr(Text::Monitoring)}</a>
            {children.map(|c| c())}
        </nav>
    }
}

/// An answer as a page holds it: the language it was asked in, and what came, a failure already
/// in words (so the page's first WASM parses no error types).
type Answer<T> = (Lang, Result<Watched<T>, String>);

/// The list in `lang`. In the browser only the language switch asks again, so the request code is
/// a lazily loaded chunk when the build splits the WASM (see [`super::later`]).
#[cfg_attr(mxray_split, lazy)]
async fn fetch_list(lang: Lang) -> Answer<Vec<WatchedDomain>> {
    (lang, watch_list(lang).await.map_err(|e| failure(&e, lang)))
}

/// A domain's timeline in `lang` (lazily loaded like [`fetch_list`]).
#[cfg_attr(mxray_split, lazy)]
async fn fetch_history(domain: String, lang: Lang) -> Answer<DomainHistory> {
    (lang, watch_history(domain, lang).await.map_err(|e| failure(&e, lang)))
}

/// Fetches what `fetch` asks the server in the page's language (again when it changes) and shows
/// it with `found`, or the state instead: monitoring off, `missing`, or why it failed. The server
/// renders the answer into the page before sending it (a blocking resource: the page reads without
/// JavaScript); the browser keeps the last answer until the next arrives.
fn answer<T, Fut>(
    fetch: impl Fn(Lang) -> Fut + Send + Sync + 'static,
    missing: Text,
    found: fn(T, Lang) -> AnyView,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Answer<T>> + Send + 'static,
{
    let lang = use_lang();
    // The answer carries its language, so words and data always agree while the next loads.
    let data = Resource::new_blocking(move || lang.get(), fetch);
    let loading = tr(Text::Loading);
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || data.get().map(|(lang, answer)| match answer {
                Ok(Watched::Found(value)) => found(value, lang),
                Ok(Watched::Missing) => view! { <p class="notice">{missing.get(lang)}</p> }.into_any(),
                Ok(Watched::Off) => off(lang).into_any(),
                Err(words) => problem(words).into_any(),
            })}
        </Transition>
    }
}

/// Monitoring is off, and how to turn it on.
fn off(lang: Lang) -> impl IntoView {
    view! {
        <p class="notice watch-off">
            {Text::MonitoringOff.get(lang)}
            " "
            <code>"mxray serve --watch FILE"</code>
            "."
        </p>
    }
}

/// A failure, marked as one.
fn problem(words: String) -> impl IntoView {
    view! {
        <p class="problem watch-problem" role="alert">
            <span class="icon" aria-hidden="true">"✘"</span>
            {format!(" {words}")}
        </p>
    }
}

/// A time of the store (RFC 3339 UTC) for people, machine-readable too.
fn time(at: String) -> impl IntoView {
    let shown = timestamp(&at);
    view! { <time datetime=at>{shown}</time> }
}
