//! The probe engine: DNS, SMTP sessions, TLS, certificates, relay probe, events.
//!
//! Dependencies point one way: `wire` (no I/O) ← `connection` ← `session` ← `engine`.

mod bypass;
pub mod certificate;
pub mod clock;
pub mod connection;
pub mod dane;
pub mod dane_check;
pub mod depth;
pub mod dns;
pub mod dnsbl;
pub mod dnssec;
mod ds_anchor;
pub mod egress;
pub mod engine;
pub mod extra;
pub mod fanout;
pub mod guard;
pub mod hello;
pub mod https;
pub mod legacy_tls;
pub mod mta_sts;
pub mod net;
pub mod options;
pub mod policy_record;
pub mod provider;
pub mod relay;
pub mod reuse;
pub mod reverse;
mod revisit;
pub mod session;
pub mod tls;
pub mod tls_quality;
pub mod tls_rpt;
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
    /// The DNSSEC trust anchor file cannot be used.
    #[error("cannot use DNSSEC trust anchor file {0}: {1}")]
    TrustAnchor(PathBuf, String),
    /// The resolver cannot be set up.
    #[error("cannot set up the DNS resolver: {0}")]
    Resolver(String),
    /// An option would put something other than one SMTP argument on the wire.
    #[error("{option} {value:?} is not usable: {reason}")]
    BadOption {
        /// The option's flag.
        option: &'static str,
        /// The value given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
}

/// Checks that a relay probe address is `local@domain` with a valid domain and nothing that could
/// smuggle a second command (CR, LF, spaces, angle brackets).
fn mailbox(option: &'static str, value: &str) -> Result<String, ProbeError> {
    let bad = |reason: &str| ProbeError::BadOption { option, value: value.to_owned(), reason: reason.to_owned() };
    let (local, domain) = value.rsplit_once('@').ok_or_else(|| bad("it needs the form local@domain"))?;
    if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\\\"".contains(c)) {
        return Err(bad("the local part is empty or holds spaces, controls, quotes or angle brackets"));
    }
    let domain = mxray_report::normalize(domain).map_err(|e| bad(&e.to_string()))?.domain;
    Ok(format!("{local}@{domain}"))
}

/// Checks the EHLO name: a host name (the normaliser's rules).
fn helo_name(value: &str) -> Result<String, ProbeError> {
    mxray_report::normalize(value).map(|n| n.domain).map_err(|e| ProbeError::BadOption {
        option: "--helo-name",
        value: value.to_owned(),
        reason: e.to_string(),
    })
}

/// Checks that the greeting wait ends before the deadline does, so a slow greeting is reported as
/// such rather than cut off by the deadline.
fn greeting_timeout(options: &ProbeOptions) -> Result<std::time::Duration, ProbeError> {
    if options.greeting_timeout_secs >= options.deadline_secs {
        return Err(ProbeError::BadOption {
            option: "--greeting-timeout-secs",
            value: options.greeting_timeout_secs.to_string(),
            reason: format!("it must be shorter than --deadline-secs ({} s)", options.deadline_secs),
        });
    }
    Ok(options.greeting_timeout())
}

/// Builds the real engine (hickory DNS, TCP, ring TLS) from the options.
pub fn build_engine(options: &ProbeOptions) -> Result<app::engine::SharedEngine, ProbeError> {
    let (engine, _) = build_prober(options, |guarded| guarded)?;
    Ok(Arc::new(engine))
}

/// The real engine with its connector wrapped by `wrap` (the batch's politeness), and a handle on
/// its resolver (the same cache) for lookups of the caller's own.
pub fn build_prober<C: net::Connector>(
    options: &ProbeOptions,
    wrap: impl FnOnce(net::Guarded<net::TcpConnector>) -> C,
) -> Result<(Prober<dns::HickoryDns, C>, dns::HickoryDns), ProbeError> {
    let session = session::SessionConfig {
        helo_name: helo_name(&options.helo_name)?,
        relay_sender: mailbox("--relay-sender", &options.relay_sender)?,
        relay_recipient: mailbox("--relay-recipient", &options.relay_recipient)?,
        step_timeout: options.step_timeout(),
        greeting_timeout: greeting_timeout(options)?,
        port: options.smtp_port,
    };
    let dns = dns::HickoryDns::new(options.resolver, options.step_timeout().min(std::time::Duration::from_secs(5)))?;
    let tls = tls::TlsContext::new(options.ca_file.as_deref())?;
    let max = usize::try_from(options.max_connections).unwrap_or(usize::MAX);
    let connector = wrap(net::Guarded::new(net::TcpConnector, options.allow_private_targets));
    let timeout = options.step_timeout().min(std::time::Duration::from_secs(5));
    let validator = dnssec::Validator::new(options.resolver, timeout, options.dnssec_trust_anchor.as_deref())?;
    let engine = Prober::new(dns.clone(), connector, tls, session, max, options.deadline())
        .with_dnssec(validator)
        .with_check_connections(usize::try_from(options.max_check_connections).unwrap_or(usize::MAX))
        .with_ports(options.ports.0.clone())
        .with_egress_check(options.egress_check.clone())
        .with_depth(depth::DepthChecks::all(dnsbl::zones(&options.dnsbl)?, options.allow_private_targets));
    Ok((engine, dns))
}
