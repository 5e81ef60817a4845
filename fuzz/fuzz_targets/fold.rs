//! The fold over any event sequence: the input is NDJSON as the API streams it; every line that
//! reads as an event is folded (in the order given, duplicates and all). No panic; the report is
//! complete exactly when a `done` came after the last `started`; it renders in every format and
//! language and its JSON export reads back as the same report.
#![no_main]

use mxray_report::render::{self, Format};
use mxray_report::{CheckEvent, Lang, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let events: Vec<CheckEvent> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let report = Report::from_events(&events);
    let since = events.iter().rposition(|e| matches!(e, CheckEvent::Started { .. })).map_or(0, |i| i + 1);
    let done = events[since..].iter().any(|e| matches!(e, CheckEvent::Done { .. }));
    assert_eq!(report.complete, done);
    for lang in Lang::ALL {
        for format in Format::ALL {
            render::render(&report, format, lang, format == Format::Text);
        }
    }
    let back = render::import(&render::json::render(&report)).expect("an export reads back");
    assert_eq!(back, report);
});
