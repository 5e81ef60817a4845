//! Title, detail and remedy of the session findings (relay bypass forms, the forged local sender,
//! coming back after postscreen, AUTH in plaintext, the submission ports, a greeting that did not come
//! in time, a 421 that closed the session) in English and German; `findings` hands these kinds here so its catalogue stays
//! one exhaustive match.

use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::model::report::RevisitReason;
use crate::texts::pick;

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
        FindingKind::AuthInPlaintext { ip, port, mechanisms } => {
            let readable: Vec<&str> = mechanisms
                .iter()
                .map(String::as_str)
                .filter(|m| crate::checks::ehlo::sends_password_readably(m))
                .collect();
            let (all, readable) = (mechanisms.join(" "), readable.join(", "));
            let detail = match (lang, readable.is_empty()) {
                (Lang::En, false) => format!("{ip} port {port} offers AUTH {all} before STARTTLS: with {readable} a client that logs in there sends its password readable by anyone on the path (RFC 4954 §4 asks for TLS first)."),
                (Lang::De, false) => format!("{ip} Port {port} bietet AUTH {all} vor STARTTLS an: mit {readable} sendet ein Client, der sich dort anmeldet, sein Passwort für jeden auf dem Weg lesbar (RFC 4954 §4 verlangt zuerst TLS)."),
                (Lang::En, true) => format!("{ip} port {port} offers AUTH {all} before STARTTLS. These mechanisms send no password readable (challenge-response or Kerberos), but whoever listens sees the login exchange (CRAM-MD5, DIGEST-MD5 and NTLM answers can be guessed offline against weak passwords) and everything after it."),
                (Lang::De, true) => format!("{ip} Port {port} bietet AUTH {all} vor STARTTLS an. Diese Verfahren senden kein Passwort lesbar (Challenge-Response oder Kerberos), wer mithört, sieht aber den Anmeldeaustausch (Antworten von CRAM-MD5, DIGEST-MD5 und NTLM lassen sich offline gegen schwache Passwörter raten) und alles danach."),
            };
            let title = if readable.is_empty() {
                ("Login offered before encryption (no password readable)", "Anmeldung vor der Verschlüsselung angeboten (kein Passwort lesbar)")
            } else {
                ("Login offered without encryption", "Anmeldung ohne Verschlüsselung angeboten")
            };
            s(
                title,
                detail,
                (
                    "Offer AUTH only inside TLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}).",
                    "AUTH nur innerhalb von TLS anbieten (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}).",
                ),
            )
        }
        FindingKind::OpenRelayLocalSender { ip, domain, sender, reply } => (
            pick(
                lang,
                format!("Open relay for mail that claims to come from {domain}"),
                format!("Offenes Relay für Mail, die angeblich von {domain} kommt"),
            ),
            pick(
                lang,
                format!("{ip} refused to relay for an outside sender, but accepted the outside recipient when MAIL FROM was <{sender}>: \"{reply}\". Anyone can put that sender on mail; spammers forge exactly such senders, so the server relays their mail and ends up on blocklists. mxray never sends DATA: a gateway might still refuse at the end of the data, but accepting the recipient is already the hole."),
                format!("{ip} lehnte Relaying für einen fremden Absender ab, nahm den externen Empfänger aber an, als MAIL FROM <{sender}> lautete: \"{reply}\". Diesen Absender kann jeder in eine Mail schreiben; Spammer fälschen genau solche Absender, der Server leitet ihre Mail also weiter und landet auf Blocklisten. mxray sendet nie DATA: ein Gateway lehnt vielleicht erst nach den Daten ab, doch schon die Annahme des Empfängers ist die Lücke."),
            ),
            pick(
                lang,
                "Never let the sender address decide about relaying: anyone can forge it. Postfix: put reject_unauth_destination (or defer_unauth_destination) before any sender-based permit such as check_sender_access … OK in smtpd_relay_restrictions and smtpd_recipient_restrictions; Sendmail: remove FEATURE(`relay_local_from'); other servers: drop allow lists of sender domains. Let your own users send through authenticated submission instead (port 587 with SASL).",
                "Die Absenderadresse darf nie über Relaying entscheiden: jeder kann sie fälschen. Postfix: reject_unauth_destination (oder defer_unauth_destination) vor jede absenderbasierte Erlaubnis wie check_sender_access … OK in smtpd_relay_restrictions und smtpd_recipient_restrictions setzen; Sendmail: FEATURE(`relay_local_from') entfernen; andere Server: Freigabelisten für Absenderdomains streichen. Eigene Nutzer stattdessen über die angemeldete Einlieferung senden lassen (Port 587 mit SASL).",
            )
            .to_owned(),
        ),
        FindingKind::RelayRevisited { ip, reason, reply, error, failure } => {
            let error =
                crate::texts::failures::with_detail(failure.as_ref().map(|f| f.text(lang)), error.as_deref(), lang);
            let why = match reason {
                RevisitReason::PostscreenReply => pick(lang, "in postscreen's own wording", "in postscreens eigenem Wortlaut"),
                RevisitReason::MultiLineGreeting => pick(
                    lang,
                    "after a greeting in several lines (220- first), as postscreen's greet banner sends it",
                    "nach einer mehrzeiligen Begrüßung (zuerst 220-), wie sie das Greet-Banner von postscreen sendet",
                ),
            };
            let seen = pick(
                lang,
                format!("{ip} answered the first connection's relay probe with the temporary \"{reply}\" {why}. Postfix postscreen answers a new client so and passes it on to the real mail server only on its next connection, so mxray came back once on a new connection"),
                format!("{ip} beantwortete den Relay-Test der ersten Verbindung mit dem vorübergehenden \"{reply}\" {why}. Postfix postscreen antwortet einem neuen Client so und reicht ihn erst bei seiner nächsten Verbindung an den echten Mailserver weiter, daher kam mxray einmal mit einer neuen Verbindung wieder"),
            );
            match error {
                None => s(
                    ("Came back once for the relay probe (postscreen)", "Für den Relay-Test einmal wiedergekommen (postscreen)"),
                    pick(lang, format!("{seen}; the relay verdict is from there."), format!("{seen}; das Relay-Urteil stammt von dort.")),
                    (
                        "Nothing to do: senders that retry, as every real mail server does, get through. postscreen's tests after the 220 (postscreen_pipelining_enable, postscreen_non_smtp_command_enable, postscreen_bare_newline_enable) delay every new sender's first mail like this; keep them only if that delay is acceptable.",
                        "Nichts zu tun: Absender, die es erneut versuchen, wie jeder echte Mailserver, kommen durch. Die Tests von postscreen nach der 220 (postscreen_pipelining_enable, postscreen_non_smtp_command_enable, postscreen_bare_newline_enable) verzögern so die erste Mail jedes neuen Absenders; nur behalten, wenn diese Verzögerung hinnehmbar ist.",
                    ),
                ),
                Some(error) => s(
                    ("Came back for the relay probe, without a verdict", "Für den Relay-Test wiedergekommen, ohne Urteil"),
                    pick(
                        lang,
                        format!("{seen}, but that gave no relay verdict: {error}. The verdict is the first connection's."),
                        format!("{seen}, die aber kein Relay-Urteil ergab: {error}. Das Urteil ist das der ersten Verbindung."),
                    ),
                    (
                        "Run the test again: postscreen remembers a client that passed its tests, so the next run talks to the real mail server.",
                        "Den Test wiederholen: postscreen merkt sich einen Client, der seine Tests bestanden hat, der nächste Lauf spricht also mit dem echten Mailserver.",
                    ),
                ),
            }
        }
        FindingKind::PortNotServing { ip, port, detail } => s(
            ("Submission port gives no SMTP session", "Einlieferungsport liefert keine SMTP-Sitzung"),
            pick(
                lang,
                format!("{ip} port {port}: {detail}. Mail clients submit on 587 (STARTTLS) or 465 (implicit TLS, RFC 8314); nothing is wrong if this host takes no submissions.", detail = crate::texts::library_message(detail, Lang::En)),
                format!("{ip} Port {port}: {detail}. Mailprogramme liefern auf 587 (STARTTLS) oder 465 (TLS von Beginn an, RFC 8314) ein; das ist in Ordnung, wenn dieser Host keine Einlieferungen annimmt.", detail = crate::texts::library_message(detail, Lang::De)),
            ),
            (
                "If users submit mail here, let the server listen on the port (Postfix: the submission or submissions service in master.cf) and open it in the firewall.",
                "Wenn Nutzer hier einliefern, den Server auf dem Port lauschen lassen (Postfix: Dienst submission oder submissions in master.cf) und ihn in der Firewall öffnen.",
            ),
        ),
        FindingKind::PortTlsFailed { ip, port, detail, problem } => s(
            ("TLS fails on a submission port", "TLS scheitert auf einem Einlieferungsport"),
            pick(
                lang,
                format!("{ip} port {port}: {detail}. Mail clients need TLS there (RFC 8314) and will not log in without it.", detail = crate::texts::failures::explain(problem.as_ref().map(|p| p.text(Lang::En)), detail, Lang::En)),
                format!("{ip} Port {port}: {detail}. Mailprogramme brauchen dort TLS (RFC 8314) und melden sich ohne es nicht an.", detail = crate::texts::failures::explain(problem.as_ref().map(|p| p.text(Lang::De)), detail, Lang::De)),
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
        FindingKind::GreetingTimeout { ip, waited_secs } => (
            pick(lang, format!("No greeting within {waited_secs} s"), format!("Keine Begrüßung innerhalb von {waited_secs} s")),
            pick(
                lang,
                format!("{ip} accepted the connection but sent no complete greeting within {waited_secs} s. Senders wait up to 5 minutes for it (RFC 5321 §4.5.3.2.1), so mail may still arrive; the rest of the session was not tested."),
                format!("{ip} nahm die Verbindung an, sandte aber innerhalb von {waited_secs} s keine vollständige Begrüßung. Absender warten bis zu 5 Minuten darauf (RFC 5321 §4.5.3.2.1), Mail kann also trotzdem ankommen; der Rest der Sitzung wurde nicht getestet."),
            ),
            pick(
                lang,
                "If the delay is on purpose (postscreen, an Exim delay ACL, a tarpit), keep it well under 5 minutes; to wait as long as senders do, run mxray with --greeting-timeout-secs 300 and --deadline-secs above it.",
                "Ist die Verzögerung gewollt (postscreen, eine Exim-delay-ACL, ein Tarpit), sie deutlich unter 5 Minuten halten; um so lange wie Absender zu warten, mxray mit --greeting-timeout-secs 300 und einem höheren --deadline-secs starten.",
            )
            .to_owned(),
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
