//! Property tests of the shared core under hostile input: the input normaliser, the fold over any
//! event sequence, and the import of saved reports (any bytes; any report that reads back renders
//! in every format and language and compares with another).
//!
//! Case counts are modest so the file runs in a few seconds in a debug build; raise them for a
//! longer hunt with `MXRAY_PROPTEST_SCALE=50 cargo test -p app --features ssr --test properties`.

use app::storage::{KeyValue, Shelf, StoreError};
use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::diff::diff;
use mxray_report::model::event::{CheckEvent, PlannedHost, StepResult};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::*;
use mxray_report::render::{self, html, json, Format};
use mxray_report::{normalize, Report};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use std::net::IpAddr;

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
// Input normaliser

/// Characters people (and attackers) type into a domain field: host name characters, what UTS-46
/// maps to them, to dots or to what a host name cannot hold (full-width letters and `＿／＠：`,
/// ideographic full stops, ligatures, `⒈`, `℀`, `⑴`), joiners,
/// combining marks, bidi controls, and anything else. One number per character: cheap to generate
/// and shrinking towards `a`.
fn domain_char() -> impl Strategy<Value = char> {
    const ODD: &str = concat!(
        "_/:[]%\0\r\n \u{a0}",
        "\u{3002}\u{ff0e}\u{ff61}\u{fe52}\u{2024}\u{2488}", // dots, and ⒈ (maps to "1.")
        "\u{ff21}\u{ff41}\u{fb01}\u{33cf}\u{24d0}\u{1d400}", // full-width, ligature, ㏏, ⓐ, 𝐀
        "\u{ff3f}\u{ff0f}\u{ff20}\u{fe6b}\u{ff1a}\u{2100}\u{2474}", // ＿／＠﹫： ℀ ⑴
        "\u{ad}\u{200b}\u{200c}\u{200d}\u{301}\u{202e}\u{feff}", // soft hyphen, joiners, combining, bidi, BOM
        "üßẞİıΩςяا١٣ก日😀\u{10ffff}\u{fffd}",
    );
    any::<u32>().prop_map(|n| {
        let (pick, rest) = (n % 64, (n / 64) as usize);
        match pick {
            0..=27 => char::from(b'a' + (rest % 26) as u8),
            28..=33 => char::from(b'A' + (rest % 26) as u8),
            34..=41 => char::from(b'0' + (rest % 10) as u8),
            42..=45 => '-',
            46..=49 => '.',
            50 => '@',
            51..=61 => ODD.chars().nth(rest % ODD.chars().count()).unwrap_or('?'),
            _ => char::from_u32((rest % 0x11_0000) as u32).unwrap_or('\u{fffd}'),
        }
    })
}

/// Input for the domain field: anything, or something shaped like a name or an address.
fn domain_input() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        4 => prop::collection::vec(domain_char(), 0..12).prop_map(String::from_iter),
        // Letters and digits only (some upper case, some beyond ASCII): names that should pass.
        4 => prop::collection::vec(any::<u16>(), 1..12).prop_map(|v| {
            const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789üößÜẞİΩя日";
            v.iter().map(|n| LETTERS.chars().nth(usize::from(*n) % LETTERS.chars().count()).unwrap_or('a')).collect()
        }),
        1 => (60usize..66, any::<bool>()).prop_map(|(n, wide)| if wide { "ü".repeat(n / 2) } else { "a".repeat(n) }),
        1 => prop::sample::select(vec!["xn--", "xn--bcher-kva", "xn--zz", "XN--BCHER-KVA", "a--b", "-a", "a-", "1", "123"])
            .prop_map(str::to_owned),
    ];
    let name = (prop::collection::vec(label, 1..6), any::<u8>()).prop_map(|(labels, shape)| {
        let name = labels.join(".");
        match shape % 8 {
            0 => format!("{name}."),
            1 => format!("user@{name}"),
            2 => format!("[{name}]"),
            3 => format!("@{name}"),
            _ => name,
        }
    });
    let long = (1usize..6, 60usize..64).prop_map(|(n, len)| vec!["a".repeat(len); n].join("."));
    prop_oneof![6 => name, 2 => any::<String>(), 1 => long]
}

