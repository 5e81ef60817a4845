//! What changed between two reports of the same domain, per MX host and address: hosts and
//! addresses that came or went, step outcomes (STARTTLS now offered, relay closed), a renewed
//! certificate, another TLS version, findings that appeared or went away. Each change is typed,
//! says whether things got better or worse, and describes itself in either language.

use std::net::IpAddr;

use crate::checks::marks::{step_mark, Step};
use crate::model::finding::{Finding, FindingKind, Severity};
use crate::model::lang::Lang;
use crate::model::report::{AddressReport, Mark, MxHost, MxSource, RelayOutcome, Report};
use crate::render::facts::{self, StepState};
use crate::render::time::Utc;
use crate::texts::{count, pick};

/// The differences between an older and a newer report of one domain.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportDiff {
    /// The domain both reports are about.
    pub domain: String,
    /// When the older check ran (RFC 3339).
    pub old_checked_at: String,
    /// When the newer check ran (RFC 3339).
    pub new_checked_at: String,
    /// Every difference: domain first, then host by host in the newer report's order.
    pub changes: Vec<Change>,
}

impl ReportDiff {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The two reports are about different domains.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the reports are about different domains: {old} and {new}")]
pub struct DomainMismatch {
    /// Domain of the older report.
    pub old: String,
    /// Domain of the newer report.
    pub new: String,
}

/// One difference and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The MX host, unless the change is about the domain.
    pub host: Option<String>,
    /// The address, when the change is about one.
    pub ip: Option<IpAddr>,
    /// What changed.
    pub kind: ChangeKind,
}

/// Whether a change is good news.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Fixed or improved.
    Better,
    /// Broken or degraded.
    Worse,
    /// Different, neither better nor worse.
    Changed,
}

crate::labels!(Trend, "The trend as a word.", {
    Better => ("better", "besser"),
    Worse => ("worse", "schlechter"),
    Changed => ("changed", "geändert"),
});

/// What changed.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeKind {
    /// The mail hosts come from elsewhere (e.g. MX records instead of the implicit MX).
    MxSource {
        /// Before.
        from: MxSource,
        /// Now.
        to: MxSource,
    },
    /// An MX host is new.
    HostAdded,
    /// An MX host is gone.
    HostRemoved,
    /// A host has a new address.
    AddressAdded,
    /// A host lost an address.
    AddressRemoved,
    /// A step ended differently.
    Step {
        /// Which step.
        step: Step,
        /// Its state before, with its mark.
        from: (StepState, Mark),
        /// Its state now, with its mark.
        to: (StepState, Mark),
    },
    /// The address no longer relays for outside domains.
    RelayClosed,
    /// The address now relays for outside domains.
    RelayOpened,
    /// A different leaf certificate (new fingerprint or end of validity).
    CertificateRenewed {
        /// The new end of validity (RFC 3339).
        not_after: String,
        /// Days left on the new certificate at the newer check.
        days: i64,
        /// The new certificate lasts longer than the old one.
        longer: bool,
    },
    /// Another TLS protocol version was negotiated.
    TlsVersion {
        /// Before.
        from: String,
        /// Now.
        to: String,
    },
    /// A finding (info or worse) is new.
    FindingAppeared(FindingKind),
    /// A finding (info or worse) went away.
    FindingResolved(FindingKind),
}

/// Compares an older and a newer report of the same domain.
pub fn diff(old: &Report, new: &Report) -> Result<ReportDiff, DomainMismatch> {
    let norm = |d: &str| d.trim_end_matches('.').to_ascii_lowercase();
    if norm(&old.domain) != norm(&new.domain) {
        return Err(DomainMismatch { old: old.domain.clone(), new: new.domain.clone() });
    }
    let mut changes = Vec::new();
    if old.mx_source != new.mx_source {
        changes.push(ChangeKind::MxSource { from: old.mx_source, to: new.mx_source });
    }
    changes.extend(finding_changes(&old.findings, &new.findings));
    let mut out: Vec<Change> = changes.into_iter().map(|kind| Change { host: None, ip: None, kind }).collect();
    for host in &new.mx {
        match old.mx.iter().find(|h| h.host == host.host) {
            None => out.push(at_host(host, ChangeKind::HostAdded)),
            Some(before) => host_changes(before, host, &mut out),
        }
    }
    let removed = old.mx.iter().filter(|h| !new.mx.iter().any(|n| n.host == h.host));
    out.extend(removed.map(|h| at_host(h, ChangeKind::HostRemoved)));
    Ok(ReportDiff {
        domain: new.domain.clone(),
        old_checked_at: old.checked_at.clone(),
        new_checked_at: new.checked_at.clone(),
        changes: out,
    })
}

