//! The labelled facts every full renderer shows — report header, host, address and one section per
//! step and per certificate — as plain (unescaped) text. Text and HTML only add markup and
//! escaping around these, so they cannot drift apart.

use crate::checks::ptr::announced_name;

use crate::model::depth::{DnsblResult, Forward, ReverseDns, ReverseFailure, TlsVersions};
use crate::model::lang::Lang;
use crate::model::policy::{MxPolicyMatch, MxTls, PolicyRecord};
use crate::model::quality::TlsQuality;
use crate::model::report::{
    AddressReport, BannerReport, CertificateInfo, CertificateReport, EhloReport, MxHost, RelayAttempt, RelayReport,
    Report, StartTlsOutcome, StartTlsReport, TcpReport,
};
use crate::texts::failures::{lookup_why, with_detail};
use crate::texts::policy::{problems_text, PolicyLabel};
use crate::texts::ui::Text;
use crate::texts::{count, library_message, library_message_opt, pick};

use super::facts::{decimal, duration, ms, mx_source_sentence, timestamp};
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

/// Collects rows in one language.
struct Rows {
    lang: Lang,
    rows: Vec<Row>,
}

impl Rows {
    fn new(lang: Lang) -> Self {
        Rows { lang, rows: Vec::new() }
    }

    fn add(self, label: Text, value: impl Into<String>) -> Self {
        let label = label.get(self.lang).to_owned();
        self.raw(label, value.into())
    }

    fn raw(mut self, label: String, value: String) -> Self {
        self.rows.push(Row { label, value });
        self
    }

    fn opt(self, label: Text, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.add(label, v),
            None => self,
        }
    }

    /// A `yes` row, only when the flag is set.
    fn flag(self, label: Text, on: bool) -> Self {
        let yes = Text::Yes.get(self.lang);
        self.opt(label, on.then_some(yes))
    }

    fn yes_no(self, label: Text, on: bool) -> Self {
        let word = if on { Text::Yes } else { Text::No }.get(self.lang);
        self.add(label, word)
    }
}

/// The report's header rows.
pub fn header_rows(r: &Report, lang: Lang) -> Vec<Row> {
    Rows::new(lang)
        .add(Text::Input, &r.input)
        .add(Text::CheckedAt, timestamp(&r.checked_at))
        .add(Text::Duration, duration(r.duration_ms, lang))
        .add(Text::Resolver, &r.dns.resolver)
        .add(Text::MailHosts, mx_source_sentence(r, lang))
        .opt(Text::NotTested, (r.dns.mx_hosts_skipped > 0).then(|| format!("{} MX", r.dns.mx_hosts_skipped)))
        .opt(Text::MxDnssec, r.dns.mx_dnssec.as_ref().map(|c| c.describe(lang)))
        .opt(Text::EgressCheck, r.egress.as_ref().map(|e| e.describe(lang)))
        .rows
}

/// Facts about a host that are not per address.
pub fn host_rows(h: &MxHost, lang: Lang) -> Vec<Row> {
    Rows::new(lang)
        .add(Text::Preference, h.preference.to_string())
        .opt(Text::CnameTarget, h.cname.as_deref())
        .opt(Text::NoAddress, library_message_opt(h.address_error.as_deref(), lang))
        .opt(Text::NotTested, (h.addresses_skipped > 0).then(|| h.addresses_skipped.to_string()))
        .opt(Text::AddressDnssec, h.dane.as_ref().and_then(|d| d.addresses.as_ref()).map(|c| c.describe(lang)))
        .opt(Text::TlsaName, h.dane.as_ref().map(|d| d.name.clone()))
        .opt(Text::TlsaDnssec, h.dane.as_ref().map(|d| d.tlsa.describe(lang)))
        .opt(Text::TlsaRecords, tlsa_records(h, lang))
        .rows
}

/// The host's TLSA records, one per line, those SMTP ignores marked.
fn tlsa_records(h: &MxHost, lang: Lang) -> Option<String> {
    let d = h.dane.as_ref().filter(|d| !d.records.is_empty())?;
    let line = |r: &crate::model::dane::TlsaRecord| {
        let unusable = if r.usable() { "" } else { pick(lang, " (not for SMTP)", " (nicht für SMTP)") };
        format!("{}{unusable}", r.presentation())
    };
    Some(d.records.iter().map(line).collect::<Vec<_>>().join("\n"))
}