// The host name rules, checked independently of the normaliser (also used by the fuzz target).
#[path = "support/host_name.rs"]
mod host_name;

use host_name::assert_host_name;

proptest! {
    #![proptest_config(config(512))]

    /// Any input: no panic; a valid A-label host name or a typed error; the name normalises to itself.
    #[test]
    fn normalize_yields_a_host_name_or_an_error(input in domain_input()) {
        if let Ok(n) = normalize(&input) {
            assert_host_name(&n.domain);
            prop_assert_eq!(&n.input, &input);
            prop_assert_eq!(normalize(&n.domain).map(|again| again.domain), Ok(n.domain.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Events: a small world of hosts and addresses, with hostile text and extreme numbers

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", "mx1.example.com", "example.com", "Example.COM.", "bücher.example", "</script><script>alert(1)</script>",
            "<!-- -->", "]]>", "&amp;", "\u{1b}[2J\u{1b}[31m", "\u{202e}gnp.exe", "a\r\nb", "\0", "\t|", "| --- |", "`",
            "*_~#", "Grüße 😀", "\u{2028}", "\u{feff}", "%s%n", "{}", "\"'", "2026-11-27T23:59:00Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:60-99:99", "1970-01-01 00:00:00+00:00", "2026-02-31T25:61:61Z",
            "TLSv1.3", "TLSv1.0", "SSLv3", "250 2.1.5 Ok", "554 5.7.1 Relay access denied",
        ]).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => (prop::sample::select(vec!["x", "\u{1}", "ü", "<", "\n"]), 0usize..400).prop_map(|(s, n)| s.repeat(n)),
    ]
    .boxed()
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn num() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0u64..5000, 1 => any::<u64>(), 1 => Just(u64::MAX)]
}

fn count() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0usize..5, 1 => any::<usize>(), 1 => Just(usize::MAX)]
}

fn days() -> impl Strategy<Value = i64> {
    prop_oneof![4 => -400i64..400, 1 => any::<i64>(), 1 => Just(i64::MIN), 1 => Just(i64::MAX)]
}

const HOSTS: &[&str] = &["mx1.example.com", "mx2.example.com", "mx3.example.com", "MX1.example.com.", "", "<b>x</b>"];
const IPS: &[&str] = &["192.0.2.1", "192.0.2.2", "2001:db8::1", "::ffff:192.0.2.1", "10.0.0.1"];

fn host() -> impl Strategy<Value = String> {
    prop::sample::select(HOSTS).prop_map(str::to_owned)
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop::sample::select(IPS).prop_map(|s| s.parse().unwrap())
}

/// Host indexes: mostly known ones, sometimes beyond any list.
fn mx() -> impl Strategy<Value = usize> {
    prop_oneof![6 => 0usize..3, 1 => 3usize..5, 1 => Just(usize::MAX)]
}

fn planned_host() -> BoxedStrategy<PlannedHost> {
    (host(), any::<u16>(), opt_text(), opt_text(), prop::collection::vec(ip(), 0..=3), count(), any::<bool>())
        .prop_map(|(host, preference, cname, address_error, addresses, addresses_skipped, resolving)| PlannedHost {
            host,
            preference,
            cname,
            address_error,
            addresses,
            addresses_skipped,
            resolving,
        })
        .boxed()
}

fn tcp() -> BoxedStrategy<TcpReport> {
    use TcpOutcome::*;
    let outcome = prop::sample::select(vec![Connected, Refused, Timeout, Unreachable, Blocked, Error, NoRoute]);
    (outcome, prop::option::of(num()), opt_text(), any::<u16>())
        .prop_map(|(outcome, connect_ms, detail, port)| TcpReport { failure: None, outcome, connect_ms, detail, port })
        .boxed()
}

