//! Property tests: SMTP reply framing and parsing under hostile input (`wire`, `connection`), the
//! relay probe's reading of replies (`relay::classify`) and the TLS quality probe's flight reader
//! (`tls_quality::Flight`). Any bytes, cut into any reads, never panic; a well-formed reply parses to
//! the same `Reply` however it is cut; the caps hold.
//!
//! Case counts are modest so the whole file runs in a few seconds in a debug build; raise them for a
//! longer hunt with `MXRAY_PROPTEST_SCALE=50 cargo test -p server --test properties`.

use mxray_report::model::report::{Direction, RelayReason};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use server::probe::connection::{SessionError, SmtpConnection, MAX_SESSION_BYTES};
use server::probe::relay::{classify, enhanced_code, RelayStage};
use server::probe::transcript::{Transcript, MAX_BYTES, MAX_LINES};
use server::probe::wire::{
    detect_software, escaped_len, parse_ehlo, printable, Reply, ReplyParser, WireError, MAX_EXTENSIONS, MAX_FIELD,
    MAX_LINE, MAX_REPLY_LINES,
};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, DuplexStream};

/// `wire`'s private caps on EHLO words: bytes per keyword or parameter, parameters per extension.
const MAX_WORD: usize = 128;
const MAX_PARAMS: usize = 16;
/// `SmtpConnection` reads at most this much at once, so the byte cap may be crossed by one read.
const READ_CHUNK: usize = 4096;
/// The longest single escape `printable` writes (`\u{10ffff}`).
const LONGEST_ESCAPE: usize = 10;

/// `cases` per property, times `MXRAY_PROPTEST_SCALE` when set. A failure's seed is kept in
/// `tests/proptest-regressions/properties.txt` (commit it with the fix) and tried first on every
/// later run, so a failure found once by a random seed is never lost.
fn config(cases: u32) -> ProptestConfig {
    let scale = std::env::var("MXRAY_PROPTEST_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    // Next to this file: proptest's default looks for a lib.rs above the test, which tests/ has not.
    let regressions = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/proptest-regressions/properties.txt");
    ProptestConfig {
        cases: cases.saturating_mul(scale),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Characters a hostile server likes: controls, CR, NUL, DEL, escapes, multi-byte and wide ones,
/// plus plain text so that real words appear. One number per character (cheap to generate and to
/// shrink in a debug build; it shrinks towards `a`).
fn hostile_char() -> impl Strategy<Value = char> {
    const PUNCT: &[char] = &[' ', ' ', '\t', '-', '.', ':', '/', '(', ')', ';', ',', '<', '>', '@'];
    const CONTROL: &[char] = &['\0', '\r', '\x01', '\x1b', '\x7f', '\u{85}', '\u{9f}', '\u{2028}'];
    const WIDE: &[char] = &['ä', 'ß', '€', 'İ', '\u{10ffff}', '😀', '\u{fffd}', '\u{feff}'];
    any::<u32>().prop_map(|n| {
        let (pick, rest) = (n % 64, (n / 64) as usize);
        let from = |chars: &[char]| chars[rest % chars.len()];
        match pick {
            0..=23 => char::from(b'a' + (rest % 26) as u8),
            24..=31 => char::from(b'A' + (rest % 26) as u8),
            32..=39 => char::from(b'0' + (rest % 10) as u8),
            40..=51 => from(PUNCT),
            52..=57 => from(CONTROL),
            58..=61 => from(WIDE),
            _ => char::from_u32((rest % 0x11_0000) as u32).unwrap_or('\u{fffd}'),
        }
    })
}

/// Text from a plain alphabet (`alphabet` as bytes), `min..=max` characters.
fn plain(alphabet: &'static [u8], min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u16>(), min..=max)
        .prop_map(move |v| v.iter().map(|n| char::from(alphabet[usize::from(*n) % alphabet.len()])).collect())
}

/// Text of up to `max` hostile characters.
fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(String::from_iter)
}

/// Text that may be much longer than a cap: hostile text, or one character repeated.
fn long_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_text(60),
        1 => (prop::sample::select(vec!['x', '\x01', 'ä', '\u{10ffff}', ' ']), 0..1500usize)
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect::<String>()),
    ]
}

