//! The MTA-STS and TLS-RPT checks: each MX host against the policy, and the records' findings.

use crate::checks::policy_record::discarded;
use crate::model::finding::FindingKind;
use crate::model::policy::{
    MxPolicyMatch, MxTls, PolicyRecord, PolicyReport, StsMode, StsPolicy, TlsPolicyFailure, UntestedTls,
    MAX_AGE_RECOMMENDED,
};
use crate::model::report::{AddressReport, MxHost, MxSource, Report, StartTlsOutcome, TcpOutcome};

/// True when `host` matches the policy pattern (RFC 8461 §4.1): equal names, or `*.` followed by
/// a suffix with exactly one more label in front. Case and a trailing dot do not matter.
pub fn mx_matches(pattern: &str, host: &str) -> bool {
    let (pattern, host) =
        (pattern.trim_end_matches('.').to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .and_then(|front| front.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => pattern == host,
    }
}

/// Every MX host against the policy in effect (empty without one).
pub fn judge_mx(r: &Report) -> Vec<MxPolicyMatch> {
    let Some(policy) = r.policies.as_ref().and_then(|p| p.mta_sts.fetch.as_ref()).and_then(|f| f.policy.as_ref())
    else {
        return Vec::new();
    };
    r.mx.iter()
        .map(|h| MxPolicyMatch {
            host: h.host.clone(),
            pattern: policy.mx.iter().find(|p| mx_matches(p, &h.host)).cloned(),
            tls: host_tls(h),
        })
        .collect()
}

/// The host's TLS as MTA-STS sees it: the first failing address decides; otherwise pending while
/// any address is, valid when at least one was tested.
fn host_tls(h: &MxHost) -> MxTls {
    if h.resolving {
        return MxTls::Pending;
    }
    let mut pending = false;
    let mut tested = false;
    for a in &h.addresses {
        match address_tls(a) {
            AddressTls::Failed(failure) => return MxTls::Invalid { ip: a.ip, failure },
            AddressTls::Pending => pending = true,
            AddressTls::Valid => tested = true,
            AddressTls::NotTested => {}
        }
    }
    match (pending, tested) {
        (true, _) => MxTls::Pending,
        (false, true) => MxTls::Valid,
        (false, false) => MxTls::NotTested,
    }
}

enum AddressTls {
    Pending,
    NotTested,
    Valid,
    Failed(TlsPolicyFailure),
}

fn address_tls(a: &AddressReport) -> AddressTls {
    let Some(s) = &a.starttls else {
        // Never reached STARTTLS: no delivery there at all, which is not MTA-STS's concern.
        return if a.done { AddressTls::NotTested } else { AddressTls::Pending };
    };
    match s.outcome {
        // Senders complete the handshake with the outdated suite; only the chain is unknown.
        StartTlsOutcome::HandshakeFailed if crate::checks::tls_quality::ordinary_fallback(a).is_some() => {
            return AddressTls::NotTested
        }
        StartTlsOutcome::NotOffered | StartTlsOutcome::Rejected | StartTlsOutcome::HandshakeFailed => {
            return AddressTls::Failed(TlsPolicyFailure::NoTls)
        }
        StartTlsOutcome::Skipped | StartTlsOutcome::NotTestable => return AddressTls::NotTested,
        StartTlsOutcome::Ok => {}
    }
    if s.pipelined_plaintext {
        return AddressTls::Failed(TlsPolicyFailure::NoTls);
    }
    let Some(c) = &a.certificate else {
        return if a.done { AddressTls::NotTested } else { AddressTls::Pending };
    };
    // Only intermediates on the path that verified count (the certificate judgement's own rule).
    let out_of_date =
        c.expired || c.not_yet_valid || crate::checks::certificate::out_of_date_intermediates(c).next().is_some();
    AddressTls::Failed(if c.parse_error.is_some() {
        TlsPolicyFailure::Unreadable
    } else if !c.hostname_matches {
        TlsPolicyFailure::WrongName
    } else if out_of_date {
        TlsPolicyFailure::OutOfDate
    } else if !c.trusted {
        TlsPolicyFailure::Untrusted
    } else {
        return AddressTls::Valid;
    })
}

/// Why no address of `h` could be tested, from its first address (the host's TLS is `NotTested`,
/// so none was tested, none failed and none is pending).
pub(crate) fn untested(h: &MxHost) -> UntestedTls {
    let Some(a) = h.addresses.first() else { return UntestedTls::NoAddress };
    let ip = a.ip;
    if let Some(t) = a.tcp.as_ref().filter(|t| t.outcome != TcpOutcome::Connected) {
        return UntestedTls::NoConnection { ip, outcome: t.outcome, detail: t.detail.clone() };
    }
    if let Some(o) = crate::checks::tls_quality::ordinary_fallback(a) {
        return UntestedTls::OutdatedSuitesOnly { ip, suite: o.suite.clone().unwrap_or_default() };
    }
    if let Some(s) = a.starttls.as_ref().filter(|s| s.outcome == StartTlsOutcome::NotTestable) {
        return UntestedTls::NotTestable { ip, detail: s.error.clone().unwrap_or_default() };
    }
    if a.deadline_hit {
        return UntestedTls::Deadline { ip };
    }
    let banner = a.banner.as_ref().filter(|b| b.code != Some(220)).map(|b| b.error.clone().unwrap_or(b.text.clone()));
    let ehlo = a.ehlo.as_ref().filter(|e| e.code != Some(250)).map(|e| e.error.clone().unwrap_or(e.host.clone()));
    let detail = a.error.clone().or(banner).or(ehlo).unwrap_or_else(|| match a.starttls.as_ref().map(|s| s.outcome) {
        Some(StartTlsOutcome::Skipped) => "STARTTLS was not tried".into(),
        Some(_) => "no certificate was recorded".into(),
        None => "no STARTTLS step was recorded".into(),
    });
    UntestedTls::NoSession { ip, detail }
}

/// Recomputes the per-MX judgement (the fold calls this after every event).
pub fn refresh(r: &mut Report) {
    let judged = judge_mx(r);
    if let Some(p) = r.policies.as_mut() {
        p.mta_sts.mx = judged;
    }
}

/// The domain's policies, once looked up and when there are mail hosts for them to protect (a
/// null MX, no such domain or MX records not yet resolved leave nothing to judge).
pub(crate) fn judged_policies(r: &Report) -> Option<&PolicyReport> {
    r.policies.as_ref().filter(|_| matches!(r.mx_source, MxSource::Mx | MxSource::Implicit))
}

/// Findings about the domain's MTA-STS record and policy.
pub fn findings(r: &Report) -> Vec<FindingKind> {
    let Some(p) = judged_policies(r) else { return Vec::new() };
    let mut out = Vec::new();
    let sts = &p.mta_sts;
    let name = format!("_mta-sts.{}", r.domain);
    match &sts.record {
        PolicyRecord::Absent => out.push(FindingKind::MtaStsMissing),
        PolicyRecord::LookupFailed { detail } => {
            out.push(FindingKind::PolicyLookupFailed { name: name.clone(), detail: detail.clone() })
        }
        PolicyRecord::Multiple { records } => out.push(FindingKind::MtaStsRecordMultiple { count: records.len() }),
        PolicyRecord::Malformed { record, problem } => {
            out.push(FindingKind::MtaStsRecordMalformed { record: record.clone(), problem: problem.clone() })
        }
        // Ignored records are named below; a valid one is what the rest of the findings judge.
        PolicyRecord::Ignored { .. } | PolicyRecord::Valid { .. } => {}
    }
    // Records senders discard: which, why, and which record counts instead.
    out.extend(discarded(&sts.record, &sts.discarded, "v=STSv1").map(|(record, reason, counted)| {
        FindingKind::MtaStsRecordIgnored { name: name.clone(), record, reason, counted }
    }));
    if let Some(fetch) = &sts.fetch {
        match (&fetch.error, &fetch.policy) {
            (Some(error), _) => {
                out.push(FindingKind::MtaStsPolicyUnavailable { url: fetch.url.clone(), error: error.clone() })
            }
            (None, Some(policy)) if !policy.problems.is_empty() => {
                out.push(FindingKind::MtaStsPolicyInvalid { problems: policy.problems.clone() })
            }
            _ => {}
        }
        if let Some(p) = fetch.policy.as_ref().filter(|p| !p.comment_lines.is_empty() || !p.blank_lines.is_empty()) {
            out.push(FindingKind::MtaStsPolicyLenient {
                comment_lines: p.comment_lines.clone(),
                blank_lines: p.blank_lines.clone(),
            });
        }
    }
    if let Some(policy) = sts.in_effect() {
        out.extend(mx_findings(policy, &sts.mx, &r.mx));
    }
    out
}

/// Findings of a policy in effect: its mode, its lifetime, and each MX against it (`hosts` are the
/// report's MX hosts, for why one could not be tested).
fn mx_findings(policy: &StsPolicy, mx: &[MxPolicyMatch], hosts: &[MxHost]) -> Vec<FindingKind> {
    let mut out = Vec::new();
    let Some(mode) = policy.mode else { return out };
    if mode == StsMode::None {
        out.push(FindingKind::MtaStsModeNone);
        return out;
    }
    if let Some(max_age) = policy.max_age.filter(|a| *a < MAX_AGE_RECOMMENDED) {
        out.push(FindingKind::MtaStsMaxAgeShort { max_age });
    }
    let mut all_pass = !mx.is_empty();
    for m in mx {
        match (&m.pattern, &m.tls) {
            (None, _) => {
                out.push(FindingKind::MtaStsMxNotListed { host: m.host.clone(), patterns: policy.mx.join(", "), mode })
            }
            (Some(_), MxTls::Invalid { ip, failure }) => out.push(FindingKind::MtaStsMxTlsInvalid {
                host: m.host.clone(),
                ip: ip.to_string(),
                failure: *failure,
                mode,
            }),
            (Some(_), MxTls::Valid) => continue,
            // A host nobody could test is said so, never passed over in silence.
            (Some(_), MxTls::NotTested) => out.push(FindingKind::MtaStsMxNotTested {
                host: m.host.clone(),
                reason: hosts.iter().find(|h| h.host == m.host).map_or(UntestedTls::NoAddress, untested),
                mode,
            }),
            (Some(_), MxTls::Pending) => {}
        }
        all_pass = false;
    }
    if all_pass {
        out.push(match mode {
            StsMode::Enforce => FindingKind::MtaStsProtected { hosts: mx.len() },
            _ => FindingKind::MtaStsTesting { hosts: mx.len() },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::policy::{
        FetchError, MtaStsReport, MxTls, PolicyFetch, PolicyProblem, PolicyRecord, PolicyReport, RuaTarget, StsMode,
        StsPolicy, TlsPolicyFailure, TlsRptReport,
    };

    /// The domain's policy findings as the report lists them: MTA-STS, then TLS-RPT.
    fn findings(r: &Report) -> Vec<FindingKind> {
        let mut out = super::findings(r);
        out.extend(crate::checks::tls_rpt::findings(r));
        out
    }
    use crate::model::lang::Lang;
    use crate::model::report::{AddressReport, CertificateReport, StartTlsReport};

    #[test]
    fn wildcards_match_exactly_one_leftmost_label() {
        assert!(mx_matches("mx.example.com", "MX.Example.com."));
        assert!(mx_matches("*.example.com", "mx1.example.com"));
        assert!(!mx_matches("*.example.com", "a.b.example.com"), "one label only");
        assert!(!mx_matches("*.example.com", "example.com"), "the wildcard needs a label");
        assert!(!mx_matches("*.example.com", "mxexample.com"), "a label boundary, not a suffix");
        assert!(!mx_matches("*.example.com", ".example.com"));
        assert!(!mx_matches("mx.example.com", "mx.example.com.evil"));
        assert!(!mx_matches("mail.*.com", "mail.example.com"), "a wildcard elsewhere is literal");
    }

    fn host(name: &str, addresses: Vec<AddressReport>) -> MxHost {
        MxHost {
            host: name.into(),
            preference: 10,
            status: Default::default(),
            findings: Vec::new(),
            addresses,
            cname: None,
            address_error: None,
            addresses_skipped: 0,
            resolving: false,
            dane: None,
        }
    }

    fn address(ip: &str, outcome: Option<StartTlsOutcome>, cert: Option<(bool, bool)>, done: bool) -> AddressReport {
        let mut a = AddressReport::pending(ip.parse().unwrap());
        a.starttls = outcome.map(|outcome| StartTlsReport {
            handshake_problem: None,
            no_reply: None,
            not_testable: None,
            offered: true,
            outcome,
            tls_version: None,
            cipher_suite: None,
            kx_group: None,
            handshake_ms: None,
            error: None,
            pipelined_plaintext: false,
            failure: None,
        });
        a.certificate = cert.map(|(trusted, hostname_matches)| CertificateReport {
            trusted,
            trust_error: None,
            unknown_issuer: None,
            hostname_matches,
            expired: false,
            not_yet_valid: false,
            self_signed: false,
            days_until_expiry: 90,
            chain: Vec::new(),
            parse_error: None,
        });
        a.done = done;
        a
    }

    #[test]
    fn the_first_failing_address_decides_and_pending_waits() {
        let ok = || address("192.0.2.1", Some(StartTlsOutcome::Ok), Some((true, true)), true);
        assert_eq!(host_tls(&host("mx", vec![ok()])), MxTls::Valid);
        let wrong = address("192.0.2.2", Some(StartTlsOutcome::Ok), Some((true, false)), true);
        assert_eq!(
            host_tls(&host("mx", vec![ok(), wrong])),
            MxTls::Invalid { ip: "192.0.2.2".parse().unwrap(), failure: TlsPolicyFailure::WrongName }
        );
        let untrusted = address("192.0.2.3", Some(StartTlsOutcome::Ok), Some((false, true)), true);
        assert!(matches!(
            host_tls(&host("mx", vec![untrusted])),
            MxTls::Invalid { failure: TlsPolicyFailure::Untrusted, .. }
        ));
        let plain = address("192.0.2.4", Some(StartTlsOutcome::NotOffered), None, true);
        assert!(matches!(host_tls(&host("mx", vec![plain])), MxTls::Invalid { failure: TlsPolicyFailure::NoTls, .. }));
        let waiting = address("192.0.2.5", Some(StartTlsOutcome::Ok), None, false);
        assert_eq!(host_tls(&host("mx", vec![ok(), waiting])), MxTls::Pending);
        let unreached = address("192.0.2.6", None, None, true);
        assert_eq!(host_tls(&host("mx", vec![unreached])), MxTls::NotTested);
    }

    fn report(mode: StsMode, patterns: &[&str], hosts: Vec<MxHost>) -> Report {
        let mut r = Report::empty();
        r.domain = "example.com".into();
        r.mx_source = MxSource::Mx;
        r.mx = hosts;
        r.policies = Some(PolicyReport {
            mta_sts: MtaStsReport {
                record: PolicyRecord::Valid { record: "v=STSv1; id=1".into() },
                id: Some("1".into()),
                fetch: Some(PolicyFetch {
                    url: "https://mta-sts.example.com/.well-known/mta-sts.txt".into(),
                    policy: Some(StsPolicy {
                        version: Some("STSv1".into()),
                        mode: Some(mode),
                        max_age: Some(604_800),
                        mx: patterns.iter().map(|p| p.to_string()).collect(),
                        problems: Vec::new(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                mx: Vec::new(),
                discarded: Vec::new(),
            },
            tls_rpt: TlsRptReport::default(),
        });
        refresh(&mut r);
        r
    }

    fn good(name: &str) -> MxHost {
        host(name, vec![address("192.0.2.1", Some(StartTlsOutcome::Ok), Some((true, true)), true)])
    }

    fn codes(r: &Report) -> Vec<&'static str> {
        findings(r).iter().map(FindingKind::code).collect()
    }

    #[test]
    fn enforce_with_every_mx_passing_is_protected() {
        let r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com"), good("mx2.example.com")]);
        assert_eq!(r.policies.as_ref().unwrap().mta_sts.mx[0].pattern.as_deref(), Some("*.example.com"));
        assert_eq!(codes(&r), ["mta_sts_protected", "tls_rpt_missing"]);
    }

    #[test]
    fn an_mx_outside_the_patterns_is_critical_under_enforce_and_a_warning_under_testing() {
        let hosts = || vec![good("mx1.example.com"), good("mx.other.net")];
        let r = report(StsMode::Enforce, &["*.example.com"], hosts());
        let f = findings(&r);
        assert_eq!(
            f[0],
            FindingKind::MtaStsMxNotListed {
                host: "mx.other.net".into(),
                patterns: "*.example.com".into(),
                mode: StsMode::Enforce
            }
        );
        assert_eq!(f[0].severity(), crate::Severity::Critical);
        let r = report(StsMode::Testing, &["*.example.com"], hosts());
        assert_eq!(findings(&r)[0].severity(), crate::Severity::Warning);
        assert!(!codes(&r).contains(&"mta_sts_testing"));
    }

    #[test]
    fn a_bad_certificate_fails_the_policy_and_mode_none_judges_nothing() {
        let bad =
            host("mx1.example.com", vec![address("192.0.2.9", Some(StartTlsOutcome::Ok), Some((true, false)), true)]);
        let r = report(StsMode::Enforce, &["mx1.example.com"], vec![bad.clone()]);
        let f = findings(&r);
        assert!(matches!(&f[0], FindingKind::MtaStsMxTlsInvalid { failure: TlsPolicyFailure::WrongName, .. }));
        assert_eq!(f[0].severity(), crate::Severity::Critical);
        let r = report(StsMode::None, &["mx1.example.com"], vec![bad]);
        assert_eq!(codes(&r), ["mta_sts_mode_none", "tls_rpt_missing"]);
    }

    #[test]
    fn tls_rpt_is_missed_next_to_dane_too() {
        use crate::model::dane::{DnssecCheck, DnssecStatus, HostDane, TlsaRecord};
        let mut h = good("mx1.example.com");
        h.dane = Some(HostDane {
            name: "_25._tcp.mx1.example.com".into(),
            tlsa: DnssecCheck { status: DnssecStatus::Secure, detail: None, reason: None },
            records: vec![TlsaRecord { usage: 3, selector: 1, matching: 1, data: "ab".into() }],
            addresses: None,
            base_domain: None,
            insecure_cname: None,
        });
        let mut r = report(StsMode::Enforce, &[], vec![h]);
        r.policies = Some(PolicyReport::default());
        assert_eq!(codes(&r), ["mta_sts_missing", "tls_rpt_missing"]);
        r.mx[0].dane = None;
        assert_eq!(codes(&r), ["mta_sts_missing"]);
    }

    #[test]
    fn every_renderer_shows_the_policies() {
        use crate::render::{html, markdown, text};
        let mut r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com"), good("mx.other.net")]);
        r.policies.as_mut().unwrap().tls_rpt = TlsRptReport {
            record: PolicyRecord::Valid { record: "v=TLSRPTv1; rua=mailto:r@example.com".into() },
            rua: vec![RuaTarget { uri: "mailto:r@example.com".into(), problem: None }],
            discarded: Vec::new(),
        };
        r.findings = findings(&r).into_iter().map(FindingKind::into_finding).collect();
        let out = text::render(&r, Lang::En, Default::default());
        for expected in [
            "Transport security",
            "MTA-STS",
            "v=STSv1; id=1",
            "https://mta-sts.example.com/.well-known/mta-sts.txt",
            "mx1.example.com: matches *.example.com — STARTTLS with a valid certificate",
            "mx.other.net:    matches no mx pattern",
            "TLS-RPT",
            "mailto:r@example.com",
            "MX host not covered by the MTA-STS policy",
        ] {
            assert!(out.contains(expected), "{expected:?} missing in:\n{out}");
        }
        let de = html::render(&r, Lang::De);
        assert!(de.contains("<h2>Transportsicherheit</h2>") && de.contains("passt zu keinem mx-Muster"), "{de}");
        let md = markdown::render(&r, Lang::En);
        assert!(md.contains("Transport security: MTA-STS Mode enforce · TLS-RPT mailto:r@example.com"), "{md}");
    }

    #[test]
    fn testing_short_max_age_and_invalid_policies_are_named() {
        fn policy(r: &mut Report) -> &mut StsPolicy {
            r.policies.as_mut().and_then(|p| p.mta_sts.fetch.as_mut()).and_then(|f| f.policy.as_mut()).unwrap()
        }
        let mut r = report(StsMode::Testing, &["*.example.com"], vec![good("mx1.example.com")]);
        assert_eq!(codes(&r), ["mta_sts_testing", "tls_rpt_missing"]);
        policy(&mut r).max_age = Some(3600);
        assert_eq!(codes(&r), ["mta_sts_max_age_short", "mta_sts_testing", "tls_rpt_missing"]);
        policy(&mut r).problems = vec![PolicyProblem::NoMx];
        let f = findings(&r);
        assert_eq!(f[0], FindingKind::MtaStsPolicyInvalid { problems: vec![PolicyProblem::NoMx] });
        assert_eq!(f.len(), 2, "an invalid policy judges no MX: {f:?}");
        assert!(f[0].texts(Lang::De).detail.contains("keine mx-Zeile"));
    }

    #[test]
    fn a_policy_host_without_a_route_from_here_is_only_info() {
        let mut r = report(StsMode::Enforce, &["*.example.com"], vec![good("mx1.example.com")]);
        let fetch = r.policies.as_mut().and_then(|p| p.mta_sts.fetch.as_mut()).unwrap();
        (fetch.policy, fetch.error) = (None, Some(FetchError::NoRoute { detail: "no IPv6".into() }));
        let f = findings(&r);
        assert!(matches!(&f[0], FindingKind::MtaStsPolicyUnavailable { .. }), "{f:?}");
        assert_eq!(f[0].severity(), crate::Severity::Info);
        assert!(f[0].texts(Lang::En).detail.contains("not tested from here"));
    }

    #[test]
    fn an_mx_whose_tls_could_not_be_tested_is_said_so_never_silence() {
        use crate::model::report::{TcpOutcome, TcpReport};
        let untestable = || address("192.0.2.7", Some(StartTlsOutcome::NotTestable), None, true);
        let mut refused = address("192.0.2.8", None, None, true);
        refused.tcp = Some(TcpReport {
            failure: None,
            outcome: TcpOutcome::Refused,
            port: 25,
            connect_ms: None,
            detail: Some("connection refused".into()),
        });
        for (mode, severity) in
            [(StsMode::Enforce, crate::Severity::Warning), (StsMode::Testing, crate::Severity::Info)]
        {
            for a in [untestable(), refused.clone()] {
                let r = report(mode, &["mx1.example.com"], vec![host("mx1.example.com", vec![a])]);
                assert_eq!(codes(&r), ["mta_sts_mx_not_tested", "tls_rpt_missing"], "{mode:?}");
                assert_eq!(findings(&r)[0].severity(), severity);
            }
        }
    }

    #[test]
    fn nothing_is_claimed_while_an_address_is_pending() {
        let waiting = host("mx1.example.com", vec![address("192.0.2.1", None, None, false)]);
        let r = report(StsMode::Enforce, &["mx1.example.com"], vec![waiting]);
        assert_eq!(codes(&r), ["tls_rpt_missing"]);
    }
}
