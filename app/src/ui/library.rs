//! The reports beyond the live check: where a shown saved report came from, the reports kept in
//! this browser, the report the shown one is compared with, and whether the browser is online.
//! [`Library::new`] ties it to the page's check; [`LibraryStatus`] goes above the results and
//! [`LibraryTools`] below them.

use leptos::prelude::*;

use super::browser;
use super::check::{CheckState, Phase};
use super::compare::Comparison;
use super::export::ExportBar;
use super::lang::{tr, use_lang};
use super::later::once_interactive;
use super::offline;
use super::recent::KeptReports;
use super::saved::{OpenReport, SavedMark};
use crate::api::Problem;
use mxray_report::model::lang::Lang;
use mxray_report::texts::ui::Text;
use mxray_report::model::report::Report;
use crate::storage::{Entry, LocalStorage, Shelf, StoreError};

/// Where a saved report on the page came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A file the user opened (its name).
    File(String),
    /// The reports kept in this browser.
    Kept,
}

/// What the page itself knows of saved reports; made of signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Library {
    /// The page's check: a saved report is shown through it, exactly like a live result.
    pub state: CheckState,
    /// Where the shown report came from, while it is a saved one.
    pub opened: RwSignal<Option<Source>>,
    /// Whether the browser is online.
    pub online: RwSignal<bool>,
    lang: RwSignal<Lang>,
}

/// The state of the sections below the results, made with them (in their WASM chunk).
#[derive(Clone, Copy)]
pub struct Tools {
    /// The page's library.
    pub library: Library,
    /// The reports kept in this browser, newest first.
    pub kept: RwSignal<Vec<Entry>>,
    /// Whether finished checks are kept.
    pub keep: RwSignal<bool>,
    /// What the last change to the kept reports ran into.
    pub kept_problem: RwSignal<Option<Text>>,
    /// The report the shown one is compared with.
    pub other: RwSignal<Option<Report>>,
}

impl Library {
    /// The library of the page's check; [`LibraryStatus`] and [`LibraryTools`] bring it to life
    /// once their code is there.
    pub fn new(state: CheckState) -> Self {
        Library { state, opened: RwSignal::new(None), online: RwSignal::new(true), lang: use_lang() }
    }

    /// Starts a live check of `input` on `ports` (see [`CheckState::start`]), or says at once that
    /// it needs the network.
    pub fn start(self, input: String, ports: Option<String>) {
        if offline::is_online() {
            self.state.start(input, ports);
        } else {
            self.online.set(false);
            let detail = Text::BrowserOffline.get(self.lang.get_untracked()).to_owned();
            self.state.phase.set(Phase::Failed(Problem::Network { detail }));
        }
    }

    /// Shows a saved report like a live result. Refused (false) while a check runs, whose
    /// events would otherwise fold into it.
    pub fn show(self, report: Report, source: Source) -> bool {
        if self.state.phase.get_untracked() == Phase::Running {
            return false;
        }
        self.opened.set(Some(source));
        self.state.report.set(Some(report));
        self.state.phase.set(Phase::Done);
        browser::show_path("/");
        true
    }
}

impl Tools {
    /// The sections' state: lists the kept reports and, from now on, keeps each finished check
    /// (if wanted).
    fn new(library: Library) -> Self {
        let tools = Tools {
            library,
            kept: RwSignal::new(Vec::new()),
            keep: RwSignal::new(true),
            kept_problem: RwSignal::new(None),
            other: RwSignal::new(None),
        };
        if let Some(shelf) = LocalStorage::open() {
            tools.kept.set(shelf.entries());
            tools.keep.set(shelf.keep());
        }
        Effect::new(move |_| {
            if library.state.phase.get() == Phase::Done {
                tools.keep_shown();
            }
        });
        tools
    }

    /// Shows a kept report.
    pub fn open_kept(self, id: &str) {
        let Some(shelf) = self.shelf() else { return };
        let problem = match shelf.open(id) {
            Some(report) => (!self.library.show(report, Source::Kept)).then_some(Text::WaitForCheck),
            None => Some(Text::ReportGone),
        };
        self.kept_problem.set(problem);
    }

    /// Compares the shown report with a kept one.
    pub fn compare_kept(self, id: &str) {
        let Some(shelf) = self.shelf() else { return };
        match shelf.open(id) {
            Some(report) => self.other.set(Some(report)),
            None => self.kept_problem.set(Some(Text::ReportGone)),
        }
    }

