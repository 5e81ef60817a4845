//! The "Transport security" card above the MX cards: MTA-STS (record, policy file, mode, each MX
//! against the policy) and TLS-RPT (record, report targets), from `Report.policies`. Each line is
//! a chip whose mark is the worst finding about it, so the card and the findings list agree.

use leptos::prelude::*;

use super::chip::{mark_id, Chip};
use super::details::fact;
use super::lang::use_lang;
use mxray_report::model::finding::{Finding, FindingKind};
use mxray_report::model::lang::Lang;
use mxray_report::model::policy::{MtaStsReport, MxPolicyMatch, MxTls, PolicyRecord, StsMode, TlsRptReport};
use mxray_report::model::report::{Mark, Report};
use mxray_report::render::facts::{mark_symbol, severity_mark};
use mxray_report::render::rows::Row;
use mxray_report::texts::policy::{problems_text, PolicyLabel};
use mxray_report::texts::{count, labels, pick};

/// What the card says where the policy types have no word for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Says {
    LookupFailed,
    Multiple,
    Malformed,
    Unavailable,
    Invalid,
    Pending,
}

labels!(Says, "The words.", {
    LookupFailed => ("lookup failed", "Abfrage fehlgeschlagen"),
    Multiple => ("several records, senders ignore them all", "mehrere Einträge, Absender ignorieren alle"),
    Malformed => ("malformed record", "fehlerhafter Eintrag"),
    Unavailable => ("policy not available", "Policy nicht abrufbar"),
    Invalid => ("invalid policy", "ungültige Policy"),
    Pending => ("pending", "ausstehend"),
});

/// One chip of the card: mark and state in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The verdict.
    pub mark: Mark,
    /// The state in words.
    pub state: String,
}

/// One MX host against the MTA-STS policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxLine {
    /// The host.
    pub host: String,
    /// The verdict (as strict as the policy's mode).
    pub mark: Mark,
    /// Pattern and TLS in words.
    pub state: String,
}

/// Everything the card shows, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// True when a line of it is wrong or could not be judged: the card opens; else it folds to
    /// its title and the two marks.
    pub attention: bool,
    /// The MTA-STS chip.
    pub mta_sts: Line,
    /// The policy's facts (id, URL, mode, max_age, patterns), when there is a policy.
    pub policy: Vec<Row>,
    /// Each MX host against the policy in effect.
    pub mx: Vec<MxLine>,
    /// The TLS-RPT chip.
    pub tls_rpt: Line,
    /// The report targets, each with its problem.
    pub targets: Vec<Row>,
}

/// Which policy a finding is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum About {
    MtaSts,
    TlsRpt,
}

fn about(f: &Finding) -> Option<About> {
    match &f.kind {
        FindingKind::PolicyLookupFailed { name, .. } if name.starts_with("_mta-sts.") => Some(About::MtaSts),
        FindingKind::PolicyLookupFailed { .. } => Some(About::TlsRpt),
        _ if f.code.starts_with("mta_sts") => Some(About::MtaSts),
        _ if f.code.starts_with("tls_rpt") => Some(About::TlsRpt),
        _ => None,
    }
}

/// The mark of the worst finding about `what`; pending while the check runs without one; without
/// a finding, ✔ for a valid record (nothing to say about it is good news) and – for none.
fn mark_of(r: &Report, what: About, record: &PolicyRecord) -> Mark {
    let worst = r.findings.iter().filter(|f| about(f) == Some(what)).map(|f| f.severity).max();
    match worst {
        Some(severity) => severity_mark(severity),
        None if !r.complete => Mark::Pending,
        None if matches!(record, PolicyRecord::Valid { .. }) => Mark::Ok,
        None => Mark::NotApplicable,
    }
}