/// A reply text line as it may come: a well-formed reply line, a near miss, or anything at all.
fn reply_line() -> impl Strategy<Value = String> {
    let code = prop_oneof![4 => 200u16..600, 1 => 0u16..1000];
    let sep = prop::sample::select(vec!["-", "-", " ", " ", "", "x", "\t"]);
    prop_oneof![
        6 => (code, sep, hostile_text(30)).prop_map(|(c, s, t)| format!("{c:03}{s}{t}")),
        1 => any::<String>(),
        1 => (prop::sample::select(vec!["250-", "250 "]), MAX_LINE - 8..MAX_LINE + 3)
            .prop_map(|(p, n)| format!("{p}{}", "y".repeat(n - p.len()))),
    ]
}

/// A `Reply` as a hostile peer (or a hostile JSON import) could make it: any code, any lines.
fn any_reply() -> impl Strategy<Value = Reply> {
    let code = prop_oneof![4 => 200u16..600, 1 => any::<u16>()];
    (code, prop::collection::vec(long_text(), 0..12)).prop_map(|(code, lines)| Reply { code, lines })
}

/// Text lines that a well-formed reply can carry: anything but LF, and no CR at the end (the
/// reader strips one CR before LF, as SMTP's CRLF says).
fn reply_text() -> impl Strategy<Value = String> {
    hostile_text(40).prop_map(|t| t.replace('\n', " ").trim_end_matches('\r').to_owned())
}

/// A well-formed multi-line reply: its code, its text lines, and its bytes on the wire (LF or CRLF
/// per line, the last line with or without the space when its text is empty).
fn well_formed_reply() -> impl Strategy<Value = (Reply, Vec<u8>)> {
    (200u16..600, prop::collection::vec((reply_text(), any::<bool>(), any::<bool>()), 1..=24)).prop_map(
        |(code, lines)| {
            let last = lines.len() - 1;
            let mut wire = Vec::new();
            for (i, (text, crlf, bare)) in lines.iter().enumerate() {
                let sep = match (i == last, text.is_empty() && *bare) {
                    (false, _) => "-",
                    (true, true) => "",
                    (true, false) => " ",
                };
                wire.extend_from_slice(format!("{code}{sep}{text}").as_bytes());
                wire.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
            }
            (Reply { code, lines: lines.into_iter().map(|(t, _, _)| t).collect() }, wire)
        },
    )
}

/// A byte stream a server might send: pieces of well-formed replies, garbage, line ends, long runs.
fn hostile_stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => reply_line().prop_map(|l| format!("{l}\r\n").into_bytes()),
        2 => well_formed_reply().prop_map(|(_, w)| w),
        2 => prop::collection::vec(any::<u8>(), 0..24),
        1 => prop::sample::select(vec![&b"\r\n"[..], b"\n", b"\r", b"\xc3", b"\xf0\x9f", b"\xff"]).prop_map(<[u8]>::to_vec),
        1 => (prop::sample::select(vec![b'A', b'\r', 0x80]), MAX_LINE - 4..MAX_LINE + 4).prop_map(|(b, n)| vec![b; n]),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// Where to cut a stream of `len` bytes: sorted, distinct inner positions.
fn cuts() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..10)
}

fn chunks(bytes: &[u8], cuts: &[Index]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.dedup();
    at.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect()
}

// ---------------------------------------------------------------------------------------------
// Reading over a duplex pipe

