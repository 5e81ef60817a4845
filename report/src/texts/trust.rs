//! Title, detail and remedy of the findings about whom senders trust (a DANE-TA match that senders
//! still reject, DANE not in force, an out-of-date intermediate nobody uses, an MX host MTA-STS
//! could not test) in English and German; `findings` hands these kinds here so its catalogue stays
//! one exhaustive match.

use crate::model::dane::{NotInForce, TaProblem};
use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::model::policy::StsMode;
use crate::texts::pick;

/// The texts of one of these findings in `lang` (other kinds give empty texts; `findings` never
/// passes them).
pub(crate) fn texts(kind: &FindingKind, lang: Lang) -> (String, String, String) {
    let s =
        |title: (&str, &str), detail: String, remedy: String| (pick(lang, title.0, title.1).to_owned(), detail, remedy);
    match kind {
        FindingKind::DaneTaRejected { ip, record, problems } => {
            let seen: Vec<String> = problems.iter().map(|p| p.text(lang)).collect();
            let seen = seen.join("; ");
            s(
                (
                    "DANE-TA matches the issuer, but senders reject the certificate",
                    "DANE-TA passt zum Aussteller, Absender lehnen das Zertifikat aber ab",
                ),
                pick(
                    lang,
                    format!("{ip} sent the CA certificate named by the DNSSEC-signed DANE-TA record {record}, but {seen}. DANE-TA vouches only for the issuer: DANE senders (Postfix, Exim) still check the certificate's name and dates (RFC 7672 §3.1.2, §3.2.3) and defer mail to this host."),
                    format!("{ip} sandte das CA-Zertifikat, das der DNSSEC-signierte DANE-TA-Eintrag {record} nennt, aber {seen}. DANE-TA bürgt nur für den Aussteller: DANE-Absender (Postfix, Exim) prüfen Namen und Laufzeit des Zertifikats weiterhin (RFC 7672 §3.1.2, §3.2.3) und halten Mail an diesen Host zurück."),
                ),
                ta_remedy(problems, lang),
            )
        }
        FindingKind::DaneNotInForce { host, reason: NotInForce::InsecureCname { cname } } => s(
            (
                "DANE not in force: the TLSA records sit behind an unsigned CNAME",
                "DANE nicht in Kraft: die TLSA-Einträge liegen hinter einem unsignierten CNAME",
            ),
            pick(
                lang,
                format!("The TLSA lookup for _25._tcp.{host} goes through the CNAME {cname}, which is not DNSSEC-signed; RFC 7672 §2.2 counts TLSA records only when every step to them validates, so senders ignore them and fall back to opportunistic TLS."),
                format!("Die TLSA-Abfrage für _25._tcp.{host} führt über den CNAME {cname}, der nicht mit DNSSEC signiert ist; RFC 7672 §2.2 zählt TLSA-Einträge nur, wenn jeder Schritt dorthin validiert, Absender ignorieren sie also und nutzen TLS nur opportunistisch."),
            ),
            pick(
                lang,
                format!("Sign the zone that holds {cname} and publish its DS record at the parent, or publish the TLSA records directly at _25._tcp.{host}."),
                format!("Die Zone mit {cname} signieren und ihren DS-Eintrag bei der übergeordneten Zone veröffentlichen, oder die TLSA-Einträge direkt unter _25._tcp.{host} veröffentlichen."),
            ),
        ),
        FindingKind::DaneNotInForce { host, reason: NotInForce::InsecureAddresses } => s(
            (
                "DANE not in force: the MX host's addresses are not signed",
                "DANE nicht in Kraft: die Adressen des MX-Hosts sind nicht signiert",
            ),
            pick(
                lang,
                format!("_25._tcp.{host} has DNSSEC-signed TLSA records, but the A/AAAA records of {host} (or a CNAME leading to them) are not signed; RFC 7672 §2.2.2 has senders skip the TLSA lookup then, so DANE does not protect mail to this host."),
                format!("_25._tcp.{host} hat DNSSEC-signierte TLSA-Einträge, aber die A/AAAA-Einträge von {host} (oder ein CNAME dorthin) sind nicht signiert; laut RFC 7672 §2.2.2 fragen Absender dann gar nicht nach TLSA, DANE schützt die Mail an diesen Host also nicht."),
            ),
            pick(
                lang,
                "Sign the zone of the host's address records (and of any CNAME target) and publish its DS record at the parent, or point the MX at a host name in a signed zone.".to_owned(),
                "Die Zone der Adress-Einträge des Hosts (und jedes CNAME-Ziels) signieren und ihren DS-Eintrag bei der übergeordneten Zone veröffentlichen, oder den MX auf einen Hostnamen in einer signierten Zone zeigen lassen.".to_owned(),
            ),
        ),
        FindingKind::CertificateIntermediateUnused { subject, not_before, not_after } => s(
            ("Out-of-date intermediate sent, but not used", "Veraltetes Zwischenzertifikat mitgesandt, aber ungenutzt"),
            pick(
                lang,
                format!("The server sends {subject} (valid from {not_before} to {not_after}) with its chain, but the chain verifies to a trusted root without it, so senders that validate certificates ignore it (an old cross-signed certificate, as when AddTrust expired in 2020)."),
                format!("Der Server sendet {subject} (gültig von {not_before} bis {not_after}) mit seiner Kette, die Kette führt aber auch ohne es zu einer vertrauenswürdigen Wurzel; Absender, die Zertifikate prüfen, übergehen es (ein altes Cross-Zertifikat, wie beim Ablauf von AddTrust 2020)."),
            ),
            pick(
                lang,
                "Remove it from the chain file and reload the mail server: a client that builds its path through it anyway (older OpenSSL and GnuTLS did) still fails.".to_owned(),
                "Es aus der Kettendatei entfernen und den Mailserver neu laden: ein Client, der seinen Pfad trotzdem darüber baut (ältere OpenSSL- und GnuTLS-Versionen taten das), scheitert sonst weiterhin.".to_owned(),
            ),
        ),
        FindingKind::MtaStsMxNotTested { host, reason, mode } => {
            let reason = reason.text(lang);
            let detail = match mode {
                StsMode::Enforce => pick(
                    lang,
                    format!("{host} matches the policy, but its TLS could not be tested: {reason}. In enforce mode senders that honour MTA-STS refuse it unless it offers STARTTLS with a valid certificate, and that could not be checked from here."),
                    format!("{host} passt zur Policy, sein TLS ließ sich aber nicht testen: {reason}. Im Modus enforce stellen Absender, die MTA-STS beachten, dort nur mit STARTTLS und gültigem Zertifikat zu, und das ließ sich von hier nicht prüfen."),
                ),
                _ => pick(
                    lang,
                    format!("{host} matches the policy, but its TLS could not be tested: {reason}. In testing mode senders still deliver and only report failures."),
                    format!("{host} passt zur Policy, sein TLS ließ sich aber nicht testen: {reason}. Im Modus testing stellen Absender weiter zu und melden Fehler nur."),
                ),
            };
            s(
                ("MX host not tested against the MTA-STS policy", "MX-Host nicht gegen die MTA-STS-Policy getestet"),
                detail,
                pick(
                    lang,
                    "Run the check again once the host answers on port 25, or from a network that reaches it; every MX host of the policy needs STARTTLS with a certificate valid for its name.".to_owned(),
                    "Den Test wiederholen, sobald der Host auf Port 25 antwortet, oder aus einem Netz, das ihn erreicht; jeder MX-Host der Policy braucht STARTTLS mit einem für seinen Namen gültigen Zertifikat.".to_owned(),
                ),
            )
        }
        _ => (String::new(), String::new(), String::new()),
    }
}

