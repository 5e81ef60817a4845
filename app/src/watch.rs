//! The monitoring view's calls into the server: the watched domains, a domain's timeline and one
//! stored report, read from the [`crate::engine::WatchSource`] that `mxray serve --watch FILE`
//! provides. Without it every call answers [`Watched::Off`], which the page shows as a state of
//! its own, not as an error.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Problem};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::texts::ui::Text;
use mxray_report::watch::view::{DomainHistory, WatchedDomain};

/// What the server holds for a monitoring request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Watched<T> {
    /// Monitoring is off on this server (`mxray serve` without `--watch`).
    Off,
    /// Not there: a domain that is not watched, or a check that is not stored.
    Missing,
    /// What was asked for.
    Found(T),
}

/// Why a monitoring request failed, as a sentence: the store's own words for a store error.
pub fn failure(error: &ApiError, lang: Lang) -> String {
    match &error.problem {
        Problem::Internal { detail } => format!("{}: {detail}", Text::WatchFailed.get(lang)),
        other => other.message(lang),
    }
}

/// Every watched domain with its current state, texts in `lang`.
#[server(prefix = "/api", endpoint = "watch-list")]
pub async fn watch_list(
    #[doc = "The language of the texts."] lang: Lang,
) -> Result<Watched<Vec<WatchedDomain>>, ApiError> {
    use futures::{FutureExt, TryFutureExt};
    ssr::ask(move |watch| watch.domains(lang).map_ok(Some).boxed()).await
}

/// A watched domain's stored checks, oldest first, texts in `lang` ([`Watched::Missing`]: not watched).
#[server(prefix = "/api", endpoint = "watch-history")]
pub async fn watch_history(
    #[doc = "The domain, as typed or as an A-label."] domain: String,
    #[doc = "The language of the texts."] lang: Lang,
) -> Result<Watched<DomainHistory>, ApiError> {
    let Some(domain) = ssr::domain(&domain) else { return Ok(Watched::Missing) };
    ssr::ask(move |watch| watch.history(domain, lang)).await
}

/// One stored report of a watched domain ([`Watched::Missing`]: no such report).
#[server(prefix = "/api", endpoint = "watch-report")]
pub async fn watch_report(
    #[doc = "The domain, as typed or as an A-label."] domain: String,
    #[doc = "The stored report's id (from the domain's timeline)."] id: i64,
) -> Result<Watched<Report>, ApiError> {
    let Some(domain) = ssr::domain(&domain) else { return Ok(Watched::Missing) };
    ssr::ask(move |watch| watch.report(domain, id)).await
}

/// The server side: the store from context, its answer as a [`Watched`].
#[cfg(feature = "ssr")]
mod ssr {
    use futures::future::BoxFuture;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use super::Watched;
    use crate::api::{ApiError, Problem};
    use crate::engine::SharedWatch;
    use mxray_report::input::normalize;

    /// The domain as the store keys it (A-labels, lower case), or none for something that is no
    /// domain (and so is not watched).
    pub(super) fn domain(typed: &str) -> Option<String> {
        normalize(typed.trim()).ok().map(|input| input.domain)
    }

    /// Runs `query` against the store, if there is one; a store error is a 500 with its words.
    pub(super) async fn ask<T>(
        query: impl FnOnce(SharedWatch) -> BoxFuture<'static, Result<Option<T>, String>>,
    ) -> Result<Watched<T>, ApiError> {
        let Some(watch) = use_context::<SharedWatch>() else { return Ok(Watched::Off) };
        // Read before awaiting: the request's reactive owner may be gone afterwards.
        let response = use_context::<ResponseOptions>();
        match query(watch).await {
            Ok(Some(found)) => Ok(Watched::Found(found)),
            Ok(None) => Ok(Watched::Missing),
            Err(detail) => {
                let problem = Problem::Internal { detail };
                if let Some(response) = response {
                    response.set_status(problem.status());
                }
                Err(problem.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_tagged_and_store_errors_read_as_such() {
        let found = serde_json::to_value(Watched::Found(3)).unwrap();
        assert_eq!(found, serde_json::json!({"state": "found", "value": 3}));
        assert_eq!(serde_json::to_value(Watched::<u8>::Off).unwrap(), serde_json::json!({"state": "off"}));
        let store = ApiError::from(Problem::Internal { detail: "database is locked".into() });
        assert_eq!(failure(&store, Lang::En), "The monitoring store could not be read: database is locked");
        let network = ApiError::from(Problem::Network { detail: "reset".into() });
        assert_eq!(failure(&network, Lang::De), network.problem.message(Lang::De));
    }

    /// The server functions over a fake store (the server's real one is tested in `server`).
    #[cfg(feature = "ssr")]
    mod with_a_store {
        use super::*;
        use crate::engine::{SharedWatch, WatchSource};
        use futures::future::BoxFuture;
        use futures::FutureExt;
        use leptos::prelude::{provide_context, Owner};
        use leptos::reactive::computed::ScopedFuture;
        use mxray_report::model::finding::Severity;
        use std::future::Future;
        use std::sync::Arc;

        struct Fake;

        impl WatchSource for Fake {
            fn domains(&self, lang: Lang) -> BoxFuture<'static, Result<Vec<WatchedDomain>, String>> {
                let domain = WatchedDomain {
                    domain: "a.example".into(),
                    status: Some(Severity::Ok),
                    headline: Some(format!("{lang:?}")),
                    last_checked: None,
                    last_changed: None,
                    checks: 1,
                    open: Vec::new(),
                    next_check: None,
                };
                async move { Ok(vec![domain]) }.boxed()
            }
            fn history(&self, domain: String, _: Lang) -> BoxFuture<'static, Result<Option<DomainHistory>, String>> {
                async move { Ok((domain == "xn--bcher-kva.example").then(|| DomainHistory { domain, checks: Vec::new() })) }
                    .boxed()
            }
            fn report(&self, domain: String, _: i64) -> BoxFuture<'static, Result<Option<Report>, String>> {
                async move { Err(format!("database is locked ({domain})")) }.boxed()
            }
        }

        /// Runs a server function the way a request does: under an owner, with or without a store.
        async fn asked<T>(store: bool, call: impl Future<Output = T> + Send + 'static) -> T {
            let owner = Owner::new();
            owner
                .with(|| {
                    if store {
                        provide_context(Arc::new(Fake) as SharedWatch);
                    }
                    ScopedFuture::new(call)
                })
                .await
        }

        #[tokio::test]
        async fn answers_off_without_a_store_and_the_store_otherwise() {
            assert_eq!(asked(false, watch_list(Lang::De)).await.unwrap(), Watched::Off);
            let Watched::Found(list) = asked(true, watch_list(Lang::De)).await.unwrap() else { panic!("no list") };
            assert_eq!(list[0].headline.as_deref(), Some("De"));
        }

        #[tokio::test]
        async fn asks_for_the_a_label_and_passes_store_errors_on() {
            let typed = asked(true, watch_history("Bücher.Example.".into(), Lang::En)).await.unwrap();
            assert!(matches!(&typed, Watched::Found(h) if h.domain == "xn--bcher-kva.example"), "{typed:?}");
            assert_eq!(asked(true, watch_history("other.example".into(), Lang::En)).await.unwrap(), Watched::Missing);
            assert_eq!(asked(true, watch_history("not a domain".into(), Lang::En)).await.unwrap(), Watched::Missing);
            let error = asked(true, watch_report("a.example".into(), 7)).await.unwrap_err();
            assert_eq!(
                failure(&error, Lang::En),
                "The monitoring store could not be read: database is locked (a.example)"
            );
        }
    }
}
