//! What went wrong at an address, in mxray's own words: a connect that failed, a reply that did not
//! come, a session that ended early, a STARTTLS that could not be tested, and why a DANE verdict is
//! not a match. The engine stores these as typed values; a library's own message beside them (the
//! operating system's, rustls', the resolver's) is quoted and labelled as such.

use crate::model::dane::{AddressDane, DaneReason, TaChainProblem};
use crate::model::lang::Lang;
use crate::model::session::{ConnectFailure, NotTestable, ReadFailure, SessionCause, SessionFailure, SessionLeg};
use crate::texts::{library_message, pick};

/// mxray's words, then a library's message beside them when there is one; with no words of
/// mxray's, the message alone (labelled), or nothing.
pub fn with_detail(words: Option<String>, detail: Option<&str>, lang: Lang) -> Option<String> {
    let detail = detail.filter(|d| !d.is_empty()).map(|d| library_message(d, lang));
    match (words, detail) {
        (Some(words), Some(detail)) => Some(format!("{words} ({detail})")),
        (words, detail) => words.or(detail),
    }
}

/// [`with_detail`] as a text, empty when there is nothing to say.
pub fn explain(words: Option<String>, detail: &str, lang: Lang) -> String {
    with_detail(words, Some(detail), lang).unwrap_or_default()
}

/// A step of the SMTP dialogue by name: `greeting` and `connect` in words, a command as it is.
pub fn step_name(step: &str, lang: Lang) -> String {
    match step {
        "greeting" => pick(lang, "greeting", "Begrüßung").to_owned(),
        "connect" => pick(lang, "connect", "Verbindungsaufbau").to_owned(),
        command => command.to_owned(),
    }
}

impl ConnectFailure {
    /// Why the connect failed, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ConnectFailure::NoAnswer { secs } => {
                pick(lang, format!("no answer within {secs} s"), format!("keine Antwort innerhalb von {secs} s"))
            }
            ConnectFailure::NotPublic { range } => pick(
                lang,
                format!("not a public address ({range}), so mxray does not connect"),
                format!("keine öffentliche Adresse ({range}), daher verbindet sich mxray nicht"),
            ),
            ConnectFailure::NoRouteHere => pick(
                lang,
                "the machine running mxray has no route to the address",
                "der Rechner, auf dem mxray läuft, hat keine Route zu der Adresse",
            )
            .to_owned(),
        }
    }
}

impl ReadFailure {
    /// What came instead of a reply, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ReadFailure::Timeout { secs } => pick(
                lang,
                format!("no complete reply within {secs} s"),
                format!("keine vollständige Antwort innerhalb von {secs} s"),
            ),
            ReadFailure::Closed => {
                pick(lang, "the server closed the connection", "der Server schloss die Verbindung").to_owned()
            }
            ReadFailure::TooMuchData { bytes } => pick(
                lang,
                format!("the server sent more than {bytes} bytes"),
                format!("der Server sandte mehr als {bytes} Bytes"),
            ),
            ReadFailure::NotAReply { line } => {
                pick(lang, format!("not an SMTP reply line: \"{line}\""), format!("keine SMTP-Antwortzeile: „{line}“"))
            }
            ReadFailure::CodeOutOfRange { code } => pick(
                lang,
                format!("reply code {code} is out of range"),
                format!("der Antwortcode {code} liegt außerhalb des zulässigen Bereichs"),
            ),
            ReadFailure::CodeChanged { first, then } => pick(
                lang,
                format!("the reply code changed from {first} to {then} inside one reply"),
                format!("der Antwortcode wechselte innerhalb einer Antwort von {first} zu {then}"),
            ),
            ReadFailure::LineTooLong { bytes } => pick(
                lang,
                format!("a reply line longer than {bytes} bytes"),
                format!("eine Antwortzeile länger als {bytes} Bytes"),
            ),
            ReadFailure::TooManyLines { lines } => pick(
                lang,
                format!("a reply longer than {lines} lines"),
                format!("eine Antwort mit mehr als {lines} Zeilen"),
            ),
            ReadFailure::Unsolicited { after, data } => {
                let after = step_name(after, lang);
                pick(
                    lang,
                    format!("after {after}, the server sent a reply nobody asked for: \"{data}\""),
                    format!("nach {after} sandte der Server eine Antwort, nach der niemand gefragt hatte: „{data}“"),
                )
            }
            ReadFailure::Socket { detail } => library_message(detail, lang),
        }
    }
}