fn at_host(host: &MxHost, kind: ChangeKind) -> Change {
    Change { host: Some(host.host.clone()), ip: None, kind }
}

fn host_changes(old: &MxHost, new: &MxHost, out: &mut Vec<Change>) {
    out.extend(finding_changes(&old.findings, &new.findings).map(|k| at_host(new, k)));
    let at = |ip: IpAddr, kind| Change { host: Some(new.host.clone()), ip: Some(ip), kind };
    for a in &new.addresses {
        match old.addresses.iter().find(|o| o.ip == a.ip) {
            None => out.push(at(a.ip, ChangeKind::AddressAdded)),
            Some(before) => out.extend(address_changes(before, a).into_iter().map(|k| at(a.ip, k))),
        }
    }
    let removed = old.addresses.iter().filter(|o| !new.addresses.iter().any(|a| a.ip == o.ip));
    out.extend(removed.map(|o| at(o.ip, ChangeKind::AddressRemoved)));
}

fn address_changes(old: &AddressReport, new: &AddressReport) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    for step in Step::ALL {
        let (from, to) = (facts::step_state(old, step), facts::step_state(new, step));
        if from == to {
            continue;
        }
        let relay =
            |s: StepState| matches!(s, StepState::Relay(RelayOutcome::Accepted) | StepState::RelayForLocalSender);
        out.push(match step {
            Step::OpenRelay if relay(from) && !relay(to) => ChangeKind::RelayClosed,
            Step::OpenRelay if relay(to) && !relay(from) => ChangeKind::RelayOpened,
            _ => ChangeKind::Step { step, from: (from, step_mark(old, step)), to: (to, step_mark(new, step)) },
        });
    }
    let tls_version = |a: &AddressReport| a.starttls.as_ref().and_then(|s| s.tls_version.clone());
    if let (Some(from), Some(to)) = (tls_version(old), tls_version(new)) {
        if from != to {
            out.push(ChangeKind::TlsVersion { from, to });
        }
    }
    let leaf =
        |a: &AddressReport| a.certificate.as_ref().and_then(|c| Some((c.chain.first()?.clone(), c.days_until_expiry)));
    if let (Some((before, _)), Some((after, days))) = (leaf(old), leaf(new)) {
        if before.sha256 != after.sha256 || before.not_after != after.not_after {
            let longer = Utc::parse(&after.not_after) > Utc::parse(&before.not_after);
            out.push(ChangeKind::CertificateRenewed { not_after: after.not_after, days, longer });
        }
    }
    out.extend(finding_changes(&old.findings, &new.findings));
    out
}

/// Findings of severity info and above that appeared or went away, by code. (Good news such as
/// "TLS works" mirrors a step change and is left out.)
fn finding_changes<'a>(old: &'a [Finding], new: &'a [Finding]) -> impl Iterator<Item = ChangeKind> + 'a {
    let notable = |f: &&Finding| f.severity != Severity::Ok;
    let missing_from = |list: &'a [Finding]| move |f: &&Finding| !list.iter().any(|g| g.code == f.code);
    let gone =
        old.iter().filter(notable).filter(missing_from(new)).map(|f| ChangeKind::FindingResolved(f.kind.clone()));
    let came =
        new.iter().filter(notable).filter(missing_from(old)).map(|f| ChangeKind::FindingAppeared(f.kind.clone()));
    gone.chain(came)
}

impl ChangeKind {
    /// Better, worse, or just different.
    pub fn trend(&self) -> Trend {
        match self {
            ChangeKind::Step { from, to, .. } => match (rank(from.1), rank(to.1)) {
                (Some(a), Some(b)) if b < a => Trend::Better,
                (Some(a), Some(b)) if b > a => Trend::Worse,
                _ => Trend::Changed,
            },
            ChangeKind::RelayClosed => Trend::Better,
            ChangeKind::RelayOpened => Trend::Worse,
            ChangeKind::CertificateRenewed { longer: true, .. } => Trend::Better,
            ChangeKind::TlsVersion { from, to } if to > from => Trend::Better,
            ChangeKind::TlsVersion { .. } => Trend::Worse,
            ChangeKind::FindingAppeared(k) if k.severity() >= Severity::Warning => Trend::Worse,
            ChangeKind::FindingResolved(k) if k.severity() >= Severity::Warning => Trend::Better,
            _ => Trend::Changed,
        }
    }

