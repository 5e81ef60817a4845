//! What went wrong at an address, in mxray's own words: a connect that failed, a reply that did not
//! come, a session that ended early, a STARTTLS that could not be tested, and why a DANE verdict is
//! not a match. The engine stores these as typed values; a library's own message beside them (the
//! operating system's, rustls', the resolver's) is quoted and labelled as such.

use crate::model::dane::{AddressDane, DaneReason, TaChainProblem};
use crate::model::depth::{DnsblProblem, DnsblResult, LegacyAnswer, LegacyTlsProbe, LookupFailure};
use crate::model::egress::EgressReport;
use crate::model::lang::Lang;
use crate::model::session::{
    ConnectFailure, HandshakeProblem, NotTestable, ReadFailure, RevisitFailure, SessionCause, SessionFailure,
    SessionLeg,
};
use crate::texts::{count, library_message, pick};

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
                format!("{}, not public, so mxray does not connect", range_address(range, lang)),
                format!("{}, nicht öffentlich, daher verbindet sich mxray nicht", range_address(range, lang)),
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
            DaneReason::OutdatedSuitesOnly { suite } => pick(
                lang,
                format!("TLS works only with outdated suites ({suite}) that mxray's TLS library refuses, so the chain was not matched"),
                format!("TLS gelingt nur mit veralteten Suites ({suite}), die die TLS-Bibliothek von mxray ablehnt, daher wurde die Kette nicht abgeglichen"),
            ),
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

/// A non-public range as the SSRF guard names it (`private`, `loopback`, …), as a noun phrase with
/// its article: "a private address", „eine private Adresse“. A name the catalogue does not know is
/// shown as it is.
pub fn range_address(range: &str, lang: Lang) -> String {
    let (en, de) = match range {
        "unspecified" => ("an unspecified address", "eine unspezifizierte Adresse"),
        "broadcast" => ("the broadcast address", "die Broadcast-Adresse"),
        "this-network" => ("an address of \"this network\" (0.0.0.0/8)", "eine Adresse aus „diesem Netz“ (0.0.0.0/8)"),
        "loopback" => ("a loopback address", "eine Loopback-Adresse"),
        "private" => ("a private address", "eine private Adresse"),
        "CGNAT" => ("a CGNAT address (shared address space)", "eine CGNAT-Adresse (gemeinsam genutzter Adressraum)"),
        "link-local" => ("a link-local address", "eine link-lokale Adresse"),
        "IETF protocol assignment" => (
            "an address reserved for IETF protocol assignments",
            "eine für IETF-Protokollzuweisungen reservierte Adresse",
        ),
        "documentation" => ("a documentation address", "eine Dokumentationsadresse"),
        "benchmarking" => ("a benchmarking address", "eine Adresse für Benchmark-Tests"),
        "6to4 relay anycast" => ("a 6to4 relay anycast address", "eine 6to4-Relay-Anycast-Adresse"),
        "multicast" => ("a multicast address", "eine Multicast-Adresse"),
        "reserved" => ("a reserved address", "eine reservierte Adresse"),
        "IPv4-mapped" => ("an IPv4-mapped IPv6 address", "eine IPv4-gemappte IPv6-Adresse"),
        "site-local" => ("a site-local address (deprecated)", "eine standortlokale Adresse (veraltet)"),
        "unique local (private)" => ("a unique local (private) address", "eine eindeutige lokale (private) Adresse"),
        "IETF special purpose" => ("an IETF special-purpose address", "eine IETF-Adresse für besondere Zwecke"),
        "discard-only" => ("a discard-only address", "eine Adresse nur zum Verwerfen (discard-only)"),
        "NAT64" => ("a NAT64 address", "eine NAT64-Adresse"),
        "6to4" => ("a 6to4 address", "eine 6to4-Adresse"),
        "IPv4-compatible (deprecated)" => {
            ("an IPv4-compatible IPv6 address (deprecated)", "eine IPv4-kompatible IPv6-Adresse (veraltet)")
        }
        "IPv4-translated (SIIT)" => ("an IPv4-translated address (SIIT)", "eine IPv4-übersetzte Adresse (SIIT)"),
        "not global unicast" => {
            ("an address outside global unicast", "eine Adresse außerhalb des globalen Unicast-Bereichs")
        }
        other => {
            return pick(lang, format!("a {other} address"), format!("eine Adresse im Bereich „{other}“"));
        }
    };
    pick(lang, en, de).to_owned()
}

