//! What every renderer shows, worked out once: labelled rows and sections in plain (unescaped)
//! text, the state of each step, sentences about the DNS answer and the verdict. The renderers
//! only add markup (and escaping) around these, so text and HTML cannot drift apart.

use crate::assess::{step_mark, Step, EXPIRY_WARNING_DAYS};
use crate::findings::Severity;
use crate::i18n::{pick, Lang, Text};
use crate::report::{
    AddressReport, BannerReport, CertificateInfo, CertificateReport, DnsFailure, EhloReport, Mark, MxHost, MxSource,
    RelayOutcome, RelayReport, Report, StartTlsOutcome, StartTlsReport, TcpOutcome, TcpReport,
};

use super::time::Utc;

/// One labelled value (plain text; renderers escape it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// What the value is.
    pub label: String,
    /// The value; may hold several lines; empty when the label says it all.
    pub value: String,
}

/// A titled group of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// Its rows.
    pub rows: Vec<Row>,
    /// Holds long values (a certificate): best shown at full width.
    pub wide: bool,
}

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
    /// Does not name the MX host.
    NameMismatch,
    /// Signed by itself.
    SelfSigned,
    /// Does not chain to a trusted root.
    Untrusted,
    /// Key too small.
    WeakKey,
}

/// The state of one step at one address.
pub fn step_state(a: &AddressReport, step: Step) -> StepState {
    let missing = if a.done { StepState::NotRun } else { StepState::Pending };
    match step {
        Step::Tcp => a.tcp.as_ref().map_or(missing, |t| StepState::Tcp(t.outcome)),
        Step::Banner => a.banner.as_ref().map_or(missing, |b| StepState::Greeting(b.code)),
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
                c if c.expired => CertVerdict::Expired,
                c if !c.hostname_matches => CertVerdict::NameMismatch,
                c if c.self_signed => CertVerdict::SelfSigned,
                c if !c.trusted => CertVerdict::Untrusted,
                c if c.days_until_expiry < EXPIRY_WARNING_DAYS => CertVerdict::ExpiresSoon,
                _ if step_mark(a, step) == Mark::Warning => CertVerdict::WeakKey,
                _ => CertVerdict::Valid,
            })
        }),
        Step::OpenRelay => a.open_relay.as_ref().map_or(missing, |r| StepState::Relay(r.outcome)),
    }
}

