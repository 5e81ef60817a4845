//! One self-contained HTML file: inline CSS, no script, no external request of any kind (a
//! Content-Security-Policy of `default-src 'none'` makes sure), light and dark, A4 print. It shows
//! everything the page shows and embeds the JSON report in a non-executed data block for re-import.
//! Every value from the report is HTML-escaped: server banners are hostile input.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::checks::marks::{step_mark, Step};
use crate::model::finding::{Finding, Severity};
use crate::model::lang::Lang;
use crate::model::report::{AddressReport, Direction, Mark, MxHost, Report};
use crate::texts::ui::Text;

use super::facts;
use super::headline::{self, Part};
use super::rows::{self, Row, Section};
use super::ImportError;

/// The id of the `<script type="application/json">` block holding the report.
pub const REPORT_BLOCK_ID: &str = "mxray-report";

const CSS: &str = include_str!("html.css");
/// Nothing may be loaded or run; only the inline stylesheet applies.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// The report as one self-contained HTML document.
pub fn render(report: &Report, lang: Lang) -> String {
    // Each finding's anchor, by identity, so the headline's links reach the entry wherever it is listed.
    let anchors =
        headline::located(report).iter().map(|l| (std::ptr::from_ref(l.finding) as usize, l.anchor())).collect();
    let mut h = Html { out: String::new(), lang, anchors };
    let title =
        format!("{}: {} — {}", Text::ReportTitle.get(lang), report.domain, facts::timestamp(&report.checked_at));
    h.raw(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"mxray\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n",
        lang.tag(),
        esc(&title)
    ));
    h.raw(&format!("<h1>{}: <code>{}</code></h1>\n", esc(Text::ReportTitle.get(lang)), esc(&report.domain)));
    let verdict = headline::headline(report, lang);
    let sentence: String = verdict
        .parts
        .iter()
        .map(|p| match p {
            Part::Text { text } => esc(text),
            Part::Finding { text, anchor, .. } => format!("<a href=\"#{anchor}\">{}</a>", esc(text)),
        })
        .collect();
    h.raw(&format!(
        "<p class=\"verdict {}\">{} <span class=\"text\">{sentence}</span></p>\n",
        severity_class(verdict.severity),
        h.severity_badge(verdict.severity),
    ));
    for hint in facts::verdict_hints(report, lang) {
        h.raw(&format!("<p class=\"notice\">{}</p>\n", esc(&hint)));
    }
    h.rows("facts", &rows::header_rows(report, lang));
    if !report.complete {
        h.raw(&format!("<p class=\"notice\">{}</p>\n", esc(Text::Incomplete.get(lang))));
    }
    h.raw("</header>\n<main>\n<section class=\"domain\">\n");
    h.raw(&format!("<h2>{}</h2>\n", esc(Text::DomainFindings.get(lang))));
    h.findings(&report.findings);
    h.raw("</section>\n");
    let policies = rows::policy_sections(report, lang);
    if !policies.is_empty() {
        let heading = crate::texts::policy::PolicyLabel::TransportSecurity.label(lang);
        h.raw(&format!("<section class=\"policies\">\n<h2>{}</h2>\n", esc(heading)));
        for Section { title, rows, .. } in policies {
            h.raw(&format!("<section>\n<h3>{}</h3>\n", esc(&title)));
            h.rows("mono", &rows);
            h.raw("</section>\n");
        }
        h.raw("</section>\n");
    }
    for host in &report.mx {
        h.host(host, report);
    }
    h.raw(&format!(
        "</main>\n<footer>{} · {} · {}</footer>\n<script type=\"application/json\" id=\"{REPORT_BLOCK_ID}\">{}</script>\n\
         </body>\n</html>\n",
        esc(Text::GeneratedBy.get(lang)),
        esc(&report.schema),
        esc(&facts::timestamp(&report.checked_at)),
        embedded_json(report)
    ));
    h.out
}

/// Reads the report back out of an HTML export.
pub fn extract_report(html: &str) -> Result<Report, ImportError> {
    let marker = format!("id=\"{REPORT_BLOCK_ID}\"");
    let start = html.find(&marker).ok_or(ImportError::NoReportBlock)?;
    let body = &html[start..];
    let open = body.find('>').ok_or(ImportError::NoReportBlock)? + 1;
    let close = body[open..].find("</script").ok_or(ImportError::NoReportBlock)?;
    Ok(serde_json::from_str(&body[open..open + close])?)
}

