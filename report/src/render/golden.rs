//! Golden outputs: every report fixture rendered in every format and language, and the texts of
//! every finding sample in both languages, compared byte for byte with the files checked in under
//! `report/tests/golden/reports/`, and old saved reports of the contract read back. A deliberate change to an output is re-blessed with
//! `MXRAY_BLESS=1 cargo test -p mxray-report --lib golden` and reviewed in the diff of that commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fixtures::{build, dns_only, good_addr, good_tls, running, sample, server_words, Addr, Host, Tls};
use super::{import, json, render, text, Format};
use crate::model::lang::Lang;
use crate::model::report::{DnsFailure, MxSource, Report};

/// The folder of the checked-in documents.
fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A report of `mxray.report.v1` as saved when this test was written, with every field of the
/// contract filled (no `null`, no empty list) and one finding of every kind. Frozen: never edit it
/// to follow a change of the types; old saved reports do not change either.
const EVERY_FIELD: &str = include_str!("../../tests/golden/v1-every-field.json");

/// The same report with every field left out that may be absent (options and fields with a
/// default, where their value is not a section of its own): what the oldest saved reports hold.
const REQUIRED_FIELDS: &str = include_str!("../../tests/golden/v1-required-fields.json");

/// Every report fixture, by file name.
pub(super) fn fixtures() -> Vec<(&'static str, Report)> {
    let soon = Tls { days: 5, not_after: "2026-12-02T23:59:00Z", ..good_tls() };
    vec![
        ("sample", sample()),
        ("running", running()),
        (
            "expires-soon",
            build(&[Host {
                name: "mx1.example.com",
                addrs: vec![Addr { tls: Some(soon), ..good_addr("192.0.2.10") }],
            }]),
        ),
        ("null-mx", dns_only(MxSource::NullMx, None)),
        ("implicit-mx", dns_only(MxSource::Implicit, None)),
        ("nxdomain", dns_only(MxSource::None, Some(DnsFailure::Nxdomain))),
        ("no-records", dns_only(MxSource::None, Some(DnsFailure::NoRecords))),
        ("dns-failed", dns_only(MxSource::None, Some(DnsFailure::Failed { detail: "SERVFAIL".into() }))),
        ("server-words", server_words()),
        ("tls-quality", super::fixtures::tls_quality()),
        ("every-field", import(EVERY_FIELD).expect("the every-field report reads")),
        ("required-fields", import(REQUIRED_FIELDS).expect("the required-fields report reads")),
    ]
}

/// Every output of one report, by file name. The required-fields report differs from the
/// every-field one only in what is absent: its JSON (how an old report is written back) and text
/// say enough, and its Markdown and HTML would be 200 KB more of nearly the same.
fn outputs(name: &str, report: &Report) -> Vec<(String, String)> {
    let mut out = vec![(format!("{name}.json"), json::render(report))];
    let formats: &[Format] =
        if name == "required-fields" { &[Format::Text] } else { &[Format::Text, Format::Markdown, Format::Html] };
    for lang in Lang::ALL {
        let code = lang.tag();
        for &format in formats {
            out.push((format!("{name}.{code}.{}", format.extension()), render(report, format, lang, false)));
        }
        // The terminal's view with colours and transcripts, for the report that has every part.
        if name == "every-field" {
            let options = text::TextOptions { color: true, transcript: true };
            out.push((format!("{name}.{code}.color-transcript.txt"), text::render(report, lang, options)));
        }
    }
    out
}

/// The first lines where `want` and `got` differ, with a little context.
fn diff(want: &str, got: &str) -> String {
    let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let Some(first) = (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i)) else {
        return "  (the lines agree; the line endings or the final newline differ)".into();
    };
    let mut out = String::new();
    for i in first.saturating_sub(2)..(first + 6).min(want.len().max(got.len())) {
        match (want.get(i), got.get(i)) {
            (w, g) if w == g => out.push_str(&format!("  {:>5}   {}\n", i + 1, w.unwrap_or(&""))),
            (w, g) => {
                if let Some(w) = w {
                    out.push_str(&format!("  {:>5} - {w}\n", i + 1));
                }
                if let Some(g) = g {
                    out.push_str(&format!("  {:>5} + {g}\n", i + 1));
                }
            }
        }
    }
    out
}

/// The finding catalogue in one language: every sample of every kind with its code, severity and
/// texts (the reports show one finding of each kind; this shows every branch of the texts).
fn catalogue(lang: Lang) -> String {
    let mut out = String::new();
    for (variant, kind) in crate::texts::tests::samples() {
        let t = kind.texts(lang);
        let severity = kind.severity().label(lang);
        out.push_str(&format!(
            "{} ({variant}, {severity})\n  {}\n  {}\n  {}\n\n",
            kind.code(),
            t.title,
            t.detail,
            t.remedy
        ));
    }
    out
}

