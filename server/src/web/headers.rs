//! Security headers on every response. Pages set their own Content-Security-Policy with the
//! per-request nonce of Leptos' inline hydration script; everything else gets the same policy
//! without a nonce.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::LazyLock;

/// The policy for responses that are not pages (no inline script at all).
static STATIC_CSP: LazyLock<HeaderValue> =
    LazyLock::new(|| HeaderValue::from_str(&app::ui::content_security_policy(None)).expect("ASCII policy"));

/// Adds the headers, keeping a page's own Content-Security-Policy.
pub async fn secure(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert_with(|| STATIC_CSP.clone());
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    response
}
