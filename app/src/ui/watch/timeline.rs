//! A watched domain's timeline: the two charts, every check as a table (folded), and the checks
//! that changed something with what changed, newest first. Each check links to its stored report.

use leptos::prelude::*;

use super::chart::{cert_chart, severity_chart};
use super::list::{state, state_id};
use super::time;
use crate::ui::compare::change_item;
use mxray_report::model::lang::Lang;
use mxray_report::texts::ui::Text;
use mxray_report::watch::view::{DomainHistory, HistoryPoint};

/// The timeline of a domain's stored checks.
pub fn timeline(history: DomainHistory, lang: Lang) -> AnyView {
    let DomainHistory { domain, checks } = history;
    if checks.is_empty() {
        return view! { <p class="notice">{Text::NotCheckedYet.get(lang)}</p> }.into_any();
    }
    let link = move |p: &HistoryPoint| format!("/watch/{domain}/{}", p.id);
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h3 id="timeline-title">{Text::Timeline.get(lang)}</h3>
            <div class="charts">
                {severity_chart(&checks, lang)} {cert_chart(&checks, lang)}
            </div>
            {table(&checks, &link, lang)}
        </section>
        {changed(&checks, &link, lang)}
    }
    .into_any()
}

/// A check's time as a link to its stored report, marked when it was cut off.
fn check_link(p: &HistoryPoint, link: &dyn Fn(&HistoryPoint) -> String, lang: Lang) -> AnyView {
    let cut = (!p.complete).then(|| view! { <span class="cut-off">{format!(" ({})", Text::CutOff.get(lang))}</span> });
    view! {
        <a href=link(p) class="check-link">{time(p.checked_at.clone())}</a>
        {cut}
    }
    .into_any()
}

/// Every check, newest first: when, worst severity, the certificate's days left, and how many
/// changes. Folded: the charts say the same at a glance.
fn table(checks: &[HistoryPoint], link: &dyn Fn(&HistoryPoint) -> String, lang: Lang) -> AnyView {
    let rows = checks
        .iter()
        .rev()
        .map(|p| {
            view! {
                <tr data-id=p.id>
                    <th scope="row">{check_link(p, link, lang)}</th>
                    <td data-severity=state_id(Some(p.worst))>{state(Some(p.worst), lang)}</td>
                    <td class="number">{p.cert_days.map_or_else(|| "–".to_owned(), |d| d.to_string())}</td>
                    <td class="number">{p.changes.len()}</td>
                </tr>
            }
        })
        .collect_view();
    let summary = format!("{} ({})", Text::ChecksTable.get(lang), checks.len());
    view! {
        <details class="checks-table">
            <summary>{summary}</summary>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{Text::CheckedAt.get(lang)}</th>
                            <th scope="col">{Text::WorstSeverity.get(lang)}</th>
                            <th scope="col">{Text::DaysLeft.get(lang)}</th>
                            <th scope="col">{Text::Changes.get(lang)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

/// The checks that changed something, newest first, each with its changes.
fn changed(checks: &[HistoryPoint], link: &dyn Fn(&HistoryPoint) -> String, lang: Lang) -> AnyView {
    let items: Vec<AnyView> = checks
        .iter()
        .rev()
        .filter(|p| !p.changes.is_empty())
        .map(|p| {
            let changes =
                p.changes.iter().map(|c| change_item(c.trend, String::new(), c.text.clone(), lang)).collect_view();
            view! {
                <li class="changed-check" data-id=p.id>
                    <p class="changed-when" data-severity=state_id(Some(p.worst))>
                        {check_link(p, link, lang)}
                        " · "
                        {state(Some(p.worst), lang)}
                    </p>
                    <ul class="changes">{changes}</ul>
                </li>
            }
            .into_any()
        })
        .collect();
    let list = if items.is_empty() {
        view! { <p class="no-changes">{Text::NoChangesYet.get(lang)}</p> }.into_any()
    } else {
        view! { <ol class="changed-checks">{items}</ol> }.into_any()
    };
    view! {
        <section class="watch-changes" aria-labelledby="changes-title">
            <h3 id="changes-title">{Text::Changes.get(lang)}</h3>
            {list}
        </section>
    }
    .into_any()
}
