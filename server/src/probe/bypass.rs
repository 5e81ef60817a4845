//! After the relay probe's outside recipient was refused, two more ways in, in the same session:
//! a forged local sender (`postmaster@` the tested domain, as spammers and nmap's relay script
//! forge it: servers that relay for their own domain's senders take it) with the same outside
//! recipient, then one `RCPT TO` per routing form (`mxray_report::model::bypass`) in a transaction of the refused
//! sender. With PIPELINING all of it is one write, else lock-step. Never `DATA`; no extra
//! connection; exactly these commands.
//!
//! On the wire: `RSET`, `MAIL FROM:<postmaster@domain>`, `RCPT TO:<outside>`, `RSET`,
//! `MAIL FROM:<refused sender>`, the routing forms. The forged sender goes first because Exim drops
//! the session after its third syntax error (`smtp_max_synprot_errors`; domain literals count),
//! which would cut it off; the routing forms get a transaction of their own whose sender is not the
//! local one, so an accepted form is never taken for the local-sender hole.

use mxray_report::model::bypass::{BypassAttempt, BypassForm};
use mxray_report::model::report::{RelayAttempt, RelayReason};

use super::connection::SmtpConnection;
use super::net::Connector;
use super::session::{AddressProbe, SmtpStream};
use super::wire::rcpt_line;

/// The forged local sender for the tested `domain`.
pub(super) fn local_sender(domain: &str) -> String {
    format!("postmaster@{domain}")
}

impl<C: Connector> AddressProbe<'_, C> {
    /// Tries the forged local sender (when the tested domain is known) and then every form hiding
    /// `recipient` behind this address, after `RCPT TO:<recipient>` from `refused_sender` was refused:
    /// in one write with PIPELINING, else lock-step. The local sender's attempt, the forms tried and
    /// whether the session can go on.
    pub(super) async fn after_refusal<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        refused_sender: &str,
        recipient: &str,
        pipelining: bool,
    ) -> (Option<RelayAttempt>, Vec<BypassAttempt>, bool) {
        let local = (!self.domain.is_empty()).then(|| local_sender(&self.domain));
        let forms: Vec<(BypassForm, String)> =
            BypassForm::ALL.iter().filter_map(|f| Some((*f, f.address(recipient, self.target.ip)?))).collect();
        let form_lines: Vec<String> = forms.iter().map(|(_, address)| rcpt_line(address)).collect();
        let mut lines = Vec::new();
        if let Some(local) = &local {
            self.transcript.event(&format!("relaying was refused: trying the forged local sender {local}"));
            lines.extend(Self::attempt_lines(local, recipient, true));
            // The routing forms get a transaction of the refused sender again.
            lines.extend(["RSET".to_owned(), format!("MAIL FROM:<{refused_sender}>")]);
        }
        if !forms.is_empty() {
            self.transcript.event("relaying was refused: trying routing addresses (relay bypass forms)");
        }
        lines.extend(form_lines.iter().cloned());
        if pipelining && !lines.is_empty() {
            let group: Vec<&str> = lines.iter().map(String::as_str).collect();
            if let Err(e) = conn.send_group(&group, &mut self.transcript).await {
                self.broke(if local.is_some() { "RSET" } else { "RCPT TO" }, e);
                return (None, Vec::new(), false);
            }
        }
        let mut attempt = None;
        if let Some(local) = &local {
            let alive;
            (attempt, alive) = self.finish_attempt(conn, local, recipient, true, pipelining).await;
            // The plain verdict stands; a 421 here is the server closing before the forged sender
            // and the routing forms had their answers, which the address must say.
            if let Some(a) = attempt.as_ref().filter(|a| a.reason == RelayReason::ServerClosing) {
                let (command, reply) = match &a.rcpt_to {
                    Some(reply) => ("RCPT TO", reply.clone()),
                    None => ("MAIL FROM", a.mail_from.clone().unwrap_or_default()),
                };
                self.closing(command, reply);
            }
            if !alive {
                return (attempt, Vec::new(), false);
            }
            match self.reopen(conn, refused_sender, form_lines.len(), pipelining).await {
                Reopened::Yes => {}
                Reopened::No { alive } => return (attempt, Vec::new(), alive),
            }
        }
        let (bypass, alive) = self.bypass(conn, &forms, &form_lines, pipelining).await;
        (attempt, bypass, alive)
    }

    /// `RSET` and `MAIL FROM:<sender>` again (already sent with `pipelined`), so the routing forms
    /// run in a transaction of the refused sender. When `MAIL FROM` is refused this time, the
    /// `pending` pipelined forms are answered without a transaction: read, never counted as tried.
    async fn reopen<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        sender: &str,
        pending: usize,
        pipelined: bool,
    ) -> Reopened {
        if !self.reset(conn, pipelined).await {
            return Reopened::No { alive: false };
        }
        let mail = format!("MAIL FROM:<{sender}>");
        let reply = match self.exchange(conn, &mail, pipelined).await {
            Ok(r) if r.code == 250 => return Reopened::Yes,
            Ok(r) if r.code < 400 => {
                self.violation("MAIL FROM", r.summary(), false);
                return Reopened::No { alive: false };
            }
            Ok(r) => r,
            Err(e) => {
                self.broke("MAIL FROM", e);
                return Reopened::No { alive: false };
            }
        };
        self.transcript.event(&format!("MAIL FROM refused this time ({}): no routing forms", reply.summary()));
        let mut alive = reply.code != 421;
        for _ in 0..if pipelined { pending } else { 0 } {
            alive = alive && self.rcpt_without_transaction(conn).await.unwrap_or(false);
        }
        Reopened::No { alive }
    }

    /// Reads (or with lock-step sends and reads) one `RCPT TO` per routing form in the open
    /// transaction. The attempts and whether the session can go on.
    async fn bypass<S: SmtpStream>(
        &mut self,
        conn: &mut SmtpConnection<S>,
        forms: &[(BypassForm, String)],
        lines: &[String],
        pipelined: bool,
    ) -> (Vec<BypassAttempt>, bool) {
        let mut out = Vec::new();
        for ((form, address), line) in forms.iter().zip(lines) {
            let reply = match self.exchange(conn, line, pipelined).await {
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

/// Whether the refused sender's transaction is open again for the routing forms.
enum Reopened {
    /// It is.
    Yes,
    /// It is not; whether the session can go on.
    No {
        /// The session can go on.
        alive: bool,
    },
}
