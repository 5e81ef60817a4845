//! The words of the TLS quality check: class and aspect labels, each line's evidence and "not
//! tested, because …", and the title, detail and remedy of its findings, in English and German.

use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::model::quality::{Class, Evidence, KeyExchange, QualityLine, Untested};
use crate::texts::pick;

crate::texts::labels!(Class, "The NCSC class in words.", {
    Good => ("good", "gut"),
    Sufficient => ("sufficient", "ausreichend"),
    PhaseOut => ("phase out", "auslaufend"),
    Insufficient => ("insufficient", "unzureichend"),
});

crate::texts::labels!(crate::model::quality::Aspect, "What a line of the TLS quality table is about.", {
    OrdinarySenders => ("Suite for ordinary senders", "Suite für gewöhnliche Absender"),
    WeakSuites => ("Weak suites accepted", "Schwache Suites angenommen"),
    ServerPreference => ("Server's own order", "Eigene Reihenfolge des Servers"),
    KeyExchange => ("Key exchange", "Schlüsseltausch"),
    Renegotiation => ("Secure renegotiation", "Sichere Neuverhandlung"),
    Compression => ("TLS compression", "TLS-Kompression"),
});

impl KeyExchange {
    /// The key exchange in words, e.g. `ECDHE x25519`, `DHE 1024 bits`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            KeyExchange::Ecdhe { group } => format!("ECDHE {group}"),
            KeyExchange::Dhe { bits } => pick(lang, format!("DHE {bits} bits"), format!("DHE {bits} Bit")),
            KeyExchange::Rsa => {
                pick(lang, "RSA key exchange (no forward secrecy)", "RSA-Schlüsseltausch (ohne Forward Secrecy)").into()
            }
        }
    }
}

impl Evidence {
    /// What shows the class, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Evidence::Suite { suite, version, fallback: false } => format!("{suite} ({version})"),
            Evidence::Suite { suite, version, fallback: true } => pick(
                lang,
                format!("{suite} ({version}), only with an OpenSSL-like hello: rustls found no suite in common"),
                format!("{suite} ({version}), nur mit einem OpenSSL-ähnlichen ClientHello: rustls fand keine gemeinsame Suite"),
            ),
            Evidence::Refused { alert } => pick(
                lang,
                format!("every suite offered was refused ({alert})"),
                format!("alle angebotenen Suites abgelehnt ({alert})"),
            ),
            Evidence::OwnOrder { chosen } => pick(
                lang,
                format!("chose {chosen}, the good suite offered last"),
                format!("wählte {chosen}, die zuletzt angebotene gute Suite"),
            ),
            Evidence::ClientOrder { chosen, good } => pick(
                lang,
                format!("chose {chosen}, offered first, although it takes {good}: it follows the client's order"),
                format!("wählte das zuerst angebotene {chosen}, obwohl er {good} annimmt: er folgt der Reihenfolge des Clients"),
            ),
            Evidence::NoChoice { chosen } => pick(
                lang,
                format!("not judged: the server had no choice between classes (it took {chosen})"),
                format!("nicht bewertet: der Server hatte keine Wahl zwischen Klassen (er nahm {chosen})"),
            ),
            Evidence::KeyExchange { kx, signature, certificate } => {
                let mut out = kx.text(lang);
                if let Some(s) = signature {
                    out.push_str(&pick(lang, format!(", signed {s}"), format!(", signiert mit {s}")));
                }
                if let Some(c) = certificate {
                    let bits = c.bits.map(|b| pick(lang, format!(" {b} bits"), format!(" {b} Bit"))).unwrap_or_default();
                    let key = &c.algorithm;
                    out.push_str(&pick(lang, format!(", certificate key {key}{bits}"), format!(", Zertifikatsschlüssel {key}{bits}")));
                }
                out
            }
            Evidence::Renegotiation { secure: true } => {
                pick(lang, "renegotiation_info present", "renegotiation_info vorhanden").into()
            }
            Evidence::Renegotiation { secure: false } => {
                pick(lang, "renegotiation_info missing (RFC 5746)", "renegotiation_info fehlt (RFC 5746)").into()
            }
            Evidence::Compression { method: 0 } => pick(lang, "no compression chosen", "keine Kompression gewählt").into(),
            Evidence::Compression { method } => pick(
                lang,
                format!("compression method {method} chosen (DEFLATE)"),
                format!("Kompressionsverfahren {method} gewählt (DEFLATE)"),
            ),
        }
    }
}

