//! Per-address depth checks as report data: which TLS versions the server accepts, its reverse DNS
//! and how its names agree, and its blocklist entries; with the findings they lead to. Pure, like
//! `assess`, so a streamed report and a re-opened one reach the same verdict.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::findings::FindingKind;
use crate::i18n::{pick, Lang};
use crate::report::{AddressReport, StartTlsOutcome, TlsFailure};

/// SSL 3.0, named only when a server picks it.
pub const SSL3: &str = "SSLv3";
/// TLS 1.0.
pub const TLS10: &str = "TLSv1.0";
/// TLS 1.1.
pub const TLS11: &str = "TLSv1.1";
/// TLS 1.2.
pub const TLS12: &str = "TLSv1.2";
/// TLS 1.3.
pub const TLS13: &str = "TLSv1.3";

/// What one extra connection with a hand-built ClientHello of at most TLS 1.1 learned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyTlsProbe {
    /// What the server did.
    pub outcome: LegacyOutcome,
    /// The version the server chose, when it answered with a ServerHello.
    #[serde(default)]
    pub version: Option<String>,
    /// The cipher suite it chose (IANA name, or the hex code).
    #[serde(default)]
    pub cipher: Option<String>,
    /// The answer in words: the ServerHello, the alert, or why nothing was learned.
    pub detail: String,
}

/// What the server did with a ClientHello offering at most TLS 1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyOutcome {
    /// It answered with a ServerHello for a version up to TLS 1.1.
    Accepted,
    /// It refused with a protocol_version, handshake_failure or insufficient_security alert.
    Refused,
    /// Nothing was learned (closed, timeout, another alert, not TLS, no STARTTLS on the extra connection).
    NotTested,
}

/// The TLS versions the server accepts, refuses, and those this check could not tell.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsVersions {
    /// Accepted, oldest first, e.g. `["TLSv1.0", "TLSv1.2", "TLSv1.3"]`.
    pub accepted: Vec<String>,
    /// Refused.
    pub refused: Vec<String>,
    /// Neither seen accepted nor refused (one handshake shows one version per connection).
    pub not_tested: Vec<String>,
    /// The extra connection's result, when it ran.
    #[serde(default)]
    pub legacy: Option<LegacyTlsProbe>,
}

/// Recomputes `a.tls_versions` from the main handshake and the legacy probe. Called by the fold
/// after every step, so the order in which the two arrive does not matter.
pub fn refresh_tls_versions(a: &mut AddressReport) {
    let legacy = a.tls_versions.take().and_then(|v| v.legacy);
    let tried = a
        .starttls
        .as_ref()
        .is_some_and(|s| !matches!(s.outcome, StartTlsOutcome::NotOffered | StartTlsOutcome::Skipped));
    if !tried && legacy.is_none() {
        return;
    }
    let mut versions = TlsVersions { legacy: legacy.clone(), ..TlsVersions::default() };
    // The main (rustls) handshake offers 1.2 and 1.3: the server picks the highest it accepts.
    let (modern_accepted, modern_refused, modern_unknown): (&[&str], &[&str], &[&str]) = match &a.starttls {
        Some(s) if s.outcome == StartTlsOutcome::Ok => match s.tls_version.as_deref() {
            Some(TLS13) => (&[TLS13], &[], &[TLS12]),
            Some(TLS12) => (&[TLS12], &[TLS13], &[]),
            _ => (&[], &[], &[TLS12, TLS13]),
        },
        Some(s) if s.failure == Some(TlsFailure::LegacyVersionOnly) => (&[], &[TLS12, TLS13], &[]),
        _ => (&[], &[], &[TLS12, TLS13]),
    };
    // The legacy probe offers up to 1.1: a ServerHello names the highest legacy version accepted.
    let (old_accepted, old_refused, old_unknown): (&[&str], &[&str], &[&str]) = match &legacy {
        Some(p) if p.outcome == LegacyOutcome::Accepted => match p.version.as_deref() {
            Some(TLS11) => (&[TLS11], &[], &[TLS10]),
            Some(TLS10) => (&[TLS10], &[TLS11], &[]),
            Some(SSL3) => (&[SSL3], &[TLS10, TLS11], &[]),
            _ => (&[], &[], &[TLS10, TLS11]),
        },
        Some(p) if p.outcome == LegacyOutcome::Refused => (&[], &[TLS10, TLS11], &[]),
        _ => (&[], &[], &[TLS10, TLS11]),
    };
    let own = |lists: [&[&str]; 2]| lists.concat().into_iter().map(str::to_owned).collect::<Vec<_>>();
    versions.accepted = own([old_accepted, modern_accepted]);
    versions.refused = own([old_refused, modern_refused]);
    versions.not_tested = own([old_unknown, modern_unknown]);
    a.tls_versions = Some(versions);
}

