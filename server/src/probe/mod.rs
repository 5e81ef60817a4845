//! The probe engine: DNS, SMTP sessions, TLS, certificates, relay probe, events.
//!
//! Dependencies point one way: `wire` (no I/O) ← `connection` ← `session` ← `engine`.

pub mod certificate;
pub mod clock;
pub mod connection;
pub mod dns;
pub mod engine;
pub mod guard;
pub mod net;
pub mod options;
pub mod session;
pub mod tls;
pub mod transcript;
pub mod wire;

use std::path::PathBuf;
use std::sync::Arc;

pub use engine::Prober;
pub use options::ProbeOptions;

/// Why the engine cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The extra CA file cannot be used.
    #[error("cannot use CA file {0}: {1}")]
    CaFile(PathBuf, String),
    /// The resolver cannot be set up.
    #[error("cannot set up the DNS resolver: {0}")]
    Resolver(String),
}

/// Builds the real engine (hickory DNS, TCP, ring TLS) from the options.
pub fn build_engine(options: &ProbeOptions) -> Result<app::engine::SharedEngine, ProbeError> {
    let dns = dns::HickoryDns::new(options.resolver, options.step_timeout().min(std::time::Duration::from_secs(5)))?;
    let tls = tls::TlsContext::new(options.ca_file.as_deref())?;
    let session = session::SessionConfig {
        helo_name: options.helo_name.clone(),
        relay_sender: options.relay_sender.clone(),
        relay_recipient: options.relay_recipient.clone(),
        step_timeout: options.step_timeout(),
        port: options.smtp_port,
        allow_private_targets: options.allow_private_targets,
    };
    let max = usize::try_from(options.max_connections).unwrap_or(usize::MAX);
    Ok(Arc::new(Prober::new(dns, net::TcpConnector, tls, session, max, options.deadline())))
}