/// Facts about an address as a whole.
pub fn address_rows(a: &AddressReport, lang: Lang) -> Vec<Row> {
    Rows::new(lang)
        .add(Text::AddressDuration, duration(a.duration_ms, lang))
        .add(Text::Connections, a.connections.to_string())
        .flag(Text::DeadlineReached, a.deadline_hit)
        .opt(Text::Queued, (a.queued_ms > 0).then(|| ms(a.queued_ms)))
        .opt(Text::SameServerAs, a.same_server_as.as_deref())
        .opt(Text::SessionEnded, session_ended(a, lang))
        .opt(
            Text::ProtocolErrorRow,
            a.protocol_error.as_ref().map(|p| format!("{}: {}", step_name(&p.command, lang), p.reply)),
        )
        .rows
}

/// Why the session ended early: mxray's words, or an older report's text, labelled.
fn session_ended(a: &AddressReport, lang: Lang) -> Option<String> {
    with_detail(a.failure.as_ref().map(|f| f.text(lang)), a.error.as_deref(), lang)
}

/// A command as the report names it, `greeting` for the greeting in words.
fn step_name(command: &str, lang: Lang) -> &str {
    if command == "greeting" {
        pick(lang, "greeting", "Begrüßung")
    } else {
        command
    }
}

/// Every detail section of an address, in step order (only the steps that ran), then one section
/// per certificate of the chain.
pub fn address_sections(a: &AddressReport, r: &Report, lang: Lang) -> Vec<Section> {
    let rows = || Rows::new(lang);
    let steps = [
        (Text::TcpConnection, a.tcp.as_ref().map(|t| tcp(rows(), t))),
        (Text::Greeting, a.banner.as_ref().map(|b| banner(rows(), b))),
        (Text::EhloReply, a.ehlo.as_ref().map(|e| ehlo(rows(), e))),
        (Text::Tls, a.starttls.as_ref().map(|s| tls(rows(), s))),
        (Text::CertificateCheck, a.certificate.as_ref().map(|c| judgement(rows(), c))),
        (Text::EhloAfterStartTls, a.ehlo_tls.as_ref().map(|e| ehlo(rows(), e))),
        (Text::EhloDiffSection, a.ehlo.as_ref().zip(a.ehlo_tls.as_ref()).map(|(b, t)| ehlo_changes(rows(), b, t))),
        (Text::RelayProbe, a.open_relay.as_ref().map(|r| relay(rows(), r))),
        (Text::DaneCheck, a.dane.as_ref().map(|d| dane(rows(), d))),
        (Text::TlsVersions, a.tls_versions.as_ref().map(|v| tls_versions(rows(), v))),
        (Text::TlsQualitySection, a.tls_quality.as_ref().map(|q| tls_quality(rows(), q))),
        (Text::ReverseDnsSection, a.reverse_dns.as_ref().map(|d| reverse_dns(rows(), a, d, mx_name(r, a)))),
        (Text::Blocklists, (!a.dnsbl.is_empty()).then(|| blocklists(rows(), &a.dnsbl))),
    ];
    let mut out: Vec<Section> = steps
        .into_iter()
        .filter_map(|(title, rows)| Some(Section { title: title.get(lang).to_owned(), rows: rows?.rows, wide: false }))
        .collect();
    // Each submission port: the same steps, titled with the port.
    for p in &a.ports {
        let port_steps = [
            (Text::TcpConnection, p.tcp.as_ref().map(|t| tcp(rows(), t))),
            (Text::Greeting, p.banner.as_ref().map(|b| banner(rows(), b))),
            (Text::EhloReply, p.ehlo.as_ref().map(|e| ehlo(rows(), e))),
            (Text::Tls, p.starttls.as_ref().map(|s| tls(rows(), s))),
            (Text::CertificateCheck, p.certificate.as_ref().map(|c| judgement(rows(), c))),
            (Text::EhloAfterStartTls, p.ehlo_tls.as_ref().map(|e| ehlo(rows(), e))),
        ];
        out.extend(port_steps.into_iter().filter_map(|(title, rows)| {
            let title = format!("{} {}: {}", Text::Port.get(lang), p.port, title.get(lang));
            Some(Section { title, rows: rows?.rows, wide: false })
        }));
    }
    if let Some(c) = &a.certificate {
        let checked = Utc::parse(&r.checked_at);
        for (i, cert) in c.chain.iter().enumerate() {
            let days = if i == 0 { Some(c.days_until_expiry) } else { days_left(checked, cert) };
            let title = format!("{} {}/{}", Text::ChainCertificate.get(lang), i + 1, c.chain.len());
            out.push(Section { title, rows: certificate(rows(), cert, days).rows, wide: true });
        }
    }
    out
}