    /// The change in words.
    pub fn describe(&self, lang: Lang) -> String {
        let text = |en: &str, de: &str| pick(lang, en, de).to_owned();
        match self {
            ChangeKind::MxSource { from, to } => {
                format!("{}: {} → {}", pick(lang, "Mail hosts", "Mailserver"), source(*from, lang), source(*to, lang))
            }
            ChangeKind::HostAdded => text("New MX host", "Neuer MX-Host"),
            ChangeKind::HostRemoved => text("MX host removed", "MX-Host entfernt"),
            ChangeKind::AddressAdded => text("New address", "Neue Adresse"),
            ChangeKind::AddressRemoved => text("Address removed", "Adresse entfernt"),
            ChangeKind::Step { step, from, to } => {
                format!("{}: {} → {}", step.label(lang), from.0.label(lang), to.0.label(lang))
            }
            ChangeKind::RelayClosed => text(
                "Open relay closed: relaying for outside domains is now refused",
                "Offenes Relay geschlossen: Relaying für fremde Domains wird jetzt abgelehnt",
            ),
            ChangeKind::RelayOpened => text(
                "Now an open relay: mail for outside domains is accepted",
                "Jetzt ein offenes Relay: Mail für fremde Domains wird angenommen",
            ),
            ChangeKind::CertificateRenewed { not_after, days, .. } => {
                let until = facts::timestamp(not_after);
                pick(
                    lang,
                    format!("Certificate renewed: valid until {until} ({} left)", count(*days, "day", "days")),
                    format!("Zertifikat erneuert: gültig bis {until} (noch {})", count(*days, "Tag", "Tage")),
                )
            }
            ChangeKind::TlsVersion { from, to } => {
                format!("{}: {from} → {to}", pick(lang, "TLS version", "TLS-Version"))
            }
            ChangeKind::FindingAppeared(k) => {
                format!(
                    "{}: {} ({})",
                    pick(lang, "New finding", "Neuer Befund"),
                    k.texts(lang).title,
                    k.severity().label(lang)
                )
            }
            ChangeKind::FindingResolved(k) => {
                format!("{}: {}", pick(lang, "Finding gone", "Befund entfallen"), k.texts(lang).title)
            }
        }
    }
}

impl Change {
    /// Where the change is (`host (ip)`, `host`, or the empty string for the domain).
    pub fn location(&self) -> String {
        match (&self.host, self.ip) {
            (Some(h), Some(ip)) => format!("{h} ({ip})"),
            (Some(h), None) => h.clone(),
            (None, _) => String::new(),
        }
    }

    /// The change with its location, e.g. `mx.example.com (192.0.2.1): STARTTLS: not offered → TLS established`.
    pub fn describe(&self, lang: Lang) -> String {
        match self.location() {
            at if at.is_empty() => self.kind.describe(lang),
            at => format!("{at}: {}", self.kind.describe(lang)),
        }
    }
}

/// Lower is better; `None` for marks that say nothing (pending, not applicable).
fn rank(m: Mark) -> Option<u8> {
    match m {
        Mark::Ok => Some(0),
        Mark::Inconclusive => Some(1),
        Mark::Warning => Some(2),
        Mark::Critical => Some(3),
        Mark::Pending | Mark::NotApplicable => None,
    }
}

