//! The ports probed at each address: 25 (the MX service, with the relay probe), and on request 465
//! (implicit TLS, RFC 8314) and 587 (submission with STARTTLS, RFC 6409), each with the same steps
//! and the same report shape, no relay probe. Port 25 stays in the address report's own fields.

use serde::{Deserialize, Serialize};

use crate::event::StepResult;
use crate::findings::FindingKind;
use crate::i18n::{pick, Lang};
use crate::report::{
    BannerReport, CertificateReport, EhloReport, StartTlsOutcome, StartTlsReport, TcpOutcome, TcpReport,
};

/// The MX port: its results live in the address report's own fields.
pub const SMTP: u16 = 25;
/// SMTP submission over implicit TLS (RFC 8314).
pub const SUBMISSIONS: u16 = 465;
/// SMTP submission with STARTTLS (RFC 6409).
pub const SUBMISSION: u16 = 587;
/// The ports mxray probes on request.
pub const ALLOWED: [u16; 3] = [SMTP, SUBMISSIONS, SUBMISSION];

/// Why a port list cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PortsError {
    /// Nothing listed.
    #[error("no port given (allowed: 25, 465, 587)")]
    Empty,
    /// An entry that is not a port number.
    #[error("{entry:?} is not a port number (allowed: 25, 465, 587)")]
    NotANumber {
        /// The entry as given.
        entry: String,
    },
    /// A port mxray does not probe.
    #[error("port {port} is not one mxray probes (allowed: 25, 465, 587)")]
    NotAllowed {
        /// The port.
        port: u16,
    },
}

impl PortsError {
    /// The reason in a language (English is the `Display` text).
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::En, _) => self.to_string(),
            (_, PortsError::Empty) => "Kein Port angegeben (erlaubt: 25, 465, 587)".to_owned(),
            (_, PortsError::NotANumber { entry }) => format!("{entry:?} ist keine Portnummer (erlaubt: 25, 465, 587)"),
            (_, PortsError::NotAllowed { port }) => format!("Port {port} prüft mxray nicht (erlaubt: 25, 465, 587)"),
        }
    }
}

/// Parses `25,465,587` (spaces allowed, duplicates dropped) into sorted ports.
pub fn parse_ports(text: &str) -> Result<Vec<u16>, PortsError> {
    let mut ports = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let port: u16 =
            entry.parse().map_err(|_| PortsError::NotANumber { entry: entry.chars().take(32).collect() })?;
        if !ALLOWED.contains(&port) {
            return Err(PortsError::NotAllowed { port });
        }
        ports.push(port);
    }
    ports.sort_unstable();
    ports.dedup();
    if ports.is_empty() {
        return Err(PortsError::Empty);
    }
    Ok(ports)
}

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

/// One step at an extra port (the event says which port).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortStep {
    /// The port.
    pub port: u16,
    /// What the step found.
    #[serde(flatten)]
    pub step: Box<StepResult>,
}

/// Applies one port step to the address's port reports (kept sorted by port).
pub fn apply(ports: &mut Vec<PortReport>, step: &PortStep) {
    let at = match ports.binary_search_by_key(&step.port, |p| p.port) {
        Ok(at) => at,
        Err(at) => {
            let implicit_tls = step.port == SUBMISSIONS;
            ports.insert(at, PortReport { port: step.port, implicit_tls, ..Default::default() });
            at
        }
    };
    let p = &mut ports[at];
    match (*step.step).clone() {
        StepResult::Tcp(t) => p.tcp = Some(t),
        StepResult::Banner(b) => p.banner = Some(b),
        StepResult::Ehlo(e) => p.ehlo = Some(e),
        StepResult::Starttls(s) => p.starttls = Some(s),
        StepResult::Certificate(c) => p.certificate = Some(c),
        StepResult::EhloTls(e) => p.ehlo_tls = Some(e),
        // Nothing else is probed on a submission port.
        _ => {}
    }
}

/// Why the port gave no SMTP session (connection failed or no 220 greeting), if it did not.
fn not_serving(p: &PortReport) -> Option<String> {
    match (&p.tcp, &p.banner) {
        (Some(t), _) if t.outcome != TcpOutcome::Connected => {
            Some(t.detail.clone().unwrap_or_else(|| format!("{:?}", t.outcome)))
        }
        (_, Some(b)) if b.code != Some(220) => {
            Some(b.error.clone().unwrap_or_else(|| format!("{} {}", b.code.unwrap_or(0), b.text)))
        }
        _ => None,
    }
}

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
    let mechanisms = |e: &Option<EhloReport>| e.as_ref().and_then(crate::ehlo_diff::auth_mechanisms);
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

