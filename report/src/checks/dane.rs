//! The DANE check (RFC 7672): DNSSEC of the MX and address answers, TLSA records and their match.

use crate::model::dane::{DaneOutcome, DaneReason, DnssecReason, DnssecStatus, HostDane, NotInForce, TlsaRecord};
use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, MxHost, Report};

/// DANE and DNSSEC findings about the domain as a whole.
pub fn domain_findings(r: &Report) -> Vec<FindingKind> {
    let mut out = Vec::new();
    if let Some(c) = r.dns.mx_dnssec.as_ref().filter(|c| c.status == DnssecStatus::Bogus) {
        out.push(FindingKind::MxDnssecBogus { detail: c.detail.clone().unwrap_or_default() });
    }
    // A resolver that passes no DNSSEC data on makes every lookup unknown: said once, here.
    let host_checks =
        r.mx.iter().filter_map(|h| h.dane.as_ref()).flat_map(|d| std::iter::once(&d.tlsa).chain(&d.addresses));
    let blind = r.dns.mx_dnssec.iter().chain(host_checks).find_map(|c| match &c.reason {
        Some(DnssecReason::ResolverBlind { anchor }) => Some(anchor.clone()),
        _ => None,
    });
    out.extend(blind.map(|anchor| FindingKind::DnssecResolverBlind { anchor }));
    out
}

/// DANE and DNSSEC findings about one MX host: its TLSA answer and its address answer.
pub fn host_findings(h: &MxHost) -> Vec<FindingKind> {
    let Some(d) = &h.dane else { return Vec::new() };
    let (host, detail) = (h.host.clone(), d.tlsa.detail.clone().unwrap_or_default());
    let mut out = Vec::new();
    if let Some(a) = d.addresses.as_ref().filter(|a| a.status == DnssecStatus::Bogus) {
        out.push(FindingKind::AddressDnssecBogus { host: host.clone(), detail: a.detail.clone().unwrap_or_default() });
    }
    let usable = d.records.iter().any(TlsaRecord::usable);
    match d.tlsa.status {
        DnssecStatus::Bogus => out.push(FindingKind::DaneTlsaBogus { host, detail }),
        // Said once for the domain: the resolver, not this host, is why.
        DnssecStatus::Unknown if d.tlsa.resolver_blind() => {}
        DnssecStatus::Unknown => out.push(FindingKind::DaneTlsaUnknown { host, detail, reason: d.tlsa.reason.clone() }),
        // Signed records behind an unsigned CNAME: the zone is fine, the way to it is not.
        DnssecStatus::Insecure if !d.records.is_empty() => match d.not_in_force() {
            Some(reason @ NotInForce::InsecureCname { .. }) => out.push(FindingKind::DaneNotInForce { host, reason }),
            _ => out.push(FindingKind::DaneTlsaInsecure { host }),
        },
        DnssecStatus::Insecure => {}
        DnssecStatus::Secure => {
            let unusable: Vec<String> = d.unusable().map(|r| format!("\"{}\"", r.presentation())).collect();
            if !unusable.is_empty() {
                out.push(FindingKind::DaneUnusableRecords { host: host.clone(), records: unusable.join(", ") });
            }
            if let Some(reason) = d.not_in_force().filter(|_| usable) {
                out.push(FindingKind::DaneNotInForce { host, reason });
            }
        }
    }
    out
}