/// The domain's transport-security policies, one section each for MTA-STS and TLS-RPT (none until
/// the policy check has reported).
pub fn policy_sections(r: &Report, lang: Lang) -> Vec<Section> {
    let Some(p) = &r.policies else { return Vec::new() };
    let label = |l: PolicyLabel| l.label(lang).to_owned();
    let sts = &p.mta_sts;
    let mut rows = Rows::new(lang).raw(label(PolicyLabel::Record), policy_record(&sts.record, lang));
    if let Some(id) = &sts.id {
        rows = rows.raw(label(PolicyLabel::Id), id.clone());
    }
    if let Some(f) = &sts.fetch {
        let outcome = match &f.error {
            Some(e) => e.text(lang),
            None => {
                let head = [f.status.map(|s| format!("HTTP {s}")), f.content_type.clone()].into_iter().flatten();
                format!("{}, {}", head.collect::<Vec<_>>().join(", "), ms(f.duration_ms))
            }
        };
        rows = rows.raw(label(PolicyLabel::Url), f.url.clone()).raw(label(PolicyLabel::Fetch), outcome);
    }
    if let Some(policy) = sts.fetch.as_ref().and_then(|f| f.policy.as_ref()) {
        let mode = policy.mode.map(|m| m.label(lang).to_owned());
        let max_age = policy.max_age.map(|a| format!("{a} s ({} d)", decimal(a, 86_400, lang)));
        rows = [(PolicyLabel::Mode, mode), (PolicyLabel::MaxAge, max_age)]
            .into_iter()
            .fold(rows, |rows, (l, v)| match v {
                Some(v) => rows.raw(label(l), v),
                None => rows,
            })
            .raw(label(PolicyLabel::Patterns), policy.mx.join("\n"));
        if !policy.problems.is_empty() {
            rows = rows.raw(label(PolicyLabel::Problems), problems_text(&policy.problems, lang));
        }
    }
    let rows = sts.mx.iter().fold(rows, |rows, m| rows.raw(m.host.clone(), mx_against_policy(m, lang)));
    let rpt = &p.tls_rpt;
    let targets: Vec<String> = rpt
        .rua
        .iter()
        .map(|t| match t.problem {
            Some(problem) => format!("{} — {}", t.uri, problem.label(lang)),
            None => t.uri.clone(),
        })
        .collect();
    let mut rpt_rows = Rows::new(lang).raw(label(PolicyLabel::Record), policy_record(&rpt.record, lang));
    if !targets.is_empty() {
        rpt_rows = rpt_rows.raw(label(PolicyLabel::Targets), targets.join("\n"));
    }
    vec![
        Section { title: label(PolicyLabel::MtaSts), rows: rows.rows, wide: false },
        Section { title: label(PolicyLabel::TlsRpt), rows: rpt_rows.rows, wide: false },
    ]
}

/// A policy TXT record in words.
fn policy_record(record: &PolicyRecord, lang: Lang) -> String {
    match record {
        PolicyRecord::Absent => PolicyLabel::NotPublished.label(lang).to_owned(),
        PolicyRecord::LookupFailed { detail } => {
            let detail = library_message(detail, lang);
            pick(lang, format!("lookup failed: {detail}"), format!("Abfrage gescheitert: {detail}"))
        }
        PolicyRecord::Valid { record } => record.clone(),
        PolicyRecord::Multiple { records } => {
            format!(
                "{}\n{}",
                pick(lang, "several records, all ignored:", "mehrere Einträge, alle ignoriert:"),
                records.join("\n")
            )
        }
        PolicyRecord::Malformed { record, problem } => format!("{record}\n{}", problem.text(lang)),
        PolicyRecord::Ignored { records } => format!("{}\n{}", PolicyLabel::Ignored.label(lang), records.join("\n")),
    }
}