impl LegacyAnswer {
    /// What the legacy probe's extra connection learned, in words.
    pub fn text(&self, lang: Lang) -> String {
        let words = |en: &str, de: &str| pick(lang, en, de).to_owned();
        match self {
            LegacyAnswer::ServerHello { version, cipher } => pick(
                lang,
                format!("the server answered with a ServerHello for {version} ({cipher})"),
                format!("der Server antwortete mit einem ServerHello für {version} ({cipher})"),
            ),
            LegacyAnswer::Alert { name } => pick(
                lang,
                format!("the server refused with the alert {name}"),
                format!("der Server lehnte mit dem TLS-Alert {name} ab"),
            ),
            LegacyAnswer::OtherAlert { name } => pick(
                lang,
                format!("the server answered with the alert {name}, which says nothing about the version"),
                format!("der Server antwortete mit dem TLS-Alert {name}, der nichts über die Version aussagt"),
            ),
            LegacyAnswer::ConnectFailed { failure } => {
                let head = words("the extra connection failed", "die zusätzliche Verbindung kam nicht zustande");
                match failure {
                    Some(f) => format!("{head}: {}", f.text(lang)),
                    None => head,
                }
            }
            LegacyAnswer::Refused { step, reply } if step == "greeting" => pick(
                lang,
                format!("the extra connection was greeted with \"{reply}\""),
                format!("die zusätzliche Verbindung wurde mit „{reply}“ begrüßt"),
            ),
            LegacyAnswer::Refused { step, reply } => {
                let step = step_name(step, lang);
                pick(
                    lang,
                    format!("{step} on the extra connection was answered \"{reply}\""),
                    format!("{step} wurde auf der zusätzlichen Verbindung mit „{reply}“ beantwortet"),
                )
            }
            LegacyAnswer::NoStarttls { reply } => pick(
                lang,
                format!("EHLO on the extra connection did not offer STARTTLS (\"{reply}\")"),
                format!("EHLO bot auf der zusätzlichen Verbindung kein STARTTLS an („{reply}“)"),
            ),
            LegacyAnswer::NoReply { step, failure } if step == "greeting" => pick(
                lang,
                format!("the extra connection got no greeting: {}", failure.text(lang)),
                format!("die zusätzliche Verbindung erhielt keine Begrüßung: {}", failure.text(lang)),
            ),
            LegacyAnswer::NoReply { step, failure } => {
                let step = step_name(step, lang);
                pick(
                    lang,
                    format!("{step} on the extra connection got no valid reply: {}", failure.text(lang)),
                    format!("auf {step} kam auf der zusätzlichen Verbindung keine gültige Antwort: {}", failure.text(lang)),
                )
            }
            LegacyAnswer::EarlyData { bytes } => pick(
                lang,
                format!("{} arrived after the 220 to STARTTLS on the extra connection", count(*bytes, "byte", "bytes")),
                format!(
                    "nach der 220 auf STARTTLS kamen auf der zusätzlichen Verbindung {} an",
                    count(*bytes, "Byte", "Bytes")
                ),
            ),
            LegacyAnswer::NoRandom => words("no random bytes for the ClientHello", "keine Zufallsbytes für das ClientHello"),
            LegacyAnswer::HelloNotBuilt => {
                words("the ClientHello could not be built", "das ClientHello ließ sich nicht erstellen")
            }
            LegacyAnswer::SendFailed => words("sending the ClientHello failed", "das Senden des ClientHello schlug fehl"),
            LegacyAnswer::SendTimeout { secs } => pick(
                lang,
                format!("the ClientHello could not be sent within {secs} s"),
                format!("das ClientHello ließ sich nicht innerhalb von {secs} s senden"),
            ),
            LegacyAnswer::Closed => words(
                "the server closed the connection without answering",
                "der Server schloss die Verbindung, ohne zu antworten",
            ),
            LegacyAnswer::ReadFailed => words("reading the answer failed", "das Lesen der Antwort schlug fehl"),
            LegacyAnswer::BrokeOff => words("the answer broke off", "die Antwort brach ab"),
            LegacyAnswer::NotTls { bytes } => pick(
                lang,
                format!("the answer is not a TLS record (first bytes {bytes})"),
                format!("die Antwort ist kein TLS-Record (erste Bytes {bytes})"),
            ),
            LegacyAnswer::NoVerdict { records } => pick(
                lang,
                format!("no ServerHello or fatal alert in the first {records} records"),
                format!("weder ein ServerHello noch ein fataler TLS-Alert in den ersten {records} TLS-Datensätzen"),
            ),
            LegacyAnswer::Timeout { secs } => pick(
                lang,
                format!("no answer to the ClientHello within {secs} s"),
                format!("keine Antwort auf das ClientHello innerhalb von {secs} s"),
            ),
            LegacyAnswer::UnreadableAlert { bytes } => {
                pick(lang, format!("an unreadable alert ({bytes})"), format!("ein unlesbarer TLS-Alert ({bytes})"))
            }
            LegacyAnswer::UnreadableHandshake { bytes } => pick(
                lang,
                format!("an unreadable handshake message ({bytes})"),
                format!("eine unlesbare Handshake-Nachricht ({bytes})"),
            ),
            LegacyAnswer::NotServerHello => words(
                "the first handshake message was not a ServerHello",
                "die erste Handshake-Nachricht war kein ServerHello",
            ),
            LegacyAnswer::VersionNotOffered { version } => pick(
                lang,
                format!("the server chose {version} in answer to a ClientHello of at most TLS 1.1, which TLS does not allow"),
                format!("der Server wählte {version} als Antwort auf ein ClientHello mit höchstens TLS 1.1, was TLS nicht erlaubt"),
            ),
        }
    }
}

