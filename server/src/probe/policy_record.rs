//! The TXT records of the two policy standards share one shape — a version tag, then `;`-separated
//! `name=value` fields (RFC 8461 §3.1, RFC 8460 §3) — and one selection rule: records of other
//! versions are discarded, and anything but exactly one valid record means "no policy".

use mxray_report::model::policy::{PolicyRecord, RecordProblem};

use super::dns::LookupError;

/// A name's TXT records sorted as senders read them.
#[derive(Debug, PartialEq)]
pub struct Selected<T> {
    /// The record of the version, or why there is none senders use.
    pub record: PolicyRecord,
    /// The record parsed, when it is valid.
    pub parsed: Option<T>,
    /// The other records at the name, beside records of the version: senders discard them (with no
    /// record of the version at all they are the `Ignored` record instead).
    pub discarded: Vec<String>,
}

/// Picks the record of `version` among a name's TXT records and parses it with `parse`.
pub fn select<T>(
    lookup: Result<Vec<String>, LookupError>,
    version: &str,
    parse: impl Fn(&str) -> Result<T, RecordProblem>,
) -> Selected<T> {
    let only = |record| Selected { record, parsed: None, discarded: Vec::new() };
    let records = match lookup {
        Ok(records) => records,
        Err(LookupError::NxDomain | LookupError::NoRecords) => return only(PolicyRecord::Absent),
        Err(e @ LookupError::Timeout(_)) => return only(PolicyRecord::LookupFailed { detail: e.to_string() }),
        Err(LookupError::Failed(detail)) => return only(PolicyRecord::LookupFailed { detail }),
    };
    let (mut ours, others): (Vec<String>, Vec<String>) = records.into_iter().partition(|r| r.starts_with(version));
    let others: Vec<String> = others.iter().map(|r| shorten(r)).collect();
    if ours.is_empty() {
        return match others.is_empty() {
            true => only(PolicyRecord::Absent),
            // Something is published at the policy's own name, only not in a form senders read.
            false => only(PolicyRecord::Ignored { records: others }),
        };
    }
    let (record, parsed) = match ours.len() {
        1 => {
            let record = ours.remove(0);
            match parse(&record) {
                Ok(parsed) => (PolicyRecord::Valid { record }, Some(parsed)),
                Err(problem) => (PolicyRecord::Malformed { record, problem }, None),
            }
        }
        _ => (PolicyRecord::Multiple { records: ours }, None),
    };
    Selected { record, parsed, discarded: others }
}

/// The `name=value` fields after `version` (whitespace around `;` allowed, one trailing `;`
/// allowed), values trimmed. Field names are checked; values are the caller's business.
pub fn fields<'a>(record: &'a str, version: &str) -> Result<Vec<(&'a str, &'a str)>, RecordProblem> {
    let rest = record.strip_prefix(version).unwrap_or(record);
    let mut parts = rest.split(';');
    let head = parts.next().unwrap_or_default();
    if !head.trim_matches(WSP).is_empty() {
        return Err(RecordProblem::BadSyntax { near: shorten(record) });
    }
    let parts: Vec<&str> = parts.map(|p| p.trim_matches(WSP)).collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() && i + 1 == parts.len() {
            break;
        }
        let Some((name, value)) = part.split_once('=') else {
            return Err(RecordProblem::BadSyntax { near: shorten(part) });
        };
        if !field_name(name) {
            return Err(RecordProblem::BadSyntax { near: shorten(part) });
        }
        out.push((name, value.trim_matches(WSP)));
    }
    Ok(out)
}

/// The one value of a required field.
pub fn required<'a>(fields: &[(&str, &'a str)], name: &str) -> Result<&'a str, RecordProblem> {
    let mut values = fields.iter().filter(|(n, _)| *n == name).map(|(_, v)| *v);
    match (values.next(), values.next()) {
        (None, _) => Err(RecordProblem::MissingField { name: name.to_owned() }),
        (Some(_), Some(_)) => Err(RecordProblem::DuplicateField { name: name.to_owned() }),
        (Some(value), None) => Ok(value),
    }
}

/// Space and tab, the WSP of the RFCs' grammars.
pub const WSP: &[char] = &[' ', '\t'];

/// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`, the field and key names of both RFCs.
pub fn field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() <= 32
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A host name in LDH form: labels of letters, digits and inner hyphens, 1 to 63 characters each.
pub fn is_hostname(name: &str) -> bool {
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !name.is_empty() && name.len() <= 253 && name.split('.').all(label)
}

/// A value as shown in a problem: at most 80 characters.
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(record: &str) -> Result<String, RecordProblem> {
        Ok(required(&fields(record, "v=STSv1")?, "id")?.to_owned())
    }

    #[test]
    fn fields_follow_the_grammar() {
        assert_eq!(fields("v=STSv1; id=1;", "v=STSv1").unwrap(), [("id", "1")]);
        assert_eq!(fields("v=STSv1 ;id=1 ; x-y=z", "v=STSv1").unwrap(), [("id", "1"), ("x-y", "z")]);
        assert_eq!(
            fields("v=STSv1x; id=1", "v=STSv1"),
            Err(RecordProblem::BadSyntax { near: "v=STSv1x; id=1".into() })
        );
        assert_eq!(fields("v=STSv1; id", "v=STSv1"), Err(RecordProblem::BadSyntax { near: "id".into() }));
        assert_eq!(fields("v=STSv1;; id=1", "v=STSv1"), Err(RecordProblem::BadSyntax { near: "".into() }));
        assert_eq!(id("v=STSv1"), Err(RecordProblem::MissingField { name: "id".into() }));
        assert_eq!(id("v=STSv1; id=1; id=2"), Err(RecordProblem::DuplicateField { name: "id".into() }));
    }

    #[test]
    fn only_one_record_of_the_version_counts() {
        let txt = |r: &[&str]| Ok(r.iter().map(|s| s.to_string()).collect());
        // Only other TXT records at the name: something was meant, senders read nothing.
        let quoted = "\"v=STSv1; id=42\"";
        let only = |record| Selected { record, parsed: None, discarded: Vec::new() };
        assert_eq!(select(txt(&[quoted]), "v=STSv1", id), only(PolicyRecord::Ignored { records: vec![quoted.into()] }));
        assert_eq!(select(txt(&[]), "v=STSv1", id), only(PolicyRecord::Absent));
        let valid = select(txt(&["v=spf1 -all", "v=STSv1; id=42"]), "v=STSv1", id);
        assert_eq!(
            (valid.record, valid.parsed.as_deref()),
            (PolicyRecord::Valid { record: "v=STSv1; id=42".into() }, Some("42"))
        );
        assert_eq!(valid.discarded, ["v=spf1 -all"], "the other record beside the valid one");
        let several = select(txt(&["v=STSv1; id=1", "v=STSv1; id=2"]), "v=STSv1", id);
        assert!(matches!(several.record, PolicyRecord::Multiple { records } if records.len() == 2));
        let failed = select(Err(LookupError::Failed("timeout".into())), "v=STSv1", id);
        assert_eq!(failed.record, PolicyRecord::LookupFailed { detail: "timeout".into() });
        assert_eq!(select(Err(LookupError::NxDomain), "v=STSv1", id).record, PolicyRecord::Absent);
    }

    #[test]
    fn host_names_are_ldh() {
        assert!(is_hostname("mx1.example.com") && is_hostname("localhost"));
        for bad in ["", "a..b", "-a.b", "a-.b", "a_b.c", "a b", "*.example.com", &"a".repeat(64)] {
            assert!(!is_hostname(bad), "{bad}");
        }
    }
}