/// Runs `read` against a connection whose peer writes `chunks` one at a time (yielding between
/// them, through a pipe of `capacity` bytes, so reads end at chunk and capacity boundaries), then
/// closes its end.
fn over_duplex<T>(
    chunks: Vec<Vec<u8>>,
    capacity: usize,
    read: impl AsyncFnOnce(&mut SmtpConnection<DuplexStream>, &mut Transcript) -> T,
) -> (T, Vec<String>, usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let (client, mut server) = tokio::io::duplex(capacity);
        let writer = tokio::spawn(async move {
            for chunk in chunks {
                if server.write_all(&chunk).await.is_err() {
                    return;
                }
                tokio::task::yield_now().await;
            }
        });
        let mut conn = SmtpConnection::new(client, Duration::from_secs(20));
        let mut transcript = Transcript::new();
        let out = read(&mut conn, &mut transcript).await;
        let received = conn.received();
        drop(conn);
        writer.await.expect("writer");
        let lines = transcript.finish().into_iter().map(|l| format!("{:?} {}", l.dir, l.text)).collect();
        (out, lines, received)
    })
}

/// One `read_reply` over a duplex pipe.
fn read_one(chunks: Vec<Vec<u8>>, capacity: usize) -> (Result<Reply, SessionError>, Vec<String>, usize) {
    over_duplex(chunks, capacity, async |conn, t| conn.read_reply(t).await)
}

/// What `read_reply` must return for a stream, by the rules alone: LF ends a line, one CR before it
/// goes, a line longer than [`MAX_LINE`] (or an unended rest longer than `MAX_LINE + 1`) is too
/// long, invalid UTF-8 is replaced, the parser decides, and an unended rest at the end is `Closed`.
fn model(bytes: &[u8]) -> Result<Reply, String> {
    let mut parser = ReplyParser::default();
    let mut rest = bytes;
    loop {
        let Some(end) = rest.iter().position(|b| *b == b'\n') else {
            return Err(if rest.len() > MAX_LINE + 1 { "LineTooLong".into() } else { "Closed".into() });
        };
        let mut line = &rest[..end];
        rest = &rest[end + 1..];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        if line.len() > MAX_LINE {
            return Err("LineTooLong".into());
        }
        match parser.push_line(&String::from_utf8_lossy(line)) {
            Ok(Some(reply)) => return Ok(reply),
            Ok(None) => {}
            Err(e) => return Err(wire_kind(&e)),
        }
    }
}

fn wire_kind(e: &WireError) -> String {
    format!("{e:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned()
}

fn session_kind(e: &SessionError) -> String {
    match e {
        SessionError::Invalid(w) => wire_kind(w),
        SessionError::Closed => "Closed".into(),
        other => format!("{other:?}"),
    }
}

fn assert_reply_caps(r: &Reply) {
    assert!((200..600).contains(&r.code), "code {}", r.code);
    assert!(!r.lines.is_empty() && r.lines.len() <= MAX_REPLY_LINES, "{} lines", r.lines.len());
    assert!(r.lines.iter().all(|l| l.len() <= MAX_LINE));
}

// ---------------------------------------------------------------------------------------------
// wire: ReplyParser

proptest! {
    #![proptest_config(config(256))]

    /// Any lines: no panic; a line over `MAX_LINE` is refused as too long; a reply obeys the caps
    /// and holds exactly the lines pushed.
    #[test]
    fn push_line_never_panics_and_keeps_the_caps(lines in prop::collection::vec(reply_line(), 0..40)) {
        let mut parser = ReplyParser::default();
        for (i, line) in lines.iter().enumerate() {
            match parser.push_line(line) {
                Ok(None) => prop_assert!(i + 1 < MAX_REPLY_LINES),
                Ok(Some(r)) => {
                    assert_reply_caps(&r);
                    prop_assert_eq!(r.lines.len(), i + 1);
                    break;
                }
                Err(WireError::LineTooLong) => { prop_assert!(line.len() > MAX_LINE); break; }
                Err(_) => { prop_assert!(line.len() <= MAX_LINE); break; }
            }
        }
    }

    /// Well-formed replies parse to their code and text, line by line.
    #[test]
    fn push_line_reads_well_formed_replies((want, wire) in well_formed_reply()) {
        let text = String::from_utf8(wire).unwrap();
        let mut parser = ReplyParser::default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let got = parser.push_line(line).unwrap();
            if i + 1 < lines.len() {
                prop_assert_eq!(got, None);
            } else {
                prop_assert_eq!(got.as_ref(), Some(&want));
            }
        }
    }
}

