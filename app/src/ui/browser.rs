//! The few browser calls the page makes. In the server build they do nothing: there is no
//! document there, and these only run in event handlers and effects.

use mxray_report::model::lang::Lang;

/// Cookie that remembers the chosen language (read by the server, written by the page).
#[cfg(any(feature = "ssr", all(target_arch = "wasm32", feature = "hydrate")))]
pub const LANG_COOKIE: &str = "lang";

/// The cookie (as set by the page or by the server's `Set-Cookie`) that keeps `lang` for a year.
#[cfg(any(feature = "ssr", all(target_arch = "wasm32", feature = "hydrate")))]
pub fn lang_cookie(lang: Lang) -> String {
    format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.tag())
}

/// The language the server rendered the page in (`<html lang>`); the server knows it otherwise.
#[cfg(not(feature = "ssr"))]
pub fn document_lang() -> Option<Lang> {
    Lang::from_tag(&root_attribute("lang")?)
}

/// An attribute the server wrote on `<html>` (how the page learns what only the server knows).
#[cfg(not(feature = "ssr"))]
pub fn root_attribute(name: &str) -> Option<String> {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        web_sys::window()?.document()?.document_element()?.get_attribute(name)
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    {
        let _ = name;
        None
    }
}

/// Marks the document with a language and remembers the choice for a year.
pub fn remember_lang(lang: Lang) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&lang_cookie(lang));
        }
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = lang;
}

/// Shows `path` in the address bar without navigating (the shareable `/check/{domain}`).
pub fn show_path(path: &str) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = path;
}

/// The window's path and query string (without `?`).
#[cfg(not(feature = "ssr"))]
pub fn location() -> (String, Option<String>) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let path = location.pathname().unwrap_or_else(|_| "/".into());
        let query = location.search().ok().and_then(|q| q.strip_prefix('?').map(str::to_owned));
        return (path, query);
    }
    ("/".into(), None)
}

/// Sets the document title (the server renders the first one).
pub fn set_title(title: &str) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = title;
}
