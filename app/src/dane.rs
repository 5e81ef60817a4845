//! DANE for SMTP (RFC 7672, RFC 6698) and the DNSSEC status of lookups: the report's types and the
//! rules that decide which TLSA records count.

use serde::{Deserialize, Serialize};

use crate::findings::FindingKind;
use crate::i18n::{pick, Lang};
use crate::report::{AddressReport, MxHost, Report};

/// What DNSSEC validation said about an answer (RFC 4035 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnssecStatus {
    /// Signed, and the signatures chain up to a trust anchor.
    Secure,
    /// Provably unsigned: a signed parent proves there is no DS for the zone.
    Insecure,
    /// Signed, but the signatures or the chain to the anchor fail.
    Bogus,
    /// Not known: the lookup failed or validation could not decide.
    Unknown,
}

/// The DNSSEC status of one lookup, with why it is unknown or bogus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnssecCheck {
    /// The status.
    pub status: DnssecStatus,
    /// The resolver's words, when the status is not plain.
    #[serde(default)]
    pub detail: Option<String>,
}

/// One TLSA record (RFC 6698 §2.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaRecord {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 full certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching: u8,
    /// Certificate association data, lower-case hex.
    pub data: String,
}

impl TlsaRecord {
    /// True when SMTP senders use it: usage 2 or 3 with a known selector and matching type
    /// (RFC 7672 §3.1.3: usages 0 and 1 are not for SMTP).
    pub fn usable(&self) -> bool {
        matches!(self.usage, 2 | 3) && self.selector <= 1 && self.matching <= 2
    }

    /// The record in presentation form, e.g. `3 1 1 ab12…`.
    pub fn presentation(&self) -> String {
        format!("{} {} {} {}", self.usage, self.selector, self.matching, self.data)
    }
}

/// The TLSA records of one MX host (`_25._tcp.{host}`) and the DNSSEC status of its lookups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostDane {
    /// The name looked up, e.g. `_25._tcp.mx.example.com`.
    pub name: String,
    /// DNSSEC status of the TLSA answer (or of the proof that there is none).
    pub tlsa: DnssecCheck,
    /// The TLSA records as published (empty when there are none or the lookup failed).
    #[serde(default)]
    pub records: Vec<TlsaRecord>,
    /// DNSSEC status of the host's A/AAAA answers (CNAMEs on the way included).
    #[serde(default)]
    pub addresses: Option<DnssecCheck>,
    /// The TLSA base domain when it is not the MX host name: the host's DNSSEC-signed CNAME
    /// target, where the TLSA records were found (RFC 7672 §2.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_domain: Option<String>,
    /// The owner of an unsigned CNAME the TLSA lookup went through: records reached that way do
    /// not count (RFC 7672 §2.2), however well the zone they are in is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_cname: Option<String>,
}

impl HostDane {
    /// True when DANE is in force for the host: a secure TLSA set with a usable record, reached
    /// without an unsigned CNAME, for a host whose addresses are signed too (RFC 7672 §2.2).
    pub fn in_force(&self) -> bool {
        self.tlsa.status == DnssecStatus::Secure
            && self.records.iter().any(TlsaRecord::usable)
            && self.not_in_force().is_none()
    }

    /// Why records that are published do not count, when that is what stops DANE.
    pub fn not_in_force(&self) -> Option<NotInForce> {
        if let Some(cname) = &self.insecure_cname {
            return Some(NotInForce::InsecureCname { cname: cname.clone() });
        }
        // RFC 7672 §2.2.2: with unsigned address records the client does not look for TLSA at all.
        let unsigned = self.addresses.as_ref().is_some_and(|a| a.status == DnssecStatus::Insecure);
        unsigned.then_some(NotInForce::InsecureAddresses)
    }

    /// The records SMTP senders do not use (usage 0/1, unknown selector or matching type).
    pub fn unusable(&self) -> impl Iterator<Item = &TlsaRecord> {
        self.records.iter().filter(|r| !r.usable())
    }
}

/// Why signed TLSA records do not put DANE in force (RFC 7672 §2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotInForce {
    /// The TLSA lookup went through a CNAME that is not DNSSEC-signed.
    InsecureCname {
        /// The CNAME's owner name.
        cname: String,
    },
    /// The MX host's address records (or a CNAME leading to them) are not DNSSEC-signed.
    InsecureAddresses,
}

