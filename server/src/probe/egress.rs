//! The egress check (`--egress-check HOST[:PORT]`): one TCP connect, through the engine's guarded
//! connector, to a server the user knows accepts connections on port 25. It runs beside the check
//! (so it costs no time) and tells, when every MX address timed out, whether port 25 leaves this
//! network at all ([`mxray_report::checks::egress`] judges it).

use mxray_report::model::depth::LookupFailure;
use mxray_report::model::egress::{EgressOutcome, EgressReport};
use mxray_report::model::report::{ConnectFailure, TcpOutcome};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::dns::{bounded, MailDns};
use super::net::Connector;
use super::session::connect_failed;

/// The port checked when the target names none.
pub const DEFAULT_PORT: u16 = 25;

/// Where the egress check connects: an address or a host name (A-label), and a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EgressTarget {
    /// The host as given (an address) or normalised (a name).
    pub host: String,
    /// The port.
    pub port: u16,
}

impl EgressTarget {
    /// Parses `HOST`, `HOST:PORT`, `IP`, `IP:PORT`, `IPv6` or `[IPv6]:PORT`; the port defaults to 25.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(EgressTarget { host: ip.to_string(), port: DEFAULT_PORT });
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(EgressTarget { host: addr.ip().to_string(), port: port(addr.port())? });
        }
        let (host, port) = match text.rsplit_once(':') {
            Some((host, p)) => (host, port(p.parse().map_err(|_| format!("{p:?} is not a port number"))?)?),
            None => (text, DEFAULT_PORT),
        };
        let host = mxray_report::normalize(host).map_err(|e| e.to_string())?.domain;
        Ok(EgressTarget { host, port })
    }

    /// `HOST:PORT` as shown in the report (`[v6]:PORT` for IPv6).
    pub fn label(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, self.port).to_string(),
            Err(_) => format!("{}:{}", self.host, self.port),
        }
    }
}

fn port(port: u16) -> Result<u16, String> {
    if port == 0 {
        return Err("port 0 cannot be connected to".into());
    }
    Ok(port)
}

/// Resolves the target (a name through the engine's DNS, first address) and makes one TCP connect
/// within `limit`, then closes it at once.
pub async fn check<D: MailDns, C: Connector>(
    target: &EgressTarget,
    dns: &D,
    connector: &C,
    limit: Duration,
) -> EgressReport {
    let mut report = EgressReport {
        target: target.label(),
        address: None,
        outcome: EgressOutcome::Failed,
        connect_ms: None,
        detail: None,
        failure: None,
        lookup: None,
    };
    let ip = match target.host.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) => match bounded(limit, dns.addresses(&target.host)).await.map(|found| found.ips.first().copied()) {
            Ok(Some(ip)) => ip,
            Ok(None) => return not_resolved(report, Some(LookupFailure::NoRecords), String::new()),
            Err(e) => {
                let (lookup, detail) = e.for_report();
                return not_resolved(report, lookup, detail);
            }
        },
    };
    let addr = SocketAddr::new(ip, target.port);
    report.address = Some(addr.to_string());
    let started = Instant::now();
    match tokio::time::timeout(limit, connector.connect(addr)).await {
        Ok(Ok(stream)) => {
            drop(stream);
            report.outcome = EgressOutcome::Reachable;
            report.connect_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        }
        Ok(Err(e)) => {
            let (outcome, failure, detail) = connect_failed(&e);
            report.outcome = match outcome {
                TcpOutcome::Refused => EgressOutcome::Refused,
                TcpOutcome::Timeout => EgressOutcome::TimedOut,
                TcpOutcome::Unreachable | TcpOutcome::NoRoute => EgressOutcome::Unreachable,
                TcpOutcome::Blocked => EgressOutcome::Blocked,
                TcpOutcome::Connected | TcpOutcome::Error => EgressOutcome::Failed,
            };
            (report.failure, report.detail) = (failure, detail);
        }
        Err(_) => {
            report.outcome = EgressOutcome::TimedOut;
            let secs = u64::try_from(limit.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
            report.failure = Some(ConnectFailure::NoAnswer { secs });
        }
    }
    report
}

fn not_resolved(mut report: EgressReport, lookup: Option<LookupFailure>, detail: String) -> EgressReport {
    report.outcome = EgressOutcome::NotResolved;
    report.lookup = lookup;
    report.detail = Some(detail).filter(|d| !d.is_empty());
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_take_names_addresses_and_ports() {
        let t = |s: &str| EgressTarget::parse(s).map(|t| (t.host, t.port));
        assert_eq!(t("smtp.Example.NET"), Ok(("smtp.example.net".into(), 25)));
        assert_eq!(t("smtp.example.net:2525"), Ok(("smtp.example.net".into(), 2525)));
        assert_eq!(t("192.0.2.7"), Ok(("192.0.2.7".into(), 25)));
        assert_eq!(t("192.0.2.7:587"), Ok(("192.0.2.7".into(), 587)));
        assert_eq!(t("2001:db8::7"), Ok(("2001:db8::7".into(), 25)));
        assert_eq!(t("[2001:db8::7]:26"), Ok(("2001:db8::7".into(), 26)));
        assert_eq!(EgressTarget::parse("[2001:db8::7]:26").unwrap().label(), "[2001:db8::7]:26");
        for bad in ["", "smtp.example.net:smtp", "smtp.example.net:0", "smtp.example.net:70000", "a b:25", "ho\rst:25"]
        {
            assert!(EgressTarget::parse(bad).is_err(), "{bad:?}");
        }
    }
}
