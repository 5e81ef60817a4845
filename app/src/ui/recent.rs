//! The reports kept in this browser: the switch to keep them, one line each with domain, date
//! and verdict, and buttons to open, compare or delete one, or delete all.

use leptos::prelude::*;

use super::check::Phase;
use super::findings::severity_id;
use super::lang::{tr, use_lang};
use super::tools::{action, Tools};
use crate::storage::{Entry, CAP};
use mxray_report::model::lang::Lang;
use mxray_report::render::facts::{severity_symbol, timestamp};
use mxray_report::texts::pick;
use mxray_report::texts::ui::Text;

/// The kept reports section.
#[component]
pub fn KeptReports(
    /// The sections' state.
    tools: Tools,
) -> impl IntoView {
    let lang = use_lang();
    let state = tools.library.state;
    // The id of the complete report on the page, which cannot be compared with itself.
    let shown = Memo::new(move |_| {
        let done = state.phase.get() == Phase::Done;
        state.report.with(|r| r.as_ref().filter(|r| done && r.complete).map(|r| Entry::of(r).id))
    });
    let list = move || {
        let lang = lang.get();
        let entries = tools.kept.get();
        if entries.is_empty() {
            return view! { <p class="none-kept">{Text::NoneKept.get(lang)}</p> }.into_any();
        }
        let rows = entries.into_iter().map(|entry| row(tools, entry, shown, lang)).collect_view();
        let clear = Callback::new(move |()| tools.clear());
        view! {
            <ul class="kept-list">{rows}</ul>
            {action(Signal::stored(Text::DeleteAll.get(lang)), None, Signal::stored(false), clear)}
        }
        .into_any()
    };
    view! {
        <section class="kept" aria-labelledby="kept-title">
            <h2 id="kept-title">{tr(Text::KeptHeading)}</h2>
            <label class="keep-switch">
                <input
                    type="checkbox"
                    checked=tools.keep.get_untracked()
                    prop:checked=move || tools.keep.get()
                    on:change=move |ev| tools.set_keep(event_target_checked(&ev))
                />
                {tr(Text::KeepReports)}
            </label>
            <p class="hint">{move || hint(lang.get())}</p>
            <p class="kept-problem" role="alert">
                {move || tools.kept_problem.get().map(|t| t.get(lang.get()))}
            </p>
            {list}
        </section>
    }
    .into_any()
}

fn hint(lang: Lang) -> String {
    pick(
        lang,
        format!("Only in this browser, never on the server; the newest {CAP} are kept."),
        format!("Nur in diesem Browser, nie auf dem Server; die neuesten {CAP} werden aufbewahrt."),
    )
}

/// One kept report: verdict, domain, date, and its buttons (named with domain and date for
/// screen readers).
fn row(tools: Tools, entry: Entry, shown: Memo<Option<String>>, lang: Lang) -> impl IntoView {
    let Entry { id, domain, checked_at, verdict } = entry;
    let when = timestamp(&checked_at);
    let is_shown = {
        let id = id.clone();
        Signal::derive(move || shown.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let button = |text: Text, disabled: Signal<bool>, run: fn(Tools, &str)| {
        let id = id.clone();
        let name = format!("{}: {domain}, {when}", text.get(lang));
        action(Signal::stored(text.get(lang)), Some(name), disabled, Callback::new(move |()| run(tools, &id)))
    };
    let cannot_compare = Signal::derive(move || shown.with(Option::is_none) || is_shown.get());
    let buttons = [
        button(Text::Open, Signal::stored(false), Tools::open_kept),
        button(Text::Compare, cannot_compare, Tools::compare_kept),
        button(Text::Delete, Signal::stored(false), Tools::delete),
    ];
    view! {
        <li class="kept-report" data-domain=domain.clone() aria-current=move || is_shown.get().then_some("true")>
            <span class="kept-verdict" data-severity=severity_id(verdict)>
                <span class="icon" aria-hidden="true">{severity_symbol(verdict)}</span>
                " "
                {verdict.label(lang)}
            </span>
            <span class="domain">{domain.clone()}</span>
            <time datetime=checked_at>{when.clone()}</time>
            <span class="actions">{buttons}</span>
        </li>
    }
}