impl SessionFailure {
    /// Where and how the session ended, in words.
    pub fn text(&self, lang: Lang) -> String {
        let step = step_name(&self.step, lang);
        let place = match (self.step.as_str(), self.connection) {
            ("connect", SessionLeg::Second) => pick(lang, "second connection", "zweite Verbindung").to_owned(),
            (_, SessionLeg::First) => step,
            (_, SessionLeg::InsideTls) => pick(lang, format!("{step} inside TLS"), format!("{step} innerhalb von TLS")),
            (_, SessionLeg::Second) => {
                pick(lang, format!("{step} on the second connection"), format!("{step} auf der zweiten Verbindung"))
            }
        };
        let cause = match &self.cause {
            SessionCause::NoReply { failure } => failure.text(lang),
            SessionCause::Refused { reply } => {
                pick(lang, format!("refused with \"{reply}\""), format!("abgelehnt mit „{reply}“"))
            }
            SessionCause::Connect { failure, detail } => {
                let words = failure.as_ref().map(|f| f.text(lang));
                with_detail(words, detail.as_deref(), lang)
                    .unwrap_or_else(|| pick(lang, "failed", "fehlgeschlagen").to_owned())
            }
        };
        format!("{place}: {cause}")
    }
}

impl NotTestable {
    /// Why STARTTLS could not be tested, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            NotTestable::InvalidServerName { name } => pick(
                lang,
                format!("the MX name \"{name}\" is not a valid TLS server name"),
                format!("der MX-Name „{name}“ ist kein gültiger TLS-Servername"),
            ),
            NotTestable::ServerClosing { reply } => pick(
                lang,
                format!("the server closed the session: \"{reply}\""),
                format!("der Server beendete die Sitzung: „{reply}“"),
            ),
        }
    }
}

impl TaChainProblem {
    /// What failed, in words.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            TaChainProblem::LeafUnreadable => {
                pick(lang, "the server's certificate is unreadable", "das Zertifikat des Servers ist nicht lesbar")
            }
            TaChainProblem::NotAnAnchor => {
                pick(lang, "it cannot serve as a trust anchor", "es taugt nicht als Vertrauensanker")
            }
            TaChainProblem::NoChain => pick(
                lang,
                "the server's certificate does not chain up to it",
                "das Zertifikat des Servers lässt sich nicht bis zu ihm verketten",
            ),
        }
    }
}

