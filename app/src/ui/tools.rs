//! The state shared by the saved-report sections (compare, export, kept reports, opened files) and
//! the one button they all use; the sections and the library that lays them out both read it here.

use leptos::prelude::*;

use super::browser;
use super::check::{CheckState, Phase};
use super::lang::use_lang;
use super::offline;
use crate::api::Problem;
use crate::storage::{Entry, LocalStorage, Shelf, StoreError};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::texts::ui::Text;

/// Where a saved report on the page came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A file the user opened (its name).
    File(String),
    /// The reports kept in this browser.
    Kept,
    /// A check the server's monitoring stored (shown at `/watch/{domain}/{id}`).
    Watched {
        /// The watched domain.
        domain: String,
        /// The stored report's id.
        id: i64,
    },
}

impl Source {
    /// The address that shows the report: its own for a stored check, the form for the others
    /// (a file or a kept report has none).
    fn path(&self) -> String {
        match self {
            Source::Watched { domain, id } => format!("/watch/{domain}/{id}"),
            Source::File(_) | Source::Kept => "/".to_owned(),
        }
    }

    /// Whether this browser should keep the report (not when it is kept already or stored on the
    /// server).
    fn keep_in_browser(&self) -> bool {
        matches!(self, Source::File(_))
    }
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
        browser::show_path(&source.path());
        self.opened.set(Some(source));
        self.state.report.set(Some(report));
        self.state.phase.set(Phase::Done);
        true
    }
}

impl Tools {
    /// The sections' state: lists the kept reports and, from now on, keeps each finished check
    /// (if wanted).
    pub(super) fn new(library: Library) -> Self {
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

    /// Keeps the shown report when it is a finished live check or a file, and keeping is wanted.
    fn keep_shown(self) {
        let opened_elsewhere = self.library.opened.with_untracked(|o| o.as_ref().is_some_and(|s| !s.keep_in_browser()));
        if !self.keep.get_untracked() || opened_elsewhere {
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