impl Untested {
    /// Why nothing was learned, in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Untested::Answer { answer } => answer.text(lang),
            Untested::Deadline => pick(lang, "the address's deadline ran out first", "die Frist der Adresse lief vorher ab").into(),
            Untested::NoServerHello => pick(
                lang,
                "no extra hello got a ServerHello to read it from",
                "kein zusätzliches ClientHello erhielt ein ServerHello, aus dem es hervorginge",
            )
            .into(),
            Untested::Undecided => pick(
                lang,
                "the answers do not decide it (whether the server takes a good TLS 1.2 suite was not seen)",
                "die Antworten entscheiden es nicht (ob der Server eine gute Suite für TLS 1.2 annimmt, war nicht zu sehen)",
            )
            .into(),
        }
    }
}

impl QualityLine {
    /// The class in words, `–` when not graded.
    pub fn class_text(&self, lang: Lang) -> &'static str {
        self.class.map_or("–", |c| c.label(lang))
    }

    /// The evidence, or "not tested, because …" (German: "nicht getestet: …", as the reasons are
    /// main clauses), in words.
    pub fn evidence_text(&self, lang: Lang) -> String {
        match (&self.evidence, &self.untested) {
            (Some(e), _) => e.text(lang),
            (None, Some(u)) => {
                pick(lang, format!("not tested, because {}", u.text(lang)), format!("nicht getestet: {}", u.text(lang)))
            }
            (None, None) => String::new(),
        }
    }

    /// The whole line as one value: `class: evidence`, or "not tested, because …".
    pub fn text(&self, lang: Lang) -> String {
        match self.class {
            Some(c) => format!("{}: {}", c.label(lang), self.evidence_text(lang)),
            None => self.evidence_text(lang),
        }
    }
}

type Texts = (String, String, String);

fn s(title: &str, detail: String, remedy: &str) -> Texts {
    (title.to_owned(), detail, remedy.to_owned())
}

