//! Chips beyond the six steps of an address, each shown once its check has reported: DANE (does
//! the presented chain match the host's TLSA records), the TLS versions accepted, reverse DNS and
//! blocklists. Their marks are the worst finding about the aspect, so chips and findings agree.

use leptos::prelude::*;

use super::chip::Chip;
use super::lang::use_lang;
use mxray_report::model::dane::{AddressDane, DaneOutcome};
use mxray_report::model::depth::{DnsblStatus, Forward, ReverseDns, ReverseFailure, TlsVersions};
use mxray_report::model::lang::Lang;
use mxray_report::model::report::{AddressReport, Mark};
use mxray_report::render::facts::severity_mark;
use mxray_report::texts::{labels, pick};

/// The aspects, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// DANE (RFC 7672).
    Dane,
    /// TLS versions accepted.
    TlsVersions,
    /// Reverse DNS.
    Ptr,
    /// Blocklists.
    Dnsbl,
}

labels!(Aspect, "The aspect's name.", {
    Dane => ("DANE", "DANE"),
    TlsVersions => ("TLS versions", "TLS-Versionen"),
    Ptr => ("PTR", "PTR"),
    Dnsbl => ("Blocklists", "Blocklisten"),
});

impl Aspect {
    /// The stable name (for `data-aspect`).
    pub fn id(self) -> &'static str {
        match self {
            Aspect::Dane => "dane",
            Aspect::TlsVersions => "tls_versions",
            Aspect::Ptr => "ptr",
            Aspect::Dnsbl => "dnsbl",
        }
    }

    /// The finding codes about this aspect.
    fn codes(self) -> &'static [&'static str] {
        match self {
            Aspect::Dane => &["dane_matched", "dane_no_match", "dane_no_tls", "dane_not_tested", "dane_ta_rejected"],
            Aspect::TlsVersions => &["tls_legacy_only", "tls_legacy_accepted", "tls_legacy_not_tested"],
            Aspect::Ptr => &["ptr_missing", "ptr_not_confirmed", "reverse_dns_not_tested", "name_not_ptr"],
            Aspect::Dnsbl => &["dnsbl_listed", "dnsbl_not_tested"],
        }
    }
}

/// The words of the chips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Says {
    Matched,
    NoMatch,
    NoTls,
    TaRejected,
    NotInForce,
    NotTested,
    NoneAccepted,
    NotConfirmed,
    NoPtr,
    LookupFailed,
    Listed,
    Unknown,
}

labels!(Says, "The words.", {
    Matched => ("matches", "passt"),
    NoMatch => ("no TLSA record matches", "kein TLSA-Eintrag passt"),
    NoTls => ("no TLS", "kein TLS"),
    TaRejected => ("DANE-TA: certificate rejected", "DANE-TA: Zertifikat abgelehnt"),
    NotInForce => ("not in force", "nicht in Kraft"),
    NotTested => ("not tested", "nicht getestet"),
    NoneAccepted => ("none seen accepted", "keine als angenommen gesehen"),
    NotConfirmed => ("not forward-confirmed", "nicht vorwärts bestätigt"),
    NoPtr => ("no PTR", "kein PTR"),
    LookupFailed => ("lookup failed", "Abfrage fehlgeschlagen"),
    Listed => ("listed", "gelistet"),
    Unknown => ("unknown", "unbekannt"),
});

/// One chip: aspect, mark and state in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AspectChip {
    /// What it is about.
    pub aspect: Aspect,
    /// The verdict.
    pub mark: Mark,
    /// The state in words.
    pub state: String,
}

/// The DANE verdict as a mark (for reports without DANE findings) and in words.
fn dane(d: &AddressDane, lang: Lang) -> (Mark, String) {
    match d.outcome {
        DaneOutcome::Matched => {
            let usage = match d.matched.as_ref().map(|r| r.usage) {
                Some(3) => " (DANE-EE)",
                Some(2) => " (DANE-TA)",
                _ => "",
            };
            (Mark::Ok, format!("{}{usage}", Says::Matched.label(lang)))
        }
        DaneOutcome::NoMatch => (Mark::Critical, Says::NoMatch.label(lang).to_owned()),
        DaneOutcome::NoTls => (Mark::Critical, Says::NoTls.label(lang).to_owned()),
        DaneOutcome::TaRejected => (Mark::Critical, Says::TaRejected.label(lang).to_owned()),
        DaneOutcome::NotApplicable => (Mark::NotApplicable, Says::NotInForce.label(lang).to_owned()),
        DaneOutcome::NotTested => (Mark::Inconclusive, Says::NotTested.label(lang).to_owned()),
    }
}

fn versions(v: &TlsVersions, lang: Lang) -> String {
    if v.accepted.is_empty() {
        Says::NoneAccepted.label(lang).to_owned()
    } else {
        v.accepted.join(", ")
    }
}

fn ptr(r: &ReverseDns, lang: Lang) -> String {
    if let Some(name) = r.names.iter().find(|n| n.forward == Forward::Confirmed) {
        return name.name.clone();
    }
    match (r.names.first(), &r.error) {
        (Some(n), _) if matches!(n.forward, Forward::Failed { .. }) => {
            format!("{}: {}", n.name, Says::LookupFailed.label(lang))
        }
        (Some(n), _) => format!("{}: {}", n.name, Says::NotConfirmed.label(lang)),
        (None, Some(ReverseFailure::Failed { .. })) => Says::LookupFailed.label(lang).to_owned(),
        (None, _) => Says::NoPtr.label(lang).to_owned(),
    }
}

