//! The app without the network: registering the service worker that keeps the app shell
//! (`public/sw.js`, served with the deployment's version by the server), and following the
//! browser's online state.

use leptos::prelude::*;

/// Registers `/sw.js` for the whole site; browsers without service workers skip it.
pub fn register_service_worker() {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return };
        // Absent on insecure origins and in some private modes.
        if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let registering = wasm_bindgen_futures::JsFuture::from(navigator.service_worker().register("/sw.js"));
        leptos::task::spawn_local(async move {
            if let Err(e) = registering.await {
                leptos::logging::warn!("service worker not registered: {e:?}");
            }
        });
    }
}

/// Whether the browser thinks it is online (always true on the server).
pub fn is_online() -> bool {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    true
}

/// Keeps `online` in step with the browser, from hydration on.
pub fn watch(online: RwSignal<bool>) {
    Effect::new(move |_| online.set(is_online()));
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
}
