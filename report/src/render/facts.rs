//! Judgements every renderer words the same way: the state of each step, mark and severity
//! symbols, the sentence about the DNS answer, the verdict, and number and time formats.

use crate::checks::certificate::EXPIRY_WARNING_DAYS;
use crate::checks::marks::{step_mark, Step};
use crate::model::finding::{Finding, Severity};
use crate::model::lang::Lang;
use crate::model::report::{
    AddressReport, DnsFailure, Mark, MxHost, MxSource, RelayOutcome, Report, StartTlsOutcome, TcpOutcome,
};
use crate::texts::ui::Text;
use crate::texts::{count, labels, library_message, pick};

use super::time::Utc;

/// What came out of one step at one address, in words that fit its mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    /// No answer yet.
    Pending,
    /// The step did not run.
    NotRun,
    /// TCP connect outcome.
    Tcp(TcpOutcome),
    /// Greeting reply code (absent: no valid greeting).
    Greeting(Option<u16>),
    /// No complete greeting within mxray's wait of this many seconds (not tested, not dead).
    GreetingTimeout(u64),
    /// The connect timed out while no address of the domain answered (maybe this network).
    TcpTimeoutHere,
    /// EHLO or HELO result.
    Ehlo {
        /// A 2xx reply arrived.
        accepted: bool,
        /// Only HELO worked.
        helo_fallback: bool,
    },
    /// STARTTLS outcome.
    StartTls(StartTlsOutcome),
    /// Plaintext followed the 220 to STARTTLS.
    PlaintextInjection,
    /// The certificate's main problem, or none.
    Certificate(CertVerdict),
    /// Relay probe outcome.
    Relay(RelayOutcome),
    /// Relaying refused for a stranger, accepted for a forged sender in the tested domain.
    RelayForLocalSender,
}

/// The most important thing about a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertVerdict {
    /// Trusted, in date, names the host.
    Valid,
    /// Expires within the warning period.
    ExpiresSoon,
    /// Out of date.
    Expired,
    /// Validity has not begun.
    NotYetValid,
    /// An intermediate sent with the leaf is expired or not yet valid.
    IntermediateOutOfDate,
    /// The leaf could not be read.
    Unreadable,
    /// Does not name the MX host.
    NameMismatch,
    /// Signed by itself.
    SelfSigned,
    /// Does not chain to a trusted root.
    Untrusted,
    /// Key too small.
    WeakKey,
}

labels!(CertVerdict, "The verdict in words.", {
    Valid => ("valid", "gültig"),
    ExpiresSoon => ("expires soon", "läuft bald ab"),
    Expired => ("expired", "abgelaufen"),
    NotYetValid => ("not yet valid", "noch nicht gültig"),
    IntermediateOutOfDate => ("intermediate out of date", "Zwischenzertifikat ungültig"),
    Unreadable => ("unreadable", "nicht lesbar"),
    NameMismatch => ("wrong name", "falscher Name"),
    SelfSigned => ("self-signed", "selbst signiert"),
    Untrusted => ("not trusted", "nicht vertrauenswürdig"),
    WeakKey => ("weak key", "schwacher Schlüssel"),
});

/// The state of one step at one address.
pub fn step_state(a: &AddressReport, step: Step) -> StepState {
    let missing = if a.done { StepState::NotRun } else { StepState::Pending };
    match step {
        Step::Tcp => a.tcp.as_ref().map_or(missing, |t| match t.outcome {
            TcpOutcome::Timeout if a.timeout_may_be_local => StepState::TcpTimeoutHere,
            outcome => StepState::Tcp(outcome),
        }),
        Step::Banner => a.banner.as_ref().map_or(missing, |b| match (b.code, b.greeting_timeout_secs) {
            (None, Some(secs)) => StepState::GreetingTimeout(secs),
            (code, _) => StepState::Greeting(code),
        }),
        Step::Ehlo => a.ehlo.as_ref().map_or(missing, |e| StepState::Ehlo {
            accepted: e.code.is_some_and(|c| (200..300).contains(&c)),
            helo_fallback: e.helo_fallback,
        }),
        Step::StartTls => match &a.starttls {
            None => missing,
            Some(s) if s.pipelined_plaintext => StepState::PlaintextInjection,
            Some(s) => StepState::StartTls(s.outcome),
        },
        Step::Certificate => a.certificate.as_ref().map_or(missing, |c| {
            StepState::Certificate(match c {
                c if c.parse_error.is_some() => CertVerdict::Unreadable,
                c if c.expired => CertVerdict::Expired,
                c if c.not_yet_valid => CertVerdict::NotYetValid,
                _ if step_mark(a, step) == Mark::Critical => CertVerdict::IntermediateOutOfDate,
                c if !c.hostname_matches => CertVerdict::NameMismatch,
                c if c.self_signed => CertVerdict::SelfSigned,
                c if !c.trusted => CertVerdict::Untrusted,
                c if c.days_until_expiry < EXPIRY_WARNING_DAYS => CertVerdict::ExpiresSoon,
                _ if step_mark(a, step) == Mark::Warning => CertVerdict::WeakKey,
                _ => CertVerdict::Valid,
            })
        }),
        Step::OpenRelay => a.open_relay.as_ref().map_or(missing, |r| match r.outcome {
            RelayOutcome::Refused if r.relays_for_local_sender() => StepState::RelayForLocalSender,
            outcome => StepState::Relay(outcome),
        }),
    }
}

