//! TLS after STARTTLS: a handshake that records the chain whatever it is (still checking the
//! handshake signatures), and the negotiated parameters. Judging the chain is `certificate`'s job.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
// tokio's clock, the one the timeouts run on: on a test's paused clock the times reported follow it.
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use mxray_report::model::report::{HandshakeProblem, TlsFailure};

use super::ProbeError;

/// A failed handshake: what kind of failure, and the error as rustls or the socket put it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeError {
    /// The kind, as far as the server's answer tells.
    pub kind: TlsFailure,
    /// The error text, as rustls or the socket put it (empty when `problem` says it).
    pub message: String,
    /// Why, in mxray's own terms, when the library has no words for it (a timeout).
    pub problem: Option<HandshakeProblem>,
}

impl std::fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Some(problem) => f.write_str(&problem.text(mxray_report::Lang::En)),
            None => f.write_str(&self.message),
        }
    }
}

/// Checks that the MX name can be sent as SNI and matched against certificates.
pub fn usable_server_name(host: &str) -> Result<(), String> {
    ServerName::try_from(host.to_owned())
        .map(|_| ())
        .map_err(|e| format!("the MX name {host:?} is not a valid TLS server name ({e})"))
}

/// The crypto provider and the trusted roots, built once per engine.
#[derive(Clone, Debug)]
pub struct TlsContext {
    /// The one crypto provider (ring).
    pub provider: Arc<CryptoProvider>,
    /// Mozilla's roots plus `--ca-file`.
    pub roots: Arc<RootCertStore>,
}

impl TlsContext {
    /// A client configuration that verifies servers against these roots (PKIX), for the HTTPS
    /// the engine and the watcher speak (the MTA-STS policy, the webhook).
    pub fn verifying_client_config(&self) -> Result<ClientConfig, rustls::Error> {
        Ok(ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .with_root_certificates(self.roots.clone())
            .with_no_client_auth())
    }

    /// Loads webpki-roots and the optional extra PEM roots.
    pub fn new(extra_roots: Option<&Path>) -> Result<Self, ProbeError> {
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = extra_roots {
            let pem = std::fs::read(path).map_err(|e| ProbeError::CaFile(path.to_owned(), e.to_string()))?;
            let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut pem.as_slice())
                .collect::<Result<_, _>>()
                .map_err(|e| ProbeError::CaFile(path.to_owned(), e.to_string()))?;
            if certs.is_empty() {
                return Err(ProbeError::CaFile(path.to_owned(), "no certificate in the file".into()));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| ProbeError::CaFile(path.to_owned(), e.to_string()))?;
            }
        }
        Ok(TlsContext { provider: Arc::new(rustls::crypto::ring::default_provider()), roots: Arc::new(roots) })
    }

    /// Runs the client handshake with SNI = `host`. The chain is returned even when the handshake fails.
    pub async fn handshake<S>(
        &self,
        stream: S,
        host: &str,
        limit: Duration,
    ) -> (Result<TlsSession<S>, HandshakeError>, Vec<CertificateDer<'static>>)
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let recorder = Arc::new(ChainRecorder { provider: self.provider.clone(), chain: Mutex::default() });
        let result = self.connect(stream, host, limit, recorder.clone()).await;
        let chain = recorder.chain.lock().map(|c| c.clone()).unwrap_or_default();
        (result, chain)
    }

    async fn connect<S>(
        &self,
        stream: S,
        host: &str,
        limit: Duration,
        recorder: Arc<ChainRecorder>,
    ) -> Result<TlsSession<S>, HandshakeError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let other = |message: String| HandshakeError { kind: TlsFailure::Other, message, problem: None };
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| other(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(recorder)
            .with_no_client_auth();
        let name = ServerName::try_from(host.to_owned()).map_err(|e| other(format!("bad server name {host}: {e}")))?;
        let started = Instant::now();
        let handshake = TlsConnector::from(Arc::new(config)).connect(name, stream);
        let stream = match tokio::time::timeout(limit, handshake).await {
            Err(_) => {
                let secs = u64::try_from(limit.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
                let problem = Some(HandshakeProblem::Timeout { secs });
                return Err(HandshakeError { kind: TlsFailure::Timeout, message: String::new(), problem });
            }
            Ok(Err(e)) => return Err(HandshakeError { kind: failure_kind(&e), message: e.to_string(), problem: None }),
            Ok(Ok(s)) => s,
        };
        let conn = stream.get_ref().1;
        let facts = TlsFacts {
            version: conn.protocol_version().map(|v| version_name(&format!("{v:?}"))),
            cipher_suite: conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())),
            kx_group: conn.negotiated_key_exchange_group().map(|g| format!("{:?}", g.name())),
            handshake_ms: started.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
        };
        Ok(TlsSession { stream, facts })
    }
}

/// What a handshake error says about the server: the alert it sent, or what rustls saw in its hello.
fn failure_kind(error: &std::io::Error) -> TlsFailure {
    use rustls::{AlertDescription as A, Error as E, PeerIncompatible as I, PeerMisbehaved as M};
    let Some(tls) = error.get_ref().and_then(|e| e.downcast_ref::<E>()) else {
        return match error.kind() {
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => TlsFailure::Closed,
            _ => TlsFailure::Other,
        };
    };
    match tls {
        E::AlertReceived(A::ProtocolVersion)
        | E::PeerIncompatible(I::ServerDoesNotSupportTls12Or13 | I::ServerTlsVersionIsDisabledByOurConfig) => {
            TlsFailure::LegacyVersionOnly
        }
        E::AlertReceived(A::HandshakeFailure | A::InsufficientSecurity)
        | E::PeerIncompatible(I::NoCipherSuitesInCommon | I::NoKxGroupsInCommon)
        | E::PeerMisbehaved(M::SelectedUnofferedCipherSuite | M::SelectedUnofferedKxGroup) => {
            TlsFailure::NoSharedCipher
        }
        E::AlertReceived(_) => TlsFailure::Alert,
        E::InvalidMessage(_) | E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            TlsFailure::NotTls
        }
        E::InvalidCertificate(rustls::CertificateError::BadSignature) | E::DecryptError => TlsFailure::BadSignature,
        _ => TlsFailure::Other,
    }
}

/// `TLSv1_3` → `TLSv1.3`.
fn version_name(debug: &str) -> String {
    debug.replace('_', ".")
}

/// An established TLS session and what was negotiated.
pub struct TlsSession<S> {
    /// The encrypted stream.
    pub stream: TlsStream<S>,
    /// Negotiated parameters.
    pub facts: TlsFacts,
}

/// Negotiated TLS parameters.
#[derive(Clone, Debug)]
pub struct TlsFacts {
    /// e.g. `TLSv1.3`.
    pub version: Option<String>,
    /// e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: Option<String>,
    /// e.g. `X25519`.
    pub kx_group: Option<String>,
    /// Handshake time.
    pub handshake_ms: u64,
}

/// Accepts any chain (recording it for later judgement) but still verifies handshake signatures,
/// so a server that cannot prove it holds the key still fails.
#[derive(Debug)]
struct ChainRecorder {
    provider: Arc<CryptoProvider>,
    chain: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for ChainRecorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            *chain = std::iter::once(end_entity).chain(intermediates).map(|c| c.clone().into_owned()).collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
