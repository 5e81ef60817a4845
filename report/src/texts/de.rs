//! Every finding's title, detail and remedy in German: one exhaustive `match`.

use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::texts::{count, plural, seconds};

/// Which command went unanswered and how, after the reply before it (German).
fn unanswered(ip: &str, before: &str, u: &crate::model::report::Unanswered) -> String {
    use crate::model::report::NoAnswer;
    let command = &u.command;
    let what = match &u.cause {
        NoAnswer::Timeout { ms } => format!("gab innerhalb von {} keine Antwort auf {command}", seconds(*ms, Lang::De)),
        NoAnswer::Closed => format!("schloss die Verbindung bei {command}"),
        NoAnswer::Failed { detail } => format!(
            "brach den Austausch bei {command} ab ({detail})",
            detail = crate::texts::library_message(detail, Lang::De)
        ),
    };
    if command == "RCPT TO" && before.starts_with('2') {
        format!("{ip} nahm MAIL FROM an (\"{before}\") und {what}")
    } else {
        format!("{ip} {what}")
    }
}

/// What an inconclusive relay reply was about, and how to get a real answer (German).
fn relay_reason(reason: Option<crate::model::report::RelayReason>) -> (&'static str, &'static str) {
    use crate::model::report::RelayReason::*;
    match reason {
        Some(SenderRejected) => ("der Server lehnte den Absender des Tests ab, auch den leeren Absender", "mxray mit --relay-sender auf eine Adresse einer echten, eigenen Domain starten (und --helo-name auf den Namen dieses Hosts)."),
        Some(HeloRejected) => ("der Server lehnte den HELO-Namen des Tests ab", "mxray mit --helo-name auf den echten, auflösbaren Namen dieses Hosts starten."),
        Some(ClientRejected) => ("der Server lehnte die Adresse ab, von der mxray kommt (Blockliste oder Reverse-DNS)", "mxray von einem Host mit sauberer Adresse und Reverse-DNS-Namen starten."),
        Some(RecipientRejected) => ("der Server lehnte die Domain des externen Empfängers als nicht zustellbar ab", "mxray mit --relay-recipient auf ein echtes Postfach einer Domain außerhalb der getesteten starten, die Mail empfängt."),
        Some(Greylisted) => ("der Server nutzt Greylisting für neue Absender", "Den Test in einigen Minuten wiederholen, wenn die Greylisting-Frist vorbei ist."),
        Some(ProtocolError) => ("der Antwortcode ist für das Kommando nicht erlaubt", "Den Mailserver und SMTP-Proxys davor prüfen."),
        Some(TlsRequired) => ("der Server nimmt Mail nur über TLS an, und der Test lief im Klartext, weil TLS scheiterte", "Das oben gemeldete TLS-Problem beheben; dann läuft der Relay-Test innerhalb von TLS."),
        Some(NoReply) => ("es kam keine gültige Antwort", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
        Some(SameProvider) => ("die Domain des Relay-Empfängers wird vom selben Server oder Anbieter betreut wie diese Adresse, die Mail für sie also als eigene annehmen darf; das war kein Relay-Test", "mxray mit --relay-recipient auf ein Postfach einer Domain bei einem anderen Anbieter starten."),
        Some(RelayDenied) => ("der Server lehnte den Absender ab, bevor ein Empfänger genannt war (er verlangt für jede Mail eine Anmeldung), daher wurde kein externer Empfänger versucht", "Ist dieser Host ein MX, muss er MAIL FROM ohne Anmeldung auf Port 25 annehmen (RFC 5321); nimmt er nur Einlieferungen an, einen anderen Host als MX eintragen."),
        Some(RefusedUnstated) => ("der Server lehnte ohne Grund ab (kein Wort über Relaying, kein Statuscode, der den Grund nennt), das beweist nicht, dass er Relaying ablehnt", "Lehnt der Server Relaying ab, sollte er es sagen (Postfix: reject_unauth_destination antwortet \"Relay access denied\"); zur Sicherheit eine Testnachricht von einem Host außerhalb des eigenen Netzes über ihn an ein Postfach außerhalb der Domain schicken."),
        Some(RecipientUnknown) => ("der Bericht nennt den externen Empfänger unbekannt, enthält aber keine Antwort auf RCPT TO, die das sagt", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
        Some(ServerClosing) => ("der Server beendete die Sitzung (421), bevor der Test seine Antwort hatte", "Den Test später wiederholen; ein 421 heißt, dass der Server ausgelastet ist, herunterfährt oder Verbindungen begrenzt."),
        Some(Temporary) => ("ein vorübergehender Fehler", "Den Test später wiederholen; Greylisting und Ratenbegrenzungen geben vorübergehende Antworten."),
        Some(Accepted | AcceptedUnverified) | None => ("der Test endete, bevor der externe Empfänger eine Antwort bekam", "Den Test wiederholen; die Logs des Servers zu der Sitzung prüfen."),
    }
}

impl FindingKind {
    pub(super) fn german(&self) -> (String, String, String) {
        use FindingKind::*;
        let s = |a: &str, b: String, c: &str| (a.to_owned(), b, c.to_owned());
        match self {
            NullMx => s("Die Domain nimmt keine Mail an", "Sie veröffentlicht einen Null-MX (RFC 7505: MX 0 .); Absender weisen Mail sofort zurück.".into(), "Nichts zu tun, wenn die Domain keine Mail empfangen soll; sonst den Null-MX durch echte MX-Einträge ersetzen."),
            ImplicitMx => s("Keine MX-Einträge: die Adresse der Domain wird genutzt", "Ohne MX-Einträge nutzen Absender die A/AAAA-Einträge der Domain (RFC 5321 §5.1).".into(), "Einen MX-Eintrag für den Mailserver veröffentlichen, auch wenn es derselbe Host ist."),
            DomainNotFound => s("Die Domain existiert nicht", "DNS antwortete NXDOMAIN: niemand kann ihr Mail senden.".into(), "Schreibweise prüfen; falls es Ihre ist, Registrierung und Delegation an funktionierende Nameserver prüfen."),
            NoMailRecords => s("Die Domain hat weder MX- noch Adress-Einträge", "DNS kennt weder MX noch A/AAAA für sie, Mail kann nicht zugestellt werden.".into(), "Einen MX-Eintrag auf den Mailserver veröffentlichen, oder einen Null-MX (MX 0 .), wenn die Domain keine Mail empfängt."),
            DnsFailed { detail } => s("DNS-Abfrage fehlgeschlagen", format!("Der Resolver gab keine Antwort: {detail}.", detail = crate::texts::library_message(detail, Lang::De)), "Prüfen, ob die Nameserver der Domain antworten und DNSSEC, falls genutzt, gültig ist."),
            MxHostsCapped { skipped } => s("Nicht jeder MX-Host wurde getestet", format!("Über die ersten 10 hinaus gibt es {}.", count(*skipped, "weiteren MX-Host", "weitere MX-Hosts")), "Zehn MX-Hosts reichen; ungenutzte entfernen."),
            NoReachableMx => s("Kein Mailserver nimmt Verbindungen an", "Keine Adresse eines MX-Hosts antwortete auf Port 25 mit 220: eingehende Mail staut sich und kommt zurück.".into(), "Den Mailserver auf Port 25 lauschen lassen und eingehendes TCP 25 in jeder Firewall und Security Group erlauben."),
            MxIsCname { host, target } => s("MX-Ziel ist ein Alias (CNAME)", format!("{host} ist ein CNAME auf {target}; RFC 2181 §10.3 verbietet Alias-Ziele, manche Absender lehnen sie ab."), "Den MX-Eintrag direkt auf den kanonischen Namen (das CNAME-Ziel) zeigen lassen."),
            MxIsIpLiteral { host } => s("MX-Ziel ist eine IP-Adresse", format!("Der MX-Eintrag nennt \"{host}\", eine Adresse statt eines Hostnamens."), "Ein MX muss einen Host mit A/AAAA-Einträgen nennen; einen anlegen und den MX darauf zeigen lassen."),
            MxHostNoAddress { host, detail } => s("MX-Host hat keine Adresse", format!("{host} hat keinen A- oder AAAA-Eintrag ({detail}); Mail an ihn ist unzustellbar.", detail = crate::texts::library_message(detail, Lang::De)), "A/AAAA-Einträge für den Mailhost anlegen oder den Hostnamen im MX korrigieren."),
            AddressesCapped { host, skipped } => s("Nicht jede Adresse wurde getestet", format!("{host} hat über die ersten 8 hinaus {}.", count(*skipped, "weitere Adresse", "weitere Adressen")), "Nichts zu tun; mxray testet die ersten 8 Adressen je Host."),
            NoIpv6 { host } => s("Keine IPv6-Adresse", format!("{host} hat nur IPv4; Absender in reinen IPv6-Netzen erreichen ihn nicht."), "Einen AAAA-Eintrag anlegen und den Server auf IPv6 lauschen lassen."),
            TargetBlocked { ip, range } => s("Adresse ist nicht öffentlich und wurde nicht getestet", format!("{ip} ist {}, aus dem Internet unerreichbar; mxray verbindet sich dorthin nicht.", crate::texts::failures::range_address(range, Lang::De)), "Für MX-Hosts nur öffentliche Adressen veröffentlichen; für interne Namen Split-DNS nutzen."),
            Port25Unreachable { ip, outcome, detail, failure } => s("Port 25 nicht erreichbar", format!("Verbindung zu {ip} Port 25 fehlgeschlagen ({}).", crate::texts::failures::explain_outcome(&crate::texts::tcp_outcome(outcome, Lang::De), failure.as_ref().map(|f| f.text(Lang::De)), detail, Lang::De)), "Prüfen, ob der Mailserver läuft und auf Port 25 lauscht, und eingehendes TCP 25 in jeder Firewall, Security Group und beim Provider erlauben."),
            BannerNotReady { ip, reply } => s("Der Server lehnt Sitzungen ab", format!("{ip} grüßte mit \"{reply}\" statt 220."), "Last und Zugriffsregeln des Mailservers prüfen; eine 421- oder 554-Begrüßung weist jeden Absender ab."),
            BannerMissing { ip, reason, failure } => s("Keine SMTP-Begrüßung", format!("{ip} nahm die Verbindung an, sandte aber keine gültige 220-Begrüßung: {reason}.", reason = crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::De)), reason, Lang::De)), "Prüfen, ob auf Port 25 ein SMTP-Server antwortet und nichts dazwischen (Proxy, IPS, Tarpit) die Begrüßung zurückhält."),
            BannerLeaksVersion { software, version } => s("Der Banner verrät die Softwareversion", format!("Die Begrüßung nennt {software} {version}."), "Die Version im Banner verbergen (Postfix: smtpd_banner = $myhostname ESMTP); sie hilft Angreifern bei der Wahl von Exploits."),
            SmtpInspection { ip, banner_masked, ehlo_masked, starttls_hidden } => {
                let seen = match (banner_masked, ehlo_masked) {
                    (true, true) => "maskiert die Begrüßung mit Sternchen und macht aus EHLO ein XXXX, das der Mailserver ablehnt",
                    (false, _) => "macht aus EHLO ein XXXX, das der Mailserver ablehnt",
                    (true, false) => "maskiert die Begrüßung mit Sternchen",
                };
                let consequence = if *starttls_hidden { "; Absender weichen auf HELO aus und sehen kein STARTTLS, Mail an diese Adresse geht also unverschlüsselt. Der Mailserver ist nicht schuld" } else { "; STARTTLS kommt noch durch, aber solche Inspektion macht es bekanntermaßen kaputt" };
                s("Eine Firewall vor dem Server schreibt SMTP um", format!("Etwas zwischen dem Internet und {ip} (SMTP-Inspektion einer Cisco ASA/PIX) {seen}{consequence}."), "Die SMTP-Inspektion der Firewall für diesen Server abschalten (Cisco ASA: no inspect esmtp in der Policy-Map; PIX: no fixup protocol smtp 25), dann prüfen, dass EHLO STARTTLS anbietet.")
            }
            EhloRefused { ip } => s("EHLO abgelehnt, HELO genutzt", format!("{ip} lehnte EHLO ab; ohne ESMTP gibt es kein STARTTLS, SIZE oder 8BITMIME."), "ESMTP (EHLO) auf dem Mailserver aktivieren."),
            HeloFailed { ip, reply } => s("Weder EHLO noch HELO angenommen", format!("{ip} antwortete \"{reply}\"."), "HELO-Beschränkungen des Servers prüfen; ein Absender muss sich vorstellen können."),
            StartTlsNotOffered { ip } => s("STARTTLS nicht angeboten", format!("{ip} bietet kein STARTTLS an: Mail an ihn läuft unverschlüsselt."), "STARTTLS mit einem Zertifikat für den MX-Namen aktivieren (Postfix: smtpd_tls_cert_file, smtpd_tls_key_file, smtpd_tls_security_level = may)."),
            StartTlsRejected { ip, reply, no_reply } => s("STARTTLS angeboten, aber abgelehnt", match no_reply { Some(f) => format!("{ip} bot STARTTLS an, gab darauf aber keine gültige Antwort: {}.", f.text(Lang::De)), None => format!("{ip} bot STARTTLS an und antwortete dann \"{reply}\".") }, "TLS-Einstellungen prüfen und ob Zertifikat und Schlüssel für den Mailserver lesbar sind."),
            TlsHandshakeFailed { ip, error, problem } => s("TLS-Handshake fehlgeschlagen", format!("Nach STARTTLS schlug der Handshake mit {ip} fehl: {error}.", error = crate::texts::failures::explain(problem.as_ref().map(|p| p.text(Lang::De)), error, Lang::De)), "TLS 1.2 und 1.3 mit modernen Ciphern aktivieren und Zertifikat und Schlüssel des Servers prüfen."),
            StartTlsInjection { ip } => s("Klartext nach STARTTLS gesendet", format!("{ip} sandte nach seiner 220-Antwort auf STARTTLS unverlangte Bytes, bevor TLS begann. Ein Client, der sie für TLS-geschützte Antworten hielte, ließe sich Antworten unterschieben; mxray verwarf die Verbindung und testete Relaying über eine neue."), "Den Mailserver und Middleboxen davor prüfen (SMTP-Inspektion, Proxy): nach der 220-Antwort auf STARTTLS darf vor dem Handshake nichts folgen."),
            TlsOk { version, cipher } => s("TLS funktioniert", format!("{version} mit {cipher}."), "Nichts zu tun."),
            CertificateExpired { not_after } => s("Zertifikat abgelaufen", format!("Das Zertifikat war gültig bis {not_after}."), "Das Zertifikat jetzt erneuern, mit dem exakten MX-Hostnamen im SAN, und den Mailserver neu laden."),
            CertificateExpiresSoon { days, not_after } => s("Zertifikat läuft bald ab", format!("Es läuft in {} ab ({not_after}).", count(*days, "Tag", "Tagen")), "Das Zertifikat jetzt erneuern und prüfen, dass die automatische Erneuerung den Mailserver neu lädt."),
            CertificateNameMismatch { host, names } => s("Zertifikat passt nicht zum MX-Namen", format!("{host} ist nicht unter den Namen des Zertifikats ({names})."), "Das Zertifikat mit dem exakten MX-Hostnamen im SAN erneuern."),
            CertificateSelfSigned { subject } => s("Selbstsigniertes Zertifikat", format!("Das Zertifikat ({subject}) ist von sich selbst signiert."), "Ein Zertifikat einer öffentlichen CA (z. B. Let's Encrypt) mit dem MX-Hostnamen im SAN verwenden."),
            CertificateNotYetValid { not_before } => s("Zertifikat noch nicht gültig", format!("Das Zertifikat gilt erst ab {not_before}; Absender, die Zertifikate prüfen, lehnen es bis dahin ab."), "Ein jetzt gültiges Zertifikat installieren (neu ausstellen, wenn sein Beginn in der Zukunft liegt) und die Uhr des ausstellenden Rechners prüfen."),
            CertificateIntermediateExpired { subject, not_after } => s("Zwischenzertifikat abgelaufen", format!("Das mitgesandte Zwischenzertifikat {subject} ist am {not_after} abgelaufen; Absender, die Zertifikate prüfen, lehnen die Kette ab."), "Das Zwischenzertifikat in der Kettendatei durch das aktuelle der CA ersetzen (oder das Zertifikat erneuern und die mitgelieferte Kette senden), dann den Mailserver neu laden."),
            CertificateIntermediateNotYetValid { subject, not_before } => s("Zwischenzertifikat noch nicht gültig", format!("Das mitgesandte Zwischenzertifikat {subject} gilt erst ab {not_before}; Absender, die Zertifikate prüfen, lehnen die Kette ab."), "Das Zwischenzertifikat senden, mit dem die CA derzeit ausstellt (die mit dem Zertifikat gelieferte Kette), dann den Mailserver neu laden."),
            CertificateUnreadable { error } => s("Zertifikat nicht lesbar", format!("TLS kam zustande, aber mxrays X.509-Parser kann das Zertifikat des Servers nicht lesen ({error}); Name, Daten und Schlüssel wurden nicht beurteilt, strenge Absender lehnen es womöglich auch ab.", error = crate::texts::library_message(error, Lang::De)), "Das Zertifikat von einer gängigen CA neu ausstellen lassen und prüfen, dass der Server es unverändert sendet (DER, Blatt zuerst)."),
            CertificateUntrusted { error, issuer, sent, issuer_sent } => match issuer {
                Some(i) if *issuer_sent => s("Zertifikat nicht vertrauenswürdig: unbekannte Wurzel", format!("Die gesandte Kette endet bei der Wurzel {i}, die keine öffentlich vertrauenswürdige Wurzel ist (eine private oder interne CA); Absender, die Zertifikate prüfen, können sie nicht verifizieren."), "Ein Zertifikat einer öffentlichen CA (z. B. Let's Encrypt) verwenden, das den MX-Host nennt; einer privaten CA vertrauen nur Absender, die dafür eingerichtet sind."),
                Some(i) if *sent == 1 => s("Zertifikat nicht vertrauenswürdig: Zwischenzertifikat fehlt", format!("Der Server sendet nur sein eigenes Zertifikat; das Zertifikat, das es ausgestellt hat ({i}), fehlt, sodass Absender keine Kette zu einer vertrauenswürdigen Wurzel bilden können."), "Die ganze Kette einrichten: das Serverzertifikat, gefolgt vom Zwischenzertifikat der CA (Postfix: smtpd_tls_chain_files mit Schlüssel, Zertifikat und Zwischenzertifikaten, oder das Zwischenzertifikat an die smtpd_tls_cert_file angehängt), dann den Mailserver neu laden."),
                Some(i) => s("Zertifikat nicht vertrauenswürdig: Zwischenzertifikat fehlt", format!("Die gesandte Kette endet mit einem Zertifikat, ausgestellt von {i}; dieses ist weder unter den gesandten Zertifikaten noch eine vertrauenswürdige Wurzel: das Zwischenzertifikat fehlt (oder es gehört zu einer privaten CA)."), "Die ganze Kette einrichten: das Serverzertifikat, gefolgt von allen Zwischenzertifikaten bis zur Wurzel der CA (Postfix: smtpd_tls_chain_files, oder die Zwischenzertifikate an die smtpd_tls_cert_file angehängt), dann den Mailserver neu laden."),
                None => s("Zertifikat nicht vertrauenswürdig", format!("Die Kette führt zu keiner öffentlichen Wurzel: {error}.", error = crate::texts::library_message(error, Lang::De)), "Ein Zertifikat einer öffentlichen CA installieren und die ganze Kette (Blatt und Zwischenzertifikate) senden."),
            },
            CertificateWeakKey { algorithm, bits } => s("Schwacher Zertifikatsschlüssel", format!("{algorithm}-Schlüssel mit {bits} Bit."), "Das Zertifikat mit einem RSA-Schlüssel ab 2048 Bit oder einem ECDSA-P-256-Schlüssel neu ausstellen."),
            CertificateValid { days } => s("Zertifikat gültig", format!("Vertrauenswürdig, nennt den MX-Host, noch {} gültig.", count(*days, "Tag", "Tage")), "Nichts zu tun."),
            OpenRelay { ip, reply } => s("Offenes Relay", format!("{ip} nahm ohne Anmeldung Mail für eine fremde Domain an: \"{reply}\". Spammer werden das ausnutzen, der Server landet auf Blacklists. mxray sendet nie DATA, es ging also keine Nachricht hinaus; manche Gateways nehmen jeden Empfänger an und lehnen erst am Ende der Daten ab: zur Bestätigung eine Testnachricht von einem Host außerhalb des eigenen Netzes über {ip} an ein eigenes Postfach außerhalb der Domain schicken (z. B. swaks --server {ip} --to sie@anderswo.example)."), "Nicht angemeldetes Relaying ablehnen: nur Mail für eigene Domains annehmen, außer der Client hat sich angemeldet (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination)."),
            RelayRefused { reply } => s("Kein offenes Relay", format!("Mail für eine fremde Domain wurde abgelehnt: \"{reply}\"."), "Nichts zu tun."),
            RelayInconclusive { ip, reply, reason: Some(crate::model::report::RelayReason::SameProvider), .. } => s("Relay nicht getestet: die Domain des Empfängers liegt beim selben Anbieter", format!("Die Empfänger-Domain des Relay-Tests wird vom selben Server oder Anbieter betreut wie {ip}, der Mail für sie also als eigene annehmen darf; seine Antwort (\"{reply}\") sagt nichts über Relaying, ob ein offenes Relay vorliegt, wurde nicht getestet."), "mxray mit --relay-recipient auf ein Postfach einer Domain bei einem anderen Anbieter starten."),
            RelayInconclusive { ip, reply, reason: _, unanswered: Some(u) } => {
                s("Relay-Test ohne Ergebnis", format!("{}: nichts wurde angenommen, ob ein offenes Relay vorliegt, ließ sich daher nicht testen.", unanswered(ip, reply, u)), "Den Test wiederholen; tritt es wieder auf, die Logs des Servers zu der Sitzung prüfen: ein Server, der den Dialog dort abbricht oder hängen lässt, scheitert auch bei echten Absendern.")
            }
            RelayInconclusive { ip, reply, reason, unanswered: None } => {
                let (why, remedy) = relay_reason(*reason);
                s("Relay-Test ohne Ergebnis", format!("{ip} antwortete \"{reply}\": {why}; das sagt nichts über Relaying, ob ein offenes Relay vorliegt, ließ sich nicht testen."), remedy)
            }
            UnsolicitedReply { ip, after, data } => s("Der Server sandte unverlangte Antworten", format!("Nach {} sandte {ip} \"{data}\", bevor mxray weitersprach. Antworten würden falschen Kommandos zugeordnet, daher brach mxray ab und gibt kein Relay-Urteil.", if after == "greeting" { "der Begrüßung" } else { after.as_str() }), "Den Server und alles davor prüfen (Proxy, SMTP-Inspektion der Firewall, Load Balancer): jede Antwort muss genau ein Kommando beantworten."),
            ProtocolViolation { ip, command, reply } => s("Antwortcode für das Kommando nicht erlaubt", format!("{ip} beantwortete {command} mit \"{reply}\", einem Code, den dieses Kommando nicht zulässt (RFC 5321 §4.3.2)."), "Den Mailserver und SMTP-Proxys davor prüfen; Absender werten solche Antworten als Fehler."),
            NothingTested { blocked, no_route, refused } => s("Zustellung ließ sich nicht testen", format!("Keine Adresse eines MX-Hosts ließ sich testen: {blocked} nicht öffentlich, {no_route} vom Rechner mit mxray aus nicht erreichbar, {refused} {} mxray selbst ab. Nichts hier zeigt, dass Mail an diese Domain zugestellt werden kann.", plural(*refused, "lehnte", "lehnten")), "Öffentliche Adressen für die MX-Hosts veröffentlichen; sind sie öffentlich, mxray von einem Host mit IPv6, sauberer Adresse und Reverse-DNS aus starten."),
            TesterRefused { ip, step, reply, reason } => {
                let (whom, remedy) = if *reason == crate::model::report::RelayReason::HeloRejected {
                    ("den HELO-Namen von mxray", "mxray mit --helo-name auf den echten, auflösbaren Namen dieses Hosts starten.")
                } else {
                    ("die Adresse, von der mxray kommt (Blockliste oder Reverse-DNS)", "mxray von einem Host starten, dessen Adresse auf keiner Blockliste steht und einen Reverse-DNS-Namen hat; die eigenen Absender gegen dieselben Listen prüfen.")
                };
                let step = if step == "greeting" { "die Begrüßung" } else { step.as_str() };
                s("Der Server lehnte mxray ab, nicht Absender allgemein", format!("{ip} beantwortete {step} mit \"{reply}\": er lehnte {whom} ab, der Rest ließ sich von hier nicht testen."), remedy)
            }
            MxNotPublic { host } => s("MX-Host hat nur nicht öffentliche Adressen", format!("Jede Adresse von {host} ist privat, Loopback oder sonst im Internet nicht geroutet; mxray hat sich nicht verbunden, und kein Absender im Internet kann es."), "Den MX-Eintrag auf einen Host mit öffentlichen A/AAAA-Einträgen zeigen lassen; interne Adressen nur im internen DNS führen."),
            NullMxWithOtherMx => s("Null-MX neben anderen MX-Einträgen", "Die Domain veröffentlicht einen Null-MX (MX 0 .) und weitere MX-Einträge; laut RFC 7505 muss ein Null-MX der einzige sein, und Absender verhalten sich unterschiedlich: manche weisen ab, manche stellen zu, manche verzögern.".into(), "Den Null-MX entfernen, wenn die Domain Mail empfängt, sonst die anderen MX-Einträge."),
            NoRouteFromHere { ip, detail } => s("Von hier aus nicht testbar", format!("Der Rechner mit mxray hat keine Route zu {ip}{detail}; das sagt nichts über den Server.", detail = crate::texts::failures::paren(&crate::texts::failures::explain(None, detail, Lang::De))), "Den Test von einem Host mit Verbindung für diese Adressfamilie (meist IPv6) starten."),
            TlsNotTestable { ip, reason, why } => s("STARTTLS ließ sich nicht testen", format!("{ip} bietet STARTTLS an, mxray konnte es aber nicht testen: {reason}.", reason = crate::texts::failures::explain(why.as_ref().map(|w| w.text(Lang::De)), reason, Lang::De)), "Dem MX einen einfachen Hostnamen (Buchstaben, Ziffern, Bindestriche) geben, damit Zertifikate ihn nennen können."),
            k @ (TlsLegacyOnly { .. }
            | TlsLegacyAccepted { .. }
            | TlsLegacyNotTested { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblListed { .. }
            | DnsblNotTested { .. }) => crate::texts::depth::german(k),
            k @ (TlsOutdatedSuitesOnly { .. }
            | TlsWeakSuites { .. }
            | TlsClientOrder { .. }
            | TlsWeakDh { .. }
            | TlsWeakRsaKey { .. }
            | TlsSha1Signature { .. }
            | TlsNoSecureRenegotiation { .. }
            | TlsCompression { .. }) => crate::texts::quality::german(k),
            TlsNoSharedCipher { ip, error } => s("Keine gemeinsame TLS-Cipher", format!("{ip} akzeptiert keine der angebotenen modernen Cipher-Suites oder Schlüsselaustausch-Gruppen ({error}).", error = crate::texts::library_message(error, Lang::De)), "Die ECDHE-AEAD-Cipher-Suites (AES-GCM, ChaCha20-Poly1305) und die Gruppen X25519/P-256 am Mailserver aktivieren."),
            SessionAborted { ip, reason, failure } => s("Die SMTP-Sitzung brach ab", format!("Die Sitzung mit {ip} endete vorzeitig: {reason}.", reason = crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::De)), reason, Lang::De)), "Die Logs des Servers zu dieser Sitzung prüfen; ein Server sollte jedes Kommando gültig beantworten."),
            DeadlineReached { ip } => s("Der Server war zu langsam", format!("{ip} beendete die Sitzung nicht innerhalb der Frist."), "Auf Tarpitting, Überlast oder langsame DNS-Abfragen am Mailserver prüfen."),
            k @ (RelayBypassAccepted { .. }
            | OpenRelayLocalSender { .. }
            | RelayRevisited { .. }
            | AuthInPlaintext { .. }
            | PortNotServing { .. }
            | PortTlsFailed { .. }
            | SubmissionNoAuth { .. }
            | GreetingTimeout { .. }
            | ServerClosed { .. }) => crate::texts::session::texts(k, Lang::De),
            k @ (DaneTaRejected { .. }
            | DaneNotInForce { .. }
            | CertificateIntermediateUnused { .. }
            | MtaStsMxNotTested { .. }) => crate::texts::trust::texts(k, Lang::De),
            k @ (Port25NoAnswer { .. } | EgressBlocked { .. } | Port25Timeout { .. }) => crate::texts::egress::texts(k, Lang::De),
            PortCertificate { ip, port, finding } => crate::texts::ports::certificate_texts(ip, *port, finding, Lang::De),
            MxDnssecBogus { detail } => s("Die MX-Einträge bestehen die DNSSEC-Prüfung nicht", format!("Die MX-Antwort der Domain ist signiert, aber die Signaturen sind ungültig ({}); validierende Resolver antworten SERVFAIL, Absender dahinter finden Ihre Mailserver nicht.", crate::texts::library_message(detail, Lang::De)), "Die Signierung der Zone reparieren: neu signieren, auf abgelaufene Signaturen prüfen und sicherstellen, dass der DS-Eintrag bei der übergeordneten Zone zu einem aktuellen DNSKEY passt."),
            AddressDnssecBogus { host, detail } => s("Die Adressen des MX-Hosts bestehen die DNSSEC-Prüfung nicht", format!("Die A/AAAA-Antwort für {host} ist signiert, aber die Signaturen sind ungültig ({}); validierende Resolver antworten SERVFAIL, Absender dahinter erreichen den Host nicht.", crate::texts::library_message(detail, Lang::De)), "Die Signierung der Zone reparieren: neu signieren, auf abgelaufene Signaturen prüfen und sicherstellen, dass der DS-Eintrag bei der übergeordneten Zone zu einem aktuellen DNSKEY passt."),
            DaneTlsaBogus { host, detail } => s("DANE-TLSA-Einträge bestehen die DNSSEC-Prüfung nicht", format!("Die TLSA-Antwort für _25._tcp.{host} ist ungültig signiert ({}); DANE-Absender (RFC 7672) stellen bei ungültigen TLSA-Antworten nicht zu, sondern halten die Mail zurück.", crate::texts::library_message(detail, Lang::De)), "Die DNSSEC-Kette der Zone mit den TLSA-Einträgen reparieren: neu signieren und den DS-Eintrag der übergeordneten Zone auf einen aktuellen DNSKEY abstimmen."),
            DnssecResolverBlind { anchor } => s("DNSSEC und DANE ließen sich von hier aus nicht beurteilen", format!("Der Resolver, den mxray fragt, gibt keine DNSSEC-Daten weiter: Selbst die Zone des Vertrauensankers ({anchor}) lässt sich über ihn nicht validieren. Über das DNSSEC der Domain ist daher nichts bekannt, und DANE ließ sich für keinen ihrer Hosts beurteilen; über die Domain selbst sagt das nichts."), "mxray mit einem validierenden Resolver starten, der DNSSEC-Daten weitergibt, z. B. --resolver 127.0.0.1:53 für ein lokales Unbound, oder den Betreiber dieser mxray-Instanz bitten, einen einzurichten."),
            DaneTlsaUnknown { host, detail, reason } => s("DANE nicht getestet: TLSA-Abfrage gescheitert", format!("Die TLSA-Abfrage für _25._tcp.{host} lieferte keine Antwort, die mxray validieren konnte ({}); validierende Resolver antworten bei ungültigen Daten SERVFAIL, und DANE-Absender halten Mail zurück, solange die Abfrage scheitert.", crate::texts::dane::why(reason.as_ref(), detail, Lang::De)), "Prüfen, dass die Nameserver der Zone TLSA-Abfragen beantworten (auch mit 'Name existiert nicht') und ihre DNSSEC-Signaturen gültig sind."),
            DaneTlsaInsecure { host } => s("TLSA-Einträge ohne DNSSEC werden ignoriert", format!("_25._tcp.{host} hat TLSA-Einträge, aber die Zone ist nicht mit DNSSEC signiert; DANE (RFC 7672) zählt nur validierte TLSA-Einträge, Absender ignorieren diese also."), "Die Zone mit DNSSEC signieren und ihren DS-Eintrag bei der übergeordneten Zone veröffentlichen, oder die TLSA-Einträge entfernen."),
            DaneUnusableRecords { host, records } => s("TLSA-Einträge für SMTP unbrauchbar", format!("_25._tcp.{host} veröffentlicht {records}; laut RFC 7672 §3.1.3 ignorieren SMTP-Absender die PKIX-Verwendungen 0 und 1 (und unbekannte Selektoren oder Matching-Typen), diese schützen also keine Mail."), "Stattdessen DANE-Einträge veröffentlichen: \"3 1 1\" mit dem SHA-256 des öffentlichen Schlüssels des Servers (SPKI) oder \"2 1 1\" mit dem Schlüssel der ausstellenden CA."),
            DaneMatched { ip, record } => s("DANE passt", format!("{ip} zeigte eine Kette, die zum DNSSEC-signierten TLSA-Eintrag {record} passt: DANE-Absender authentisieren den Server und fallen nie auf Klartext zurück."), "Nichts zu tun; vor einem Schlüsselwechsel den \"3 1 1\"-Eintrag des neuen Schlüssels neben dem alten veröffentlichen und den alten erst nach Ablauf der TTL entfernen."),
            DaneNoMatch { ip, detail, why } => s("DANE passt nicht: Absender stellen nicht zu", format!("{ip} zeigte eine Kette, die zu keinem der DNSSEC-signierten TLSA-Einträge des Hosts passt{detail}; DANE-Absender (RFC 7672) stellen dort nicht zu und halten die Mail zurück.", detail = crate::texts::failures::paren(&crate::texts::failures::dane_why(why.as_ref(), detail, Lang::De))), "Einen TLSA-Eintrag veröffentlichen, der zum Zertifikat des Servers passt (\"3 1 1\" mit dem SHA-256 seines öffentlichen Schlüssels), oder den Schlüssel wiederherstellen, den die Einträge nennen; beim Wechsel den Eintrag des neuen Schlüssels vorher veröffentlichen."),
            DaneNoTls { ip, detail, why } => s("DANE veröffentlicht, aber kein TLS", format!("Der Host hat DNSSEC-signierte TLSA-Einträge, DANE-Absender verlangen also TLS, aber {ip} bot keine TLS-Sitzung{detail}; sie stellen dort nicht zu.", detail = crate::texts::failures::paren(&crate::texts::failures::dane_why(why.as_ref(), detail, Lang::De))), "STARTTLS mit dem Zertifikat, das die TLSA-Einträge nennen, zum Laufen bringen oder die TLSA-Einträge bis dahin entfernen."),
            DaneNotTested { ip, reason, why } => s("DANE an dieser Adresse nicht getestet", format!("DANE ließ sich an {ip} nicht beurteilen: {reason}.", reason = crate::texts::failures::dane_why(why.as_ref(), reason, Lang::De)), "Den Test wiederholen, sobald die Adresse antwortet; die TLSA-Einträge stehen beim Host."),
            CertificateDaneEe { record } => s("Zertifikat durch DANE-EE bestätigt", format!("Das Zertifikat des Servers passt zum DANE-EE-Eintrag {record}; DANE-Absender pinnen es und ignorieren Namen, Laufzeit und Aussteller (RFC 7672 §3.1.1), diese werden hier daher nicht beurteilt."), "Für DANE-Absender nichts zu tun; Absender, die sich auf MTA-STS oder öffentliche CAs stützen, brauchen weiterhin ein vertrauenswürdiges Zertifikat für den MX-Namen."),
            MtaStsMissing => s("Keine MTA-STS-Policy", "Die Domain veröffentlicht keinen _mta-sts-TXT-Eintrag; Absender nutzen STARTTLS nur opportunistisch, und jeder auf dem Weg kann es entfernen. MTA-STS (RFC 8461) lässt eine Domain TLS mit gültigem Zertifikat verlangen.".into(), "Eine Policy unter https://mta-sts.<domain>/.well-known/mta-sts.txt ausliefern (version: STSv1, mode: testing, später enforce, eine mx:-Zeile je MX-Host, max_age: 604800) und den TXT-Eintrag _mta-sts.<domain> \"v=STSv1; id=<Datum>\" veröffentlichen."),
            PolicyLookupFailed { name, detail } => s("Policy-Eintrag ließ sich nicht abfragen", format!("Die TXT-Abfrage von {name} schlug fehl ({detail}); ob die Policy existiert, ist unbekannt.", detail = crate::texts::library_message(detail, Lang::De)), "Prüfen, dass die Nameserver der Domain TXT-Abfragen für diesen Namen beantworten, dann den Test wiederholen."),
            MtaStsRecordMultiple { count } => s("Mehrere MTA-STS-Einträge", format!("{count} TXT-Einträge unter _mta-sts beginnen mit v=STSv1; laut RFC 8461 §3.1 ignorieren Absender MTA-STS dann ganz."), "Genau einen Eintrag \"v=STSv1; id=…\" unter _mta-sts behalten und die anderen löschen."),
            MtaStsRecordIgnored { name, record, reason, counted: Some(counted) } => s("Ein zweiter TXT-Eintrag unter _mta-sts wird ignoriert", format!("Absender lesen unter {name} den MTA-STS-Eintrag {counted:?}; den anderen TXT-Eintrag dort, {record:?}, ignorieren sie: {}.", crate::texts::policy::ignored_reason_text(*reason, "v=STSv1", Lang::De)), "Den Eintrag löschen, den Absender ignorieren, sodass unter dem Namen nur der steht, den sie lesen (und dessen id bei jeder Policy-Änderung ändern)."),
            MtaStsRecordIgnored { name, record, reason, counted: None } => s("MTA-STS-Eintrag veröffentlicht, aber von Absendern ignoriert", format!("Unter {name} steht ein TXT-Eintrag, aber Absender ignorieren ihn: {}. Für Absender gibt es also keinen MTA-STS-Eintrag. Der Eintrag, wie veröffentlicht: {record:?}.", crate::texts::policy::ignored_reason_text(*reason, "v=STSv1", Lang::De)), "Den Wert genau als v=STSv1; id=<1 bis 32 Buchstaben oder Ziffern> veröffentlichen und dann prüfen, was der Name wirklich enthält: dig +short TXT <Name>."),
            MtaStsRecordMalformed { record, problem } => s("MTA-STS-Eintrag fehlerhaft", format!("Der Eintrag \"{record}\" ist ungültig: {}; Absender ignorieren MTA-STS für die Domain (RFC 8461 §3.1).", problem.text(Lang::De)), "Genau \"v=STSv1; id=<1 bis 32 Buchstaben oder Ziffern>\" veröffentlichen und die id bei jeder Änderung der Policy ändern."),
            MtaStsPolicyUnavailable { url, error } => s("MTA-STS-Policy lässt sich nicht abrufen", format!("{url}: {}. Absender, die die Policy nicht abrufen können, verhalten sich, als hätte die Domain kein MTA-STS (RFC 8461 §3.3).", error.text(Lang::De)), "Die Policy unter dieser URL per HTTPS mit einem für den mta-sts-Host gültigen Zertifikat ausliefern: Status 200, Content-Type text/plain, keine Umleitung, höchstens 64 KiB."),
            MtaStsPolicyLenient { comment_lines, blank_lines } => {
                let mut parts = Vec::new();
                if !comment_lines.is_empty() {
                    parts.push(format!("{} mit # am Anfang", crate::texts::policy::line_numbers(comment_lines, Lang::De)));
                }
                if !blank_lines.is_empty() {
                    parts.push(format!("leere {}", crate::texts::policy::line_numbers(blank_lines, Lang::De)));
                }
                s("MTA-STS-Policy enthält Zeilen, die strenge Absender ablehnen können", format!("Die Policy-Datei enthält {}; RFC 8461 §3.2 erlaubt weder Kommentare noch Leerzeilen. Nachsichtige Absender wie postfix-mta-sts-resolver überspringen sie, und mxray hat die Policy ebenso gelesen; ein strenger Absender kann aber die ganze Datei ablehnen und keine Policy anwenden.", parts.join(" und ")), "Kommentar- und Leerzeilen aus mta-sts.txt entfernen, sodass sie nur Zeilen schlüssel: wert enthält.")
            }
            MtaStsPolicyInvalid { problems } => s("MTA-STS-Policy ungültig", format!("Die Policy-Datei ist ungültig: {}; Absender ignorieren sie (RFC 8461 §3.2).", crate::texts::policy::problems_text(problems, Lang::De)), "Die Policy aus den Zeilen version: STSv1, mode: enforce, testing oder none, max_age: Sekunden bis 31557600 und einer mx:-Zeile je MX-Host schreiben (ein *. vorne deckt ein Label ab)."),
            MtaStsMxNotListed { host, patterns, mode } => s("MX-Host nicht von der MTA-STS-Policy erfasst", match mode {
                crate::model::policy::StsMode::Enforce => format!("{host} passt zu keinem mx-Muster der Policy ({patterns}); im Modus enforce stellen Absender, die MTA-STS beachten, dort nicht zu."),
                _ => format!("{host} passt zu keinem mx-Muster der Policy ({patterns}); im Modus testing stellen Absender noch zu, melden aber einen Fehler, und enforce würde die Zustellung dort stoppen."),
            }, "Eine mx:-Zeile für diesen Host in die Policy aufnehmen und die id im _mta-sts-Eintrag ändern, oder den MX-Eintrag entfernen."),
            MtaStsMxTlsInvalid { host, ip, failure, mode } => s("MX-Host erfüllt die MTA-STS-Policy nicht", match mode {
                crate::model::policy::StsMode::Enforce => format!("{ip} von {host}: {}. MTA-STS verlangt STARTTLS mit einem für den MX-Namen gültigen Zertifikat; im Modus enforce stellen Absender, die es beachten, dort nicht zu.", failure.label(Lang::De)),
                _ => format!("{ip} von {host}: {}. MTA-STS verlangt STARTTLS mit einem für den MX-Namen gültigen Zertifikat; im Modus testing stellen Absender noch zu, melden aber einen Fehler.", failure.label(Lang::De)),
            }, "STARTTLS auf jeder Adresse anbieten, mit einem Zertifikat einer öffentlichen CA, das den MX-Host nennt, und die ganze Kette senden."),
            MtaStsModeNone => s("MTA-STS-Policy zurückgezogen (mode none)", "Der Modus der Policy ist none: Absender verwerfen eine zwischengespeicherte MTA-STS-Policy und stellen zu wie ohne.".into(), "Nichts zu tun, wenn MTA-STS abgeschaltet werden soll; sonst mode: testing, dann enforce setzen und die id im _mta-sts-Eintrag ändern."),
            MtaStsTesting { hosts } => s("MTA-STS im Testmodus", format!("{} gültiges TLS, aber im Modus testing melden Absender Fehler nur und stellen weiter über ungeschützte Verbindungen zu.", plural(*hosts, "Der einzige MX-Host passt zur Policy und bietet", &format!("Alle {hosts} MX-Hosts passen zur Policy und bieten"))), "Die Policy auf mode: enforce umstellen und die id im _mta-sts-Eintrag ändern."),
            MtaStsMaxAgeShort { max_age } => s("MTA-STS-max_age ist kurz", format!("max_age ist {max_age} s; RFC 8461 erwartet Tage bis Wochen, damit Absender die Policy zwischen zwei Zustellungen behalten und ein Downgrade nicht einfach ihr Ablaufen abwarten kann."), "max_age auf 604800 (eine Woche) oder mehr setzen, höchstens 31557600."),
            MtaStsProtected { hosts } => s("Gegen STARTTLS-Downgrade geschützt (MTA-STS enforce)", format!("Die Policy steht auf enforce, und {} dazu; Absender, die MTA-STS beachten, lehnen eine entfernte oder umgeleitete Verschlüsselung ab.", plural(*hosts, "der einzige MX-Host passt mit gültigem Zertifikat", &format!("alle {hosts} MX-Hosts passen mit gültigen Zertifikaten"))), "Nichts zu tun; Policy und id anpassen, bevor sich MX-Hosts oder Zertifikate ändern."),
            TlsRptMissing { domain } => s("Kein TLS-RPT-Eintrag", format!("Die Domain nutzt MTA-STS oder DANE, veröffentlicht aber keinen TXT-Eintrag _smtp._tls.{domain}; Absender können TLS-Fehler nicht melden (TLS-RPT, RFC 8460), und eine kaputte Policy bleibt unbemerkt."), "Einen TXT-Eintrag _smtp._tls.<domain> \"v=TLSRPTv1; rua=mailto:tlsrpt@<domain>\" mit einem Postfach veröffentlichen, das die täglichen Berichte empfängt."),
            TlsRptRecordMultiple { count } => s("Mehrere TLS-RPT-Einträge", format!("{count} TXT-Einträge unter _smtp._tls beginnen mit v=TLSRPTv1; Absender ignorieren alle (RFC 8460 §3)."), "Genau einen Eintrag \"v=TLSRPTv1; rua=…\" behalten und die anderen löschen."),
            TlsRptRecordIgnored { name, record, reason, counted: Some(counted) } => s("Ein zweiter TXT-Eintrag unter _smtp._tls wird ignoriert", format!("Absender lesen unter {name} den TLS-RPT-Eintrag {counted:?}; den anderen TXT-Eintrag dort, {record:?}, ignorieren sie: {}.", crate::texts::policy::ignored_reason_text(*reason, "v=TLSRPTv1", Lang::De)), "Den Eintrag löschen, den Absender ignorieren, sodass unter dem Namen nur der steht, den sie lesen."),
            TlsRptRecordIgnored { name, record, reason, counted: None } => s("TLS-RPT-Eintrag veröffentlicht, aber von Absendern ignoriert", format!("Unter {name} steht ein TXT-Eintrag, aber Absender ignorieren ihn: {}. Absender senden also keine TLS-Berichte. Der Eintrag, wie veröffentlicht: {record:?}.", crate::texts::policy::ignored_reason_text(*reason, "v=TLSRPTv1", Lang::De)), "Den Wert genau als v=TLSRPTv1; rua=mailto:<Adresse> veröffentlichen und dann prüfen, was der Name wirklich enthält: dig +short TXT <Name>."),
            TlsRptRecordMalformed { record, problem } => s("TLS-RPT-Eintrag fehlerhaft", format!("Der Eintrag \"{record}\" ist ungültig: {}; Absender senden keine TLS-Berichte (RFC 8460 §3).", problem.text(Lang::De)), "\"v=TLSRPTv1; rua=mailto:adresse@ihre-domain\" veröffentlichen (mehrere Ziele durch Kommas getrennt)."),
            TlsRptBadTarget { uri, problem } => s("TLS-RPT-Berichtsziel unbrauchbar", format!("Das rua-Ziel \"{uri}\": {}; Absender können dorthin keine Berichte senden (RFC 8460 §3).", problem.label(Lang::De)), "Ziele der Form mailto:name@domain oder https://host/pfad verwenden."),
        }
    }
}
