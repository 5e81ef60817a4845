//! The words of the outputs as a reader sees them: the German text, Markdown and HTML of every
//! report fixture and the German texts of every finding sample hold no English prose (only what is
//! quoted: server replies, library messages, records as published), and no output in either
//! language counts with a plural hack such as `host(s)` or `Tag(e)`.
//!
//! What is checked of a line: its quoted spans ("…", „…“, “…”, `…`, «…») are removed, then host
//! names, addresses, URLs and code-ish tokens (anything with a digit, a dot, a colon, a slash, an
//! `@`, an `_`, `=`, or a capital after the first letter); the words left must not be on
//! [`ENGLISH`], a list of common English words that are not German ones.

use super::golden::fixtures;
use super::{render, Format};
use crate::model::lang::Lang;

/// Common English words that are no German words (so `an`, `in`, `so`, `was`, `will`, `die`, `hat`,
/// `man`, `also`, `war`, `bald` are not here). Lower case; a word matches in any case.
const ENGLISH: &[&str] = &[
    "the",
    "is",
    "isn't",
    "not",
    "and",
    "of",
    "with",
    "does",
    "doesn't",
    "could",
    "has",
    "have",
    "had",
    "this",
    "that",
    "these",
    "those",
    "which",
    "from",
    "through",
    "either",
    "neither",
    "nor",
    "should",
    "would",
    "been",
    "be",
    "are",
    "were",
    "it",
    "its",
    "it's",
    "for",
    "to",
    "by",
    "on",
    "at",
    "or",
    "but",
    "only",
    "no",
    "yes",
    "when",
    "because",
    "there",
    "their",
    "than",
    "then",
    "what",
    "who",
    "why",
    "how",
    "after",
    "before",
    "within",
    "without",
    "into",
    "over",
    "under",
    "did",
    "didn't",
    "can",
    "cannot",
    "can't",
    "may",
    "must",
    "any",
    "every",
    "some",
    "more",
    "most",
    "less",
    "each",
    "other",
    "same",
    "here",
    "where",
    "while",
    "until",
    "once",
    "again",
    "failed",
    "failure",
    "refused",
    "answered",
    "answer",
    "reply",
    "replied",
    "closed",
    "connection",
    "connected",
    "connecting",
    "lookup",
    "records",
    "record",
    "matches",
    "match",
    "matched",
    "got",
    "sent",
    "found",
    "presented",
    "usable",
    "address",
    "addresses",
    "greeting",
    "extra",
    "reading",
    "sending",
    "broke",
    "timed",
    "out",
    "unreachable",
    "network",
    "seconds",
    "days",
    "day",
    "hours",
    "warnings",
    "lines",
    "line",
    "certificate",
    "certificates",
    "chain",
    "issuer",
    "trusted",
    "expired",
    "valid",
    "yet",
    "first",
    "second",
    "alert",
    "unknown",
    "says",
    "nothing",
    "about",
    "ended",
    "session",
    "message",
    "library",
    "returned",
    "query",
    "signed",
    "unsigned",
    "reached",
    "which",
    "listed",
    "own",
    "leaf",
    "public",
    "key",
    "left",
    "tried",
    "retry",
    "segments",
    "longer",
    "attempt",
    "trust",
    "anchor",
    "several",
    "ignored",
    "published",
    "lookups",
];

/// Phrases that may stand in German text as they are (removed before the words are read).
const ALLOWED: &[&str] = &[
    // A certificate authority's name.
    "Let's Encrypt",
    // Cisco configuration commands, quoted by the SMTP inspection finding's remedy.
    "no inspect esmtp",
    "no fixup protocol smtp",
];

/// Plural hacks: a noun with its plural ending in brackets.
const PLURAL_HACKS: &[&str] = &["(s)", "(e)", "(en)", "(n)", "(er)", "(es)"];