/// The English texts of a TLS quality finding.
pub fn english(kind: &FindingKind) -> Texts {
    use FindingKind::*;
    match kind {
        TlsOutdatedSuitesOnly { ip, suite, version, error } => s("TLS only with outdated suites", format!("{ip} refused every modern suite of mxray's TLS library ({error}), but answered an OpenSSL-like TLS 1.2 hello with {suite} ({version}): TLS works for ordinary senders (Postfix, Exim, Exchange), but only with outdated suites, and senders that dropped them deliver in plaintext or not at all.", error = crate::texts::library_message(error, Lang::En)), "Enable ECDHE with AES-GCM or ChaCha20-Poly1305 on TLS 1.2 and 1.3. Postfix: smtpd_tls_ciphers = medium and smtpd_tls_mandatory_ciphers = medium with the default tls_medium_cipherlist; Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DEFAULT; Exchange: Enable-TlsCipherSuite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and _AES_128_GCM_SHA256, with TLS 1.2 on."),
        TlsWeakSuites { ip, class, suite, version } => {
            let title = if *class == Class::Insufficient { "Accepts insufficient cipher suites" } else { "Accepts cipher suites to phase out" };
            let remedy = if *class == Class::Insufficient {
                "Exclude them. Postfix: smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5 (or a tls_medium_cipherlist without them, for smtpd_tls_ciphers and smtpd_tls_mandatory_ciphers); Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!3DES:!RC4; Exchange: Disable-TlsCipherSuite for every RC4, 3DES, NULL and EXPORT suite."
            } else {
                "When every sender that matters speaks ECDHE with AES-GCM, drop them. Postfix: smtpd_tls_mandatory_ciphers = high and tls_high_cipherlist = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM (keep smtpd_tls_ciphers = medium for opportunistic senders, or narrow tls_medium_cipherlist); Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM; Exchange: Disable-TlsCipherSuite for the TLS_RSA_WITH_* and CBC suites."
            };
            s(title, format!("{ip} chose {suite} ({version}) on an extra connection that offered weak suites; the NCSC TLS guidelines class it as \"{class}\". A sender or attacker that offers only such suites gets them.", class = class.label(Lang::En)), remedy)
        }
        TlsClientOrder { ip, chosen, good } => s("Server follows the client's suite order", format!("{ip} chose {chosen}, offered before good suites, although it takes {good}: it follows the client's order, so a client that offers a weak suite first gets it."), "Let the server choose. Postfix: tls_preempt_cipherlist = yes; Exim (OpenSSL): openssl_options = +cipher_server_preference; Exchange: set the SSL Cipher Suite Order (Group Policy) with the ECDHE AES-GCM suites first."),
        TlsWeakDh { ip, bits } => s("Diffie-Hellman under 2048 bits", format!("{ip} uses finite-field Diffie-Hellman with a {bits}-bit prime; under 2048 bits it is insufficient (Logjam)."), "Use 2048 bits or more, or ECDHE only. Postfix: drop smtpd_tls_dh1024_param_file or point it at a 2048-bit file (openssl dhparam 2048); Exim: tls_dhparam = ffdhe3072; Exchange: ClientMinKeyBitLength = 2048 for Diffie-Hellman in the SCHANNEL key exchange settings."),
        TlsWeakRsaKey { ip, bits } => s("RSA key under 2048 bits", format!("The certificate of {ip} has a {bits}-bit RSA key, which signs or carries the key exchange: insufficient."), "Issue a certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 key. Postfix: smtpd_tls_cert_file and smtpd_tls_key_file; Exim: tls_certificate and tls_privatekey; Exchange: New-ExchangeCertificate -KeySize 2048."),
        TlsSha1Signature { ip, scheme } => s("Key exchange signed with SHA-1", format!("{ip} signed its key exchange with {scheme} although SHA-256 was offered; SHA-1 is to be phased out."), "Update the TLS library (OpenSSL 1.1.1 and later prefer SHA-256). Postfix and Exim follow OpenSSL; Exchange: remove SHA1 from the signature hash order in the SCHANNEL settings."),
        TlsNoSecureRenegotiation { ip } => s("No secure renegotiation", format!("The ServerHello of {ip} lacks the renegotiation_info extension (RFC 5746) although the hello asked for it: the server renegotiates insecurely or does not know RFC 5746 (CVE-2009-3555)."), "Update the TLS library (every OpenSSL since 0.9.8m speaks RFC 5746); Exchange: install current Windows updates."),
        TlsCompression { ip, method } => s("TLS compression on", format!("{ip} chose TLS compression (method {method}) when it was offered: CRIME reads secrets out of compressed TLS."), "Turn it off. Postfix: tls_ssl_options = NO_COMPRESSION; Exim: openssl_options = +no_compression; current OpenSSL builds have none; Exchange: install current Windows updates."),
        _ => unreachable_texts(kind),
    }
}

