//! Title, detail and remedy of the depth findings (legacy TLS, reverse DNS, blocklists) in English
//! and German; `findings` hands these kinds here so its catalogue stays one exhaustive match.

use crate::model::finding::FindingKind;

crate::texts::labels!(DnsblStatus, "The blocklist answer in words.", {
    Listed => ("listed", "gelistet"),
    NotListed => ("not listed", "nicht gelistet"),
    Unknown => ("not tested", "nicht getestet"),
});

crate::texts::labels!(LegacyOutcome, "The legacy probe's outcome in words.", {
    Accepted => ("accepted", "angenommen"),
    Refused => ("refused", "abgelehnt"),
    NotTested => ("not tested", "nicht getestet"),
});

use crate::model::depth::{DnsblStatus, LegacyOutcome};
use crate::model::depth::{SSL3, TLS10, TLS11};

type Texts = (String, String, String);

pub(crate) fn s(title: &str, detail: String, remedy: &str) -> Texts {
    (title.to_owned(), detail, remedy.to_owned())
}

/// `TLSv1.0` → `TLS 1.0` (and `SSLv3` → `SSL 3.0`), for running text.
fn spoken(version: &str) -> String {
    match version {
        SSL3 => "SSL 3.0".to_owned(),
        v => v.replace("TLSv", "TLS "),
    }
}

/// `TLS 1.0`, `TLS 1.0 and 1.1`, `SSL 3.0 and TLS 1.0`.
pub(crate) fn list(versions: &[String], and: &str) -> String {
    let mut spoken: Vec<String> = versions.iter().map(|v| spoken(v)).collect();
    if spoken.first().is_some_and(|v| v.starts_with("TLS ")) {
        for later in spoken.iter_mut().skip(1) {
            *later = later.trim_start_matches("TLS ").to_owned();
        }
    }
    crate::texts::and_list(&spoken, and)
}

/// What the probe could not see when only TLS 1.1 was seen accepted (TLS 1.0 was never offered alone).
fn unseen_tls10(versions: &[String]) -> bool {
    versions.iter().any(|v| v == TLS11) && !versions.iter().any(|v| v == TLS10)
}

