//! The page's language: `?lang=` first, then the `lang` cookie, then Accept-Language. The switch
//! changes it in place (and sets the cookie); without JavaScript its links reload the page.

use leptos::prelude::*;

use super::browser;
use mxray_report::model::lang::Lang;
use mxray_report::texts::ui::Text;

/// The page language, provided as context by [`provide_lang`].
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// Provides the language signal: on the server from the request, in the browser from the
/// language the server rendered (so hydration sees the same texts).
pub fn provide_lang() -> RwSignal<Lang> {
    #[cfg(feature = "ssr")]
    let initial = ssr::from_request();
    #[cfg(not(feature = "ssr"))]
    let initial = browser::document_lang().unwrap_or_default();
    let lang = RwSignal::new(initial);
    provide_context(lang);
    lang
}

/// A fixed text in the page's language. Every label made here is the same signal type, so the
/// WASM holds the code that renders them once (a closure per label would add its own copy).
pub fn tr(text: Text) -> Signal<&'static str> {
    let lang = use_lang();
    Signal::derive(move || text.get(lang.get()))
}

/// The language's name in itself.
fn endonym(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::De => "Deutsch",
    }
}

/// Links to every language; the current one is marked.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let links = Lang::ALL
        .into_iter()
        .map(|l| {
            view! {
                <a
                    href=format!("?lang={}", l.tag())
                    hreflang=l.tag()
                    lang=l.tag()
                    rel="external"
                    aria-current=move || (lang.get() == l).then_some("true")
                    on:click=move |ev| {
                        ev.prevent_default();
                        lang.set(l);
                        browser::remember_lang(l);
                    }
                >
                    {endonym(l)}
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="lang-switch" aria-label=tr(Text::Language)>
            {links}
        </nav>
    }
}

/// Reading the language from a request.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::header::{ACCEPT_LANGUAGE, COOKIE};
    use http::request::Parts;
    use leptos::prelude::use_context;

    use super::browser::LANG_COOKIE;
    use crate::ui::route::query_param;
    use mxray_report::model::lang::Lang;

    /// The language of the current request (English without one).
    pub fn from_request() -> Lang {
        let Some(parts) = use_context::<Parts>() else { return Lang::default() };
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        choose(query_lang(&parts), header(COOKIE), header(ACCEPT_LANGUAGE))
    }

    /// The `?lang=` of a request, when it names a known language.
    pub fn query_lang(parts: &Parts) -> Option<Lang> {
        Lang::from_tag(&query_param(parts.uri.query()?, "lang")?)
    }

    /// Query beats cookie beats Accept-Language.
    fn choose(query: Option<Lang>, cookie: Option<&str>, accept: Option<&str>) -> Lang {
        let from_cookie = || {
            cookie?
                .split(';')
                .find_map(|c| c.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('='))
                .and_then(Lang::from_tag)
        };
        query.or_else(from_cookie).unwrap_or_else(|| accept.map(Lang::from_accept_language).unwrap_or_default())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn query_then_cookie_then_header() {
            let de = Some("de-DE,de;q=0.9");
            assert_eq!(choose(None, None, de), Lang::De);
            assert_eq!(choose(None, Some("x=1; lang=en"), de), Lang::En);
            assert_eq!(choose(Some(Lang::De), Some("lang=en"), None), Lang::De);
            assert_eq!(choose(None, Some("language=de; lang=xx"), None), Lang::En);
            let parts = http::Request::get("/check/a.example?x=1&lang=de").body(()).unwrap().into_parts().0;
            assert_eq!(query_lang(&parts), Some(Lang::De));
        }
    }
}