/// What DANE-TA senders still check after a DANE-TA record matched (RFC 7672 §3.1.2, §3.2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaProblem {
    /// The server's certificate names none of the reference identifiers.
    NameMismatch {
        /// The DNS names in the certificate (its subject CN when it has none).
        names: Vec<String>,
        /// The names senders accept: the MX host, the TLSA base domain, the mail domain.
        expected: Vec<String>,
    },
    /// A certificate from the server's up to the trust anchor is out of date.
    OutOfDate {
        /// Its position in the chain (0 = the server's own).
        depth: usize,
        /// Its subject.
        subject: String,
        /// Start of its validity.
        not_before: String,
        /// End of its validity.
        not_after: String,
    },
}

impl TaProblem {
    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            TaProblem::NameMismatch { names, expected } => {
                let (names, expected) = (names.join(", "), expected.join(pick(lang, " or ", " oder ")));
                pick(
                    lang,
                    format!("the certificate names {names}, not {expected}"),
                    format!("das Zertifikat nennt {names}, nicht {expected}"),
                )
            }
            TaProblem::OutOfDate { depth: 0, not_before, not_after, .. } => pick(
                lang,
                format!("the server's certificate is valid only from {not_before} to {not_after}"),
                format!("das Zertifikat des Servers gilt nur von {not_before} bis {not_after}"),
            ),
            TaProblem::OutOfDate { subject, not_before, not_after, .. } => pick(
                lang,
                format!("{subject} in the chain is valid only from {not_before} to {not_after}"),
                format!("{subject} in der Kette gilt nur von {not_before} bis {not_after}"),
            ),
        }
    }
}

/// What the chain one address presented means for DANE senders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaneOutcome {
    /// A usable TLSA record matched the chain the address presented.
    Matched,
    /// DANE is in force, but no usable record matches the chain: DANE senders will not deliver.
    NoMatch,
    /// DANE is in force, but no TLS session was established: DANE senders will not deliver.
    NoTls,
    /// A DANE-TA record matched a CA certificate of the chain, but the server's certificate fails
    /// what DANE-TA still checks (name, dates): DANE senders will not deliver.
    TaRejected,
    /// DANE is not in force for the host (no secure, usable TLSA records).
    NotApplicable,
    /// Could not be judged (see `detail`).
    NotTested,
}

/// The DANE verdict for one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressDane {
    /// The verdict.
    pub outcome: DaneOutcome,
    /// The record that matched.
    #[serde(default)]
    pub matched: Option<TlsaRecord>,
    /// Position in the presented chain of the certificate it matched (0 = the server's own).
    #[serde(default)]
    pub depth: Option<usize>,
    /// Why it did not match or was not tested.
    #[serde(default)]
    pub detail: Option<String>,
    /// What DANE-TA senders reject, when the outcome is `ta_rejected`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ta_problems: Vec<TaProblem>,
}

impl AddressDane {
    /// A verdict with a reason and no match.
    pub fn without_match(outcome: DaneOutcome, detail: impl Into<String>) -> Self {
        AddressDane { outcome, matched: None, depth: None, detail: Some(detail.into()), ta_problems: Vec::new() }
    }

    /// A verdict for `record`, which matched the certificate at `depth` of the chain.
    pub fn matched(record: &TlsaRecord, depth: usize) -> Self {
        AddressDane {
            outcome: DaneOutcome::Matched,
            matched: Some(record.clone()),
            depth: Some(depth),
            detail: None,
            ta_problems: Vec::new(),
        }
    }

    /// True when a DANE-EE (usage 3) record matched: the certificate's names, dates and issuer do
    /// not matter to DANE senders (RFC 7672 §3.1.1).
    pub fn ee_matched(&self) -> bool {
        self.outcome == DaneOutcome::Matched && self.matched.as_ref().is_some_and(|r| r.usage == 3)
    }

    /// True when a DANE-TA (usage 2) record matched: the chain is trusted through the DNS, the
    /// name and dates still count (RFC 7672 §3.1.2).
    pub fn ta_matched(&self) -> bool {
        self.outcome == DaneOutcome::Matched && self.matched.as_ref().is_some_and(|r| r.usage == 2)
    }

    /// True when a DANE-TA record vouches for the issuer, whether or not the certificate then
    /// passes the name and date checks (its own finding says so when it does not).
    pub fn ta_anchored(&self) -> bool {
        matches!(self.outcome, DaneOutcome::Matched | DaneOutcome::TaRejected)
            && self.matched.as_ref().is_some_and(|r| r.usage == 2)
    }