#[test]
fn push_line_counts_lines_up_to_the_cap() {
    let mut parser = ReplyParser::default();
    for _ in 0..MAX_REPLY_LINES {
        assert_eq!(parser.push_line("250-x"), Ok(None));
    }
    assert_eq!(parser.push_line("250 x"), Err(WireError::TooManyLines));
    let mut parser = ReplyParser::default();
    for _ in 1..MAX_REPLY_LINES {
        assert_eq!(parser.push_line("250-x"), Ok(None));
    }
    assert_eq!(parser.push_line("250 x").unwrap().unwrap().lines.len(), MAX_REPLY_LINES);
}

// ---------------------------------------------------------------------------------------------
// wire: report fields

const KEYWORD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
const PRINTABLE: &[u8] =
    b"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

fn no_controls_but_newline(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\n')
}

proptest! {
    #![proptest_config(config(256))]

    /// `summary` and `field_text` stay within `MAX_FIELD`, escape every control but LF, keep the
    /// beginning of the escaped text and cut only when the next piece does not fit.
    #[test]
    fn report_fields_are_escaped_and_bounded(reply in any_reply()) {
        let summary = reply.summary();
        prop_assert!(summary.len() <= MAX_FIELD);
        prop_assert!(no_controls_but_newline(&summary), "{:?}", summary);
        prop_assert!(summary.starts_with(&reply.code.to_string()));

        let field = reply.field_text();
        let full = printable(&reply.text(), usize::MAX);
        prop_assert_eq!(full.len(), escaped_len(&reply.text()));
        prop_assert!(field.len() <= MAX_FIELD);
        prop_assert!(no_controls_but_newline(&field), "{:?}", field);
        prop_assert!(full.starts_with(&field));
        if full.len() <= MAX_FIELD {
            prop_assert_eq!(&field, &full);
        } else {
            prop_assert!(field.len() > MAX_FIELD - LONGEST_ESCAPE, "cut at {} of {}", field.len(), full.len());
        }

        // The banner's software is read from the field, so its version is bounded and escaped too.
        if let Some(software) = detect_software(&field) {
            let version = software.version.unwrap_or_default();
            prop_assert!(version.len() <= MAX_FIELD && no_controls_but_newline(&version) && !version.contains('\n'));
        }
    }

    /// EHLO replies: a host name and at most `MAX_EXTENSIONS` extensions of at most `MAX_PARAMS`
    /// parameters, every word at most `MAX_WORD` bytes with controls escaped; SIZE is read from
    /// the SIZE extension only.
    #[test]
    fn parse_ehlo_keeps_its_caps(reply in any_reply(), extra in prop::collection::vec(hostile_text(8), 0..80)) {
        let mut reply = reply;
        reply.lines.extend(extra);
        let (host, extensions, size) = parse_ehlo(&reply);
        let word_ok = |w: &str| w.len() <= MAX_WORD && !w.chars().any(char::is_control) && !w.contains(' ');
        prop_assert!(word_ok(&host), "{:?}", host);
        prop_assert!(extensions.len() <= MAX_EXTENSIONS);
        for e in &extensions {
            prop_assert!(word_ok(&e.keyword) && !e.keyword.is_empty(), "{:?}", e.keyword);
            prop_assert!(!e.keyword.bytes().any(|b| b.is_ascii_lowercase()));
            prop_assert!(e.params.len() <= MAX_PARAMS);
            prop_assert!(e.params.iter().all(|p| word_ok(p) && !p.is_empty()), "{:?}", e.params);
        }
        let from_size = extensions.iter().find(|e| e.keyword == "SIZE").and_then(|e| e.params.first()?.parse().ok());
        prop_assert_eq!(size, from_size);
    }

    /// Plain EHLO lines within the caps are kept word for word.
    #[test]
    fn parse_ehlo_keeps_plain_lines_as_sent(
        host in plain(b"abcdefghijklmnopqrstuvwxyz0123456789.-", 1, 40),
        lines in prop::collection::vec(
            (plain(KEYWORD, 1, 20), prop::collection::vec(plain(PRINTABLE, 1, 30), 0..=MAX_PARAMS)),
            0..=MAX_EXTENSIONS,
        ),
    ) {
        let reply = Reply {
            code: 250,
            lines: std::iter::once(format!("{host} Hello"))
                .chain(lines.iter().map(|(k, p)| std::iter::once(k.clone()).chain(p.iter().cloned()).collect::<Vec<_>>().join(" ")))
                .collect(),
        };
        let (got_host, extensions, _) = parse_ehlo(&reply);
        prop_assert_eq!(got_host, host);
        prop_assert_eq!(extensions.len(), lines.len());
        for (e, (k, p)) in extensions.iter().zip(&lines) {
            prop_assert_eq!(&e.keyword, &k.to_ascii_uppercase());
            prop_assert_eq!(&e.params, p);
        }
    }

    /// Any banner: no panic; a version is a piece of the banner starting with a digit; Postfix is
    /// always recognised.
    #[test]
    fn detect_software_reads_any_banner(
        parts in prop::collection::vec(prop_oneof![
            3 => hostile_text(12),
            1 => prop::sample::select(vec!["Postfix", "EXIM", "sendmail", "Microsoft ESMTP", "version:", "Version: ", "v1.2", "/3.7", " 4.96 ", "(", ")", "opensmtpd", "mx.google.com", "İ", "ß"]).prop_map(str::to_owned),
        ], 0..10),
    ) {
        let banner = parts.concat();
        let found = detect_software(&banner);
        if let Some(software) = &found {
            if let Some(version) = &software.version {
                prop_assert!(banner.contains(version.as_str()));
                prop_assert!(version.starts_with(|c: char| c.is_ascii_digit()));
            }
        }
        if banner.to_ascii_lowercase().contains("postfix") {
            prop_assert_eq!(found.map(|s| s.name), Some("Postfix".to_owned()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// connection: read_reply over tokio::io::duplex

proptest! {
    #![proptest_config(config(128))]

    /// A well-formed reply (and the one after it), cut into any reads, reads as itself.
    #[test]
    fn read_reply_is_the_same_however_the_reply_is_cut(
        (first, wire1) in well_formed_reply(),
        (second, wire2) in well_formed_reply(),
        cuts in cuts(),
        capacity in 1usize..64,
    ) {
        let wire = [wire1.as_slice(), wire2.as_slice()].concat();
        let lines = first.lines.len() + second.lines.len();
        let (replies, transcript, received) = over_duplex(chunks(&wire, &cuts), capacity, async |conn, t| {
            let a = conn.read_reply(t).await.map_err(|e| e.to_string());
            let b = conn.read_reply(t).await.map_err(|e| e.to_string());
            (a, b)
        });
        prop_assert_eq!(replies, (Ok(first), Ok(second)));
        prop_assert_eq!(transcript.len(), lines);
        prop_assert!(transcript.iter().all(|l| l.starts_with("Server ")));
        prop_assert_eq!(received, wire.len());
    }

    /// Any bytes, cut into any reads: no panic, the result is what the framing rules say (the same
    /// as in one read), the transcript is the same, and a reply keeps the caps.
    #[test]
    fn read_reply_on_any_bytes_follows_the_rules(bytes in hostile_stream(), cuts in cuts(), capacity in 1usize..64) {
        let (got, transcript, received) = read_one(chunks(&bytes, &cuts), capacity);
        let (whole, whole_transcript, _) = read_one(vec![bytes.clone()], bytes.len().max(1));
        prop_assert!(received <= bytes.len());
        let got = got.map_err(|e| session_kind(&e));
        prop_assert_eq!(&got, &whole.map_err(|e| session_kind(&e)));
        prop_assert_eq!(&transcript, &whole_transcript);
        prop_assert_eq!(&got, &model(&bytes));
        if let Ok(reply) = &got {
            assert_reply_caps(reply);
            prop_assert!(reply.lines.iter().all(|l| !l.contains('\n')));
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    /// A server that never stops sending valid replies is cut off once it has sent more than
    /// `MAX_SESSION_BYTES`, within one read; every reply before holds its caps, and so does the
    /// transcript.
    #[test]
    fn a_flood_of_replies_ends_at_the_session_byte_cap(
        code in 200u16..600,
        lines in 1usize..=MAX_REPLY_LINES,
        width in 0usize..=MAX_LINE - 4,
        cuts in cuts(),
    ) {
        let mut one = Vec::new();
        for i in 0..lines {
            let sep = if i + 1 == lines { ' ' } else { '-' };
            one.extend_from_slice(format!("{code}{sep}{}\r\n", "z".repeat(width)).as_bytes());
        }
        let copies = (MAX_SESSION_BYTES + READ_CHUNK) / one.len() + 2;
        let wire = one.repeat(copies);
        let (outcome, transcript, received) = over_duplex(chunks(&wire, &cuts), 8192, async |conn, t| {
            let mut replies = 0usize;
            loop {
                match conn.read_reply(t).await {
                    Ok(r) => {
                        assert_reply_caps(&r);
                        assert_eq!(r.lines.len(), lines);
                        replies += 1;
                    }
                    Err(e) => return (replies, e),
                }
            }
        });
        let (replies, error) = outcome;
        prop_assert!(matches!(error, SessionError::TooMuchData), "{}", error);
        prop_assert!(received > MAX_SESSION_BYTES && received <= MAX_SESSION_BYTES + READ_CHUNK, "{}", received);
        prop_assert!(replies * one.len() <= MAX_SESSION_BYTES);
        prop_assert!(transcript.len() <= MAX_LINES + 1);
        let kept: usize = transcript.iter().filter_map(|l| l.strip_prefix("Server ")).map(str::len).sum();
        prop_assert!(kept <= MAX_BYTES, "{}", kept);
        // More was sent than either cap keeps, so the transcript closes with a note saying so.
        let note = transcript.last().map(String::as_str).unwrap_or_default();
        prop_assert!(note.starts_with(&format!("{:?} transcript cut", Direction::Event)), "{}", note);
    }
}

// ---------------------------------------------------------------------------------------------
// relay: classify

/// Reply lines in the words relay refusals, sender checks and the like use, mixed with noise.
fn relay_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        2 => hostile_text(8),
        3 => prop::sample::select(vec![
            "5.7.1", "4.7.1", "5.1.1", "5.7.54", "4.2.0", "2.1.5", "5.7.0", "5.4.1", "1.2.3.4", "9.9.9",
            "Relay access denied", "relaying denied", "Greylisted", "Sender address rejected", "Helo command rejected",
            "Client host rejected", "blocked using", "STARTTLS", "Authentication required", "Access denied",
            "Domain not found", "nullMX", "User unknown", "<relay-test@example.net>", "<", ">", "<<", ">>", "İ", "ẞ",
        ]).prop_map(str::to_owned),
    ];
    prop::collection::vec(word, 0..6).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(config(512))]

    /// Any reply: no panic and never `NoReply` (that is for no reply at all); 250/251 at RCPT and 250
    /// at MAIL are accepted, 252 at RCPT accepted unverified, 1xx and 3xx are protocol errors, 421 is
    /// the server closing (or refusing mxray's address, here 1.2.3.4); an enhanced code, when read,
    /// agrees with the reply's class.
    #[test]
    fn classify_reads_any_reply(
        code in prop_oneof![3 => 100u16..600, 1 => any::<u16>()],
        lines in prop::collection::vec(relay_text(), 0..4),
    ) {
        let reply = Reply { code, lines };
        let client = Some("1.2.3.4".parse().unwrap());
        for stage in [RelayStage::Mail, RelayStage::Rcpt] {
            let reason = classify(&reply, stage, client);
            prop_assert_ne!(reason, RelayReason::NoReply);
            match (stage, code) {
                (RelayStage::Rcpt, 250 | 251) | (RelayStage::Mail, 250) => prop_assert_eq!(reason, RelayReason::Accepted),
                (RelayStage::Rcpt, 252) => prop_assert_eq!(reason, RelayReason::AcceptedUnverified),
                (_, 100..=199 | 300..=399) => prop_assert_eq!(reason, RelayReason::ProtocolError),
                (_, 200..=299) => prop_assert_eq!(reason, RelayReason::ProtocolError),
                (_, 421) => prop_assert!(matches!(reason, RelayReason::ServerClosing | RelayReason::ClientRejected), "{:?}", reason),
                (_, 400..=499) => prop_assert!(!matches!(reason, RelayReason::Accepted | RelayReason::AcceptedUnverified | RelayReason::ProtocolError)),
                _ => prop_assert!(!matches!(reason, RelayReason::Accepted | RelayReason::AcceptedUnverified)),
            }
        }
        if let Some((class, subject, detail)) = enhanced_code(&reply) {
            prop_assert!(class == code / 100 && subject <= 7 && detail <= 999);
        }
    }
}

/// A TLS record body that is often a well-framed handshake message (ServerHello, Certificate,
/// ServerKeyExchange, ServerHelloDone) with hostile contents, else any bytes.
fn tls_body() -> impl Strategy<Value = Vec<u8>> {
    let framed = (prop::sample::select(vec![2u8, 11, 12, 14, 13, 0]), prop::collection::vec(any::<u8>(), 0..300))
        .prop_map(|(kind, body)| {
            let len = u32::try_from(body.len()).unwrap().to_be_bytes();
            [&[kind, len[1], len[2], len[3]][..], &body].concat()
        });
    prop_oneof![2 => framed, 1 => prop::collection::vec(any::<u8>(), 0..300)]
}

proptest! {
    #![proptest_config(config(512))]

    /// The TLS quality probe's flight reader takes any records, cut anywhere, without a panic, and
    /// an answer it gives is a ServerHello's (chosen, with a suite) or a refusal (with an alert).
    #[test]
    fn the_flight_reader_reads_any_records(
        records in prop::collection::vec((prop::sample::select(vec![21u8, 22]), tls_body()), 0..8),
        cut in any::<Index>(),
    ) {
        use mxray_report::model::quality::{HelloOutcome, Offer};
        use server::probe::tls_quality::Flight;
        let mut flight = Flight { offer: Offer::Ordinary, buffer: Vec::new(), answer: None };
        let all: Vec<u8> = records.iter().flat_map(|(_, b)| b.clone()).collect();
        // The same handshake bytes once as the records came, once cut in two at any point.
        let at = if all.is_empty() { 0 } else { cut.index(all.len()) };
        let mut split = Flight { offer: Offer::Weak, buffer: Vec::new(), answer: None };
        let _ = split.record(22, &all[..at]);
        let _ = split.record(22, &all[at..]);
        for (kind, body) in &records {
            if let Some(answer) = flight.record(*kind, body) {
                if let Ok(a) = answer {
                    match a.outcome {
                        HelloOutcome::Chosen => prop_assert!(a.suite.is_some()),
                        HelloOutcome::Refused => prop_assert!(a.alert.is_some()),
                        HelloOutcome::NotTested => prop_assert!(false, "an answer read is never not tested"),
                    }
                }
                break;
            }
        }
    }
}
