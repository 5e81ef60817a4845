//! The readable report for a terminal: header, then MX host → address with a mark per step, the
//! details of each step, findings with remedies, and a verdict. Status is always a symbol plus a
//! word; ANSI colours only add to that, and only when asked for. Control characters from the
//! report (a hostile banner could carry terminal escapes) are shown escaped, never sent raw
//! ([`facts::visible`]).

use std::fmt::Write as _;

use crate::checks::marks::{step_mark, Step};
use crate::model::finding::{Finding, Severity};
use crate::model::lang::Lang;
use crate::model::report::{AddressReport, Direction, Mark, MxHost, Report};
use crate::texts::ui::Text;

use super::facts::{self, visible};
use super::rows::{self, Row, Section};

/// Choices for the text renderer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Add ANSI colours (for a terminal).
    pub color: bool,
    /// Append each address's SMTP transcript.
    pub transcript: bool,
}

/// The report as readable text.
pub fn render(report: &Report, lang: Lang, options: TextOptions) -> String {
    let mut w = Writer { out: String::new(), lang, color: options.color };
    let title = format!("{}: {}", Text::ReportTitle.get(lang), report.domain);
    w.heading(0, &title);
    // The verdict heads the report and ends it: the first line read, and the last one a terminal shows.
    let (worst, sentence) = facts::verdict(report, lang);
    let verdict = format!("{}: {} — {}", Text::Verdict.get(lang), w.severity(worst), visible(&sentence));
    w.heading(0, &verdict);
    w.rows(2, &rows::header_rows(report, lang));
    if !report.complete {
        w.line(2, Text::Incomplete.get(lang));
    }
    w.blank();
    w.heading(0, Text::DomainFindings.get(lang));
    w.findings(2, &report.findings);
    let policies = rows::policy_sections(report, lang);
    if !policies.is_empty() {
        w.blank();
        w.heading(0, crate::texts::policy::PolicyLabel::TransportSecurity.label(lang));
        for Section { title, rows, .. } in policies {
            w.heading(2, &title);
            w.rows(4, &rows);
        }
    }
    for host in &report.mx {
        w.blank();
        w.host(host, report, options);
    }
    w.blank();
    w.heading(0, &verdict);
    w.out
}

struct Writer {
    out: String,
    lang: Lang,
    color: bool,
}

impl Writer {
    fn host(&mut self, host: &MxHost, report: &Report, options: TextOptions) {
        self.heading(0, &format!("MX {}", host.host));
        let marks: Vec<String> = facts::status_marks(host, self.lang)
            .iter()
            .map(|(label, m)| format!("{label} {}", self.mark(*m, false)))
            .collect();
        self.line(2, &marks.join(" · "));
        self.rows(2, &rows::host_rows(host, self.lang));
        if !host.findings.is_empty() {
            self.heading(2, Text::Findings.get(self.lang));
            self.findings(4, &host.findings);
        }
        for address in &host.addresses {
            self.address(address, report, options);
        }
    }

    fn address(&mut self, a: &AddressReport, report: &Report, options: TextOptions) {
        let family = match a.ip {
            std::net::IpAddr::V4(_) => "IPv4",
            std::net::IpAddr::V6(_) => "IPv6",
        };
        self.heading(2, &format!("{} ({family})", a.ip));
        let width = Step::ALL.iter().map(|s| s.label(self.lang).chars().count()).max().unwrap_or(0);
        for step in Step::ALL {
            let mark = self.mark(step_mark(a, step), true);
            let state = facts::step_state(a, step).label(self.lang);
            self.line(4, &format!("{mark}  {:<width$}  {state}", step.label(self.lang)));
        }
        self.heading(4, Text::Findings.get(self.lang));
        self.findings(6, &a.findings);
        self.rows(4, &rows::address_rows(a, self.lang));
        for Section { title, rows, .. } in rows::address_sections(a, report, self.lang) {
            self.heading(4, &title);
            self.rows(6, &rows);
        }
        if options.transcript && !a.transcript.is_empty() {
            self.heading(4, Text::Transcript.get(self.lang));
            for l in &a.transcript {
                let who = match l.dir {
                    Direction::Client => "C:",
                    Direction::Server => "S:",
                    Direction::Event => "--",
                };
                self.line(6, &format!("{:>8}  {who} {}", facts::ms(l.at_ms), visible(&l.text)));
            }
        }
    }

    fn findings(&mut self, indent: usize, findings: &[Finding]) {
        if findings.is_empty() {
            self.line(indent, Text::NoFindings.get(self.lang));
        }
        for f in findings {
            let t = f.texts(self.lang);
            let badge = self.severity(f.severity);
            self.line(indent, &format!("{badge}  {}", visible(&t.title)));
            self.line(indent + 4, &visible(&t.detail));
            if f.severity != Severity::Ok {
                self.line(indent + 4, &format!("{}: {}", Text::Remedy.get(self.lang), visible(&t.remedy)));
            }
        }
    }

