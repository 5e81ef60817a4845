//! The page's addresses, read without a router (leptos_router cost ~64 KB of gzipped WASM for
//! two fixed paths): `/` (also `/?domain=D`, the form without JavaScript), `/check/{domain}`, and
//! the monitoring view's `/watch`, `/watch/{domain}` and `/watch/{domain}/{id}`.

/// What the address bar asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The form, pre-filled when the query names a domain.
    Home {
        /// `?domain=` (what the form sends without JavaScript).
        domain: Option<String>,
    },
    /// A shared check: the page starts it by itself.
    Check {
        /// The path segment, percent-decoded.
        domain: String,
    },
    /// The watched domains.
    Watch,
    /// A watched domain's timeline.
    WatchDomain {
        /// The path segment, percent-decoded.
        domain: String,
    },
    /// One stored check of a watched domain, in the report view.
    WatchReport {
        /// The path segment, percent-decoded.
        domain: String,
        /// The stored report's id.
        id: i64,
    },
    /// Any other path.
    NotFound,
}

impl Route {
    /// Reads a path and its query string.
    pub fn parse(path: &str, query: Option<&str>) -> Route {
        if let Some(watch) = path.strip_prefix("/watch") {
            return Route::watch(watch);
        }
        match path.strip_prefix("/check/") {
            Some(domain) if !domain.is_empty() && !domain.contains('/') => {
                Route::Check { domain: percent_decode(domain, false) }
            }
            _ if path == "/" => Route::Home { domain: query.and_then(|q| query_param(q, "domain")) },
            _ => Route::NotFound,
        }
    }

    /// The monitoring paths, given what follows `/watch`.
    fn watch(rest: &str) -> Route {
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        match (rest, segments.as_slice()) {
            ("" | "/", _) => Route::Watch,
            (_, [domain]) if !domain.is_empty() => Route::WatchDomain { domain: percent_decode(domain, false) },
            (_, [domain, id]) if !domain.is_empty() => match id.parse() {
                Ok(id) => Route::WatchReport { domain: percent_decode(domain, false), id },
                Err(_) => Route::NotFound,
            },
            _ => Route::NotFound,
        }
    }

    /// The route of the current request (server) or of the window (browser).
    pub fn current() -> Route {
        #[cfg(feature = "ssr")]
        {
            let parts = leptos::prelude::use_context::<http::request::Parts>();
            parts.map_or(Route::Home { domain: None }, |p| Route::parse(p.uri.path(), p.uri.query()))
        }
        #[cfg(not(feature = "ssr"))]
        {
            let (path, query) = super::browser::location();
            Route::parse(&path, query.as_deref())
        }
    }
}

/// The value of `name` in a query string (`a=1&domain=x`), decoded as a form sends it.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key, true) == name).then(|| percent_decode(value, true))
    })
}

/// Decodes `%XX` escapes (and `+` as a space in form data); invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| Some(hex(bytes.get(i + 1))? * 16 + hex(bytes.get(i + 2))?)).flatten();
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte as u8);
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_kinds_of_address() {
        assert_eq!(Route::parse("/", None), Route::Home { domain: None });
        assert_eq!(
            Route::parse("/", Some("lang=de&domain=a%40b.example")),
            Route::Home { domain: Some("a@b.example".into()) }
        );
        assert_eq!(Route::parse("/check/b%C3%BCcher.example", None), Route::Check { domain: "bücher.example".into() });
        assert_eq!(Route::parse("/check/a+b.example", None), Route::Check { domain: "a+b.example".into() });
        assert_eq!(Route::parse("/check/", None), Route::NotFound);
        assert_eq!(Route::parse("/check/a/b", None), Route::NotFound);
        assert_eq!(Route::parse("/other", None), Route::NotFound);
    }

    #[test]
    fn reads_the_monitoring_addresses() {
        assert_eq!(Route::parse("/watch", Some("lang=de")), Route::Watch);
        assert_eq!(Route::parse("/watch/", None), Route::Watch);
        assert_eq!(
            Route::parse("/watch/b%C3%BCcher.example", None),
            Route::WatchDomain { domain: "bücher.example".into() }
        );
        assert_eq!(
            Route::parse("/watch/a.example/42", None),
            Route::WatchReport { domain: "a.example".into(), id: 42 }
        );
        assert_eq!(Route::parse("/watch/a.example/x", None), Route::NotFound);
        assert_eq!(Route::parse("/watch/a.example/1/2", None), Route::NotFound);
        assert_eq!(Route::parse("/watch//1", None), Route::NotFound);
        assert_eq!(Route::parse("/watchers", None), Route::NotFound);
    }

    #[test]
    fn decodes_form_values_and_keeps_broken_escapes() {
        assert_eq!(query_param("domain=exa+mple.com", "domain").as_deref(), Some("exa mple.com"));
        assert_eq!(query_param("x=1&lang=de", "lang").as_deref(), Some("de"));
        assert_eq!(query_param("x=1", "lang"), None);
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%ff", false), "\u{fffd}");
    }
}