/// The compact JSON with `<`, `>` and `&` as `\u` escapes, so nothing in it can end the block or
/// open a comment. Those characters only occur inside JSON strings, where the escapes mean the same.
fn embedded_json(report: &Report) -> String {
    serde_json::to_string(report)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

struct Html {
    out: String,
    lang: Lang,
    anchors: HashMap<usize, String>,
}

impl Html {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn host(&mut self, host: &MxHost, report: &Report) {
        let lang = self.lang;
        self.raw(&format!(
            "<section class=\"host\">\n<h2>MX <span class=\"pref\">{}</span> <code>{}</code></h2>\n<ul class=\"status\">",
            host.preference,
            esc(&host.host)
        ));
        for (label, m) in facts::status_marks(host, lang) {
            let item = format!(
                "<li class=\"{}\"><span class=\"label\">{}</span> {}</li>",
                mark_class(m),
                esc(label),
                mark_badge(m, lang)
            );
            self.raw(&item);
        }
        self.raw("</ul>\n");
        self.rows("facts", &rows::host_rows(host, lang));
        if !host.findings.is_empty() {
            self.findings(&host.findings);
        }
        for a in &host.addresses {
            self.address(a, report);
        }
        self.raw("</section>\n");
    }

    fn address(&mut self, a: &AddressReport, report: &Report) {
        let lang = self.lang;
        let family = if a.ip.is_ipv4() { "IPv4" } else { "IPv6" };
        self.raw(&format!("<article class=\"address\">\n<h3><code>{}</code> <small>{family}</small></h3>\n", a.ip));
        self.raw("<table class=\"steps\">\n");
        for step in Step::ALL {
            let m = step_mark(a, step);
            self.raw(&format!(
                "<tr class=\"{}\"><td>{}</td><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                mark_class(m),
                mark_badge(m, lang),
                esc(step.label(lang)),
                esc(&facts::step_state(a, step).label(lang))
            ));
        }
        self.raw("</table>\n");
        self.findings(&a.findings);
        self.rows("facts", &rows::address_rows(a, lang));
        self.raw("<div class=\"details\">\n");
        for Section { title, rows, wide } in rows::address_sections(a, report, lang) {
            self.raw(&format!("<section{}>\n<h4>{}</h4>\n", if wide { " class=\"wide\"" } else { "" }, esc(&title)));
            self.rows("mono", &rows);
            self.raw("</section>\n");
        }
        self.raw("</div>\n");
        self.transcript(a);
        self.raw("</article>\n");
    }

    fn transcript(&mut self, a: &AddressReport) {
        if a.transcript.is_empty() {
            return;
        }
        let lang = self.lang;
        self.raw(&format!(
            "<details class=\"transcript\">\n<summary>{} ({})</summary>\n<table>\n<thead><tr><th>{}</th><th></th><th>{}</th></tr></thead>\n<tbody>\n",
            esc(Text::Transcript.get(lang)),
            a.transcript.len(),
            esc(Text::Time.get(lang)),
            esc(Text::Line.get(lang))
        ));
        for l in &a.transcript {
            let (class, symbol) = match l.dir {
                Direction::Client => ("dir-client", "→"),
                Direction::Server => ("dir-server", "←"),
                Direction::Event => ("dir-event", "•"),
            };
            self.raw(&format!(
                "<tr><td class=\"at\">{}</td><td class=\"{class}\">{symbol}</td><td class=\"line\">{}</td></tr>\n",
                facts::ms(l.at_ms),
                esc(&l.text)
            ));
        }
        self.raw("</tbody>\n</table>\n</details>\n");
    }

    fn findings(&mut self, findings: &[Finding]) {
        let lang = self.lang;
        if findings.is_empty() {
            self.raw(&format!("<p>{}</p>\n", esc(Text::NoFindings.get(lang))));
            return;
        }
        self.raw("<ul class=\"findings\">\n");
        for f in findings {
            let t = f.texts(lang);
            let id =
                self.anchors.get(&(std::ptr::from_ref(f) as usize)).map(|a| format!(" id=\"{a}\"")).unwrap_or_default();
            self.raw(&format!(
                "<li{id} class=\"{}\"><p class=\"title\">{} {}</p><p>{}</p>",
                severity_class(f.severity),
                self.severity_badge(f.severity),
                esc(&t.title),
                esc(&t.detail)
            ));
            if f.severity != Severity::Ok {
                self.raw(&format!("<p><strong>{}:</strong> {}</p>", esc(Text::Remedy.get(lang)), esc(&t.remedy)));
            }
            self.raw("</li>\n");
        }
        self.raw("</ul>\n");
    }

    fn rows(&mut self, dd_class: &str, rows: &[Row]) {
        self.raw("<dl>\n");
        for r in rows {
            let _ = writeln!(self.out, "<dt>{}</dt><dd class=\"{dd_class}\">{}</dd>", esc(&r.label), esc(&r.value));
        }
        self.raw("</dl>\n");
    }

    fn severity_badge(&self, s: Severity) -> String {
        format!("<span class=\"badge\">{} {}</span>", facts::severity_symbol(s), esc(s.label(self.lang)))
    }
}

fn mark_badge(m: Mark, lang: Lang) -> String {
    format!("<span class=\"badge\">{} {}</span>", facts::mark_symbol(m), esc(m.label(lang)))
}

/// `m-ok`, `m-critical`, … (the serde name of the mark).
fn mark_class(m: Mark) -> String {
    let name = serde_json::to_value(m).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    format!("m-{name}")
}

fn severity_class(s: Severity) -> String {
    match s {
        Severity::Info => "m-inconclusive".to_owned(),
        other => mark_class(facts::severity_mark(other)),
    }
}

/// HTML-escapes text for element content and quoted attributes; control characters are shown as
/// escapes ([`facts::visible`]).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in facts::visible(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{sample, HOSTILE_BANNER};

    fn script_blocks(html: &str) -> usize {
        html.matches("<script").count()
    }

    #[test]
    fn shows_hosts_addresses_findings_and_remedies() {
        let out = render(&sample(), Lang::En);
        assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        for expected in [
            "<code>mx1.example.com</code>",
            "<code>mx2.example.com</code>",
            "<code>2001:db8::10</code> <small>IPv6</small>",
            "<th scope=\"row\">STARTTLS</th><td>not offered</td>",
            "<span class=\"badge\">✘ critical</span> Open relay</p>",
            "<strong>What to do:</strong> Refuse unauthenticated relaying",
            "<dt>SIZE</dt><dd class=\"mono\">10.2 MB (10240000 B)</dd>",
            "<dt>Cipher suite</dt><dd class=\"mono\">TLS13_AES_256_GCM_SHA384</dd>",
            "<dt>Serial number</dt><dd class=\"mono\">03:a1:5f</dd>",
            "<dt>Valid until</dt><dd class=\"mono\">2027-02-25 12:00:00 UTC (89 days left)</dd>",
            "<dt>SHA-256 fingerprint</dt><dd class=\"mono\">AA:BB:CC</dd>",
            "<dt>Reply to RCPT TO</dt><dd class=\"mono\">250 2.1.5 Ok</dd>",
            "<summary>Transcript (4)</summary>",
            "<td class=\"at\">31 ms</td><td class=\"dir-client\">→</td><td class=\"line\">EHLO mxray.invalid</td>",
            "@page { size: A4;",
            "@media print",
            "prefers-color-scheme: dark",
        ] {
            assert!(out.contains(expected), "missing {expected:?}");
        }
        let de = render(&sample(), Lang::De);
        assert!(de.contains("<html lang=\"de\">") && de.contains("<strong>Was tun:</strong>"));
    }

    #[test]
    fn escapes_hostile_banners_and_loads_nothing() {
        let out = render(&sample(), Lang::En);
        assert!(!out.contains("<script>alert"), "banner must be escaped");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/script&gt;&lt;!-- \\u{1b}[2J &amp; &quot;&#39;")
        );
        assert_eq!(script_blocks(&out), 1, "only the JSON data block");
        assert!(out.contains("<script type=\"application/json\" id=\"mxray-report\">{"));
        let block = &out[out.find("id=\"mxray-report\">").unwrap()..];
        assert_eq!(block.matches("</script>").count(), 1, "the banner cannot close the block");
        assert!(block.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        for forbidden in ["http://", "https://", "src=", "url(", "@import", "<link", "<img", "<iframe"] {
            assert!(!out.to_lowercase().contains(forbidden), "external reference {forbidden:?}");
        }
        // Links only within the document: the headline's to its findings.
        for link in out.split("href=\"").skip(1) {
            let anchor = &link[..link.find('"').unwrap()];
            assert!(anchor.starts_with("#finding-"), "link {anchor:?}");
            assert!(out.contains(&format!(" id=\"{}\"", &anchor[1..])), "no target for {anchor}");
        }
        assert!(out.contains("href=\"#finding-"), "the headline links to its findings");
        assert!(out.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    }

    #[test]
    fn the_embedded_report_reads_back() {
        let r = sample();
        assert_eq!(extract_report(&render(&r, Lang::En)).unwrap(), r);
        let banner = &extract_report(&render(&r, Lang::De)).unwrap().mx[1].addresses[0].banner;
        assert_eq!(banner.as_ref().unwrap().text, HOSTILE_BANNER);
        assert!(matches!(extract_report("<p>no report</p>"), Err(ImportError::NoReportBlock)));
        let broken = "<script type=\"application/json\" id=\"mxray-report\">{\"schema\":1}</script>";
        assert!(matches!(extract_report(broken), Err(ImportError::Json(_))));
    }
}