/// The legacy versions (older than TLS 1.2) the server was seen to accept.
pub fn legacy_accepted(a: &AddressReport) -> Vec<String> {
    let Some(v) = &a.tls_versions else { return Vec::new() };
    v.accepted.iter().filter(|v| ![TLS12, TLS13].contains(&v.as_str())).cloned().collect()
}

/// The PTR names of an address and whether each leads back to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseDns {
    /// The PTR names (lower case, no trailing dot), each with its forward check.
    pub names: Vec<PtrName>,
    /// Why there is no name, when there is none.
    #[serde(default)]
    pub error: Option<ReverseFailure>,
}

impl ReverseDns {
    /// True when a PTR name resolves back to the address (FCrDNS).
    pub fn confirmed(&self) -> bool {
        self.names.iter().any(|n| n.forward == Forward::Confirmed)
    }
}

/// Why an address has no PTR name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReverseFailure {
    /// The reverse name does not exist or holds no PTR: a definite answer.
    NoPtr {
        /// The resolver's answer.
        detail: String,
    },
    /// The lookup failed (timeout, SERVFAIL): nothing learned.
    Failed {
        /// The resolver's error.
        detail: String,
    },
}

/// One PTR name and its forward lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtrName {
    /// The name.
    pub name: String,
    /// Whether its A/AAAA records include the address.
    pub forward: Forward,
    /// The addresses it resolves to.
    #[serde(default)]
    pub addresses: Vec<IpAddr>,
}

/// The forward check of a PTR name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Forward {
    /// The name resolves to the address.
    Confirmed,
    /// The name resolves, but not to the address (or not at all: NXDOMAIN, no records).
    Mismatch {
        /// What the lookup said when it found no address.
        #[serde(default)]
        detail: Option<String>,
    },
    /// The lookup failed: nothing learned.
    Failed {
        /// The resolver's error.
        detail: String,
    },
}

/// The answer of one blocklist about one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsblResult {
    /// The blocklist's DNS zone, e.g. `zen.spamhaus.org`.
    pub zone: String,
    /// The name asked for (reversed octets or nibbles, then the zone).
    pub query: String,
    /// Listed, not listed, or unknown.
    pub status: DnsblStatus,
    /// The A answers (return codes), e.g. `127.0.0.2`.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The TXT reason, when listed.
    #[serde(default)]
    pub reason: Vec<String>,
    /// Why the answer is unknown, when it is.
    #[serde(default)]
    pub detail: Option<String>,
}

/// What a blocklist said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsblStatus {
    /// An A answer in 127.0.0.0/8 outside 127.255.255.0/24.
    Listed,
    /// NXDOMAIN (or no A record).
    NotListed,
    /// An error code (127.255.255.0/24), an answer outside 127.0.0.0/8, a timeout or SERVFAIL.
    Unknown,
}

/// The host name a greeting or EHLO line starts with, when it looks like one (an address literal,
/// a bare word or anything else is `None`).
pub fn announced_name(text: &str) -> Option<String> {
    let first = text.lines().next()?.split_whitespace().next()?.trim_end_matches('.');
    let host_like = first.contains('.')
        && first.parse::<IpAddr>().is_err()
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    host_like.then(|| first.to_ascii_lowercase())
}