/// One MX host against the policy: the pattern it matches and its TLS as MTA-STS judges it.
fn mx_against_policy(m: &MxPolicyMatch, lang: Lang) -> String {
    let Some(pattern) = &m.pattern else { return PolicyLabel::NoPattern.label(lang).to_owned() };
    let tls = match &m.tls {
        MxTls::Pending => PolicyLabel::Checking.label(lang).to_owned(),
        MxTls::NotTested => PolicyLabel::NotTested.label(lang).to_owned(),
        MxTls::Valid => PolicyLabel::TlsValid.label(lang).to_owned(),
        MxTls::Invalid { ip, failure } => format!("{ip}: {}", failure.label(lang)),
    };
    format!("{} {pattern} — {tls}", PolicyLabel::Matches.label(lang))
}

fn tcp(rows: Rows, t: &TcpReport) -> Rows {
    let lang = rows.lang;
    rows.add(Text::Outcome, t.outcome.label(lang))
        .opt(Text::Port, (t.port != 0).then(|| t.port.to_string()))
        .opt(Text::ConnectTime, t.connect_ms.map(ms))
        .opt(Text::Detail, with_detail(t.failure.as_ref().map(|f| f.text(lang)), t.detail.as_deref(), lang))
}

fn banner(rows: Rows, b: &BannerReport) -> Rows {
    let lang = rows.lang;
    let software = b.software.as_ref().map(|s| match &s.version {
        Some(v) => format!("{} {v}", s.name),
        None => s.name.clone(),
    });
    rows.opt(Text::ReplyCode, b.code.map(|c| c.to_string()))
        .add(Text::ReplyText, &b.text)
        .opt(Text::Software, software)
        .add(Text::GreetingTime, ms(b.elapsed_ms))
        .opt(Text::Error, with_detail(b.failure.as_ref().map(|f| f.text(lang)), b.error.as_deref(), lang))
}

/// The reply, then one row per extension (SIZE in MB).
fn ehlo(rows: Rows, e: &EhloReport) -> Rows {
    let lang = rows.lang;
    let rows = rows
        .opt(Text::ReplyCode, e.code.map(|c| c.to_string()))
        .add(Text::ServerName, &e.host)
        .flag(Text::HeloFallback, e.helo_fallback)
        .opt(Text::Error, library_message_opt(e.error.as_deref(), lang));
    e.extensions.iter().fold(rows, |rows, ext| {
        let value = match e.size_limit {
            Some(0) if ext.keyword == "SIZE" => Text::NoLimit.get(lang).to_owned(),
            Some(bytes) if ext.keyword == "SIZE" => format!("{} MB ({bytes} B)", decimal(bytes, 1_000_000, lang)),
            _ => ext.params.join(" "),
        };
        rows.raw(ext.keyword.clone(), value)
    })
}

fn tls(rows: Rows, s: &StartTlsReport) -> Rows {
    let lang = rows.lang;
    rows.yes_no(Text::Offered, s.offered)
        .add(Text::Outcome, s.outcome.label(lang))
        .opt(Text::TlsVersion, s.tls_version.as_deref())
        .opt(Text::CipherSuite, s.cipher_suite.as_deref())
        .opt(Text::KeyExchange, s.kx_group.as_deref())
        .opt(Text::HandshakeTime, s.handshake_ms.map(ms))
        .opt(Text::Error, tls_error(s, lang))
        .opt(Text::FailureKind, s.failure.map(|f| f.label(lang)))
        .flag(Text::PlaintextInjection, s.pipelined_plaintext)
}

