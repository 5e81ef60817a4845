//! One stored check of the monitoring, shown in the check page's report view: the way back to
//! the list and the domain's timeline, and the report loaded once the page is interactive (the
//! report view itself needs JavaScript, so its code and the report's parser stay out of the
//! page's first WASM, like the live check's).

use leptos::prelude::*;

use super::{off, problem, Crumbs};
use crate::ui::frame::monitoring_on;
use crate::ui::lang::use_lang;
use crate::ui::tools::{Library, Source};
use crate::watch::{failure, watch_report, Watched};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::Report;
use mxray_report::texts::ui::Text;

/// Which stored check a page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAt {
    /// The watched domain, as in the address.
    pub domain: String,
    /// The stored report's id.
    pub id: i64,
}

/// Why the stored check is not shown.
#[derive(Clone, Debug, PartialEq)]
enum NotShown {
    Off,
    Missing,
    Failed(String),
}

impl NotShown {
    fn view(&self, lang: Lang) -> AnyView {
        match self {
            NotShown::Off => off(lang).into_any(),
            NotShown::Missing => problem(Text::CheckNotStored.get(lang).to_owned()).into_any(),
            NotShown::Failed(words) => problem(words.clone()).into_any(),
        }
    }
}

/// Above the report view: the way back, and the stored check put into `library` once it is
/// loaded (or why it cannot be).
#[component]
pub fn StoredCheck(
    /// The check to show.
    at: StoredAt,
    /// The page's library, which shows it like a saved report.
    library: Library,
) -> impl IntoView {
    let lang = use_lang();
    let on = monitoring_on();
    let trouble = RwSignal::new((!on).then_some(NotShown::Off));
    if on {
        let at = at.clone();
        // Effects run only in the browser, once the page is hydrated.
        Effect::new(move |_| {
            let at = at.clone();
            leptos::task::spawn_local(async move {
                let source = Source::Watched { domain: at.domain.clone(), id: at.id };
                match load(at.domain, at.id, lang.get_untracked()).await {
                    Ok(Watched::Found(report)) => {
                        library.show(report, source);
                    }
                    Ok(Watched::Missing) => trouble.set(Some(NotShown::Missing)),
                    Ok(Watched::Off) => trouble.set(Some(NotShown::Off)),
                    Err(words) => trouble.set(Some(NotShown::Failed(words))),
                }
            });
        });
    }
    let timeline = format!("/watch/{}", at.domain);
    view! {
        <Crumbs>
            " › "
            <a href=timeline>{at.domain.clone()}</a>
        </Crumbs>
        {move || trouble.with(|t| t.as_ref().map(|t| t.view(lang.get())))}
    }
}

/// Fetches the stored report (a failure in words of `lang`): a lazily loaded chunk when the build
/// splits the WASM (see [`crate::ui::later`]), an ordinary function otherwise.
#[cfg_attr(mxray_split, lazy)]
async fn load(domain: String, id: i64, lang: Lang) -> Result<Watched<Report>, String> {
    watch_report(domain, id).await.map_err(|e| failure(&e, lang))
}
