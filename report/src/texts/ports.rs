//! The mail ports in words.

use crate::checks::ports::not_serving;
use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::model::ports::PortReport;
use crate::model::report::{EhloReport, StartTlsOutcome};
use crate::texts::pick;

/// One line on a port: the session's outcome, TLS (version or why it failed) and the AUTH
/// mechanisms inside TLS (and whether they are offered in plaintext too).
pub fn summary(p: &PortReport, lang: Lang) -> String {
    let none = "—".to_owned();
    let session = match (not_serving(p), &p.banner) {
        (Some(why), _) => format!("{} ({why})", pick(lang, "no session", "keine Sitzung")),
        (None, Some(_)) => pick(lang, "session ok", "Sitzung ok").to_owned(),
        (None, None) => pick(lang, "not tested", "nicht getestet").to_owned(),
    };
    let tls = match &p.starttls {
        Some(s) if s.outcome == StartTlsOutcome::Ok => s.tls_version.clone().unwrap_or_else(|| "ok".to_owned()),
        Some(s) => {
            let why = s.error.clone().unwrap_or_else(|| format!("{:?}", s.outcome));
            format!("{} ({why})", pick(lang, "failed", "gescheitert"))
        }
        None => none.clone(),
    };
    let mechanisms = |e: &Option<EhloReport>| e.as_ref().and_then(crate::checks::ehlo::auth_mechanisms);
    let mut auth = match (mechanisms(&p.ehlo_tls), &p.ehlo_tls) {
        (Some(m), _) => m.join(" "),
        (None, Some(_)) => pick(lang, "none", "keins").to_owned(),
        (None, None) => none,
    };
    if mechanisms(&p.ehlo).is_some() {
        auth.push_str(pick(lang, ", also in plaintext", ", auch im Klartext"));
    }
    format!("{session} · TLS: {tls} · AUTH: {auth}")
}

/// Title, detail and remedy of a certificate finding at a submission port: the port 25 texts,
/// with the address and port named.
pub(crate) fn certificate_texts(ip: &str, port: u16, finding: &FindingKind, lang: Lang) -> (String, String, String) {
    let t = finding.texts(lang);
    let port_word = pick(lang, "port", "Port");
    (format!("Port {port}: {}", t.title), format!("{ip} {port_word} {port}: {}", t.detail), t.remedy)
}