impl StepState {
    /// The state in words.
    pub fn label(self, lang: Lang) -> String {
        let (en, de) = match self {
            StepState::Pending => ("not yet", "noch nicht"),
            StepState::NotRun => ("not run", "nicht ausgeführt"),
            StepState::Tcp(o) => match o {
                TcpOutcome::Connected => ("connected", "verbunden"),
                TcpOutcome::Refused => ("refused", "abgewiesen"),
                TcpOutcome::Timeout => ("timed out", "Zeitüberschreitung"),
                TcpOutcome::Unreachable => ("unreachable", "unerreichbar"),
                TcpOutcome::Blocked => ("not public, not tested", "nicht öffentlich, nicht getestet"),
                TcpOutcome::Error => ("failed", "fehlgeschlagen"),
            },
            StepState::Greeting(Some(220)) => ("220 ready", "220 bereit"),
            StepState::Greeting(Some(code)) => {
                return pick(lang, format!("{code} instead of 220"), format!("{code} statt 220"));
            }
            StepState::Greeting(None) => ("no valid greeting", "keine gültige Begrüßung"),
            StepState::Ehlo { accepted: false, .. } => ("refused", "abgelehnt"),
            StepState::Ehlo { helo_fallback: true, .. } => ("HELO only", "nur HELO"),
            StepState::Ehlo { .. } => ("accepted", "angenommen"),
            StepState::StartTls(o) => match o {
                StartTlsOutcome::Ok => ("TLS established", "TLS aufgebaut"),
                StartTlsOutcome::NotOffered => ("not offered", "nicht angeboten"),
                StartTlsOutcome::Rejected => ("refused", "abgelehnt"),
                StartTlsOutcome::HandshakeFailed => ("handshake failed", "Handshake fehlgeschlagen"),
                StartTlsOutcome::Skipped => ("skipped", "übersprungen"),
            },
            StepState::PlaintextInjection => ("plaintext injected", "Klartext eingeschleust"),
            StepState::Certificate(v) => match v {
                CertVerdict::Valid => ("valid", "gültig"),
                CertVerdict::ExpiresSoon => ("expires soon", "läuft bald ab"),
                CertVerdict::Expired => ("expired", "abgelaufen"),
                CertVerdict::NameMismatch => ("wrong name", "falscher Name"),
                CertVerdict::SelfSigned => ("self-signed", "selbst signiert"),
                CertVerdict::Untrusted => ("not trusted", "nicht vertrauenswürdig"),
                CertVerdict::WeakKey => ("weak key", "schwacher Schlüssel"),
            },
            StepState::Relay(o) => match o {
                RelayOutcome::Refused => ("relaying refused", "Relaying abgelehnt"),
                RelayOutcome::Accepted => ("relaying accepted", "Relaying angenommen"),
                RelayOutcome::Inconclusive => ("inconclusive", "unklar"),
                RelayOutcome::Skipped => ("skipped", "übersprungen"),
            },
        };
        pick(lang, en, de).to_owned()
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
            format!("Mail goes to the {n} host(s) named in the domain's MX records."),
            format!("Mail geht an die {n} Host(s) aus den MX-Einträgen der Domain."),
        ),
        (MxSource::Implicit, _) => pick(lang, "There are no MX records, so senders deliver to the domain's own address (implicit MX, RFC 5321 §5.1).", "Es gibt keine MX-Einträge, daher stellen Absender an die Adresse der Domain selbst zu (implizites MX, RFC 5321 §5.1).").into(),
        (MxSource::NullMx, _) => pick(lang, "The domain publishes a null MX (RFC 7505): it accepts no mail, so nothing was probed.", "Die Domain veröffentlicht einen Null-MX (RFC 7505): sie nimmt keine Mail an, daher wurde nichts getestet.").into(),
        (MxSource::None, Some(DnsFailure::Nxdomain)) => pick(lang, "The domain does not exist (NXDOMAIN).", "Die Domain existiert nicht (NXDOMAIN).").into(),
        (MxSource::None, Some(DnsFailure::NoRecords)) => pick(lang, "The domain has neither MX nor address records: there is nowhere to deliver mail.", "Die Domain hat weder MX- noch Adress-Einträge: Mail kann nirgends zugestellt werden.").into(),
        (MxSource::None, Some(DnsFailure::Failed { detail })) => pick(
            lang,
            format!("The DNS lookup failed ({detail}), so no mail host is known."),
            format!("Die DNS-Abfrage schlug fehl ({detail}), daher ist kein Mailserver bekannt."),
        ),
        (MxSource::None, None) if !r.complete => pick(lang, "The mail hosts are not resolved yet.", "Die Mailserver sind noch nicht aufgelöst.").into(),
        (MxSource::None, None) => pick(lang, "No mail host was found.", "Es wurde kein Mailserver gefunden.").into(),
    }
}

/// The overall verdict: the worst severity and a sentence with the counts.
pub fn verdict(r: &Report, lang: Lang) -> (Severity, String) {
    let count = |s: Severity| r.all_findings().filter(|f| f.severity == s).count();
    let (critical, warnings, domain) = (count(Severity::Critical), count(Severity::Warning), &r.domain);
    let warn_en = format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" });
    let warn_de = format!("{warnings} Warnung{}", if warnings == 1 { "" } else { "en" });
    let worst = r.worst_severity();
    let sentence = match worst {
        Severity::Critical => pick(
            lang,
            format!("Mail to {domain} is at risk: {critical} critical, {warn_en}."),
            format!("Mail an {domain} ist gefährdet: {critical} kritisch, {warn_de}."),
        ),
        Severity::Warning => pick(
            lang,
            format!("Mail to {domain} works, with {warn_en}."),
            format!("Mail an {domain} funktioniert, mit {warn_de}."),
        ),
        Severity::Ok | Severity::Info => {
            pick(lang, format!("No problems found for {domain}."), format!("Keine Probleme bei {domain} gefunden."))
        }
    };
    (worst, sentence)
}

/// The report's header rows.
pub fn header_rows(r: &Report, lang: Lang) -> Vec<Row> {
    let mut rows = vec![
        row(Text::Input, &r.input, lang),
        row(Text::CheckedAt, &timestamp(&r.checked_at), lang),
        row(Text::Duration, &duration(r.duration_ms, lang), lang),
        row(Text::Resolver, &r.dns.resolver, lang),
        row(Text::MailHosts, &mx_source_sentence(r, lang), lang),
    ];
    if r.dns.mx_hosts_skipped > 0 {
        rows.push(row(Text::NotTested, &format!("{} MX", r.dns.mx_hosts_skipped), lang));
    }
    rows
}

