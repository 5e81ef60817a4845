//! Monitoring, without I/O: what of a report is worth an alert (its open [`Condition`]s), what
//! started, went on and ended between two checks of one domain ([`transition`]), and the alert in
//! words ([`Alert`]). The watcher in `server` stores the conditions and checks, and sends the alerts;
//! the monitoring page and the API show the [`view`] types.

pub mod view;

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::diff::{diff, Trend};
use crate::model::finding::{FindingKind, Severity};
use crate::model::lang::Lang;
use crate::model::report::Report;
use crate::render::headline::{located, Place};
use crate::texts::{count, pick};

/// Seconds between two reminders of a condition that lasts.
pub const REMIND_EVERY_SECS: i64 = 24 * 3600;

/// Something wrong that lasts from one check to the next, until a check no longer shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// Stable identity across checks (kind and place, never a detail that changes daily).
    pub key: String,
    /// How much it matters.
    pub severity: Severity,
    /// The MX host, unless it is about the domain.
    pub host: Option<String>,
    /// The address, when it is about one.
    pub ip: Option<IpAddr>,
    /// What is wrong.
    pub what: ConditionKind,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConditionKind {
    /// A finding of severity warning or critical (an open relay, STARTTLS gone, DANE or MTA-STS
    /// failing, an MX that does not answer, …).
    Finding {
        /// The finding with its facts.
        finding: FindingKind,
    },
    /// A certificate has fewer days left than the watcher's threshold (`--cert-days`).
    CertificateExpiring {
        /// Days left at this check.
        days: i64,
        /// The threshold.
        threshold: i64,
    },
    /// An address that an earlier check tested is no longer among the MX host's addresses (or the
    /// host is gone); it ends when the address is back.
    AddressLost,
}

impl Condition {
    /// Where it is: `host (ip)`, `host`, or the domain.
    pub fn location(&self, domain: &str) -> String {
        match (&self.host, self.ip) {
            (Some(h), Some(ip)) => format!("{h} ({ip})"),
            (Some(h), None) => h.clone(),
            (None, _) => domain.to_owned(),
        }
    }

    /// One line: what is wrong.
    pub fn title(&self, lang: Lang) -> String {
        match &self.what {
            ConditionKind::Finding { finding } => finding.texts(lang).title,
            ConditionKind::CertificateExpiring { days, threshold } if *days < 0 => pick(
                lang,
                format!("Certificate expired (alert threshold {})", count(*threshold, "day", "days")),
                format!("Zertifikat abgelaufen (Alarmschwelle {})", count(*threshold, "Tag", "Tage")),
            ),
            ConditionKind::CertificateExpiring { days, threshold } => pick(
                lang,
                format!(
                    "Certificate expires in {} (alert threshold {})",
                    count(*days, "day", "days"),
                    count(*threshold, "day", "days")
                ),
                format!(
                    "Zertifikat läuft in {} ab (Alarmschwelle {})",
                    count(*days, "Tag", "Tagen"),
                    count(*threshold, "Tag", "Tage")
                ),
            ),
            ConditionKind::AddressLost => pick(
                lang,
                "Address no longer among the MX host's addresses".to_owned(),
                "Adresse nicht mehr unter den Adressen des MX-Hosts".to_owned(),
            ),
        }
    }

    /// What to do.
    pub fn remedy(&self, lang: Lang) -> String {
        match &self.what {
            ConditionKind::Finding { finding } => finding.texts(lang).remedy,
            ConditionKind::CertificateExpiring { .. } => pick(
                lang,
                "Renew the certificate and reload the mail server (Postfix: postfix reload; Exim: restart exim4); \
                 check that automatic renewal (certbot, acme.sh) runs and reloads the server. With DANE, publish \
                 the new key's TLSA record before the switch."
                    .to_owned(),
                "Zertifikat erneuern und den Mailserver neu laden (Postfix: postfix reload; Exim: exim4 neu starten); \
                 prüfen, dass die automatische Erneuerung (certbot, acme.sh) läuft und den Server neu lädt. Mit DANE \
                 den TLSA-Eintrag des neuen Schlüssels vor dem Wechsel veröffentlichen."
                    .to_owned(),
            ),
            ConditionKind::AddressLost => pick(
                lang,
                "If the change was not intended, restore the MX host's A/AAAA records; if it was, nothing to do \
                 (the alert ends when the address is back)."
                    .to_owned(),
                "War die Änderung nicht gewollt, die A/AAAA-Einträge des MX-Hosts wiederherstellen; war sie gewollt, \
                 ist nichts zu tun (der Alarm endet, wenn die Adresse zurück ist)."
                    .to_owned(),
            ),
        }
    }
}

