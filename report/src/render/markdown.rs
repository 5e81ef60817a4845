//! A short Markdown summary for tickets and chat: the verdict, then per MX host its one-glance
//! status line and what needs doing (findings of severity info and above, each with its remedy,
//! one line per finding with the addresses it was seen at).

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::model::finding::{Finding, Severity};
use crate::model::lang::Lang;
use crate::model::report::{MxHost, Report};
use crate::texts::ui::Text;

use super::facts;

/// The report as a Markdown summary.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let (worst, sentence) = facts::verdict(report, lang);
    let _ =
        writeln!(out, "## mxray: {} — {} {}\n", code(&report.domain), facts::severity_symbol(worst), worst.label(lang));
    let _ = writeln!(out, "**{}**\n", escape(&sentence));

    let _ = writeln!(
        out,
        "{}: {} · {}: {} · {}: {}  ",
        Text::CheckedAt.get(lang),
        facts::timestamp(&report.checked_at),
        Text::Input.get(lang),
        code(&report.input),
        Text::Duration.get(lang),
        facts::duration(report.duration_ms, lang),
    );
    let _ = writeln!(out, "{}", escape(&facts::mx_source_sentence(report, lang)));
    if let Some(line) = policy_line(report, lang) {
        let _ = writeln!(out, "\n{}", escape(&line));
    }
    if !report.complete {
        let _ = writeln!(out, "\n_{}_", Text::Incomplete.get(lang));
    }
    let domain: Vec<(&Finding, Vec<IpAddr>)> = report.findings.iter().map(|f| (f, Vec::new())).collect();
    if !domain.is_empty() {
        let _ = writeln!(out, "\n### {}\n", Text::DomainFindings.get(lang));
        list(&mut out, &domain, lang);
    }
    for host in &report.mx {
        let _ = writeln!(out, "\n### MX {} {}\n", host.preference, code(&host.host));
        let marks: Vec<String> = facts::status_marks(host, lang)
            .iter()
            .map(|(label, m)| format!("{label} {} {}", facts::mark_symbol(*m), m.label(lang)))
            .collect();
        let _ = writeln!(out, "{}\n", marks.join(" · "));
        depth_lines(&mut out, host, lang);
        port_lines(&mut out, host, lang);
        list(&mut out, &grouped(host), lang);
    }
    out
}

/// One line per address with its TLS versions, PTR and blocklist answers, when any was checked.
fn depth_lines(out: &mut String, host: &MxHost, lang: Lang) {
    let mut any = false;
    for a in &host.addresses {
        let mut parts = Vec::new();
        if let Some(v) = &a.tls_versions {
            let accepted = if v.accepted.is_empty() { "—".to_owned() } else { v.accepted.join(", ") };
            let mut part = format!("{}: {accepted}", Text::TlsVersions.get(lang));
            if !v.not_tested.is_empty() {
                part.push_str(&format!(" ({}: {})", Text::VersionsNotTested.get(lang), v.not_tested.join(", ")));
            }
            parts.push(part);
        }
        if let Some(q) = &a.tls_quality {
            let graded = q.items.iter().map(|l| format!("{} {}", l.aspect.label(lang), l.class_text(lang)));
            parts.push(format!("{}: {}", Text::TlsQualitySection.get(lang), graded.collect::<Vec<_>>().join(", ")));
        }
        if let Some(r) = &a.reverse_dns {
            let names: Vec<String> = r
                .names
                .iter()
                .map(|n| {
                    let back = if n.forward == crate::model::depth::Forward::Confirmed { Text::Yes } else { Text::No };
                    format!("{} ({}: {})", n.name, Text::ResolvesBack.get(lang), back.get(lang))
                })
                .collect();
            let names = if names.is_empty() { "—".to_owned() } else { names.join(", ") };
            parts.push(format!("{} {names}", Text::Ptr.get(lang)));
        }
        if !a.dnsbl.is_empty() {
            let zones: Vec<String> = a.dnsbl.iter().map(|d| format!("{} {}", d.zone, d.status.label(lang))).collect();
            parts.push(format!("{}: {}", Text::Blocklists.get(lang), zones.join(", ")));
        }
        if !parts.is_empty() {
            any = true;
            let _ = writeln!(out, "- {} — {}", code(&a.ip.to_string()), escape(&parts.join(" · ")));
        }
    }
    if any {
        out.push('\n');
    }
}

