//! The TLS quality check, graded after the NCSC TLS guidelines (the classes good, sufficient,
//! phase out, insufficient) from the main handshake, the legacy probe and the two hand-built
//! TLS 1.2 hellos of `tls_quality`. Order is judged only when the server had a choice between
//! classes (internet.nl #1734: a server that takes only good suites is never "follows the client").

use crate::model::depth::LegacyOutcome;
use crate::model::finding::FindingKind;
use crate::model::quality::{
    Aspect, CertificateKey, Class, Evidence, HelloAnswer, HelloOutcome, KeyExchange, Offer, QualityLine,
    TlsQualityProbe, Untested,
};
use crate::model::report::{AddressReport, StartTlsOutcome, TlsFailure};

/// The NCSC class of a cipher suite by its IANA (or rustls) name; `None` for a bare hex code.
/// RC4, 3DES, DES, NULL, EXPORT, anonymous, RC2, IDEA and MD5 are insufficient; TLS 1.3 suites and
/// ECDHE with an AEAD cipher good; DHE with an AEAD cipher sufficient; CBC and every key exchange
/// without forward secrecy (RSA, static DH, PSK) phase out.
pub fn class_of(suite: &str) -> Option<Class> {
    let s = suite.to_ascii_uppercase();
    if !s.starts_with("TLS") && !s.starts_with("SSL") {
        return None;
    }
    let any = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if any(&["WITH_NULL", "_NULL_", "EXPORT", "_ANON_", "RC4", "3DES", "_DES_", "DES40", "RC2", "IDEA", "_MD5"]) {
        return Some(Class::Insufficient);
    }
    if s.starts_with("TLS13_") || !s.contains("_WITH_") {
        return Some(Class::Good);
    }
    let aead = any(&["_GCM_", "CHACHA20_POLY1305", "_CCM"]);
    Some(match (s.starts_with("TLS_ECDHE_"), s.starts_with("TLS_DHE_"), aead) {
        (true, _, true) => Class::Good,
        (_, true, true) => Class::Sufficient,
        _ => Class::PhaseOut,
    })
}

/// The class of a key-exchange group (NCSC: x25519, x448, P-256 and P-384 good).
fn group_class(group: &str) -> Class {
    match group.to_ascii_lowercase().as_str() {
        "x25519" | "x448" | "secp256r1" | "secp384r1" => Class::Good,
        g if g.contains("mlkem") => Class::Good,
        "secp521r1" => Class::Sufficient,
        _ => Class::PhaseOut,
    }
}

/// The class of a finite-field DH prime: under 2048 bits insufficient, 2048 phase out, 3072 and
/// up sufficient (NCSC: ffdhe2048 phase out, ffdhe3072/4096 sufficient).
fn dh_class(bits: u32) -> Class {
    match bits {
        0..=2047 => Class::Insufficient,
        2048..=3071 => Class::PhaseOut,
        _ => Class::Sufficient,
    }
}

/// An RSA key under 2048 bits (as a certificate key it signs or carries the key exchange).
fn weak_rsa(key: &CertificateKey) -> Option<u32> {
    key.bits.filter(|b| key.algorithm.eq_ignore_ascii_case("RSA") && *b < 2048)
}

/// A signature scheme that hashes with SHA-1 (`rsa_pkcs1_sha1`, `ecdsa_sha1`).
fn sha1(scheme: &str) -> bool {
    scheme.to_ascii_lowercase().ends_with("sha1")
}

/// Regrades `a.tls_quality` from its probe and the rest of the address. Called by the fold after
/// every step, so the order in which the handshakes arrive does not matter.
pub fn refresh(a: &mut AddressReport) {
    let Some(mut q) = a.tls_quality.take() else { return };
    q.items = grade(a, &q.probe);
    a.tls_quality = Some(q);
}

/// The graded lines, one per [`Aspect`].
pub fn grade(a: &AddressReport, p: &TlsQualityProbe) -> Vec<QualityLine> {
    vec![ordinary(a, p), weak_suites(a, p), order(a, p), key_exchange(a, p), renegotiation(p), compression(p)]
}

fn line(aspect: Aspect, class: Option<Class>, evidence: Evidence) -> QualityLine {
    QualityLine { aspect, class, evidence: Some(evidence), untested: None }
}

fn untested(aspect: Aspect, why: Untested) -> QualityLine {
    QualityLine { aspect, class: None, evidence: None, untested: Some(why) }
}

