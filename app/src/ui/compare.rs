//! Comparing the shown report with another one of the same domain (a kept report or a file):
//! the differences from [`crate::diff`], older report first, each marked better, worse or
//! changed by icon and word.

use leptos::prelude::*;

use super::check::Phase;
use super::lang::{tr, use_lang};
use super::saved::{report_of, FilePicker, FileProblem};
use super::tools::{action, Tools};
use mxray_report::diff::{diff, Change, DomainMismatch, ReportDiff, Trend};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::render::facts::timestamp;
use mxray_report::render::time::Utc;
use mxray_report::texts::pick;
use mxray_report::texts::ui::Text;

/// The stable name of a trend (for `data-trend`).
fn trend_id(trend: Trend) -> &'static str {
    match trend {
        Trend::Better => "better",
        Trend::Worse => "worse",
        Trend::Changed => "changed",
    }
}

/// A trend as a symbol that reads without colour.
fn trend_symbol(trend: Trend) -> &'static str {
    match trend {
        Trend::Better => "▲",
        Trend::Worse => "▼",
        Trend::Changed => "◆",
    }
}

/// The differences between two reports, whichever order they come in: the older one (by
/// `checked_at`) is the "before".
pub fn compare(a: &Report, b: &Report) -> Result<ReportDiff, DomainMismatch> {
    let at = |r: &Report| Utc::parse(&r.checked_at);
    if at(b) < at(a) {
        diff(b, a)
    } else {
        diff(a, b)
    }
}

/// The comparison section under a finished report: a file button, and the differences once
/// there is a report to compare with.
#[component]
pub fn Comparison(
    /// The sections' state.
    tools: Tools,
) -> impl IntoView {
    let lang = use_lang();
    let state = tools.library.state;
    let done = Memo::new(move |_| state.phase.get() == Phase::Done);
    let problem = RwSignal::new(None::<FileProblem>);
    let outcome = Memo::new(move |_| {
        if !done.get() {
            return None;
        }
        tools.other.with(|other| {
            let other = other.as_ref()?;
            state.report.with(|shown| shown.as_ref().map(|shown| compare(shown, other)))
        })
    });
    let on_file = Callback::new(move |file| match report_of(file) {
        Ok((report, _)) => {
            problem.set(None);
            tools.other.set(Some(report));
        }
        Err(e) => problem.set(Some(e)),
    });
    let close = Callback::new(move |()| tools.other.set(None));
    let (heading, close_text) = (tr(Text::CompareHeading), tr(Text::CloseComparison));
    let shown = move || {
        outcome.get().map(|outcome| {
            let lang = lang.get();
            view! {
                {match outcome {
                    Ok(d) => differences(&d, lang).into_any(),
                    Err(m) => mismatch(&m, lang).into_any(),
                }}
                {action(close_text, None, Signal::stored(false), close)}
            }
        })
    };
    let section = move || {
        view! {
            <section class="compare" aria-labelledby="compare-title">
                <h2 id="compare-title">{heading}</h2>
                <FilePicker label=Text::CompareFile disabled=false on_file />
                <p class="file-problem" role="alert">
                    {move || problem.get().map(|p| p.message(lang.get()))}
                </p>
                <div class="comparison" aria-live="polite">{shown}</div>
            </section>
        }
    };
    move || done.get().then(section)
}

fn differences(d: &ReportDiff, lang: Lang) -> impl IntoView {
    let list = if d.is_empty() {
        view! { <p class="no-changes">{Text::NoChanges.get(lang)}</p> }.into_any()
    } else {
        view! { <ul class="changes">{d.changes.iter().map(|c| change(c, lang)).collect_view()}</ul> }.into_any()
    };
    view! {
        <p class="compare-dates">
            <time datetime=d.old_checked_at.clone()>{timestamp(&d.old_checked_at)}</time>
            " → "
            <time datetime=d.new_checked_at.clone()>{timestamp(&d.new_checked_at)}</time>
        </p>
        {list}
    }
}

fn change(c: &Change, lang: Lang) -> impl IntoView {
    change_item(c.kind.trend(), c.location(), c.kind.describe(lang), lang)
}

/// One change as a list item: its trend by icon and word, where (unless empty), and what. The
/// monitoring timeline shows its changes the same way.
pub fn change_item(trend: Trend, at: String, what: String, lang: Lang) -> impl IntoView {
    view! {
        <li class="change" data-trend=trend_id(trend)>
            <span class="icon" aria-hidden="true">{trend_symbol(trend)}</span>
            <span class="trend">{trend.label(lang)}</span>
            {(!at.is_empty()).then(|| view! { <span class="where">{at}</span> })}
            <span class="what">{what}</span>
        </li>
    }
}

fn mismatch(m: &DomainMismatch, lang: Lang) -> impl IntoView {
    let domains = pick(lang, format!("{} and {}", m.old, m.new), format!("{} und {}", m.old, m.new));
    view! { <p class="problem">{format!("{}: {domains}.", Text::OtherDomain.get(lang))}</p> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::render::fixtures::sample;

    #[test]
    fn the_older_report_is_the_before_whatever_the_order() {
        let new = sample();
        let mut old = sample();
        old.checked_at = "2026-11-01T08:00:00+01:00".into();
        old.mx.pop();
        let forward = compare(&old, &new).unwrap();
        assert_eq!(compare(&new, &old).unwrap(), forward);
        assert_eq!(forward.old_checked_at, old.checked_at);
        assert!(forward.changes.iter().any(|c| c.describe(Lang::En).ends_with("New MX host")), "{forward:#?}");
        let mut elsewhere = sample();
        elsewhere.domain = "example.org".into();
        assert!(compare(&new, &elsewhere).is_err());
    }

    #[test]
    fn trends_read_in_both_languages() {
        assert_eq!(Trend::Worse.label(Lang::De), "schlechter");
        assert_eq!((trend_id(Trend::Better), trend_symbol(Trend::Changed)), ("better", "◆"));
    }
}