fn source(s: MxSource, lang: Lang) -> &'static str {
    match s {
        MxSource::Mx => pick(lang, "MX records", "MX-Einträge"),
        MxSource::Implicit => pick(lang, "implicit MX", "implizites MX"),
        MxSource::NullMx => pick(lang, "null MX", "Null-MX"),
        MxSource::None => pick(lang, "none", "keine"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{build, good_addr, Addr, Host, Tls};

    fn one_host(addrs: Vec<Addr>) -> Report {
        build(&[Host { name: "mx1.example.com", addrs }])
    }

    fn plain_open_relay(ip: &'static str) -> Addr {
        Addr { tls: None, relay: RelayOutcome::Accepted, ..good_addr(ip) }
    }

    fn described(d: &ReportDiff, lang: Lang) -> Vec<String> {
        d.changes.iter().map(|c| c.describe(lang)).collect()
    }

    #[test]
    fn notices_starttls_on_relay_closed_and_findings() {
        let old = one_host(vec![plain_open_relay("192.0.2.10")]);
        let new = one_host(vec![good_addr("192.0.2.10")]);
        let d = diff(&old, &new).unwrap();
        let starttls =
            d.changes.iter().find(|c| matches!(c.kind, ChangeKind::Step { step: Step::StartTls, .. })).unwrap();
        assert_eq!(starttls.ip, Some("192.0.2.10".parse().unwrap()));
        assert_eq!(starttls.kind.trend(), Trend::Better);
        assert_eq!(
            starttls.describe(Lang::En),
            "mx1.example.com (192.0.2.10): STARTTLS: not offered → TLS established"
        );
        assert_eq!(starttls.kind.describe(Lang::De), "STARTTLS: nicht angeboten → TLS aufgebaut");
        let closed = d.changes.iter().find(|c| c.kind == ChangeKind::RelayClosed).unwrap();
        assert_eq!(closed.kind.trend(), Trend::Better);
        let texts = described(&d, Lang::En);
        assert!(texts.contains(&"mx1.example.com (192.0.2.10): Finding gone: Open relay".to_owned()), "{texts:#?}");
        assert!(texts.contains(&"mx1.example.com (192.0.2.10): Finding gone: STARTTLS not offered".to_owned()));
        assert!(!texts.iter().any(|t| t.contains("TLS works")), "good news mirrors the step change");

        let back = diff(&new, &old).unwrap();
        assert!(back.changes.iter().any(|c| c.kind == ChangeKind::RelayOpened && c.kind.trend() == Trend::Worse));
        assert!(described(&back, Lang::De).iter().any(|t| t.ends_with("Neuer Befund: Offenes Relay (kritisch)")));
    }

    #[test]
    fn notices_a_renewed_certificate_and_a_new_tls_version() {
        let old_tls = Tls { version: "TLSv1.2", not_after: "2026-12-01T00:00:00Z", sha256: "11:22", days: 3 };
        let old = one_host(vec![Addr { tls: Some(old_tls), ..good_addr("192.0.2.10") }]);
        let new = one_host(vec![good_addr("192.0.2.10")]);
        let d = diff(&old, &new).unwrap();
        let renewed = d.changes.iter().find(|c| matches!(c.kind, ChangeKind::CertificateRenewed { .. })).unwrap();
        assert_eq!(renewed.kind.trend(), Trend::Better);
        assert_eq!(
            renewed.kind.describe(Lang::En),
            "Certificate renewed: valid until 2027-02-25 12:00:00 UTC (89 days left)"
        );
        assert_eq!(
            renewed.kind.describe(Lang::De),
            "Zertifikat erneuert: gültig bis 2027-02-25 12:00:00 UTC (noch 89 Tage)"
        );
        let texts = described(&d, Lang::En);
        assert!(
            texts.contains(&"mx1.example.com (192.0.2.10): TLS version: TLSv1.2 → TLSv1.3".to_owned()),
            "{texts:#?}"
        );
        assert!(texts.contains(&"mx1.example.com (192.0.2.10): Certificate: expires soon → valid".to_owned()));
        assert!(texts.contains(&"mx1.example.com (192.0.2.10): Finding gone: Certificate expires soon".to_owned()));
        assert!(diff(&new, &new.clone()).unwrap().is_empty());
    }

    #[test]
    fn notices_hosts_and_addresses_that_come_and_go() {
        let old = build(&[
            Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10")] },
            Host { name: "old.example.com", addrs: vec![good_addr("192.0.2.99")] },
        ]);
        let new = build(&[
            Host { name: "mx1.example.com", addrs: vec![good_addr("2001:db8::10")] },
            Host { name: "new.example.com", addrs: vec![good_addr("192.0.2.50")] },
        ]);
        let texts = described(&diff(&old, &new).unwrap(), Lang::En);
        assert_eq!(
            texts,
            [
                "mx1.example.com: Finding gone: No IPv6 address",
                "mx1.example.com (2001:db8::10): New address",
                "mx1.example.com (192.0.2.10): Address removed",
                "new.example.com: New MX host",
                "old.example.com: MX host removed",
            ]
        );
    }

    #[test]
    fn refuses_reports_of_different_domains() {
        let a = one_host(vec![good_addr("192.0.2.10")]);
        let mut b = a.clone();
        b.domain = "EXAMPLE.com.".into();
        assert!(diff(&a, &b).is_ok());
        b.domain = "example.org".into();
        let err = diff(&a, &b).unwrap_err();
        assert_eq!(err, DomainMismatch { old: "example.com".into(), new: "example.org".into() });
        assert!(err.to_string().contains("example.org"));
    }
}