/// Why a hello that learned nothing learned nothing (`NoServerHello` when it was refused).
fn why(h: &HelloAnswer) -> Untested {
    h.untested.clone().unwrap_or(Untested::NoServerHello)
}

/// The hello's suite and version, when it got a ServerHello.
fn chosen(h: &HelloAnswer) -> Option<(&str, &str)> {
    let name = h.suite.as_deref().filter(|_| h.outcome == HelloOutcome::Chosen)?;
    Some((name, h.version.as_deref().unwrap_or_default()))
}

fn suite(suite: &str, version: &str, fallback: bool) -> Evidence {
    Evidence::Suite { suite: suite.to_owned(), version: version.to_owned(), fallback }
}

/// The main handshake failed for want of a shared suite and the OpenSSL-like hello got a
/// ServerHello: ordinary senders get TLS, only with suites rustls refuses. Returns that hello.
pub fn ordinary_fallback(a: &AddressReport) -> Option<&HelloAnswer> {
    let s = a.starttls.as_ref()?;
    if s.outcome != StartTlsOutcome::HandshakeFailed || s.failure != Some(TlsFailure::NoSharedCipher) {
        return None;
    }
    let o = &a.tls_quality.as_ref()?.probe.ordinary;
    chosen(o).map(|_| o)
}

/// (a) The suite an ordinary sender gets.
fn ordinary(a: &AddressReport, p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::OrdinarySenders;
    if let Some(s) = a.starttls.as_ref().filter(|s| s.outcome == StartTlsOutcome::Ok) {
        if let Some(name) = &s.cipher_suite {
            return line(aspect, class_of(name), suite(name, s.tls_version.as_deref().unwrap_or_default(), false));
        }
    }
    let o = &p.ordinary;
    match (o.outcome, chosen(o)) {
        (_, Some((name, version))) => line(aspect, class_of(name), suite(name, version, true)),
        (HelloOutcome::Refused, _) => {
            line(aspect, None, Evidence::Refused { alert: o.alert.clone().unwrap_or_default() })
        }
        _ => untested(aspect, why(o)),
    }
}

/// (b) Insufficient or phase-out suites accepted: the worst class any handshake chose.
fn weak_suites(a: &AddressReport, p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::WeakSuites;
    let legacy = a
        .tls_versions
        .as_ref()
        .and_then(|v| v.legacy.as_ref())
        .filter(|l| l.outcome == LegacyOutcome::Accepted)
        .and_then(|l| Some((l.cipher.as_deref()?, l.version.as_deref().unwrap_or_default())));
    let seen = [chosen(&p.weak), legacy, chosen(&p.ordinary)];
    let worst = seen
        .into_iter()
        .flatten()
        .filter_map(|(name, version)| Some((class_of(name)?, name, version)))
        .filter(|(class, ..)| *class >= Class::PhaseOut)
        .max_by_key(|(class, ..)| *class);
    if let Some((class, name, version)) = worst {
        return line(aspect, Some(class), suite(name, version, false));
    }
    match (p.weak.outcome, chosen(&p.weak)) {
        (HelloOutcome::Refused, _) => {
            line(aspect, Some(Class::Good), Evidence::Refused { alert: p.weak.alert.clone().unwrap_or_default() })
        }
        // A good suite taken over insufficient ones offered before it.
        (_, Some((name, version))) => line(aspect, class_of(name), suite(name, version, false)),
        _ => untested(aspect, why(&p.weak)),
    }
}

/// A good TLS 1.2 suite the server is known to take: the weak hello's (when it offered good ones
/// last) or the main handshake's.
fn good_tls12(a: &AddressReport, p: &TlsQualityProbe) -> Option<String> {
    let weak = chosen(&p.weak).filter(|(name, _)| class_of(name) == Some(Class::Good)).map(|(name, _)| name.to_owned());
    let main = a
        .starttls
        .as_ref()
        .filter(|s| s.outcome == StartTlsOutcome::Ok && s.tls_version.as_deref() == Some("TLSv1.2"))
        .and_then(|s| s.cipher_suite.clone())
        .filter(|name| class_of(name) == Some(Class::Good));
    weak.or(main)
}

