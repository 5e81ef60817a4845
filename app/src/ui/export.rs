//! The download bar under a finished or re-opened report: the JSON contract, the self-contained
//! HTML page and the Markdown summary, rendered in the browser by [`crate::render`] in the
//! language the page is read in.

use leptos::prelude::*;

use super::check::{CheckState, Phase};
use super::files;
use super::lang::{tr, use_lang};
use super::tools::action;
use mxray_report::model::lang::Lang;
use mxray_report::render::{file_name, render, Format};
use mxray_report::texts::ui::Text;

/// The formats offered, with their button texts.
const FORMATS: [(Format, Text); 3] =
    [(Format::Json, Text::ExportJson), (Format::Html, Text::ExportHtml), (Format::Markdown, Text::ExportMarkdown)];

/// The download buttons, shown while a complete report is on the page.
#[component]
pub fn ExportBar(
    /// The page's check.
    state: CheckState,
) -> impl IntoView {
    let lang = use_lang();
    let ready = Memo::new(move |_| {
        state.phase.get() == Phase::Done && state.report.with(|r| r.as_ref().is_some_and(|r| r.complete))
    });
    let (heading, hint) = (tr(Text::ExportHeading), tr(Text::ExportHint));
    move || {
        ready.get().then(|| {
            let buttons = FORMATS
                .into_iter()
                .map(|(format, label)| {
                    let run = Callback::new(move |()| download(state, format, lang.get_untracked()));
                    action(tr(label), None, Signal::stored(false), run)
                })
                .collect_view();
            view! {
                <section class="export" aria-labelledby="export-title">
                    <h2 id="export-title">{heading}</h2>
                    <div class="export-buttons">{buttons}</div>
                    <p class="hint">{hint}</p>
                </section>
            }
        })
    }
}

/// Renders the shown report and hands it to the browser as a file.
fn download(state: CheckState, format: Format, lang: Lang) {
    state.report.with_untracked(|report| {
        if let Some(report) = report {
            files::download(
                &file_name(report, format.extension()),
                format.mime(),
                &render(report, format, lang, false),
            );
        }
    });
}
