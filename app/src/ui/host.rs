//! One card per mail host: preference and name, its one-glance status, DNS facts, and one row
//! per address.

use leptos::prelude::*;
use std::net::IpAddr;

use super::address::AddressRow;
use super::chip::Chip;
use super::details::fact;
use super::lang::use_lang;
use mxray_report::model::report::{Mark, MxHost, Report};
use mxray_report::render::facts::status_marks;
use mxray_report::render::rows::host_rows;
use mxray_report::texts::ui::Text;

/// The card of host `index` of the report.
#[component]
pub fn HostCard(
    /// The report being folded.
    report: RwSignal<Option<Report>>,
    /// The host's position in `report.mx`.
    index: usize,
) -> impl IntoView {
    let lang = use_lang();
    let host: Memo<Option<MxHost>> = Memo::new(move |_| report.with(|r| r.as_ref()?.mx.get(index).cloned()));
    let (name, preference) =
        host.with_untracked(|h| h.as_ref().map(|h| (h.host.clone(), h.preference)).unwrap_or_default());
    let addresses: Memo<Vec<IpAddr>> =
        Memo::new(move |_| host.with(|h| h.iter().flat_map(|h| h.addresses.iter().map(|a| a.ip)).collect()));
    let marks = Memo::new(move |_| {
        let lang = lang.get();
        host.with(|h| h.as_ref().map(|h| status_marks(h, lang)))
    });
    let status = (0..4)
        .map(|i| {
            let mark = Signal::derive(move || marks.get().map_or(Mark::Pending, |m| m[i].1));
            let name = Signal::derive(move || marks.get().map(|m| m[i].0.to_owned()).unwrap_or_default());
            let state = Signal::derive(move || mark.get().label(lang.get()).to_owned());
            view! { <Chip mark name state /> }
        })
        .collect_view();
    let facts = move || {
        let lang = lang.get();
        // The preference is already in the heading.
        let preference = Text::Preference.get(lang);
        host.with(|h| h.as_ref().map(|h| host_rows(h, lang)).unwrap_or_default())
            .into_iter()
            .filter(|row| row.label != preference)
            .map(|row| fact(row, lang))
            .collect_view()
    };
    let heading = format!("host-{index}");
    let (labelled_by, data_host) = (heading.clone(), name.clone());
    view! {
     <article class="host" aria-labelledby=labelled_by data-host=data_host>
         <header>
             <h2 id=heading>
                 <span class="preference">{preference}</span>
                 " "
                 <span class="host-name">{name}</span>
             </h2>
             <ul class="chips host-status">{status}</ul>
         </header>
         <dl class="facts">{facts}</dl>
         <ol class="addresses">
             <For each=move || addresses.get() key=|ip| *ip let:ip>
                 <AddressRow report host ip />
             </For>
         </ol>
     </article>
    }
    .into_any()
}
