//! SMTP wire formats without I/O: reply lines, multi-line replies, EHLO keywords and banners.
//!
//! Hand-written rather than smtp-proto: that crate's `EhloResponse::parse` drops unknown keywords and
//! rejects the reply when a line is odd, while mxray must keep every raw line for the transcript,
//! enforce its own caps, and report garbage precisely.

use mxray_report::model::report::{Extension, Software};

/// Longest reply line accepted, CRLF excluded (RFC 5321 §4.5.3.1.5 says 512; servers exceed it).
pub const MAX_LINE: usize = 2048;
/// Most lines in one reply.
pub const MAX_REPLY_LINES: usize = 128;
/// Most reply text kept in a report field (banner text, EHLO host), after escaping.
pub const MAX_FIELD: usize = 1024;
/// Most EHLO extensions kept; a server offering more is flooding.
pub const MAX_EXTENSIONS: usize = 64;
/// Most bytes of one EHLO keyword or parameter kept, after escaping.
const MAX_WORD: usize = 128;
/// Most parameters kept per EHLO extension.
const MAX_PARAMS: usize = 16;

/// Why bytes are not a valid SMTP reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The line does not start with a three-digit code.
    #[error("not an SMTP reply line: {line:?}")]
    NotAReply {
        /// The line, shortened.
        line: String,
    },
    /// The code is outside 200–599.
    #[error("reply code {code} is out of range")]
    BadCode {
        /// The code.
        code: u16,
    },
    /// A continuation line changed the code.
    #[error("reply code changed from {first} to {then} inside one reply")]
    CodeChanged {
        /// First code.
        first: u16,
        /// Later code.
        then: u16,
    },
    /// A line longer than [`MAX_LINE`].
    #[error("reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// More lines than [`MAX_REPLY_LINES`].
    #[error("reply longer than {MAX_REPLY_LINES} lines")]
    TooManyLines,
}

/// A complete SMTP reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Three-digit code.
    pub code: u16,
    /// Text of each line, after the code and separator.
    pub lines: Vec<String>,
}

impl Reply {
    /// The text lines joined by newlines.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The first line as it came, e.g. `250 2.1.0 Ok` (controls escaped, at most [`MAX_FIELD`] bytes).
    pub fn summary(&self) -> String {
        match self.lines.first() {
            Some(l) if !l.is_empty() => printable(&format!("{} {l}", self.code), MAX_FIELD),
            _ => self.code.to_string(),
        }
    }

    /// 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// 4xx.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }
}

/// Collects reply lines until the last one (`check` then `parse`, one line at a time).
#[derive(Debug, Default)]
pub struct ReplyParser {
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyParser {
    /// Feeds one line (without CRLF). `Ok(None)` means more lines are needed.
    pub fn push_line(&mut self, line: &str) -> Result<Option<Reply>, WireError> {
        if line.len() > MAX_LINE {
            return Err(WireError::LineTooLong);
        }
        let (code, last, text) = parse_line(line)?;
        match self.code {
            Some(first) if first != code => return Err(WireError::CodeChanged { first, then: code }),
            _ => self.code = Some(code),
        }
        if self.lines.len() == MAX_REPLY_LINES {
            return Err(WireError::TooManyLines);
        }
        self.lines.push(text.to_owned());
        if last {
            Ok(Some(Reply { code, lines: std::mem::take(&mut self.lines) }))
        } else {
            Ok(None)
        }
    }
}

/// Splits `250-text` / `250 text` / `250` into code, is-last and text.
fn parse_line(line: &str) -> Result<(u16, bool, &str), WireError> {
    let bytes = line.as_bytes();
    let not_reply = || WireError::NotAReply { line: line.chars().take(80).collect() };
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return Err(not_reply());
    }
    let code: u16 = line[..3].parse().map_err(|_| not_reply())?;
    if !(200..600).contains(&code) {
        return Err(WireError::BadCode { code });
    }
    match bytes.get(3) {
        None => Ok((code, true, "")),
        Some(b' ') => Ok((code, true, &line[4..])),
        Some(b'-') => Ok((code, false, &line[4..])),
        Some(_) => Err(not_reply()),
    }
}

