//! MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) for one domain: two TXT lookups, and — only when a
//! `v=STSv1` record is published — the A/AAAA lookup of `mta-sts.{domain}` and one HTTPS GET of
//! the policy through the engine's connector (so the SSRF guard applies). Judging each MX against
//! the policy is the fold's job (`mxray_report::checks::mta_sts`), as it needs the per-address certificates.

use mxray_report::model::policy::{
    FetchError, MtaStsReport, PolicyFetch, PolicyProblem, PolicyReport, RecordProblem, StsMode, StsPolicy,
    TlsRptReport, MAX_AGE_LIMIT, POLICY_SIZE_LIMIT,
};
use std::net::SocketAddr;
use std::time::Duration;
// tokio's clock, the one the timeouts run on: on a test's paused clock the times reported follow it.
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::dns::{bounded, MailDns};
use super::https;
use super::net::{BlockedTarget, Connector, NoRouteHere};
use super::policy_record::{field_name, fields, is_hostname, required, select, shorten, WSP};
use super::tls::TlsContext;
use super::tls_rpt;

/// The version tag an MTA-STS record starts with.
pub const VERSION: &str = "v=STSv1";
/// Where the policy lives on the policy host.
pub const POLICY_PATH: &str = "/.well-known/mta-sts.txt";
/// Most problems kept from one policy file (a hostile file could hold thousands).
const MAX_PROBLEMS: usize = 20;
/// Most policy-host addresses tried.
const MAX_TRIES: usize = 2;

/// What the policy check needs from the engine.
pub struct PolicyCheck<'a, D, C> {
    /// The check's resolver.
    pub dns: &'a D,
    /// The engine's (guarded) connector.
    pub connector: &'a C,
    /// Roots and provider, as for the MX hosts.
    pub tls: &'a TlsContext,
    /// The bound for each lookup and for the whole HTTPS fetch.
    pub limit: Duration,
    /// The engine's connection slots: the fetch holds one while connected.
    pub permits: &'a Semaphore,
}

impl<D: MailDns, C: Connector> PolicyCheck<'_, D, C> {
    /// Looks up both records, fetches the MTA-STS policy when a record is published, and reports.
    pub async fn run(&self, domain: &str) -> PolicyReport {
        let (sts_name, rpt_name) = (format!("_mta-sts.{domain}"), format!("_smtp._tls.{domain}"));
        let (sts, rpt) =
            tokio::join!(bounded(self.limit, self.dns.txt(&sts_name)), bounded(self.limit, self.dns.txt(&rpt_name)));
        let sts = select(sts, VERSION, parse_record);
        // Only a published record makes senders fetch; a broken one is still fetched, to say
        // whether the policy behind it would work.
        let fetch = if sts.record.published() { Some(self.fetch(domain).await) } else { None };
        let rpt = select(rpt, tls_rpt::VERSION, tls_rpt::parse_record);
        PolicyReport {
            mta_sts: MtaStsReport {
                record: sts.record,
                id: sts.parsed,
                fetch,
                mx: Vec::new(),
                discarded: sts.discarded,
            },
            tls_rpt: TlsRptReport { record: rpt.record, rua: rpt.parsed.unwrap_or_default(), discarded: rpt.discarded },
        }
    }

    async fn fetch(&self, domain: &str) -> PolicyFetch {
        let host = format!("mta-sts.{domain}");
        let started = Instant::now();
        let mut fetch = PolicyFetch { url: format!("https://{host}{POLICY_PATH}"), ..PolicyFetch::default() };
        match self.fetch_body(&host, &mut fetch).await {
            Ok(body) => fetch.policy = Some(parse_policy_file(&body)),
            Err(e) => fetch.error = Some(e),
        }
        fetch.duration_ms = started.elapsed().as_millis().try_into().unwrap_or(u64::MAX);
        fetch
    }

    /// The body of a 200 `text/plain` answer, with what was seen on the way noted in `fetch`.
    async fn fetch_body(&self, host: &str, fetch: &mut PolicyFetch) -> Result<Vec<u8>, FetchError> {
        let addresses = bounded(self.limit, self.dns.addresses(host))
            .await
            .map_err(|e| FetchError::NoAddress { detail: e.to_string() })?;
        if addresses.ips.is_empty() {
            return Err(FetchError::NoAddress { detail: "no A or AAAA record".into() });
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return Err(FetchError::Connect { detail: "the engine is shutting down".into() });
        };
        let seconds = self.limit.as_secs();
        tokio::time::timeout(self.limit, self.exchange(host, &addresses.ips, fetch))
            .await
            .unwrap_or(Err(FetchError::Timeout { seconds }))
    }

    async fn exchange(
        &self,
        host: &str,
        ips: &[std::net::IpAddr],
        fetch: &mut PolicyFetch,
    ) -> Result<Vec<u8>, FetchError> {
        let mut last = None;
        for ip in ips.iter().take(MAX_TRIES) {
            let stream = match self.connector.connect(SocketAddr::new(*ip, 443)).await {
                Ok(stream) => stream,
                Err(e) => {
                    let inner = e.get_ref();
                    last = Some(match inner.and_then(|e| e.downcast_ref::<BlockedTarget>()) {
                        Some(blocked) => FetchError::NotPublic { detail: format!("{ip}: {}", blocked.range) },
                        None if inner.is_some_and(|e| e.is::<NoRouteHere>()) => {
                            FetchError::NoRoute { detail: e.to_string() }
                        }
                        None => FetchError::Connect { detail: format!("{ip}: {e}") },
                    });
                    continue;
                }
            };
            fetch.address = Some(*ip);
            let fetched = https::get(stream, self.tls, host, POLICY_PATH, POLICY_SIZE_LIMIT, |r| {
                r.status() == hyper::StatusCode::OK && plain_text(content_type(r.headers()).as_deref())
            })
            .await?;
            let status = fetched.head.status();
            fetch.status = Some(status.as_u16());
            fetch.content_type = content_type(fetched.head.headers());
            if status.is_redirection() {
                let location = fetched.head.headers().get(hyper::header::LOCATION);
                let location = location.map(|l| shorten(&String::from_utf8_lossy(l.as_bytes())));
                return Err(FetchError::Redirect { status: status.as_u16(), location });
            }
            if status != hyper::StatusCode::OK {
                return Err(FetchError::Status { status: status.as_u16() });
            }
            if !plain_text(fetch.content_type.as_deref()) {
                return Err(FetchError::ContentType { content_type: fetch.content_type.clone() });
            }
            return fetched.body;
        }
        Err(last.unwrap_or(FetchError::NoAddress { detail: "no address to try".into() }))
    }
}

