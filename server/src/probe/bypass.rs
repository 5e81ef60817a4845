//! Relay bypass forms, tried in the session of a refused relay probe: `RSET`, `MAIL FROM`, then one
//! `RCPT TO` per routing form (`app::bypass`), all in one write with PIPELINING. Never `DATA`; no
//! extra connection; exactly these commands.

use app::bypass::{BypassAttempt, BypassForm};

use super::connection::SmtpConnection;
use super::net::Connector;
use super::session::{AddressProbe, SmtpStream};

impl<C: Connector> AddressProbe<'_, C> {
    /// Tries every form with `sender` in one mail transaction. The attempts (none when the
    /// transaction could not start) and whether the session can go on.
    pub(super) async fn bypass<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sender: &str,
        recipient: &str,
        pipelining: bool,
    ) -> (Vec<BypassAttempt>, bool) {
        let forms: Vec<(BypassForm, String)> =
            BypassForm::ALL.iter().filter_map(|f| Some((*f, f.address(recipient, self.ip)?))).collect();
        let mail = format!("MAIL FROM:<{sender}>");
        let rcpts: Vec<String> = forms.iter().map(|(_, address)| format!("RCPT TO:<{address}>")).collect();
        self.transcript.event("relaying was refused: trying routing addresses (relay bypass forms)");
        if pipelining {
            let group: Vec<&str> =
                ["RSET", mail.as_str()].into_iter().chain(rcpts.iter().map(String::as_str)).collect();
            if let Err(e) = conn.send_group(&group, &mut self.transcript).await {
                self.broke("RSET", e);
                return (Vec::new(), false);
            }
        }
        for (command, line) in [("RSET", "RSET"), ("MAIL FROM", mail.as_str())] {
            match self.exchange(conn, line, pipelining).await {
                Ok(r) if r.code == 250 => {}
                Ok(r) if r.code >= 400 => {
                    self.transcript.event(&format!("relay bypass forms not tried: {command} answered {}", r.summary()));
                    let mut alive = r.code != 421;
                    // Pipelined RCPTs still have their replies due (503: no transaction).
                    for _ in rcpts.iter().take(if pipelining && alive { rcpts.len() } else { 0 }) {
                        alive = matches!(self.rcpt_without_transaction(conn).await, Ok(true));
                        if !alive {
                            break;
                        }
                    }
                    return (Vec::new(), alive);
                }
                Ok(r) => {
                    self.violation(command, r.summary(), false);
                    return (Vec::new(), false);
                }
                Err(e) => {
                    self.broke(command, e);
                    return (Vec::new(), false);
                }
            }
        }
        let mut out = Vec::new();
        for ((form, address), line) in forms.into_iter().zip(&rcpts) {
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
            out.push(BypassAttempt { form, recipient: address, reply: Some(reply.summary()), accepted });
            if reply.code == 421 {
                return (out, false);
            }
        }
        (out, true)
    }
}