impl LegacyTlsProbe {
    /// What the extra connection learned: mxray's words with a library's message beside them, or
    /// an older report's text, labelled.
    pub fn why(&self, lang: Lang) -> String {
        explain(self.answer.as_ref().map(|a| a.text(lang)), &self.detail, lang)
    }
}

impl LookupFailure {
    /// Why the lookup gave no answer, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            LookupFailure::NxDomain => {
                pick(lang, "the name does not exist (NXDOMAIN)", "der Name existiert nicht (NXDOMAIN)").to_owned()
            }
            LookupFailure::NoRecords => pick(lang, "no records of that type", "keine Einträge dieses Typs").to_owned(),
            LookupFailure::Timeout { secs } => {
                pick(lang, format!("no answer within {secs} s"), format!("keine Antwort innerhalb von {secs} s"))
            }
        }
    }
}

/// A lookup's failure: mxray's words with the resolver's message beside them, or an older report's
/// text, labelled.
pub fn lookup_why(failure: Option<&LookupFailure>, detail: &str, lang: Lang) -> String {
    explain(failure.map(|f| f.text(lang)), detail, lang)
}

impl DnsblProblem {
    /// Why the blocklist's answer is unknown, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            DnsblProblem::Timeout { secs } => pick(
                lang,
                format!("the lookup got no answer within {secs} s"),
                format!("die Abfrage erhielt innerhalb von {secs} s keine Antwort"),
            ),
            DnsblProblem::LookupFailed => pick(lang, "the lookup failed", "die Abfrage schlug fehl").to_owned(),
            DnsblProblem::ErrorCode { code } => {
                let (en, de) = match code.rsplit('.').next() {
                    Some("252") => ("the zone name is wrong (typing error)", "der Zonenname ist falsch (Tippfehler)"),
                    Some("254") => (
                        "queries through public or open resolvers are refused",
                        "Abfragen über öffentliche oder offene Resolver werden abgewiesen",
                    ),
                    Some("255") => ("too many queries", "zu viele Abfragen"),
                    _ => ("the query was refused", "die Abfrage wurde abgewiesen"),
                };
                pick(
                    lang,
                    format!("the list answered {code}, an error code ({en}), not a listing"),
                    format!("die Liste antwortete {code}, einen Fehlercode ({de}), keinen Eintrag"),
                )
            }
            DnsblProblem::NotACode { code } => pick(
                lang,
                format!("the answer {code} lies outside 127.0.0.0/8, so it is no blocklist code (a wrong zone, or a resolver that rewrites NXDOMAIN)"),
                format!("die Antwort {code} liegt außerhalb von 127.0.0.0/8 und ist daher kein Code einer Blockliste (eine falsche Zone oder ein Resolver, der NXDOMAIN umschreibt)"),
            ),
        }
    }
}

