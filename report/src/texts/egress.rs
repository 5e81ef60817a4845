//! The port 25 egress findings in words.

use crate::model::egress::{EgressOutcome, EgressReport};
use crate::model::finding::FindingKind;
use crate::model::lang::Lang;
use crate::texts::{pick, plural};

impl EgressReport {
    /// One line for the report header, e.g. `smtp.example.net:25 (192.0.2.7:25): reachable in 12 ms`.
    pub fn describe(&self, lang: Lang) -> String {
        let at = self.address.as_ref().map(|a| format!(" ({a})")).unwrap_or_default();
        let detail = self.why(lang).map(|why| format!(" ({why})")).unwrap_or_default();
        let outcome = match self.outcome {
            EgressOutcome::Reachable => {
                let ms = self.connect_ms.map(|ms| format!(" {} {ms} ms", pick(lang, "in", "in"))).unwrap_or_default();
                format!("{}{ms}", pick(lang, "reachable", "erreichbar"))
            }
            EgressOutcome::TimedOut => pick(lang, "timed out", "Zeitüberschreitung").to_owned(),
            EgressOutcome::Refused => pick(lang, "refused", "abgewiesen").to_owned(),
            EgressOutcome::Unreachable => pick(lang, "unreachable", "nicht erreichbar").to_owned(),
            EgressOutcome::Blocked => {
                pick(lang, "not contacted (not public)", "nicht kontaktiert (nicht öffentlich)").to_owned()
            }
            EgressOutcome::NotResolved => pick(lang, "name not resolved", "Name nicht aufgelöst").to_owned(),
            EgressOutcome::Failed => pick(lang, "failed", "gescheitert").to_owned(),
        };
        format!("{}{at}: {outcome}{detail}", self.target)
    }
}

/// The texts of the findings of this module in `lang` (other kinds give empty texts; `findings`
/// never passes them).
pub(crate) fn texts(kind: &FindingKind, lang: Lang) -> (String, String, String) {
    let en = lang == Lang::En;
    match kind {
        FindingKind::Port25NoAnswer { addresses, egress } => {
            let egress = match egress {
                Some(e) if en => format!(" The egress check to {} did not settle it: {}.", e.target, e.describe(lang)),
                Some(e) => format!(" Der Ausgangstest zu {} entschied es nicht: {}.", e.target, e.describe(lang)),
                None => String::new(),
            };
            if en {
                (
                    "No address answered on port 25: all down, or this network blocks port 25".to_owned(),
                    format!("{} (no reset, no ICMP error). Either {} down or filtered, or the network mxray runs in drops outbound TCP port 25, as many cloud hosts and home lines do.{egress}", plural(*addresses, "The one address of the MX hosts did not complete the TCP handshake on port 25, and every attempt timed out", &format!("None of the {addresses} addresses of the MX hosts completed the TCP handshake on port 25, and every attempt timed out")), plural(*addresses, "it is", "all of them are")),
                    "Tell the two apart: run mxray with --egress-check HOST:25 (MXRAY_EGRESS_CHECK) naming a mail server you know accepts connections; if that times out too, this network blocks port 25. Or run mxray from another network.".to_owned(),
                )
            } else {
                (
                    "Keine Adresse antwortete auf Port 25: alle aus, oder dieses Netz sperrt Port 25".to_owned(),
                    format!("{} den TCP-Verbindungsaufbau auf Port 25 ab, und jeder Versuch lief in eine Zeitüberschreitung (kein Reset, kein ICMP-Fehler). Entweder {} aus oder gefiltert, oder das Netz, in dem mxray läuft, verwirft ausgehendes TCP 25, wie viele Cloud-Hosts und private Anschlüsse.{egress}", plural(*addresses, "Die einzige Adresse der MX-Hosts schloss nicht", &format!("Keine der {addresses} Adressen der MX-Hosts schloss")), plural(*addresses, "ist sie", "sind alle")),
                    "Beides unterscheiden: mxray mit --egress-check HOST:25 (MXRAY_EGRESS_CHECK) starten, mit einem Mailserver, der sicher Verbindungen annimmt; läuft auch dieser Test in eine Zeitüberschreitung, sperrt dieses Netz Port 25. Oder mxray aus einem anderen Netz starten.".to_owned(),
                )
            }
        }
        FindingKind::EgressBlocked { target, addresses } => {
            if en {
                (
                    "This network blocks outbound port 25: mail delivery not tested".to_owned(),
                    format!("The egress check to {target} timed out just like {} of the MX hosts: the network mxray runs in drops outbound TCP port 25, so nothing here says whether the domain's mail servers work.", plural(*addresses, "the one address", &format!("all {addresses} addresses"))),
                    "Run mxray from a network that allows outbound port 25 (many cloud providers lift the block on request), then check again.".to_owned(),
                )
            } else {
                (
                    "Dieses Netz sperrt ausgehenden Port 25: Zustellung nicht getestet".to_owned(),
                    format!("Der Ausgangstest zu {target} lief genauso in eine Zeitüberschreitung wie {} der MX-Hosts: das Netz, in dem mxray läuft, verwirft ausgehendes TCP 25, daher sagt hier nichts, ob die Mailserver der Domain funktionieren.", plural(*addresses, "die einzige Adresse", &format!("alle {addresses} Adressen"))),
                    "mxray aus einem Netz starten, das ausgehenden Port 25 erlaubt (viele Cloud-Anbieter heben die Sperre auf Antrag auf), und erneut prüfen.".to_owned(),
                )
            }
        }
        FindingKind::Port25Timeout { ip, detail, failure } => {
            if en {
                (
                    "Port 25 did not answer (maybe this network)".to_owned(),
                    format!("Connecting to {ip} port 25 timed out{detail}. No address of the domain answered, so this may be the network mxray runs in rather than the server (see the domain finding).", detail = crate::texts::failures::paren(&crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::En)), detail, Lang::En))),
                    "Follow the domain finding to tell a dead server from a blocked network.".to_owned(),
                )
            } else {
                (
                    "Port 25 antwortete nicht (vielleicht dieses Netz)".to_owned(),
                    format!("Die Verbindung zu {ip} Port 25 lief in eine Zeitüberschreitung{detail}. Keine Adresse der Domain antwortete, das kann am Netz liegen, in dem mxray läuft, statt am Server (siehe den Befund zur Domain).", detail = crate::texts::failures::paren(&crate::texts::failures::explain(failure.as_ref().map(|f| f.text(Lang::De)), detail, Lang::De))),
                    "Dem Befund zur Domain folgen, um einen toten Server von einem gesperrten Netz zu unterscheiden.".to_owned(),
                )
            }
        }
        _ => (String::new(), String::new(), String::new()),
    }
}
