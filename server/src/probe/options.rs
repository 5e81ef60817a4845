//! Probe settings, shared by `mxray check` (flags) and `mxray serve` (environment variables).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Every knob of the probe engine. Each flag can also be set by its `MXRAY_…` variable.
#[derive(Clone, Debug, clap::Args)]
pub struct ProbeOptions {
    /// DNS resolver as IP:PORT (default: the system resolver).
    #[arg(long, env = "MXRAY_RESOLVER", value_name = "IP:PORT")]
    pub resolver: Option<SocketAddr>,
    /// Allow loopback, private and other non-public targets (tests, self-hosting).
    #[arg(long, env = "MXRAY_ALLOW_PRIVATE_TARGETS", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub allow_private_targets: bool,
    /// Extra trusted roots (PEM), on top of the Mozilla roots.
    #[arg(long, env = "MXRAY_CA_FILE", value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Name sent with EHLO/HELO.
    #[arg(long, env = "MXRAY_HELO_NAME", default_value = "mxray.invalid")]
    pub helo_name: String,
    /// Sender for the open-relay probe.
    #[arg(long, env = "MXRAY_RELAY_SENDER", default_value = "relay-probe@mxray.invalid")]
    pub relay_sender: String,
    /// Recipient (outside the tested domain) for the open-relay probe.
    #[arg(long, env = "MXRAY_RELAY_RECIPIENT", default_value = "relay-test@example.net")]
    pub relay_recipient: String,
    /// Limit for each whole reply (and connect, and TLS handshake), in seconds.
    #[arg(long, env = "MXRAY_STEP_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub step_timeout_secs: u64,
    /// Wait for the server's greeting, in seconds (RFC 5321 lets senders wait 5 minutes; postscreen
    /// and delay ACLs hold it back on purpose); must be shorter than the deadline.
    #[arg(long, env = "MXRAY_GREETING_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub greeting_timeout_secs: u64,
    /// Limit for everything at one address, in seconds.
    #[arg(long, env = "MXRAY_DEADLINE_SECS", default_value_t = 90, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub deadline_secs: u64,
    /// SMTP port to connect to.
    #[arg(long, env = "MXRAY_SMTP_PORT", default_value_t = 25, value_parser = clap::value_parser!(u16).range(1..))]
    pub smtp_port: u16,
    /// Ports probed at each address: 25 (always; reached on --smtp-port), 465 (implicit TLS) and
    /// 587 (STARTTLS), e.g. `25,465,587`; 465 and 587 are reached on their own numbers.
    #[arg(long, env = "MXRAY_PORTS", default_value = "25", value_parser = ports_list)]
    pub ports: PortList,
    /// Most TCP connections open at once over all checks of this process.
    #[arg(long, env = "MXRAY_MAX_CONNECTIONS", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_connections: u64,
    /// Most TCP connections one check may hold at once (a domain with many addresses waits its turn).
    #[arg(long, env = "MXRAY_MAX_CHECK_CONNECTIONS", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_check_connections: u64,
    /// Extra DNSSEC trust anchors (DNSKEY or DS records in zone-file form) beside the root's, for DANE
    /// and the DNSSEC status of signed private zones.
    #[arg(long, env = "MXRAY_DNSSEC_TRUST_ANCHOR", value_name = "FILE")]
    pub dnssec_trust_anchor: Option<PathBuf>,
    /// A server known to accept connections on port 25, connected to once beside each check: when
    /// every MX address times out, it tells a blocked network from dead servers.
    #[arg(long, env = "MXRAY_EGRESS_CHECK", value_name = "HOST[:PORT]", value_parser = super::egress::EgressTarget::parse)]
    pub egress_check: Option<super::egress::EgressTarget>,
    /// Blocklist (DNSBL) zones to look every address up in, comma-separated; none unless given.
    /// Many lists refuse queries from public resolvers (zen.spamhaus.org: use your own resolver).
    #[arg(long, env = "MXRAY_DNSBL", value_name = "ZONE[,ZONE…]", value_delimiter = ',')]
    pub dnsbl: Vec<String>,
}

/// The ports of `--ports`, sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortList(pub Vec<u16>);

/// `--ports`: a comma-separated list of 25, 465 and 587.
fn ports_list(text: &str) -> Result<PortList, mxray_report::input::PortsError> {
    mxray_report::input::parse_ports(text).map(PortList)
}

impl ProbeOptions {
    /// The step timeout as a duration.
    pub fn step_timeout(&self) -> Duration {
        Duration::from_secs(self.step_timeout_secs)
    }

    /// The greeting wait as a duration.
    pub fn greeting_timeout(&self) -> Duration {
        Duration::from_secs(self.greeting_timeout_secs)
    }

    /// The per-address deadline as a duration.
    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.deadline_secs)
    }
}
