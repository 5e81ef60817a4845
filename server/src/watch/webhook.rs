//! Alerts to a webhook: one JSON POST per alert (`text` for Slack and Mattermost, the typed items
//! for anything else). Alerts wait in the store until the receiver answers 2xx; a receiver that is
//! down is tried again with a growing pause (30 s doubling to an hour), so no alert is lost and a
//! restarted watcher goes on with what is still pending.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use mxray_report::watch::{Alert, Movement};
use mxray_report::Lang;
use rustls::pki_types::ServerName;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio_rustls::TlsConnector;

use super::clock::WatchClock;
use super::store::Store;
use crate::probe::clock::rfc3339;
use crate::probe::tls::TlsContext;

/// How long one delivery may take.
const POST_TIMEOUT: Duration = Duration::from_secs(20);
/// The first pause after a failed delivery; it doubles up to [`MAX_BACKOFF_SECS`].
const FIRST_BACKOFF_SECS: i64 = 30;
/// The longest pause between two attempts.
const MAX_BACKOFF_SECS: i64 = 3600;

/// The webhook's JSON body.
#[derive(Debug, Serialize)]
pub struct Body<'a> {
    /// The whole alert as text (Slack, Mattermost and most chat webhooks show this field).
    pub text: String,
    /// The domain.
    pub domain: &'a str,
    /// When the check ran (RFC 3339 UTC).
    pub checked_at: String,
    /// The worst severity before, if there was a check before.
    pub verdict_before: Option<mxray_report::Severity>,
    /// The worst severity now.
    pub verdict: mxray_report::Severity,
    /// One entry per condition that started, lasts or ended.
    pub items: Vec<Item>,
}

/// One condition in the body.
#[derive(Debug, Serialize)]
pub struct Item {
    /// `started`, `reminder` or `recovered`.
    pub movement: Movement,
    /// How much it matters.
    pub severity: mxray_report::Severity,
    /// Stable identity (kind and place).
    pub key: String,
    /// Where (`host (ip)`, host, or the domain).
    pub r#where: String,
    /// What is wrong.
    pub title: String,
    /// Since when (RFC 3339 UTC).
    pub since: String,
    /// What to do (absent for a recovery).
    pub remedy: Option<String>,
}

/// The body of an alert, in a language.
pub fn body(alert: &Alert, lang: Lang) -> String {
    let items = alert
        .items
        .iter()
        .map(|i| Item {
            movement: i.movement,
            severity: i.condition.severity,
            key: i.condition.key.clone(),
            r#where: i.condition.location(&alert.domain),
            title: i.condition.title(lang),
            since: rfc3339(i.since),
            remedy: (i.movement != Movement::Recovered).then(|| i.condition.remedy(lang)),
        })
        .collect();
    let body = Body {
        text: alert.text(lang, rfc3339),
        domain: &alert.domain,
        checked_at: rfc3339(alert.at),
        verdict_before: alert.verdict_before,
        verdict: alert.verdict,
        items,
    };
    serde_json::to_string(&body).unwrap_or_default()
}

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The URL is not http(s)://host[:port]/path.
    #[error("unusable webhook URL {0:?}: use http://HOST/PATH or https://HOST/PATH")]
    Url(String),
    /// Connecting, TLS or HTTP failed.
    #[error("webhook unreachable: {0}")]
    Transport(String),
    /// The receiver answered, but not with 2xx.
    #[error("webhook answered HTTP {0}")]
    Status(u16),
    /// No answer in time.
    #[error("webhook did not answer within {} s", POST_TIMEOUT.as_secs())]
    Timeout,
}

/// Where alerts go.
#[derive(Clone)]
pub struct Webhook {
    uri: Uri,
    tls: Arc<TlsContext>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Webhook({})", self.uri)
    }
}