/// Facts about a host that are not per address.
pub fn host_rows(h: &MxHost, lang: Lang) -> Vec<Row> {
    let mut rows = vec![row(Text::Preference, &h.preference.to_string(), lang)];
    opt_row(&mut rows, Text::CnameTarget, h.cname.as_deref(), lang);
    opt_row(&mut rows, Text::NoAddress, h.address_error.as_deref(), lang);
    if h.addresses_skipped > 0 {
        rows.push(row(Text::NotTested, &h.addresses_skipped.to_string(), lang));
    }
    rows
}

/// Facts about an address as a whole.
pub fn address_rows(a: &AddressReport, lang: Lang) -> Vec<Row> {
    let mut rows = vec![
        row(Text::AddressDuration, &duration(a.duration_ms, lang), lang),
        row(Text::Connections, &a.connections.to_string(), lang),
    ];
    if a.deadline_hit {
        rows.push(row(Text::DeadlineReached, Text::Yes.get(lang), lang));
    }
    opt_row(&mut rows, Text::SessionEnded, a.error.as_deref(), lang);
    rows
}

/// Every detail section of an address, in step order (only the steps that ran).
pub fn address_sections(a: &AddressReport, r: &Report, lang: Lang) -> Vec<Section> {
    let mut out = Vec::new();
    let mut add =
        |title: Text, rows: Vec<Row>| out.push(Section { title: title.get(lang).to_owned(), rows, wide: false });
    if let Some(t) = &a.tcp {
        add(Text::TcpConnection, tcp_rows(t, lang));
    }
    if let Some(b) = &a.banner {
        add(Text::Greeting, banner_rows(b, lang));
    }
    if let Some(e) = &a.ehlo {
        add(Text::EhloReply, ehlo_rows(e, lang));
    }
    if let Some(s) = &a.starttls {
        add(Text::Tls, tls_rows(s, lang));
    }
    if let Some(c) = &a.certificate {
        add(Text::CertificateCheck, judgement_rows(c, lang));
    }
    if let Some(e) = &a.ehlo_tls {
        add(Text::EhloAfterStartTls, ehlo_rows(e, lang));
    }
    if let Some(rr) = &a.open_relay {
        add(Text::RelayProbe, relay_rows(rr, lang));
    }
    if let Some(c) = &a.certificate {
        let n = c.chain.len();
        let checked = Utc::parse(&r.checked_at);
        for (i, cert) in c.chain.iter().enumerate() {
            let days = if i == 0 { Some(c.days_until_expiry) } else { days_left(checked, cert) };
            let title = format!("{} {}/{n}", Text::ChainCertificate.get(lang), i + 1);
            out.push(Section { title, rows: certificate_rows(cert, days, lang), wide: true });
        }
    }
    out
}

fn tcp_rows(t: &TcpReport, lang: Lang) -> Vec<Row> {
    let mut rows = vec![row(Text::Outcome, &StepState::Tcp(t.outcome).label(lang), lang)];
    if t.port != 0 {
        rows.push(row(Text::Port, &t.port.to_string(), lang));
    }
    opt_row(&mut rows, Text::ConnectTime, t.connect_ms.map(ms).as_deref(), lang);
    opt_row(&mut rows, Text::Detail, t.detail.as_deref(), lang);
    rows
}

fn banner_rows(b: &BannerReport, lang: Lang) -> Vec<Row> {
    let mut rows = Vec::new();
    opt_row(&mut rows, Text::ReplyCode, b.code.map(|c| c.to_string()).as_deref(), lang);
    rows.push(row(Text::ReplyText, &b.text, lang));
    let software = b.software.as_ref().map(|s| [Some(s.name.as_str()), s.version.as_deref()].into_iter().flatten());
    opt_row(&mut rows, Text::Software, software.map(|s| s.collect::<Vec<_>>().join(" ")).as_deref(), lang);
    rows.push(row(Text::GreetingTime, &ms(b.elapsed_ms), lang));
    opt_row(&mut rows, Text::Error, b.error.as_deref(), lang);
    rows
}

fn ehlo_rows(e: &EhloReport, lang: Lang) -> Vec<Row> {
    let mut rows = Vec::new();
    opt_row(&mut rows, Text::ReplyCode, e.code.map(|c| c.to_string()).as_deref(), lang);
    rows.push(row(Text::ServerName, &e.host, lang));
    if e.helo_fallback {
        rows.push(row(Text::HeloFallback, Text::Yes.get(lang), lang));
    }
    opt_row(&mut rows, Text::Error, e.error.as_deref(), lang);
    for ext in &e.extensions {
        let value = match e.size_limit {
            Some(0) if ext.keyword == "SIZE" => Text::NoLimit.get(lang).to_owned(),
            Some(bytes) if ext.keyword == "SIZE" => {
                format!("{} ({bytes} B)", decimal(bytes as f64 / 1e6, lang) + " MB")
            }
            _ => ext.params.join(" "),
        };
        rows.push(Row { label: ext.keyword.clone(), value });
    }
    rows
}

