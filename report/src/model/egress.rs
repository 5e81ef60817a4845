//! Whether port 25 leaves the tester's own network: the egress check's outcome.

use serde::{Deserialize, Serialize};

/// What the egress check's one TCP connect did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EgressOutcome {
    /// The handshake completed: this network lets outbound connections to that port out.
    Reachable,
    /// No answer within the step timeout: the network (or the target) drops the packets.
    TimedOut,
    /// Refused (a reset): the target does not listen there, or a firewall on the way rejects.
    Refused,
    /// An ICMP error or no route.
    Unreachable,
    /// Not attempted: the target is not public and private targets are not allowed.
    Blocked,
    /// The name did not resolve.
    NotResolved,
    /// Another error.
    Failed,
}

/// The egress check: one TCP connect beside the check, to a server known to accept connections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressReport {
    /// The target as configured (`HOST[:PORT]`).
    pub target: String,
    /// The address connected to (`IP:PORT`), once the name resolved.
    #[serde(default)]
    pub address: Option<String>,
    /// What happened.
    pub outcome: EgressOutcome,
    /// Connect time in milliseconds, when reachable.
    #[serde(default)]
    pub connect_ms: Option<u64>,
    /// The operating system's or the resolver's message, when it failed (older reports: also
    /// mxray's own reason, now in `failure`).
    #[serde(default)]
    pub detail: Option<String>,
    /// Why the connect failed, when mxray can say it in its own terms (absent in older reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<crate::model::session::ConnectFailure>,
    /// Why the name did not resolve, in mxray's own terms (outcome `not_resolved`; absent in older
    /// reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<crate::model::depth::LookupFailure>,
}