/// The conditions a report shows: its warning and critical findings, each certificate below
/// `cert_days`, and the addresses lost since `previous` (or still lost since an open condition).
pub fn conditions(report: &Report, previous: Option<&Report>, open: &[Condition], cert_days: i64) -> Vec<Condition> {
    let mut out: BTreeMap<String, Condition> = BTreeMap::new();
    let mut add = |c: Condition| {
        out.entry(c.key.clone()).or_insert(c);
    };
    for l in located(report) {
        if l.finding.severity < Severity::Warning {
            continue;
        }
        // The watcher's own threshold speaks for the certificate's days; the report's fixed
        // 14-day warning would say it twice.
        if matches!(l.finding.kind, FindingKind::CertificateExpiresSoon { .. }) {
            continue;
        }
        let (host, ip) = match l.place {
            Place::Domain => (None, None),
            Place::Host(h) => (Some(h.to_owned()), None),
            Place::Address(h, ip) => (Some(h.to_owned()), Some(ip)),
        };
        let code = l.finding.kind.code();
        add(Condition {
            key: key(code, host.as_deref(), ip),
            severity: l.finding.severity,
            host,
            ip,
            what: ConditionKind::Finding { finding: l.finding.kind.clone() },
        });
    }
    for h in &report.mx {
        for a in &h.addresses {
            let Some(days) = a.certificate.as_ref().map(|c| c.days_until_expiry) else { continue };
            if days < cert_days {
                add(Condition {
                    key: key("certificate_days", Some(&h.host), Some(a.ip)),
                    severity: if days < 0 { Severity::Critical } else { Severity::Warning },
                    host: Some(h.host.clone()),
                    ip: Some(a.ip),
                    what: ConditionKind::CertificateExpiring { days, threshold: cert_days },
                });
            }
        }
    }
    let present =
        |host: &str, ip: IpAddr| report.mx.iter().any(|h| h.host == host && h.addresses.iter().any(|a| a.ip == ip));
    let mut lost: Vec<(String, IpAddr)> = Vec::new();
    if let Some(old) = previous.filter(|_| report.complete) {
        for h in &old.mx {
            lost.extend(h.addresses.iter().filter(|a| !present(&h.host, a.ip)).map(|a| (h.host.clone(), a.ip)));
        }
    }
    if report.complete {
        for c in open.iter().filter(|c| c.what == ConditionKind::AddressLost) {
            if let (Some(h), Some(ip)) = (&c.host, c.ip) {
                if !present(h, ip) {
                    lost.push((h.clone(), ip));
                }
            }
        }
    }
    for (host, ip) in lost {
        add(Condition {
            key: key("address_lost", Some(&host), Some(ip)),
            severity: Severity::Warning,
            host: Some(host),
            ip: Some(ip),
            what: ConditionKind::AddressLost,
        });
    }
    out.into_values().collect()
}

fn key(code: &str, host: Option<&str>, ip: Option<IpAddr>) -> String {
    match (host, ip) {
        (Some(h), Some(ip)) => format!("{code}@{h}/{ip}"),
        (Some(h), None) => format!("{code}@{h}"),
        _ => code.to_owned(),
    }
}

/// A condition as the watcher keeps it between checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCondition {
    /// The condition as last seen.
    pub condition: Condition,
    /// Unix seconds of the check that first showed it.
    pub since: i64,
    /// Unix seconds of the last alert that named it.
    pub last_alerted: i64,
}

/// How a condition moved at a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// New at this check.
    Started,
    /// Still there, and the last alert naming it is a day old.
    Reminder,
    /// Gone at this check.
    Recovered,
}

crate::labels!(Movement, "The movement as a word.", {
    Started => ("new", "neu"),
    Reminder => ("still", "weiterhin"),
    Recovered => ("recovered", "behoben"),
});

/// One line of an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertItem {
    /// New, still, or recovered.
    pub movement: Movement,
    /// The condition.
    pub condition: Condition,
    /// Unix seconds since it lasts (for a recovered one: since when it lasted).
    pub since: i64,
}

/// What one check changed for one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The conditions to keep open after this check.
    pub open: Vec<OpenCondition>,
    /// What to alert (empty: no alert).
    pub alert: Option<Alert>,
}

/// One alert: a domain's changes at one check, sent as one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The domain.
    pub domain: String,
    /// Unix seconds of the check.
    pub at: i64,
    /// The worst severity before (none at the first check).
    pub verdict_before: Option<Severity>,
    /// The worst severity now.
    pub verdict: Severity,
    /// Worse first, then reminders, then recoveries.
    pub items: Vec<AlertItem>,
}

