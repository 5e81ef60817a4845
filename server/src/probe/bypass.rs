//! Relay bypass forms: after the relay probe's outside recipient was refused, one `RCPT TO` per
//! routing form (`app::bypass`) in the same, still open mail transaction (its `MAIL FROM` was
//! accepted): all in one write with PIPELINING, else lock-step. Never `DATA`; no extra connection;
//! exactly these commands.

use app::bypass::{BypassAttempt, BypassForm};

use super::connection::SmtpConnection;
use super::net::Connector;
use super::session::{AddressProbe, SmtpStream};

/// `RCPT TO:<address>`.
pub(super) fn rcpt_line(address: &str) -> String {
    format!("RCPT TO:<{address}>")
}

impl<C: Connector> AddressProbe<'_, C> {
    /// Tries every form hiding `recipient` behind this address in the open transaction whose
    /// `RCPT TO:<recipient>` was just refused: in one write with PIPELINING, else lock-step. The
    /// attempts and whether the session can go on.
    pub(super) async fn bypass<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        recipient: &str,
        pipelining: bool,
    ) -> (Vec<BypassAttempt>, bool) {
        let forms: Vec<(BypassForm, String)> =
            BypassForm::ALL.iter().filter_map(|f| Some((*f, f.address(recipient, self.target.ip)?))).collect();
        self.transcript.event("relaying was refused: trying routing addresses (relay bypass forms)");
        let lines: Vec<String> = forms.iter().map(|(_, address)| rcpt_line(address)).collect();
        if pipelining {
            let group: Vec<&str> = lines.iter().map(String::as_str).collect();
            if let Err(e) = conn.send_group(&group, &mut self.transcript).await {
                self.broke("RCPT TO", e);
                return (Vec::new(), false);
            }
        }
        let mut out = Vec::new();
        for ((form, address), line) in forms.iter().zip(&lines) {
            let reply = match self.exchange(conn, line, pipelining).await {
                Ok(r) if matches!(r.code, 250..=252 | 400..=599) => r,
                Ok(r) => {
                    self.violation("RCPT TO", r.summary(), false);
                    return (out, false);
                }
                Err(e) => {
                    self.broke("RCPT TO", e);
                    return (out, false);
                }
            };
            let accepted = matches!(reply.code, 250 | 251);
            out.push(BypassAttempt { form: *form, recipient: address.clone(), reply: Some(reply.summary()), accepted });
            if reply.code == 421 {
                self.closing("RCPT TO", reply.summary());
                return (out, false);
            }
        }
        (out, true)
    }
}