    /// True when a DANE-TA record matched but DANE senders reject the certificate.
    pub fn ta_rejected(&self) -> bool {
        self.outcome == DaneOutcome::TaRejected
    }
}

crate::i18n::labels!(DnssecStatus, "The DNSSEC status in words.", {
    Secure => ("secure (signed, validated)", "sicher (signiert, validiert)"),
    Insecure => ("insecure (not signed)", "unsigniert"),
    Bogus => ("bogus (signatures fail)", "ungültig (Signaturen scheitern)"),
    Unknown => ("unknown (not validated)", "unbekannt (nicht validiert)"),
});

crate::i18n::labels!(DaneOutcome, "The DANE verdict in words.", {
    Matched => ("matches", "passt"),
    NoMatch => ("no match: DANE senders will not deliver", "passt nicht: DANE-Absender stellen nicht zu"),
    NoTls => ("no TLS: DANE senders will not deliver", "kein TLS: DANE-Absender stellen nicht zu"),
    TaRejected => (
        "the DANE-TA issuer matches, the certificate fails: DANE senders will not deliver",
        "der DANE-TA-Aussteller passt, das Zertifikat nicht: DANE-Absender stellen nicht zu"
    ),
    NotApplicable => ("not in force", "nicht in Kraft"),
    NotTested => ("not tested", "nicht getestet"),
});

impl DnssecCheck {
    /// The status in words, with the resolver's detail when there is one.
    pub fn describe(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => format!("{} ({d})", self.status.label(lang)),
            None => self.status.label(lang).to_owned(),
        }
    }
}

/// DANE and DNSSEC findings about the domain as a whole.
pub fn domain_findings(r: &Report) -> Vec<FindingKind> {
    match &r.dns.mx_dnssec {
        Some(c) if c.status == DnssecStatus::Bogus => {
            vec![FindingKind::MxDnssecBogus { detail: c.detail.clone().unwrap_or_default() }]
        }
        _ => Vec::new(),
    }
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
        DnssecStatus::Unknown => out.push(FindingKind::DaneTlsaUnknown { host, detail }),
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

/// DANE findings about one address: its verdict (a bogus or failed TLSA lookup is said once, at the host).
pub fn address_findings(a: &AddressReport) -> Vec<FindingKind> {
    let Some(d) = &a.dane else { return Vec::new() };
    let ip = a.ip.to_string();
    let detail = d.detail.clone().unwrap_or_default();
    match d.outcome {
        DaneOutcome::Matched => d
            .matched
            .as_ref()
            .map(|r| FindingKind::DaneMatched { ip, record: format!("\"{}\"", r.presentation()) })
            .into_iter()
            .collect(),
        DaneOutcome::NoMatch => vec![FindingKind::DaneNoMatch { ip, detail }],
        DaneOutcome::NoTls => vec![FindingKind::DaneNoTls { ip, detail }],
        DaneOutcome::TaRejected => vec![FindingKind::DaneTaRejected {
            ip,
            record: d.matched.as_ref().map(|r| format!("\"{}\"", r.presentation())).unwrap_or_default(),
            problems: d.ta_problems.clone(),
        }],
        DaneOutcome::NotTested => vec![FindingKind::DaneNotTested { ip, reason: detail }],
        DaneOutcome::NotApplicable => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(usage: u8, selector: u8, matching: u8) -> TlsaRecord {
        TlsaRecord { usage, selector, matching, data: "ab".into() }
    }

    #[test]
    fn only_secure_usable_records_put_dane_in_force() {
        let check = |status| DnssecCheck { status, detail: None };
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
        let leaf = crate::report::CertificateInfo {
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
        a.certificate = Some(crate::report::CertificateReport {
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
        crate::assess::address_findings(&a, "mx.example").iter().map(FindingKind::code).collect()
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
        let check = |status| DnssecCheck { status, detail: None };
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
        use crate::event::{CheckEvent, PlannedHost, StepResult};
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
        let secure = DnssecCheck { status: DnssecStatus::Secure, detail: None };
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
                mx_source: crate::report::MxSource::Mx,
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
        assert_eq!(label(&dane.rows, "Detail").as_deref(), Some("none matches"));
    }
}