    /// Deletes a kept report.
    pub fn delete(self, id: &str) {
        let outcome = self.shelf().map(|shelf| shelf.delete(id));
        self.after_change(outcome);
    }

    /// Deletes every kept report.
    pub fn clear(self) {
        let outcome = self.shelf().map(|shelf| {
            shelf.clear();
            Ok(Vec::new())
        });
        self.after_change(outcome);
    }

    /// Remembers whether to keep finished checks; switching it on keeps the shown report.
    pub fn set_keep(self, keep: bool) {
        self.keep.set(keep);
        let outcome = self.shelf().map(|shelf| shelf.set_keep(keep).map(|()| shelf.entries()));
        self.after_change(outcome);
        if keep && self.library.state.phase.get_untracked() == Phase::Done {
            self.keep_shown();
        }
    }

    /// Keeps the shown report when it is a finished check or a file, and keeping is wanted.
    fn keep_shown(self) {
        if !self.keep.get_untracked() || self.library.opened.with_untracked(|o| *o == Some(Source::Kept)) {
            return;
        }
        let Some(shelf) = self.shelf() else { return };
        let stored =
            self.library.state.report.with_untracked(|r| r.as_ref().filter(|r| r.complete).map(|r| shelf.save(r)));
        match stored {
            Some(Ok(stored)) => {
                self.kept.set(stored.entries);
                self.kept_problem.set((stored.evicted_for_space > 0).then_some(Text::StorageFull));
            }
            Some(Err(_)) => self.kept_problem.set(Some(Text::StorageRefused)),
            None => {}
        }
    }

    /// The browser's storage, or a problem saying it is unavailable.
    fn shelf(self) -> Option<Shelf<LocalStorage>> {
        let shelf = LocalStorage::open();
        if shelf.is_none() {
            self.kept_problem.set(Some(Text::StorageRefused));
        }
        shelf
    }

    fn after_change(self, outcome: Option<Result<Vec<Entry>, StoreError>>) {
        match outcome {
            Some(Ok(entries)) => {
                self.kept.set(entries);
                self.kept_problem.set(None);
            }
            Some(Err(_)) => self.kept_problem.set(Some(Text::StorageRefused)),
            None => {}
        }
    }
}

/// A button that runs `run` when pressed, named `name` for screen readers when its text alone
/// does not say enough. Every button of these sections is this one type (see [`tr`]).
pub fn action(
    text: Signal<&'static str>,
    name: Option<String>,
    disabled: Signal<bool>,
    run: Callback<()>,
) -> impl IntoView {
    view! {
        <button type="button" aria-label=name disabled=disabled on:click=move |_| run.run(())>
            {text}
        </button>
    }
}

/// Above the results: the offline notice and the mark of a saved report.
#[component]
pub fn LibraryStatus(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    once_interactive(Box::new(move || Box::pin(status(library))))
}

/// Below the results: downloads, comparison, opening a file, and the kept reports.
#[component]
pub fn LibraryTools(
    /// The page's library.
    library: Library,
) -> impl IntoView {
    once_interactive(Box::new(move || Box::pin(tools(library))))
}

/// The view of [`LibraryStatus`]; it also registers the service worker, follows the network
/// state, and forgets a saved report's origin when a live check starts. A lazily loaded chunk
/// when the build splits the WASM (see [`super::later`]), an ordinary function otherwise.
#[cfg_attr(mxray_split, lazy)]
async fn status(library: Library) -> AnyView {
    offline::register_service_worker();
    offline::watch(library.online);
    Effect::new(move |_| {
        if library.state.phase.get() == Phase::Running {
            library.opened.set(None);
        }
    });
    let offline = tr(Text::Offline);
    view! {
        {move || (!library.online.get()).then(|| view! { <p class="offline-notice" role="status">{offline}</p> })}
        <SavedMark library />
    }
    .into_any()
}

/// The sections of [`LibraryTools`] (lazily loaded like [`status`]).
#[cfg_attr(mxray_split, lazy)]
async fn tools(library: Library) -> AnyView {
    let tools = Tools::new(library);
    view! {
        <ExportBar state=library.state />
        <Comparison tools />
        <div class="library">
            <OpenReport library />
            <KeptReports tools />
        </div>
    }
    .into_any()
}