/// `text` without its quoted spans (an opening mark without a closing one keeps the rest).
fn unquoted(text: &str) -> String {
    let mut text = text.to_owned();
    for (open, close) in [('„', '“'), ('“', '”'), ('"', '"'), ('`', '`'), ('«', '»')] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            out.push_str(&rest[..start]);
            out.push(' ');
            rest = &after[end + close.len_utf8()..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// True for a token that is a name, a number or code rather than a word.
fn codeish(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit() || ".:/@_=<>$#%\\|*+&~".contains(c))
        || token.chars().skip(1).any(char::is_uppercase)
}

/// The English words left in a line of German text.
fn english_words(line: &str) -> Vec<String> {
    let mut line = unquoted(line);
    for phrase in ALLOWED {
        line = line.replace(phrase, " ");
    }
    // A configuration setting's value (`smtpd_tls_wrappermode = yes`) is code too.
    let mut after_equals = false;
    line.split(|c: char| c.is_whitespace() || "()[]{},;!?…—–·→’".contains(c))
        .filter(|t| !std::mem::replace(&mut after_equals, *t == "="))
        // A command line's option (`--to`).
        .filter(|t| !t.starts_with('-'))
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .map(|t| t.trim_end_matches(['.', ':']))
        .filter(|t| !t.is_empty() && !codeish(t))
        .filter(|t| t.ends_with("'s") || ENGLISH.contains(&t.to_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

/// The plural hacks in a line.
fn plural_hacks(line: &str) -> Vec<String> {
    let line = unquoted(line);
    PLURAL_HACKS
        .iter()
        .filter_map(|hack| {
            let at = line.find(hack)?;
            line[..at].chars().next_back().is_some_and(char::is_alphabetic).then(|| (*hack).to_owned())
        })
        .collect()
}

/// The text of an HTML document as a reader sees it, line by line: no style, no embedded JSON, no
/// transcript (it holds the dialogue as sent), no tags; entities decoded.
fn html_text(html: &str) -> String {
    let mut text = html.to_owned();
    for (open, close) in [
        ("<style", "</style>"),
        ("<script", "</script>"),
        ("<details class=\"transcript\"", "</details>"),
        ("<pre", "</pre>"),
        ("<head>", "</head>"),
    ] {
        while let Some(start) = text.find(open) {
            let end = text[start..].find(close).map_or(text.len(), |e| start + e + close.len());
            text.replace_range(start..end, "");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Every output to read: (where, language, text).
fn outputs() -> Vec<(String, Lang, String)> {
    let mut out = Vec::new();
    for (name, report) in fixtures() {
        for lang in Lang::ALL {
            for format in [Format::Text, Format::Markdown, Format::Html] {
                let rendered = render(&report, format, lang, false);
                let rendered = if format == Format::Html { html_text(&rendered) } else { rendered };
                out.push((format!("{name}.{}.{}", lang.tag(), format.extension()), lang, rendered));
            }
        }
    }
    for lang in Lang::ALL {
        for (variant, kind) in crate::texts::tests::samples() {
            let t = kind.texts(lang);
            let text = [t.title, t.detail, t.remedy].join("\n");
            out.push((format!("finding {variant} ({})", lang.tag()), lang, text));
        }
    }
    out
}

#[test]
fn no_english_on_german_outputs_and_no_plural_hacks() {
    let mut problems = Vec::new();
    for (place, lang, text) in outputs() {
        for (i, line) in text.lines().enumerate() {
            let mut bad = plural_hacks(line);
            if lang == Lang::De {
                bad.extend(english_words(line));
            }
            if !bad.is_empty() {
                problems.push(format!("{place}:{}: {bad:?}\n    {}", i + 1, line.trim()));
            }
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} lines hold English words on a German output or a plural hack like host(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_word_check_tells_english_from_german_and_skips_what_is_quoted() {
    assert_eq!(english_words("Die Verbindung wurde abgelehnt, weil der Server nicht antwortet."), Vec::<String>::new());
    assert_eq!(english_words("the connection was refused"), ["the", "connection", "refused"]);
    assert!(english_words("Meldung der Bibliothek: „connection refused by the peer“").is_empty());
    assert!(english_words("Antwort \"554 5.7.1 Relay access denied\" und `v=STSv1; id=1`").is_empty());
    assert!(english_words("mx1.example.com, 192.0.2.10, https://mta-sts.example.com/ und TLS13_AES_256").is_empty());
    assert_eq!(english_words("des Servers Zertifikat, the server's own"), ["the", "server's", "own"]);
    assert_eq!(plural_hacks("2 Host(s) und 1 Tag(e)"), ["(s)", "(e)"]);
    assert!(plural_hacks("RFC 7672 (DANE) (s. oben)").is_empty());
    let html = "<style>p{}</style><p>Hallo <code>x</code></p><script type=\"application/json\">{\"the\":1}</script>";
    assert_eq!(html_text(html).split_whitespace().collect::<Vec<_>>(), ["Hallo", "x"]);
    // A whole report keeps its body (the header's `<header>` is not the `<head>` left out).
    let page = html_text(&render(&super::fixtures::sample(), Format::Html, Lang::De, false));
    assert!(page.contains("Mail geht an 2 Hosts aus den MX-Einträgen der Domain."), "{page}");
    assert!(page.contains("STARTTLS nicht angeboten") && !page.contains("mxray.report.v1\",\""), "{page}");
}

/// What the engine once wrote in its own English into the report's free texts, now typed values with
/// words in the catalogue: none of it may reach a German output as a library's message. (Free texts
/// it still writes — the legacy TLS probe, the PTR lookup, blocklist answers — are not listed.)
const FORMER_ENGINE_WORDS: &[&str] = &[
    "no complete reply within",
    "the server closed the connection",
    "the server sent more than",
    "not an SMTP reply line",
    "is not a valid TLS server name",
    "the server closed the session",
    "the session ended",
    "usable TLSA record",
    "the TLSA lookup gave no usable answer",
    "the TLSA answer failed DNSSEC validation",
    "not DNSSEC-signed, so senders",
    "no TLSA records are published",
    "no TLSA record is usable",
    "STARTTLS is not offered",
    "STARTTLS was refused",
    "no TLS session was established",
    "STARTTLS was not tried",
    "the server sent no certificate",
    "does not chain up to it",
    "cannot serve as a trust anchor",
    "second connection",
    "inside TLS",
    "this machine has no route",
    // The legacy TLS probe.
    "the extra connection",
    "on the extra connection",
    "ClientHello",
    "ServerHello",
    "the server closed the connection without answering",
    "reading the answer failed",
    "the answer broke off",
    "the answer is not a TLS record",
    "unreadable alert",
    "unreadable handshake message",
    "which says nothing about the version",
    "alert protocol_version",
    // DNS lookups: reverse DNS and blocklists.
    "no answer within",
    "the name does not exist (NXDOMAIN)",
    "no records of that type",
    "the lookup failed",
    "an error code (",
    "lies outside 127.0.0.0/8",
    // The STARTTLS handshake.
    "no handshake within",
    "bytes arrived after the 220 to STARTTLS",
    // The relay revisit.
    "the return connection ran no relay probe",
];

/// The texts a German output quotes as a library's message.
fn library_quotes(text: &str) -> Vec<&str> {
    let label = "Meldung der Bibliothek: „";
    text.match_indices(label)
        .filter_map(|(i, _)| {
            let rest = &text[i + label.len()..];
            rest.find('“').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn the_engines_own_words_are_never_passed_off_as_a_library_message() {
    let mut problems = Vec::new();
    // Old reports (`v1-*.json`) keep their English texts; shown labelled, that is what they are.
    let written_today = fixtures().into_iter().filter(|(name, _)| !["every-field", "required-fields"].contains(name));
    for (name, report) in written_today {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let rendered = render(&report, format, Lang::De, false);
            let rendered = if format == Format::Html { html_text(&rendered) } else { rendered };
            for quoted in library_quotes(&rendered) {
                if let Some(words) = FORMER_ENGINE_WORDS.iter().find(|w| quoted.contains(*w)) {
                    problems.push(format!("{name}.de.{}: „{quoted}“ ({words:?})", format.extension()));
                }
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "mxray's own words labelled as a library's:\n{}", problems.join("\n"));
    // The check sees what it looks for.
    let old = "Sitzung: Meldung der Bibliothek: „EHLO: no complete reply within 15 s“.";
    assert_eq!(library_quotes(old), ["EHLO: no complete reply within 15 s"]);
}