/// The parts of an EHLO reply: the server's name and its extensions, control characters escaped and
/// bounded (a flooding server's reply stays within the caps but must not fill the report).
pub fn parse_ehlo(reply: &Reply) -> (String, Vec<Extension>, Option<u64>) {
    let word = |w: &str| printable(w, MAX_WORD);
    let host = reply.lines.first().and_then(|l| l.split_whitespace().next()).map(word).unwrap_or_default();
    let extensions: Vec<Extension> = reply
        .lines
        .iter()
        .skip(1)
        .take(MAX_EXTENSIONS)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let keyword = word(words.next()?).to_ascii_uppercase();
            Some(Extension { keyword, params: words.take(MAX_PARAMS).map(word).collect() })
        })
        .collect();
    let size = extensions.iter().find(|e| e.keyword == "SIZE").and_then(|e| e.params.first()?.parse().ok());
    (host, extensions, size)
}

impl Reply {
    /// The text for a report field: lines joined by newlines, controls escaped, at most [`MAX_FIELD`]
    /// bytes (the transcript keeps the rest, within its own caps).
    pub fn field_text(&self) -> String {
        printable(&self.text(), MAX_FIELD)
    }
}

/// A control character's escape, or `None` when it is kept as it is (newlines too: they separate
/// reply lines in a field).
fn escape(c: char) -> Option<std::char::EscapeDefault> {
    (c.is_control() && c != '\n').then(|| c.escape_default())
}

/// Length of `text` once escaped, without building it.
pub fn escaped_len(text: &str) -> usize {
    text.chars().map(|c| escape(c).map_or(c.len_utf8(), |e| e.len())).sum()
}

/// Escapes control characters only, so umlauts in banners stay readable; stops before `limit`
/// bytes, never inside an escape or a character.
pub fn printable(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(limit.min(text.len() * 2));
    for c in text.chars() {
        match escape(c) {
            Some(e) if out.len() + e.len() <= limit => out.extend(e),
            None if out.len() + c.len_utf8() <= limit => out.push(c),
            _ => break,
        }
    }
    out
}

/// Known MTAs: a word to look for in the banner and the product name it means.
const SOFTWARE: &[(&str, &str)] = &[
    ("postfix", "Postfix"),
    ("exim", "Exim"),
    ("sendmail", "Sendmail"),
    ("microsoft esmtp", "Microsoft Exchange"),
    ("exchange", "Microsoft Exchange"),
    ("opensmtpd", "OpenSMTPD"),
    ("haraka", "Haraka"),
    ("qmail", "qmail"),
    ("courier", "Courier"),
    ("zimbra", "Zimbra"),
    ("hmailserver", "hMailServer"),
    ("mdaemon", "MDaemon"),
    ("kerio", "Kerio Connect"),
    ("mailenable", "MailEnable"),
    ("communigate", "CommuniGate Pro"),
    ("smtpd", "OpenSMTPD"),
    ("mx.google.com", "Google"),
];

/// Recognises the MTA in a greeting and the version it gives away, if any.
pub fn detect_software(banner: &str) -> Option<Software> {
    let lower = banner.to_ascii_lowercase();
    let (needle, name) = SOFTWARE.iter().find(|(needle, _)| lower.contains(needle))?;
    let start = lower.find(needle)? + needle.len();
    let rest = &banner[start..];
    let version = rest
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ';' || c == ',')
        .take(4)
        .map(|w| w.trim_start_matches(['v', 'V', ':', '/']))
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()) && w.contains('.'))
        .or_else(|| version_after_label(rest))
        .map(str::to_owned);
    Some(Software { name: (*name).to_owned(), version })
}

