//! Saved reports from files: the file button and the drop zone, reading a file as a report with
//! [`mxray_report::render::import`] (a JSON export or an exported HTML page), the messages for files
//! that are not reports, and the mark that tells a saved report from a live one.

use leptos::prelude::*;

use super::check::Phase;
use super::files::{self, PickedFile, ReadError};
use super::lang::{tr, use_lang};
use super::tools::{action, Library, Source};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::render::facts::timestamp;
use mxray_report::render::{import, ImportError};
use mxray_report::texts::ui::Text;

/// What the file chooser offers.
const ACCEPT: &str = ".json,.html,.htm,application/json,text/html";

/// Why a file did not open as a report.
#[derive(Clone, Debug, PartialEq)]
pub enum FileProblem {
    /// The browser could not read it.
    Read(ReadError),
    /// Neither a JSON report nor an HTML export with one inside.
    NoReport,
    /// JSON that is not a report (the parser's words).
    NotAReport(String),
    /// A report of another schema.
    Schema(String),
    /// A check is running.
    Busy,
}

impl FileProblem {
    /// The problem as a sentence.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileProblem::Read(ReadError::TooLarge) => Text::FileTooLarge.get(lang).to_owned(),
            FileProblem::Read(ReadError::Unreadable) => Text::FileUnreadable.get(lang).to_owned(),
            FileProblem::NoReport => Text::NoReportInFile.get(lang).to_owned(),
            FileProblem::NotAReport(detail) => format!("{} ({detail}).", Text::NotAReport.get(lang)),
            FileProblem::Schema(schema) => format!("{}: {schema}.", Text::OtherSchema.get(lang)),
            FileProblem::Busy => Text::WaitForCheck.get(lang).to_owned(),
        }
    }
}

impl From<ImportError> for FileProblem {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::NoReportBlock => FileProblem::NoReport,
            ImportError::Json(e) => FileProblem::NotAReport(e.to_string()),
            ImportError::Schema(schema) => FileProblem::Schema(schema),
        }
    }
}

/// The report in a file, with the file's name.
pub fn report_of(file: PickedFile) -> Result<(Report, String), FileProblem> {
    let text = file.text.map_err(FileProblem::Read)?;
    Ok((import(&text)?, file.name))
}

/// A button that opens the file chooser for a saved report (the input itself stays hidden).
#[component]
pub fn FilePicker(
    /// The button's text.
    label: Text,
    /// True while choosing makes no sense.
    #[prop(into)]
    disabled: Signal<bool>,
    /// Gets the chosen file.
    on_file: Callback<PickedFile>,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let choose = Callback::new(move |()| {
        if let Some(input) = input.get() {
            input.click();
        }
    });
    view! {
        <input
            type="file"
            class="file-input"
            accept=ACCEPT
            hidden
            tabindex="-1"
            node_ref=input
            on:change=move |ev| files::read_chosen(&ev, on_file)
        />
        {action(tr(label), None, disabled, choose)}
    }
    .into_any()
}

/// Opening a saved report: a drop zone with a file button (the keyboard's way in).
#[component]
pub fn OpenReport(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    let lang = use_lang();
    let problem = RwSignal::new(None::<FileProblem>);
    let over = RwSignal::new(false);
    let busy = Signal::derive(move || library.state.phase.get() == Phase::Running);
    let on_file = Callback::new(move |file: PickedFile| {
        let shown = report_of(file)
            .and_then(|(report, name)| library.show(report, Source::File(name)).then_some(()).ok_or(FileProblem::Busy));
        problem.set(shown.err());
    });
    view! {
        <section class="open-report" aria-labelledby="open-title">
            <h2 id="open-title">{tr(Text::OpenHeading)}</h2>
            <div
                class="drop-zone"
                class:over=move || over.get()
                on:dragenter=move |ev| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragover=move |ev| ev.prevent_default()
                on:dragleave=move |_| over.set(false)
                on:drop=move |ev| {
                    ev.prevent_default();
                    over.set(false);
                    files::read_dropped(&ev, on_file);
                }
            >
                <p>{tr(Text::DropHint)}</p>
                <FilePicker label=Text::ChooseFile disabled=busy on_file />
            </div>
            <p class="file-problem" role="alert">
                {move || problem.get().map(|p| p.message(lang.get()))}
            </p>
        </section>
    }
    .into_any()
}

/// "Saved report, checked at …" (or "Stored check" of the monitoring) above a report that is not
/// a live result.
#[component]
pub fn SavedMark(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    let lang = use_lang();
    let state = library.state;
    let source = move || (state.phase.get() == Phase::Done).then(|| library.opened.get()).flatten();
    move || {
        source().map(|source| {
            let lang = lang.get();
            let checked_at = state.report.with(|r| r.as_ref().map(|r| r.checked_at.clone()).unwrap_or_default());
            let (badge, file) = match source {
                Source::File(name) => (Text::SavedReport, Some(view! { " · " <span class="file-name">{name}</span> })),
                Source::Kept => (Text::SavedReport, None),
                Source::Watched { .. } => (Text::StoredCheck, None),
            };
            view! {
                <p class="saved-mark" role="status">
                    <strong class="badge">{badge.get(lang)}</strong>
                    {format!(" · {} ", Text::CheckedAt.get(lang))}
                    <time datetime=checked_at.clone()>{timestamp(&checked_at)}</time>
                    {file}
                </p>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::render::fixtures::sample;
    use mxray_report::render::{render, Format};

    fn picked(text: &str) -> PickedFile {
        PickedFile { name: "saved.json".into(), text: Ok(text.into()) }
    }

    #[test]
    fn reads_json_and_html_exports_and_explains_everything_else() {
        let report = sample();
        for format in [Format::Json, Format::Html] {
            let (back, name) = report_of(picked(&render(&report, format, Lang::De, false))).unwrap();
            assert_eq!((back, name.as_str()), (report.clone(), "saved.json"), "{format:?}");
        }
        let problem = |text: &str| report_of(picked(text)).unwrap_err();
        assert_eq!(problem("<html><body>hello</body></html>"), FileProblem::NoReport);
        assert_eq!(problem("just text"), FileProblem::NoReport);
        let not_a_report = problem("{\"hello\": 1}");
        assert!(matches!(&not_a_report, FileProblem::NotAReport(d) if d.contains("missing field")), "{not_a_report:?}");
        let other = render(&report, Format::Json, Lang::En, false).replace("mxray.report.v1", "mxray.report.v9");
        assert_eq!(problem(&other), FileProblem::Schema("mxray.report.v9".into()));
        let unread = PickedFile { name: "x".into(), text: Err(ReadError::TooLarge) };
        assert_eq!(report_of(unread).unwrap_err(), FileProblem::Read(ReadError::TooLarge));
    }

    #[test]
    fn problems_read_as_sentences_in_both_languages() {
        let schema = FileProblem::Schema("mxray.report.v9".into());
        assert!(schema.message(Lang::En).ends_with(": mxray.report.v9."));
        assert!(schema.message(Lang::De).starts_with("Dieser Bericht hat ein Format"));
        assert_eq!(FileProblem::NoReport.message(Lang::De), Text::NoReportInFile.get(Lang::De));
        assert_ne!(FileProblem::Busy.message(Lang::En), FileProblem::Busy.message(Lang::De));
    }
}