/// The STARTTLS step's error: why it could not be tested or got no reply in mxray's words, a
/// refusal as the server sent it, a handshake error in the library's words.
fn tls_error(s: &StartTlsReport, lang: Lang) -> Option<String> {
    let words = s
        .not_testable
        .as_ref()
        .map(|n| n.text(lang))
        .or_else(|| s.no_reply.as_ref().map(|f| f.text(lang)))
        .or_else(|| s.handshake_problem.as_ref().map(|p| p.text(lang)));
    match s.outcome {
        // A refusal is the server's reply, shown as it came (an older report's other texts, labelled).
        StartTlsOutcome::Rejected if words.is_none() && s.error.as_deref().is_some_and(is_reply) => s.error.clone(),
        _ => with_detail(words, s.error.as_deref(), lang),
    }
}

/// True for an SMTP reply line (three digits first).
fn is_reply(text: &str) -> bool {
    text.len() >= 3 && text.as_bytes()[..3].iter().all(u8::is_ascii_digit)
}

fn judgement(rows: Rows, c: &CertificateReport) -> Rows {
    let lang = rows.lang;
    let rows = match &c.trust_error {
        Some(e) if !c.trusted => {
            rows.add(Text::Trusted, format!("{} ({})", Text::No.get(lang), library_message(e, lang)))
        }
        _ => rows.yes_no(Text::Trusted, c.trusted),
    };
    let rows =
        rows.opt(Text::UnknownIssuer, c.unknown_issuer.as_deref()).yes_no(Text::HostnameMatches, c.hostname_matches);
    if let Some(e) = &c.parse_error {
        return rows.add(Text::Unreadable, library_message(e, lang));
    }
    rows.yes_no(Text::SelfSigned, c.self_signed)
        .yes_no(Text::Expired, c.expired)
        .flag(Text::NotYetValid, c.not_yet_valid)
        .add(Text::DaysUntilExpiry, c.days_until_expiry.to_string())
}

fn certificate(rows: Rows, c: &CertificateInfo, days: Option<i64>) -> Rows {
    let lang = rows.lang;
    let until = match days {
        Some(d) => format!(
            "{} ({})",
            timestamp(&c.not_after),
            pick(lang, count(d, "day left", "days left"), count(d, "Tag übrig", "Tage übrig"))
        ),
        None => timestamp(&c.not_after),
    };
    let key = match c.key_bits {
        Some(bits) => format!("{} {bits} {}", c.key_algorithm, pick(lang, "bit", "Bit")),
        None => c.key_algorithm.clone(),
    };
    rows.add(Text::Subject, &c.subject)
        .add(Text::Issuer, &c.issuer)
        .add(Text::Serial, &c.serial)
        .add(Text::ValidFrom, timestamp(&c.not_before))
        .add(Text::ValidUntil, until)
        .flag(Text::Expired, c.expired)
        .flag(Text::NotYetValid, c.not_yet_valid)
        .add(Text::San, c.san.join(", "))
        .add(Text::Key, key)
        .add(Text::SignatureAlgorithm, &c.signature_algorithm)
        .add(Text::Fingerprint, &c.sha256)
}

