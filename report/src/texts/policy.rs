//! MTA-STS and TLS-RPT in words: record and policy problems, fetch errors, modes and labels.

use crate::model::lang::Lang;
use crate::model::policy::{
    FetchError, IgnoredReason, PolicyProblem, RecordProblem, StsMode, TargetProblem, TlsPolicyFailure, UntestedTls,
};
use crate::model::report::TcpOutcome;
use crate::texts::{labels, pick};

impl RecordProblem {
    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            RecordProblem::BadSyntax { near } => pick(
                lang,
                format!("\"{near}\" is not a name=value field separated by \";\""),
                format!("\"{near}\" ist kein durch \";\" getrenntes Feld name=wert"),
            ),
            RecordProblem::MissingField { name } => {
                pick(lang, format!("the field {name}= is missing"), format!("das Feld {name}= fehlt"))
            }
            RecordProblem::BadValue { name, value } => pick(
                lang,
                format!("{name}={value} is not valid{}", field_rule(name, Lang::En)),
                format!("{name}={value} ist ungültig{}", field_rule(name, Lang::De)),
            ),
            RecordProblem::DuplicateField { name } => {
                pick(lang, format!("the field {name}= appears twice"), format!("das Feld {name}= steht doppelt"))
            }
        }
    }
}

/// What a record field must look like, for the known fields.
fn field_rule(name: &str, lang: Lang) -> &'static str {
    match name {
        "id" => pick(lang, " (1 to 32 letters and digits)", " (1 bis 32 Buchstaben und Ziffern)"),
        "rua" => pick(
            lang,
            " (mailto: or https: addresses, comma-separated)",
            " (mailto:- oder https:-Adressen, durch Komma getrennt)",
        ),
        _ => "",
    }
}