/// What a TXT record lookup found, when that is the whole story (not a valid record).
fn record_state(record: &PolicyRecord, lang: Lang) -> Option<String> {
    Some(match record {
        PolicyRecord::Valid { .. } => return None,
        PolicyRecord::Absent => PolicyLabel::NotPublished.label(lang).to_owned(),
        PolicyRecord::Ignored { .. } => PolicyLabel::Ignored.label(lang).to_owned(),
        PolicyRecord::LookupFailed { detail } => format!("{}: {detail}", Says::LookupFailed.label(lang)),
        PolicyRecord::Multiple { records } => format!("{} ({})", Says::Multiple.label(lang), records.len()),
        PolicyRecord::Malformed { problem, .. } => format!("{}: {}", Says::Malformed.label(lang), problem.text(lang)),
    })
}

fn mta_sts_state(sts: &MtaStsReport, lang: Lang) -> String {
    if let Some(state) = record_state(&sts.record, lang) {
        return state;
    }
    let Some(fetch) = &sts.fetch else { return PolicyLabel::Checking.label(lang).to_owned() };
    match (&fetch.error, &fetch.policy) {
        (Some(error), _) => format!("{}: {}", Says::Unavailable.label(lang), error.text(lang)),
        (None, Some(p)) if !p.problems.is_empty() => {
            format!("{}: {}", Says::Invalid.label(lang), problems_text(&p.problems, lang))
        }
        (None, Some(p)) => match p.mode {
            Some(mode) => format!("{} {}", PolicyLabel::Mode.label(lang), mode.label(lang)),
            None => PolicyLabel::Valid.label(lang).to_owned(),
        },
        (None, None) => PolicyLabel::Checking.label(lang).to_owned(),
    }
}

/// The facts of the policy file, when one was read.
fn policy_rows(sts: &MtaStsReport, lang: Lang) -> Vec<Row> {
    let row = |label: PolicyLabel, value: String| Row { label: label.label(lang).to_owned(), value };
    let mut rows = Vec::new();
    if let Some(id) = &sts.id {
        rows.push(row(PolicyLabel::Id, id.clone()));
    }
    let Some(fetch) = &sts.fetch else { return rows };
    rows.push(row(PolicyLabel::Url, fetch.url.clone()));
    if let Some(p) = &fetch.policy {
        if let Some(mode) = p.mode {
            rows.push(row(PolicyLabel::Mode, mode.label(lang).to_owned()));
        }
        if let Some(age) = p.max_age {
            let days = age / 86_400;
            rows.push(row(
                PolicyLabel::MaxAge,
                pick(
                    lang,
                    format!("{age} s ({})", count(days, "day", "days")),
                    format!("{age} s ({})", count(days, "Tag", "Tage")),
                ),
            ));
        }
        if !p.mx.is_empty() {
            rows.push(row(PolicyLabel::Patterns, p.mx.join(", ")));
        }
    }
    rows
}

/// One MX against the policy: a host outside the patterns or failing TLS is critical under
/// `enforce` and a warning under `testing` (as the findings say).
fn mx_line(m: &MxPolicyMatch, mode: Option<StsMode>, lang: Lang) -> MxLine {
    let failing = match mode {
        Some(StsMode::Enforce) => Mark::Critical,
        Some(StsMode::Testing) => Mark::Warning,
        _ => Mark::NotApplicable,
    };
    let pattern = match &m.pattern {
        Some(p) => format!("{} {p}", PolicyLabel::Matches.label(lang)),
        None => PolicyLabel::NoPattern.label(lang).to_owned(),
    };
    let (tls_mark, tls) = match &m.tls {
        MxTls::Pending => (Mark::Pending, Says::Pending.label(lang).to_owned()),
        MxTls::NotTested => (Mark::Inconclusive, PolicyLabel::NotTested.label(lang).to_owned()),
        MxTls::Valid => (Mark::Ok, PolicyLabel::TlsValid.label(lang).to_owned()),
        MxTls::Invalid { ip, failure } => (failing, format!("{ip}: {}", failure.label(lang))),
    };
    let mark = if m.pattern.is_none() { failing } else { tls_mark };
    MxLine { host: m.host.clone(), mark, state: format!("{pattern} · {tls}") }
}

