//! Files in and out of the browser: a download built from a string (a `Blob`, an object URL and
//! a temporary `<a download>`), and the text of the file the user picked or dropped. In the
//! server build these do nothing: they only run in event handlers.

use leptos::ev::{DragEvent, Event};
use leptos::prelude::Callback;

/// A file the user gave the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PickedFile {
    /// Its name, as the user's system calls it.
    pub name: String,
    /// Its text, or why it could not be read.
    pub text: Result<String, ReadError>,
}

/// Why a file could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(all(target_arch = "wasm32", feature = "hydrate")), allow(dead_code))] // only the browser reads files
pub enum ReadError {
    /// Larger than the largest file read as a report (16 MiB).
    TooLarge,
    /// The browser could not read it (gone, not text, no permission).
    Unreadable,
}

/// Offers `contents` as a download named `name`.
pub fn download(name: &str, mime: &str, contents: &str) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    if let Err(e) = web::download(name, mime, contents) {
        leptos::logging::warn!("download of {name} failed: {e:?}");
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = (name, mime, contents);
}

/// Reads the file chosen in the `<input type="file">` that fired `ev` and empties the input (so
/// choosing the same file again fires again).
pub fn read_chosen(ev: &Event, then: Callback<PickedFile>) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        let input: web_sys::HtmlInputElement = leptos::prelude::event_target(ev);
        let file = input.files().and_then(|files| files.get(0));
        input.set_value("");
        web::read(file, then);
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = (ev, then);
}

/// Reads the first file dropped with `ev`.
pub fn read_dropped(ev: &DragEvent, then: Callback<PickedFile>) {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    web::read(ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)), then);
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    let _ = (ev, then);
}

#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
mod web {
    use leptos::prelude::{set_timeout, Callable, Callback};
    use leptos::task::spawn_local;
    use std::time::Duration;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

    use super::{PickedFile, ReadError};

    /// Largest file read as a report; an HTML export of a large domain stays far below.
    const MAX_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

    pub(super) fn download(name: &str, mime: &str, contents: &str) -> Result<(), JsValue> {
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        let parts = js_sys::Array::of1(&JsValue::from_str(contents));
        let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        link.set_href(&url);
        link.set_download(name);
        link.click();
        // The browser has taken the file once the click is handled; free the memory later.
        set_timeout(move || Url::revoke_object_url(&url).unwrap_or_default(), Duration::from_secs(30));
        Ok(())
    }

    pub(super) fn read(file: Option<File>, then: Callback<PickedFile>) {
        let Some(file) = file else { return };
        spawn_local(async move {
            let text = if file.size() > MAX_FILE_BYTES {
                Err(ReadError::TooLarge)
            } else {
                JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).ok_or(ReadError::Unreadable)
            };
            then.run(PickedFile { name: file.name(), text });
        });
    }
}
