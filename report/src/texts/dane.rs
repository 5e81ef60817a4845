//! DNSSEC and DANE in words.

use crate::model::dane::{DaneOutcome, DnssecCheck, DnssecReason, DnssecStatus, TaProblem};
use crate::model::lang::Lang;
use crate::texts::{library_message, pick};

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

crate::texts::labels!(DnssecStatus, "The DNSSEC status in words.", {
    Secure => ("secure (signed, validated)", "sicher (signiert, validiert)"),
    Insecure => ("insecure (not signed)", "unsigniert"),
    Bogus => ("bogus (signatures fail)", "ungültig (Signaturen scheitern)"),
    Unknown => ("unknown (not validated)", "unbekannt (nicht validiert)"),
});

crate::texts::labels!(DaneOutcome, "The DANE verdict in words.", {
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

impl DnssecReason {
    /// Why, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            DnssecReason::ResolverBlind { anchor } => pick(
                lang,
                format!("the resolver passes no DNSSEC data on: even the trust anchor's zone {anchor} does not validate through it"),
                format!("der Resolver gibt keine DNSSEC-Daten weiter: selbst die Zone des Vertrauensankers {anchor} lässt sich über ihn nicht validieren"),
            ),
            DnssecReason::ZoneWithoutKeys { zone } => pick(
                lang,
                format!("the zone {zone} has no DNSKEY records; its parents could not confirm that it is unsigned"),
                format!("die Zone {zone} hat keine DNSKEY-Einträge; ihre übergeordneten Zonen konnten nicht bestätigen, dass sie unsigniert ist"),
            ),
            DnssecReason::InsecureCname { cname } => pick(
                lang,
                format!("reached through the CNAME {cname}, which is not DNSSEC-signed"),
                format!("erreicht über den CNAME {cname}, der nicht DNSSEC-signiert ist"),
            ),
            DnssecReason::Timeout { secs } => pick(
                lang,
                format!("no validated answer within {secs} s"),
                format!("keine validierte Antwort innerhalb von {secs} s"),
            ),
            DnssecReason::NoValidator => pick(
                lang,
                "the validating resolver could not be set up".to_owned(),
                "der validierende Resolver ließ sich nicht einrichten".to_owned(),
            ),
        }
    }
}

/// Why a lookup's status is what it is: mxray's words when it has them, else the resolver
/// library's own message, labelled as such.
pub fn why(reason: Option<&DnssecReason>, detail: &str, lang: Lang) -> String {
    match (reason, detail) {
        (Some(reason), "") => reason.text(lang),
        (Some(reason), detail) => format!("{}; {}", reason.text(lang), library_message(detail, lang)),
        (None, detail) => library_message(detail, lang),
    }
}

impl DnssecCheck {
    /// The status in words, with why when it is not plain. A resolver that passes no DNSSEC data
    /// on is said once for the domain ([`crate::model::finding::FindingKind::DnssecResolverBlind`]),
    /// not at every lookup.
    pub fn describe(&self, lang: Lang) -> String {
        let label = self.status.label(lang);
        match (&self.reason, self.detail.as_deref()) {
            (Some(DnssecReason::ResolverBlind { .. }), _) => label.to_owned(),
            (None, None) => label.to_owned(),
            (reason, detail) => format!("{label} ({})", why(reason.as_ref(), detail.unwrap_or_default(), lang)),
        }
    }
}