/// The German texts of a TLS quality finding.
pub fn german(kind: &FindingKind) -> Texts {
    use FindingKind::*;
    match kind {
        TlsOutdatedSuitesOnly { ip, suite, version, error } => s("TLS nur mit veralteten Suites", format!("{ip} lehnte jede moderne Suite der TLS-Bibliothek von mxray ab ({error}), beantwortete aber ein OpenSSL-ähnliches ClientHello für TLS 1.2 mit {suite} ({version}): Gewöhnliche Absender (Postfix, Exim, Exchange) verschlüsseln, aber nur mit veralteten Suites, und Absender ohne diese stellen im Klartext oder gar nicht zu.", error = crate::texts::library_message(error, Lang::De)), "ECDHE mit AES-GCM oder ChaCha20-Poly1305 für TLS 1.2 und 1.3 aktivieren. Postfix: smtpd_tls_ciphers = medium und smtpd_tls_mandatory_ciphers = medium mit der voreingestellten tls_medium_cipherlist; Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DEFAULT; Exchange: Enable-TlsCipherSuite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 und _AES_128_GCM_SHA256, dazu TLS 1.2 einschalten."),
        TlsWeakSuites { ip, class, suite, version } => {
            let title = if *class == Class::Insufficient { "Nimmt unzureichende Cipher-Suites an" } else { "Nimmt auslaufende Cipher-Suites an" };
            let remedy = if *class == Class::Insufficient {
                "Diese ausschließen. Postfix: smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5 (oder eine tls_medium_cipherlist ohne sie, für smtpd_tls_ciphers und smtpd_tls_mandatory_ciphers); Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!3DES:!RC4; Exchange: Disable-TlsCipherSuite für jede RC4-, 3DES-, NULL- und EXPORT-Suite."
            } else {
                "Sobald alle wichtigen Absender ECDHE mit AES-GCM sprechen, diese entfernen. Postfix: smtpd_tls_mandatory_ciphers = high und tls_high_cipherlist = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM (smtpd_tls_ciphers = medium für opportunistische Absender belassen oder tls_medium_cipherlist einengen); Exim: tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM; Exchange: Disable-TlsCipherSuite für die TLS_RSA_WITH_*- und CBC-Suites."
            };
            s(title, format!("{ip} wählte {suite} ({version}) über eine zusätzliche Verbindung, die schwache Suites anbot; die TLS-Richtlinien des NCSC stufen sie als „{class}“ ein. Ein Absender oder Angreifer, der nur solche Suites anbietet, bekommt sie.", class = class.label(Lang::De)), remedy)
        }
        TlsClientOrder { ip, chosen, good } => s("Server folgt der Suite-Reihenfolge des Clients", format!("{ip} wählte {chosen}, vor guten Suites angeboten, obwohl er {good} annimmt: Er folgt der Reihenfolge des Clients, also bekommt ein Client, der zuerst eine schwache Suite anbietet, diese."), "Den Server wählen lassen. Postfix: tls_preempt_cipherlist = yes; Exim (OpenSSL): openssl_options = +cipher_server_preference; Exchange: die SSL-Cipher-Suite-Reihenfolge (Gruppenrichtlinie) mit den ECDHE-AES-GCM-Suites zuerst setzen."),
        TlsWeakDh { ip, bits } => s("Diffie-Hellman unter 2048 Bit", format!("{ip} nutzt Diffie-Hellman über endlichen Körpern mit einer Primzahl von {bits} Bit; unter 2048 Bit ist das unzureichend (Logjam)."), "2048 Bit oder mehr verwenden oder nur ECDHE. Postfix: smtpd_tls_dh1024_param_file entfernen oder auf eine Datei mit 2048 Bit setzen (openssl dhparam 2048); Exim: tls_dhparam = ffdhe3072; Exchange: ClientMinKeyBitLength = 2048 für Diffie-Hellman in den SCHANNEL-Einstellungen."),
        TlsWeakRsaKey { ip, bits } => s("RSA-Schlüssel unter 2048 Bit", format!("Das Zertifikat von {ip} hat einen RSA-Schlüssel mit {bits} Bit, der den Schlüsseltausch signiert oder trägt: unzureichend."), "Ein Zertifikat mit einem RSA-Schlüssel ab 2048 Bit oder einem ECDSA-Schlüssel (P-256) ausstellen. Postfix: smtpd_tls_cert_file und smtpd_tls_key_file; Exim: tls_certificate und tls_privatekey; Exchange: New-ExchangeCertificate -KeySize 2048."),
        TlsSha1Signature { ip, scheme } => s("Schlüsseltausch mit SHA-1 signiert", format!("{ip} signierte seinen Schlüsseltausch mit {scheme}, obwohl SHA-256 angeboten war; SHA-1 läuft aus."), "Die TLS-Bibliothek aktualisieren (OpenSSL ab 1.1.1 bevorzugt SHA-256). Postfix und Exim folgen OpenSSL; Exchange: SHA1 in den SCHANNEL-Einstellungen aus der Reihenfolge der Signatur-Hashes entfernen."),
        TlsNoSecureRenegotiation { ip } => s("Keine sichere Neuverhandlung", format!("Dem ServerHello von {ip} fehlt die Erweiterung renegotiation_info (RFC 5746), obwohl das ClientHello danach fragte: Der Server verhandelt unsicher neu oder kennt RFC 5746 nicht (CVE-2009-3555)."), "Die TLS-Bibliothek aktualisieren (jedes OpenSSL seit 0.9.8m beherrscht RFC 5746); Exchange: aktuelle Windows-Updates einspielen."),
        TlsCompression { ip, method } => s("TLS-Kompression an", format!("{ip} wählte TLS-Kompression (Verfahren {method}), als sie angeboten war: CRIME liest Geheimnisse aus komprimiertem TLS."), "Abschalten. Postfix: tls_ssl_options = NO_COMPRESSION; Exim: openssl_options = +no_compression; aktuelle OpenSSL-Builds haben keine; Exchange: aktuelle Windows-Updates einspielen."),
        _ => unreachable_texts(kind),
    }
}

/// `findings` only hands the TLS quality kinds here; any other kind gets its code as every text.
fn unreachable_texts(kind: &FindingKind) -> Texts {
    let code = kind.code().to_owned();
    (code.clone(), code.clone(), code)
}
