//! One row per address: family, address, the six step chips as they arrive, and the folded
//! details.

use leptos::prelude::*;
use std::net::IpAddr;

use super::aspects::AspectChips;
use super::chip::Chip;
use super::details::AddressDetails;
use super::lang::{tr, use_lang};
use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::report::{AddressReport, Family, Mark, MxHost, Report};
use mxray_report::render::facts::step_state;
use mxray_report::texts::ui::Text;

/// The finding that says an address was not contacted.
const BLOCKED: &str = "target_blocked";

/// The row of `ip` in a host card.
#[component]
pub fn AddressRow(
    /// The report being folded.
    report: RwSignal<Option<Report>>,
    /// The host the address belongs to.
    host: Memo<Option<MxHost>>,
    /// The address.
    ip: IpAddr,
) -> impl IntoView {
    let lang = use_lang();
    let address: Memo<Option<AddressReport>> =
        Memo::new(move |_| host.with(|h| h.as_ref()?.addresses.iter().find(|a| a.ip == ip).cloned()));
    let done = move || address.with(|a| a.as_ref().is_some_and(|a| a.done));
    let family = match Family::of(&ip) {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    };
    let chips = Step::ALL
        .into_iter()
        .map(|step| {
            let mark = move || address.with(|a| a.as_ref().map_or(Mark::Pending, |a| step_mark(a, step)));
            let state =
                move || address.with(|a| a.as_ref().map(|a| step_state(a, step).label(lang.get())).unwrap_or_default());
            let name = move || step.label(lang.get()).to_owned();
            view! {
                <Chip
                    step
                    mark=Signal::derive(mark)
                    name=Signal::derive(name)
                    state=Signal::derive(state)
                />
            }
        })
        .collect_view();
    let blocked = move || {
        address.with(|a| {
            let finding = a.as_ref()?.findings.iter().find(|f| f.code == BLOCKED)?;
            Some(view! { <p class="note">{finding.texts(lang.get()).detail}</p> })
        })
    };
    view! {
     <li class="address" data-ip=ip.to_string() data-done=move || done().to_string()>
         <div class="address-head">
             <span class="family">{family}</span>
             <code class="ip">{ip.to_string()}</code>
             <span class="spinner" aria-hidden="true" hidden=done></span>
         </div>
         <ul class="chips steps" aria-label=tr(Text::Steps)>
             {chips}
         </ul>
         <AspectChips address />
         {blocked}
         <AddressDetails report address />
     </li>
    }
    .into_any()
}
