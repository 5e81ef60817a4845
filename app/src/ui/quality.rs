//! The TLS quality section of an address's details as a small table: one row per aspect (a row
//! header), its NCSC class and the evidence or "not tested, because …". The text and HTML reports
//! show the same lines as labelled rows (`render::rows`).

use leptos::prelude::*;

use mxray_report::model::lang::Lang;
use mxray_report::model::quality::{Class, TlsQuality};
use mxray_report::texts::ui::Text;

/// The section: heading and table.
pub fn quality_section(title: String, q: &TlsQuality, lang: Lang) -> impl IntoView {
    let rows = q
        .items
        .iter()
        .map(|l| {
            let class = format!("grade {}", grade(l.class));
            view! {
                <tr>
                    <th scope="row">{l.aspect.label(lang)}</th>
                    <td class=class>{l.class_text(lang)}</td>
                    <td class="evidence">{l.evidence_text(lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="detail">
            <h3>{title}</h3>
            <table class="quality">
                <thead>
                    <tr>
                        <th scope="col">{Text::QualityAspect.get(lang)}</th>
                        <th scope="col">{Text::QualityClass.get(lang)}</th>
                        <th scope="col">{Text::QualityEvidence.get(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The class's CSS name (colour only repeats what the word says).
fn grade(class: Option<Class>) -> &'static str {
    match class {
        Some(Class::Good) => "good",
        Some(Class::Sufficient) => "sufficient",
        Some(Class::PhaseOut) => "phase-out",
        Some(Class::Insufficient) => "insufficient",
        None => "none",
    }
}