/// Per address, one line per submission port (session, TLS, AUTH), one naming the routing
/// addresses a refused relay probe still took, one for a forged local sender it relayed for, and
/// one when the relay probe came back on a new connection.
fn port_lines(out: &mut String, host: &MxHost, lang: Lang) {
    let mut any = false;
    for a in &host.addresses {
        let ip = code(&a.ip.to_string());
        for p in &a.ports {
            any = true;
            let summary = crate::texts::ports::summary(p, lang);
            let _ = writeln!(out, "- {ip} {} {} — {}", Text::Port.get(lang), p.port, escape(&summary));
        }
        let accepted = a.open_relay.iter().flat_map(|r| &r.bypass).filter(|b| b.accepted);
        let forms: Vec<String> = accepted.map(|b| format!("{} ({})", b.form.label(lang), b.summary(lang))).collect();
        if !forms.is_empty() {
            any = true;
            let label = crate::texts::pick(lang, "routing addresses accepted", "Routing-Adressen angenommen");
            let _ = writeln!(out, "- {ip} — {label}: {}", escape(&forms.join("; ")));
        }
        let relay = a.open_relay.as_ref();
        if let Some(local) = relay.filter(|r| r.relays_for_local_sender()).and_then(|r| r.local_sender.as_ref()) {
            any = true;
            let label =
                crate::texts::pick(lang, "relays for a forged local sender", "relayt für gefälschten lokalen Absender");
            let reply = local.rcpt_to.clone().unwrap_or_default();
            let _ = writeln!(out, "- {ip} — {label}: {}", escape(&format!("MAIL FROM:<{}> → {reply}", local.sender)));
        }
        if let Some(v) = relay.and_then(|r| r.revisit.as_ref()) {
            any = true;
            let error = v.error.as_ref().map(|e| format!(" — {e}")).unwrap_or_default();
            let label = Text::CameBack.get(lang);
            let _ =
                writeln!(out, "- {ip} — {label}: {}", escape(&format!("{}: {}{error}", v.reason.label(lang), v.reply)));
        }
    }
    if any {
        out.push('\n');
    }
}

/// One line on the transport-security policies: MTA-STS in effect (and its mode) or why not, and
/// whether TLS-RPT is published.
fn policy_line(report: &Report, lang: Lang) -> Option<String> {
    use crate::model::policy::PolicyRecord;
    use crate::texts::policy::PolicyLabel as L;
    let p = report.policies.as_ref()?;
    let sts = &p.mta_sts;
    let sts_state = match (sts.in_effect(), &sts.record, sts.fetch.as_ref().and_then(|f| f.error.as_ref())) {
        (Some(policy), _, _) => format!("{} {}", L::Mode.label(lang), policy.mode.map_or("?", |m| m.label(lang))),
        (None, PolicyRecord::Absent, _) => L::NotPublished.label(lang).to_owned(),
        (None, PolicyRecord::Ignored { .. }, _) => L::Ignored.label(lang).to_owned(),
        (None, _, Some(error)) => error.text(lang),
        (None, _, None) => {
            crate::texts::pick(lang, "published, but not in effect", "veröffentlicht, aber nicht wirksam").to_owned()
        }
    };
    let rpt_state = match &p.tls_rpt.record {
        PolicyRecord::Valid { .. } => p.tls_rpt.rua.iter().map(|t| t.uri.as_str()).collect::<Vec<_>>().join(", "),
        PolicyRecord::Absent => L::NotPublished.label(lang).to_owned(),
        PolicyRecord::Ignored { .. } => L::Ignored.label(lang).to_owned(),
        _ => crate::texts::pick(lang, "invalid", "ungültig").to_owned(),
    };
    Some(format!(
        "{}: {} {sts_state} · {} {rpt_state}",
        L::TransportSecurity.label(lang),
        L::MtaSts.label(lang),
        L::TlsRpt.label(lang)
    ))
}

/// A host's findings and its addresses', one entry per code and title with the addresses that share it.
fn grouped(host: &MxHost) -> Vec<(&Finding, Vec<IpAddr>)> {
    let mut out: Vec<(&Finding, Vec<IpAddr>)> = host.findings.iter().map(|f| (f, Vec::new())).collect();
    for a in &host.addresses {
        for f in &a.findings {
            // The title too: one code (`port_certificate`) can carry different findings.
            match out.iter_mut().find(|(seen, _)| seen.code == f.code && seen.title == f.title) {
                Some((_, ips)) => ips.push(a.ip),
                None => out.push((f, vec![a.ip])),
            }
        }
    }
    out.sort_by_key(|(f, _)| std::cmp::Reverse(f.severity));
    out
}

/// The findings worth acting on as a bullet list (or a line saying there are none).
fn list(out: &mut String, findings: &[(&Finding, Vec<IpAddr>)], lang: Lang) {
    let mut any = false;
    for (f, ips) in findings.iter().filter(|(f, _)| f.severity != Severity::Ok) {
        any = true;
        let t = f.texts(lang);
        let at = match ips.as_slice() {
            [] => String::new(),
            ips => format!(" ({})", ips.iter().map(|ip| code(&ip.to_string())).collect::<Vec<_>>().join(", ")),
        };
        let symbol = facts::severity_symbol(f.severity);
        let _ = writeln!(out, "- {symbol} **{}**{at}: {}", escape(&t.title), escape(&t.remedy));
    }
    if !any {
        let _ = writeln!(out, "- {}", Text::NoProblems.get(lang));
    }
}

