//! The headline verdict: the worst findings named in one sentence, most severe first, each with
//! where it was seen and a link to it; the page, the CLI's text, the exports and the API's `done`
//! line all read this one sentence.

use std::net::IpAddr;

use serde::Serialize;

use crate::checks::marks::{step_mark, Step};
use crate::model::finding::{Finding, Severity};
use crate::model::lang::Lang;
use crate::model::report::{Mark, Report};
use crate::texts::headline as words;

/// How many findings the headline names before it says "and N more".
pub const NAMED: usize = 3;

/// Where a finding was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// The domain as a whole.
    Domain,
    /// An MX host.
    Host(&'a str),
    /// One address of an MX host.
    Address(&'a str, IpAddr),
}

impl Place<'_> {
    /// The MX host, when the finding is about one.
    pub fn host(&self) -> Option<&str> {
        match self {
            Place::Domain => None,
            Place::Host(h) | Place::Address(h, _) => Some(h),
        }
    }
}

/// A finding with where it was seen and its anchor on the page and in the HTML export.
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    /// Its position in [`located`]'s order: the anchor is `finding-{index}`.
    pub index: usize,
    /// Where it was seen.
    pub place: Place<'a>,
    /// The finding.
    pub finding: &'a Finding,
}

impl Located<'_> {
    /// The fragment that links to it (`finding-3`).
    pub fn anchor(&self) -> String {
        anchor(self.index)
    }
}

/// The fragment of the finding at `index` in [`located`]'s order.
pub fn anchor(index: usize) -> String {
    format!("finding-{index}")
}

/// Every finding of the report with where it was seen: the domain's, then each host's followed by
/// its addresses' (the order every renderer lists them in).
pub fn located(r: &Report) -> Vec<Located<'_>> {
    let domain = r.findings.iter().map(|f| (Place::Domain, f));
    let hosts = r.mx.iter().flat_map(|h| {
        let own = h.findings.iter().map(move |f| (Place::Host(&h.host), f));
        own.chain(
            h.addresses.iter().flat_map(move |a| a.findings.iter().map(move |f| (Place::Address(&h.host, a.ip), f))),
        )
    });
    domain.chain(hosts).enumerate().map(|(index, (place, finding))| Located { index, place, finding }).collect()
}

/// One part of the headline: plain words, or a named finding that links to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Part {
    /// Words between the named findings.
    Text {
        /// The words.
        text: String,
    },
    /// A named finding: its title and where, and the anchor of (the first of) its entries.
    Finding {
        /// Title and place, e.g. `Open relay at mx.example (192.0.2.1)`.
        text: String,
        /// The fragment to link to (`finding-3`).
        anchor: String,
        /// Its stable code.
        code: String,
    },
}

/// The verdict as one sentence that names the worst findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// The worst severity in the report.
    pub severity: Severity,
    /// The sentence in parts (for links on the page).
    pub parts: Vec<Part>,
}

impl Headline {
    /// The whole sentence.
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text { text } | Part::Finding { text, .. } => text.as_str(),
            })
            .collect()
    }
}

/// One entry of the headline: a finding, or the same finding at several addresses of one host.
struct Entry<'a> {
    first: Located<'a>,
    title: String,
    ips: Vec<IpAddr>,
}

impl Entry<'_> {
    fn place(&self) -> Option<String> {
        let ips = self.ips.iter().map(IpAddr::to_string).collect::<Vec<_>>().join(", ");
        match self.first.place {
            Place::Domain => None,
            Place::Host(h) => Some(h.to_owned()),
            Place::Address(h, _) => Some(format!("{h} ({ips})")),
        }
    }
}

/// True when the check ended without one address that greeted: nothing bad was proven, and
/// nothing good either (a slow greeting, port 25 blocked where mxray runs).
pub fn untested(r: &Report) -> bool {
    let addresses = || r.mx.iter().flat_map(|h| h.addresses.iter());
    r.complete && addresses().next().is_some() && !addresses().any(|a| step_mark(a, Step::Banner) == Mark::Ok)
}

/// The headline of a report in a language.
pub fn headline(r: &Report, lang: Lang) -> Headline {
    let severity = r.worst_severity();
    let untested = untested(r);
    let named = match severity {
        Severity::Critical | Severity::Warning => severity,
        Severity::Info | Severity::Ok => {
            return Headline { severity, parts: vec![text(words::clean(&r.domain, untested, lang))] }
        }
    };
    let all = located(r);
    let mut entries: Vec<Entry> = Vec::new();
    for l in all.iter().filter(|l| l.finding.severity == named) {
        let title = l.finding.texts(lang).title;
        // The same finding at several addresses of one host is one entry naming each address.
        let same = entries.iter_mut().find(|e| {
            e.first.finding.code == l.finding.code
                && e.title == title
                && e.first.place.host() == l.place.host()
                && matches!((e.first.place, l.place), (Place::Address(..), Place::Address(..)))
        });
        match (same, l.place) {
            (Some(e), Place::Address(_, ip)) => e.ips.push(ip),
            _ => {
                let ips = match l.place {
                    Place::Address(_, ip) => vec![ip],
                    _ => Vec::new(),
                };
                entries.push(Entry { first: *l, title, ips });
            }
        }
    }
    let mut parts = vec![text(words::lead(severity, untested, &r.domain, lang))];
    for (i, e) in entries.iter().take(NAMED).enumerate() {
        if i > 0 {
            // Each named finding is a sentence of its own: titles begin with a capital.
            parts.push(text(". ".into()));
        }
        parts.push(Part::Finding {
            text: words::at(&e.title, e.place().as_deref(), lang),
            anchor: e.first.anchor(),
            code: e.first.finding.code.clone(),
        });
    }
    if entries.len() > NAMED {
        parts.push(text(format!(". {}", words::more(entries.len() - NAMED, named, lang))));
    }
    parts.push(text(".".into()));
    let warnings = all.iter().filter(|l| l.finding.severity == Severity::Warning).count();
    if named == Severity::Critical && warnings > 0 {
        parts.push(text(format!(" {}", words::also(warnings, lang))));
    }
    parts.retain(|p| !matches!(p, Part::Text { text } if text.is_empty()));
    Headline { severity, parts }
}