/// (c) Whether the server keeps its own order, judged only when it had a choice between classes.
fn order(a: &AddressReport, p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::ServerPreference;
    let Some((name, _)) = chosen(&p.ordinary) else { return untested(aspect, why(&p.ordinary)) };
    let chosen_name = name.to_owned();
    let refused = p.weak.outcome == HelloOutcome::Refused;
    if class_of(name) == Some(Class::Good) {
        // Good although phase-out suites came first: its own order, or it takes nothing else.
        return if refused && p.weak.offer == Offer::Weak {
            line(aspect, None, Evidence::NoChoice { chosen: chosen_name })
        } else {
            line(aspect, Some(Class::Good), Evidence::OwnOrder { chosen: chosen_name })
        };
    }
    match good_tls12(a, p) {
        Some(good) => line(aspect, Some(Class::PhaseOut), Evidence::ClientOrder { chosen: chosen_name, good }),
        // Neither insufficient nor good suites on TLS 1.2: the choice was its only class.
        None if refused => line(aspect, None, Evidence::NoChoice { chosen: chosen_name }),
        None => untested(aspect, Untested::Undecided),
    }
}

/// One key exchange seen, graded by its weakest part.
fn kx_seen(
    kx: Option<KeyExchange>,
    signature: Option<String>,
    certificate: Option<CertificateKey>,
) -> Option<(Class, Evidence)> {
    let mut class = match &kx {
        Some(KeyExchange::Ecdhe { group }) => group_class(group),
        Some(KeyExchange::Dhe { bits }) => dh_class(*bits),
        Some(KeyExchange::Rsa) => Class::PhaseOut,
        None => return None,
    };
    if signature.as_deref().is_some_and(sha1) {
        class = class.max(Class::PhaseOut);
    }
    if certificate.as_ref().and_then(weak_rsa).is_some() {
        class = Class::Insufficient;
    }
    Some((class, Evidence::KeyExchange { kx: kx?, signature, certificate }))
}

/// The certificate key the main handshake recorded.
fn main_certificate(a: &AddressReport) -> Option<CertificateKey> {
    let leaf = a.certificate.as_ref()?.chain.first()?;
    Some(CertificateKey { algorithm: leaf.key_algorithm.clone(), bits: leaf.key_bits })
}

/// (d) The weakest key exchange among the handshakes made.
fn key_exchange(a: &AddressReport, p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::KeyExchange;
    let main = a.starttls.as_ref().filter(|s| s.outcome == StartTlsOutcome::Ok).and_then(|s| {
        let kx = s.kx_group.as_ref().map(|g| KeyExchange::Ecdhe { group: g.to_ascii_lowercase() });
        kx_seen(kx, None, main_certificate(a))
    });
    let hand = [&p.ordinary, &p.weak]
        .into_iter()
        .filter(|h| h.outcome == HelloOutcome::Chosen)
        .filter_map(|h| kx_seen(h.key_exchange.clone(), h.signature.clone(), h.certificate_key.clone()));
    match main.into_iter().chain(hand).max_by_key(|(class, _)| *class) {
        Some((class, evidence)) => line(aspect, Some(class), evidence),
        None => untested(aspect, Untested::NoServerHello),
    }
}

/// The hand-built hellos that got a ServerHello.
fn answered(p: &TlsQualityProbe) -> impl Iterator<Item = &HelloAnswer> {
    [&p.ordinary, &p.weak].into_iter().filter(|h| h.outcome == HelloOutcome::Chosen)
}

/// (e) The renegotiation_info extension (RFC 5746) in the ServerHellos.
fn renegotiation(p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::Renegotiation;
    let seen: Vec<bool> = answered(p).filter_map(|h| h.secure_renegotiation).collect();
    match (seen.contains(&false), seen.contains(&true)) {
        (true, _) => line(aspect, Some(Class::Insufficient), Evidence::Renegotiation { secure: false }),
        (false, true) => line(aspect, Some(Class::Good), Evidence::Renegotiation { secure: true }),
        _ => untested(aspect, Untested::NoServerHello),
    }
}

/// (e) TLS compression: chosen when offered, it is CRIME's way in.
fn compression(p: &TlsQualityProbe) -> QualityLine {
    let aspect = Aspect::Compression;
    let methods: Vec<u8> = answered(p).filter_map(|h| h.compression).collect();
    match methods.iter().find(|m| **m != 0) {
        Some(m) => line(aspect, Some(Class::Insufficient), Evidence::Compression { method: *m }),
        None if !methods.is_empty() => line(aspect, Some(Class::Good), Evidence::Compression { method: 0 }),
        None => untested(aspect, Untested::NoServerHello),
    }
}