impl StepState {
    /// The state in words.
    pub fn label(self, lang: Lang) -> String {
        let words = |en, de| pick(lang, en, de);
        match self {
            StepState::Greeting(Some(code)) if code != 220 => {
                return pick(lang, format!("{code} instead of 220"), format!("{code} statt 220"));
            }
            StepState::GreetingTimeout(secs) => {
                return pick(
                    lang,
                    format!("no greeting within {secs} s (not tested)"),
                    format!("keine Begrüßung innerhalb von {secs} s (nicht getestet)"),
                );
            }
            StepState::TcpTimeoutHere => {
                words("no answer (port 25 blocked here?)", "keine Antwort (Port 25 hier gesperrt?)")
            }
            StepState::Pending => words("not yet", "noch nicht"),
            StepState::NotRun => words("not run", "nicht ausgeführt"),
            StepState::Tcp(o) => o.label(lang),
            StepState::Greeting(Some(_)) => words("220 ready", "220 bereit"),
            StepState::Greeting(None) => words("no valid greeting", "keine gültige Begrüßung"),
            StepState::Ehlo { accepted: false, .. } => words("refused", "abgelehnt"),
            StepState::Ehlo { helo_fallback: true, .. } => words("HELO only", "nur HELO"),
            StepState::Ehlo { .. } => words("accepted", "angenommen"),
            StepState::StartTls(o) => o.label(lang),
            StepState::PlaintextInjection => words("plaintext injected", "Klartext eingeschleust"),
            StepState::Certificate(v) => v.label(lang),
            StepState::Relay(o) => o.label(lang),
            StepState::RelayForLocalSender => {
                words("relaying for a forged local sender", "Relaying für gefälschten lokalen Absender")
            }
        }
        .to_owned()
    }
}

/// A mark as a symbol that reads without colour.
pub fn mark_symbol(m: Mark) -> &'static str {
    match m {
        Mark::Ok => "✔",
        Mark::Warning => "!",
        Mark::Critical => "✘",
        Mark::Inconclusive => "?",
        Mark::NotApplicable => "–",
        Mark::Pending => "…",
    }
}

/// The mark a severity corresponds to (for symbols and colours).
pub fn severity_mark(s: Severity) -> Mark {
    match s {
        Severity::Ok => Mark::Ok,
        Severity::Info => Mark::NotApplicable,
        Severity::Warning => Mark::Warning,
        Severity::Critical => Mark::Critical,
    }
}

/// A severity as a symbol.
pub fn severity_symbol(s: Severity) -> &'static str {
    match s {
        Severity::Info => "i",
        other => mark_symbol(severity_mark(other)),
    }
}

