//! What changed between the EHLO answer before STARTTLS and the one inside TLS: extensions added,
//! removed or with other parameters (SIZE, AUTH mechanisms). Pure; AUTH offered in plaintext is a
//! warning when a mechanism there sends the password (or a bearer token) readable, info when every
//! mechanism offered is a challenge-response or ticket one; AUTH only inside TLS is how it should be.

use crate::checks::inspection::inspection;
use crate::checks::marks::CLOSING;
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, EhloReport, Extension};

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

/// SASL mechanisms that never put the password (or a reusable token) on the wire: challenge-response
/// (CRAM-MD5, DIGEST-MD5, SCRAM-*, NTLM and Exchange's alias MSN), Kerberos (GSSAPI, GSS-SPNEGO,
/// KERBEROS_V4), and those without a password at all (EXTERNAL: the TLS client certificate;
/// ANONYMOUS). Offered before STARTTLS they are at most worth knowing.
const NOT_READABLE: [&str; 10] =
    ["CRAM-MD5", "DIGEST-MD5", "NTLM", "MSN", "GSSAPI", "GSS-SPNEGO", "KERBEROS_V4", "EXTERNAL", "ANONYMOUS", "SCRAM-"];

/// True when a client using `mechanism` sends its password, or a bearer token that works like one,
/// readable to anyone on the path: PLAIN and LOGIN (the password in base64), XOAUTH2 and
/// OAUTHBEARER (an OAuth access token, replayable until it expires, RFC 7628 §5), and every
/// mechanism mxray does not know (it cannot tell they are safe, so it does not say so).
pub fn sends_password_readably(mechanism: &str) -> bool {
    let m = mechanism.to_ascii_uppercase();
    !NOT_READABLE.iter().any(|safe| if safe.ends_with('-') { m.starts_with(safe) } else { m == *safe })
}

/// The finding for AUTH offered in a plaintext EHLO answer on `port`, when it is.
pub fn auth_in_plaintext(plaintext: &EhloReport, ip: &str, port: u16) -> Option<FindingKind> {
    let mechanisms = auth_mechanisms(plaintext)?;
    Some(FindingKind::AuthInPlaintext { ip: ip.to_owned(), port, mechanisms })
}

/// The EHLO findings: refused (HELO used), neither accepted, the tester refused, AUTH before TLS.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(e) = &a.ehlo {
        out.extend(auth_in_plaintext(e, &ip, a.tcp.as_ref().map(|t| t.port).filter(|p| *p != 0).unwrap_or(25)));
        match e.code {
            // A firewall's XXXX, not the server, refused EHLO: the inspection finding says so.
            Some(250) if e.helo_fallback && inspection(a).is_some_and(|i| i.ehlo_masked) => {}
            Some(250) if e.helo_fallback => out.push(FindingKind::EhloRefused { ip: ip.clone() }),
            Some(250) => {}
            // Other codes are protocol violations, reported as such below.
            None | Some(400..=599) => {
                let reply = e.error.clone().unwrap_or_else(|| e.host.clone());
                let command = if e.helo_fallback { "HELO" } else { "EHLO" }.to_owned();
                out.push(match e.refuses_tester {
                    Some(reason) => FindingKind::TesterRefused { ip: ip.clone(), step: "EHLO".into(), reply, reason },
                    None if e.code == Some(CLOSING) => FindingKind::ServerClosed { ip: ip.clone(), command, reply },
                    None => FindingKind::HeloFailed { ip: ip.clone(), reply },
                });
            }
            Some(_) => {}
        }
    }
    out
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
    fn only_mechanisms_that_send_the_password_readable_make_a_warning() {
        for readable in ["PLAIN", "login", "XOAUTH2", "OAUTHBEARER", "X-UNKNOWN-MECH"] {
            assert!(sends_password_readably(readable), "{readable}");
        }
        for safe in ["CRAM-MD5", "DIGEST-MD5", "NTLM", "GSSAPI", "gss-spnego", "SCRAM-SHA-1", "SCRAM-SHA-256-PLUS"] {
            assert!(!sends_password_readably(safe), "{safe}");
        }
        assert!(sends_password_readably("SCRAM"), "not a SCRAM-* family name");
        let severity = |lines: &[&str]| auth_in_plaintext(&ehlo(lines), "192.0.2.1", 25).map(|f| f.severity());
        assert_eq!(severity(&["AUTH NTLM GSSAPI", "STARTTLS"]), Some(crate::Severity::Info));
        assert_eq!(severity(&["AUTH CRAM-MD5 DIGEST-MD5 SCRAM-SHA-256", "STARTTLS"]), Some(crate::Severity::Info));
        assert_eq!(severity(&["AUTH CRAM-MD5 LOGIN", "STARTTLS"]), Some(crate::Severity::Warning));
        assert_eq!(severity(&["AUTH=XOAUTH2", "STARTTLS"]), Some(crate::Severity::Warning));
        assert_eq!(severity(&["STARTTLS"]), None);
        // The texts say which mechanisms expose the password, and do not say it of the others.
        let mixed = auth_in_plaintext(&ehlo(&["AUTH CRAM-MD5 PLAIN"]), "192.0.2.1", 587).unwrap();
        let en = mixed.texts(crate::Lang::En);
        assert!(en.detail.contains("with PLAIN") && en.detail.contains("readable by anyone"), "{}", en.detail);
        let safe = auth_in_plaintext(&ehlo(&["AUTH NTLM GSSAPI"]), "192.0.2.1", 587).unwrap();
        let (en, de) = (safe.texts(crate::Lang::En), safe.texts(crate::Lang::De));
        assert!(!en.detail.contains("readable by anyone") && en.detail.contains("NTLM GSSAPI"), "{}", en.detail);
        assert!(de.detail.contains("kein Passwort") && de.remedy.contains("smtpd_tls_auth_only"), "{}", de.detail);
    }

    #[test]
    fn same_answers_give_an_empty_diff_and_auth_order_does_not_matter() {
        let before = ehlo(&["AUTH PLAIN LOGIN", "SIZE 1000", "STARTTLS"]);
        let after = ehlo(&["auth LOGIN PLAIN", "SIZE 1000"]);
        assert!(ehlo_diff(&before, &after).is_empty());
    }
}