/// DANE findings about one address: its verdict (a bogus or failed TLSA lookup is said once, at the
/// host; a resolver that passes no DNSSEC data on once, for the domain).
pub fn address_findings(a: &AddressReport, host: Option<&HostDane>) -> Vec<FindingKind> {
    let Some(d) = &a.dane else { return Vec::new() };
    if d.outcome == DaneOutcome::NotTested && host.is_some_and(|h| h.tlsa.resolver_blind()) {
        return Vec::new();
    }
    let ip = a.ip.to_string();
    let detail = d.detail.clone().unwrap_or_default();
    match d.outcome {
        DaneOutcome::Matched => d
            .matched
            .as_ref()
            .map(|r| FindingKind::DaneMatched { ip, record: format!("\"{}\"", r.presentation()) })
            .into_iter()
            .collect(),
        DaneOutcome::NoMatch => vec![FindingKind::DaneNoMatch { ip, detail, why: d.reason.clone() }],
        // DANE senders (OpenSSL-based) complete the handshake with the outdated suite; mxray's
        // library cannot, so the chain was not matched: not tested, not "no TLS".
        DaneOutcome::NoTls => match crate::checks::tls_quality::ordinary_fallback(a) {
            Some(o) => vec![FindingKind::DaneNotTested {
                ip,
                reason: String::new(),
                why: Some(DaneReason::OutdatedSuitesOnly { suite: o.suite.clone().unwrap_or_default() }),
            }],
            None => vec![FindingKind::DaneNoTls { ip, detail, why: d.reason.clone() }],
        },
        DaneOutcome::TaRejected => vec![FindingKind::DaneTaRejected {
            ip,
            record: d.matched.as_ref().map(|r| format!("\"{}\"", r.presentation())).unwrap_or_default(),
            problems: d.ta_problems.clone(),
        }],
        DaneOutcome::NotTested => vec![FindingKind::DaneNotTested { ip, reason: detail, why: d.reason.clone() }],
        DaneOutcome::NotApplicable => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dane::{
        AddressDane, DaneOutcome, DnssecCheck, DnssecStatus, HostDane, NotInForce, TaProblem, TlsaRecord,
    };
    use crate::model::lang::Lang;

    fn record(usage: u8, selector: u8, matching: u8) -> TlsaRecord {
        TlsaRecord { usage, selector, matching, data: "ab".into() }
    }

    #[test]
    fn only_secure_usable_records_put_dane_in_force() {
        let check = |status| DnssecCheck { status, detail: None, reason: None };
        let mut host = HostDane {
            name: "_25._tcp.mx.example".into(),
            tlsa: check(DnssecStatus::Secure),
            records: vec![record(1, 1, 1), record(3, 1, 1)],
            addresses: None,
            base_domain: None,
            insecure_cname: None,
        };
        assert!(host.in_force());
        assert_eq!(host.unusable().count(), 1);
        host.tlsa = check(DnssecStatus::Insecure);
        assert!(!host.in_force(), "an unsigned TLSA set is ignored");
        host.tlsa = check(DnssecStatus::Secure);
        host.records = vec![record(0, 0, 1), record(3, 2, 1), record(2, 0, 3)];
        assert!(!host.in_force(), "usages 0/1 and unknown parameters do not count");
        host.records = vec![record(3, 1, 1)];
        host.addresses = Some(check(DnssecStatus::Insecure));
        assert!(!host.in_force(), "unsigned addresses: senders do not look for TLSA (RFC 7672 §2.2.2)");
        host.addresses = Some(check(DnssecStatus::Secure));
        host.insecure_cname = Some("_25._tcp.mx.example".into());
        assert!(!host.in_force(), "records behind an unsigned CNAME do not count");
        assert_eq!(record(3, 1, 1).presentation(), "3 1 1 ab");
    }

    fn certificate_findings(dane: Option<AddressDane>) -> Vec<&'static str> {
        let mut a = AddressReport::pending("192.0.2.7".parse().unwrap());
        let leaf = crate::model::report::CertificateInfo {
            subject: "CN=other".into(),
            issuer: "CN=private CA".into(),
            serial: "01".into(),
            not_before: "2020-01-01T00:00:00Z".into(),
            not_after: "2021-01-01T00:00:00Z".into(),
            san: vec!["other.example".into()],
            key_algorithm: "EC".into(),
            key_bits: Some(256),
            signature_algorithm: "ecdsa-with-SHA256".into(),
            sha256: "AA".into(),
            expired: true,
            not_yet_valid: false,
            off_path: false,
        };
        a.certificate = Some(crate::model::report::CertificateReport {
            trusted: false,
            trust_error: Some("issuer not trusted".into()),
            unknown_issuer: Some("CN=private CA".into()),
            hostname_matches: false,
            expired: true,
            not_yet_valid: false,
            self_signed: false,
            days_until_expiry: -300,
            chain: vec![leaf],
            parse_error: None,
        });
        a.dane = dane;
        crate::checks::assess::address_findings(&a, "mx.example", None).iter().map(FindingKind::code).collect()
    }

    #[test]
    fn dane_ee_excuses_the_certificate_and_dane_ta_only_its_issuer() {
        let matched = |usage| AddressDane::matched(&record(usage, 1, 1), 0);
        let plain = certificate_findings(None);
        assert!(["certificate_expired", "certificate_name_mismatch", "certificate_untrusted"]
            .iter()
            .all(|c| plain.contains(c)));
        assert_eq!(certificate_findings(Some(matched(3))), ["certificate_dane_ee", "dane_matched"]);
        // DANE-TA vouches for the issuer only: the engine's verdict rejects the name and dates, and
        // the certificate's own findings stay, the untrusted issuer aside.
        let problems = vec![
            TaProblem::NameMismatch { names: vec!["other.example".into()], expected: vec!["mx.example".into()] },
            TaProblem::OutOfDate {
                depth: 0,
                subject: "CN=other".into(),
                not_before: "2020-01-01T00:00:00Z".into(),
                not_after: "2021-01-01T00:00:00Z".into(),
            },
        ];
        let rejected = AddressDane { outcome: DaneOutcome::TaRejected, ta_problems: problems, ..matched(2) };
        assert_eq!(
            certificate_findings(Some(rejected.clone())),
            ["certificate_expired", "certificate_name_mismatch", "dane_ta_rejected"],
        );
        let finding = FindingKind::DaneTaRejected {
            ip: "192.0.2.7".into(),
            record: "\"2 1 1 ab\"".into(),
            problems: rejected.ta_problems,
        };
        assert_eq!(finding.severity(), crate::Severity::Critical);
        let (en, de) = (finding.texts(Lang::En), finding.texts(Lang::De));
        assert!(en.detail.contains("the certificate names other.example, not mx.example; the server's certificate is valid only from 2020-01-01T00:00:00Z"), "{}", en.detail);
        assert!(
            en.remedy.contains("MX host name in its SAN")
                && en.remedy.contains("Renew the certificate")
                && en.remedy.contains("DANE-EE"),
            "{}",
            en.remedy
        );
        assert!(de.detail.contains("das Zertifikat nennt other.example, nicht mx.example"), "{}", de.detail);
        assert!(de.remedy.contains("DANE-EE-Eintrag"), "{}", de.remedy);
    }

    #[test]
    fn signed_records_behind_unsigned_addresses_or_an_unsigned_cname_are_said_not_in_force() {
        let check = |status| DnssecCheck { status, detail: None, reason: None };
        let mut mx = MxHost {
            host: "mx.example".into(),
            preference: 10,
            status: Default::default(),
            findings: Vec::new(),
            addresses: Vec::new(),
            cname: None,
            address_error: None,
            addresses_skipped: 0,
            resolving: false,
            dane: Some(HostDane {
                name: "_25._tcp.mx.example".into(),
                tlsa: check(DnssecStatus::Secure),
                records: vec![record(3, 1, 1)],
                addresses: Some(check(DnssecStatus::Insecure)),
                base_domain: None,
                insecure_cname: None,
            }),
        };
        let reasons = |mx: &MxHost| -> Vec<FindingKind> { host_findings(mx) };
        assert_eq!(
            reasons(&mx),
            [FindingKind::DaneNotInForce { host: "mx.example".into(), reason: NotInForce::InsecureAddresses }]
        );
        assert_eq!(reasons(&mx)[0].severity(), crate::Severity::Info);
        let dane = mx.dane.as_mut().unwrap();
        (dane.tlsa, dane.insecure_cname) = (check(DnssecStatus::Insecure), Some("_25._tcp.mx.example".into()));
        let f = reasons(&mx);
        assert!(
            matches!(&f[..], [FindingKind::DaneNotInForce { reason: NotInForce::InsecureCname { .. }, .. }]),
            "{f:?}"
        );
        assert!(f[0].texts(Lang::De).title.contains("unsignierten CNAME"));
        // Unsigned records without a CNAME stay what they were: a warning about the zone.
        mx.dane.as_mut().unwrap().insecure_cname = None;
        assert_eq!(host_findings(&mx), [FindingKind::DaneTlsaInsecure { host: "mx.example".into() }]);
    }

    #[test]
    fn host_facts_survive_a_late_address_lookup_and_show_in_the_rows() {
        use crate::model::event::{CheckEvent, PlannedHost, StepResult};
        use crate::render::rows::{address_sections, header_rows, host_rows};
        let ip: std::net::IpAddr = "192.0.2.9".parse().unwrap();
        let planned = |resolving: bool| PlannedHost {
            host: "mx.example".into(),
            preference: 10,
            cname: None,
            address_error: None,
            addresses: if resolving { vec![] } else { vec![ip] },
            addresses_skipped: 0,
            resolving,
        };
        let secure = DnssecCheck { status: DnssecStatus::Secure, detail: None, reason: None };
        let host = HostDane {
            name: "_25._tcp.mx.example".into(),
            tlsa: secure.clone(),
            records: vec![record(3, 1, 1), record(1, 1, 1)],
            addresses: Some(secure.clone()),
            base_domain: None,
            insecure_cname: None,
        };
        let verdict = AddressDane::without_match(DaneOutcome::NoMatch, "none matches");
        let events = [
            CheckEvent::Resolved {
                mx_source: crate::model::report::MxSource::Mx,
                hosts: vec![planned(true)],
                error: None,
                mx_hosts_skipped: 0,
                null_mx_mixed: false,
            },
            CheckEvent::HostDane { mx: 0, dane: host.clone() },
            CheckEvent::MxDnssec { check: secure },
            CheckEvent::HostResolved { mx: 0, host: planned(false) },
            CheckEvent::Step { mx: 0, ip, step: Box::new(StepResult::Dane(verdict.clone())) },
        ];
        let r = Report::from_events(&events);
        assert_eq!(r.mx[0].dane.as_ref(), Some(&host), "kept across host_resolved");
        assert_eq!(r.mx[0].addresses[0].dane.as_ref(), Some(&verdict));
        let codes: Vec<&str> = r.all_findings().map(|f| f.code.as_str()).collect();
        assert!(codes.contains(&"dane_no_match") && codes.contains(&"dane_unusable_records"), "{codes:?}");
        let lang = Lang::En;
        let label = |rows: &[crate::render::rows::Row], l: &str| {
            rows.iter().find(|row| row.label == l).map(|row| row.value.clone())
        };
        assert_eq!(
            label(&header_rows(&r, lang), "DNSSEC of the MX records").as_deref(),
            Some("secure (signed, validated)")
        );
        let host_rows = host_rows(&r.mx[0], lang);
        assert_eq!(label(&host_rows, "TLSA records").as_deref(), Some("3 1 1 ab\n1 1 1 ab (not for SMTP)"));
        let sections = address_sections(&r.mx[0].addresses[0], &r, lang);
        let dane = sections.iter().find(|s| s.title == "DANE (TLSA)").expect("a DANE section");
        assert_eq!(label(&dane.rows, "Detail").as_deref(), Some("library message: \"none matches\""));
    }

    #[test]
    fn a_resolver_without_dnssec_data_is_said_once_for_the_domain_not_at_every_host() {
        use crate::model::event::{CheckEvent, PlannedHost, StepResult};
        use crate::render::rows::host_rows;
        let blind = DnssecCheck::because(DnssecStatus::Unknown, DnssecReason::ResolverBlind { anchor: ".".into() });
        let ips: [std::net::IpAddr; 2] = ["192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap()];
        let mut events = vec![CheckEvent::Resolved {
            mx_source: crate::model::report::MxSource::Mx,
            hosts: (0..2)
                .map(|i| PlannedHost {
                    host: format!("mx{i}.example"),
                    preference: 10,
                    cname: None,
                    address_error: None,
                    addresses: vec![ips[i]],
                    addresses_skipped: 0,
                    resolving: false,
                })
                .collect(),
            error: None,
            mx_hosts_skipped: 0,
            null_mx_mixed: false,
        }];
        events.push(CheckEvent::MxDnssec { check: blind.clone() });
        for (mx, ip) in ips.into_iter().enumerate() {
            let dane = HostDane {
                name: format!("_25._tcp.mx{mx}.example"),
                tlsa: blind.clone(),
                records: Vec::new(),
                addresses: Some(blind.clone()),
                base_domain: None,
                insecure_cname: None,
            };
            events.push(CheckEvent::HostDane { mx, dane });
            let verdict = AddressDane::without_match(DaneOutcome::NotTested, "the TLSA lookup gave no usable answer");
            events.push(CheckEvent::Step { mx, ip, step: Box::new(StepResult::Dane(verdict)) });
        }
        let r = Report::from_events(&events);
        let codes: Vec<&str> = r
            .all_findings()
            .map(|f| f.code.as_str())
            .filter(|c| c.contains("dnssec") || c.starts_with("dane"))
            .collect();
        assert_eq!(codes, ["dnssec_resolver_blind"], "once, for the domain");
        let finding = &r.findings[0];
        assert!(finding.texts(Lang::En).remedy.contains("--resolver"));
        assert!(finding.texts(Lang::De).title.starts_with("DNSSEC und DANE ließen sich"));
        for lang in [Lang::En, Lang::De] {
            let rows = host_rows(&r.mx[0], lang);
            let unknown = DnssecStatus::Unknown.label(lang);
            let dnssec: Vec<&str> =
                rows.iter().filter(|row| row.value.contains(unknown)).map(|row| row.value.as_str()).collect();
            assert_eq!(dnssec, [unknown, unknown], "per host only the status: {rows:?}");
        }
        // A timeout is this lookup's own trouble: said at the host, in words of either language.
        let late = DnssecCheck::because(DnssecStatus::Unknown, DnssecReason::Timeout { secs: 5 });
        assert_eq!(late.describe(Lang::De), "unbekannt (nicht validiert) (keine validierte Antwort innerhalb von 5 s)");
        let library = DnssecCheck { status: DnssecStatus::Bogus, detail: Some("rrsig expired".into()), reason: None };
        assert_eq!(
            library.describe(Lang::De),
            "ungültig (Signaturen scheitern) (Meldung der Bibliothek: „rrsig expired“)"
        );
    }
}
