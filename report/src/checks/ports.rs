//! The mail ports check: what each of 25, 465 and 587 served, and AUTH before TLS.

use crate::model::event::PortStep;
use crate::model::event::StepResult;
use crate::model::finding::FindingKind;
use crate::model::ports::{PortReport, SUBMISSIONS};
use crate::model::report::{StartTlsOutcome, TcpOutcome};

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
pub(crate) fn not_serving(p: &PortReport) -> Option<String> {
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
        if let Some(f) = p.ehlo.as_ref().and_then(|e| crate::checks::ehlo::auth_in_plaintext(e, &ip, port)) {
            out.push(f);
        }
        match &p.starttls {
            Some(s) if s.outcome != StartTlsOutcome::Ok => {
                let problem = s.handshake_problem.clone();
                let detail = match (&s.error, &problem) {
                    (Some(error), _) => error.clone(),
                    (None, Some(_)) => String::new(),
                    (None, None) => format!("{:?}", s.outcome),
                };
                out.push(FindingKind::PortTlsFailed { ip: ip.clone(), port, detail, problem });
            }
            Some(_) if p.ehlo_tls.as_ref().is_some_and(|e| crate::checks::ehlo::auth_mechanisms(e).is_none()) => {
                out.push(FindingKind::SubmissionNoAuth { ip: ip.clone(), port });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_ports;
    use crate::input::PortsError;
    use crate::model::lang::Lang;
    use crate::model::ports::{PortReport, SUBMISSIONS};
    use crate::model::report::TcpReport;

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
        let tcp = TcpReport {
            failure: None,
            outcome: TcpOutcome::Refused,
            connect_ms: None,
            detail: Some("refused".into()),
            port: 465,
        };
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
        use crate::checks::assess::address_findings;
        use crate::checks::marks::{step_mark, Step};
        let report = crate::render::fixtures::sample();
        let mut a = report.mx[0].addresses[0].clone();
        let mut expired = a.certificate.clone().expect("the sample's first address has a certificate");
        (expired.expired, expired.days_until_expiry) = (true, -3);
        let port =
            PortReport { port: SUBMISSIONS, implicit_tls: true, certificate: Some(expired), ..Default::default() };
        a.ports = vec![port];
        assert_eq!(step_mark(&a, Step::Certificate), crate::model::report::Mark::Ok, "port 25's certificate is fine");
        let found = address_findings(&a, "mx1.example.com", None);
        let on_port: Vec<_> = found.iter().filter(|f| matches!(f, FindingKind::PortCertificate { .. })).collect();
        let [f @ FindingKind::PortCertificate { port: 465, finding, .. }] = &on_port[..] else { panic!("{found:?}") };
        assert!(matches!(**finding, FindingKind::CertificateExpired { .. }), "{finding:?}");
        assert!(!found.iter().any(|f| matches!(f, FindingKind::CertificateExpired { .. })), "not a port 25 finding");
        assert_eq!(f.severity(), crate::model::finding::Severity::Warning);
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
