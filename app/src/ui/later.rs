//! Views whose code loads after hydration. Built with `cargo leptos --split`, each `#[lazy]`
//! function behind [`once_interactive`] is a WASM chunk of its own (the `mxray_split` cfg, set by
//! `app/build.rs`), so the page's first WASM holds little more than the form; without the split it
//! is an ordinary function and works the same.

use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use std::future::Future;
use std::pin::Pin;

/// Makes a view, some time later.
pub type Later = Box<dyn Fn() -> Pin<Box<dyn Future<Output = AnyView> + Send>> + Send + Sync>;

/// Renders the view `load` makes once the page is interactive (the server renders nothing there:
/// none of these views works without JavaScript). `load` is boxed so that every place shares one
/// copy of this code, and the view is awaited by hand: `Suspend` would add 3.6 KB gzip to the
/// page's WASM.
pub fn once_interactive(load: Later) -> impl IntoView {
    let view = StoredValue::new_local(None::<AnyView>);
    let ready = Trigger::new();
    let owner = Owner::current().unwrap_or_default();
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        let later = load();
        let shown = async move {
            view.set_value(Some(later.await));
            ready.notify();
        };
        // Built under this component (its contexts, its cleanup), observed by nothing.
        leptos::task::spawn_local(owner.with(|| ScopedFuture::new_untracked(shown)));
    });
    // The view is taken once, when it is ready; nothing else wakes this closure.
    move || {
        ready.track();
        view.try_update_value(Option::take).flatten()
    }
}