fn banner() -> BoxedStrategy<BannerReport> {
    let software = prop::option::of((text(), opt_text()).prop_map(|(name, version)| Software { name, version }));
    (prop::option::of(any::<u16>()), text(), software, num(), opt_text(), prop::option::of(num()))
        .prop_map(|(code, text, software, elapsed_ms, error, greeting_timeout_secs)| BannerReport {
            failure: None,
            code,
            text,
            software,
            elapsed_ms,
            error,
            refuses_tester: None,
            greeting_timeout_secs,
        })
        .boxed()
}

fn ehlo() -> BoxedStrategy<EhloReport> {
    let keyword = prop_oneof![
        3 => prop::sample::select(vec!["STARTTLS", "SIZE", "PIPELINING", "AUTH", "8BITMIME", "starttls"]).prop_map(str::to_owned),
        1 => text(),
    ];
    let extension =
        (keyword, prop::collection::vec(text(), 0..3)).prop_map(|(keyword, params)| Extension { keyword, params });
    (
        prop::option::of(any::<u16>()),
        text(),
        prop::collection::vec(extension, 0..4),
        prop::option::of(num()),
        any::<bool>(),
        opt_text(),
    )
        .prop_map(|(code, host, extensions, size_limit, helo_fallback, error)| EhloReport {
            code,
            host,
            extensions,
            size_limit,
            helo_fallback,
            ehlo_refusal: error.clone().filter(|_| helo_fallback),
            error,
            refuses_tester: None,
        })
        .boxed()
}

fn starttls() -> BoxedStrategy<StartTlsReport> {
    use StartTlsOutcome::*;
    use TlsFailure::*;
    let outcome = prop::sample::select(vec![Ok, NotOffered, Rejected, HandshakeFailed, Skipped, NotTestable]);
    let failure = prop::option::of(prop::sample::select(vec![
        LegacyVersionOnly,
        NoSharedCipher,
        Alert,
        NotTls,
        Closed,
        Timeout,
        BadSignature,
        Other,
    ]));
    (
        (any::<bool>(), outcome, opt_text(), opt_text(), opt_text()),
        (prop::option::of(num()), opt_text(), any::<bool>(), failure),
    )
        .prop_map(
            |(
                (offered, outcome, tls_version, cipher_suite, kx_group),
                (handshake_ms, error, pipelined_plaintext, failure),
            )| {
                StartTlsReport {
                    handshake_problem: None,
                    no_reply: None,
                    not_testable: None,
                    offered,
                    outcome,
                    tls_version,
                    cipher_suite,
                    kx_group,
                    handshake_ms,
                    error,
                    pipelined_plaintext,
                    failure,
                }
            },
        )
        .boxed()
}

