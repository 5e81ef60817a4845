//! A status chip: symbol, name and state in words, so it reads without colour. Its
//! `data-mark` attribute carries the mark for styling and tests.

use leptos::prelude::*;

use mxray_report::checks::marks::Step;
use mxray_report::model::report::Mark;
use mxray_report::render::facts::mark_symbol;

/// The stable name of a mark (`ok`, `warning`, …).
pub fn mark_id(mark: Mark) -> &'static str {
    match mark {
        Mark::Pending => "pending",
        Mark::NotApplicable => "not_applicable",
        Mark::Inconclusive => "inconclusive",
        Mark::Ok => "ok",
        Mark::Warning => "warning",
        Mark::Critical => "critical",
    }
}

/// The stable name of a step (`tcp`, `starttls`, …).
pub fn step_id(step: Step) -> &'static str {
    step.id()
}

/// One chip in a list.
#[component]
pub fn Chip(
    /// The verdict.
    #[prop(into)]
    mark: Signal<Mark>,
    /// What is judged (a step or an aspect).
    #[prop(into)]
    name: Signal<String>,
    /// The verdict in words.
    #[prop(into)]
    state: Signal<String>,
    /// The step, when the chip shows one (for `data-step`).
    #[prop(optional)]
    step: Option<Step>,
    /// The aspect, when the chip shows one beyond the steps (for `data-aspect`, e.g. `dane`).
    #[prop(optional)]
    aspect: Option<&'static str>,
) -> impl IntoView {
    view! {
        <li class="chip" data-step=step.map(step_id) data-aspect=aspect data-mark=move || mark_id(mark.get())>
            <span class="icon" aria-hidden="true">
                {move || mark_symbol(mark.get())}
            </span>
            <span class="name">{name}</span>
            <span class="state">{state}</span>
        </li>
    }
}