/// The findings of the depth checks at one address.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(v) = &a.tls_versions {
        let legacy = legacy_accepted(a);
        let legacy_only = a.starttls.as_ref().is_some_and(|s| s.failure == Some(TlsFailure::LegacyVersionOnly));
        // Legacy-only is the critical `tls_legacy_only` finding, raised by `assess` from the handshake.
        if !legacy.is_empty() && !legacy_only {
            out.push(FindingKind::TlsLegacyAccepted { ip: ip.clone(), versions: legacy });
        } else if let Some(p) = v.legacy.as_ref().filter(|p| p.outcome == LegacyOutcome::NotTested) {
            out.push(FindingKind::TlsLegacyNotTested { ip: ip.clone(), reason: p.detail.clone() });
        }
    }
    if let Some(r) = &a.reverse_dns {
        out.extend(reverse_findings(a, r, &ip));
    }
    for d in &a.dnsbl {
        match d.status {
            DnsblStatus::Listed => out.push(FindingKind::DnsblListed {
                ip: ip.clone(),
                zone: d.zone.clone(),
                codes: d.codes.join(", "),
                reason: d.reason.join(" "),
            }),
            DnsblStatus::Unknown => out.push(FindingKind::DnsblNotTested {
                ip: ip.clone(),
                zone: d.zone.clone(),
                reason: d.detail.clone().unwrap_or_default(),
            }),
            DnsblStatus::NotListed => {}
        }
    }
    out
}

/// No PTR and an unconfirmed PTR hurt the host's own outgoing mail (warning); a greeting or EHLO
/// name other than the PTR is only scored by some filters when the host sends (info).
fn reverse_findings(a: &AddressReport, r: &ReverseDns, ip: &str) -> Vec<FindingKind> {
    match &r.error {
        Some(ReverseFailure::NoPtr { detail }) => {
            return vec![FindingKind::PtrMissing { ip: ip.to_owned(), detail: detail.clone() }];
        }
        Some(ReverseFailure::Failed { detail }) => {
            return vec![FindingKind::ReverseDnsNotTested { ip: ip.to_owned(), reason: detail.clone() }];
        }
        None => {}
    }
    let names = r.names.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
    if !r.confirmed() {
        let failed = r.names.iter().find_map(|n| match &n.forward {
            Forward::Failed { detail } => Some(detail.clone()),
            _ => None,
        });
        return vec![match failed {
            Some(reason) => FindingKind::ReverseDnsNotTested { ip: ip.to_owned(), reason },
            None => FindingKind::PtrNotConfirmed { ip: ip.to_owned(), names },
        }];
    }
    let greeting = a.banner.as_ref().filter(|b| b.code == Some(220)).and_then(|b| announced_name(&b.text));
    let ehlo = a.ehlo.as_ref().filter(|e| e.code == Some(250)).and_then(|e| announced_name(&e.host));
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (step, name) in [("greeting", greeting), ("EHLO", ehlo)] {
        let Some(name) = name else { continue };
        if r.names.iter().any(|n| n.name == name) || seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        out.push(FindingKind::NameNotPtr { ip: ip.to_owned(), step: step.to_owned(), name, ptr: names.clone() });
    }
    out
}

crate::i18n::labels!(DnsblStatus, "The blocklist answer in words.", {
    Listed => ("listed", "gelistet"),
    NotListed => ("not listed", "nicht gelistet"),
    Unknown => ("not tested", "nicht getestet"),
});

