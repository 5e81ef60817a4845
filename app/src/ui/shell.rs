//! The HTML document around the app, rendered on the server only: language, the per-request
//! Content-Security-Policy (with the nonce of Leptos' inline hydration script) and the
//! hydration scripts.

use http::header::{CONTENT_SECURITY_POLICY, SET_COOKIE};
use http::HeaderValue;
use leptos::config::LeptosOptions;
use leptos::hydration::{AutoReload, HydrationScripts};
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::browser::lang_cookie;
use super::frame::monitoring_on;
use super::lang::ssr::{from_request, query_lang};
use super::App;
use mxray_report::texts::ui::Text;

/// The Content-Security-Policy: only the app's own files, its WASM, and (on pages) the inline
/// hydration script carrying `nonce`. cargo-leptos' live reload (`LEPTOS_WATCH`) adds `ws:`.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    let connect = if std::env::var_os("LEPTOS_WATCH").is_some() { "'self' ws:" } else { "'self'" };
    format!(
        "default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; connect-src {connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The document: `<html lang>` from the request (and `data-monitoring="on"` when the server
/// watches domains), title, stylesheet, and the app in the body.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = from_request();
    if let Some(response) = use_context::<ResponseOptions>() {
        let policy = content_security_policy(use_nonce().as_deref());
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.insert_header(CONTENT_SECURITY_POLICY, value);
        }
        let chosen = use_context::<http::request::Parts>().and_then(|parts| query_lang(&parts));
        if let Some(value) = chosen.and_then(|l| HeaderValue::from_str(&lang_cookie(l)).ok()) {
            response.append_header(SET_COOKIE, value);
        }
    }
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() data-monitoring=monitoring_on().then_some("on")>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{Text::AppTitle.get(lang)}</title>
                <link id="leptos" rel="stylesheet" href=stylesheet />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <meta name="theme-color" content="#1f5fbf" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