/// The English texts of a depth finding.
pub fn english(kind: &FindingKind) -> Texts {
    use FindingKind::*;
    match kind {
        TlsLegacyOnly { ip, error, versions } if !versions.is_empty() => {
            let only = list(versions, "and");
            let untested = if unseen_tls10(versions) { " Whether it also takes TLS 1.0 was not tested." } else { "" };
            s(&format!("Only {only}"), format!("{ip} refused TLS 1.2 and 1.3 ({error}) and accepted {only} on an extra connection.{untested} Modern senders then deliver in plaintext or not at all; RFC 8996 deprecates TLS 1.0 and 1.1.", error = crate::texts::library_message(error, crate::model::lang::Lang::En)), "Enable TLS 1.2 and 1.3 on the mail server (Postfix: smtpd_tls_protocols = >=TLSv1.2 with a current OpenSSL) and disable the old versions.")
        }
        TlsLegacyOnly { ip, error, .. } => s("Only outdated TLS versions", format!("{ip} speaks only TLS versions older than 1.2 ({error}); modern senders fall back to plaintext or do not deliver (RFC 8996 deprecates TLS 1.0 and 1.1).", error = crate::texts::library_message(error, crate::model::lang::Lang::En)), "Enable TLS 1.2 and 1.3 on the mail server (Postfix: smtpd_tls_protocols = >=TLSv1.2 with a current OpenSSL)."),
        TlsLegacyAccepted { ip, versions } => {
            let old = list(versions, "and");
            let untested = if unseen_tls10(versions) { " Whether it also takes TLS 1.0 was not tested." } else { "" };
            s(&format!("Accepts deprecated {old}"), format!("{ip} completed a ServerHello for {old} on an extra connection.{untested} RFC 8996 deprecates TLS 1.0 and 1.1: a sender or attacker can push a session down to them."), "Accept only TLS 1.2 and newer (Postfix: smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2).")
        }
        TlsLegacyNotTested { ip, reason, why } => s("TLS 1.0/1.1 not tested", format!("Whether {ip} still accepts TLS 1.0 or 1.1 was not tested ({reason}).", reason = crate::texts::failures::explain(why.as_ref().map(|w| w.text(crate::model::lang::Lang::En)), reason, crate::model::lang::Lang::En)), "Run the check again; if it stays untested, check the server's logs for the extra connection."),
        PtrMissing { ip, detail, failure } => s("No reverse DNS (PTR)", format!("{ip} has no PTR record ({detail}). Mail to it still arrives, but many receivers reject or score mail sent FROM an address without reverse DNS, and this host likely sends mail too.", detail = crate::texts::failures::lookup_why(failure.as_ref(), detail, crate::model::lang::Lang::En)), "Ask whoever runs the address block (hosting provider, ISP) to set a PTR record naming the mail host, e.g. the MX name, which in turn resolves to this address."),
        PtrNotConfirmed { ip, names } => s("Reverse DNS not forward-confirmed", format!("The PTR name of {ip} ({names}) does not resolve back to it. Large receivers require forward-confirmed reverse DNS (FCrDNS) from sending hosts and reject or score mail otherwise."), "Add an A/AAAA record for the PTR name pointing to this address, or change the PTR to a name that does."),
        ReverseDnsNotTested { ip, reason, failure } => s("Reverse DNS not tested", format!("The reverse DNS of {ip} could not be checked, because the lookup failed: {reason}.", reason = crate::texts::failures::lookup_why(failure.as_ref(), reason, crate::model::lang::Lang::En)), "Run the check again; if it keeps failing, check the reverse zone's name servers (the address owner's)."),
        NameNotPtr { ip, step, name, ptr } => {
            let step = if step == "greeting" { "greeting" } else { step.as_str() };
            s("Host name differs from the reverse DNS", format!("{ip} names itself {name} in its {step}, but its PTR is {ptr}. This is cosmetic for mail to it; when the host sends with this name as HELO, some filters score the mismatch."), "Use one name: set the mail server's host name (Postfix: myhostname) to the PTR name, or the PTR to the server's name, with A/AAAA records that match.")
        }
        DnsblListed { ip, zone, codes, reason } => {
            let why = if reason.is_empty() { String::new() } else { format!(" Reason given: \"{reason}\".") };
            s("Address on a blocklist", format!("{ip} is listed on {zone} (answer {codes}).{why} Mail to it still arrives, but receivers that use this list reject mail sent FROM it."), "Find and stop the cause (compromised account or machine, open relay, spam from the network), then request removal on the list's website; the TXT reason usually links its lookup and delisting page.")
        }
        DnsblNotTested { ip, zone, reason, problem } => s("Blocklist not tested", format!("Whether {ip} is on {zone} was not tested ({reason}).", reason = crate::texts::failures::dnsbl_why(problem.as_ref(), reason, crate::model::lang::Lang::En)), "Query the list through a resolver it answers (many lists refuse public resolvers; zen.spamhaus.org needs your own recursive resolver or a data query key), e.g. with --resolver."),
        _ => unreachable_texts(kind),
    }
}