    /// Aligned `label: value` lines; further lines of a value are indented under the first.
    fn rows(&mut self, indent: usize, rows: &[Row]) {
        let width = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0) + 1;
        for r in rows {
            if r.value.is_empty() {
                self.line(indent, &visible(&r.label));
                continue;
            }
            let label = format!("{}:", visible(&r.label));
            let mut lines = r.value.split('\n');
            let first = lines.next().unwrap_or_default();
            self.line(indent, format!("{label:<width$} {}", visible(first)).trim_end());
            for more in lines {
                self.line(indent + width + 1, &visible(more));
            }
        }
    }

    /// Symbol and mark word (padded to a common width for columns), coloured when asked.
    fn mark(&self, m: Mark, pad: bool) -> String {
        let marks = [Mark::Ok, Mark::Warning, Mark::Critical, Mark::Inconclusive, Mark::NotApplicable, Mark::Pending];
        let width = if pad { marks.iter().map(|m| m.label(self.lang).chars().count()).max().unwrap_or(0) } else { 0 };
        self.badge(m, facts::mark_symbol(m), &format!("{:<width$}", m.label(self.lang)))
    }

    /// Symbol and severity word, coloured when asked.
    fn severity(&self, s: Severity) -> String {
        self.badge(facts::severity_mark(s), facts::severity_symbol(s), s.label(self.lang))
    }

    fn badge(&self, m: Mark, symbol: &str, word: &str) -> String {
        let text = format!("{symbol} {word}");
        let code = match m {
            Mark::Ok => "32",
            Mark::Warning => "33",
            Mark::Critical => "1;31",
            Mark::Inconclusive => "36",
            Mark::NotApplicable | Mark::Pending => "2",
        };
        self.paint(code, &text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    }

    fn heading(&mut self, indent: usize, text: &str) {
        let text = self.paint("1", &visible(text));
        self.line(indent, &text);
    }

    /// Writes indented text; each line of a multi-line text gets the indent.
    fn line(&mut self, indent: usize, text: &str) {
        for line in text.split('\n') {
            let _ = writeln!(self.out, "{:indent$}{line}", "");
        }
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::sample;

    #[test]
    fn shows_marks_details_and_findings_without_ansi() {
        let out = render(&sample(), Lang::En, TextOptions::default());
        assert!(!out.contains('\u{1b}'), "{out}");
        for expected in [
            "mxray report: example.com",
            "Checked at: 2026-11-27 23:59:00 UTC",
            "Mail goes to 2 hosts named in the domain's MX records.",
            "MX mx1.example.com",
            "Reachable ✔ ok",
            "2001:db8::10 (IPv6)",
            "✔ ok            TCP          connected",
            "✘ critical      STARTTLS     not offered",
            "✘ critical      Open relay   relaying accepted",
            "PIPELINING\n",
            "10.2 MB (10240000 B)",
            "Protocol:       TLSv1.3",
            "Valid until:         2027-02-25 12:00:00 UTC (89 days left)",
            "Valid until:         2027-03-12 23:59:59 UTC (105 days left)",
            "ecdsa-with-SHA384",
            "Reply to RCPT TO:   250 2.1.5 Ok",
            "✘ critical  Open relay",
            "What to do: Refuse unauthenticated relaying",
            "Verdict: ✘ critical — Mail to example.com is at risk: STARTTLS not offered at mx2.example.com (192.0.2.20). Open relay at mx2.example.com (192.0.2.20).",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
        assert!(!out.contains("Transcript"));
    }

    #[test]
    fn escapes_terminal_control_from_the_server() {
        let out = render(&sample(), Lang::En, TextOptions { color: true, transcript: true });
        assert!(out.contains("Reachable \u{1b}[32m✔ ok\u{1b}[0m"), "colour codes when asked");
        assert!(out.contains("<script>alert(1)</script></script><!-- \\u{1b}[2J"), "{out}");
        assert!(!out.contains("\u{1b}[2J"));
        assert!(out.contains("   30 ms  S: 220 mx1.example.com ESMTP Postfix (3.7.1)"), "{out}");
    }

    #[test]
    fn speaks_german() {
        let out = render(&sample(), Lang::De, TextOptions::default());
        for expected in [
            "mxray-Bericht: example.com",
            "Offenes Relay",
            "Relaying angenommen",
            "Was tun:",
            "10,2 MB",
            "Gesamturteil",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
    }
}