/// `…, Version: 10.0.17763.1697 ready` as Exchange writes it.
fn version_after_label(text: &str) -> Option<&str> {
    let at = text.to_ascii_lowercase().find("version:")?;
    text[at + "version:".len()..].split_whitespace().next().filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

/// `RCPT TO:<address>`: the one spelling of the command, for the relay probe and the bypass forms.
pub(super) fn rcpt_line(address: &str) -> String {
    format!("RCPT TO:<{address}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> Result<Option<Reply>, WireError> {
        let mut p = ReplyParser::default();
        let mut out = Ok(None);
        for l in lines {
            out = p.push_line(l);
            if !matches!(out, Ok(None)) {
                break;
            }
        }
        out
    }

    #[test]
    fn parses_single_and_multi_line_replies() {
        let r = parse(&["220 mx.example.com ESMTP Postfix"]).unwrap().unwrap();
        assert_eq!((r.code, r.text().as_str()), (220, "mx.example.com ESMTP Postfix"));
        let r = parse(&["250-mx.example.com", "250-PIPELINING", "250 SIZE 10240000"]).unwrap().unwrap();
        assert_eq!(r.lines, ["mx.example.com", "PIPELINING", "SIZE 10240000"]);
        assert_eq!(parse(&["250"]).unwrap().unwrap().summary(), "250");
        assert_eq!(parse(&["250-a", "250-b"]), Ok(None));
    }

    #[test]
    fn rejects_garbage() {
        let cases: &[(&[&str], &str)] = &[
            (&["HTTP/1.1 400 Bad Request"], "not an SMTP reply"),
            (&["22"], "not an SMTP reply"),
            (&["2200 x"], "not an SMTP reply"),
            (&["99 x"], "not an SMTP reply"),
            (&["120 wait"], "out of range"),
            (&["250-a", "251 b"], "changed"),
            (&["SSH-2.0-OpenSSH_9.2"], "not an SMTP reply"),
        ];
        for (lines, want) in cases {
            let err = parse(lines).unwrap_err().to_string();
            assert!(err.contains(want), "{lines:?}: {err}");
        }
        let long = format!("250 {}", "x".repeat(MAX_LINE));
        assert_eq!(parse(&[&long]), Err(WireError::LineTooLong));
        let many: Vec<&str> = std::iter::repeat_n("250-x", MAX_REPLY_LINES + 1).collect();
        assert_eq!(parse(&many), Err(WireError::TooManyLines));
    }

    #[test]
    fn a_flooding_ehlo_reply_is_bounded_in_the_report() {
        let junk = "\x01".repeat(1000);
        let mut lines = vec![format!("250-mx{junk}")];
        lines.extend((0..126).map(|i| format!("250-K{i} {junk} {junk}")));
        lines.push("250 SIZE 1000".into());
        let r = parse(&lines.iter().map(String::as_str).collect::<Vec<_>>()).unwrap().unwrap();
        let (host, ext, _) = parse_ehlo(&r);
        assert_eq!(ext.len(), MAX_EXTENSIONS);
        assert!(host.len() <= MAX_WORD && host.starts_with("mx\\u{1}"), "{host}");
        let stored: usize = ext.iter().map(|e| e.keyword.len() + e.params.iter().map(String::len).sum::<usize>()).sum();
        assert!(stored <= MAX_EXTENSIONS * MAX_WORD * 3, "{stored}");
        let banner = Reply { code: 220, lines: vec![junk.clone(); 100] };
        // 170 whole escapes of six bytes; never half an escape.
        assert_eq!(banner.field_text().len(), 1020);
        assert_eq!(Reply { code: 220, lines: vec!["a\tb".into(), "c".into()] }.field_text(), "a\\tb\nc");
    }

    #[test]
    fn reads_ehlo_keywords_and_size() {
        let r = parse(&[
            "250-mx.example.com Hello",
            "250-size 52428800",
            "250-8BITMIME",
            "250-AUTH PLAIN LOGIN",
            "250 STARTTLS",
        ])
        .unwrap()
        .unwrap();
        let (host, ext, size) = parse_ehlo(&r);
        assert_eq!(host, "mx.example.com");
        assert_eq!(size, Some(52_428_800));
        let kw: Vec<&str> = ext.iter().map(|e| e.keyword.as_str()).collect();
        assert_eq!(kw, ["SIZE", "8BITMIME", "AUTH", "STARTTLS"]);
        assert_eq!(ext[2].params, ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn recognises_software_and_leaked_versions() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("mx.example.com ESMTP Postfix (Debian/GNU)", "Postfix", None),
            ("mx.example.com ESMTP Exim 4.96 Mon, 27 Nov 2026 10:00:00 +0000", "Exim", Some("4.96")),
            ("mx.example.com ESMTP Sendmail 8.15.2/8.15.2; Mon, 27 Nov 2026", "Sendmail", Some("8.15.2/8.15.2")),
            (
                "EX01 Microsoft ESMTP MAIL Service, Version: 10.0.17763.1697 ready",
                "Microsoft Exchange",
                Some("10.0.17763.1697"),
            ),
            ("mx.example.com ESMTP OpenSMTPD", "OpenSMTPD", None),
            ("mx.google.com ESMTP a1si123", "Google", None),
            ("mail.example.com ESMTP Postfix 3.7.11", "Postfix", Some("3.7.11")),
        ];
        for (banner, name, version) in cases {
            let s = detect_software(banner).unwrap_or_else(|| panic!("{banner}"));
            assert_eq!((s.name.as_str(), s.version.as_deref()), (*name, *version), "{banner}");
        }
        assert_eq!(detect_software("mx.example.com ESMTP ready"), None);
    }
}
