//! What each EHLO extension is for, in words.
use crate::model::lang::Lang;
use crate::texts::pick;

/// A one-line explanation of an EHLO extension keyword, when it is a known one.
pub fn extension_help(keyword: &str, lang: Lang) -> Option<&'static str> {
    let (en, de) = match keyword.to_ascii_uppercase().as_str() {
        "STARTTLS" => {
            ("Encryption can be switched on (RFC 3207).", "Verschlüsselung lässt sich einschalten (RFC 3207).")
        }
        "SIZE" => {
            ("Largest message the server accepts (RFC 1870).", "Größte Nachricht, die der Server annimmt (RFC 1870).")
        }
        "8BITMIME" => {
            ("Accepts 8-bit text without re-encoding (RFC 6152).", "Nimmt 8-Bit-Text ohne Umkodierung an (RFC 6152).")
        }
        "BINARYMIME" => {
            ("Accepts binary message bodies with BDAT (RFC 3030).", "Nimmt binäre Nachrichten mit BDAT an (RFC 3030).")
        }
        "PIPELINING" => (
            "Several commands may be sent without waiting for each reply (RFC 2920).",
            "Mehrere Kommandos dürfen ohne Warten auf jede Antwort gesendet werden (RFC 2920).",
        ),
        "SMTPUTF8" => (
            "Accepts internationalised (UTF-8) addresses (RFC 6531).",
            "Nimmt internationalisierte Adressen (UTF-8) an (RFC 6531).",
        ),
        "CHUNKING" => (
            "Accepts the message in chunks with BDAT (RFC 3030).",
            "Nimmt die Nachricht in Stücken mit BDAT an (RFC 3030).",
        ),
        "DSN" => (
            "Sends delivery status notifications on request (RFC 3461).",
            "Sendet auf Wunsch Zustellbenachrichtigungen (RFC 3461).",
        ),
        "AUTH" => (
            "Offers login with these mechanisms, for mail submission (RFC 4954).",
            "Bietet Anmeldung mit diesen Verfahren an, zum Einliefern von Mail (RFC 4954).",
        ),
        "ENHANCEDSTATUSCODES" => (
            "Replies carry detailed status codes such as 5.7.1 (RFC 2034).",
            "Antworten tragen genaue Statuscodes wie 5.7.1 (RFC 2034).",
        ),
        "REQUIRETLS" => (
            "Can demand TLS on every hop of a message (RFC 8689).",
            "Kann TLS auf jedem Abschnitt des Transports verlangen (RFC 8689).",
        ),
        "MT-PRIORITY" => ("Accepts message priorities (RFC 6710).", "Nimmt Nachrichtenprioritäten an (RFC 6710)."),
        "DELIVERBY" => {
            ("Accepts a deadline for delivery (RFC 2852).", "Nimmt eine Frist für die Zustellung an (RFC 2852).")
        }
        "ETRN" => (
            "Lets a client start the queue run for a domain (RFC 1985).",
            "Ein Client kann die Zustellung der Warteschlange einer Domain anstoßen (RFC 1985).",
        ),
        "LIMITS" => (
            "Announces its limits for recipients and transactions (RFC 9422).",
            "Nennt seine Grenzen für Empfänger und Transaktionen (RFC 9422).",
        ),
        "VRFY" => (
            "Answers whether an address exists (often off, against address harvesting).",
            "Beantwortet, ob eine Adresse existiert (oft abgeschaltet, gegen Adresssammler).",
        ),
        "EXPN" => ("Expands mailing lists (usually off).", "Löst Verteilerlisten auf (meist abgeschaltet)."),
        "HELP" => ("Answers the HELP command.", "Beantwortet das HELP-Kommando."),
        "XCLIENT" | "XFORWARD" => (
            "Postfix extension: a trusted proxy passes on the real client.",
            "Postfix-Erweiterung: ein vertrauter Proxy reicht den echten Client weiter.",
        ),
        _ => return None,
    };
    Some(pick(lang, en, de))
}
