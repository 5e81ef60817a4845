//! The domain field, the Test button and the "Advanced" fold with the ports to test. Input is
//! checked in the browser with the same normaliser the server uses, and explained under the field
//! before any request is made.

use leptos::prelude::*;

use super::lang::{tr, use_lang};
use mxray_report::input::{normalize, NormalizedInput};
use mxray_report::texts::ui::Text;

/// The form. `on_check` gets valid input only; `busy` disables nothing (a new check replaces a
/// running one) but marks the button while a check runs.
#[component]
pub fn DomainForm(
    /// The field's text.
    value: RwSignal<String>,
    /// True while a check runs.
    #[prop(into)]
    busy: Signal<bool>,
    /// The ports to test (never empty).
    ports: RwSignal<Vec<u16>>,
    /// Show the problem with the text at once (e.g. an invalid `/check/{domain}`).
    #[prop(optional)]
    judged: bool,
    /// Called with the normalised input when the user submits something valid.
    on_check: impl Fn(NormalizedInput) + 'static,
) -> impl IntoView {
    let lang = use_lang();
    // Effects run in the browser only: `data-ready` says the form is hydrated and live.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    // Explain only after the first submit, then follow the typing until it is fixed.
    let judged = RwSignal::new(judged);
    let problem = move || {
        if !judged.get() {
            return None;
        }
        normalize(value.read().trim()).err().map(|e| e.message(lang.get()))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        judged.set(true);
        if let Ok(input) = normalize(value.read_untracked().trim()) {
            on_check(input);
        }
    };
    view! {
        <form
            class="check-form"
            method="get"
            action="/"
            novalidate
            data-ready=move || ready.get().to_string()
            on:submit=on_submit
        >
            <label for="domain">{tr(Text::DomainField)}</label>
            <div class="field-row">
                <input
                    id="domain"
                    name="domain"
                    type="text"
                    inputmode="email"
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    autofocus
                    placeholder="example.com"
                    aria-describedby="domain-problem"
                    aria-invalid=move || problem().is_some().then_some("true")
                    value=value.get_untracked()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <button type="submit" aria-busy=move || busy.get().then_some("true")>
                    {tr(Text::TestButton)}
                </button>
            </div>
            <p id="domain-problem" class="field-problem" aria-live="polite">
                {problem}
            </p>
            <PortChoice ports />
        </form>
    }
}

/// The ports the page offers: SMTP, submission over implicit TLS (RFC 8314), submission.
pub const PORTS: [u16; 3] = [25, 465, 587];

/// The `ports` argument of a check: `None` for port 25 alone (the server's default), else the
/// chosen ports comma-separated, e.g. `25,587`.
pub fn ports_argument(ports: &[u16]) -> Option<String> {
    (ports != [25]).then(|| ports.iter().map(u16::to_string).collect::<Vec<_>>().join(","))
}

/// The "Advanced" fold: one checkbox per port. The last chosen port cannot be unchosen.
#[component]
fn PortChoice(
    /// The chosen ports, in [`PORTS`] order.
    ports: RwSignal<Vec<u16>>,
) -> impl IntoView {
    let boxes = PORTS
        .into_iter()
        .map(|port| {
            let chosen = move || ports.with(|p| p.contains(&port));
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                ports.update(|p| {
                    p.retain(|q| *q != port);
                    if on {
                        p.push(port);
                        p.sort_unstable();
                    }
                });
            };
            view! {
                <label class="port">
                    <input
                        type="checkbox"
                        name="ports"
                        value=port
                        checked=ports.with_untracked(|p| p.contains(&port))
                        prop:checked=chosen
                        disabled=move || chosen() && ports.with(|p| p.len() == 1)
                        on:change=toggle
                    />
                    {port}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="advanced">
            <summary>{tr(Text::Advanced)}</summary>
            <fieldset class="ports">
                <legend>{tr(Text::PortsChoice)}</legend>
                {boxes}
                <p class="hint">{tr(Text::PortsHint)}</p>
            </fieldset>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_25_alone_is_the_servers_default_and_others_are_listed() {
        assert_eq!(ports_argument(&[25]), None);
        assert_eq!(ports_argument(&[25, 465, 587]).as_deref(), Some("25,465,587"));
        assert_eq!(ports_argument(&[587]).as_deref(), Some("587"));
    }
}
