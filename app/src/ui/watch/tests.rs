//! The monitoring view as the server renders it, from fixed data: what the list and the timeline
//! show, their links, and no English on the German page.

use leptos::prelude::*;

use super::{list, timeline};
use mxray_report::diff::Trend;
use mxray_report::model::finding::Severity;
use mxray_report::model::lang::Lang;
use mxray_report::watch::view::{ChangeLine, DomainHistory, HistoryPoint, OpenLine, WatchedDomain};

/// Two watched domains: one with an open relay since the second check, one not checked yet.
pub(super) fn domains() -> Vec<WatchedDomain> {
    vec![
        WatchedDomain {
            domain: "openrelay.example".into(),
            status: Some(Severity::Critical),
            headline: Some(
                "Mail to openrelay.example is at risk: Open relay at mx.openrelay.example (192.0.2.1)".into(),
            ),
            last_checked: Some("2026-12-08T03:00:00Z".into()),
            last_changed: Some("2026-12-07T21:00:00Z".into()),
            checks: 3,
            open: vec![OpenLine {
                severity: Severity::Critical,
                text: "Open relay — mx.openrelay.example (192.0.2.1)".into(),
                since: "2026-12-07T21:00:00Z".into(),
            }],
            next_check: Some("2026-12-08T09:00:00Z".into()),
        },
        WatchedDomain {
            domain: "new.example".into(),
            status: None,
            headline: None,
            last_checked: None,
            last_changed: None,
            checks: 0,
            open: Vec::new(),
            next_check: None,
        },
    ]
}

/// The open relay's three checks: healthy, relay opened, and a cut-off check.
pub(super) fn history() -> DomainHistory {
    let point = |id, at: &str, worst, cert_days, changes: Vec<ChangeLine>, complete| HistoryPoint {
        id,
        checked_at: at.into(),
        worst,
        cert_days,
        changes,
        complete,
    };
    let opened = ChangeLine { trend: Trend::Worse, text: "mx.openrelay.example (192.0.2.1): relay accepted".into() };
    DomainHistory {
        domain: "openrelay.example".into(),
        checks: vec![
            point(1, "2026-12-07T15:00:00Z", Severity::Ok, Some(60), Vec::new(), true),
            point(2, "2026-12-07T21:00:00Z", Severity::Critical, Some(59), vec![opened], true),
            point(3, "2026-12-08T03:00:00Z", Severity::Critical, None, Vec::new(), false),
        ],
    }
}

/// The words of an HTML fragment: tags, and what `<code>` holds, removed.
fn words(html: &str) -> String {
    let mut out = String::new();
    let (mut in_tag, mut in_code) = (false, false);
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<code") {
            in_code = true;
        } else if rest.starts_with("</code") {
            in_code = false;
        }
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag && !in_code => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[test]
fn the_list_shows_state_headline_times_and_what_is_open() {
    let html = list::domains(domains(), Lang::En).to_html();
    assert!(html.contains(r#"<article data-domain="openrelay.example" data-severity="critical""#), "{html}");
    assert!(html.contains(r#"<a href="/watch/openrelay.example">openrelay.example</a>"#), "{html}");
    assert!(html.contains(r#"<time datetime="2026-12-07T21:00:00Z">2026-12-07 21:00:00 UTC</time>"#), "{html}");
    let text = words(&html);
    for shown in
        ["critical", "Last changed", "Next check", "Open relay — mx.openrelay.example", "since", "Not checked yet"]
    {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    assert!(list::domains(Vec::new(), Lang::De).to_html().contains("Keine Domain wird überwacht."));
}

#[test]
fn the_timeline_links_every_check_and_lists_what_changed() {
    let html = timeline::timeline(history(), Lang::En).to_html();
    for id in 1..=3 {
        assert!(html.contains(&format!(r#"href="/watch/openrelay.example/{id}""#)), "check {id}: {html}");
    }
    assert_eq!(html.matches(r#"role="img""#).count(), 2, "{html}");
    assert_eq!(html.matches("<tr data-id=").count(), 3, "{html}");
    assert_eq!(html.matches(r#"class="changed-check""#).count(), 1, "{html}");
    assert!(html.contains(r#"<li data-trend="worse" class="change">"#), "{html}");
    assert!(words(&html).contains("(cut off)"), "{html}");
}

#[test]
fn the_german_view_has_no_english_words() {
    let english =
        ["the", "is", "not", "and", "of", "since", "checked", "last", "next", "open", "changes", "days", "checks"];
    let text =
        words(&(list::domains(domains(), Lang::De).to_html() + &timeline::timeline(history(), Lang::De).to_html()));
    // The fixed data's texts stand for what the server sends in the requested language.
    let text = text
        .replace("Mail to openrelay.example is at risk: Open relay at", "")
        .replace("Open relay —", "")
        .replace("relay accepted", "");
    let found: Vec<&str> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| english.contains(&w.to_lowercase().as_str())).collect();
    assert!(found.is_empty(), "{found:?} in {text}");
}