fn certificate() -> BoxedStrategy<CertificateReport> {
    let info = (
        (text(), text(), text(), text(), text(), prop::collection::vec(text(), 0..3)),
        (text(), prop::option::of(any::<u32>()), text(), text(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (subject, issuer, serial, not_before, not_after, san),
                (key_algorithm, key_bits, signature_algorithm, sha256, expired, not_yet_valid, off_path),
            )| CertificateInfo {
                subject,
                issuer,
                serial,
                not_before,
                not_after,
                san,
                key_algorithm,
                key_bits,
                signature_algorithm,
                sha256,
                expired,
                not_yet_valid,
                off_path,
            },
        );
    (
        (any::<bool>(), opt_text(), opt_text(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), days(), prop::collection::vec(info, 0..3), opt_text()),
    )
        .prop_map(
            |(
                (trusted, trust_error, unknown_issuer, hostname_matches, expired, not_yet_valid),
                (self_signed, days_until_expiry, chain, parse_error),
            )| CertificateReport {
                trusted,
                trust_error,
                unknown_issuer,
                hostname_matches,
                expired,
                not_yet_valid,
                self_signed,
                days_until_expiry,
                chain,
                parse_error,
            },
        )
        .boxed()
}

fn relay_reason() -> impl Strategy<Value = RelayReason> {
    use RelayReason::*;
    prop::sample::select(vec![
        Accepted,
        AcceptedUnverified,
        RelayDenied,
        RefusedUnstated,
        SenderRejected,
        HeloRejected,
        ClientRejected,
        RecipientRejected,
        Greylisted,
        TlsRequired,
        Temporary,
        ProtocolError,
        NoReply,
        RecipientUnknown,
        ServerClosing,
    ])
}

fn unanswered() -> impl Strategy<Value = Unanswered> {
    let cause = prop_oneof![
        num().prop_map(|ms| NoAnswer::Timeout { ms }),
        Just(NoAnswer::Closed),
        text().prop_map(|detail| NoAnswer::Failed { detail }),
    ];
    (prop::sample::select(vec!["MAIL FROM", "RCPT TO", ""]), cause)
        .prop_map(|(command, cause)| Unanswered { command: command.to_owned(), cause })
}

fn relay() -> BoxedStrategy<RelayReport> {
    use RelayOutcome::*;
    let attempt = (text(), opt_text(), opt_text(), relay_reason(), prop::option::of(unanswered()))
        .prop_map(|(sender, mail_from, rcpt_to, reason, unanswered)| RelayAttempt {
            sender,
            mail_from,
            rcpt_to,
            reason,
            unanswered,
        })
        .boxed();
    let revisit = (
        prop::sample::select(vec![RevisitReason::PostscreenReply, RevisitReason::MultiLineGreeting]),
        text(),
        prop::collection::vec(attempt.clone(), 0..3),
        opt_text(),
    )
        .prop_map(|(reason, reply, earlier, error)| RelayRevisit { reason, reply, earlier, error, failure: None });
    (
        (prop::sample::select(vec![Refused, Accepted, Inconclusive, Skipped]), opt_text(), opt_text(), text()),
        (text(), any::<bool>(), prop::option::of(relay_reason()), prop::collection::vec(attempt.clone(), 0..3)),
        (prop::option::of(attempt), prop::option::of(revisit)),
    )
        .prop_map(
            |(
                (outcome, mail_from, rcpt_to, sender),
                (recipient, over_tls, reason, attempts),
                (local_sender, revisit),
            )| {
                RelayReport {
                    outcome,
                    mail_from,
                    rcpt_to,
                    sender,
                    recipient,
                    over_tls,
                    reason,
                    attempts,
                    bypass: Vec::new(),
                    local_sender,
                    revisit,
                }
            },
        )
        .boxed()
}

fn step() -> BoxedStrategy<StepResult> {
    prop_oneof![
        tcp().prop_map(StepResult::Tcp),
        banner().prop_map(StepResult::Banner),
        ehlo().prop_map(StepResult::Ehlo),
        starttls().prop_map(StepResult::Starttls),
        certificate().prop_map(StepResult::Certificate),
        ehlo().prop_map(StepResult::EhloTls),
        relay().prop_map(StepResult::OpenRelay),
    ]
    .boxed()
}

fn address_done() -> BoxedStrategy<CheckEvent> {
    let line = (num(), prop::sample::select(vec![Direction::Client, Direction::Server, Direction::Event]), text())
        .prop_map(|(at_ms, dir, text)| TranscriptLine { at_ms, dir, text });
    let protocol_error =
        prop::option::of((text(), text(), any::<bool>()).prop_map(|(command, reply, unsolicited)| ProtocolError {
            command,
            reply,
            unsolicited,
        }));
    let command = prop_oneof![
        prop::sample::select(vec!["greeting", "EHLO", "STARTTLS", "RSET", "RCPT TO"]).prop_map(str::to_owned),
        text(),
    ];
    let server_closed =
        prop::option::of((command, text()).prop_map(|(command, reply)| ServerClosed { command, reply }));
    (
        (mx(), ip(), num(), prop::collection::vec(line, 0..3), any::<bool>(), any::<u8>()),
        (opt_text(), protocol_error, server_closed, num(), prop::option::of(host())),
    )
        .prop_map(
            |(
                (mx, ip, duration_ms, transcript, deadline_hit, connections),
                (error, protocol_error, server_closed, queued_ms, same_server_as),
            )| CheckEvent::AddressDone {
                mx,
                ip,
                duration_ms,
                transcript,
                deadline_hit,
                connections,
                error,
                failure: None,
                protocol_error,
                server_closed,
                queued_ms,
                same_server_as,
            },
        )
        .boxed()
}

fn event() -> BoxedStrategy<CheckEvent> {
    let source = prop::sample::select(vec![MxSource::Mx, MxSource::Implicit, MxSource::NullMx, MxSource::None]);
    let dns_failure = prop::option::of(prop_oneof![
        Just(DnsFailure::Nxdomain),
        Just(DnsFailure::NoRecords),
        text().prop_map(|detail| DnsFailure::Failed { detail }),
    ]);
    let started = (text(), prop_oneof![3 => Just("example.com".to_owned()), 1 => text()], text(), text())
        .prop_map(|(input, domain, checked_at, resolver)| CheckEvent::Started { input, domain, checked_at, resolver });
    let resolved = (source, prop::collection::vec(planned_host(), 0..=3), dns_failure, count(), any::<bool>())
        .prop_map(|(mx_source, hosts, error, mx_hosts_skipped, null_mx_mixed)| CheckEvent::Resolved {
            mx_source,
            hosts,
            error,
            mx_hosts_skipped,
            null_mx_mixed,
        });
    prop_oneof![
        1 => started,
        2 => resolved,
        1 => (mx(), planned_host()).prop_map(|(mx, host)| CheckEvent::HostResolved { mx, host }),
        6 => (mx(), ip(), step()).prop_map(|(mx, ip, step)| CheckEvent::Step { mx, ip, step: Box::new(step) }),
        2 => address_done(),
        1 => Just(CheckEvent::Heartbeat),
        1 => num().prop_map(|duration_ms| CheckEvent::Done { duration_ms }),
    ]
    .boxed()
}

/// A run as the engine would stream it (Started, Resolved, then anything), or any sequence at all.
fn events() -> impl Strategy<Value = Vec<CheckEvent>> {
    prop::collection::vec(event(), 0..24)
}

fn distinct<T: PartialEq>(items: impl Iterator<Item = T>) -> bool {
    let items: Vec<T> = items.collect();
    items.iter().enumerate().all(|(i, a)| !items[..i].contains(a))
}

fn is_started(e: &CheckEvent) -> bool {
    matches!(e, CheckEvent::Started { .. })
}

// ---------------------------------------------------------------------------------------------
// The fold

proptest! {
    #![proptest_config(config(128))]

    /// Any event sequence folds without panic; the report is complete exactly when a `Done` came
    /// after the last `Started`; its hosts are those of the last `Resolved` since then; every
    /// event survives its NDJSON line.
    #[test]
    fn fold_takes_any_events(events in events()) {
        let report = Report::from_events(&events);
        let since = events.iter().rposition(is_started).map_or(0, |i| i + 1);
        let tail = &events[since..];
        prop_assert_eq!(report.complete, tail.iter().any(|e| matches!(e, CheckEvent::Done { .. })));
        let hosts = tail.iter().rev().find_map(|e| match e {
            CheckEvent::Resolved { hosts, .. } => Some(hosts.len()),
            _ => None,
        });
        prop_assert_eq!(report.mx.len(), hosts.unwrap_or(0));
        for event in &events {
            let line = serde_json::to_string(event).unwrap();
            prop_assert!(!line.contains('\n'));
            prop_assert_eq!(&serde_json::from_str::<CheckEvent>(&line).unwrap(), event);
        }
    }

    /// A folded report is exported and imported back unchanged (JSON and HTML), renders in every
    /// format and language, and compares with itself as unchanged and with another without panic.
    #[test]
    fn any_folded_report_exports_renders_and_compares(a in events(), b in events()) {
        let old = Report::from_events(&a);
        let new = Report::from_events(&b);
        for lang in Lang::ALL {
            for format in Format::ALL {
                render::render(&new, format, lang, format == Format::Text);
            }
        }
        prop_assert_eq!(&render::import(&json::render(&new)).unwrap(), &new);
        prop_assert_eq!(&render::import(&html::render(&new, Lang::De)).unwrap(), &new);
        // The diff pairs hosts by name and addresses by IP, as the engine reports them (each once).
        if distinct(new.mx.iter().map(|h| &h.host)) && new.mx.iter().all(|h| distinct(h.addresses.iter().map(|a| a.ip))) {
            prop_assert!(diff(&new, &new).unwrap().is_empty());
        }
        if let Ok(changes) = diff(&old, &new) {
            for change in &changes.changes {
                change.kind.trend();
                for lang in Lang::ALL {
                    change.describe(lang);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The relay verdict over the fold

/// One address probed to the end: its steps in any order (a relay probe among them, in any state),
/// then its `address_done` and the check's `done`.
fn relay_run() -> impl Strategy<Value = Vec<CheckEvent>> {
    (ip(), prop::collection::vec(step(), 0..5), relay(), address_done(), any::<Index>()).prop_map(
        |(ip, steps, relay, done, at)| {
            let planned = PlannedHost {
                host: "mx1.example.com".into(),
                preference: 10,
                cname: None,
                address_error: None,
                addresses: vec![ip],
                addresses_skipped: 0,
                resolving: false,
            };
            let mut steps: Vec<StepResult> = steps;
            steps.insert(at.index(steps.len() + 1), StepResult::OpenRelay(relay));
            let mut events = vec![
                CheckEvent::Started {
                    input: "example.com".into(),
                    domain: "example.com".into(),
                    checked_at: "2026-12-01T00:00:00Z".into(),
                    resolver: "test".into(),
                },
                CheckEvent::Resolved {
                    mx_source: MxSource::Mx,
                    hosts: vec![planned],
                    error: None,
                    mx_hosts_skipped: 0,
                    null_mx_mixed: false,
                },
            ];
            events.extend(steps.into_iter().map(|step| CheckEvent::Step { mx: 0, ip, step: Box::new(step) }));
            let mut done = done;
            if let CheckEvent::AddressDone { mx, ip: done_ip, .. } = &mut done {
                (*mx, *done_ip) = (0, ip);
            }
            events.extend([done, CheckEvent::Done { duration_ms: 1 }]);
            events
        },
    )
}

/// Proptest's defaults, failure persistence included (a failing case is kept as a regression file
/// and tried first next time), with `cases` times `MXRAY_PROPTEST_SCALE`.
fn persisted(cases: u32) -> ProptestConfig {
    ProptestConfig { cases: config(cases).cases, ..ProptestConfig::default() }
}

/// The two RCPT refusals that show a server does not relay.
fn refuses_relaying(reason: RelayReason) -> bool {
    matches!(reason, RelayReason::RelayDenied | RelayReason::RecipientUnknown)
}

proptest! {
    #![proptest_config(persisted(256))]

    /// Whatever the relay report says, the fold judges it by its deciding reply: an `accepted`
    /// outcome and a critical open-relay finding go together, and an ok relay mark (address or host)
    /// only comes from a refusal of the outside recipient at `RCPT TO` about relaying or as unknown.
    #[test]
    fn the_relay_mark_follows_the_deciding_reply(events in prop_oneof![3 => relay_run(), 1 => events()]) {
        let report = Report::from_events(&events);
        for host in &report.mx {
            let mut ok = 0;
            for a in &host.addresses {
                let accepted = a.open_relay.as_ref().is_some_and(|r| r.outcome == RelayOutcome::Accepted);
                let open_relay =
                    a.findings.iter().any(|f| f.code == "open_relay" && f.severity == mxray_report::Severity::Critical);
                prop_assert_eq!(accepted, open_relay, "{:?}", a.open_relay);
                if step_mark(a, Step::OpenRelay) != Mark::Ok {
                    continue;
                }
                ok += 1;
                let r = a.open_relay.as_ref().expect("an ok relay mark without a relay report");
                prop_assert!(r.rcpt_to.is_some() && r.reason.is_some_and(refuses_relaying), "{:?}", r);
                if let Some(last) = r.attempts.last() {
                    prop_assert!(last.rcpt_to.is_some() && refuses_relaying(last.reason), "{:?}", r);
                }
                prop_assert!(a.findings.iter().any(|f| f.code == "relay_refused"));
            }
            if host.status.open_relay == Mark::Ok {
                prop_assert!(ok > 0, "{:?}", host.addresses);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Report import

/// A store that holds the same text under every key.
struct Holding(String);

impl KeyValue for Holding {
    fn get(&self, _: &str) -> Option<String> {
        Some(self.0.clone())
    }
    fn set(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Err(StoreError::Quota)
    }
    fn remove(&self, _: &str) {}
}

/// Imports `saved` every way the page can (file import, HTML extraction, the browser's shelf) and,
/// when it reads as a report, renders and compares it.
fn import_everywhere(saved: &str) {
    let _ = html::extract_report(saved);
    let shelf = Shelf::new(Holding(saved.to_owned()));
    let _ = shelf.entries();
    let from_shelf = shelf.open("x");
    let imported = render::import(saved).ok();
    assert_eq!(from_shelf, imported);
    if let Some(report) = imported {
        for lang in Lang::ALL {
            for format in Format::ALL {
                render::render(&report, format, lang, true);
            }
        }
        let _ = diff(&report, &report);
        let _ = diff(&Report::empty(), &report);
    }
}

/// A saved report spoiled: cut short, a byte replaced or inserted, text spliced in.
fn spoil(saved: String, at: Index, how: u8, byte: u8, insert: &str) -> String {
    let mut bytes = saved.into_bytes();
    let i = at.index(bytes.len() + 1);
    match how % 4 {
        0 => bytes.truncate(i),
        1 if i < bytes.len() => bytes[i] = byte,
        2 => bytes.insert(i, byte),
        _ => {
            let rest = bytes.split_off(i);
            bytes.extend_from_slice(insert.as_bytes());
            bytes.extend_from_slice(&rest);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(config(256))]

    /// Any bytes: no panic, whichever way they are imported.
    #[test]
    fn importing_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256), prefix in prop::sample::select(vec!["", "\u{feff}", " \n", "{", "[", "<script id=\"mxray-report\">", "id=\"mxray-report\">{", "id=\"mxray-report\""])) {
        let text = format!("{prefix}{}", String::from_utf8_lossy(&bytes));
        import_everywhere(&text);
        import_everywhere(&format!("{text}</script>"));
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Exports of any report, spoiled: no panic; what still reads as a report renders and compares.
    #[test]
    fn importing_spoiled_exports_never_panics(
        events in events(),
        html_export in any::<bool>(),
        spoils in prop::collection::vec((any::<Index>(), any::<u8>(), any::<u8>(), text()), 1..4),
    ) {
        let report = Report::from_events(&events);
        let mut saved = if html_export { html::render(&report, Lang::En) } else { json::render(&report) };
        for (at, how, byte, insert) in spoils {
            saved = spoil(saved, at, how, byte, &insert);
        }
        import_everywhere(&saved);
    }

    /// JSON that serde accepts as a report although no fold made it (numbers at their limits,
    /// hosts and addresses in any state) renders and compares: the import is the boundary.
    #[test]
    fn importing_reports_no_fold_made_never_panics(
        events in events(),
        complete in any::<bool>(),
        duration_ms in num(),
        checked_at in text(),
    ) {
        let mut report = Report::from_events(&events);
        report.complete = complete;
        report.duration_ms = duration_ms;
        report.checked_at = checked_at;
        // Move findings around: a host's findings on the domain and the other way round.
        if let Some(host) = report.mx.first_mut() {
            std::mem::swap(&mut host.findings, &mut report.findings);
        }
        import_everywhere(&json::render(&report));
    }
}