fn relay(rows: Rows, r: &RelayReport) -> Rows {
    let lang = rows.lang;
    let addresses = !r.sender.is_empty() || !r.recipient.is_empty();
    let rows = rows
        .add(Text::Outcome, r.outcome.label(lang))
        .opt(Text::Sender, addresses.then_some(&r.sender))
        .opt(Text::Recipient, addresses.then_some(&r.recipient))
        .opt(Text::MailFromReply, r.mail_from.as_deref())
        .opt(Text::RcptToReply, r.rcpt_to.as_deref())
        .opt(Text::ReplyMeaning, r.reason.map(|m| m.label(lang)))
        .yes_no(Text::OverTls, r.over_tls);
    // Came back after a postscreen-like refusal: why, and what the first connection's attempts said.
    let rows = match &r.revisit {
        Some(v) => {
            let why = with_detail(v.failure.as_ref().map(|f| f.text(lang)), v.error.as_deref(), lang);
            let error = why.map(|e| format!(" — {e}")).unwrap_or_default();
            let rows =
                rows.raw(Text::CameBack.get(lang).to_owned(), format!("{}: {}{error}", v.reason.label(lang), v.reply));
            v.earlier.iter().enumerate().fold(rows, |rows, (i, a)| {
                rows.raw(format!("{} {}", Text::FirstConnectionAttempt.get(lang), i + 1), attempt(a, lang))
            })
        }
        None => rows,
    };
    // With a retry, every attempt: which sender, what came back, what it meant.
    let attempts = if r.attempts.len() > 1 { r.attempts.as_slice() } else { &[] };
    let rows = attempts
        .iter()
        .enumerate()
        .fold(rows, |rows, (i, a)| rows.raw(format!("{} {}", Text::Attempt.get(lang), i + 1), attempt(a, lang)));
    // After a refusal, the forged local sender: what came back and what it meant.
    let rows = match &r.local_sender {
        Some(a) => rows.raw(Text::LocalSenderTry.get(lang).to_owned(), attempt(a, lang)),
        None => rows,
    };
    // After a refusal, each routing address tried: its command, the reply, and whether it was taken.
    r.bypass.iter().fold(rows, |rows, b| {
        let verdict = if b.accepted { Text::BypassAccepted } else { Text::BypassRefused };
        rows.raw(b.form.label(lang).to_owned(), format!("{} ({})", b.summary(lang), verdict.get(lang)))
    })
}

/// One relay attempt: which sender, what came back, what it meant.
fn attempt(a: &RelayAttempt, lang: Lang) -> String {
    let sender = if a.sender.is_empty() { Text::NullSender.get(lang).to_owned() } else { a.sender.clone() };
    let replies = [a.mail_from.as_deref(), a.rcpt_to.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    format!("{sender}: {} ({})", replies.join(" / "), a.reason.label(lang))
}

fn tls_versions(rows: Rows, v: &TlsVersions) -> Rows {
    let lang = rows.lang;
    let legacy = v.legacy.as_ref().map(|p| format!("{}: {}", p.outcome.label(lang), p.why(lang)));
    let join = |list: &[String]| (!list.is_empty()).then(|| list.join(", "));
    rows.opt(Text::VersionsAccepted, join(&v.accepted))
        .opt(Text::VersionsRefused, join(&v.refused))
        .opt(Text::VersionsNotTested, join(&v.not_tested))
        .opt(Text::LegacyProbe, legacy)
}

/// One row per graded line: the aspect, then `class: evidence` or "not tested, because …".
fn tls_quality(rows: Rows, q: &TlsQuality) -> Rows {
    let lang = rows.lang;
    q.items.iter().fold(rows, |rows, l| rows.raw(l.aspect.label(lang).to_owned(), l.text(lang)))
}

/// The MX host an address was listed under (the first, when several list it).
fn mx_name<'r>(r: &'r Report, a: &AddressReport) -> Option<&'r str> {
    r.mx.iter().find(|h| h.addresses.iter().any(|x| std::ptr::eq(x, a))).map(|h| h.host.as_str())
}