fn tls_rows(s: &StartTlsReport, lang: Lang) -> Vec<Row> {
    let mut rows = vec![row(Text::Offered, yes_no(s.offered, lang), lang)];
    rows.push(row(Text::Outcome, &StepState::StartTls(s.outcome).label(lang), lang));
    opt_row(&mut rows, Text::TlsVersion, s.tls_version.as_deref(), lang);
    opt_row(&mut rows, Text::CipherSuite, s.cipher_suite.as_deref(), lang);
    opt_row(&mut rows, Text::KeyExchange, s.kx_group.as_deref(), lang);
    opt_row(&mut rows, Text::HandshakeTime, s.handshake_ms.map(ms).as_deref(), lang);
    opt_row(&mut rows, Text::Error, s.error.as_deref(), lang);
    if s.pipelined_plaintext {
        rows.push(row(Text::PlaintextInjection, Text::Yes.get(lang), lang));
    }
    rows
}

fn judgement_rows(c: &CertificateReport, lang: Lang) -> Vec<Row> {
    let trusted = match &c.trust_error {
        Some(e) if !c.trusted => format!("{} ({e})", Text::No.get(lang)),
        _ => yes_no(c.trusted, lang).to_owned(),
    };
    vec![
        row(Text::Trusted, &trusted, lang),
        row(Text::HostnameMatches, yes_no(c.hostname_matches, lang), lang),
        row(Text::SelfSigned, yes_no(c.self_signed, lang), lang),
        row(Text::Expired, yes_no(c.expired, lang), lang),
        Row { label: capitalised(Text::DaysLeft.get(lang)), value: c.days_until_expiry.to_string() },
    ]
}

fn certificate_rows(c: &CertificateInfo, days: Option<i64>, lang: Lang) -> Vec<Row> {
    let until = match days {
        Some(d) => format!("{} ({d} {})", timestamp(&c.not_after), Text::DaysLeft.get(lang)),
        None => timestamp(&c.not_after),
    };
    let key = match c.key_bits {
        Some(bits) => format!("{} {bits} {}", c.key_algorithm, pick(lang, "bit", "Bit")),
        None => c.key_algorithm.clone(),
    };
    vec![
        row(Text::Subject, &c.subject, lang),
        row(Text::Issuer, &c.issuer, lang),
        row(Text::Serial, &c.serial, lang),
        row(Text::ValidFrom, &timestamp(&c.not_before), lang),
        row(Text::ValidUntil, &until, lang),
        row(Text::San, &c.san.join(", "), lang),
        row(Text::Key, &key, lang),
        row(Text::SignatureAlgorithm, &c.signature_algorithm, lang),
        row(Text::Fingerprint, &c.sha256, lang),
    ]
}

fn relay_rows(r: &RelayReport, lang: Lang) -> Vec<Row> {
    let mut rows = vec![row(Text::Outcome, &StepState::Relay(r.outcome).label(lang), lang)];
    if !r.sender.is_empty() || !r.recipient.is_empty() {
        rows.push(row(Text::Sender, &r.sender, lang));
        rows.push(row(Text::Recipient, &r.recipient, lang));
    }
    opt_row(&mut rows, Text::MailFromReply, r.mail_from.as_deref(), lang);
    opt_row(&mut rows, Text::RcptToReply, r.rcpt_to.as_deref(), lang);
    rows.push(row(Text::OverTls, yes_no(r.over_tls, lang), lang));
    rows
}

/// Days from the check until a certificate's end of validity, when both dates can be read.
fn days_left(checked: Option<Utc>, c: &CertificateInfo) -> Option<i64> {
    Some(checked?.days_until(Utc::parse(&c.not_after)?))
}

fn row(label: Text, value: &str, lang: Lang) -> Row {
    Row { label: label.get(lang).to_owned(), value: value.to_owned() }
}

fn opt_row(rows: &mut Vec<Row>, label: Text, value: Option<&str>, lang: Lang) {
    if let Some(v) = value {
        rows.push(row(label, v, lang));
    }
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b { Text::Yes } else { Text::No }.get(lang)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
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
        decimal(n as f64 / 1000.0, lang) + " s"
    }
}

/// A number with one decimal, with a decimal comma in German.
fn decimal(v: f64, lang: Lang) -> String {
    let s = format!("{v:.1}");
    pick(lang, s.clone(), s.replace('.', ","))
}