fn content_type(headers: &hyper::HeaderMap) -> Option<String> {
    headers.get(hyper::header::CONTENT_TYPE).map(|v| shorten(&String::from_utf8_lossy(v.as_bytes())))
}

/// `text/plain`, with or without parameters, in any case (RFC 8461 §3.3).
fn plain_text(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| ct.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/plain"))
}

/// The `id` of a `v=STSv1` record (RFC 8461 §3.1: 1 to 32 letters and digits).
pub fn parse_record(record: &str) -> Result<String, RecordProblem> {
    let fields = fields(record, VERSION)?;
    let id = required(&fields, "id")?;
    if !(1..=32).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(RecordProblem::BadValue { name: "id".into(), value: shorten(id) });
    }
    // Extension values: printable ASCII without `;`, `=` and space.
    if let Some((name, value)) =
        fields.iter().find(|(_, v)| v.is_empty() || !v.bytes().all(|b| matches!(b, 0x21..=0x3a | 0x3c | 0x3e..=0x7e)))
    {
        return Err(RecordProblem::BadValue { name: (*name).to_owned(), value: shorten(value) });
    }
    Ok(id.to_owned())
}

/// Parses a fetched policy file, its encoding first: a UTF-16 file is named and not read further (it
/// is not the text senders parse); a UTF-8 byte-order mark is named, then the rest is read.
pub fn parse_policy_file(body: &[u8]) -> StsPolicy {
    if let Some(big_endian) = utf16(body) {
        return StsPolicy { problems: vec![PolicyProblem::Utf16 { big_endian }], ..StsPolicy::default() };
    }
    let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") else {
        return parse_policy(&String::from_utf8_lossy(body));
    };
    let mut policy = parse_policy(&String::from_utf8_lossy(rest));
    policy.problems.insert(0, PolicyProblem::ByteOrderMark);
    policy.problems.truncate(MAX_PROBLEMS);
    policy
}

/// `Some(big_endian)` when the bytes are UTF-16: a byte-order mark (FF FE, FE FF), or without one
/// ASCII text with a NUL in every other byte of its start.
fn utf16(body: &[u8]) -> Option<bool> {
    match body {
        [0xFF, 0xFE, ..] => return Some(false),
        [0xFE, 0xFF, ..] => return Some(true),
        _ => {}
    }
    let start = &body[..body.len().min(32) & !1];
    if start.len() < 4 {
        return None;
    }
    let pairs = || start.chunks_exact(2);
    if pairs().all(|p| p[0] != 0 && p[1] == 0) {
        Some(false)
    } else if pairs().all(|p| p[0] == 0 && p[1] != 0) {
        Some(true)
    } else {
        None
    }
}