/// The PTR names with their forward check, then each other name the host goes by, beside the PTR.
fn reverse_dns(rows: Rows, a: &AddressReport, d: &ReverseDns, mx: Option<&str>) -> Rows {
    let lang = rows.lang;
    let ptr = Text::Ptr.get(lang).to_owned();
    let rows = match &d.error {
        Some(ReverseFailure::NoPtr { detail, failure }) => {
            rows.raw(ptr.clone(), format!("{} ({})", Text::No.get(lang), lookup_why(failure.as_ref(), detail, lang)))
        }
        Some(ReverseFailure::Failed { detail, failure }) => rows.raw(
            ptr.clone(),
            format!("{} ({})", Text::VersionsNotTested.get(lang), lookup_why(failure.as_ref(), detail, lang)),
        ),
        None => d.names.iter().fold(rows, |rows, n| {
            let addresses = n.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            let back = match &n.forward {
                Forward::Confirmed => Text::Yes.get(lang).to_owned(),
                Forward::Mismatch { detail, failure } => {
                    let why = with_detail(failure.as_ref().map(|f| f.text(lang)), detail.as_deref(), lang);
                    format!("{} ({})", Text::No.get(lang), why.unwrap_or(addresses))
                }
                Forward::Failed { detail, failure } => {
                    format!("{} ({})", Text::VersionsNotTested.get(lang), lookup_why(failure.as_ref(), detail, lang))
                }
            };
            rows.raw(ptr.clone(), format!("{} — {}: {back}", n.name, Text::ResolvesBack.get(lang)))
        }),
    };
    let beside = |name: String| {
        let same = d.names.iter().any(|n| n.name == name);
        let word = if same { Text::SameAsPtr } else { Text::OtherThanPtr };
        match d.names.is_empty() {
            true => name,
            false => format!("{name} ({})", word.get(lang)),
        }
    };
    let greeting = a.banner.as_ref().and_then(|b| announced_name(&b.text));
    let ehlo = a.ehlo.as_ref().and_then(|e| announced_name(&e.host));
    let in_certificate = a
        .certificate
        .as_ref()
        .and_then(|c| c.chain.first())
        .filter(|_| !d.names.is_empty())
        .map(|leaf| d.names.iter().any(|n| leaf.san.iter().any(|s| s.eq_ignore_ascii_case(&n.name))));
    let rows = rows
        .opt(Text::MxName, mx.map(|m| beside(m.to_owned())))
        .opt(Text::NameInGreeting, greeting.map(beside))
        .opt(Text::NameInEhlo, ehlo.map(beside));
    match in_certificate {
        Some(yes) => rows.yes_no(Text::PtrInCertificate, yes),
        None => rows,
    }
}

/// One row per blocklist: its answer, the codes and the reason.
fn blocklists(rows: Rows, results: &[DnsblResult]) -> Rows {
    let lang = rows.lang;
    results.iter().fold(rows, |rows, d| {
        let mut value = d.status.label(lang).to_owned();
        if !d.codes.is_empty() {
            value.push_str(&format!(" ({})", d.codes.join(", ")));
        }
        // The list's own words are quoted as it gave them; why no answer came, labelled.
        for reason in &d.reason {
            value.push_str(&format!(": \"{reason}\""));
        }
        if let Some(why) = d.why(lang) {
            value.push_str(&format!(": {why}"));
        }
        rows.raw(d.zone.clone(), value)
    })
}

fn dane(rows: Rows, d: &crate::model::dane::AddressDane) -> Rows {
    let lang = rows.lang;
    let depth = d.depth.map(|n| match n {
        0 => pick(lang, "the server's own (1)", "das eigene des Servers (1)").to_owned(),
        n => format!("{} {}", Text::ChainCertificate.get(lang), n + 1),
    });
    rows.add(Text::DaneVerdict, d.outcome.label(lang))
        .opt(Text::MatchedRecord, d.matched.as_ref().map(crate::model::dane::TlsaRecord::presentation))
        .opt(Text::MatchedCertificate, depth)
        .opt(Text::Detail, d.why(lang))
}

/// What changed between the EHLO answers before STARTTLS and inside TLS.
fn ehlo_changes(rows: Rows, before: &EhloReport, inside: &EhloReport) -> Rows {
    let d = crate::checks::ehlo::ehlo_diff(before, inside);
    if d.is_empty() {
        return rows.add(Text::SameBeforeAndAfter, "");
    }
    let line = |e: &crate::model::report::Extension| std::iter::once(e.keyword.clone()).chain(e.params.clone());
    let changed: Vec<String> =
        d.changed.iter().map(|c| format!("{}: {} → {}", c.keyword, c.before.join(" "), c.after.join(" "))).collect();
    let joined = |exts: &[crate::model::report::Extension]| {
        exts.iter().map(|e| line(e).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
    };
    rows.opt(Text::OnlyInsideTls, (!d.added.is_empty()).then(|| joined(&d.added)))
        .opt(Text::OnlyBeforeTls, (!d.removed.is_empty()).then(|| joined(&d.removed)))
        .opt(Text::ChangedInsideTls, (!changed.is_empty()).then(|| changed.join("\n")))
}

/// Days from the check until a certificate's end of validity, when both dates can be read.
fn days_left(checked: Option<Utc>, c: &CertificateInfo) -> Option<i64> {
    Some(checked?.days_until(Utc::parse(&c.not_after)?))
}