crate::i18n::labels!(LegacyOutcome, "The legacy probe's outcome in words.", {
    Accepted => ("accepted", "angenommen"),
    Refused => ("refused", "abgelehnt"),
    NotTested => ("not tested", "nicht getestet"),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{StartTlsReport, TlsFailure};

    fn address(starttls: Option<StartTlsReport>, legacy: Option<LegacyTlsProbe>) -> AddressReport {
        let mut a = AddressReport::pending("192.0.2.1".parse().unwrap());
        a.starttls = starttls;
        a.tls_versions = legacy.map(|l| TlsVersions { legacy: Some(l), ..Default::default() });
        refresh_tls_versions(&mut a);
        a
    }

    fn tls(outcome: StartTlsOutcome, version: Option<&str>, failure: Option<TlsFailure>) -> Option<StartTlsReport> {
        Some(StartTlsReport {
            offered: true,
            outcome,
            tls_version: version.map(str::to_owned),
            cipher_suite: None,
            kx_group: None,
            handshake_ms: None,
            error: None,
            pipelined_plaintext: false,
            failure,
        })
    }

    fn legacy(outcome: LegacyOutcome, version: Option<&str>) -> Option<LegacyTlsProbe> {
        Some(LegacyTlsProbe { outcome, version: version.map(str::to_owned), cipher: None, detail: "x".into() })
    }

    fn lists(a: &AddressReport) -> (Vec<String>, Vec<String>, Vec<String>) {
        let v = a.tls_versions.clone().unwrap();
        (v.accepted, v.refused, v.not_tested)
    }

    #[test]
    fn versions_say_only_what_the_two_handshakes_showed() {
        let a = address(tls(StartTlsOutcome::Ok, Some(TLS13), None), legacy(LegacyOutcome::Accepted, Some(TLS10)));
        assert_eq!(lists(&a), (vec![TLS10.into(), TLS13.into()], vec![TLS11.into()], vec![TLS12.into()]));
        let codes: Vec<&str> = findings(&a).iter().map(|f| f.code()).collect();
        assert_eq!(codes, ["tls_legacy_accepted"]);

        let a = address(tls(StartTlsOutcome::Ok, Some(TLS12), None), legacy(LegacyOutcome::Refused, None));
        assert_eq!(lists(&a), (vec![TLS12.into()], vec![TLS10.into(), TLS11.into(), TLS13.into()], vec![]));
        assert!(findings(&a).is_empty());

        let only = tls(StartTlsOutcome::HandshakeFailed, None, Some(TlsFailure::LegacyVersionOnly));
        let a = address(only, legacy(LegacyOutcome::Accepted, Some(TLS11)));
        assert_eq!(lists(&a), (vec![TLS11.into()], vec![TLS12.into(), TLS13.into()], vec![TLS10.into()]));
        assert!(findings(&a).is_empty(), "legacy-only is assess's critical finding, not a second one");

        let a = address(tls(StartTlsOutcome::Ok, Some(TLS13), None), legacy(LegacyOutcome::NotTested, None));
        assert_eq!(lists(&a).2, [TLS10, TLS11, TLS12]);
        assert_eq!(findings(&a)[0].code(), "tls_legacy_not_tested");

        assert!(address(tls(StartTlsOutcome::NotOffered, None, None), None).tls_versions.is_none());
    }

    #[test]
    fn names_from_greetings() {
        assert_eq!(announced_name("MX.Example.com ESMTP Postfix").as_deref(), Some("mx.example.com"));
        assert_eq!(announced_name("ESMTP ready"), None);
        assert_eq!(announced_name("[192.0.2.1] hi"), None);
        assert_eq!(announced_name("192.0.2.1 hi"), None);
    }

    fn ptr(name: &str, forward: Forward) -> PtrName {
        PtrName { name: name.into(), forward, addresses: vec![] }
    }

    #[test]
    fn reverse_dns_findings() {
        let mut a = AddressReport::pending("192.0.2.1".parse().unwrap());
        a.banner = Some(crate::report::BannerReport {
            code: Some(220),
            text: "mail.example.com ESMTP".into(),
            software: None,
            elapsed_ms: 0,
            error: None,
            refuses_tester: None,
            greeting_timeout_secs: None,
        });
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mx.example.com", Forward::Confirmed)], error: None });
        let f = findings(&a);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code(), "name_not_ptr");
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mail.example.com", Forward::Confirmed)], error: None });
        assert!(findings(&a).is_empty());
        a.reverse_dns =
            Some(ReverseDns { names: vec![ptr("mail.example.com", Forward::Mismatch { detail: None })], error: None });
        assert_eq!(findings(&a)[0].code(), "ptr_not_confirmed");
        let failed = Forward::Failed { detail: "timeout".into() };
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mail.example.com", failed)], error: None });
        assert_eq!(findings(&a)[0].code(), "reverse_dns_not_tested");
        a.reverse_dns = Some(ReverseDns { names: vec![], error: Some(ReverseFailure::NoPtr { detail: "x".into() }) });
        assert_eq!(findings(&a)[0].code(), "ptr_missing");
    }
}