/// Parses a policy file (RFC 8461 §3.2): `key: value` lines ended by LF or CRLF; unknown keys
/// ignored; `mx` may repeat, the other keys may not; `mx` required unless the mode is `none`.
/// Comment (`#`) and blank lines are outside the grammar; like lenient senders (postfix-mta-sts-resolver)
/// mxray skips them and notes their numbers, so the policy is still read and judged.
pub fn parse_policy(body: &str) -> StsPolicy {
    let mut policy = StsPolicy::default();
    let mut problems = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let lines: Vec<&str> = body.split('\n').collect();
    for (index, raw) in lines.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim_matches(WSP).is_empty() {
            // The empty piece after the final line break is the end of the file, not a line.
            if index + 1 < lines.len() && policy.blank_lines.len() < MAX_PROBLEMS {
                policy.blank_lines.push(number);
            }
            continue;
        }
        if line.trim_start_matches(WSP).starts_with('#') {
            if policy.comment_lines.len() < MAX_PROBLEMS {
                policy.comment_lines.push(number);
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':').filter(|(k, _)| field_name(k)) else {
            problems.push(PolicyProblem::BadLine { line: shorten(line) });
            continue;
        };
        let value = value.trim_matches(WSP);
        let bad = || PolicyProblem::BadValue { key: key.to_owned(), value: shorten(value) };
        if key == "mx" {
            let name = value.strip_prefix("*.").unwrap_or(value);
            match is_hostname(name) {
                true => policy.mx.push(value.to_owned()),
                false => problems.push(bad()),
            }
            continue;
        }
        if !matches!(key, "version" | "mode" | "max_age") {
            continue;
        }
        if seen.contains(&key) {
            if !problems.contains(&PolicyProblem::Duplicate { key: key.to_owned() }) {
                problems.push(PolicyProblem::Duplicate { key: key.to_owned() });
            }
            continue;
        }
        seen.push(key);
        match key {
            "version" if value == "STSv1" => policy.version = Some(value.to_owned()),
            "mode" => match value {
                "enforce" => policy.mode = Some(StsMode::Enforce),
                "testing" => policy.mode = Some(StsMode::Testing),
                "none" => policy.mode = Some(StsMode::None),
                _ => problems.push(bad()),
            },
            "max_age" => match value.parse::<u64>() {
                Ok(age) if value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()) && age <= MAX_AGE_LIMIT => {
                    policy.max_age = Some(age)
                }
                _ => problems.push(bad()),
            },
            _ => problems.push(bad()),
        }
    }
    for key in ["version", "mode", "max_age"] {
        if !seen.contains(&key) {
            problems.push(PolicyProblem::Missing { key: key.to_owned() });
        }
    }
    if policy.mx.is_empty() && matches!(policy.mode, Some(StsMode::Enforce | StsMode::Testing)) {
        problems.push(PolicyProblem::NoMx);
    }
    problems.truncate(MAX_PROBLEMS);
    policy.problems = problems;
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmax_age: 604800\r\n";

    #[test]
    fn a_byte_order_mark_is_named_and_the_rest_still_read() {
        let p = parse_policy_file(format!("\u{FEFF}{POLICY}").as_bytes());
        assert_eq!(p.problems, [PolicyProblem::ByteOrderMark]);
        assert_eq!(
            (p.mode, p.max_age, p.mx.as_slice()),
            (Some(StsMode::Enforce), Some(604_800), &["mail.example.org".to_owned()][..])
        );
        assert_eq!(parse_policy_file(POLICY.as_bytes()).problems, []);
    }

    #[test]
    fn a_utf16_file_is_named_with_or_without_its_mark() {
        let le: Vec<u8> = POLICY.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = POLICY.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf16 = |bytes: &[u8]| parse_policy_file(bytes).problems;
        assert_eq!(utf16(&[&[0xFF, 0xFE][..], &le].concat()), [PolicyProblem::Utf16 { big_endian: false }]);
        assert_eq!(utf16(&[&[0xFE, 0xFF][..], &be].concat()), [PolicyProblem::Utf16 { big_endian: true }]);
        assert_eq!(utf16(&le), [PolicyProblem::Utf16 { big_endian: false }]);
        assert_eq!(utf16(&be), [PolicyProblem::Utf16 { big_endian: true }]);
        // Not UTF-16: too short to tell, or ASCII with a stray NUL.
        assert_ne!(utf16(b"v\0"), [PolicyProblem::Utf16 { big_endian: false }]);
        assert!(!utf16(b"version: STSv1\0\nmode: none\nmax_age: 0\n")
            .iter()
            .any(|p| matches!(p, PolicyProblem::Utf16 { .. })));
    }

    #[test]
    fn comments_and_blank_lines_are_noted_and_skipped_like_lenient_senders_do() {
        let p = parse_policy("# MTA-STS for example.org\nversion: STSv1\n\nmode: testing\n  # old: mode: none\nmx: mail.example.org\nmax_age: 86400\n");
        assert_eq!(p.problems, [], "still a valid policy");
        assert_eq!((p.comment_lines.as_slice(), p.blank_lines.as_slice()), (&[1, 5][..], &[3][..]));
        assert_eq!(p.mode, Some(StsMode::Testing));
        // The end of the last line is not a blank line; a CRLF file counts the same.
        let clean = parse_policy(POLICY);
        assert!(clean.comment_lines.is_empty() && clean.blank_lines.is_empty());
        assert_eq!(parse_policy(&format!("{POLICY}\r\n")).blank_lines, [5]);
    }

    #[test]
    fn a_full_policy_with_crlf_and_wildcards() {
        let p = parse_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n",
        );
        assert_eq!(p.version.as_deref(), Some("STSv1"));
        assert_eq!((p.mode, p.max_age), (Some(StsMode::Enforce), Some(604_800)));
        assert_eq!(p.mx, ["mail.example.com", "*.example.net"]);
        assert_eq!(p.problems, []);
    }

    #[test]
    fn lf_endings_spaces_and_unknown_keys_are_fine() {
        let p = parse_policy("version:STSv1\nmode:   testing  \nmax_age: 86400\nmx: mx.example.com\nfuture_key: x\n\n");
        assert_eq!((p.mode, p.max_age, p.problems.len()), (Some(StsMode::Testing), Some(86_400), 0));
        let none = parse_policy("version: STSv1\nmode: none\nmax_age: 0");
        assert_eq!((none.mode, none.max_age, none.problems), (Some(StsMode::None), Some(0), vec![]));
    }

    #[test]
    fn max_age_has_limits() {
        let age = |v: &str| parse_policy(&format!("version: STSv1\nmode: none\nmax_age: {v}"));
        assert_eq!(age("31557600").max_age, Some(MAX_AGE_LIMIT));
        for bad in ["31557601", "-1", "1e6", "", "12345678901", "+5"] {
            let p = age(bad);
            assert_eq!(p.max_age, None, "{bad}");
            assert_eq!(p.problems, [PolicyProblem::BadValue { key: "max_age".into(), value: bad.into() }], "{bad}");
        }
    }

    #[test]
    fn missing_keys_bad_values_duplicates_and_no_mx() {
        let p = parse_policy(
            "mode: enforce\nmode: testing\nmx: *.*.example.com\nmx: mail.*.example.com\nversion: STSv2\ngarbage",
        );
        assert_eq!(
            p.problems,
            [
                PolicyProblem::Duplicate { key: "mode".into() },
                PolicyProblem::BadValue { key: "mx".into(), value: "*.*.example.com".into() },
                PolicyProblem::BadValue { key: "mx".into(), value: "mail.*.example.com".into() },
                PolicyProblem::BadValue { key: "version".into(), value: "STSv2".into() },
                PolicyProblem::BadLine { line: "garbage".into() },
                PolicyProblem::Missing { key: "max_age".into() },
                PolicyProblem::NoMx,
            ]
        );
        assert_eq!(p.mode, Some(StsMode::Enforce), "the first mode is kept");
        assert_eq!(parse_policy("").problems.len(), 3);
        assert!(parse_policy("Version: STSv1").problems.contains(&PolicyProblem::Missing { key: "version".into() }));
        assert!(parse_policy("mode: Enforce")
            .problems
            .contains(&PolicyProblem::BadValue { key: "mode".into(), value: "Enforce".into() }));
    }

    #[test]
    fn record_ids_are_checked() {
        assert_eq!(parse_record("v=STSv1; id=20240101T000000").as_deref(), Ok("20240101T000000"));
        assert_eq!(parse_record("v=STSv1; id=2024010100").as_deref(), Ok("2024010100"));
        assert_eq!(parse_record("v=STSv1;id=abc;"), Ok("abc".into()));
        assert!(parse_record(&format!("v=STSv1; id={}", "a".repeat(33))).is_err());
        assert_eq!(
            parse_record("v=STSv1; id=a-b"),
            Err(RecordProblem::BadValue { name: "id".into(), value: "a-b".into() })
        );
        assert_eq!(
            parse_record("v=STSv1; id=1; ext="),
            Err(RecordProblem::BadValue { name: "ext".into(), value: "".into() })
        );
    }

    #[test]
    fn content_type_may_carry_parameters() {
        assert!(plain_text(Some("text/plain")) && plain_text(Some("Text/Plain; charset=utf-8")));
        assert!(!plain_text(Some("text/html")) && !plain_text(None) && !plain_text(Some("text/plainx")));
    }
}
