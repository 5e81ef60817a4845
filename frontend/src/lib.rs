//! The hydrate entry point: mounts the app over the server-rendered page.

/// Called by the generated JS once the WASM is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in the console for debug builds; release builds leave the hook (and the panic
    // message formatting it pulls in) out of the size-capped WASM.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