/// What a new check means against what was open: conditions that started (alerted), lasted
/// (reminded at most once a day), and ended (recovered). A check that did not finish (deadline,
/// cancelled) neither starts nor ends anything, so a cut-off check cannot raise or clear an alarm.
pub fn transition(
    previous: Option<&Report>,
    report: &Report,
    open: &[OpenCondition],
    now: i64,
    cert_days: i64,
) -> Transition {
    if !report.complete {
        return Transition { open: open.to_vec(), alert: None };
    }
    let was: Vec<Condition> = open.iter().map(|o| o.condition.clone()).collect();
    let seen = conditions(report, previous, &was, cert_days);
    let mut items = Vec::new();
    let mut keep = Vec::new();
    for c in &seen {
        match open.iter().find(|o| o.condition.key == c.key) {
            None => {
                items.push(AlertItem { movement: Movement::Started, condition: c.clone(), since: now });
                keep.push(OpenCondition { condition: c.clone(), since: now, last_alerted: now });
            }
            Some(o) if now - o.last_alerted >= REMIND_EVERY_SECS => {
                items.push(AlertItem { movement: Movement::Reminder, condition: c.clone(), since: o.since });
                keep.push(OpenCondition { condition: c.clone(), since: o.since, last_alerted: now });
            }
            Some(o) => keep.push(OpenCondition { condition: c.clone(), ..o.clone() }),
        }
    }
    for o in open.iter().filter(|o| !seen.iter().any(|c| c.key == o.condition.key)) {
        items.push(AlertItem { movement: Movement::Recovered, condition: o.condition.clone(), since: o.since });
    }
    items.sort_by_key(|i| {
        (i.movement != Movement::Started, i.movement == Movement::Recovered, std::cmp::Reverse(i.condition.severity))
    });
    let alert = (!items.is_empty()).then(|| Alert {
        domain: report.domain.clone(),
        at: now,
        verdict_before: previous.map(Report::worst_severity),
        verdict: report.worst_severity(),
        items,
    });
    Transition { open: keep, alert }
}

/// The changes of a report against the one before it, as lines (empty for the first check or when
/// nothing changed); the monitoring timeline shows them.
pub fn changes(previous: Option<&Report>, report: &Report, lang: Lang) -> Vec<(Trend, String)> {
    let Some(old) = previous else { return Vec::new() };
    match diff(old, report) {
        Ok(d) => d.changes.iter().map(|c| (c.kind.trend(), c.describe(lang))).collect(),
        Err(_) => Vec::new(),
    }
}

impl Alert {
    /// The alert as a message: what changed, since when, and the remedy (Slack/Mattermost `text`).
    pub fn text(&self, lang: Lang, time: impl Fn(i64) -> String) -> String {
        let worse = self.items.iter().any(|i| i.movement != Movement::Recovered);
        let mut out = match (self.verdict_before, worse) {
            (Some(b), _) if b != self.verdict => pick(
                lang,
                format!("mxray: {} is now {} (was {})", self.domain, self.verdict.label(lang), b.label(lang)),
                format!("mxray: {} ist jetzt {} (vorher {})", self.domain, self.verdict.label(lang), b.label(lang)),
            ),
            (_, true) => pick(
                lang,
                format!("mxray: {} needs attention ({})", self.domain, self.verdict.label(lang)),
                format!("mxray: {} braucht Aufmerksamkeit ({})", self.domain, self.verdict.label(lang)),
            ),
            (_, false) => pick(
                lang,
                format!("mxray: {} recovered ({})", self.domain, self.verdict.label(lang)),
                format!("mxray: {} wieder in Ordnung ({})", self.domain, self.verdict.label(lang)),
            ),
        };
        for i in &self.items {
            let c = &i.condition;
            let place = c.location(&self.domain);
            let line = match i.movement {
                Movement::Started => pick(
                    lang,
                    format!("\n• NEW {} at {place} (since {})", c.title(lang), time(i.since)),
                    format!("\n• NEU {} bei {place} (seit {})", c.title(lang), time(i.since)),
                ),
                Movement::Reminder => pick(
                    lang,
                    format!("\n• STILL {} at {place} (since {})", c.title(lang), time(i.since)),
                    format!("\n• WEITERHIN {} bei {place} (seit {})", c.title(lang), time(i.since)),
                ),
                Movement::Recovered => pick(
                    lang,
                    format!("\n• RECOVERED {} at {place} (was so since {})", c.title(lang), time(i.since)),
                    format!("\n• BEHOBEN {} bei {place} (bestand seit {})", c.title(lang), time(i.since)),
                ),
            };
            out.push_str(&line);
            if i.movement != Movement::Recovered {
                out.push_str(&format!("\n  {}: {}", pick(lang, "Fix", "Abhilfe"), c.remedy(lang)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