/// The German texts of a depth finding.
pub fn german(kind: &FindingKind) -> Texts {
    use FindingKind::*;
    match kind {
        TlsLegacyOnly { ip, error, versions } if !versions.is_empty() => {
            let only = list(versions, "und");
            let untested = if unseen_tls10(versions) { " Ob er auch TLS 1.0 annimmt, wurde nicht getestet." } else { "" };
            s(&format!("Nur {only}"), format!("{ip} lehnte TLS 1.2 und 1.3 ab ({error}) und nahm über eine zusätzliche Verbindung {only} an.{untested} Moderne Absender stellen dann im Klartext oder gar nicht zu; RFC 8996 erklärt TLS 1.0 und 1.1 für veraltet.", error = crate::texts::library_message(error, crate::model::lang::Lang::De)), "TLS 1.2 und 1.3 am Mailserver aktivieren (Postfix: smtpd_tls_protocols = >=TLSv1.2 mit aktuellem OpenSSL) und die alten Versionen abschalten.")
        }
        TlsLegacyOnly { ip, error, .. } => s("Nur veraltete TLS-Versionen", format!("{ip} spricht nur TLS-Versionen älter als 1.2 ({error}); moderne Absender weichen auf Klartext aus oder stellen nicht zu (RFC 8996 erklärt TLS 1.0 und 1.1 für veraltet).", error = crate::texts::library_message(error, crate::model::lang::Lang::De)), "TLS 1.2 und 1.3 am Mailserver aktivieren (Postfix: smtpd_tls_protocols = >=TLSv1.2 mit aktuellem OpenSSL)."),
        TlsLegacyAccepted { ip, versions } => {
            let old = list(versions, "und");
            let untested = if unseen_tls10(versions) { " Ob er auch TLS 1.0 annimmt, wurde nicht getestet." } else { "" };
            s(&format!("Nimmt veraltetes {old} an"), format!("{ip} antwortete über eine zusätzliche Verbindung mit einem ServerHello für {old}.{untested} RFC 8996 erklärt TLS 1.0 und 1.1 für veraltet: Absender oder Angreifer können eine Sitzung darauf herabstufen."), "Nur TLS 1.2 und neuer annehmen (Postfix: smtpd_tls_protocols = >=TLSv1.2 und smtpd_tls_mandatory_protocols = >=TLSv1.2).")
        }
        TlsLegacyNotTested { ip, reason, why } => s("TLS 1.0/1.1 nicht getestet", format!("Ob {ip} noch TLS 1.0 oder 1.1 annimmt, wurde nicht getestet ({reason}).", reason = crate::texts::failures::explain(why.as_ref().map(|w| w.text(crate::model::lang::Lang::De)), reason, crate::model::lang::Lang::De)), "Die Prüfung wiederholen; bleibt es ungetestet, die Logs des Servers zur zusätzlichen Verbindung prüfen."),
        PtrMissing { ip, detail, failure } => s("Kein Reverse-DNS (PTR)", format!("{ip} hat keinen PTR-Eintrag ({detail}). Mail an ihn kommt an, aber viele Empfänger lehnen Mail VON Adressen ohne Reverse-DNS ab oder werten sie ab, und dieser Host versendet wahrscheinlich auch.", detail = crate::texts::failures::lookup_why(failure.as_ref(), detail, crate::model::lang::Lang::De)), "Beim Betreiber des Adressblocks (Hoster, Provider) einen PTR-Eintrag auf den Namen des Mailhosts setzen lassen, z. B. den MX-Namen, der wiederum auf diese Adresse zeigt."),
        PtrNotConfirmed { ip, names } => s("Reverse-DNS nicht vorwärts bestätigt", format!("Der PTR-Name von {ip} ({names}) löst nicht zurück auf diese Adresse auf. Große Empfänger verlangen von sendenden Hosts vorwärts bestätigtes Reverse-DNS (FCrDNS) und lehnen sonst ab oder werten ab."), "Einen A/AAAA-Eintrag für den PTR-Namen auf diese Adresse anlegen oder den PTR auf einen Namen ändern, der das tut."),
        ReverseDnsNotTested { ip, reason, failure } => s("Reverse-DNS nicht getestet", format!("Das Reverse-DNS von {ip} ließ sich nicht prüfen, weil die Abfrage scheiterte: {reason}.", reason = crate::texts::failures::lookup_why(failure.as_ref(), reason, crate::model::lang::Lang::De)), "Die Prüfung wiederholen; scheitert sie weiter, die Nameserver der Reverse-Zone (des Adressinhabers) prüfen."),
        NameNotPtr { ip, step, name, ptr } => {
            let step = if step == "greeting" { "der Begrüßung" } else { step.as_str() };
            s("Hostname weicht vom Reverse-DNS ab", format!("{ip} nennt sich in {step} {name}, sein PTR ist aber {ptr}. Für Mail an ihn ist das kosmetisch; sendet der Host mit diesem Namen als HELO, werten manche Filter die Abweichung ab."), "Einen Namen verwenden: den Hostnamen des Mailservers (Postfix: myhostname) auf den PTR-Namen setzen oder den PTR auf den Servernamen, mit passenden A/AAAA-Einträgen.")
        }
        DnsblListed { ip, zone, codes, reason } => {
            let why = if reason.is_empty() { String::new() } else { format!(" Angegebener Grund: \"{reason}\".") };
            s("Adresse auf einer Blockliste", format!("{ip} steht auf {zone} (Antwort {codes}).{why} Mail an ihn kommt an, aber Empfänger, die diese Liste nutzen, lehnen Mail VON ihm ab."), "Die Ursache finden und abstellen (kompromittiertes Konto oder Gerät, offenes Relay, Spam aus dem Netz), dann auf der Website der Liste die Entfernung beantragen; der TXT-Grund verweist meist auf deren Abfrage- und Austragungsseite.")
        }
        DnsblNotTested { ip, zone, reason, problem } => s("Blockliste nicht getestet", format!("Ob {ip} auf {zone} steht, wurde nicht getestet ({reason}).", reason = crate::texts::failures::dnsbl_why(problem.as_ref(), reason, crate::model::lang::Lang::De)), "Die Liste über einen Resolver abfragen, dem sie antwortet (viele Listen lehnen öffentliche Resolver ab; zen.spamhaus.org braucht einen eigenen rekursiven Resolver oder einen Data-Query-Schlüssel), z. B. mit --resolver."),
        _ => unreachable_texts(kind),
    }
}