fn tls_rpt_state(rpt: &TlsRptReport, lang: Lang) -> String {
    record_state(&rpt.record, lang).unwrap_or_else(|| PolicyLabel::Valid.label(lang).to_owned())
}

/// The card of a report, once its policies are known.
pub fn card(r: &Report, lang: Lang) -> Option<Card> {
    let p = r.policies.as_ref()?;
    let sts = &p.mta_sts;
    let mode = sts.in_effect().and_then(|policy| policy.mode);
    let targets = p
        .tls_rpt
        .rua
        .iter()
        .map(|t| Row {
            label: t.uri.clone(),
            value: t.problem.map_or_else(|| PolicyLabel::Valid.label(lang).to_owned(), |p| p.label(lang).to_owned()),
        })
        .collect();
    let mx: Vec<MxLine> = sts.mx.iter().map(|m| mx_line(m, mode, lang)).collect();
    let (mta_sts, tls_rpt) = (mark_of(r, About::MtaSts, &sts.record), mark_of(r, About::TlsRpt, &p.tls_rpt.record));
    let wrong = |m: Mark| matches!(m, Mark::Critical | Mark::Warning | Mark::Inconclusive);
    Some(Card {
        attention: wrong(mta_sts) || wrong(tls_rpt) || mx.iter().any(|m| wrong(m.mark)),
        mta_sts: Line { mark: mta_sts, state: mta_sts_state(sts, lang) },
        policy: policy_rows(sts, lang),
        mx,
        tls_rpt: Line { mark: tls_rpt, state: tls_rpt_state(&p.tls_rpt, lang) },
        targets,
    })
}