/// Findings about the extra ports of address `ip`: no session, TLS failing, AUTH offered in
/// plaintext (587), no AUTH inside TLS.
pub fn port_findings(ports: &[PortReport], ip: &str) -> Vec<FindingKind> {
    let mut out = Vec::new();
    for p in ports {
        let (ip, port) = (ip.to_owned(), p.port);
        if let Some(detail) = not_serving(p) {
            out.push(FindingKind::PortNotServing { ip, port, detail });
            continue;
        }
        if let Some(f) = p.ehlo.as_ref().and_then(|e| crate::ehlo_diff::auth_in_plaintext(e, &ip, port)) {
            out.push(f);
        }
        match &p.starttls {
            Some(s) if s.outcome != StartTlsOutcome::Ok => {
                let detail = s.error.clone().unwrap_or_else(|| format!("{:?}", s.outcome));
                out.push(FindingKind::PortTlsFailed { ip: ip.clone(), port, detail });
            }
            Some(_) if p.ehlo_tls.as_ref().is_some_and(|e| crate::ehlo_diff::auth_mechanisms(e).is_none()) => {
                out.push(FindingKind::SubmissionNoAuth { ip: ip.clone(), port });
            }
            _ => {}
        }
    }
    out
}

/// Title, detail and remedy of a certificate finding at a submission port: the port 25 texts,
/// with the address and port named.
pub(crate) fn certificate_texts(ip: &str, port: u16, finding: &FindingKind, lang: Lang) -> (String, String, String) {
    let t = finding.texts(lang);
    let port_word = pick(lang, "port", "Port");
    (format!("Port {port}: {}", t.title), format!("{ip} {port_word} {port}: {}", t.detail), t.remedy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists_take_only_the_three_mail_ports() {
        assert_eq!(parse_ports("587, 25,465,25"), Ok(vec![25, 465, 587]));
        assert_eq!(parse_ports("25"), Ok(vec![25]));
        assert_eq!(parse_ports(" , "), Err(PortsError::Empty));
        assert_eq!(parse_ports("25,2525"), Err(PortsError::NotAllowed { port: 2525 }));
        assert_eq!(parse_ports("25,smtp"), Err(PortsError::NotANumber { entry: "smtp".into() }));
        assert_eq!(parse_ports("99999"), Err(PortsError::NotANumber { entry: "99999".into() }));
    }

    #[test]
    fn a_port_step_survives_json_and_lands_in_its_port() {
        let tcp =
            TcpReport { outcome: TcpOutcome::Refused, connect_ms: None, detail: Some("refused".into()), port: 465 };
        let step = StepResult::Port(PortStep { port: 465, step: Box::new(StepResult::Tcp(tcp.clone())) });
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["step"], "port");
        assert_eq!((json["result"]["port"].clone(), json["result"]["step"].clone()), (465.into(), "tcp".into()));
        let back: StepResult = serde_json::from_value(json).unwrap();
        let StepResult::Port(back) = back else { panic!("{back:?}") };
        let mut ports = Vec::new();
        apply(&mut ports, &back);
        assert_eq!((ports[0].port, ports[0].implicit_tls, ports[0].tcp.as_ref()), (465, true, Some(&tcp)));
        let f = port_findings(&ports, "192.0.2.1");
        assert!(matches!(&f[..], [FindingKind::PortNotServing { port: 465, .. }]), "{f:?}");
    }

    #[test]
    fn an_expired_certificate_on_465_is_a_warning_of_that_port_not_of_port_25() {
        use crate::assess::{address_findings, step_mark, Step};
        let report = crate::render::fixtures::sample();
        let mut a = report.mx[0].addresses[0].clone();
        let mut expired = a.certificate.clone().expect("the sample's first address has a certificate");
        (expired.expired, expired.days_until_expiry) = (true, -3);
        let port =
            PortReport { port: SUBMISSIONS, implicit_tls: true, certificate: Some(expired), ..Default::default() };
        a.ports = vec![port];
        assert_eq!(step_mark(&a, Step::Certificate), crate::report::Mark::Ok, "port 25's certificate is fine");
        let found = address_findings(&a, "mx1.example.com");
        let on_port: Vec<_> = found.iter().filter(|f| matches!(f, FindingKind::PortCertificate { .. })).collect();
        let [f @ FindingKind::PortCertificate { port: 465, finding, .. }] = &on_port[..] else { panic!("{found:?}") };
        assert!(matches!(**finding, FindingKind::CertificateExpired { .. }), "{finding:?}");
        assert!(!found.iter().any(|f| matches!(f, FindingKind::CertificateExpired { .. })), "not a port 25 finding");
        assert_eq!(f.severity(), crate::findings::Severity::Warning);
        let (en, de) = (f.texts(Lang::En), f.texts(Lang::De));
        assert_eq!(en.title, "Port 465: Certificate expired");
        assert!(en.detail.starts_with("192.0.2.10 port 465: The certificate was valid until"), "{}", en.detail);
        assert!(de.detail.starts_with("192.0.2.10 Port 465: Das Zertifikat war gültig bis"), "{}", de.detail);
        let json = serde_json::to_value(f).unwrap();
        assert_eq!(
            (json["code"].clone(), json["finding"]["code"].clone()),
            ("port_certificate".into(), "certificate_expired".into())
        );
    }
}