impl FetchError {
    /// The error in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            FetchError::NoAddress { detail } => pick(
                lang,
                format!(
                    "the policy host has no address ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "der Policy-Host hat keine Adresse ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::NotPublic { detail } => pick(
                lang,
                format!(
                    "the policy host's address is not public ({detail}); mxray did not connect",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "die Adresse des Policy-Hosts ist nicht öffentlich ({detail}); mxray hat sich nicht verbunden",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::NoRoute { detail } => pick(
                lang,
                format!(
                    "not tested from here: this machine has no route to the policy host ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "von hier nicht testbar: dieser Rechner hat keine Route zum Policy-Host ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::Connect { detail } => pick(
                lang,
                format!(
                    "no connection to port 443 ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "keine Verbindung zu Port 443 ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::Tls { detail } => pick(
                lang,
                format!(
                    "the TLS handshake failed ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "der TLS-Handshake scheiterte ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::Certificate { detail } => pick(
                lang,
                format!(
                    "the certificate is not valid for the policy host ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "das Zertifikat gilt nicht für den Policy-Host ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::Http { detail } => pick(
                lang,
                format!(
                    "the HTTP exchange failed ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "der HTTP-Austausch scheiterte ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            FetchError::Timeout { seconds } => pick(
                lang,
                format!("no complete answer within {seconds} s"),
                format!("keine vollständige Antwort in {seconds} s"),
            ),
            FetchError::Redirect { status, location } => {
                let to = location.as_deref().unwrap_or("?");
                pick(
                    lang,
                    format!("HTTP {status} redirect to {to}; senders must not follow redirects"),
                    format!("HTTP-{status}-Umleitung nach {to}; Absender dürfen Umleitungen nicht folgen"),
                )
            }
            FetchError::Status { status } => {
                pick(lang, format!("HTTP status {status} instead of 200"), format!("HTTP-Status {status} statt 200"))
            }
            FetchError::ContentType { content_type } => {
                let ct = content_type.as_deref().unwrap_or("-");
                pick(
                    lang,
                    format!("served as {ct}, not text/plain"),
                    format!("als {ct} ausgeliefert, nicht als text/plain"),
                )
            }
            FetchError::TooLarge { limit } => pick(
                lang,
                format!("the file is larger than {} KiB", limit / 1024),
                format!("die Datei ist größer als {} KiB", limit / 1024),
            ),
        }
    }
}

impl PolicyProblem {
    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            PolicyProblem::BadLine { line } => pick(
                lang,
                format!("\"{line}\" is not a key: value line"),
                format!("\"{line}\" ist keine Zeile schlüssel: wert"),
            ),
            PolicyProblem::Missing { key } => pick(lang, format!("{key} is missing"), format!("{key} fehlt")),
            PolicyProblem::BadValue { key, value } => {
                let rule = match key.as_str() {
                    "version" => pick(lang, "must be STSv1", "muss STSv1 sein"),
                    "mode" => pick(lang, "must be enforce, testing or none", "muss enforce, testing oder none sein"),
                    "max_age" => {
                        pick(lang, "must be whole seconds up to 31557600", "muss ganze Sekunden bis 31557600 angeben")
                    }
                    _ => pick(
                        lang,
                        "must be a host name, optionally starting with *.",
                        "muss ein Hostname sein, wahlweise mit *. davor",
                    ),
                };
                pick(lang, format!("{key}: {value} — {rule}"), format!("{key}: {value} — {rule}"))
            }
            PolicyProblem::Duplicate { key } => {
                pick(lang, format!("{key} appears more than once"), format!("{key} steht mehrfach"))
            }
            PolicyProblem::NoMx => pick(
                lang,
                "no mx line, so no MX host can match".into(),
                "keine mx-Zeile, also passt kein MX-Host".into(),
            ),
            PolicyProblem::ByteOrderMark => pick(
                lang,
                "the file starts with a UTF-8 byte-order mark (EF BB BF), which senders read as part of the first key: save it as UTF-8 without BOM".into(),
                "die Datei beginnt mit einer UTF-8-Byte-Order-Mark (EF BB BF), die Absender als Teil des ersten Schlüssels lesen: als UTF-8 ohne BOM speichern".into(),
            ),
            PolicyProblem::Utf16 { big_endian } => {
                let order = if *big_endian { "big-endian" } else { "little-endian" };
                pick(
                    lang,
                    format!("the file is UTF-16 ({order}), not the plain text senders read: save it as UTF-8"),
                    format!("die Datei ist in UTF-16 ({order}) kodiert, nicht der reine Text, den Absender lesen: als UTF-8 speichern"),
                )
            }
        }
    }
}

/// Line numbers in words: "line 3", "lines 1, 4 and 7" ("Zeile 3", "Zeilen 1, 4 und 7").
pub fn line_numbers(lines: &[u32], lang: Lang) -> String {
    let numbers: Vec<String> = lines.iter().map(u32::to_string).collect();
    let (one, many, and) = pick(lang, ("line", "lines", "and"), ("Zeile", "Zeilen", "und"));
    match numbers.len() {
        0 => String::new(),
        1 => format!("{one} {}", numbers[0]),
        _ => format!("{many} {}", crate::texts::and_list(&numbers, and)),
    }
}

/// Why senders discard a record, in words; `tag` is the version tag it should begin with.
pub fn ignored_reason_text(reason: IgnoredReason, tag: &str, lang: Lang) -> String {
    let version = tag.trim_start_matches("v=");
    match reason {
        IgnoredReason::Quoted => pick(
            lang,
            "it begins with a quote: the quotes are part of the value (remove them in your DNS tool; most tools add the quotes themselves)".into(),
            "er beginnt mit einem Anführungszeichen: die Anführungszeichen sind Teil des Werts (im DNS-Werkzeug entfernen; die meisten Werkzeuge setzen sie selbst)".into(),
        ),
        IgnoredReason::LeadingSpace => pick(
            lang,
            format!("it begins with a blank before {tag}"),
            format!("er beginnt mit einem Leerzeichen vor {tag}"),
        ),
        IgnoredReason::Braces => pick(
            lang,
            "it begins with a bracket or brace (pasted from a tool's output?)".into(),
            "er beginnt mit einer Klammer (aus der Ausgabe eines Werkzeugs kopiert?)".into(),
        ),
        IgnoredReason::WrongCase => pick(
            lang,
            format!("the tag is not written exactly {tag}: letter case counts"),
            format!("das Kennzeichen steht nicht genau als {tag} da: Groß- und Kleinschreibung zählt"),
        ),
        IgnoredReason::NoVersionKey => {
            pick(lang, format!("it lacks the v= before {version}"), format!("ihm fehlt das v= vor {version}"))
        }
        IgnoredReason::Other => {
            pick(lang, format!("it does not begin with {tag}"), format!("er beginnt nicht mit {tag}"))
        }
    }
}

/// The problems of a policy as one sentence part.
pub fn problems_text(problems: &[PolicyProblem], lang: Lang) -> String {
    problems.iter().map(|p| p.text(lang)).collect::<Vec<_>>().join("; ")
}

labels!(TlsPolicyFailure, "The failure in words.", {
    NoTls => ("no working STARTTLS", "kein funktionierendes STARTTLS"),
    Untrusted => ("certificate not trusted", "Zertifikat nicht vertrauenswürdig"),
    WrongName => ("certificate does not name the MX host", "Zertifikat nennt den MX-Host nicht"),
    OutOfDate => ("certificate out of date", "Zertifikat außerhalb der Gültigkeit"),
    Unreadable => ("certificate unreadable", "Zertifikat nicht lesbar"),
});

labels!(StsMode, "The mode as written in the policy.", {
    Enforce => ("enforce", "enforce"),
    Testing => ("testing", "testing"),
    None => ("none", "none"),
});

labels!(TargetProblem, "The problem in words.", {
    Scheme => ("only mailto: and https: are allowed", "nur mailto: und https: sind erlaubt"),
    Mailto => ("not a valid mailto:local@domain address", "keine gültige Adresse mailto:name@domain"),
    Https => ("not a valid https://host/path URL", "keine gültige URL https://host/pfad"),
});

/// Labels of the policy rows in the renderers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyLabel {
    /// Heading of the policy sections.
    TransportSecurity,
    /// The MTA-STS section.
    MtaSts,
    /// The TLS-RPT section.
    TlsRpt,
    /// The TXT record.
    Record,
    /// The policy id.
    Id,
    /// The policy URL.
    Url,
    /// The fetch result.
    Fetch,
    /// The mode.
    Mode,
    /// max_age.
    MaxAge,
    /// The mx patterns.
    Patterns,
    /// Problems of the policy.
    Problems,
    /// Report targets.
    Targets,
    /// Not published.
    NotPublished,
    /// Published, but senders discard it.
    Ignored,
    /// Checking.
    Checking,
    /// The record is valid.
    Valid,
    /// Matches the pattern.
    Matches,
    /// Matches no pattern.
    NoPattern,
    /// TLS as MTA-STS demands.
    TlsValid,
    /// Not tested.
    NotTested,
}

labels!(PolicyLabel, "The label in words.", {
    TransportSecurity => ("Transport security", "Transportsicherheit"),
    MtaSts => ("MTA-STS", "MTA-STS"),
    TlsRpt => ("TLS-RPT", "TLS-RPT"),
    Record => ("DNS record", "DNS-Eintrag"),
    Id => ("Policy id", "Policy-ID"),
    Url => ("Policy URL", "Policy-URL"),
    Fetch => ("Fetch", "Abruf"),
    Mode => ("Mode", "Modus"),
    MaxAge => ("max_age", "max_age"),
    Patterns => ("MX patterns", "MX-Muster"),
    Problems => ("Problems", "Probleme"),
    Targets => ("Report targets", "Berichtsziele"),
    NotPublished => ("not published", "nicht veröffentlicht"),
    Ignored => ("published, but ignored by senders", "veröffentlicht, aber von Absendern ignoriert"),
    Checking => ("checking …", "wird geprüft …"),
    Valid => ("valid", "gültig"),
    Matches => ("matches", "passt zu"),
    NoPattern => ("matches no mx pattern", "passt zu keinem mx-Muster"),
    TlsValid => ("STARTTLS with a valid certificate", "STARTTLS mit gültigem Zertifikat"),
    NotTested => ("not tested", "nicht getestet"),
});

impl UntestedTls {
    /// The reason in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            UntestedTls::NoAddress => pick(lang, "the host has no address", "der Host hat keine Adresse").to_owned(),
            UntestedTls::NoConnection { ip, outcome, detail } => {
                let what = match outcome {
                    TcpOutcome::Refused => pick(lang, "connection refused", "Verbindung abgelehnt"),
                    TcpOutcome::Timeout => pick(lang, "no answer in time", "keine Antwort in der Zeit"),
                    TcpOutcome::Unreachable => pick(lang, "host unreachable", "Host unerreichbar"),
                    TcpOutcome::Blocked => pick(
                        lang,
                        "not a public address, mxray does not connect there",
                        "keine öffentliche Adresse, mxray verbindet sich dorthin nicht",
                    ),
                    TcpOutcome::NoRoute => pick(lang, "no route from this machine", "keine Route von diesem Rechner"),
                    TcpOutcome::Error | TcpOutcome::Connected => pick(lang, "connection error", "Verbindungsfehler"),
                };
                let detail = detail
                    .as_deref()
                    .map(|d| format!(": {}", crate::texts::library_message(d, lang)))
                    .unwrap_or_default();
                pick(
                    lang,
                    format!("{ip}: no connection to port 25 ({what}{detail})"),
                    format!("{ip}: keine Verbindung zu Port 25 ({what}{detail})"),
                )
            }
            UntestedTls::Deadline { ip } => pick(
                lang,
                format!("{ip}: the deadline came before STARTTLS"),
                format!("{ip}: die Frist lief vor STARTTLS ab"),
            ),
            UntestedTls::NoSession { ip, detail } => pick(
                lang,
                format!(
                    "{ip}: the session ended before STARTTLS ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "{ip}: die Sitzung endete vor STARTTLS ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
            UntestedTls::OutdatedSuitesOnly { ip, suite } => pick(
                lang,
                format!("{ip}: TLS works only with outdated suites ({suite}) that mxray's TLS library refuses, so the certificate was not judged"),
                format!("{ip}: TLS gelingt nur mit veralteten Suites ({suite}), die die TLS-Bibliothek von mxray ablehnt, daher wurde das Zertifikat nicht beurteilt"),
            ),
            UntestedTls::NotTestable { ip, detail } => pick(
                lang,
                format!(
                    "{ip}: STARTTLS is offered but could not be tested ({detail})",
                    detail = crate::texts::library_message(detail, Lang::En)
                ),
                format!(
                    "{ip}: STARTTLS wird angeboten, ließ sich aber nicht testen ({detail})",
                    detail = crate::texts::library_message(detail, Lang::De)
                ),
            ),
        }
    }
}