/// The findings of the graded lines (the fallback verdict (a) is the STARTTLS check's: it replaces
/// the handshake failure there).
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let Some(q) = &a.tls_quality else { return Vec::new() };
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    for l in &q.items {
        match (&l.evidence, l.class) {
            (Some(Evidence::Suite { suite, version, .. }), Some(class @ (Class::Insufficient | Class::PhaseOut)))
                if l.aspect == Aspect::WeakSuites && ordinary_fallback(a).is_none() =>
            {
                out.push(FindingKind::TlsWeakSuites {
                    ip: ip.clone(),
                    class,
                    suite: suite.clone(),
                    version: version.clone(),
                })
            }
            (Some(Evidence::ClientOrder { chosen, good }), _) => {
                out.push(FindingKind::TlsClientOrder { ip: ip.clone(), chosen: chosen.clone(), good: good.clone() })
            }
            (Some(Evidence::KeyExchange { kx, signature, certificate }), _) => {
                if let KeyExchange::Dhe { bits } = kx {
                    if dh_class(*bits) == Class::Insufficient {
                        out.push(FindingKind::TlsWeakDh { ip: ip.clone(), bits: *bits });
                    }
                }
                if let Some(bits) = certificate.as_ref().and_then(weak_rsa) {
                    out.push(FindingKind::TlsWeakRsaKey { ip: ip.clone(), bits });
                }
                if let Some(scheme) = signature.as_ref().filter(|s| sha1(s)) {
                    out.push(FindingKind::TlsSha1Signature { ip: ip.clone(), scheme: scheme.clone() });
                }
            }
            (Some(Evidence::Renegotiation { secure: false }), _) => {
                out.push(FindingKind::TlsNoSecureRenegotiation { ip: ip.clone() })
            }
            (Some(Evidence::Compression { method }), _) if *method != 0 => {
                out.push(FindingKind::TlsCompression { ip: ip.clone(), method: *method })
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::depth::{LegacyAnswer, LegacyTlsProbe, TlsVersions};
    use crate::model::quality::{Aspect, TlsQuality};
    use crate::model::report::StartTlsReport;

    const GOOD: &str = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    const CBC: &str = "TLS_RSA_WITH_AES_128_CBC_SHA";
    const DES3: &str = "TLS_RSA_WITH_3DES_EDE_CBC_SHA";

    #[test]
    fn suites_fall_into_the_ncsc_classes() {
        let cases = [
            ("TLS13_AES_256_GCM_SHA384", Class::Good),
            ("TLS_AES_128_GCM_SHA256", Class::Good),
            (GOOD, Class::Good),
            ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Class::Good),
            ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Class::Sufficient),
            ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Class::PhaseOut),
            ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Class::PhaseOut),
            (CBC, Class::PhaseOut),
            ("TLS_RSA_WITH_AES_256_GCM_SHA384", Class::PhaseOut),
            (DES3, Class::Insufficient),
            ("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Class::Insufficient),
            ("TLS_RSA_WITH_RC4_128_SHA", Class::Insufficient),
            ("TLS_RSA_WITH_NULL_SHA", Class::Insufficient),
            ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", Class::Insufficient),
            ("TLS_DH_anon_WITH_AES_128_CBC_SHA", Class::Insufficient),
            ("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", Class::Insufficient),
        ];
        for (name, class) in cases {
            assert_eq!(class_of(name), Some(class), "{name}");
        }
        assert_eq!(class_of("0x1301"), None, "a bare code is not guessed");
        assert_eq!(dh_class(1024), Class::Insufficient);
        assert_eq!(dh_class(2048), Class::PhaseOut);
        assert_eq!(dh_class(4096), Class::Sufficient);
    }

    // The fixtures' answer of one hello (tests may reach up to build what they check).
    use crate::render::fixtures::hello;

    fn address(main: Option<(&str, &str)>, ordinary: HelloAnswer, weak: HelloAnswer) -> AddressReport {
        let mut a = AddressReport::pending("192.0.2.9".parse().unwrap());
        a.starttls = Some(StartTlsReport {
            offered: true,
            outcome: if main.is_some() { StartTlsOutcome::Ok } else { StartTlsOutcome::HandshakeFailed },
            tls_version: main.map(|m| m.0.to_owned()),
            cipher_suite: main.map(|m| m.1.to_owned()),
            kx_group: main.map(|_| "X25519".to_owned()),
            handshake_ms: None,
            error: main.is_none().then(|| "received fatal alert: HandshakeFailure".into()),
            pipelined_plaintext: false,
            failure: main.is_none().then_some(TlsFailure::NoSharedCipher),
            not_testable: None,
            no_reply: None,
            handshake_problem: None,
        });
        a.tls_quality = Some(TlsQuality { items: Vec::new(), probe: TlsQualityProbe { ordinary, weak } });
        refresh(&mut a);
        a
    }

    fn item(a: &AddressReport, aspect: Aspect) -> QualityLine {
        a.tls_quality.as_ref().unwrap().items.iter().find(|l| l.aspect == aspect).unwrap().clone()
    }

    fn codes(a: &AddressReport) -> Vec<&'static str> {
        findings(a).iter().map(FindingKind::code).collect()
    }

    #[test]
    fn order_is_judged_only_when_the_server_had_a_choice() {
        // Client order: phase-out taken first although a good one is taken on the second hello.
        let a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, Some(CBC)),
            hello(Offer::InsufficientThenGood, Some(GOOD)),
        );
        let order = item(&a, Aspect::ServerPreference);
        assert_eq!(order.class, Some(Class::PhaseOut));
        assert!(codes(&a).contains(&"tls_client_order"), "{:?}", codes(&a));
        assert_eq!(item(&a, Aspect::WeakSuites).class, Some(Class::PhaseOut), "CBC accepted");

        // The same choice with no good TLS 1.2 suite at all: no choice, nothing to judge (#1734).
        let a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, Some(CBC)),
            hello(Offer::InsufficientThenGood, None),
        );
        let order = item(&a, Aspect::ServerPreference);
        assert_eq!((order.class, order.evidence), (None, Some(Evidence::NoChoice { chosen: CBC.into() })));
        assert!(!codes(&a).contains(&"tls_client_order"));

        // The main handshake at TLS 1.2 with a good suite shows the choice too.
        let a = address(
            Some(("TLSv1.2", GOOD)),
            hello(Offer::Ordinary, Some(CBC)),
            hello(Offer::InsufficientThenGood, None),
        );
        assert_eq!(item(&a, Aspect::ServerPreference).class, Some(Class::PhaseOut));

        // Only good suites: chosen though offered last, and the weak hello refused: no choice.
        let a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, Some(GOOD)),
            hello(Offer::Weak, None),
        );
        assert_eq!(item(&a, Aspect::ServerPreference).evidence, Some(Evidence::NoChoice { chosen: GOOD.into() }));
        assert_eq!(item(&a, Aspect::WeakSuites).class, Some(Class::Good));
        assert!(findings(&a).is_empty(), "{:?}", codes(&a));

        // Own order: good chosen though it takes phase-out suites too.
        let a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, Some(GOOD)),
            hello(Offer::Weak, Some(CBC)),
        );
        assert_eq!(item(&a, Aspect::ServerPreference).class, Some(Class::Good));
        assert_eq!(codes(&a), ["tls_weak_suites"]);
    }

    #[test]
    fn rustls_failing_with_an_ordinary_hello_answered_is_outdated_suites_only() {
        let a = address(None, hello(Offer::Ordinary, Some(CBC)), hello(Offer::InsufficientThenGood, None));
        assert_eq!(ordinary_fallback(&a).and_then(|o| o.suite.as_deref()), Some(CBC));
        let ordinary = item(&a, Aspect::OrdinarySenders);
        assert_eq!(ordinary.class, Some(Class::PhaseOut));
        assert!(matches!(ordinary.evidence, Some(Evidence::Suite { fallback: true, .. })));
        // The outdated-only finding is the STARTTLS check's; no second finding for the same suite.
        assert!(!codes(&a).contains(&"tls_weak_suites"));
        let a = address(None, hello(Offer::Ordinary, None), hello(Offer::Weak, None));
        assert!(ordinary_fallback(&a).is_none());
    }

    #[test]
    fn dane_mta_sts_and_the_starttls_mark_follow_the_fallback() {
        use crate::model::dane::{AddressDane, DaneOutcome, DaneReason};
        use crate::model::policy::UntestedTls;
        let mut a = address(None, hello(Offer::Ordinary, Some(CBC)), hello(Offer::InsufficientThenGood, None));
        a.dane = Some(AddressDane::because(DaneOutcome::NoTls, DaneReason::NoTlsSession, None));
        a.done = true;
        let dane = crate::checks::dane::address_findings(&a, None);
        let why = Some(DaneReason::OutdatedSuitesOnly { suite: CBC.into() });
        assert_eq!(dane, [FindingKind::DaneNotTested { ip: "192.0.2.9".into(), reason: String::new(), why }]);
        let starttls = crate::checks::starttls::findings(&a);
        assert!(matches!(starttls[..], [FindingKind::TlsOutdatedSuitesOnly { .. }]), "{starttls:?}");
        let mark = crate::checks::marks::step_mark(&a, crate::checks::marks::Step::StartTls);
        assert_eq!(mark, crate::model::report::Mark::Warning);
        let host = crate::model::report::MxHost {
            host: "mx.example".into(),
            preference: 10,
            status: Default::default(),
            findings: Vec::new(),
            addresses: vec![a.clone()],
            cname: None,
            address_error: None,
            addresses_skipped: 0,
            resolving: false,
            dane: None,
        };
        let untested = crate::checks::mta_sts::untested(&host);
        assert_eq!(untested, UntestedTls::OutdatedSuitesOnly { ip: a.ip, suite: CBC.into() });
        // Without the answered hello, all three stay "no TLS".
        let mut failed = address(None, hello(Offer::Ordinary, None), hello(Offer::Weak, None));
        failed.dane = a.dane.clone();
        assert!(matches!(crate::checks::dane::address_findings(&failed, None)[..], [FindingKind::DaneNoTls { .. }]));
    }

    #[test]
    fn insufficient_suites_are_seen_on_the_weak_hello_and_on_the_legacy_one() {
        let mut a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, Some(GOOD)),
            hello(Offer::Weak, Some(DES3)),
        );
        let weak = item(&a, Aspect::WeakSuites);
        assert_eq!(weak.class, Some(Class::Insufficient));
        let f = findings(&a);
        assert!(f.iter().any(|k| matches!(k, FindingKind::TlsWeakSuites { class: Class::Insufficient, .. })));
        assert_eq!(f[0].severity(), crate::model::finding::Severity::Critical);
        // The weak hello refused, the legacy hello took RC4.
        a.tls_quality.as_mut().unwrap().probe.weak = hello(Offer::Weak, None);
        a.tls_versions = Some(TlsVersions {
            legacy: Some(LegacyTlsProbe {
                outcome: LegacyOutcome::Accepted,
                version: Some("TLSv1.0".into()),
                cipher: Some("TLS_RSA_WITH_RC4_128_SHA".into()),
                detail: String::new(),
                answer: Some(LegacyAnswer::ServerHello {
                    version: "TLSv1.0".into(),
                    cipher: "TLS_RSA_WITH_RC4_128_SHA".into(),
                }),
            }),
            ..Default::default()
        });
        refresh(&mut a);
        assert_eq!(item(&a, Aspect::WeakSuites).class, Some(Class::Insufficient));
    }

    #[test]
    fn key_exchange_renegotiation_and_compression_are_graded_from_the_hellos() {
        let mut ordinary = hello(Offer::Ordinary, Some("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
        ordinary.key_exchange = Some(KeyExchange::Dhe { bits: 1024 });
        ordinary.signature = Some("rsa_pkcs1_sha1".into());
        ordinary.certificate_key = Some(CertificateKey { algorithm: "RSA".into(), bits: Some(1024) });
        ordinary.secure_renegotiation = Some(false);
        ordinary.compression = Some(1);
        let a = address(Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")), ordinary, hello(Offer::Weak, None));
        assert_eq!(item(&a, Aspect::KeyExchange).class, Some(Class::Insufficient));
        assert_eq!(item(&a, Aspect::Renegotiation).class, Some(Class::Insufficient));
        assert_eq!(item(&a, Aspect::Compression).class, Some(Class::Insufficient));
        let mut codes = codes(&a);
        codes.sort_unstable();
        let expected =
            ["tls_compression", "tls_no_secure_renegotiation", "tls_sha1_signature", "tls_weak_dh", "tls_weak_rsa_key"];
        assert_eq!(codes, expected);
        // Only the main handshake: its group.
        let a = address(
            Some(("TLSv1.3", "TLS13_AES_128_GCM_SHA256")),
            hello(Offer::Ordinary, None),
            hello(Offer::Weak, None),
        );
        let kx = item(&a, Aspect::KeyExchange);
        assert_eq!(kx.class, Some(Class::Good));
        assert_eq!(item(&a, Aspect::Compression).untested, Some(Untested::NoServerHello));
    }
}