/// Why a blocklist's answer is unknown: mxray's words with the resolver's message beside them, or
/// an older report's text, labelled.
pub fn dnsbl_why(problem: Option<&DnsblProblem>, detail: &str, lang: Lang) -> String {
    explain(problem.map(|p| p.text(lang)), detail, lang)
}

impl DnsblResult {
    /// Why the answer is unknown, in words; none when there is nothing to say.
    pub fn why(&self, lang: Lang) -> Option<String> {
        with_detail(self.problem.as_ref().map(|p| p.text(lang)), self.detail.as_deref(), lang)
    }
}

impl HandshakeProblem {
    /// Why the handshake did not happen or finish, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            HandshakeProblem::Timeout { secs } => {
                pick(lang, format!("no handshake within {secs} s"), format!("kein Handshake innerhalb von {secs} s"))
            }
            HandshakeProblem::PlaintextAfterReply { bytes } => pick(
                lang,
                format!("{} arrived after the 220 to STARTTLS, before the handshake", count(*bytes, "byte", "bytes")),
                format!("nach der 220 auf STARTTLS kamen vor dem Handshake {} an", count(*bytes, "Byte", "Bytes")),
            ),
        }
    }
}

impl RevisitFailure {
    /// Why the return connection gave no verdict, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            RevisitFailure::SessionEnded { failure } => pick(
                lang,
                format!("the return connection ended early ({})", failure.text(lang)),
                format!("die erneute Verbindung endete vorzeitig ({})", failure.text(lang)),
            ),
            RevisitFailure::ServerClosed { command, reply } if command == "greeting" => pick(
                lang,
                format!("the server closed the return connection in its greeting, \"{reply}\""),
                format!("der Server beendete die erneute Verbindung schon mit der Begrüßung „{reply}“"),
            ),
            RevisitFailure::ServerClosed { command, reply } => pick(
                lang,
                format!("the server closed the return connection after {command} with \"{reply}\""),
                format!("der Server beendete die erneute Verbindung nach {command} mit „{reply}“"),
            ),
            RevisitFailure::NoRelayProbe => pick(
                lang,
                "the return connection ran no relay probe",
                "auf der erneuten Verbindung lief kein Relay-Test",
            )
            .to_owned(),
        }
    }
}

impl EgressReport {
    /// Why the connect failed: mxray's words with a library's message beside them, or an older
    /// report's text, labelled; none when there is nothing to say.
    pub fn why(&self, lang: Lang) -> Option<String> {
        let words = self.failure.as_ref().map(|f| f.text(lang)).or_else(|| self.lookup.as_ref().map(|l| l.text(lang)));
        with_detail(words, self.detail.as_deref(), lang)
    }
}
