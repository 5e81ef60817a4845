//! One HTTPS GET over a stream the engine's connector opened: TLS with the engine's roots and the
//! ring provider, certificate verified for the host (PKIX), then HTTP/1.1 by hyper. No redirects
//! are followed and the body is read only up to a cap.

use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, HOST, USER_AGENT};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use mxray_report::model::policy::FetchError;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;

use super::tls::TlsContext;

/// The response head and the body, read up to the cap.
#[derive(Debug)]
pub struct Fetched {
    /// The response head (its body already consumed into `body`).
    pub head: Response<()>,
    /// The body (empty when the head was not accepted), or why it was not read to the end.
    pub body: Result<Vec<u8>, FetchError>,
}

/// GETs `path` from `host` over `stream`; reads the body only when `want_body` accepts the head.
pub async fn get<S>(
    stream: S,
    tls: &TlsContext,
    host: &str,
    path: &str,
    cap: u64,
    want_body: impl FnOnce(&Response<Incoming>) -> bool,
) -> Result<Fetched, FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let failed = |detail: String| FetchError::Tls { detail };
    let mut config = tls.verifying_client_config().map_err(|e| failed(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = ServerName::try_from(host.to_owned()).map_err(|e| failed(e.to_string()))?;
    let stream = TlsConnector::from(Arc::new(config)).connect(name, stream).await.map_err(|e| tls_error(&e))?;

    let http = |e: hyper::Error| FetchError::Http { detail: e.to_string() };
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(http)?;
    let request = Request::get(path)
        .header(HOST, host)
        .header(USER_AGENT, concat!("mxray/", env!("CARGO_PKG_VERSION")))
        .body(Empty::<Bytes>::new())
        .map_err(|e| FetchError::Http { detail: e.to_string() })?;
    let exchange = async move {
        let response = sender.send_request(request).await.map_err(http)?;
        drop(sender); // one request: the connection may close once the body is read
        let wanted = want_body(&response);
        let (head, mut incoming) = response.into_parts();
        let body = match declared_length(&head.headers) {
            _ if !wanted => Ok(Vec::new()),
            Some(length) if length > cap => Err(FetchError::TooLarge { limit: cap }),
            _ => collect(&mut incoming, cap).await,
        };
        Ok(Fetched { head: Response::from_parts(head, ()), body })
    };
    // The connection task moves the bytes; the exchange ends first unless the connection fails.
    tokio::pin!(exchange, conn);
    tokio::select! {
        fetched = &mut exchange => fetched,
        done = &mut conn => match done {
            Ok(()) => exchange.await,
            Err(e) => Err(http(e)),
        },
    }
}

/// The `Content-Length`, when declared: a length over the cap ends the read before it begins.
fn declared_length(headers: &hyper::HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// Reads the body frame by frame, stopping as soon as it passes the cap.
async fn collect(body: &mut Incoming, cap: u64) -> Result<Vec<u8>, FetchError> {
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| FetchError::Http { detail: e.to_string() })?;
        if let Ok(data) = frame.into_data() {
            if (out.len() + data.len()) as u64 > cap {
                return Err(FetchError::TooLarge { limit: cap });
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// A certificate the roots do not vouch for, or that does not name the host, is a certificate
/// error; anything else in the handshake is a TLS error.
fn tls_error(error: &std::io::Error) -> FetchError {
    match error.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(e)) => FetchError::Certificate { detail: certificate_error(e) },
        _ => FetchError::Tls { detail: error.to_string() },
    }
}

fn certificate_error(e: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match e {
        C::NotValidForName | C::NotValidForNameContext { .. } => "the certificate does not name this host".into(),
        C::UnknownIssuer => "issuer not trusted (unknown CA, self-signed, or missing intermediate certificate)".into(),
        C::Expired | C::ExpiredContext { .. } => "the certificate has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "the certificate is not valid yet".into(),
        other => format!("{other:?}"),
    }
}