impl DaneReason {
    /// Why the verdict is not a match, in words.
    pub fn text(&self, lang: Lang) -> String {
        let words = |en: &str, de: &str| pick(lang, en, de).to_owned();
        match self {
            DaneReason::TlsaBogus => words(
                "the TLSA answer failed DNSSEC validation (bogus)",
                "die TLSA-Antwort besteht die DNSSEC-Validierung nicht (ungültig)",
            ),
            DaneReason::TlsaUnknown { why } => {
                let head = words("the TLSA lookup gave no usable answer", "die TLSA-Abfrage lieferte keine verwertbare Antwort");
                match why {
                    Some(why) => format!("{head}: {}", why.text(lang)),
                    None => head,
                }
            }
            DaneReason::InsecureCname { cname } => pick(
                lang,
                format!("the TLSA records are reached through the CNAME {cname}, which is not DNSSEC-signed, so senders ignore them"),
                format!("die TLSA-Einträge werden über den CNAME {cname} erreicht, der nicht DNSSEC-signiert ist, daher ignorieren Absender sie"),
            ),
            DaneReason::RecordsUnsigned => words(
                "the TLSA records are not DNSSEC-signed, so senders ignore them",
                "die TLSA-Einträge sind nicht DNSSEC-signiert, daher ignorieren Absender sie",
            ),
            DaneReason::ZoneUnsigned => words("the zone is not DNSSEC-signed", "die Zone ist nicht DNSSEC-signiert"),
            DaneReason::NoRecords => words("no TLSA records are published", "es sind keine TLSA-Einträge veröffentlicht"),
            DaneReason::NoUsableRecords => words(
                "no TLSA record is usable for SMTP (only usages 0/1 or unknown types)",
                "kein TLSA-Eintrag ist für SMTP verwendbar (nur die Verwendungen 0/1 oder unbekannte Typen)",
            ),
            DaneReason::AddressesUnsigned => words(
                "the host's address records are not DNSSEC-signed, so senders do not use its TLSA records",
                "die Adresseinträge des Hosts sind nicht DNSSEC-signiert, daher verwenden Absender seine TLSA-Einträge nicht",
            ),
            DaneReason::StarttlsNotOffered => words("STARTTLS is not offered", "STARTTLS wird nicht angeboten"),
            DaneReason::StarttlsRefused { reply, no_reply } => match (reply, no_reply) {
                (Some(reply), _) => {
                    pick(lang, format!("STARTTLS was refused with \"{reply}\""), format!("STARTTLS wurde mit „{reply}“ abgelehnt"))
                }
                (None, Some(failure)) => pick(
                    lang,
                    format!("STARTTLS got no valid reply: {}", failure.text(lang)),
                    format!("auf STARTTLS kam keine gültige Antwort: {}", failure.text(lang)),
                ),
                (None, None) => words("STARTTLS was refused", "STARTTLS wurde abgelehnt"),
            },
            DaneReason::NoTlsSession => words("no TLS session was established", "es kam keine TLS-Sitzung zustande"),
            DaneReason::StarttlsNotTestable { why } => {
                let head = words("STARTTLS could not be tested", "STARTTLS ließ sich nicht testen");
                match why {
                    Some(why) => format!("{head}: {}", why.text(lang)),
                    None => head,
                }
            }
            DaneReason::StarttlsNotTried => words("STARTTLS was not tried", "STARTTLS wurde nicht versucht"),
            DaneReason::SessionEnded { failure } => {
                let head = words("the session ended before STARTTLS", "die Sitzung endete vor STARTTLS");
                match failure {
                    Some(f) => format!("{head} ({})", f.text(lang)),
                    None => head,
                }
            }
            DaneReason::NoCertificate => words("the server sent no certificate", "der Server sandte kein Zertifikat"),
            DaneReason::NoMatch { usable, key_would_match } => {
                let head = match usable {
                    1 => words(
                        "the one usable TLSA record does not match the chain presented",
                        "der eine verwendbare TLSA-Eintrag passt nicht zur vorgelegten Kette",
                    ),
                    n => pick(
                        lang,
                        format!("none of the {n} usable TLSA records matches the chain presented"),
                        format!("keiner der {n} verwendbaren TLSA-Einträge passt zur vorgelegten Kette"),
                    ),
                };
                match key_would_match {
                    Some(data) => pick(
                        lang,
                        format!("{head}; the server's key would match \"3 1 1 {data}\""),
                        format!("{head}; der Schlüssel des Servers passt zu „3 1 1 {data}“"),
                    ),
                    None => head,
                }
            }
            DaneReason::TaUnchained { record, subject, problem } => pick(
                lang,
                format!("{record} matches {subject}, but {}", problem.text(lang)),
                format!("{record} passt zu {subject}, aber {}", problem.text(lang)),
            ),
            DaneReason::TaProblems => words(
                "the certificate fails what DANE-TA senders still check",
                "das Zertifikat besteht nicht, was DANE-TA-Absender weiterhin prüfen",
            ),
        }
    }
}

/// Why a DANE verdict is what it is: mxray's words when the report has them, the library's message
/// beside them; in an older report its English text, labelled.
pub fn dane_why(reason: Option<&DaneReason>, detail: &str, lang: Lang) -> String {
    explain(reason.map(|r| r.text(lang)), detail, lang)
}

impl AddressDane {
    /// Why the verdict is what it is, in words (the DANE-TA problems themselves for a rejected
    /// DANE-TA match); none for a plain match.
    pub fn why(&self, lang: Lang) -> Option<String> {
        let words = match &self.reason {
            Some(DaneReason::TaProblems) | None if !self.ta_problems.is_empty() => {
                let said: Vec<String> = self.ta_problems.iter().map(|p| p.text(lang)).collect();
                return Some(said.join("; "));
            }
            reason => reason.as_ref().map(|r| r.text(lang)),
        };
        with_detail(words, self.detail.as_deref(), lang)
    }
}

/// ` (text)`, or nothing for an empty text.
pub fn paren(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
    }
}

/// A connect outcome with why, when there is a why: `refused: library message: "…"`, `timeout: no
/// answer within 15 s`, or the outcome alone.
pub fn explain_outcome(outcome: &str, words: Option<String>, detail: &str, lang: Lang) -> String {
    match explain(words, detail, lang) {
        why if why.is_empty() => outcome.to_owned(),
        why => format!("{outcome}: {why}"),
    }
}