fn text(text: String) -> Part {
    Part::Text { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::report::RelayOutcome;
    use crate::render::fixtures::{build, good_addr, sample, Addr, Host};

    #[test]
    fn names_the_worst_finding_with_where_and_counts_the_rest() {
        let r = sample();
        let en = headline(&r, Lang::En);
        assert_eq!(en.severity, Severity::Critical);
        assert_eq!(
            en.text(),
            "Mail to example.com is at risk: STARTTLS not offered at mx2.example.com (192.0.2.20). Open relay at mx2.example.com (192.0.2.20)."
        );
        let de = headline(&r, Lang::De).text();
        assert!(
            de.starts_with(
                "Mail an example.com ist gefährdet: STARTTLS nicht angeboten bei mx2.example.com (192.0.2.20). "
            ),
            "{de}"
        );
        assert!(de.ends_with("Offenes Relay bei mx2.example.com (192.0.2.20)."), "{de}");
        // Each named finding links to its entry in the list below.
        let links: Vec<&Part> = en.parts.iter().filter(|p| matches!(p, Part::Finding { .. })).collect();
        for link in links {
            let Part::Finding { anchor, code, .. } = link else { unreachable!() };
            let target = located(&r).into_iter().find(|l| &l.anchor() == anchor).expect("the anchor exists");
            assert_eq!(&target.finding.code, code);
        }
    }

    #[test]
    fn one_finding_at_several_addresses_of_a_host_is_named_once() {
        let bad = |ip| Addr { tls: None, ..good_addr(ip) };
        let r = build(&[Host { name: "mx.example.com", addrs: vec![bad("192.0.2.1"), bad("2001:db8::1")] }]);
        let text = headline(&r, Lang::En).text();
        assert_eq!(
            text,
            "Mail to example.com is at risk: STARTTLS not offered at mx.example.com (192.0.2.1, 2001:db8::1)."
        );
        assert_eq!(text.matches("STARTTLS not offered").count(), 1, "{text}");
    }

    #[test]
    fn names_three_and_counts_the_others() {
        let open = |ip| Addr { relay: RelayOutcome::Accepted, ..good_addr(ip) };
        let hosts: Vec<Host> =
            ["mx1.example.com", "mx2.example.com", "mx3.example.com", "mx4.example.com", "mx5.example.com"]
                .into_iter()
                .zip(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"])
                .map(|(name, ip)| Host { name, addrs: vec![open(ip)] })
                .collect();
        let h = headline(&build(&hosts), Lang::En);
        assert_eq!(h.parts.iter().filter(|p| matches!(p, Part::Finding { .. })).count(), NAMED);
        assert!(
            h.text().ends_with("Open relay at mx3.example.com (192.0.2.3). And 2 more critical findings."),
            "{}",
            h.text()
        );
        let de = headline(&build(&hosts[..4]), Lang::De).text();
        assert!(de.ends_with(". Dazu 1 weiterer kritischer Befund."), "{de}");
    }

    #[test]
    fn warnings_alone_say_mail_works_and_name_them_and_beside_a_critical_they_are_counted() {
        use crate::render::fixtures::{good_tls, Tls};
        let soon =
            |ip| Addr { tls: Some(Tls { days: 5, not_after: "2026-12-02T23:59:00Z", ..good_tls() }), ..good_addr(ip) };
        let r = build(&[Host { name: "mx.example.com", addrs: vec![soon("192.0.2.1")] }]);
        let (en, de) = (headline(&r, Lang::En), headline(&r, Lang::De).text());
        assert_eq!(en.severity, Severity::Warning);
        assert!(en.text().starts_with("Mail to example.com works, but: "), "{}", en.text());
        assert!(en.text().contains(" at mx.example.com (192.0.2.1)"), "{}", en.text());
        assert!(de.starts_with("Mail an example.com funktioniert, aber: "), "{de}");
        let open = Addr { relay: RelayOutcome::Accepted, ..soon("192.0.2.2") };
        let r = build(&[Host { name: "mx.example.com", addrs: vec![soon("192.0.2.1"), open] }]);
        assert!(
            headline(&r, Lang::En).text().ends_with("(192.0.2.2). Also: 2 warnings."),
            "{}",
            headline(&r, Lang::En).text()
        );
        assert!(headline(&r, Lang::De).text().ends_with("(192.0.2.2). Außerdem: 2 Warnungen."));
    }

    #[test]
    fn a_clean_report_says_so() {
        let r = build(&[Host { name: "mx.example.com", addrs: vec![good_addr("192.0.2.1")] }]);
        let h = headline(&r, Lang::En);
        assert!(h.severity <= Severity::Info, "{h:?}");
        assert!(!h.parts.iter().any(|p| matches!(p, Part::Finding { .. })));
    }
}