/// Inline code that no backtick in the value can end early.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// Plain text with Markdown's active characters escaped (underscores only where they could start
/// or end emphasis, so `smtpd_tls_cert_file` stays readable).
fn escape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '#' => true,
            '_' => !(inside_word(i.checked_sub(1)) && inside_word(Some(i + 1))),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::sample;

    #[test]
    fn lists_each_hosts_status_and_findings() {
        let out = render(&sample(), Lang::En);
        for expected in [
            "## mxray: `example.com` — ✘ critical",
            "**Mail to example.com is at risk: STARTTLS not offered at mx2.example.com (192.0.2.20). Open relay at mx2.example.com (192.0.2.20).**",
            "Checked at: 2026-11-27 23:59:00 UTC · Input: `Example.COM` · Duration: 1.2 s",
            "### MX 10 `mx1.example.com`\n\nReachable ✔ ok · STARTTLS ✔ ok · Certificate ✔ ok · Open relay ✔ ok\n",
            "- i **The banner reveals the software version** (`192.0.2.10`, `2001:db8::10`): Hide the version",
            "### MX 20 `mx2.example.com`\n\nReachable ✔ ok · STARTTLS ✘ critical · Certificate – n/a · Open relay ✘ critical\n",
            "- ✘ **STARTTLS not offered** (`192.0.2.20`): Enable STARTTLS",
            "smtpd_tls_cert_file",
            "- ✘ **Open relay** (`192.0.2.20`): Refuse unauthenticated relaying",
            "- i **No IPv6 address**: Add an AAAA record",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
        assert!(!out.contains("Not an open relay"), "ok findings are left out of the summary");
        assert!(!out.contains("<script>"));
    }

    #[test]
    fn names_each_extra_port_and_the_routing_addresses_taken() {
        use crate::model::bypass::{BypassAttempt, BypassForm};
        use crate::model::ports::PortReport;
        use crate::model::report::{Extension, TcpOutcome};
        let mut report = sample();
        let a = &mut report.mx[0].addresses[0];
        let mut ehlo_tls = a.ehlo_tls.clone().expect("the sample's first address has EHLO inside TLS");
        ehlo_tls.extensions.push(Extension { keyword: "AUTH".into(), params: vec!["PLAIN".into(), "LOGIN".into()] });
        let smtps = PortReport {
            port: 465,
            implicit_tls: true,
            tcp: a.tcp.clone(),
            banner: a.banner.clone(),
            starttls: a.starttls.clone(),
            ehlo_tls: Some(ehlo_tls),
            ..Default::default()
        };
        let mut refused = a.tcp.clone().unwrap();
        (refused.outcome, refused.detail, refused.port) = (TcpOutcome::Refused, Some("refused".into()), 587);
        a.ports = vec![smtps, PortReport { port: 587, tcp: Some(refused), ..Default::default() }];
        let relay = a.open_relay.as_mut().unwrap();
        relay.bypass = vec![BypassAttempt {
            form: BypassForm::PercentHack,
            recipient: "relay-test%example.net@[192.0.2.10]".into(),
            reply: Some("250 2.1.5 Ok".into()),
            accepted: true,
        }];
        let out = render(&report, Lang::En);
        for expected in [
            "- `192.0.2.10` Port 465 — session ok · TLS: TLSv1.3 · AUTH: PLAIN LOGIN\n",
            "- `192.0.2.10` Port 587 — no session (refused) · TLS: — · AUTH: —\n",
            "- `192.0.2.10` — routing addresses accepted: percent hack (RCPT TO:\\<relay-test%example.net@\\[192.0.2.10\\]\\> → 250 2.1.5 Ok)\n",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
        assert!(!render(&sample(), Lang::En).contains("Port 465"), "no line for ports not probed");
        let port_certificate = |port, finding| {
            crate::FindingKind::PortCertificate { ip: "192.0.2.10".into(), port, finding: Box::new(finding) }
                .into_finding()
        };
        report.mx[0].addresses[0].findings = vec![
            port_certificate(465, crate::FindingKind::CertificateExpired { not_after: "x".into() }),
            port_certificate(587, crate::FindingKind::CertificateWeakKey { algorithm: "RSA".into(), bits: 1024 }),
        ];
        let out = render(&report, Lang::En);
        for title in ["**Port 465: Certificate expired** (`192.0.2.10`)", "**Port 587: Weak certificate key**"] {
            assert!(out.contains(title), "missing {title:?} in\n{out}");
        }
        assert!(render(&report, Lang::De).contains("Port 587 — keine Sitzung (refused) · TLS: — · AUTH: —"));
    }

    #[test]
    fn speaks_german_and_escapes_markdown() {
        let out = render(&sample(), Lang::De);
        assert!(out.contains("Offenes Relay ✘ kritisch"), "{out}");
        assert!(out.contains("- ✘ **Offenes Relay** (`192.0.2.20`): Nicht angemeldetes Relaying ablehnen"), "{out}");
        assert_eq!(escape("a *b* [c](d) <e> _f_ g_h"), "a \\*b\\* \\[c\\](d) \\<e\\> \\_f\\_ g_h");
        assert_eq!(code("x`y"), "`x'y`");
    }
}