/// The card, absent until the policies arrive (and in reports from before the policy check).
#[component]
pub fn TransportSecurity(
    /// The report being folded.
    report: RwSignal<Option<Report>>,
) -> impl IntoView {
    let lang = use_lang();
    let card = Memo::new(move |_| {
        let lang = lang.get();
        report.with(|r| r.as_ref().and_then(|r| card(r, lang)))
    });
    move || {
        let lang = lang.get();
        card.get().map(|c| {
            let chip = |aspect: &'static str, label: PolicyLabel, line: Line| {
                view! {
                    <Chip
                        aspect
                        mark=Signal::stored(line.mark)
                        name=Signal::stored(label.label(lang).to_owned())
                        state=Signal::stored(line.state)
                    />
                }
            };
            let mx =
                c.mx.into_iter()
                    .map(|m| {
                        let host = m.host.clone();
                        view! {
                            <li class="policy-mx" data-host=host data-mark=mark_id(m.mark)>
                                <code>{m.host}</code>
                                " "
                                <span class="state">{m.state}</span>
                            </li>
                        }
                    })
                    .collect_view();
            // Folded to one line (title and the two marks) when nothing in it is wrong.
            let marks = format!("MTA-STS {} · TLS-RPT {}", mark_symbol(c.mta_sts.mark), mark_symbol(c.tls_rpt.mark));
            view! {
                <section class="transport" aria-labelledby="transport-title">
                    <details open=c.attention>
                        <summary>
                            <h2 id="transport-title">{PolicyLabel::TransportSecurity.label(lang)}</h2>
                            <span class="transport-marks" aria-hidden="true">{marks}</span>
                        </summary>
                        <ul class="chips">
                            {chip("mta_sts", PolicyLabel::MtaSts, c.mta_sts)}
                            {chip("tls_rpt", PolicyLabel::TlsRpt, c.tls_rpt)}
                        </ul>
                        <dl class="facts">{c.policy.into_iter().map(|row| fact(row, lang)).collect_view()}</dl>
                        <ul class="policy-mx-list">{mx}</ul>
                        <dl class="facts targets">{c.targets.into_iter().map(|row| fact(row, lang)).collect_view()}</dl>
                    </details>
                </section>
            }
            .into_any()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::fold::fold;
    use mxray_report::model::event::CheckEvent;
    use mxray_report::model::policy::{PolicyFetch, PolicyReport, StsPolicy};
    use mxray_report::render::fixtures::sample;

    fn with_policy(mode: StsMode, patterns: &[&str]) -> Report {
        with_policies(mode, patterns, PolicyRecord::Absent)
    }

    fn with_policies(mode: StsMode, patterns: &[&str], tls_rpt: PolicyRecord) -> Report {
        let mut r = sample();
        let policy = StsPolicy {
            version: Some("STSv1".into()),
            mode: Some(mode),
            max_age: Some(604_800),
            mx: patterns.iter().map(|p| p.to_string()).collect(),
            problems: Vec::new(),
            ..Default::default()
        };
        let mut p = PolicyReport::default();
        p.mta_sts.record = PolicyRecord::Valid { record: "v=STSv1; id=1".into() };
        p.tls_rpt.record = tls_rpt;
        p.mta_sts.id = Some("1".into());
        p.mta_sts.fetch = Some(PolicyFetch {
            url: format!("https://mta-sts.{}/.well-known/mta-sts.txt", r.domain),
            policy: Some(policy),
            ..PolicyFetch::default()
        });
        // The fold judges each MX against the policy and derives the domain's findings.
        fold(&mut r, &CheckEvent::Policies { policies: Box::new(p) });
        r
    }

    #[test]
    fn an_mx_outside_an_enforced_policy_is_critical_and_testing_only_warns() {
        let enforce = card(&with_policy(StsMode::Enforce, &["nothing.example"]), Lang::En).unwrap();
        assert!(enforce.mx.iter().all(|m| m.mark == Mark::Critical), "{enforce:#?}");
        assert!(enforce.mx[0].state.starts_with("matches no mx pattern"));
        assert_eq!(enforce.mta_sts.state, "Mode enforce");
        assert!(enforce.policy.iter().any(|row| row.label == "max_age" && row.value == "604800 s (7 days)"));
        let testing = card(&with_policy(StsMode::Testing, &["nothing.example"]), Lang::De).unwrap();
        assert!(testing.mx.iter().all(|m| m.mark == Mark::Warning), "{testing:#?}");
        assert_eq!(testing.tls_rpt.state, "nicht veröffentlicht");
    }

    #[test]
    fn a_valid_tls_rpt_record_is_marked_ok_and_a_card_with_nothing_wrong_folds() {
        let record = PolicyRecord::Valid { record: "v=TLSRPTv1; rua=mailto:tlsrpt@example.com".into() };
        let r = with_policies(StsMode::Enforce, &["nothing.example"], record);
        let c = card(&r, Lang::De).unwrap();
        assert_eq!((c.tls_rpt.mark, c.tls_rpt.state.as_str()), (Mark::Ok, "gültig"));
        assert!(c.attention, "an MX outside the enforced policy opens the card");
        let absent = card(&with_policy(StsMode::Enforce, &["nothing.example"]), Lang::En).unwrap();
        assert_eq!(absent.tls_rpt.mark, Mark::NotApplicable, "no record, no finding: neutral");
        let mut quiet = r.clone();
        let p = quiet.policies.as_mut().unwrap();
        p.mta_sts = Default::default();
        quiet.findings.retain(|f| about(f).is_none());
        let c = card(&quiet, Lang::En).unwrap();
        assert!(!c.attention, "{c:#?}");
    }

    #[test]
    fn a_report_without_policies_has_no_card_and_a_missing_record_says_so() {
        let mut r = sample();
        assert_eq!(card(&r, Lang::En), None);
        r.policies = Some(PolicyReport::default());
        let c = card(&r, Lang::En).unwrap();
        assert_eq!((c.mta_sts.state.as_str(), c.mx.len()), ("not published", 0));
    }
}
