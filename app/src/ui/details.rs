//! An address's details, folded by default and filled in only while open: timing, every step's
//! facts (EHLO extensions with a one-line explanation each, TLS, the certificate chain, the relay
//! probe's replies, the TLS quality table) and the transcript with timings.

use leptos::prelude::*;

use super::lang::{tr, use_lang};
use super::quality::quality_section;
use mxray_report::model::quality::TlsQuality;
use mxray_report::model::report::{AddressReport, Direction, Report, TranscriptLine};
use mxray_report::render::rows::{address_rows, address_sections, Row, Section};
use mxray_report::texts::ehlo::extension_help;
use mxray_report::texts::ui::Text;

/// The `<details>` of one address.
#[component]
pub fn AddressDetails(
    /// The report being folded (for the check time the chain's days left count from).
    report: RwSignal<Option<Report>>,
    /// The address.
    address: Memo<Option<AddressReport>>,
) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    type Open = (Vec<Row>, Vec<Section>, Option<TlsQuality>);
    let sections: Memo<Option<Open>> = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let lang = lang.get();
        address.with(|a| {
            let a = a.as_ref()?;
            let sections = report.with(|r| r.as_ref().map(|r| address_sections(a, r, lang)));
            let rows = if a.done { address_rows(a, lang) } else { Vec::new() };
            Some((rows, sections.unwrap_or_default(), a.tls_quality.clone()))
        })
    });
    let transcript = Memo::new(move |_| {
        if open.get() {
            address.with(|a| a.as_ref().map(|a| a.transcript.clone()).unwrap_or_default())
        } else {
            Vec::new()
        }
    });
    let body = move || {
        let lang = lang.get();
        sections.get().map(|(rows, sections, quality)| {
            // The TLS quality lines read best as a table (aspect, class, evidence), not as facts.
            let quality_title = Text::TlsQualitySection.get(lang);
            view! {
                <dl class="facts">{rows.into_iter().map(|row| fact(row, lang)).collect_view()}</dl>
                {sections
                    .into_iter()
                    .map(|s| match quality.as_ref().filter(|_| s.title == quality_title) {
                        Some(q) => quality_section(s.title, q, lang).into_any(),
                        None => {
                            view! {
                                <section class="detail">
                                    <h3>{s.title}</h3>
                                    <dl class="facts">{s.rows.into_iter().map(|row| fact(row, lang)).collect_view()}</dl>
                                </section>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            }
        })
    };
    view! {
     <details class="address-details" on:toggle=move |_| open.update(|o| *o = !*o)>
         <summary>{tr(Text::AddressDetails)}</summary>
         {body}
         {move || {
             let lines = transcript.get();
             (!lines.is_empty()).then(|| view! { <Transcript lines /> })
         }}
     </details>
    }
    .into_any()
}

/// One labelled fact; an EHLO keyword gets its explanation.
pub fn fact(row: Row, lang: mxray_report::model::lang::Lang) -> impl IntoView {
    let help = extension_help(&row.label, lang).map(|h| view! { <span class="help">{h}</span> });
    view! {
        <dt>{row.label}</dt>
        <dd>
            <span class="value">{row.value}</span>
            {help}
        </dd>
    }
}

/// The SMTP dialogue with the time of each line.
#[component]
fn Transcript(
    /// The lines.
    lines: Vec<TranscriptLine>,
) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            let who = match l.dir {
                Direction::Client => "C:",
                Direction::Server => "S:",
                Direction::Event => "--",
            };
            view! {
                <tr data-dir=who>
                    <td class="at">{format!("{} ms", l.at_ms)}</td>
                    <td class="dir">{who}</td>
                    <td class="line">{l.text}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="detail">
            <h3>{tr(Text::Transcript)}</h3>
            <div class="scroll">
                <table class="transcript">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Text::Time)}</th>
                            <th scope="col"></th>
                            <th scope="col">{tr(Text::Line)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
