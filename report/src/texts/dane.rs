//! DNSSEC and DANE in words.

use crate::model::dane::{DaneOutcome, DnssecCheck, DnssecStatus, TaProblem};
use crate::model::lang::Lang;
use crate::texts::pick;

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

impl DnssecCheck {
    /// The status in words, with the resolver's detail when there is one.
    pub fn describe(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => format!("{} ({d})", self.status.label(lang)),
            None => self.status.label(lang).to_owned(),
        }
    }
}
