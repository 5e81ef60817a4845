//! The watched domains, one card each: the state of the latest check by symbol, word and colour,
//! its headline, when it ran and when the state last changed, the next check, and what is open.

use leptos::prelude::*;

use super::time;
use crate::ui::findings::severity_id;
use mxray_report::model::finding::Severity;
use mxray_report::model::lang::Lang;
use mxray_report::render::facts::severity_symbol;
use mxray_report::texts::ui::Text;
use mxray_report::watch::view::{OpenLine, WatchedDomain};

/// Every watched domain, or a note that there is none.
pub fn domains(list: Vec<WatchedDomain>, lang: Lang) -> AnyView {
    if list.is_empty() {
        return view! { <p class="notice">{Text::NothingWatched.get(lang)}</p> }.into_any();
    }
    let cards = list.into_iter().map(|domain| card(domain, lang)).collect_view();
    view! { <div class="watched-list">{cards}</div> }.into_any()
}

/// The `data-severity` of a state (`pending` before the first check).
pub fn state_id(status: Option<Severity>) -> &'static str {
    status.map_or("pending", severity_id)
}

/// A state by symbol and word, for the list and the timeline alike.
pub fn state(status: Option<Severity>, lang: Lang) -> AnyView {
    let (symbol, word) = match status {
        Some(s) => (severity_symbol(s), s.label(lang)),
        None => ("…", Text::NotCheckedYet.get(lang)),
    };
    view! {
        <span class="icon" aria-hidden="true">{symbol}</span>
        " "
        <strong class="label">{word}</strong>
    }
    .into_any()
}

fn card(d: WatchedDomain, lang: Lang) -> AnyView {
    let facts =
        [(Text::LastChecked, d.last_checked), (Text::LastChanged, d.last_changed), (Text::NextCheck, d.next_check)]
            .into_iter()
            .filter_map(|(label, at)| at.map(|at| view! { <dt>{label.get(lang)}</dt> <dd>{time(at)}</dd> }))
            .collect_view();
    let open = d.status.is_some().then(|| open_now(d.open, lang));
    view! {
        <article class="watched" data-domain=d.domain.clone() data-severity=state_id(d.status)>
            <h3>
                <a href=format!("/watch/{}", d.domain)>{d.domain.clone()}</a>
            </h3>
            <p class="watch-status" data-severity=state_id(d.status)>
                {state(d.status, lang)}
                {d.headline.map(|h| view! { " " <span class="headline">{h}</span> })}
            </p>
            <dl class="facts">
                {facts}
                <dt>{Text::StoredChecks.get(lang)}</dt>
                <dd class="checks">{d.checks}</dd>
            </dl>
            {open}
        </article>
    }
    .into_any()
}

/// The conditions open now, worst first.
fn open_now(open: Vec<OpenLine>, lang: Lang) -> AnyView {
    if open.is_empty() {
        return view! { <p class="nothing-open">{Text::NothingOpen.get(lang)}</p> }.into_any();
    }
    let lines = open
        .into_iter()
        .map(|line| {
            view! {
                <li class="open-line" data-severity=severity_id(line.severity)>
                    <span class="icon" aria-hidden="true">{severity_symbol(line.severity)}</span>
                    " "
                    <span class="label">{line.severity.label(lang)}</span>
                    " "
                    <span class="what">{line.text}</span>
                    " "
                    <span class="since">{Text::Since.get(lang)} " " {time(line.since)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h4 class="open-heading">{Text::OpenNow.get(lang)}</h4>
        <ul class="open-lines">{lines}</ul>
    }
    .into_any()
}
