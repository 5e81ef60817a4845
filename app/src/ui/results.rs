//! Everything below the form: progress or verdict, the DNS answer as a sentence, one card per
//! mail host and the findings. None of it is needed for the first paint (the form), so its code
//! (the report views, the findings texts, the detail rows) loads right after hydration.

use leptos::prelude::*;

use super::check::{CheckState, Phase};
use super::findings::FindingsList;
use super::host::HostCard;
use super::lang::{tr, use_lang};
use super::later::once_interactive;
use super::policy::TransportSecurity;
use mxray_report::model::report::{MxSource, Report};
use mxray_report::render::facts::{duration, mx_source_sentence, severity_symbol, verdict_hints};
use mxray_report::render::headline::{headline, Part};
use mxray_report::texts::ui::Text;
use mxray_report::texts::{count, pick};

/// How far a check has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Progress {
    resolved: bool,
    done: usize,
    total: usize,
}

impl Progress {
    fn of(r: &Report) -> Self {
        let addresses = || r.mx.iter().flat_map(|h| h.addresses.iter());
        Progress {
            resolved: r.complete || r.mx_source != MxSource::None || r.dns.error.is_some(),
            done: addresses().filter(|a| a.done).count(),
            total: addresses().count(),
        }
    }
}

/// The results of the page's check, once the page is interactive.
#[component]
pub fn Results(
    /// The check to show.
    state: CheckState,
) -> impl IntoView {
    once_interactive(Box::new(move || {
        CheckState::prepare();
        Box::pin(results(state))
    }))
}

/// The view of [`Results`]: a lazily loaded chunk when the build splits the WASM (see
/// [`super::later`]), an ordinary function otherwise.
#[cfg_attr(mxray_split, lazy)]
async fn results(state: CheckState) -> AnyView {
    view! { <ResultsView state /> }.into_any()
}

/// Status, DNS sentence, host cards and findings of `state`.
#[component]
fn ResultsView(
    /// The check to show.
    state: CheckState,
) -> impl IntoView {
    let lang = use_lang();
    let report = state.report;
    let progress = Memo::new(move |_| report.with(|r| r.as_ref().map(Progress::of)));
    let hosts: Memo<Vec<(usize, String)>> = Memo::new(move |_| {
        report.with(|r| r.iter().flat_map(|r| r.mx.iter().enumerate().map(|(i, h)| (i, h.host.clone()))).collect())
    });
    let sentence = Memo::new(move |_| {
        let lang = lang.get();
        report.with(|r| r.as_ref().filter(|r| Progress::of(r).resolved).map(|r| mx_source_sentence(r, lang)))
    });
    let outcome = Memo::new(move |_| {
        let lang = lang.get();
        report.with(|r| {
            r.as_ref()
                .filter(|r| r.complete)
                .map(|r| (headline(r, lang), duration(r.duration_ms, lang), verdict_hints(r, lang)))
        })
    });
    let status = move || {
        let lang = lang.get();
        match (state.phase.get(), progress.get()) {
            (Phase::Failed(problem), _) => view! {
                <p class="problem">
                    <span class="icon" aria-hidden="true">"✘"</span>
                    {format!(" {}: {}", Text::CheckFailed.get(lang), problem.message(lang))}
                </p>
            }
            .into_any(),
            (Phase::Running, Some(p)) => {
                let words = if p.resolved {
                    pick(
                        lang,
                        format!("{} of {} finished", p.done, count(p.total, "address", "addresses")),
                        format!("{} von {} fertig", p.done, count(p.total, "Adresse", "Adressen")),
                    )
                } else {
                    Text::Resolving.get(lang).to_owned()
                };
                view! {
                    <p class="progress">
                        <span class="spinner" aria-hidden="true"></span>
                        <span>{words}</span>
                        <progress max=p.total.max(1) value=p.done></progress>
                    </p>
                }
                .into_any()
            }
            _ => outcome
                .get()
                .map(|(headline, took, hint)| {
                    let severity = headline.severity;
                    // The worst findings named, each a link to its entry in the list below.
                    let sentence = headline
                        .parts
                        .into_iter()
                        .map(|part| match part {
                            Part::Text { text } => text.into_any(),
                            Part::Finding { text, anchor, code } => {
                                view! { <a href=format!("#{anchor}") data-code=code>{text}</a> }.into_any()
                            }
                        })
                        .collect_view();
                    view! {
                        <p class="verdict" data-severity=super::findings::severity_id(severity)>
                            <span class="icon" aria-hidden="true">{severity_symbol(severity)}</span>
                            <strong class="headline">{sentence}</strong>
                            <span class="took">{format!(" ({took})")}</span>
                            // Port 25 may be blocked, or DNSSEC not passed on, where mxray runs: said
                            // once, where the verdict is read.
                            {hint.into_iter().map(|h| view! { <span class="verdict-hint">{h}</span> }).collect_view()}
                        </p>
                    }
                })
                .into_any(),
        }
    };
    view! {
     <section class="results" aria-label=tr(Text::Verdict)>
         <div class="status" role="status" aria-live="polite">{status}</div>
         {move || sentence.get().map(|s| view! { <p class="dns-sentence">{s}</p> })}
         // The hosts' chips come before the domain's transport-security panel (on a phone the
         // verdict and the hosts are what fits on the first screen).
         <div class="hosts" aria-live="polite" aria-busy=move || (state.phase.get() == Phase::Running).to_string()>
             <For each=move || hosts.get() key=|host: &(usize, String)| host.clone() let:host>
                 <HostCard report index=host.0 />
             </For>
         </div>
         <TransportSecurity report />
         <FindingsList report />
     </section>
    }
    .into_any()
}
