//! What changed between the EHLO answer before STARTTLS and the one inside TLS: extensions added,
//! removed or with other parameters (SIZE, AUTH mechanisms). Pure; AUTH offered in plaintext is a
//! warning, AUTH only inside TLS is how it should be.

use crate::findings::FindingKind;
use crate::report::{EhloReport, Extension};

/// One extension whose parameters differ between the two answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// The keyword, e.g. `SIZE` or `AUTH`.
    pub keyword: String,
    /// Parameters before STARTTLS.
    pub before: Vec<String>,
    /// Parameters inside TLS.
    pub after: Vec<String>,
}

/// The difference between the plaintext and the TLS EHLO answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EhloDiff {
    /// Offered only inside TLS.
    pub added: Vec<Extension>,
    /// Offered only before STARTTLS (`STARTTLS` itself is expected here and left out).
    pub removed: Vec<Extension>,
    /// Offered in both, with other parameters.
    pub changed: Vec<Changed>,
}

impl EhloDiff {
    /// True when both answers offer the same (apart from STARTTLS).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares the two answers keyword by keyword (case-insensitive; AUTH mechanisms as a set).
pub fn ehlo_diff(before: &EhloReport, after: &EhloReport) -> EhloDiff {
    let find =
        |list: &[Extension], keyword: &str| list.iter().find(|e| e.keyword.eq_ignore_ascii_case(keyword)).cloned();
    let mut diff = EhloDiff::default();
    for e in &after.extensions {
        match find(&before.extensions, &e.keyword) {
            None => diff.added.push(e.clone()),
            Some(b) if !same_params(&b, e) => {
                diff.changed.push(Changed { keyword: e.keyword.clone(), before: b.params, after: e.params.clone() })
            }
            Some(_) => {}
        }
    }
    diff.removed = before
        .extensions
        .iter()
        .filter(|e| !e.keyword.eq_ignore_ascii_case("STARTTLS") && find(&after.extensions, &e.keyword).is_none())
        .cloned()
        .collect();
    diff
}

/// Parameters compared as written, except AUTH's mechanisms: a set, in any order and case.
fn same_params(a: &Extension, b: &Extension) -> bool {
    if a.keyword.eq_ignore_ascii_case("AUTH") {
        let set = |e: &Extension| {
            let mut m: Vec<String> = e.params.iter().map(|p| p.to_ascii_uppercase()).collect();
            m.sort();
            m.dedup();
            m
        };
        return set(a) == set(b);
    }
    a.params == b.params
}

/// The AUTH mechanisms an EHLO answer offers (`AUTH=LOGIN`, the old form, counts too); `None`
/// without AUTH.
pub fn auth_mechanisms(ehlo: &EhloReport) -> Option<Vec<String>> {
    let mut found = None::<Vec<String>>;
    for e in &ehlo.extensions {
        let old = e.keyword.strip_prefix("AUTH=").map(|m| vec![m.to_owned()]);
        if e.keyword == "AUTH" || old.is_some() {
            let list = found.get_or_insert_with(Vec::new);
            for m in old.unwrap_or_else(|| e.params.clone()) {
                if !list.iter().any(|x| x.eq_ignore_ascii_case(&m)) {
                    list.push(m.to_ascii_uppercase());
                }
            }
        }
    }
    found
}

/// The finding for AUTH offered in a plaintext EHLO answer on `port`, when it is.
pub fn auth_in_plaintext(plaintext: &EhloReport, ip: &str, port: u16) -> Option<FindingKind> {
    let mechanisms = auth_mechanisms(plaintext)?;
    Some(FindingKind::AuthInPlaintext { ip: ip.to_owned(), port, mechanisms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ehlo(lines: &[&str]) -> EhloReport {
        let extensions = lines
            .iter()
            .map(|l| {
                let mut words = l.split_whitespace();
                let keyword = words.next().unwrap().to_owned();
                Extension { keyword, params: words.map(str::to_owned).collect() }
            })
            .collect();
        EhloReport { code: Some(250), host: "mx.example.com".into(), extensions, ..Default::default() }
    }

    #[test]
    fn auth_only_inside_tls_is_an_addition_and_no_finding() {
        let before = ehlo(&["PIPELINING", "SIZE 10240000", "STARTTLS", "8BITMIME"]);
        let after = ehlo(&["PIPELINING", "SIZE 52428800", "AUTH PLAIN LOGIN", "8BITMIME"]);
        let d = ehlo_diff(&before, &after);
        assert_eq!(d.added, [Extension { keyword: "AUTH".into(), params: vec!["PLAIN".into(), "LOGIN".into()] }]);
        assert!(d.removed.is_empty(), "STARTTLS is expected to go: {:?}", d.removed);
        assert_eq!(
            d.changed,
            [Changed { keyword: "SIZE".into(), before: vec!["10240000".into()], after: vec!["52428800".into()] }]
        );
        assert_eq!(auth_in_plaintext(&before, "192.0.2.1", 25), None);
    }

    #[test]
    fn auth_in_plaintext_is_a_warning_with_its_mechanisms() {
        let before = ehlo(&["AUTH PLAIN LOGIN", "AUTH=LOGIN", "STARTTLS", "CHUNKING"]);
        let after = ehlo(&["AUTH login plain CRAM-MD5"]);
        let d = ehlo_diff(&before, &after);
        assert!(d.added.is_empty());
        assert_eq!(d.removed.iter().map(|e| e.keyword.as_str()).collect::<Vec<_>>(), ["AUTH=LOGIN", "CHUNKING"]);
        assert_eq!(d.changed.len(), 1, "CRAM-MD5 was added: {:?}", d.changed);
        let f = auth_in_plaintext(&before, "192.0.2.1", 25).expect("finding");
        assert_eq!(
            f,
            FindingKind::AuthInPlaintext {
                ip: "192.0.2.1".into(),
                port: 25,
                mechanisms: vec!["PLAIN".into(), "LOGIN".into()]
            }
        );
        let f = f.into_finding();
        assert_eq!(f.severity, crate::Severity::Warning);
        assert!(f.remedy.contains("smtpd_tls_auth_only = yes") && f.remedy.contains("auth_advertise_hosts"));
        assert!(f.texts(crate::Lang::De).remedy.contains("smtpd_tls_auth_only"));
    }

    #[test]
    fn same_answers_give_an_empty_diff_and_auth_order_does_not_matter() {
        let before = ehlo(&["AUTH PLAIN LOGIN", "SIZE 1000", "STARTTLS"]);
        let after = ehlo(&["auth LOGIN PLAIN", "SIZE 1000"]);
        assert!(ehlo_diff(&before, &after).is_empty());
    }
}
