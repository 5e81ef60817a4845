//! The report contract `mxray.report.v1` itself, pretty-printed: the export, the API answer and
//! what every other format can be rebuilt from.

use crate::model::report::Report;

/// The report as pretty-printed JSON (ends with a newline).
pub fn render(report: &Report) -> String {
    // A report holds only strings, numbers, booleans and string-keyed structs: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::sample;

    /// The field names and shapes themselves are pinned against checked-in documents in
    /// `render::golden` (a serde round trip alone survives a renamed field).
    #[test]
    fn is_exactly_the_contract_and_reads_back() {
        let r = sample();
        let out = render(&r);
        assert!(out.starts_with("{\n  \"schema\": \"mxray.report.v1\",\n  \"input\": \"Example.COM\""), "{out}");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["mx"][1]["addresses"][0]["open_relay"]["outcome"], "accepted");
        assert_eq!(value["mx"][0]["addresses"][1]["family"], "ipv6");
        assert_eq!(serde_json::from_str::<Report>(&out).unwrap(), r);
    }
}
