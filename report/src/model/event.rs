//! The events the engine streams while a check runs. One JSON object per event, tagged by `type`.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::model::report::{
    BannerReport, CertificateReport, DnsFailure, EhloReport, MxSource, ProtocolError, RelayReport, ServerClosed,
    StartTlsReport, TcpReport, TranscriptLine,
};

/// One thing that happened during a check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CheckEvent {
    /// The check began.
    Started {
        /// What the user typed.
        input: String,
        /// The normalised domain.
        domain: String,
        /// RFC 3339 UTC start time.
        checked_at: String,
        /// Which resolver is used.
        resolver: String,
    },
    /// The mail hosts and their addresses are known; every address listed will get an `address_done`.
    Resolved {
        /// Where the hosts came from.
        mx_source: MxSource,
        /// The hosts in delivery order.
        hosts: Vec<PlannedHost>,
        /// Why there are no hosts, when there are none.
        error: Option<DnsFailure>,
        /// MX hosts beyond the cap.
        mx_hosts_skipped: usize,
        /// A null MX was published next to these hosts (RFC 7505 says it must stand alone).
        #[serde(default)]
        null_mx_mixed: bool,
    },
    /// One step at one address finished.
    Step {
        /// Index of the host in `Resolved::hosts`.
        mx: usize,
        /// The address.
        ip: IpAddr,
        /// What the step found (boxed: a certificate report is far larger than every other event).
        #[serde(flatten)]
        step: Box<StepResult>,
    },
    /// One address finished; its transcript.
    AddressDone {
        /// Index of the host.
        mx: usize,
        /// The address.
        ip: IpAddr,
        /// Wall time for the address.
        duration_ms: u64,
        /// Every line exchanged.
        transcript: Vec<TranscriptLine>,
        /// The per-address deadline ended the session.
        deadline_hit: bool,
        /// TCP connections opened.
        connections: u8,
        /// Why the session ended before every step ran, when it did (see [`AddressReport::error`]).
        error: Option<String>,
        /// Why the session ended before every step ran, in mxray's own terms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::SessionFailure>,
        /// The reply that broke the exchange, when one did.
        #[serde(default)]
        protocol_error: Option<ProtocolError>,
        /// A `421` that closed the session where no step report shows it.
        #[serde(default)]
        server_closed: Option<ServerClosed>,
        /// Milliseconds spent waiting for a free connection slot first.
        #[serde(default)]
        queued_ms: u64,
        /// The MX host under which the address was probed, when this host lists it too.
        #[serde(default)]
        same_server_as: Option<String>,
    },
    /// The addresses of one MX host, when they were still being looked up at `resolved`.
    HostResolved {
        /// Index of the host in `Resolved::hosts`.
        mx: usize,
        /// The host with its addresses.
        host: PlannedHost,
    },
    /// The domain's transport-security policies (MTA-STS, TLS-RPT); comes once, before `done`.
    Policies {
        /// What the policy check found.
        policies: Box<crate::model::policy::PolicyReport>,
    },
    /// DANE facts of one MX host: its TLSA records and the DNSSEC status of its lookups.
    HostDane {
        /// Index of the host in `Resolved::hosts`.
        mx: usize,
        /// What was found.
        dane: crate::model::dane::HostDane,
    },
    /// The DNSSEC status of the domain's MX answer.
    MxDnssec {
        /// What validation said.
        check: crate::model::dane::DnssecCheck,
    },
    /// The egress check's result (only with `--egress-check`): whether port 25 leaves this network.
    Egress {
        /// What the one TCP connect did.
        egress: crate::model::egress::EgressReport,
    },
    /// Nothing new; keeps proxies from closing a quiet stream.
    Heartbeat,
    /// The check is over.
    Done {
        /// Wall time of the whole check.
        duration_ms: u64,
    },
}

/// A mail host as resolved, before probing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedHost {
    /// Host name, A-label, no trailing dot.
    pub host: String,
    /// MX preference.
    pub preference: u16,
    /// Canonical name when the target is a CNAME.
    pub cname: Option<String>,
    /// Why there is no address, when there is none.
    pub address_error: Option<String>,
    /// Addresses to probe (IPv4 first, then IPv6).
    pub addresses: Vec<IpAddr>,
    /// Addresses beyond the cap.
    pub addresses_skipped: usize,
    /// The addresses are still being looked up; a `host_resolved` event follows.
    #[serde(default)]
    pub resolving: bool,
}

/// The result of one step at one address.
// Each one travels boxed (`CheckEvent::Step`), once per step: the relay report's size costs nothing
// where events are queued, and boxing the variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", content = "result", rename_all = "snake_case")]
pub enum StepResult {
    /// TCP connect.
    Tcp(TcpReport),
    /// Greeting.
    Banner(BannerReport),
    /// EHLO in plaintext.
    Ehlo(EhloReport),
    /// STARTTLS and handshake.
    Starttls(StartTlsReport),
    /// Certificate chain and judgement.
    Certificate(CertificateReport),
    /// EHLO inside TLS.
    EhloTls(EhloReport),
    /// Open-relay probe.
    OpenRelay(RelayReport),
    /// A step at an extra port (465 or 587), which the step names.
    Port(PortStep),
    /// The extra connection with a ClientHello of at most TLS 1.1.
    LegacyTls(crate::model::depth::LegacyTlsProbe),
    /// The two extra connections with hand-built TLS 1.2 ClientHellos (ordinary and weak).
    TlsQuality(crate::model::quality::TlsQualityProbe),
    /// PTR names and their forward confirmation.
    ReverseDns(crate::model::depth::ReverseDns),
    /// Blocklist answers, one per configured zone.
    Dnsbl(Vec<crate::model::depth::DnsblResult>),
    /// DANE: the presented chain against the host's TLSA records.
    Dane(crate::model::dane::AddressDane),
}

/// One step at an extra port (the event says which port).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortStep {
    /// The port.
    pub port: u16,
    /// What the step found.
    #[serde(flatten)]
    pub step: Box<StepResult>,
}
