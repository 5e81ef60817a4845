//! Title, detail and remedy of the session findings (relay bypass forms, AUTH in plaintext, the
//! submission ports, a 421 that closed the session) in English and German; `findings` hands these kinds here so its catalogue stays
//! one exhaustive match.

use crate::findings::FindingKind;
use crate::i18n::{pick, Lang};

/// The texts of one session finding in `lang` (other kinds give empty texts; `findings` never
/// passes them).
pub(crate) fn texts(kind: &FindingKind, lang: Lang) -> (String, String, String) {
    let s = |title: (&str, &str), detail: String, remedy: (&str, &str)| {
        (pick(lang, title.0, title.1).to_owned(), detail, pick(lang, remedy.0, remedy.1).to_owned())
    };
    match kind {
        FindingKind::RelayBypassAccepted { ip, forms } => {
            let seen: Vec<String> =
                forms.iter().map(|f| format!("{} ({})", f.form.label(lang), f.summary(lang))).collect();
            let seen = seen.join("; ");
            s(
                ("Accepts routing addresses; may relay", "Nimmt Routing-Adressen an; relayt vielleicht"),
                pick(
                    lang,
                    format!("{ip} refused plain relaying but accepted addresses with routing in them: {seen}. Old MTAs deliver such addresses to the outside domain, so the server may still relay; a 250 alone does not prove it (a catch-all takes anything)."),
                    format!("{ip} lehnte einfaches Relaying ab, nahm aber Adressen mit Routing darin an: {seen}. Alte MTAs stellen solche Adressen an die fremde Domain zu, der Server relayt also vielleicht doch; ein 250 allein beweist es nicht (ein Catch-all nimmt alles an)."),
                ),
                (
                    "Verify with a delivery test to a mailbox you control outside the domain; refuse such addresses at RCPT (Postfix: allow_percent_hack = no, swap_bangpath = no and reject_unauth_destination; Sendmail: FEATURE(`nouucp') and no loose relay check).",
                    "Mit einem Zustelltest an ein eigenes Postfach außerhalb der Domain prüfen; solche Adressen bei RCPT ablehnen (Postfix: allow_percent_hack = no, swap_bangpath = no und reject_unauth_destination; Sendmail: FEATURE(`nouucp') und kein loser Relay-Check).",
                ),
            )
        }
        FindingKind::AuthInPlaintext { ip, port, mechanisms } => s(
            ("Login offered without encryption", "Anmeldung ohne Verschlüsselung angeboten"),
            pick(
                lang,
                format!("{ip} port {port} offers AUTH {} before STARTTLS: a client that logs in there sends its password readable by anyone on the path (RFC 4954 §4 asks for TLS first).", mechanisms.join(" ")),
                format!("{ip} Port {port} bietet AUTH {} vor STARTTLS an: ein Client, der sich dort anmeldet, sendet sein Passwort für jeden auf dem Weg lesbar (RFC 4954 §4 verlangt zuerst TLS).", mechanisms.join(" ")),
            ),
            (
                "Offer AUTH only inside TLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}).",
                "AUTH nur innerhalb von TLS anbieten (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}).",
            ),
        ),
        FindingKind::PortNotServing { ip, port, detail } => s(
            ("Submission port gives no SMTP session", "Einlieferungsport liefert keine SMTP-Sitzung"),
            pick(
                lang,
                format!("{ip} port {port}: {detail}. Mail clients submit on 587 (STARTTLS) or 465 (implicit TLS, RFC 8314); nothing is wrong if this host takes no submissions."),
                format!("{ip} Port {port}: {detail}. Mailprogramme liefern auf 587 (STARTTLS) oder 465 (TLS von Beginn an, RFC 8314) ein; das ist in Ordnung, wenn dieser Host keine Einlieferungen annimmt."),
            ),
            (
                "If users submit mail here, let the server listen on the port (Postfix: the submission or submissions service in master.cf) and open it in the firewall.",
                "Wenn Nutzer hier einliefern, den Server auf dem Port lauschen lassen (Postfix: Dienst submission oder submissions in master.cf) und ihn in der Firewall öffnen.",
            ),
        ),
        FindingKind::PortTlsFailed { ip, port, detail } => s(
            ("TLS fails on a submission port", "TLS scheitert auf einem Einlieferungsport"),
            pick(
                lang,
                format!("{ip} port {port}: {detail}. Mail clients need TLS there (RFC 8314) and will not log in without it."),
                format!("{ip} Port {port}: {detail}. Mailprogramme brauchen dort TLS (RFC 8314) und melden sich ohne es nicht an."),
            ),
            (
                "Configure TLS with a certificate for the host name on this port (Postfix: smtpd_tls_security_level = encrypt on 587, smtpd_tls_wrappermode = yes on 465).",
                "TLS mit einem Zertifikat für den Hostnamen auf diesem Port einrichten (Postfix: smtpd_tls_security_level = encrypt auf 587, smtpd_tls_wrappermode = yes auf 465).",
            ),
        ),
        FindingKind::SubmissionNoAuth { ip, port } => s(
            ("Submission port offers no login", "Einlieferungsport bietet keine Anmeldung"),
            pick(
                lang,
                format!("{ip} port {port} offers no AUTH inside TLS, so mail clients cannot log in to submit mail (RFC 6409 §4.3)."),
                format!("{ip} Port {port} bietet innerhalb von TLS kein AUTH an, Mailprogramme können sich zum Einliefern also nicht anmelden (RFC 6409 §4.3)."),
            ),
            (
                "Enable SASL authentication on the port (Postfix: -o smtpd_sasl_auth_enable=yes for the submission service), or close the port if nobody submits here.",
                "SASL-Anmeldung auf dem Port einschalten (Postfix: -o smtpd_sasl_auth_enable=yes für den Dienst submission) oder den Port schließen, wenn hier niemand einliefert.",
            ),
        ),
        FindingKind::ServerClosed { ip, command, reply } => {
            let (en, de) = if command == "greeting" {
                ("the greeting of a new connection", "die Begrüßung einer neuen Verbindung")
            } else {
                (command.as_str(), command.as_str())
            };
            s(
                ("The server closed the session", "Der Server beendete die Sitzung"),
                pick(
                    lang,
                    format!("{ip} answered {en} with \"{reply}\": a 421 means the server is closing the session (RFC 5321 §3.8), which it may do at any command, so what comes after it was not tested."),
                    format!("{ip} beantwortete {de} mit \"{reply}\": ein 421 heißt, dass der Server die Sitzung beendet (RFC 5321 §3.8), was er bei jedem Kommando darf; was danach kommt, ließ sich daher nicht testen."),
                ),
                (
                    "Run the check again later; if every try ends like this, check the server's load and its connection and rate limits: senders get the same 421 and try again later.",
                    "Den Test später wiederholen; endet jeder Versuch so, Last sowie Verbindungs- und Ratenbegrenzungen des Servers prüfen: Absender bekommen dasselbe 421 und versuchen es später erneut.",
                ),
            )
        }
        _ => (String::new(), String::new(), String::new()),
    }
}