#[test]
fn golden_outputs_are_unchanged() {
    let dir = golden().join("reports");
    let bless = std::env::var_os("MXRAY_BLESS").is_some_and(|v| v != "0" && !v.is_empty());
    let mut expected = BTreeMap::new();
    for (name, report) in fixtures() {
        expected.extend(outputs(name, &report));
    }
    for lang in Lang::ALL {
        expected.insert(format!("findings.{}.txt", lang.tag()), catalogue(lang));
    }
    if bless {
        std::fs::create_dir_all(&dir).expect("create the golden folder");
    }
    let mut failures = Vec::new();
    for (file, got) in &expected {
        let path = dir.join(file);
        let want = std::fs::read_to_string(&path).ok();
        if want.as_deref() == Some(got.as_str()) {
            continue;
        }
        if bless {
            std::fs::write(&path, got).expect("write a golden file");
            continue;
        }
        failures.push(match want {
            None => format!("{file}: missing"),
            Some(want) => format!("{file} differs (- checked in, + rendered now):\n{}", diff(&want, got)),
        });
    }
    // A file no fixture renders any more is a leftover of a removed fixture or format.
    for entry in std::fs::read_dir(&dir).expect("the golden folder exists") {
        let file = entry.expect("a folder entry").file_name().to_string_lossy().into_owned();
        if !expected.contains_key(&file) {
            if bless {
                std::fs::remove_file(dir.join(&file)).expect("remove a stale golden file");
            } else {
                failures.push(format!("{file}: no fixture renders it any more"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden output(s) of {} differ from report/tests/golden/reports/:\n\n{}\n\nIf the change is \
         intended, re-bless and review the diff: MXRAY_BLESS=1 cargo test -p mxray-report --lib golden",
        failures.len(),
        expected.len(),
        failures.join("\n\n")
    );
}

/// Where `old` (a saved report) is not contained in `new` (the same report written today): each
/// key of an object must still be there with a value that contains the old one; arrays keep their
/// length. New fields are allowed: the contract only grows.
fn lost(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in old {
                match new.get(key) {
                    Some(now) => lost(value, now, &format!("{path}.{key}"), out),
                    None => out.push(format!("{path}.{key}: gone (renamed or removed)")),
                }
            }
        }
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => {
            for (i, (old, new)) in old.iter().zip(new).enumerate() {
                lost(old, new, &format!("{path}[{i}]"), out);
            }
        }
        (old, new) if old == new => {}
        (old, new) => out.push(format!("{path}: was {old}, now {new}")),
    }
}

/// Every `null` and empty list in a document.
fn unfilled(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Null => out.push(path.to_owned()),
        Value::Array(items) if items.is_empty() => out.push(path.to_owned()),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| unfilled(v, &format!("{path}[{i}]"), out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| unfilled(v, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn old_v1_reports_read_back_with_every_field() {
    for (file, saved) in [("v1-every-field.json", EVERY_FIELD), ("v1-required-fields.json", REQUIRED_FIELDS)] {
        let report: Report = serde_json::from_str(saved).unwrap_or_else(|e| panic!("{file} no longer reads: {e}"));
        let old: Value = serde_json::from_str(saved).unwrap();
        let new = serde_json::to_value(&report).unwrap();
        let mut problems = Vec::new();
        lost(&old, &new, "", &mut problems);
        assert!(
            problems.is_empty(),
            "{file}: a saved report no longer comes back as it was (the contract only grows; never \
             rename or remove a field):\n{}",
            problems.join("\n")
        );
    }
    let mut empty = Vec::new();
    unfilled(&serde_json::from_str(EVERY_FIELD).unwrap(), "", &mut empty);
    assert!(empty.is_empty(), "v1-every-field.json leaves fields unfilled: {empty:?}");
}

#[test]
fn the_containment_check_catches_renamed_and_removed_fields() {
    let old: Value = serde_json::json!({"a": 1, "b": {"c": [1, 2]}, "d": "x"});
    let mut problems = Vec::new();
    let renamed = serde_json::json!({"a": 1, "b": {"c2": [1, 2]}, "d": "x", "e": true});
    lost(&old, &renamed, "", &mut problems);
    assert_eq!(problems, [".b.c: gone (renamed or removed)"]);
    problems.clear();
    let changed = serde_json::json!({"a": 2, "b": {"c": [1]}, "d": "x"});
    lost(&old, &changed, "", &mut problems);
    assert_eq!(problems, [".a: was 1, now 2", ".b.c: was [1,2], now [1]"]);
    problems.clear();
    let grown = serde_json::json!({"a": 1, "b": {"c": [1, 2], "new": null}, "d": "x"});
    lost(&old, &grown, "", &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
}
