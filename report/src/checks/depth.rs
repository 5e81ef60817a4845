//! The depth probes of an address together: legacy TLS, TLS quality, reverse DNS and blocklists, in
//! that order.

use crate::model::finding::FindingKind;
use crate::model::report::AddressReport;

/// The findings of the depth checks at one address.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let mut out = Vec::new();
    out.extend(crate::checks::legacy_tls::findings(a));
    out.extend(crate::checks::tls_quality::findings(a));
    out.extend(crate::checks::ptr::findings(a));
    out.extend(crate::checks::dnsbl::findings(a));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::legacy_tls::refresh_tls_versions;
    use crate::checks::ptr::announced_name;
    use crate::model::depth::*;
    use crate::model::report::StartTlsOutcome;
    use crate::model::report::{StartTlsReport, TlsFailure};

    fn address(starttls: Option<StartTlsReport>, legacy: Option<LegacyTlsProbe>) -> AddressReport {
        let mut a = AddressReport::pending("192.0.2.1".parse().unwrap());
        a.starttls = starttls;
        a.tls_versions = legacy.map(|l| TlsVersions { legacy: Some(l), ..Default::default() });
        refresh_tls_versions(&mut a);
        a
    }

    fn tls(outcome: StartTlsOutcome, version: Option<&str>, failure: Option<TlsFailure>) -> Option<StartTlsReport> {
        Some(StartTlsReport {
            handshake_problem: None,
            no_reply: None,
            not_testable: None,
            offered: true,
            outcome,
            tls_version: version.map(str::to_owned),
            cipher_suite: None,
            kx_group: None,
            handshake_ms: None,
            error: None,
            pipelined_plaintext: false,
            failure,
        })
    }

    fn legacy(outcome: LegacyOutcome, version: Option<&str>) -> Option<LegacyTlsProbe> {
        Some(LegacyTlsProbe {
            outcome,
            version: version.map(str::to_owned),
            cipher: None,
            detail: "x".into(),
            answer: None,
        })
    }

    fn lists(a: &AddressReport) -> (Vec<String>, Vec<String>, Vec<String>) {
        let v = a.tls_versions.clone().unwrap();
        (v.accepted, v.refused, v.not_tested)
    }

    #[test]
    fn versions_say_only_what_the_two_handshakes_showed() {
        let a = address(tls(StartTlsOutcome::Ok, Some(TLS13), None), legacy(LegacyOutcome::Accepted, Some(TLS10)));
        assert_eq!(lists(&a), (vec![TLS10.into(), TLS13.into()], vec![TLS11.into()], vec![TLS12.into()]));
        let codes: Vec<&str> = findings(&a).iter().map(|f| f.code()).collect();
        assert_eq!(codes, ["tls_legacy_accepted"]);

        let a = address(tls(StartTlsOutcome::Ok, Some(TLS12), None), legacy(LegacyOutcome::Refused, None));
        assert_eq!(lists(&a), (vec![TLS12.into()], vec![TLS10.into(), TLS11.into(), TLS13.into()], vec![]));
        assert!(findings(&a).is_empty());

        let only = tls(StartTlsOutcome::HandshakeFailed, None, Some(TlsFailure::LegacyVersionOnly));
        let a = address(only, legacy(LegacyOutcome::Accepted, Some(TLS11)));
        assert_eq!(lists(&a), (vec![TLS11.into()], vec![TLS12.into(), TLS13.into()], vec![TLS10.into()]));
        assert!(findings(&a).is_empty(), "legacy-only is assess's critical finding, not a second one");

        let a = address(tls(StartTlsOutcome::Ok, Some(TLS13), None), legacy(LegacyOutcome::NotTested, None));
        assert_eq!(lists(&a).2, [TLS10, TLS11, TLS12]);
        assert_eq!(findings(&a)[0].code(), "tls_legacy_not_tested");

        assert!(address(tls(StartTlsOutcome::NotOffered, None, None), None).tls_versions.is_none());
    }

    #[test]
    fn names_from_greetings() {
        assert_eq!(announced_name("MX.Example.com ESMTP Postfix").as_deref(), Some("mx.example.com"));
        assert_eq!(announced_name("ESMTP ready"), None);
        assert_eq!(announced_name("[192.0.2.1] hi"), None);
        assert_eq!(announced_name("192.0.2.1 hi"), None);
    }

    fn ptr(name: &str, forward: Forward) -> PtrName {
        PtrName { name: name.into(), forward, addresses: vec![] }
    }

    #[test]
    fn reverse_dns_findings() {
        let mut a = AddressReport::pending("192.0.2.1".parse().unwrap());
        a.banner = Some(crate::model::report::BannerReport {
            failure: None,
            code: Some(220),
            text: "mail.example.com ESMTP".into(),
            software: None,
            elapsed_ms: 0,
            error: None,
            refuses_tester: None,
            greeting_timeout_secs: None,
        });
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mx.example.com", Forward::Confirmed)], error: None });
        let f = findings(&a);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code(), "name_not_ptr");
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mail.example.com", Forward::Confirmed)], error: None });
        assert!(findings(&a).is_empty());
        a.reverse_dns = Some(ReverseDns {
            names: vec![ptr("mail.example.com", Forward::Mismatch { detail: None, failure: None })],
            error: None,
        });
        assert_eq!(findings(&a)[0].code(), "ptr_not_confirmed");
        let failed = Forward::Failed { detail: "timeout".into(), failure: None };
        a.reverse_dns = Some(ReverseDns { names: vec![ptr("mail.example.com", failed)], error: None });
        assert_eq!(findings(&a)[0].code(), "reverse_dns_not_tested");
        a.reverse_dns = Some(ReverseDns {
            names: vec![],
            error: Some(ReverseFailure::NoPtr { detail: "x".into(), failure: None }),
        });
        assert_eq!(findings(&a)[0].code(), "ptr_missing");
    }
}
