//! The mail ports (25, 465, 587) and what each one served.

use crate::model::session::{BannerReport, CertificateReport, EhloReport, StartTlsReport, TcpReport};
use serde::{Deserialize, Serialize};

/// The MX port: its results live in the address report's own fields.
pub const SMTP: u16 = 25;

/// SMTP submission over implicit TLS (RFC 8314).
pub const SUBMISSIONS: u16 = 465;

/// SMTP submission with STARTTLS (RFC 6409).
pub const SUBMISSION: u16 = 587;

/// The ports mxray probes on request.
pub const ALLOWED: [u16; 3] = [SMTP, SUBMISSIONS, SUBMISSION];

/// What one extra port (465 or 587) of an address answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortReport {
    /// The port.
    pub port: u16,
    /// TLS from the first byte (465) rather than after STARTTLS (587).
    #[serde(default)]
    pub implicit_tls: bool,
    /// TCP connection outcome.
    #[serde(default)]
    pub tcp: Option<TcpReport>,
    /// The greeting (inside TLS on 465).
    #[serde(default)]
    pub banner: Option<BannerReport>,
    /// EHLO before STARTTLS (587 only).
    #[serde(default)]
    pub ehlo: Option<EhloReport>,
    /// The TLS step: STARTTLS on 587, the implicit handshake on 465.
    #[serde(default)]
    pub starttls: Option<StartTlsReport>,
    /// The certificate, judged against the MX name.
    #[serde(default)]
    pub certificate: Option<CertificateReport>,
    /// EHLO inside TLS.
    #[serde(default)]
    pub ehlo_tls: Option<EhloReport>,
}