/// What to do about a rejected DANE-TA match: one remedy per kind of problem.
fn ta_remedy(problems: &[TaProblem], lang: Lang) -> String {
    let name = problems.iter().any(|p| matches!(p, TaProblem::NameMismatch { .. }));
    let dates = problems.iter().any(|p| matches!(p, TaProblem::OutOfDate { .. }));
    let mut out = Vec::new();
    if name {
        out.push(pick(
            lang,
            "Install a certificate with the MX host name in its SAN.",
            "Ein Zertifikat mit dem MX-Hostnamen im SAN installieren.",
        ));
    }
    if dates {
        out.push(pick(
            lang,
            "Renew the certificate and send the chain the CA delivers with it, then reload the mail server.",
            "Das Zertifikat erneuern, die von der CA mitgelieferte Kette senden und den Mailserver neu laden.",
        ));
    }
    out.push(pick(
        lang,
        "Or publish a DANE-EE record (\"3 1 1\" with the SHA-256 of the server's public key): it pins the key, and DANE senders then ignore names and dates.",
        "Oder einen DANE-EE-Eintrag veröffentlichen (\"3 1 1\" mit dem SHA-256 des öffentlichen Schlüssels des Servers): er pinnt den Schlüssel, DANE-Absender ignorieren dann Namen und Laufzeit.",
    ));
    out.join(" ")
}
