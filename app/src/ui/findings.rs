//! Every finding of the report, grouped by severity (worst first), each with where it was seen
//! and, unless it is good news, what to do.

use leptos::prelude::*;

use super::lang::use_lang;
use mxray_report::model::finding::{Finding, Severity};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::render::facts::severity_symbol;
use mxray_report::render::headline::{located, Place};
use mxray_report::texts::ui::Text;

/// Severities in display order.
const ORDER: [Severity; 4] = [Severity::Critical, Severity::Warning, Severity::Info, Severity::Ok];

/// The stable name of a severity (`critical`, …).
pub fn severity_id(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "ok",
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// A finding, where it was seen (the domain, a host, or a host's address) and its anchor (the
/// headline's links point there).
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    place: String,
    anchor: String,
    finding: Finding,
}

fn entries(r: &Report) -> Vec<Entry> {
    located(r)
        .into_iter()
        .map(|l| Entry {
            place: match l.place {
                Place::Domain => r.domain.clone(),
                Place::Host(h) => h.to_owned(),
                Place::Address(h, ip) => format!("{h} · {ip}"),
            },
            anchor: l.anchor(),
            finding: l.finding.clone(),
        })
        .collect()
}

/// The findings section (absent while there is none).
#[component]
pub fn FindingsList(
    /// The report being folded.
    report: RwSignal<Option<Report>>,
) -> impl IntoView {
    let lang = use_lang();
    let all = Memo::new(move |_| report.with(|r| r.as_ref().map(entries).unwrap_or_default()));
    move || {
        let all = all.get();
        let lang = lang.get();
        (!all.is_empty()).then(|| {
            let groups = ORDER.into_iter().filter_map(|severity| group(severity, &all, lang)).collect_view();
            view! {
                <section class="findings" aria-labelledby="findings-heading">
                    <h2 id="findings-heading">{Text::Findings.get(lang)}</h2>
                    {groups}
                </section>
            }
            .into_any()
        })
    }
}

/// The findings of one severity, when there are any.
fn group(severity: Severity, all: &[Entry], lang: Lang) -> Option<AnyView> {
    let items: Vec<AnyView> = all.iter().filter(|e| e.finding.severity == severity).map(|e| item(e, lang)).collect();
    (!items.is_empty()).then(|| {
        let count = format!(" ({})", items.len());
        view! {
            <section class="severity" data-severity=severity_id(severity)>
                <h3>
                    <span class="icon" aria-hidden="true">{severity_symbol(severity)}</span>
                    " "
                    <span class="label">{severity.label(lang)}</span>
                    {count}
                </h3>
                <ul>{items}</ul>
            </section>
        }
        .into_any()
    })
}

/// One finding: title and place, what was seen and (unless it is good news) what to do.
fn item(entry: &Entry, lang: Lang) -> AnyView {
    let Entry { place, anchor, finding } = entry;
    let t = finding.texts(lang);
    let remedy = (finding.severity != Severity::Ok).then(|| {
        view! {
            <p class="remedy">
                <strong>{format!("{}: ", Text::Remedy.get(lang))}</strong>
                {t.remedy}
            </p>
        }
    });
    view! {
        <li class="finding" id=anchor.clone() data-code=finding.code.clone()>
            <p class="finding-title">
                <strong>{t.title}</strong>
                " "
                <span class="place">{place.to_owned()}</span>
            </p>
            <p>{t.detail}</p>
            {remedy}
        </li>
    }
    .into_any()
}