fn dnsbl(a: &AddressReport, lang: Lang) -> String {
    let zones = |status| a.dnsbl.iter().filter(|d| d.status == status).map(|d| d.zone.as_str()).collect::<Vec<_>>();
    let (listed, unknown) = (zones(DnsblStatus::Listed), zones(DnsblStatus::Unknown));
    if !listed.is_empty() {
        format!("{}: {}", Says::Listed.label(lang), listed.join(", "))
    } else if !unknown.is_empty() {
        format!("{}: {}", Says::Unknown.label(lang), unknown.join(", "))
    } else {
        let n = a.dnsbl.len();
        pick(lang, format!("not listed ({n})"), format!("nicht gelistet ({n})"))
    }
}

/// The worst finding about `aspect` as a mark; `otherwise` when there is none.
fn mark(a: &AddressReport, aspect: Aspect, otherwise: Mark) -> Mark {
    let codes = aspect.codes();
    let worst = a.findings.iter().filter(|f| codes.contains(&f.code.as_str())).map(|f| f.severity).max();
    worst.map_or(otherwise, severity_mark)
}

/// The chips of an address whose checks have reported.
pub fn aspect_chips(a: &AddressReport, lang: Lang) -> Vec<AspectChip> {
    let mut out = Vec::new();
    let mut add = |aspect, (mark, state)| out.push(AspectChip { aspect, mark, state });
    // A check that ran and found nothing is ok.
    if let Some(d) = &a.dane {
        let (otherwise, state) = dane(d, lang);
        add(Aspect::Dane, (mark(a, Aspect::Dane, otherwise), state));
    }
    if let Some(v) = &a.tls_versions {
        add(Aspect::TlsVersions, (mark(a, Aspect::TlsVersions, Mark::Ok), versions(v, lang)));
    }
    if let Some(r) = &a.reverse_dns {
        add(Aspect::Ptr, (mark(a, Aspect::Ptr, Mark::Ok), ptr(r, lang)));
    }
    if !a.dnsbl.is_empty() {
        add(Aspect::Dnsbl, (mark(a, Aspect::Dnsbl, Mark::Ok), dnsbl(a, lang)));
    }
    out
}

/// The chips of one address (nothing while no aspect has reported).
#[component]
pub fn AspectChips(
    /// The address.
    address: Memo<Option<AddressReport>>,
) -> impl IntoView {
    let lang = use_lang();
    let chips = Memo::new(move |_| {
        let lang = lang.get();
        address.with(|a| a.as_ref().map(|a| aspect_chips(a, lang)).unwrap_or_default())
    });
    move || {
        let lang = lang.get();
        let chips = chips.get();
        (!chips.is_empty()).then(|| {
            let items = chips
                .into_iter()
                .map(|c| {
                    view! {
                        <Chip
                            aspect=c.aspect.id()
                            mark=Signal::stored(c.mark)
                            name=Signal::stored(c.aspect.label(lang).to_owned())
                            state=Signal::stored(c.state)
                        />
                    }
                })
                .collect_view();
            view! { <ul class="chips aspects">{items}</ul> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::model::dane::TlsaRecord;
    use mxray_report::model::depth::{DnsblResult, PtrName};
    use mxray_report::model::finding::FindingKind;
    use mxray_report::render::fixtures::sample;

    #[test]
    fn each_aspect_shows_once_reported_with_the_mark_of_its_findings() {
        let mut a = sample().mx[0].addresses[0].clone();
        (a.dane, a.tls_versions, a.reverse_dns, a.dnsbl) = (None, None, None, Vec::new());
        assert!(aspect_chips(&a, Lang::En).is_empty());

        let record = TlsaRecord { usage: 3, selector: 1, matching: 1, data: "ab".into() };
        a.dane = Some(AddressDane::matched(&record, 0));
        a.tls_versions =
            Some(TlsVersions { accepted: vec!["TLSv1.0".into(), "TLSv1.3".into()], ..TlsVersions::default() });
        a.reverse_dns = Some(ReverseDns {
            names: vec![PtrName {
                name: "mx.example".into(),
                forward: Forward::Mismatch { detail: None, failure: None },
                addresses: vec![],
            }],
            error: None,
        });
        a.dnsbl = vec![DnsblResult {
            zone: "bl.example".into(),
            query: "x".into(),
            status: DnsblStatus::NotListed,
            codes: vec![],
            reason: vec![],
            detail: None,
            problem: None,
        }];
        // The findings as the fold derives them.
        a.findings = mxray_report::checks::depth::findings(&a).into_iter().map(FindingKind::into_finding).collect();
        let chips = aspect_chips(&a, Lang::En);
        let got: Vec<(&str, Mark, &str)> = chips.iter().map(|c| (c.aspect.id(), c.mark, c.state.as_str())).collect();
        assert_eq!(
            got,
            [
                ("dane", Mark::Ok, "matches (DANE-EE)"),
                ("tls_versions", Mark::Warning, "TLSv1.0, TLSv1.3"),
                ("ptr", Mark::Warning, "mx.example: not forward-confirmed"),
                ("dnsbl", Mark::Ok, "not listed (1)"),
            ]
        );
        a.findings.clear();
        a.dane.as_mut().unwrap().outcome = DaneOutcome::NoMatch;
        assert_eq!(aspect_chips(&a, Lang::De)[0].mark, Mark::Critical);
        assert_eq!(aspect_chips(&a, Lang::De)[0].state, "kein TLSA-Eintrag passt");
    }
}