/// The one-glance status of a host as (label, mark) pairs, in display order.
pub fn status_marks(h: &MxHost, lang: Lang) -> [(&'static str, Mark); 4] {
    [
        (Text::Reachable.get(lang), h.status.reachable),
        (Step::StartTls.label(lang), h.status.starttls),
        (Step::Certificate.label(lang), h.status.certificate_valid),
        (Step::OpenRelay.label(lang), h.status.open_relay),
    ]
}

/// Where the mail hosts came from, as a sentence.
pub fn mx_source_sentence(r: &Report, lang: Lang) -> String {
    let n = r.mx.len();
    match (r.mx_source, &r.dns.error) {
        (MxSource::Mx, _) => pick(
            lang,
            format!("Mail goes to {} named in the domain's MX records.", count(n, "host", "hosts")),
            format!("Mail geht an {} aus den MX-Einträgen der Domain.", count(n, "Host", "Hosts")),
        ),
        (MxSource::Implicit, _) => pick(lang, "There are no MX records, so senders deliver to the domain's own address (implicit MX, RFC 5321 §5.1).", "Es gibt keine MX-Einträge, daher stellen Absender an die Adresse der Domain selbst zu (implizites MX, RFC 5321 §5.1).").into(),
        (MxSource::NullMx, _) => pick(lang, "The domain publishes a null MX (RFC 7505): it accepts no mail, so nothing was probed.", "Die Domain veröffentlicht einen Null-MX (RFC 7505): sie nimmt keine Mail an, daher wurde nichts getestet.").into(),
        (MxSource::None, Some(DnsFailure::Nxdomain)) => pick(lang, "The domain does not exist (NXDOMAIN).", "Die Domain existiert nicht (NXDOMAIN).").into(),
        (MxSource::None, Some(DnsFailure::NoRecords)) => pick(lang, "The domain has neither MX nor address records: there is nowhere to deliver mail.", "Die Domain hat weder MX- noch Adress-Einträge: Mail kann nirgends zugestellt werden.").into(),
        (MxSource::None, Some(DnsFailure::Failed { detail })) => pick(
            lang,
            format!("The DNS lookup failed ({}), so no mail host is known.", library_message(detail, lang)),
            format!("Die DNS-Abfrage schlug fehl ({}), daher ist kein Mailserver bekannt.", library_message(detail, lang)),
        ),
        (MxSource::None, None) if !r.complete => pick(lang, "The mail hosts are not resolved yet.", "Die Mailserver sind noch nicht aufgelöst.").into(),
        (MxSource::None, None) => pick(lang, "No mail host was found.", "Es wurde kein Mailserver gefunden.").into(),
    }
}

/// The overall verdict: the worst severity and the headline sentence that names the worst findings.
pub fn verdict(r: &Report, lang: Lang) -> (Severity, String) {
    let h = super::headline::headline(r, lang);
    (h.severity, h.text())
}

/// What to know first when the verdict may be wrong about the domain because of where mxray runs:
/// no address answered on port 25 (this network may block it), or the resolver passes no DNSSEC
/// data on (DANE could not be judged). Each is the domain finding's title and remedy, said once.
pub fn verdict_hints(r: &Report, lang: Lang) -> Vec<String> {
    use crate::model::finding::FindingKind::{DnssecResolverBlind, EgressBlocked, Port25NoAnswer};
    let about_here =
        |f: &&Finding| matches!(f.kind, Port25NoAnswer { .. } | EgressBlocked { .. } | DnssecResolverBlind { .. });
    r.findings
        .iter()
        .filter(about_here)
        .map(|f| {
            let t = f.texts(lang);
            format!("{}. {}", t.title, t.remedy)
        })
        .collect()
}

/// The text with control characters other than newline and tab, and bidi overrides, shown as
/// escapes (`\u{1b}`): report values must not drive a terminal or reorder what is displayed.
pub fn visible(s: &str) -> String {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    s.chars().map(|c| if hidden(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// An RFC 3339 time for people (`2026-11-27 23:59:00 UTC`), or as given when it cannot be read.
pub fn timestamp(s: &str) -> String {
    Utc::parse(s).map_or_else(|| s.to_owned(), Utc::readable)
}

/// Milliseconds, e.g. `12 ms`.
pub fn ms(n: u64) -> String {
    format!("{n} ms")
}

/// A duration: milliseconds under a second, else seconds with one decimal in the language's style.
pub fn duration(n: u64, lang: Lang) -> String {
    if n < 1000 {
        ms(n)
    } else {
        decimal(n, 1000, lang) + " s"
    }
}

/// `value / unit` with one decimal (rounded half up), with a decimal comma in German. Integer
/// arithmetic on purpose: float formatting would add about 11 KB to the page's WASM.
pub fn decimal(value: u64, unit: u64, lang: Lang) -> String {
    let unit = u128::from(unit.max(1));
    let tenths = (u128::from(value) * 10 + unit / 2) / unit;
    let separator = pick(lang, '.', ',');
    format!("{}{separator}{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{build, dns_only, good_addr, running, Addr, Host, Tls};
    use crate::render::{html, text};

    #[test]
    fn explains_where_the_mail_hosts_came_from() {
        let null = dns_only(MxSource::NullMx, None);
        assert!(mx_source_sentence(&null, Lang::En).contains("null MX (RFC 7505): it accepts no mail"));
        let nx = dns_only(MxSource::None, Some(DnsFailure::Nxdomain));
        assert_eq!(mx_source_sentence(&nx, Lang::De), "Die Domain existiert nicht (NXDOMAIN).");
        let failed = dns_only(MxSource::None, Some(DnsFailure::Failed { detail: "SERVFAIL".into() }));
        assert!(mx_source_sentence(&failed, Lang::En).contains("(library message: \"SERVFAIL\")"));
        let implicit = dns_only(MxSource::Implicit, None);
        assert!(mx_source_sentence(&implicit, Lang::En).contains("implicit MX, RFC 5321"));

        let out = text::render(&nx, Lang::En, text::TextOptions::default());
        assert!(out.contains("✘ critical  The domain does not exist"), "{out}");
        assert!(
            out.starts_with("mxray report: example.com\nVerdict: ✘ critical — Mail to example.com is at risk: The domain does not exist.\n"),
            "{out}"
        );
        assert!(
            out.ends_with("Verdict: ✘ critical — Mail to example.com is at risk: The domain does not exist.\n"),
            "{out}"
        );
        let out = text::render(&null, Lang::En, text::TextOptions::default());
        assert!(out.contains("i info  The domain accepts no mail"), "{out}");
        assert!(out.ends_with("Verdict: i info — No problems found for example.com.\n"), "{out}");
    }

    #[test]
    fn a_certificate_close_to_expiry_is_a_warning() {
        let soon = Tls { days: 5, not_after: "2026-12-02T23:59:00Z", ..crate::render::fixtures::good_tls() };
        let r = build(&[Host {
            name: "mx1.example.com",
            addrs: vec![Addr { tls: Some(soon), ..good_addr("192.0.2.10") }],
        }]);
        let a = &r.mx[0].addresses[0];
        assert_eq!(step_state(a, Step::Certificate), StepState::Certificate(CertVerdict::ExpiresSoon));
        assert_eq!(step_state(a, Step::Banner).label(Lang::De), "220 bereit");
        let expected = "Mail to example.com works, but: Certificate expires soon at mx1.example.com (192.0.2.10).";
        assert_eq!(verdict(&r, Lang::En), (Severity::Warning, expected.into()));
        assert!(verdict(&r, Lang::De).1.starts_with("Mail an example.com funktioniert, aber: "));
    }

    #[test]
    fn certificate_edge_cases_are_named_where_the_facts_are_shown() {
        let mut r = build(&[Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10")] }]);
        fn cert(r: &mut Report) -> &mut crate::model::report::CertificateReport {
            r.mx[0].addresses[0].certificate.as_mut().unwrap()
        }
        let state = |r: &Report| step_state(&r.mx[0].addresses[0], Step::Certificate);
        cert(&mut r).chain[1].expired = true;
        assert_eq!(state(&r), StepState::Certificate(CertVerdict::IntermediateOutOfDate));
        assert_eq!(state(&r).label(Lang::En), "intermediate out of date");
        cert(&mut r).not_yet_valid = true;
        assert_eq!(state(&r).label(Lang::De), "noch nicht gültig");
        let out = text::render(&r, Lang::En, text::TextOptions::default());
        assert_eq!(out.matches("Not yet valid").count(), 1, "{out}");
        assert_eq!(out.matches("Expired").count(), 2, "leaf: no; intermediate: yes; {out}");

        cert(&mut r).unknown_issuer = Some("CN=Some Private CA".into());
        cert(&mut r).parse_error = Some("Parsing Error: bad DER".into());
        cert(&mut r).chain.clear();
        assert_eq!(state(&r), StepState::Certificate(CertVerdict::Unreadable));
        let out = html::render(&r, Lang::En);
        assert!(out.contains("Parsing Error: bad DER") && out.contains("CN=Some Private CA"), "{out}");
        assert!(!out.contains("Days until expiry"), "dates of an unreadable leaf are not shown");
    }

    #[test]
    fn a_running_check_shows_pending_steps() {
        let r = running();
        let a = &r.mx[0].addresses[0];
        assert_eq!(step_state(a, Step::Banner), StepState::Greeting(Some(220)));
        assert_eq!(step_state(a, Step::StartTls), StepState::Pending);
        let out = html::render(&r, Lang::En);
        assert!(out.contains("The check did not finish"));
        assert!(
            out.contains("<span class=\"badge\">… pending</span></td><th scope=\"row\">STARTTLS</th><td>not yet</td>")
        );
    }

    #[test]
    fn formats_numbers_times_and_hidden_characters() {
        assert_eq!(duration(999, Lang::De), "999 ms");
        assert_eq!(duration(61_500, Lang::De), "61,5 s");
        assert_eq!(timestamp("2026-11-27T23:59:00.5+01:00"), "2026-11-27 22:59:00 UTC");
        assert_eq!(timestamp("not a time"), "not a time");
        assert_eq!(visible("a\u{1b}[0m\tb\nc\u{202e}"), "a\\u{1b}[0m\tb\nc\\u{202e}");
    }
}
