//! TLS-RPT (RFC 8460): the `_smtp._tls` record and the form of its report targets.

use mxray_report::model::policy::{RecordProblem, RuaTarget, TargetProblem};

use super::policy_record::{fields, is_hostname, required, WSP};

/// The version tag a TLS-RPT record starts with.
pub const VERSION: &str = "v=TLSRPTv1";

/// The `rua` targets of a `v=TLSRPTv1` record, each checked for form.
pub fn parse_record(record: &str) -> Result<Vec<RuaTarget>, RecordProblem> {
    let fields = fields(record, VERSION)?;
    let rua = required(&fields, "rua")?;
    let uris: Vec<&str> = rua.split(',').map(|u| u.trim_matches(WSP)).collect();
    if uris.iter().any(|u| u.is_empty()) {
        return Err(RecordProblem::BadValue { name: "rua".into(), value: rua.to_owned() });
    }
    Ok(uris.into_iter().map(|uri| RuaTarget { uri: uri.to_owned(), problem: target_problem(uri).err() }).collect())
}

/// Checks a report target: `mailto:local@domain` or `https://host[:port]/…`.
fn target_problem(uri: &str) -> Result<(), TargetProblem> {
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(TargetProblem::Scheme);
    }
    let lower = uri.to_ascii_lowercase();
    if let Some(address) = lower.strip_prefix("mailto:") {
        let (local, domain) = address.rsplit_once('@').ok_or(TargetProblem::Mailto)?;
        // A domain with at least two labels: reports go to real mail domains.
        let domain = domain.split_once('?').map_or(domain, |(d, _)| d);
        return (!local.is_empty() && is_hostname(domain) && domain.contains('.'))
            .then_some(())
            .ok_or(TargetProblem::Mailto);
    }
    if let Some(rest) = lower.strip_prefix("https://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.parse::<u16>().is_ok() => host,
            Some(_) => return Err(TargetProblem::Https),
            None => authority,
        };
        return (!authority.contains('@') && is_hostname(host) && host.contains('.'))
            .then_some(())
            .ok_or(TargetProblem::Https);
    }
    Err(TargetProblem::Scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(record: &str) -> Vec<(String, Option<TargetProblem>)> {
        parse_record(record).unwrap().into_iter().map(|t| (t.uri, t.problem)).collect()
    }

    #[test]
    fn lists_and_checks_every_target() {
        assert_eq!(
            problems("v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://reports.example.com/v1/tlsrpt"),
            [("mailto:tlsrpt@example.com".into(), None), ("https://reports.example.com/v1/tlsrpt".into(), None)]
        );
        assert_eq!(
            problems("v=TLSRPTv1;rua=mailto:nobody,http://example.com/x,https://:443/x,ftp://example.com"),
            [
                ("mailto:nobody".into(), Some(TargetProblem::Mailto)),
                ("http://example.com/x".into(), Some(TargetProblem::Scheme)),
                ("https://:443/x".into(), Some(TargetProblem::Https)),
                ("ftp://example.com".into(), Some(TargetProblem::Scheme)),
            ]
        );
        assert_eq!(problems("v=TLSRPTv1; rua=https://r.example.com:8443/x;")[0].1, None);
    }

    #[test]
    fn a_record_without_rua_or_with_an_empty_target_is_malformed() {
        assert_eq!(parse_record("v=TLSRPTv1"), Err(RecordProblem::MissingField { name: "rua".into() }));
        assert_eq!(
            parse_record("v=TLSRPTv1; rua=mailto:a@example.com,"),
            Err(RecordProblem::BadValue { name: "rua".into(), value: "mailto:a@example.com,".into() })
        );
        assert_eq!(
            parse_record("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com"),
            Err(RecordProblem::DuplicateField { name: "rua".into() })
        );
    }
}
