//! TXT records at a policy name that senders discard: each gets the reason it is not read, so a
//! published-but-ignored record is never called "no record" (RFC 8461 §3.1, RFC 8460 §3).

use crate::model::policy::{IgnoredReason, PolicyRecord};

/// At most this many ignored records are named, one finding each.
const MAX_NAMED: usize = 3;

/// The records senders discard at a policy name, at most [`MAX_NAMED`], each with why and with the
/// record they read instead: all of them when none begins with `tag` (`Ignored`), else the others
/// `beside` a valid one.
pub fn discarded<'a>(
    record: &'a PolicyRecord,
    beside: &'a [String],
    tag: &'static str,
) -> impl Iterator<Item = (String, IgnoredReason, Option<String>)> + 'a {
    let (records, counted) = match record {
        PolicyRecord::Ignored { records } => (records.as_slice(), None),
        PolicyRecord::Valid { record } => (beside, Some(record)),
        _ => (&[][..], None),
    };
    records.iter().take(MAX_NAMED).map(move |r| (r.clone(), ignored_reason(r, tag), counted.cloned()))
}

/// Why a record does not begin with `tag` (`v=STSv1`, `v=TLSRPTv1`).
pub fn ignored_reason(record: &str, tag: &str) -> IgnoredReason {
    let version = tag.trim_start_matches("v=");
    let starts = |prefix: &str| record.len() >= prefix.len() && record.is_char_boundary(prefix.len());
    if record.starts_with(['"', '\'', '\u{201C}', '\u{201E}']) {
        IgnoredReason::Quoted
    } else if record.starts_with(char::is_whitespace) {
        IgnoredReason::LeadingSpace
    } else if record.starts_with(['{', '[']) {
        IgnoredReason::Braces
    } else if starts(tag) && record[..tag.len()].eq_ignore_ascii_case(tag) {
        IgnoredReason::WrongCase
    } else if starts(version) && record[..version.len()].eq_ignore_ascii_case(version) {
        IgnoredReason::NoVersionKey
    } else {
        IgnoredReason::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_way_of_getting_the_tag_wrong_is_told_apart() {
        let sts = |r: &str| ignored_reason(r, "v=STSv1");
        assert_eq!(sts("\"v=STSv1; id=20261207\""), IgnoredReason::Quoted);
        assert_eq!(sts(" v=STSv1; id=1"), IgnoredReason::LeadingSpace);
        assert_eq!(sts("{v=STSv1; id=1}"), IgnoredReason::Braces);
        assert_eq!(sts("v=stsv1; id=1"), IgnoredReason::WrongCase);
        assert_eq!(sts("STSv1; id=1"), IgnoredReason::NoVersionKey);
        assert_eq!(sts("v=spf1 -all"), IgnoredReason::Other);
        assert_eq!(sts("ü"), IgnoredReason::Other, "no panic inside a character");
        let rpt = |r: &str| ignored_reason(r, "v=TLSRPTv1");
        assert_eq!(rpt("TLSRPTv1; rua=mailto:a@example.org"), IgnoredReason::NoVersionKey);
        assert_eq!(rpt("v=tlsrptv1; rua=mailto:a@example.org"), IgnoredReason::WrongCase);
    }
}
