//! Importing a saved report (a JSON or an HTML export) from any bytes: no panic; what reads as a
//! report renders in every format and language, compares with itself as unchanged, and survives
//! its own export.
#![no_main]

use mxray_report::diff::diff;
use mxray_report::render::{self, html, Format};
use mxray_report::{Lang, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = html::extract_report(&text);
    let Ok(report) = render::import(&text) else { return };
    for lang in Lang::ALL {
        for format in Format::ALL {
            render::render(&report, format, lang, true);
        }
    }
    let _ = diff(&report, &report);
    let _ = diff(&Report::empty(), &report);
    assert_eq!(render::import(&render::json::render(&report)).ok().as_ref(), Some(&report));
    assert_eq!(render::import(&html::render(&report, Lang::De)).ok().as_ref(), Some(&report));
});