/// `findings` only hands the depth kinds here; any other kind gets its code as every text.
fn unreachable_texts(kind: &FindingKind) -> Texts {
    let code = kind.code().to_owned();
    (code.clone(), code.clone(), code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lang::Lang;

    #[test]
    fn a_legacy_only_server_is_named_by_its_version() {
        let only = |v: &[&str]| FindingKind::TlsLegacyOnly {
            ip: "192.0.2.1".into(),
            error: "received fatal alert: ProtocolVersion".into(),
            versions: v.iter().map(|v| v.to_string()).collect(),
        };
        assert_eq!(only(&[TLS10]).texts(Lang::En).title, "Only TLS 1.0");
        assert_eq!(only(&[TLS10, TLS11]).texts(Lang::En).title, "Only TLS 1.0 and 1.1");
        assert_eq!(only(&[TLS10]).texts(Lang::De).title, "Nur TLS 1.0");
        assert!(only(&[TLS11]).texts(Lang::En).detail.contains("TLS 1.0 was not tested"));
        assert_eq!(only(&[]).texts(Lang::En).title, "Only outdated TLS versions");
        assert_eq!(only(&[TLS10]).severity(), crate::Severity::Critical);
    }

    /// One JSON sample of every depth finding: the code is the serde tag, and both languages differ.
    #[test]
    fn codes_match_the_serde_tags_and_both_languages_exist() {
        let samples = [
            r#"{"code":"tls_legacy_only","ip":"x","error":"x"}"#,
            r#"{"code":"tls_legacy_accepted","ip":"x","versions":["TLSv1.0"]}"#,
            r#"{"code":"tls_legacy_not_tested","ip":"x","reason":"x"}"#,
            r#"{"code":"ptr_missing","ip":"x","detail":"x"}"#,
            r#"{"code":"ptr_not_confirmed","ip":"x","names":"x"}"#,
            r#"{"code":"reverse_dns_not_tested","ip":"x","reason":"x"}"#,
            r#"{"code":"name_not_ptr","ip":"x","step":"EHLO","name":"x","ptr":"y"}"#,
            r#"{"code":"dnsbl_listed","ip":"x","zone":"x","codes":"127.0.0.2","reason":"x"}"#,
            r#"{"code":"dnsbl_not_tested","ip":"x","zone":"x","reason":"x"}"#,
        ];
        for json in samples {
            let kind: FindingKind = serde_json::from_str(json).expect(json);
            assert_eq!(serde_json::to_value(&kind).unwrap()["code"], kind.code(), "{json}");
            let (en, de) = (kind.texts(Lang::En), kind.texts(Lang::De));
            assert_ne!(en.title, kind.code(), "{json} has its own texts");
            assert_ne!((en.title, en.remedy), (de.title, de.remedy), "{json}");
        }
    }
}