impl Webhook {
    /// A webhook at `url`; https is verified against the engine's roots (and `--ca-file`).
    pub fn new(url: &str, tls: Arc<TlsContext>) -> Result<Self, WebhookError> {
        let uri: Uri = url.parse().map_err(|_| WebhookError::Url(url.to_owned()))?;
        match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(_)) => Ok(Webhook { uri, tls }),
            _ => Err(WebhookError::Url(url.to_owned())),
        }
    }

    /// Posts one body; Ok on a 2xx answer.
    pub async fn post(&self, body: &str) -> Result<(), WebhookError> {
        match tokio::time::timeout(POST_TIMEOUT, self.exchange(body.to_owned())).await {
            Ok(result) => result,
            Err(_) => Err(WebhookError::Timeout),
        }
    }

    async fn exchange(&self, body: String) -> Result<(), WebhookError> {
        let transport = |e: &dyn std::fmt::Display| WebhookError::Transport(e.to_string());
        let host = self.uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
        let https = self.uri.scheme_str() == Some("https");
        let port = self.uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(|e| transport(&e))?;
        if !https {
            return self.send(tcp, body).await;
        }
        let config = self.tls.verifying_client_config().map_err(|e| transport(&e))?;
        let name = ServerName::try_from(host).map_err(|e| transport(&e))?;
        let tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await.map_err(|e| transport(&e))?;
        self.send(tls, body).await
    }

    async fn send<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
        &self,
        stream: S,
        body: String,
    ) -> Result<(), WebhookError> {
        let transport = |e: &dyn std::fmt::Display| WebhookError::Transport(e.to_string());
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| transport(&e))?;
        tokio::spawn(conn);
        let path = self.uri.path_and_query().map_or("/", |p| p.as_str());
        let authority = self.uri.authority().map_or("", |a| a.as_str());
        let request = Request::post(path)
            .header(HOST, authority)
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, concat!("mxray/", env!("CARGO_PKG_VERSION")))
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| transport(&e))?;
        let response = sender.send_request(request).await.map_err(|e| transport(&e))?;
        let status = response.status();
        let _ = response.into_body().collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(WebhookError::Status(status.as_u16()))
        }
    }
}

/// The pause after the `attempts`-th failed delivery.
pub fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    FIRST_BACKOFF_SECS.saturating_mul(1_i64 << doublings).min(MAX_BACKOFF_SECS)
}

/// Delivers pending alerts until the process ends: at once when `wake` is notified (a new alert),
/// else when the next retry is due. Failures are logged and kept pending; nothing is dropped.
pub async fn deliver<K: WatchClock>(store: Store, webhook: Webhook, clock: Arc<K>, wake: Arc<Notify>) {
    let mut failing = false;
    loop {
        let now = clock.now();
        match store.due_alerts(now, 50).await {
            Ok(due) => {
                for alert in due {
                    match webhook.post(&alert.body).await {
                        Ok(()) => {
                            if failing {
                                tracing::info!("webhook reachable again; delivering the pending alerts");
                                failing = false;
                            }
                            if let Err(e) = store.alert_sent(alert.id, clock.now()).await {
                                tracing::error!(
                                    "webhook: alert {} was delivered, but marking it failed: {e}",
                                    alert.id
                                );
                            }
                        }
                        Err(e) => {
                            let next = clock.now() + backoff(alert.attempts);
                            if !failing {
                                tracing::warn!("webhook: {e}; alerts stay pending and are retried with backoff");
                                failing = true;
                            }
                            if let Err(e) = store.alert_failed(alert.id, next, &e.to_string()).await {
                                tracing::error!("webhook: recording a failed delivery failed: {e}");
                            }
                            break; // the receiver is down: the rest wait for the next round
                        }
                    }
                }
            }
            Err(e) => tracing::error!("webhook: reading pending alerts failed: {e}"),
        }
        let next = match store.next_alert_due().await {
            // More came due meanwhile (or more than one batch was pending): go on at once. A
            // failed one has its backoff ahead, so this does not spin.
            Ok(Some(at)) if at <= clock.now() => continue,
            Ok(Some(at)) => at,
            _ => clock.now() + 300,
        };
        tokio::select! {
            () = wake.notified() => {}
            () = clock.sleep_until(next) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_an_hour() {
        assert_eq!([0, 1, 2, 3].map(backoff), [30, 60, 120, 240]);
        assert_eq!(backoff(7), 3600);
        assert_eq!(backoff(1000), 3600);
    }
}
